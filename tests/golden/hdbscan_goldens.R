#!/usr/bin/env Rscript
# Writes the HDBSCAN goldens under tests/golden/hdbscan/ with R dbscan::hdbscan (Debian
# r-cran-dbscan 1.1-11): one CSV per data set, first line "minPts,<m>", then a header and rows
# x1..xd, cluster (0 = noise), outlier_score (GLOSH), membership_prob.
# Coordinates are multiples of 1/1024 so that float32 holds them exactly (C++ reads floats).
# Run from the repository root: Rscript tests/golden/hdbscan_goldens.R
suppressPackageStartupMessages(library(dbscan))
stopifnot(packageVersion("dbscan") == "1.1.11")
set.seed(16)
q <- function(x) round(x * 1024) / 1024

blob <- function(n, cx, cy, sd) cbind(rnorm(n, cx, sd), rnorm(n, cy, sd))
sets <- list()
# Blobs of different density.
sets$blobs <- list(x = rbind(blob(100, 0, 0, 0.3), blob(120, 4, 0, 1.0), blob(80, 1, 4, 0.5)), minPts = 5)
# Two interleaved half-moons.
t1 <- runif(150, 0, pi); t2 <- runif(150, 0, pi)
moons <- rbind(cbind(cos(t1), sin(t1)), cbind(1 - cos(t2), 0.5 - sin(t2)))
sets$moons <- list(x = moons + matrix(rnorm(600, 0, 0.08), ncol = 2), minPts = 8)
# Two blobs in uniform background noise.
sets$noise <- list(x = rbind(blob(120, -2, 0, 0.5), blob(120, 2, 1, 0.6),
                             cbind(runif(60, -5, 5), runif(60, -4, 5))), minPts = 10)
# Integer grid points drawn with replacement: many exact duplicates and tied distances.
g <- rbind(cbind(sample(0:4, 150, TRUE), sample(0:4, 150, TRUE)),
           cbind(sample(10:13, 100, TRUE), sample(0:3, 100, TRUE)),
           cbind(sample(-20:20, 20, TRUE), sample(8:30, 20, TRUE)))
sets$ties <- list(x = g, minPts = 4)
# One dimension: three Gaussians and a few far points.
sets$line <- list(x = matrix(c(rnorm(100, 0, 1), rnorm(80, 6, 0.5), rnorm(60, 12, 1.5), runif(10, -10, 25)), ncol = 1), minPts = 6)

for (name in names(sets)) {
  s <- sets[[name]]
  x <- q(s$x)
  res <- hdbscan(x, minPts = s$minPts)
  prob <- res$membership_prob
  prob[is.na(prob)] <- 1  # R leaves 0/0 when every member of a cluster has core distance 0
  out <- data.frame(x, cluster = res$cluster,
                    outlier = sprintf("%.17g", res$outlier_scores), prob = sprintf("%.17g", prob))
  names(out)[seq_len(ncol(x))] <- paste0("x", seq_len(ncol(x)))
  path <- file.path("tests/golden/hdbscan", paste0(name, ".csv"))
  writeLines(paste0("minPts,", s$minPts), path)
  suppressWarnings(write.table(out, path, sep = ",", row.names = FALSE, quote = FALSE, append = TRUE))
  cat(name, ": n =", nrow(x), " clusters =", max(res$cluster), " noise =", sum(res$cluster == 0), "\n")
}
