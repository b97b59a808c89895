"""Writes small Keras 2.2.4-layout weights files (what `autoencoder.save_weights(...)` in the N2D
paper's code produces) with seeded random weights, and the numpy forward pass of a few inputs,
for tests/nn/test_keras_weights.cpp. Run with /usr/bin/python3 (h5py, numpy); writes into
tests/golden/keras/.

Layout (Keras 2.2.4 saving.save_weights_to_hdf5_group): root attributes layer_names (fixed-length
byte strings), backend, keras_version; one group per layer with attribute weight_names
(fixed-length byte strings, empty for the input layer) and its datasets at
<layer>/<weight name>, e.g. encoder_0/encoder_0/kernel:0 of shape (in, out).
"""
import os

import h5py
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras")
DIMS = [6, 8, 8, 16, 3]  # input, hidden widths..., latent (the paper: [D, 500, 500, 2000, k])


def layers(dims, rng):
    """(name, kernel, bias, relu) in Keras' order: encoder_0..n-1, decoder_n-1..0."""
    n = len(dims) - 1
    out = []
    for i in range(n):
        out.append(("encoder_%d" % i, dims[i], dims[i + 1], i < n - 1))
    for i in range(n - 1, -1, -1):
        out.append(("decoder_%d" % i, dims[i + 1], dims[i], i > 0))
    return [(name, rng.uniform(-0.7, 0.7, (a, b)).astype(np.float32),
             rng.uniform(-0.3, 0.3, b).astype(np.float32), relu) for name, a, b, relu in out]


def write(path, model, libver, vlen=False, extra=None, whole_model=False, split_names=False):
    with h5py.File(path, "w", libver=libver) as root:
        # model.save keeps the same layout under the group model_weights.
        f = root.create_group("model_weights") if whole_model else root
        if whole_model:
            root.attrs["model_config"] = b'{"class_name": "Model"}'
        names = ["input"] + [m[0] for m in model] + (extra or [])
        if split_names:  # as Keras does when the names exceed HDF5's 64 KiB header-message limit
            f.attrs["layer_names0"] = [n.encode("utf8") for n in names[:4]]
            f.attrs["layer_names1"] = [n.encode("utf8") for n in names[4:]]
        elif vlen:
            f.attrs.create("layer_names", names, dtype=h5py.string_dtype("ascii"))
        else:
            f.attrs["layer_names"] = [n.encode("utf8") for n in names]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        f.create_group("input").attrs["weight_names"] = np.array([], dtype="S1")
        for name, w, b, _ in model:
            g = f.create_group(name)
            wn = [("%s/kernel:0" % name).encode(), ("%s/bias:0" % name).encode()]
            g.attrs["weight_names"] = wn
            g.create_dataset(wn[0].decode(), data=w)
            g.create_dataset(wn[1].decode(), data=b)
        for name in extra or []:
            f.create_group(name).attrs["weight_names"] = np.array([], dtype="S1")


def forward(model, x):
    n = len(model) // 2
    codes = None
    for i, (_, w, b, relu) in enumerate(model):
        x = x.astype(np.float64) @ w.astype(np.float64) + b
        if relu:
            x = np.maximum(x, 0)
        if i == n - 1:
            codes = x
    return codes, x


def main():
    os.makedirs(HERE, exist_ok=True)
    rng = np.random.RandomState(15)
    model = layers(DIMS, rng)
    write(os.path.join(HERE, "ae_earliest.h5"), model, "earliest")
    write(os.path.join(HERE, "ae_vlen.h5"), model, "earliest", vlen=True, extra=["dropout"])
    write(os.path.join(HERE, "ae_model.h5"), model, "earliest", whole_model=True)
    # HDF5's newest format: v3 superblock, v2 object headers, the root's links in a fractal heap.
    write(os.path.join(HERE, "ae_latest.h5"), model, "latest")
    # A float64 copy (Keras stores what the backend holds; read as float32), its layer names
    # split over two attributes.
    model64 = [(n, w.astype(np.float64), b.astype(np.float64), r) for n, w, b, r in model]
    write(os.path.join(HERE, "ae_float64.h5"), model64, "earliest", split_names=True)
    # Not an autoencoder: one Dense layer (a classifier head).
    write(os.path.join(HERE, "not_ae.h5"), [("dense_1", model[0][1], model[0][2], True)], "earliest")
    # A weight missing: the bias of decoder_1 named but not stored.
    with h5py.File(os.path.join(HERE, "missing_weight.h5"), "w", libver="earliest") as f:
        f.attrs["layer_names"] = [b"input"] + [m[0].encode() for m in model]
        f.create_group("input").attrs["weight_names"] = np.array([], dtype="S1")
        for name, w, b, _ in model:
            g = f.create_group(name)
            g.attrs["weight_names"] = [("%s/kernel:0" % name).encode(), ("%s/bias:0" % name).encode()]
            g.create_dataset("%s/kernel:0" % name, data=w)
            if name != "decoder_1":
                g.create_dataset("%s/bias:0" % name, data=b)
    # A plain HDF5 file with datasets in each storage layout, for the reader's own tests.
    with h5py.File(os.path.join(HERE, "layouts.h5"), "w", libver="earliest") as f:
        a = np.arange(12, dtype=np.float32).reshape(3, 4) / 4
        f.create_dataset("contiguous", data=a)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        dcpl.set_obj_track_times(False)  # no timestamps: the same bytes every run
        space = h5py.h5s.create_simple((3, 4))
        dset = h5py.h5d.create(f.id, b"compact", h5py.h5t.IEEE_F64LE, space, dcpl=dcpl)
        dset.write(h5py.h5s.ALL, h5py.h5s.ALL, a.astype(np.float64))
        f.create_dataset("chunked", data=a, chunks=(2, 3))
        f.create_dataset("gzip", data=a, chunks=(2, 2), compression="gzip")
        f.create_dataset("ints", data=np.arange(4, dtype=np.int32))
        g = f.create_group("a/b")
        g.attrs["fixed"] = [b"xy", b"z"]
        g.attrs["vlen"] = np.array(["hello", "w"], dtype=h5py.string_dtype())
        for i in range(40):  # enough links to split the root group's B-tree and symbol nodes
            f.create_group("many/g%02d" % i)
    # Inputs and the numpy forward pass (float64 arithmetic on the float32 weights).
    x = rng.uniform(-1, 1, (5, DIMS[0])).astype(np.float32)
    codes, recon = forward(model, x)
    for name, arr in (("inputs", x), ("codes", codes), ("reconstructions", recon)):
        np.savetxt(os.path.join(HERE, name + ".csv"), arr, delimiter=",", fmt="%.9g")


if __name__ == "__main__":
    main()
