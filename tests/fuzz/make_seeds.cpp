// Writes the seed corpora under DIR/<harness>/ with the library's own writers (DEFLATE, models,
// weights, options text) and small hand-made files of each format. Run by `make fuzz-seeds`;
// the output is committed (tests/fuzz/corpus), so rerun it only when a format changes.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/pipeline/n2d_pipeline.hpp"
#include "n2d/pipeline/options_text.hpp"
#include "n2d/plot/detail/deflate.hpp"

namespace {

using Bytes = std::vector<unsigned char>;
namespace fs = std::filesystem;
fs::path g_root;

Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
Bytes prefix(unsigned char mode, const Bytes& b) { return Bytes{mode} + b; }

void seed(const std::string& harness, const std::string& name, const Bytes& content) {
    fs::create_directories(g_root / harness);
    std::FILE* f = std::fopen((g_root / harness / name).c_str(), "wb");
    if (!f || std::fwrite(content.data(), 1, content.size(), f) != content.size() || std::fclose(f) != 0) {
        std::fprintf(stderr, "make_seeds: cannot write %s/%s\n", harness.c_str(), name.c_str());
        std::exit(1);
    }
}

void put_le32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

Bytes gzip(const Bytes& data, int level = 6) {
    Bytes g{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    g = g + n2d::deflate_raw(data.data(), data.size(), {level});
    put_le32(g, n2d::crc32(data.data(), data.size()));
    put_le32(g, static_cast<std::uint32_t>(data.size()));
    return g;
}

// IDX: magic 00 00 type ndims, big-endian sizes, then the (big-endian) values.
Bytes idx(unsigned char type, const std::vector<std::uint32_t>& dims, const Bytes& values) {
    Bytes b{0, 0, type, static_cast<unsigned char>(dims.size())};
    for (std::uint32_t d : dims)
        for (int i = 3; i >= 0; --i) b.push_back(static_cast<unsigned char>(d >> (8 * i)));
    return b + values;
}

// .npy version 1 or 2: magic, version, header length, the dict padded to 64 bytes, the data.
Bytes npy(const std::string& descr, const std::string& shape, const Bytes& values, int version = 1) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    const std::size_t fixed = version == 1 ? 10 : 12;
    while ((fixed + dict.size() + 1) % 64) dict += ' ';
    dict += '\n';
    Bytes b = bytes("\x93NUMPY");
    b.push_back(static_cast<unsigned char>(version));
    b.push_back(0);
    const std::size_t n = dict.size();
    for (std::size_t i = 0; i < fixed - 8; ++i) b.push_back(static_cast<unsigned char>(n >> (8 * i)));
    return b + bytes(dict) + values;
}

void data_seeds() {
    const Bytes text = bytes("0,1,2,3\n4,5,6,7\n0,1,2,3\n4,5,6,7\n0,1,2,3\n");
    for (unsigned char mode = 0; mode < 3; ++mode) {
        seed("inflate", "stored" + std::to_string(mode), prefix(mode, mode == 0 ? gzip(text, 0) : Bytes{}));
    }
    seed("inflate", "gzip", prefix(0, gzip(text)));
    seed("inflate", "gzip-two-members", prefix(0, gzip(text) + gzip(bytes("x"))));
    seed("inflate", "zlib", prefix(1, n2d::zlib_compress(text.data(), text.size())));
    seed("inflate", "raw", prefix(2, n2d::deflate_raw(text.data(), text.size())));
    seed("inflate", "raw-stored", prefix(2, n2d::deflate_raw(text.data(), text.size(), {0})));

    const Bytes u8_222 = idx(0x08, {2, 2, 2}, {0, 1, 2, 3, 250, 251, 252, 255});
    seed("idx", "ubyte-2x2x2", u8_222);
    seed("idx", "ubyte-2x2x2.gz", gzip(u8_222));
    seed("idx", "labels", idx(0x08, {4}, {0, 1, 9, 3}));
    seed("idx", "float32-2x2", idx(0x0D, {2, 2}, {0x3f, 0x80, 0, 0, 0x40, 0, 0, 0, 0xbf, 0x80, 0, 0, 0, 0, 0, 0}));
    seed("idx", "int16-3", idx(0x0B, {3}, {0, 1, 0xff, 0xff, 0x7f, 0xff}));
    seed("idx", "float64-1x1", idx(0x0E, {1, 1}, {0x3f, 0xf0, 0, 0, 0, 0, 0, 0}));

    seed("csv", "header-label-last", prefix(45, bytes("a,b,label\n1,2,x\n3.5,-4e2,y\n")));
    seed("csv", "tsv", prefix(2, bytes("1\t2\t3\n4\t5\t6\n")));
    seed("csv", "spaces", prefix(4, bytes("  1.0  2.0\n -1e-3 4\n")));
    seed("csv", "quoted-comments", prefix(0, bytes("# comment\n\"a\";\"b\"\n\n\"1\";\"2\"\n")));
    seed("csv", "label-first", prefix(20 | 0x80, bytes("3,0.5,0.25\n9,1,1\n")));
    seed("csv", "gzip", prefix(0, gzip(bytes("1,2\n3,4\n"))));

    const Bytes f4 = {0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40, 0, 0, 0xc0, 0x40};
    seed("npy", "f4-2x3", npy("<f4", "(2, 3)", f4));
    seed("npy", "f4-2x3-v2", npy("<f4", "(2, 3)", f4, 2));
    seed("npy", "f4-2x3.gz", gzip(npy("<f4", "(2, 3)", f4)));
    seed("npy", "i8-labels", npy("<i8", "(2,)", {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}));
    seed("npy", "u1-2x2x1", npy("|u1", "(2, 2, 1)", {1, 2, 3, 4}));
    seed("npy", "f8-big-endian", npy(">f8", "(1,)", {0x3f, 0xf0, 0, 0, 0, 0, 0, 0}));
    seed("npy", "i4-3x1", npy("<i4", "(3, 1)", {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}));

    seed("usps", "two", bytes("2 3\n0 0.1 0.2 0.3\n1 1 2 0\n-1\n"));
    seed("usps", "two.gz", gzip(bytes("2 3\n0 0.1 0.2 0.3\n1 1 2 0\n-1\n")));

    std::string row, row2;
    for (int i = 0; i < 16; ++i) row += std::to_string(i * 6) + ",";
    for (int i = 0; i < 16; ++i) row2 += " " + std::to_string(100 - i * 5) + ",";
    seed("pendigits", "tra-tes", bytes(row + "3\n" + row2 + "7\n") + Bytes{0} + bytes(row + "0\n"));
    seed("pendigits", "same", bytes(row + "9\n"));

    const std::string x = " 1.0e-01 -2.5e-01  3.0e-01\n 0.0 1.0 -1.0\n";
    seed("har", "layout", bytes(x) + Bytes{0} + bytes("1\n6\n") + Bytes{0} + bytes(" 0.5 0.5 0.5\n") + Bytes{0} +
                              bytes("3\n") + Bytes{0} + bytes("1 WALKING\n2 WALKING_UPSTAIRS\n3 SITTING\n6 LAYING\n"));
    seed("har", "no-test", bytes(x) + Bytes{0} + bytes("1\n2\n"));

    seed("labels", "header", bytes("label\n1\n2\n3\n"));
    seed("labels", "comments", bytes("# c\n0\n\n6\n"));
    seed("labels", "gzip", gzip(bytes("1\n2\n")));
    seed("labels", "npy", npy("<i8", "(2,)", {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}));
    seed("labels", "idx", idx(0x08, {3}, {1, 2, 6}));
}

// Tiny fitted models (a few KB): the default pipeline and the no-autoencoder k-means one.
void model_seeds() {
    n2d::SyntheticOptions so;
    so.n_samples = 40;
    so.n_clusters = 2;
    so.dim = 4;
    const n2d::Dataset d = n2d::make_synthetic(so);
    n2d::N2DOptions o;
    o.n_clusters = 2;
    o.autoencoder.architecture = {4};
    o.autoencoder.epochs = 2;
    o.autoencoder.batch_size = 16;
    o.umap.n_neighbors = 5;
    o.umap.n_epochs = 10;
    o.gmm.n_init = 1;
    n2d::N2D ae_umap_gmm(o);
    ae_umap_gmm.fit(d.x);
    const Bytes m1 = ae_umap_gmm.save_to_bytes();
    seed("model", "ae-umap-gmm", prefix(0, m1));
    seed("model", "ae-umap-gmm-fix", prefix(1, m1));
    n2d::N2DOptions k = o;
    k.embedder = n2d::EmbedderKind::none;
    k.manifold = n2d::ManifoldKind::none;
    k.clusterer = n2d::ClustererKind::kmeans;
    n2d::N2D raw_kmeans(k);
    raw_kmeans.fit(d.x);
    seed("model", "kmeans-fix", prefix(1, raw_kmeans.save_to_bytes()));

    n2d::AutoencoderOptions ao = o.autoencoder;
    ao.latent_dim = 2;
    n2d::Autoencoder ae(4, ao);
    ae.fit(d.x);
    const fs::path tmp = fs::temp_directory_path() / "n2d-make-seeds.weights";
    auto file = [&](auto write) {
        write(tmp.string());
        std::FILE* f = std::fopen(tmp.c_str(), "rb");
        Bytes b;
        for (int c; f && (c = std::fgetc(f)) != EOF;) b.push_back(static_cast<unsigned char>(c));
        if (f) std::fclose(f);
        fs::remove(tmp);
        return b;
    };
    seed("weights", "file", prefix(0, file([&](const std::string& p) { ae.save_weights(p); })));
    seed("weights", "file-fix", prefix(2, file([&](const std::string& p) { ae.save_weights(p, true); })));
    seed("weights", "checkpoint-fix", prefix(2, file([&](const std::string& p) { ae.save_checkpoint(p); })));
    n2d::ByteWriter w;
    ae.save(w);
    seed("weights", "payload", prefix(1, w.take()));

    for (const auto* opts : {&o, &k}) {
        std::string t;
        for (const auto& [key, value] : n2d::describe_options(*opts)) t += key + "=" + value + "\n";
        seed("options", opts == &o ? "default" : "kmeans", bytes(t));
    }
}

// The golden Keras weights and HDF5 layout files (written by h5py: n2d has no HDF5 writer).
void keras_seeds() {
    const fs::path dir = fs::path(N2D_SOURCE_DIR) / "tests/golden/keras";
    // (name, harness mode): load_weights on the Keras files, the reader's walk on the others.
    for (const auto& [name, mode] : {std::pair<const char*, int>{"ae_earliest", 0}, {"not_ae", 0}, {"ae_vlen", 1},
                                     {"layouts", 1}, {"ae_latest", 1}}) {
        std::FILE* f = std::fopen((dir / (std::string(name) + ".h5")).c_str(), "rb");
        Bytes b;
        for (int c; f && (c = std::fgetc(f)) != EOF;) b.push_back(static_cast<unsigned char>(c));
        if (!f || b.empty()) {
            std::fprintf(stderr, "make_seeds: cannot read %s/%s.h5\n", dir.c_str(), name);
            std::exit(1);
        }
        std::fclose(f);
        seed("keras_weights", std::string(name) + (mode ? "-walk" : "-load"), prefix(static_cast<unsigned char>(mode), b));
    }
}

void cli_seeds() {
    auto argv = [](std::vector<std::string> args) {
        Bytes b;
        for (std::size_t i = 0; i < args.size(); ++i) b = b + (i ? Bytes{0} : Bytes{}) + bytes(args[i]);
        return b;
    };
    seed("cli_args", "full", argv({"data.csv", "labels.txt", "--epochs", "5", "--lr", "1e-3", "--clusterer", "kmeans",
                                   "--arch", "8,8,16", "--out", "m.n2d", "--json"}));
    seed("cli_args", "equals", argv({"--epochs=7", "data.csv", "--arch=1"}));
    seed("cli_args", "help", argv({"--help"}));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_seeds DIR  (writes DIR/<harness>/<seed>)\n");
        return 2;
    }
    g_root = argv[1];
    data_seeds();
    model_seeds();
    keras_seeds();
    cli_seeds();
    return 0;
}
