#!/usr/bin/env python3
"""PyTorch peer for bench_autoencoder: the same N2D autoencoder trained the same way.

Network [D, 500, 500, 2000, 10] + mirror, ReLU hidden layers, linear code and output,
Keras-equivalent initialisation (Glorot-uniform kernels, zero biases), MSE, Adam (lr 1e-3,
betas 0.9/0.999, eps 1e-7), batch 256 with a fresh shuffle per epoch and the last partial
batch kept. Prints one line per epoch and a final `seconds_per_epoch=… samples_per_second=…
cpu_seconds_per_epoch=…` line (best epochs) that bench_autoencoder parses (N2D_BENCH_TORCH=path/to/this/script).

Usage: pytorch_ae.py --dataset mnist|pendigits [--epochs N] [--threads 2] [--random]
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch

SHAPES = {"mnist": (70000, 784), "pendigits": (10992, 16)}


def load(name, data_dir, random):
    rows, dim = SHAPES[name]
    if not random:
        try:
            if name == "mnist":
                parts = []
                for f in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
                    with gzip.open(os.path.join(data_dir, "mnist", f)) as fh:
                        parts.append(np.frombuffer(fh.read(), np.uint8, offset=16).reshape(-1, 784))
                return np.concatenate(parts).astype(np.float32) / 255.0
            parts = [np.loadtxt(os.path.join(data_dir, "pendigits", f), delimiter=",")[:, :16]
                     for f in ("pendigits.tra", "pendigits.tes")]
            return np.concatenate(parts).astype(np.float32) / 100.0
        except OSError as e:
            print(f"pytorch_ae: {e}; using random data of the same shape")
    return np.random.default_rng(1).random((rows, dim), dtype=np.float32)


def autoencoder(dim):
    dims = [dim, 500, 500, 2000, 10]
    layers = []
    sizes = dims + dims[-2::-1]
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        last_of_encoder = i == len(dims) - 2
        last = i == len(sizes) - 2
        if not (last_of_encoder or last):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", choices=sorted(SHAPES), default="mnist")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data-dir", default=os.environ.get("N2D_DATA_DIR", "../shared/datasets"))
    p.add_argument("--random", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.from_numpy(load(a.dataset, a.data_dir, a.random))
    model = autoencoder(x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    n, batch = x.shape[0], 256
    times, cpus = [], []
    for epoch in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        order = torch.randperm(n)
        total = 0.0
        for b in range(0, n, batch):
            xb = x[order[b:b + batch]]
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(model(xb), xb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        times.append(time.perf_counter() - t0)
        cpu = time.process_time() - c0
        cpus.append(cpu)
        print(f"epoch {epoch + 1} loss {total / n:.5f} seconds {times[-1]:.3f} cpu_seconds {cpu:.3f}", flush=True)
    best = min(times)
    print(f"seconds_per_epoch={best:.4f} samples_per_second={n / best:.1f} cpu_seconds_per_epoch={min(cpus):.4f} "
          f"torch={torch.__version__} threads={a.threads}")


if __name__ == "__main__":
    main()
