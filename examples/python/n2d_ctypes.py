#!/usr/bin/env python3
"""n2d from Python through ctypes (standard library only): the built-in synthetic data, fit,
predict, save to memory, load, and one error path. Usage: n2d_ctypes.py PATH/TO/libn2d.so"""
import ctypes as C
import sys

lib = C.CDLL(sys.argv[1] if len(sys.argv) > 1 else "libn2d.so")
size_t, f32p, i32p = C.c_size_t, C.POINTER(C.c_float), C.POINTER(C.c_int)
lib.n2d_version.restype = C.c_char_p
lib.n2d_last_error.restype = C.c_char_p
lib.n2d_status_string.restype = C.c_char_p
lib.n2d_make_synthetic.argtypes = [size_t, size_t, size_t, C.c_uint64, f32p, size_t, i32p, size_t]
lib.n2d_options_create.argtypes = [C.POINTER(C.c_void_p)]
lib.n2d_options_set.argtypes = [C.c_void_p, C.c_char_p, C.c_char_p]
lib.n2d_options_free.argtypes = [C.c_void_p]
lib.n2d_model_create.argtypes = [C.c_void_p, C.POINTER(C.c_void_p)]
lib.n2d_model_free.argtypes = [C.c_void_p]
lib.n2d_model_fit_predict.argtypes = [C.c_void_p, f32p, size_t, size_t, size_t, i32p, size_t]
lib.n2d_model_predict.argtypes = [C.c_void_p, f32p, size_t, size_t, size_t, i32p, size_t]
lib.n2d_model_save_to_buffer.argtypes = [C.c_void_p, C.c_void_p, size_t, C.POINTER(size_t)]
lib.n2d_model_load_from_buffer.argtypes = [C.c_void_p, size_t, C.POINTER(C.c_void_p)]


class N2DError(Exception):
    pass


def check(status, ok=(0,)):
    if status not in ok:
        raise N2DError(f"{lib.n2d_status_string(status).decode()}: {lib.n2d_last_error().decode()}")
    return status


N, K, D = 600, 3, 16
x, truth, labels = (C.c_float * (N * D))(), (C.c_int * N)(), (C.c_int * N)()
check(lib.n2d_make_synthetic(N, K, D, 3, x, N * D, truth, N))

opts = C.c_void_p()
check(lib.n2d_options_create(C.byref(opts)))
for key, value in [("n_clusters", K), ("seed", 7), ("threads", 2), ("ae.architecture", "64,64,128"),
                   ("ae.epochs", 40), ("ae.batch_size", 32), ("umap.n_neighbors", 15), ("umap.n_epochs", 200)]:
    check(lib.n2d_options_set(opts, key.encode(), str(value).encode()))
model = C.c_void_p()
check(lib.n2d_model_create(opts, C.byref(model)))
lib.n2d_options_free(opts)
check(lib.n2d_model_fit_predict(model, x, N, D, D, labels, N))

# Cluster accuracy by majority vote per cluster (enough for a smoke test).
counts = {}
for t, p in zip(truth, labels):
    counts[(p, t)] = counts.get((p, t), 0) + 1
acc = sum(max(c for (p2, _), c in counts.items() if p2 == p) for p in set(labels)) / N
print(f"n2d {lib.n2d_version().decode()} via ctypes: accuracy {acc:.3f}")
assert acc > 0.9, acc

size = size_t(0)
check(lib.n2d_model_save_to_buffer(model, None, 0, C.byref(size)), ok=(6,))  # N2D_ERROR_BUFFER_TOO_SMALL
image = (C.c_ubyte * size.value)()
check(lib.n2d_model_save_to_buffer(model, image, size, C.byref(size)))
loaded = C.c_void_p()
check(lib.n2d_model_load_from_buffer(image, size, C.byref(loaded)))
first, again = (C.c_int * N)(), (C.c_int * N)()
check(lib.n2d_model_predict(model, x, N, D, D, first, N))
check(lib.n2d_model_predict(loaded, x, N, D, D, again, N))
assert list(first) == list(again), "the reloaded model predicts differently"

try:  # a wrong width is refused with a message, not a crash
    check(lib.n2d_model_predict(loaded, x, N, D - 1, D, again, N))
    raise AssertionError("a wrong width was accepted")
except N2DError as e:
    assert "N2D_ERROR_INVALID_ARGUMENT" in str(e), e
lib.n2d_model_free(loaded)
lib.n2d_model_free(model)
print("python ctypes checks passed")
