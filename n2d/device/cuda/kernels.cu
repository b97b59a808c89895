// The CUDA device's kernels (cuda_device.cpp launches them by name through the driver API).
// Compiled at build time by nvcc into a fatbin (PTX for a low virtual architecture, which any
// newer GPU JIT-compiles, plus SASS for common ones) and embedded in the library: no CUDA
// runtime, no link-time dependency. Each kernel mirrors the CPU device's semantics
// (n2d/device/detail/device.hpp); where the CPU result is a plain sequential sum, the same order
// and explicitly rounded operations (__fadd_rn, __fmul_rn: no FMA contraction) give its bits.
//
// Enumerations arrive as ints with the host's numbering (checked by static_asserts there).
#include <stdint.h>

typedef unsigned long long u64;

// Loop unrolling hints for nvcc; nothing elsewhere (tests run these kernels on the host).
#if defined(__CUDACC__)
#define N2D_UNROLL _Pragma("unroll")
#else
#define N2D_UNROLL
#endif

namespace {

// --- activations (n2d/blas/activation.cpp) ------------------------------------------------------
enum { kLinear = 0, kRelu, kSigmoid, kTanh, kLeakyRelu, kElu, kGelu };
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

__device__ __forceinline__ float act_forward(int act, float z, float alpha) {
    switch (act) {
        case kRelu: return z > 0.0f ? z : 0.0f;
        case kSigmoid: return 1.0f / (1.0f + expf(-z));
        case kTanh: return tanhf(z);
        case kLeakyRelu: return z > 0.0f ? z : alpha * z;
        case kElu: return z > 0.0f ? z : alpha * expm1f(z);
        case kGelu: return static_cast<float>(0.5 * z * (1.0 + erf(z * kInvSqrt2)));
        default: return z;
    }
}

__device__ __forceinline__ float act_backward(int act, float z, float y, float dy, float alpha) {
    switch (act) {
        case kRelu: return z > 0.0f ? dy : 0.0f;
        case kSigmoid: return dy * y * (1.0f - y);
        case kTanh: return dy * (1.0f - y * y);
        case kLeakyRelu: return z > 0.0f ? dy : alpha * dy;
        case kElu: return z > 0.0f ? dy : dy * (y + alpha);
        case kGelu: {
            const double x = z;
            const double cdf = 0.5 * (1.0 + erf(x * kInvSqrt2));
            const double pdf = kInvSqrt2Pi * exp(-0.5 * x * x);
            return static_cast<float>(dy * (cdf + x * pdf));
        }
        default: return dy;
    }
}

__device__ __forceinline__ size_t global_id() { return size_t(blockIdx.x) * blockDim.x + threadIdx.x; }
__device__ __forceinline__ size_t global_stride() { return size_t(gridDim.x) * blockDim.x; }

}  // namespace

// --- GEMM with bias/activation epilogue -----------------------------------------------------------
// 64 × 64 tiles of C per block of 256 threads, each thread 4 × 4 outputs (rows ty + 16r, columns
// tx + 16c: conflict-free shared reads); op(A) and op(B) staged through shared memory 16 deep,
// loaded along each matrix's contiguous dimension. Edges are zero-padded, so any size works.
namespace {
constexpr int kTile = 64, kDepth = 16;
}

extern "C" __global__ void __launch_bounds__(256)
n2d_gemm(int ta, int tb, u64 m, u64 n, u64 k, float alpha, float beta, const float* __restrict__ A, u64 lda,
         const float* __restrict__ B, u64 ldb, float* C, u64 ldc, const float* __restrict__ bias, int act,
         float act_alpha, float* act_out, int use_product) {
    __shared__ float As[kDepth][kTile + 4];
    __shared__ float Bs[kDepth][kTile + 4];
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const u64 row0 = u64(blockIdx.y) * kTile, col0 = u64(blockIdx.x) * kTile;
    float acc[4][4] = {};
    if (use_product) {
        for (u64 p0 = 0; p0 < k; p0 += kDepth) {
            for (int l = 0; l < 4; ++l) {
                const int e = tid + l * 256;
                int i, p;
                if (ta == 0) { i = e / kDepth; p = e % kDepth; } else { p = e / kTile; i = e % kTile; }
                const u64 gi = row0 + i, gp = p0 + p;
                float v = 0.0f;
                if (gi < m && gp < k) v = ta == 0 ? A[gi * lda + gp] : A[gp * lda + gi];
                As[p][i] = v;
                int j;
                if (tb == 0) { p = e / kTile; j = e % kTile; } else { j = e / kDepth; p = e % kDepth; }
                const u64 gj = col0 + j, gq = p0 + p;
                float w = 0.0f;
                if (gj < n && gq < k) w = tb == 0 ? B[gq * ldb + gj] : B[gj * ldb + gq];
                Bs[p][j] = w;
            }
            __syncthreads();
            N2D_UNROLL
            for (int p = 0; p < kDepth; ++p) {
                float a[4], b[4];
                N2D_UNROLL
                for (int r = 0; r < 4; ++r) a[r] = As[p][ty + 16 * r];
                N2D_UNROLL
                for (int c = 0; c < 4; ++c) b[c] = Bs[p][tx + 16 * c];
                N2D_UNROLL
                for (int r = 0; r < 4; ++r)
                    N2D_UNROLL
                    for (int c = 0; c < 4; ++c) acc[r][c] += a[r] * b[c];
            }
            __syncthreads();
        }
    }
    N2D_UNROLL
    for (int r = 0; r < 4; ++r) {
        const u64 i = row0 + ty + 16 * r;
        if (i >= m) continue;
        N2D_UNROLL
        for (int c = 0; c < 4; ++c) {
            const u64 j = col0 + tx + 16 * c;
            if (j >= n) continue;
            float* cij = C + i * ldc + j;
            float v = beta == 0.0f ? alpha * acc[r][c] : beta * *cij + alpha * acc[r][c];
            if (!use_product) v = beta == 0.0f ? 0.0f : beta * *cij;  // alpha == 0 or k == 0: A, B unread
            if (bias) v += bias[j];
            *cij = v;
            if (act_out) act_out[i * n + j] = act_forward(act, v, act_alpha);
        }
    }
}

// --- element-wise ops -----------------------------------------------------------------------------
extern "C" __global__ void n2d_activation_backward(int act, float alpha, u64 n, const float* z, const float* y,
                                                   const float* dy, float* dz) {
    for (size_t i = global_id(); i < n; i += global_stride()) dz[i] = act_backward(act, z[i], y[i], dy[i], alpha);
}

// out[j] = Σ_i x[i·cols + j], in row order (the CPU's bits).
extern "C" __global__ void n2d_col_sums(u64 rows, u64 cols, const float* __restrict__ x, float* __restrict__ out) {
    for (size_t j = global_id(); j < cols; j += global_stride()) {
        float s = 0.0f;
        for (size_t i = 0; i < rows; ++i) s = __fadd_rn(s, x[i * cols + j]);
        out[j] = s;
    }
}

// One thread per row, summing in column order like the CPU device; grad may alias pred.
extern "C" __global__ void n2d_loss(int loss, u64 rows, u64 cols, double inv_n, const float* pred,
                                    const float* __restrict__ target, float* grad, double* __restrict__ row_loss) {
    constexpr double kEps = 1e-7;
    for (size_t i = global_id(); i < rows; i += global_stride()) {
        const float* p = pred + i * cols;
        const float* t = target + i * cols;
        float* g = grad + i * cols;
        double sum = 0.0;
        if (loss == 0) {  // mse
            const float g_scale = static_cast<float>(2.0 * inv_n);
            for (size_t j = 0; j < cols; ++j) {
                const float d = __fsub_rn(p[j], t[j]);
                sum = __dadd_rn(sum, __dmul_rn(double(d), double(d)));
                g[j] = __fmul_rn(g_scale, d);
            }
        } else if (loss == 1) {  // mae
            for (size_t j = 0; j < cols; ++j) {
                const double d = __dsub_rn(double(p[j]), double(t[j]));
                sum = __dadd_rn(sum, fabs(d));
                g[j] = static_cast<float>(d > 0.0 ? inv_n : d < 0.0 ? -inv_n : 0.0);
            }
        } else {  // binary crossentropy
            for (size_t j = 0; j < cols; ++j) {
                const double raw = p[j], y = t[j];
                const double q = fmin(fmax(raw, kEps), 1.0 - kEps);
                sum -= y * log(q) + (1.0 - y) * log(1.0 - q);
                const bool inside = raw >= kEps && raw <= 1.0 - kEps;
                g[j] = static_cast<float>(inside ? (q - y) / (q * (1.0 - q)) * inv_n : 0.0);
            }
        }
        row_loss[i] = sum;
    }
}

extern "C" __global__ void n2d_adam(u64 n, float* __restrict__ w, const float* __restrict__ g, float* __restrict__ m,
                                    float* __restrict__ v, float lr_t, float beta1, float beta2, float eps) {
    const float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    for (size_t i = global_id(); i < n; i += global_stride()) {
        const float gi = g[i];
        const float mi = beta1 * m[i] + c1 * gi;
        const float vi = beta2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= lr_t * mi / (sqrtf(vi) + eps);
    }
}

// SGD: momentum 0: w −= lr·g; else u = μ·u − lr·g and w += u (Nesterov: w += μ·u − lr·g).
extern "C" __global__ void n2d_sgd(u64 n, float* __restrict__ w, const float* __restrict__ g, float* __restrict__ u,
                                   float lr, float momentum, int nesterov) {
    for (size_t i = global_id(); i < n; i += global_stride()) {
        const float gi = g[i];
        if (momentum == 0.0f) {
            w[i] += -lr * gi;
            continue;
        }
        float ui = momentum * u[i];
        ui += -lr * gi;
        u[i] = ui;
        if (nesterov) {
            float wi = w[i] + momentum * ui;
            w[i] = wi + -lr * gi;
        } else {
            w[i] += ui;
        }
    }
}

extern "C" __global__ void n2d_fill_f64(u64 n, double* x, double value) {
    for (size_t i = global_id(); i < n; i += global_stride()) x[i] = value;
}

// --- exact kNN --------------------------------------------------------------------------------------
// Squared distances of a block of queries to every reference, D[q · n_refs + r], summed in
// dimension order with rounded operations: the CPU's bits. Tiled as the GEMM.
extern "C" __global__ void __launch_bounds__(256)
n2d_knn_dist(u64 nq, u64 nr, u64 dim, const float* __restrict__ Q, const float* __restrict__ R, float* __restrict__ D) {
    __shared__ float Qs[kDepth][kTile + 4];
    __shared__ float Rs[kDepth][kTile + 4];
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const u64 q0 = u64(blockIdx.y) * kTile, r0 = u64(blockIdx.x) * kTile;
    float acc[4][4] = {};
    for (u64 t0 = 0; t0 < dim; t0 += kDepth) {
        for (int l = 0; l < 4; ++l) {
            const int e = tid + l * 256, row = e / kDepth, t = e % kDepth;
            const bool in_t = t0 + t < dim;
            Qs[t][row] = in_t && q0 + row < nq ? Q[(q0 + row) * dim + t0 + t] : 0.0f;
            Rs[t][row] = in_t && r0 + row < nr ? R[(r0 + row) * dim + t0 + t] : 0.0f;
        }
        __syncthreads();
        const int depth = dim - t0 < u64(kDepth) ? int(dim - t0) : kDepth;
        for (int t = 0; t < depth; ++t) {
            float a[4], b[4];
            N2D_UNROLL
            for (int r = 0; r < 4; ++r) a[r] = Qs[t][ty + 16 * r];
            N2D_UNROLL
            for (int c = 0; c < 4; ++c) b[c] = Rs[t][tx + 16 * c];
            N2D_UNROLL
            for (int r = 0; r < 4; ++r)
                N2D_UNROLL
                for (int c = 0; c < 4; ++c) {
                    const float d = __fsub_rn(a[r], b[c]);
                    acc[r][c] = __fadd_rn(acc[r][c], __fmul_rn(d, d));
                }
        }
        __syncthreads();
    }
    N2D_UNROLL
    for (int r = 0; r < 4; ++r) {
        const u64 i = q0 + ty + 16 * r;
        if (i >= nq) continue;
        N2D_UNROLL
        for (int c = 0; c < 4; ++c) {
            const u64 j = r0 + tx + 16 * c;
            if (j < nr) D[i * nr + j] = acc[r][c];
        }
    }
}

namespace {
// Distance and index as one 64-bit key: ascending keys = ascending distances, ties by the
// smaller index (the float bits mapped to an order-preserving unsigned integer). Keys are unique.
__device__ __forceinline__ u64 knn_key(float d, unsigned j) {
    const unsigned b = __float_as_uint(d);
    const unsigned o = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    return (u64(o) << 32) | j;
}
}  // namespace

// One block per query: the k smallest keys by an MSD radix select on bytes (256-bin histograms;
// stops as soon as the chosen bin completes the k), then the selected keys ranked against each
// other and written in order, padded with −1 / +inf. `sel` holds k keys per query.
extern "C" __global__ void __launch_bounds__(256)
n2d_knn_select(u64 nr, u64 k, const float* __restrict__ D, int* __restrict__ out_idx, float* __restrict__ out_dist,
               u64* __restrict__ sel_all) {
    __shared__ unsigned hist[256];
    __shared__ u64 s_prefix, s_mask, s_kk;
    __shared__ int s_done;
    __shared__ unsigned s_count;
    const u64 q = blockIdx.x;
    const float* d = D + q * nr;
    u64* sel = sel_all + q * k;
    const u64 m = k < nr ? k : nr;
    if (threadIdx.x == 0) {
        s_prefix = 0;
        s_mask = 0;
        s_kk = m;
        s_done = m == nr;  // every reference is selected
        s_count = 0;
    }
    __syncthreads();
    for (int shift = 56; shift >= 0 && !s_done; shift -= 8) {
        for (int b = threadIdx.x; b < 256; b += blockDim.x) hist[b] = 0;
        __syncthreads();
        const u64 prefix = s_prefix, mask = s_mask;
        for (u64 j = threadIdx.x; j < nr; j += blockDim.x) {
            const u64 key = knn_key(d[j], unsigned(j));
            if ((key & mask) == prefix) atomicAdd(&hist[(key >> shift) & 255u], 1u);
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            u64 cum = 0;
            int b = 0;
            for (; b < 255; ++b) {
                if (cum + hist[b] >= s_kk) break;
                cum += hist[b];
            }
            s_prefix = prefix | (u64(b) << shift);
            s_mask = mask | (u64(255) << shift);
            s_kk -= cum;
            s_done = hist[b] == s_kk;
        }
        __syncthreads();
    }
    const u64 threshold = s_prefix | ~s_mask;  // exactly the m smallest keys are <= threshold
    for (u64 j = threadIdx.x; j < nr; j += blockDim.x) {
        const u64 key = knn_key(d[j], unsigned(j));
        if (key <= threshold) sel[atomicAdd(&s_count, 1u)] = key;
    }
    __syncthreads();
    int* oi = out_idx + q * k;
    float* od = out_dist + q * k;
    for (u64 e = threadIdx.x; e < m; e += blockDim.x) {
        const u64 key = sel[e];
        u64 rank = 0;
        for (u64 f = 0; f < m; ++f) rank += sel[f] < key;
        const unsigned j = unsigned(key & 0xFFFFFFFFu);
        oi[rank] = int(j);
        od[rank] = d[j];
    }
    for (u64 c = m + threadIdx.x; c < k; c += blockDim.x) {
        oi[c] = -1;
        od[c] = __int_as_float(0x7f800000);
    }
}

// --- k-means assignment -----------------------------------------------------------------------------
extern "C" __global__ void n2d_kmeans_assign(u64 n, u64 d, u64 k, const float* __restrict__ x,
                                             const float* __restrict__ centers, int* __restrict__ labels,
                                             double* __restrict__ dist2) {
    for (size_t i = global_id(); i < n; i += global_stride()) {
        const float* xi = x + i * d;
        double best = __longlong_as_double(0x7ff0000000000000ll);
        int arg = 0;
        for (size_t c = 0; c < k; ++c) {
            const float* cc = centers + c * d;
            double s = 0.0;
            for (size_t t = 0; t < d; ++t) {
                const double v = __dsub_rn(double(xi[t]), double(cc[t]));
                s = __dadd_rn(s, __dmul_rn(v, v));
            }
            if (s < best) {
                best = s;
                arg = int(c);
            }
        }
        labels[i] = arg;
        dist2[i] = best;
    }
}

// --- GMM E-step ---------------------------------------------------------------------------------------
// One thread per row: the weighted log densities into lp (n × k: the responsibilities buffer or
// a scratch), the label, log p(x), then lp turned into responsibilities in place.
extern "C" __global__ void n2d_gmm_estep(u64 n, u64 d, u64 k, const float* __restrict__ x,
                                         const double* __restrict__ means, const double* __restrict__ prec_chol,
                                         const double* __restrict__ log_det, const double* __restrict__ log_weights,
                                         double* __restrict__ lp, double* __restrict__ logprob,
                                         int* __restrict__ labels) {
    constexpr double kLog2Pi = 1.8378770664093454835606594728112;
    for (size_t i = global_id(); i < n; i += global_stride()) {
        const float* xi = x + i * d;
        double* li = lp + i * k;
        double best = 0.0;
        int arg = 0;
        for (size_t c = 0; c < k; ++c) {
            const double* mu = means + c * d;
            const double* u = prec_chol + c * d * d;
            double q = 0.0;
            for (size_t j = 0; j < d; ++j) {  // y_j = Σ_{t<=j} (x − μ)_t U_tj, q = Σ y_j²
                double y = 0.0;
                for (size_t t = 0; t <= j; ++t) y += (double(xi[t]) - mu[t]) * u[t * d + j];
                q += y * y;
            }
            const double v = (-0.5 * double(d) * kLog2Pi + log_det[c] + log_weights[c]) - 0.5 * q;
            li[c] = v;
            if (c == 0 || v > best) {
                best = v;
                arg = int(c);
            }
        }
        double mx = li[0];
        for (size_t c = 1; c < k; ++c) mx = fmax(mx, li[c]);
        double sum = 0.0;
        for (size_t c = 0; c < k; ++c) sum += exp(li[c] - mx);
        if (logprob) logprob[i] = mx + log(sum);
        if (labels) labels[i] = arg;
        const double inv = 1.0 / sum;
        for (size_t c = 0; c < k; ++c) li[c] = exp(li[c] - mx) * inv;
    }
}

// Per-chunk statistics: one block per chunk of `chunk` rows, one thread per statistic, summing
// the chunk's rows in order. Layout per chunk: [R_c | Σ r(x − s_c) (k × d) | packed upper
// Σ r(x − s_c)(x − s_c)ᵀ (k × d(d+1)/2)].
extern "C" __global__ void n2d_gmm_stats(u64 n, u64 d, u64 k, u64 chunk, const float* __restrict__ x,
                                         const double* __restrict__ resp, const double* __restrict__ shift,
                                         double* __restrict__ stats) {
    const u64 tri = d * (d + 1) / 2, S = k * (1 + d + tri);
    const u64 lo = u64(blockIdx.x) * chunk, hi = lo + chunk < n ? lo + chunk : n;
    double* out = stats + u64(blockIdx.x) * S;
    for (u64 s = threadIdx.x; s < S; s += blockDim.x) {
        double acc = 0.0;
        if (s < k) {
            for (u64 r = lo; r < hi; ++r) acc += resp[r * k + s];
        } else if (s < k + k * d) {
            const u64 c = (s - k) / d, t = (s - k) % d;
            const double sh = shift ? shift[c * d + t] : 0.0;
            for (u64 r = lo; r < hi; ++r) acc += resp[r * k + c] * (double(x[r * d + t]) - sh);
        } else {
            const u64 c = (s - k - k * d) / tri;
            u64 idx = (s - k - k * d) % tri, a = 0;
            while (idx >= d - a) {
                idx -= d - a;
                ++a;
            }
            const u64 b = a + idx;
            const double sa = shift ? shift[c * d + a] : 0.0, sb = shift ? shift[c * d + b] : 0.0;
            for (u64 r = lo; r < hi; ++r) {
                const double w = resp[r * k + c];
                acc += (w * (double(x[r * d + a]) - sa)) * (double(x[r * d + b]) - sb);
            }
        }
        out[s] = acc;
    }
}

// --- UMAP layout SGD (n2d/umap/optimize_layout.cpp: run_tasks_fixed, sample_edge) -----------------
namespace {

__device__ __forceinline__ u64 splitmix64(u64& state) {
    u64 z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

__device__ __forceinline__ u64 derive_seed(u64 seed, u64 a, u64 b) {
    u64 s = seed;
    u64 h = splitmix64(s);
    s = h ^ (a * 0xD1B54A32D192ED03ull);
    h = splitmix64(s);
    s = h ^ (b * 0x8CB92BA72F3D8DD7ull);
    return splitmix64(s);
}

__device__ __forceinline__ float clip4(float g) { return g > 4.0f ? 4.0f : (g < -4.0f ? -4.0f : g); }

// Two interleaved partial sums, as the CPU's squared_distance.
__device__ __forceinline__ float squared_distance(const float* x, const float* y, u64 dim) {
    float s0 = 0.0f, s1 = 0.0f;
    u64 d = 0;
    for (; d + 2 <= dim; d += 2) {
        const float t0 = __fsub_rn(x[d], y[d]), t1 = __fsub_rn(x[d + 1], y[d + 1]);
        s0 = __fadd_rn(s0, __fmul_rn(t0, t0));
        s1 = __fadd_rn(s1, __fmul_rn(t1, t1));
    }
    if (d < dim) {
        const float t = __fsub_rn(x[d], y[d]);
        s0 = __fadd_rn(s0, __fmul_rn(t, t));
    }
    return __fadd_rn(s0, s1);
}

// (A·d²ᵇ + B) / ((d² + C)(1 + a·d²ᵇ)) for d² > 0, else 0 (sgd_kernels.hpp).
__device__ __forceinline__ float force(float d2, float a, float b, float A, float B, float C) {
    if (!(d2 > 0.0f)) return 0.0f;
    const float pb = powf(d2, b);
    return __fdiv_rn(__fadd_rn(__fmul_rn(A, pb), B), __fmul_rn(__fadd_rn(d2, C), __fadd_rn(1.0f, __fmul_rn(a, pb))));
}

__device__ __forceinline__ float mv(float alpha, float coef, float xd, float yd) {
    return __fmul_rn(alpha, clip4(__fmul_rn(coef, __fsub_rn(xd, yd))));
}

}  // namespace

// Round r of an epoch: one thread per task of the round (tasks [round_begin[r], round_begin[r+1])
// touch disjoint vertices), each walking its edges in order.
extern "C" __global__ void n2d_umap_round(u64 r, const unsigned* __restrict__ round_begin,
                                          const unsigned* __restrict__ task_begin, u64 n, u64 dim, u64 epoch,
                                          u64 seed, float alpha, float a, float b, float attract_A, float repel_B,
                                          float* emb, const float* __restrict__ snapshot,
                                          const unsigned* __restrict__ head, const unsigned* __restrict__ tail,
                                          const float* __restrict__ eps, const float* __restrict__ eps_neg,
                                          float* __restrict__ next, float* __restrict__ next_neg) {
    constexpr int kBatch = 8;
    const u64 t = round_begin[r] + global_id();
    if (t >= round_begin[r + 1]) return;
    u64 rng = derive_seed(seed, epoch, t);
    const float ep = static_cast<float>(epoch);
    for (u64 e = task_begin[t]; e < task_begin[t + 1]; ++e) {
        const float eps_e = eps[e];
        if (!(next[e] <= ep && eps_e > 0.0f)) continue;
        const float eps_neg_e = eps_neg[e], next_neg_e = next_neg[e];
        int n_neg = 0;
        if (eps_neg_e > 0.0f) {
            const float ratio = __fdiv_rn(__fsub_rn(ep, next_neg_e), eps_neg_e);
            n_neg = ratio > 0.0f ? static_cast<int>(ratio) : 0;
        }
        const unsigned h = head[e];
        float* x = emb + u64(h) * dim;
        float* y = emb + u64(tail[e]) * dim;
        next[e] = __fadd_rn(next[e], eps_e);
        const float* rows[kBatch];
        float coef[kBatch];
        int first = 1, done = 0;  // lane 0 of the first batch is the attraction
        do {
            const int count = min(kBatch - first, n_neg - done);
            for (int p = 0; p < count; ++p) {
                const unsigned pick = unsigned(__umul64hi(splitmix64(rng), n));
                rows[first + p] = pick == h ? x : snapshot + u64(pick) * dim;  // itself: no force
            }
            if (first) rows[0] = y;
            const int lanes = first + count;
            for (int p = 0; p < lanes; ++p) {
                const float d2 = squared_distance(x, rows[p], dim);
                coef[p] = first && p == 0 ? force(d2, a, b, attract_A, 0.0f, 0.0f) : force(d2, a, b, 0.0f, repel_B, 0.001f);
            }
            if (first) {
                for (u64 d = 0; d < dim; ++d) {
                    const float xd = x[d], g = mv(alpha, coef[0], xd, y[d]);
                    float step = 0.0f;
                    for (int p = 1; p < lanes; ++p) step = __fadd_rn(step, mv(alpha, coef[p], xd, rows[p][d]));
                    x[d] = __fadd_rn(xd, __fadd_rn(step, g));
                    y[d] = __fsub_rn(y[d], g);
                }
            } else {
                for (u64 d = 0; d < dim; ++d) {
                    const float xd = x[d];
                    float step = 0.0f;
                    for (int p = 0; p < lanes; ++p) step = __fadd_rn(step, mv(alpha, coef[p], xd, rows[p][d]));
                    x[d] = __fadd_rn(xd, step);
                }
            }
            done += count;
            first = 0;
        } while (done < n_neg);
        next_neg[e] = __fadd_rn(next_neg_e, __fmul_rn(static_cast<float>(n_neg), eps_neg_e));
    }
}
