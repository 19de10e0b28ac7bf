"""Benchmark: one full engine step() against a plain NumPy step doing the same arithmetic, and memory over many steps."""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from engine.activations import log_softmax, sigmoid, softmax  # noqa: E402


def plain_step(params: dict, X: np.ndarray, Y: np.ndarray, lr: float, hidden: str, output: str) -> dict:
    """The textbook rows-layout step, written out by hand with the same stable functions."""
    m = X.shape[0]
    L = len(params) // 2
    A, Zs, As = X, [None], [X]
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        if l < L:
            A = sigmoid(Z) if hidden == "sigmoid" else np.maximum(Z, 0.0)
        else:
            A = sigmoid(Z) if output == "sigmoid" else softmax(Z, axis=1)
        Zs.append(Z)
        As.append(A)
    if output == "sigmoid":
        loss = np.sum(np.logaddexp(0.0, Z) - Y * Z) / m
    else:
        loss = -np.sum(Y * log_softmax(Z, axis=1)) / m
    dZ = (A - Y) / m
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = As[l - 1].T @ dZ
        grads[f"b{l}"] = dZ.sum(axis=0, keepdims=True)
        if l > 1:
            dA = dZ @ params[f"W{l}"].T
            Ap = As[l - 1]
            dZ = dA * Ap * (1.0 - Ap) if hidden == "sigmoid" else dA * (Zs[l - 1] > 0)
    return {k: params[k] - lr * grads[k] for k in params}


def engine_step(net: engine.Network, X, Y, lr: float) -> None:
    for _ in net.step(X, Y, lr):
        pass


def compare(label: str, sizes, m: int, hidden: str, output: str, loss: str, steps: int, rounds: int = 15) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, sizes[0]))
    if output == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)]
    else:
        Y = (rng.random((m, sizes[-1])) > 0.5).astype(float)
    net = engine.Network(sizes=sizes, hidden=hidden, output=output, loss=loss, init="he" if hidden == "relu" else "uniform")
    params = net.params
    lr = 1e-3

    # Both sides must compute the same numbers, or the comparison means nothing.
    expected = plain_step(params, X, Y, lr, hidden, output)
    check = engine.Network(**net.options)
    engine_step(check, X, Y, lr)
    assert all(np.allclose(check.params[k], expected[k], rtol=1e-12, atol=1e-15) for k in expected)

    t_engine, t_plain = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            engine_step(net, X, Y, lr)
        t1 = time.perf_counter()
        p = params
        for _ in range(steps):
            p = plain_step(p, X, Y, lr, hidden, output)
        t2 = time.perf_counter()
        t_engine.append((t1 - t0) / steps)
        t_plain.append((t2 - t1) / steps)
    e, p = statistics.median(t_engine), statistics.median(t_plain)
    print(f"{label:<38} engine {e * 1e6:10.1f} µs   plain {p * 1e6:10.1f} µs   ratio {e / p:5.2f}×")


def memory(label: str, sizes, m: int, steps: int, warmup: int) -> None:
    """Traced memory after warm-up (NumPy and Python fill their caches over the first few hundred steps)."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((m, sizes[0]))
    Y = (rng.random((m, sizes[-1])) > 0.5).astype(float)
    net = engine.Network(sizes=sizes)
    tracemalloc.start()
    for _ in range(warmup):
        engine_step(net, X, Y, 0.1)
    gc.collect()
    readings = []
    for i in range(1, steps + 1):
        engine_step(net, X, Y, 0.1)
        if i % (steps // 5) == 0:
            gc.collect()  # count what is live, not garbage the collector has yet to reach
            readings.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    kib = ", ".join(f"{r / 1024:.1f}" for r in readings)
    print(f"{label:<38} traced KiB at each fifth of {steps} steps after {warmup} warm-up: {kib} "
          f"(growth {readings[-1] - readings[0]:+,d} B)")


def main() -> None:
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    compare("4-3-3, m=2 (sigmoid, bce)", (4, 3, 3), 2, "sigmoid", "sigmoid", "bce", steps=2000)
    compare("784-256-128-10, m=256 (sigmoid, bce)", (784, 256, 128, 10), 256, "sigmoid", "sigmoid", "bce",
            steps=5, rounds=11)
    compare("784-256-128-10, m=256 (relu, softmax)", (784, 256, 128, 10), 256, "relu", "softmax", "ce",
            steps=5, rounds=11)
    memory("4-3-3, m=2", (4, 3, 3), 2, steps=10000, warmup=1000)
    memory("784-256-128-10, m=256", (784, 256, 128, 10), 256, steps=1000, warmup=200)


if __name__ == "__main__":
    main()
