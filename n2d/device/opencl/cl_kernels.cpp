// The OpenCL C source of every kernel, built once per device (opencl_device.cpp). Build options:
// N2D_TS (the GEMM work-group edge) and N2D_FP64 (the device has cl_khr_fp64: the f64 kernels — loss,
// k-means, GMM — and the double-precision GELU are compiled). Each kernel follows the CPU
// device's arithmetic step by step (same operation order, no FMA contraction) so results agree
// to rounding; views arrive as (buffer, element offset) pairs.
#include "n2d/device/opencl/detail/opencl_state.hpp"

namespace n2d::inline v0::cl {

const char* kernel_source() noexcept {
    return R"CLC(
#pragma OPENCL FP_CONTRACT OFF
#ifdef N2D_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

// Activations, numbered as the host's act_code(): 0 linear, 1 relu, 2 sigmoid, 3 tanh,
// 4 leaky_relu, 5 elu, 6 gelu (exact erf form).
float act_forward(int act, float z, float alpha) {
    switch (act) {
        case 1: return z > 0.0f ? z : 0.0f;
        case 2: return 1.0f / (1.0f + exp(-z));
        case 3: return tanh(z);
        case 4: return z > 0.0f ? z : alpha * z;
        case 5: return z > 0.0f ? z : alpha * expm1(z);
        case 6: {
#ifdef N2D_FP64
            const double x = z;
            return (float)(0.5 * x * (1.0 + erf(x * 0.70710678118654752440)));
#else
            return 0.5f * z * (1.0f + erf(z * 0.70710678f));
#endif
        }
        default: return z;
    }
}

// C = alpha·op(A)·op(B) + beta·C, then C += bias, out = act(C). A work-group of N2D_TS × N2D_TS
// work-items computes a GT × GT tile of C (GT = N2D_TS·GW), each work-item GW × GW elements
// strided by N2D_TS (conflict-free local reads); GK-deep slices of A and B are staged in local
// memory, entries outside the matrices 0. Each element sums its k products in order.
#define GW 4
#define GT (N2D_TS * GW)
#define GK 16
__kernel void gemm(int ta, int tb, ulong m, ulong n, ulong k, float alpha, float beta,
                   __global const float* a, ulong a_off, ulong lda, __global const float* b, ulong b_off, ulong ldb,
                   __global float* c, ulong c_off, ulong ldc, __global const float* bias, ulong bias_off,
                   int has_bias, int act, float act_alpha, __global float* out, ulong out_off, int has_out) {
    __local float As[GK][GT];  // As[p][r] = op(A)(row0 + r, p0 + p)
    __local float Bs[GK][GT];  // Bs[p][q] = op(B)(p0 + p, col0 + q)
    a += a_off;
    b += b_off;
    c += c_off;
    const int tx = get_local_id(0), ty = get_local_id(1), tid = ty * N2D_TS + tx;
    const ulong row0 = get_group_id(1) * GT, col0 = get_group_id(0) * GT;
    float acc[GW][GW];
    for (int i = 0; i < GW; ++i)
        for (int j = 0; j < GW; ++j) acc[i][j] = 0.0f;
    for (ulong p0 = 0; p0 < k; p0 += GK) {
        // Consecutive work-items load consecutive addresses of whichever layout A and B have.
        for (int l = tid; l < GK * GT; l += N2D_TS * N2D_TS) {
            int r, p;
            if (ta) { p = l / GT; r = l % GT; } else { r = l / GK; p = l % GK; }
            const ulong gr = row0 + r, gp = p0 + p;
            As[p][r] = (gr < m && gp < k) ? (ta ? a[gp * lda + gr] : a[gr * lda + gp]) : 0.0f;
            int q;
            if (tb) { q = l / GK; p = l % GK; } else { p = l / GT; q = l % GT; }
            const ulong gq = col0 + q, gp2 = p0 + p;
            Bs[p][q] = (gq < n && gp2 < k) ? (tb ? b[gq * ldb + gp2] : b[gp2 * ldb + gq]) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < GK; ++p) {
            float bv[GW];
            for (int j = 0; j < GW; ++j) bv[j] = Bs[p][tx + j * N2D_TS];
            for (int i = 0; i < GW; ++i) {
                const float av = As[p][ty + i * N2D_TS];
                for (int j = 0; j < GW; ++j) acc[i][j] += av * bv[j];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < GW; ++i) {
        const ulong row = row0 + ty + i * N2D_TS;
        if (row >= m) break;
        for (int j = 0; j < GW; ++j) {
            const ulong col = col0 + tx + j * N2D_TS;
            if (col >= n) break;
            const ulong ci = row * ldc + col;
            float v = alpha * acc[i][j];
            if (beta != 0.0f) v += beta * c[ci];
            if (has_bias) v += bias[bias_off + col];
            c[ci] = v;
            if (has_out) out[out_off + row * n + col] = act_forward(act, v, act_alpha);
        }
    }
}

// dz = dy ⊙ act'(z), n2d::activation_backward's formulas.
__kernel void act_backward(int act, float alpha, ulong n, __global const float* z, ulong z_off,
                           __global const float* y, ulong y_off, __global const float* dy, ulong dy_off,
                           __global float* dz, ulong dz_off) {
    const ulong i = get_global_id(0);
    if (i >= n) return;
    const float zi = z[z_off + i], yi = y[y_off + i], g = dy[dy_off + i];
    float r;
    switch (act) {
        case 1: r = zi > 0.0f ? g : 0.0f; break;
        case 2: r = g * yi * (1.0f - yi); break;
        case 3: r = g * (1.0f - yi * yi); break;
        case 4: r = zi > 0.0f ? g : alpha * g; break;
        case 5: r = zi > 0.0f ? g : g * (yi + alpha); break;
        case 6: {
#ifdef N2D_FP64
            const double x = zi;
            const double cdf = 0.5 * (1.0 + erf(x * 0.70710678118654752440));
            const double pdf = 0.39894228040143267794 * exp(-0.5 * x * x);
            r = (float)(g * (cdf + x * pdf));
#else
            const float cdf = 0.5f * (1.0f + erf(zi * 0.70710678f));
            const float pdf = 0.39894228f * exp(-0.5f * zi * zi);
            r = g * (cdf + zi * pdf);
#endif
            break;
        }
        default: r = g; break;
    }
    dz[dz_off + i] = r;
}

// out[j] = Σ_i x[i·cols + j] in row order.
__kernel void col_sums(ulong rows, ulong cols, __global const float* x, ulong x_off, __global float* out,
                       ulong out_off) {
    const ulong j = get_global_id(0);
    if (j >= cols) return;
    x += x_off + j;
    float s = 0.0f;
    for (ulong i = 0; i < rows; ++i) s += x[i * cols];
    out[out_off + j] = s;
}

__kernel void adam(ulong n, __global float* w, ulong w_off, __global const float* g, ulong g_off,
                   __global float* m, ulong m_off, __global float* v, ulong v_off, float lr_t, float beta1,
                   float beta2, float eps) {
    const ulong i = get_global_id(0);
    if (i >= n) return;
    const float c1 = 1.0f - beta1, c2 = 1.0f - beta2, gi = g[g_off + i];
    const float mi = beta1 * m[m_off + i] + c1 * gi;
    const float vi = beta2 * v[v_off + i] + c2 * gi * gi;
    m[m_off + i] = mi;
    v[v_off + i] = vi;
    w[w_off + i] -= lr_t * mi / (sqrt(vi) + eps);
}

// mode 0: w −= lr·g; 1: momentum; 2: Nesterov (the CPU device's axpy/scale sequence).
__kernel void sgd(ulong n, int mode, __global float* w, ulong w_off, __global const float* g, ulong g_off,
                  __global float* u, ulong u_off, float lr, float mu) {
    const ulong i = get_global_id(0);
    if (i >= n) return;
    const float gi = g[g_off + i];
    float wi = w[w_off + i];
    if (mode == 0) {
        wi += -lr * gi;
    } else {
        float ui = mu * u[u_off + i];
        ui += -lr * gi;
        u[u_off + i] = ui;
        if (mode == 2) {
            wi += mu * ui;
            wi += -lr * gi;
        } else {
            wi += 1.0f * ui;
        }
    }
    w[w_off + i] = wi;
}

// Exact kNN, one work-item per query: distances by direct differences in dimension order, the
// row kept sorted by insertion. References arrive in index order, so a later one with an equal
// distance never displaces an earlier one: ties go to the smaller index.
__kernel void knn(ulong nq, ulong nr, ulong dim, ulong k, __global const float* q, ulong q_off,
                  __global const float* r, ulong r_off, __global int* idx, ulong idx_off, __global float* dist,
                  ulong dist_off) {
    const ulong i = get_global_id(0);
    if (i >= nq) return;
    q += q_off + i * dim;
    r += r_off;
    idx += idx_off + i * k;
    dist += dist_off + i * k;
    for (ulong c = 0; c < k; ++c) {
        idx[c] = -1;
        dist[c] = INFINITY;
    }
    float worst = INFINITY;
    for (ulong j = 0; j < nr; ++j) {
        __global const float* rj = r + j * dim;
        float s = 0.0f;
        for (ulong t = 0; t < dim; ++t) {
            const float d = q[t] - rj[t];
            s += d * d;
        }
        if (!(s < worst)) continue;
        ulong p = k - 1;
        while (p > 0 && dist[p - 1] > s) {
            dist[p] = dist[p - 1];
            idx[p] = idx[p - 1];
            --p;
        }
        dist[p] = s;
        idx[p] = (int)j;
        worst = dist[k - 1];
    }
}

// The same with the references staged in local memory, `rows` at a time, shared by the
// work-group's queries (all work-items take part in the loads, so none returns early).
__kernel void knn_tiled(ulong nq, ulong nr, ulong dim, ulong k, __global const float* q, ulong q_off,
                        __global const float* r, ulong r_off, __global int* idx, ulong idx_off, __global float* dist,
                        ulong dist_off, __local float* tile, ulong rows) {
    const ulong i = get_global_id(0);
    const bool active = i < nq;
    const ulong qi = active ? i : 0;
    q += q_off + qi * dim;
    r += r_off;
    idx += idx_off + qi * k;
    dist += dist_off + qi * k;
    if (active)
        for (ulong c = 0; c < k; ++c) {
            idx[c] = -1;
            dist[c] = INFINITY;
        }
    float worst = INFINITY;
    const ulong lid = get_local_id(0), lsize = get_local_size(0);
    for (ulong j0 = 0; j0 < nr; j0 += rows) {
        const ulong count = min(rows, nr - j0);
        barrier(CLK_LOCAL_MEM_FENCE);
        for (ulong l = lid; l < count * dim; l += lsize) tile[l] = r[j0 * dim + l];
        barrier(CLK_LOCAL_MEM_FENCE);
        if (!active) continue;
        for (ulong jj = 0; jj < count; ++jj) {
            __local const float* rj = tile + jj * dim;
            float s = 0.0f;
            for (ulong t = 0; t < dim; ++t) {
                const float d = q[t] - rj[t];
                s += d * d;
            }
            if (!(s < worst)) continue;
            ulong p = k - 1;
            while (p > 0 && dist[p - 1] > s) {
                dist[p] = dist[p - 1];
                idx[p] = idx[p - 1];
                --p;
            }
            dist[p] = s;
            idx[p] = (int)(j0 + jj);
            worst = dist[k - 1];
        }
    }
}

// --- UMAP: one work-item per task of a round (optimize_layout.cpp's run_tasks_fixed) ---------

ulong splitmix64(ulong* state) {
    ulong z = (*state += 0x9E3779B97F4A7C15UL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

ulong derive_seed(ulong seed, ulong a, ulong b) {
    ulong s = seed;
    ulong h = splitmix64(&s);
    s = h ^ (a * 0xD1B54A32D192ED03UL);
    h = splitmix64(&s);
    s = h ^ (b * 0x8CB92BA72F3D8DD7UL);
    return splitmix64(&s);
}

float clip4(float g) { return g > 4.0f ? 4.0f : (g < -4.0f ? -4.0f : g); }

// Two interleaved partial sums, as the CPU's squared_distance.
float sq_dist(__global const float* x, __global const float* y, ulong dim) {
    float s0 = 0.0f, s1 = 0.0f;
    ulong d = 0;
    for (; d + 2 <= dim; d += 2) {
        const float t0 = x[d] - y[d], t1 = x[d + 1] - y[d + 1];
        s0 += t0 * t0;
        s1 += t1 * t1;
    }
    if (d < dim) {
        const float t = x[d] - y[d];
        s0 += t * t;
    }
    return s0 + s1;
}

// Lane coefficients (sgd_kernels.hpp): (A·d²ᵇ + B) / ((d² + C)(1 + a·d²ᵇ)), 0 unless d² > 0.
float force(float d, float a, float b, float A, float B, float C) {
    if (!(d > 0.0f)) return 0.0f;
    const float pb = pow(d, b);
    return (A * pb + B) / ((d + C) * (1.0f + a * pb));
}

#define N2D_BATCH 8
__kernel void umap_round(ulong t_lo, ulong t_hi, ulong n, ulong dim, ulong seed, ulong epoch, float alpha, float a,
                         float b, float att_A, float rep_B, __global float* emb, ulong emb_off,
                         __global const float* snap, ulong snap_off, __global const uint* head, ulong head_off,
                         __global const uint* tail, ulong tail_off, __global const float* eps, ulong eps_off,
                         __global const float* eps_neg, ulong eps_neg_off, __global float* next, ulong next_off,
                         __global float* next_neg, ulong next_neg_off, __global const uint* task_begin,
                         ulong task_off) {
    const ulong t = t_lo + get_global_id(0);
    if (t >= t_hi) return;
    emb += emb_off;
    snap += snap_off;
    head += head_off;
    tail += tail_off;
    eps += eps_off;
    eps_neg += eps_neg_off;
    next += next_off;
    next_neg += next_neg_off;
    task_begin += task_off;
    const float ep = (float)epoch;
    ulong state = derive_seed(seed, epoch, t);
    for (ulong e = task_begin[t]; e < task_begin[t + 1]; ++e) {
        const float ex = eps[e];
        if (!(next[e] <= ep && ex > 0.0f)) continue;
        const float en = eps_neg[e], nn = next_neg[e];
        int n_neg = 0;
        if (en > 0.0f) {
            const float ratio = (ep - nn) / en;
            n_neg = ratio > 0.0f ? (int)ratio : 0;
        }
        const uint h = head[e];
        __global float* x = emb + (ulong)h * dim;
        __global float* y = emb + (ulong)tail[e] * dim;
        next[e] += ex;
        uint pick[N2D_BATCH];
        float coef[N2D_BATCH];
        int first = 1, done = 0;
        do {
            const int count = min(N2D_BATCH - first, n_neg - done);
            for (int p = 0; p < count; ++p) pick[first + p] = (uint)mul_hi(splitmix64(&state), n);
            const int lanes = first + count;
            for (int p = 0; p < lanes; ++p) {
                if (first && p == 0) {
                    coef[0] = force(sq_dist(x, y, dim), a, b, att_A, 0.0f, 0.0f);
                } else {
                    const float d2 = pick[p] == h ? 0.0f : sq_dist(x, snap + (ulong)pick[p] * dim, dim);
                    coef[p] = force(d2, a, b, 0.0f, rep_B, 0.001f);
                }
            }
            for (ulong d = 0; d < dim; ++d) {
                const float xd = x[d];
                float step = 0.0f;
                for (int p = first; p < lanes; ++p) {
                    const float rd = pick[p] == h ? xd : snap[(ulong)pick[p] * dim + d];
                    step += alpha * clip4(coef[p] * (xd - rd));
                }
                if (first) {
                    const float g = alpha * clip4(coef[0] * (xd - y[d]));
                    x[d] = xd + (step + g);
                    y[d] -= g;
                } else {
                    x[d] = xd + step;
                }
            }
            done += count;
            first = 0;
        } while (done < n_neg);
        next_neg[e] = nn + (float)n_neg * en;
    }
}

#ifdef N2D_FP64
__kernel void loss_rows(int kind, ulong rows, ulong cols, double inv_n, __global const float* pred, ulong pred_off,
                        __global const float* target, ulong target_off, __global float* grad, ulong grad_off,
                        __global double* row_loss, ulong row_loss_off) {
    const ulong i = get_global_id(0);
    if (i >= rows) return;
    pred += pred_off + i * cols;
    target += target_off + i * cols;
    grad += grad_off + i * cols;
    const double lo = 1e-7, hi = 1.0 - 1e-7;
    double sum = 0.0;
    if (kind == 0) {
        const float g_scale = (float)(2.0 * inv_n);
        for (ulong j = 0; j < cols; ++j) {
            const float d = pred[j] - target[j];
            sum += (double)d * (double)d;
            grad[j] = g_scale * d;
        }
    } else if (kind == 1) {
        for (ulong j = 0; j < cols; ++j) {
            const double d = (double)pred[j] - (double)target[j];
            sum += fabs(d);
            grad[j] = (float)(d > 0.0 ? inv_n : d < 0.0 ? -inv_n : 0.0);
        }
    } else {
        for (ulong j = 0; j < cols; ++j) {
            const double raw = pred[j], y = target[j];
            const double p = raw < lo ? lo : (raw > hi ? hi : raw);
            sum -= y * log(p) + (1.0 - y) * log(1.0 - p);
            const int inside = raw >= lo && raw <= hi;
            grad[j] = (float)(inside ? (p - y) / (p * (1.0 - p)) * inv_n : 0.0);
        }
    }
    row_loss[row_loss_off + i] = sum;
}

__kernel void kmeans_assign(ulong n, ulong d, ulong k, __global const float* x, ulong x_off,
                            __global const float* c, ulong c_off, __global int* labels, ulong labels_off,
                            __global double* dist2, ulong dist2_off) {
    const ulong i = get_global_id(0);
    if (i >= n) return;
    x += x_off + i * d;
    c += c_off;
    double best = INFINITY;
    int arg = 0;
    for (ulong j = 0; j < k; ++j) {
        double s = 0.0;
        for (ulong t = 0; t < d; ++t) {
            const double v = (double)x[t] - (double)c[j * d + t];
            s += v * v;
        }
        if (s < best) {
            best = s;
            arg = (int)j;
        }
    }
    labels[labels_off + i] = arg;
    dist2[dist2_off + i] = best;
}

// GMM E-step per row: weighted log-probabilities into resp, then labels, logprob and resp.
__kernel void gmm_rows(ulong n, ulong d, ulong k, __global const float* x, ulong x_off, __global const double* means,
                       ulong means_off, __global const double* prec, ulong prec_off, __global const double* log_det,
                       ulong log_det_off, __global const double* log_w, ulong log_w_off, __global double* resp,
                       ulong resp_off, __global double* logprob, ulong logprob_off, int has_logprob,
                       __global int* labels, ulong labels_off, int has_labels) {
    const ulong i = get_global_id(0);
    if (i >= n) return;
    x += x_off + i * d;
    means += means_off;
    prec += prec_off;
    resp += resp_off + i * k;
    const double log_2pi = 1.83787706640934548356;
    for (ulong c = 0; c < k; ++c) {
        __global const double* mu = means + c * d;
        __global const double* u = prec + c * d * d;
        double q = 0.0;
        for (ulong j = 0; j < d; ++j) {
            double yj = 0.0;
            for (ulong t = 0; t <= j; ++t) yj += ((double)x[t] - mu[t]) * u[t * d + j];
            q += yj * yj;
        }
        const double off = -0.5 * (double)d * log_2pi + log_det[log_det_off + c] + log_w[log_w_off + c];
        resp[c] = off - 0.5 * q;
    }
    if (has_labels) {
        ulong best = 0;
        for (ulong c = 1; c < k; ++c)
            if (resp[c] > resp[best]) best = c;
        labels[labels_off + i] = (int)best;
    }
    double mx = resp[0];
    for (ulong c = 1; c < k; ++c)
        if (resp[c] > mx) mx = resp[c];
    double sum = 0.0;
    for (ulong c = 0; c < k; ++c) {
        const double e = exp(resp[c] - mx);
        resp[c] = e;
        sum += e;
    }
    if (has_logprob) logprob[logprob_off + i] = mx + log(sum);
    const double inv = 1.0 / sum;
    for (ulong c = 0; c < k; ++c) resp[c] *= inv;
}

// Per-chunk statistics: one work-item per (chunk, entry), summing its chunk's rows in order.
__kernel void gmm_stats(ulong n, ulong d, ulong k, ulong chunk_rows, __global const float* x, ulong x_off,
                        __global const double* resp, ulong resp_off, __global const double* shift, ulong shift_off,
                        __global double* stats, ulong stats_off) {
    const ulong pairs = d * (d + 1) / 2, size = k * (1 + d + pairs);
    const ulong gid = get_global_id(0), chunk = gid / size, e = gid % size;
    const ulong lo = chunk * chunk_rows;
    if (lo >= n) return;
    const ulong hi = min(lo + chunk_rows, n);
    x += x_off;
    resp += resp_off;
    shift += shift_off;
    double s = 0.0;
    if (e < k) {
        for (ulong r = lo; r < hi; ++r) s += resp[r * k + e];
    } else if (e < k + k * d) {
        const ulong c = (e - k) / d, t = (e - k) % d;
        const double sh = shift[c * d + t];
        for (ulong r = lo; r < hi; ++r) s += resp[r * k + c] * ((double)x[r * d + t] - sh);
    } else {
        const ulong c = (e - k - k * d) / pairs;
        ulong p = (e - k - k * d) % pairs, i = 0;
        while (p >= d - i) {
            p -= d - i;
            ++i;
        }
        const ulong j = i + p;
        const double si = shift[c * d + i], sj = shift[c * d + j];
        for (ulong r = lo; r < hi; ++r)
            s += (resp[r * k + c] * ((double)x[r * d + i] - si)) * ((double)x[r * d + j] - sj);
    }
    stats[stats_off + gid] = s;
}
#endif
)CLC";
}

}  // namespace n2d::cl
