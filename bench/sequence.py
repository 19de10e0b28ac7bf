"""Benchmark: an rnn and an lstm step (T=16, m=32, D=H=64) against the same step written by hand in NumPy."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as bench/engine.py: one BLAS thread for both sides

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from bench.engine import duration, interleaved, report  # noqa: E402

T, M, D, H, V = 16, 32, 64, 64, 64
GOAL = 1.2


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax_backward(scores, Y):
    """Loss and dscores of a softmax scored at every position, the mean over m·T."""
    shifted = scores - scores.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    n = Y.shape[0] * Y.shape[1]
    return -np.sum(Y * log_probs) / n, (np.exp(log_probs) - Y) / n


def rnn_step(p, X, Y, lr):
    """One CS231n-style training step: rnn forward, temporal affine, softmax, backward through time, update."""
    Wx, Wh, b, W, c = p["Wx1"], p["Wh1"], p["b1"], p["W2"], p["b2"]
    hs, h = [], None
    for t in range(T):
        z = X[:, t, :] @ Wx + b if h is None else X[:, t, :] @ Wx + h @ Wh + b
        h = np.tanh(z)
        hs.append(h)
    Hs = np.stack(hs, axis=1)
    loss, dscores = softmax_backward(Hs @ W + c, Y)
    g = {"W2": Hs.reshape(-1, H).T @ dscores.reshape(-1, V), "b2": dscores.reshape(-1, V).sum(axis=0, keepdims=True)}
    dH = dscores @ W.T
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dz = None
    for t in reversed(range(T)):
        dh = dH[:, t, :] if dz is None else dH[:, t, :] + dz @ Wh.T
        dz = dh * (1 - hs[t] ** 2)
        dWx = dWx + X[:, t, :].T @ dz
        if t:
            dWh = dWh + hs[t - 1].T @ dz
        db = db + dz.sum(axis=0, keepdims=True)
    g.update(Wx1=dWx, Wh1=dWh, b1=db)
    return {k: p[k] - lr * g[k] for k in p}, loss


def lstm_step(p, X, Y, lr):
    """One CS231n-style lstm training step, the gates i f o g side by side in a."""
    Wx, Wh, b, W, c = p["Wx1"], p["Wh1"], p["b1"], p["W2"], p["b2"]
    cache, h, cell = [], None, None
    for t in range(T):
        a = X[:, t, :] @ Wx + b if h is None else X[:, t, :] @ Wx + h @ Wh + b
        i, f, o, g = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
        cell = i * g if cell is None else f * cell + i * g
        h = o * np.tanh(cell)
        cache.append((i, f, o, g, cell, h))
    Hs = np.stack([k[5] for k in cache], axis=1)
    loss, dscores = softmax_backward(Hs @ W + c, Y)
    grads = {"W2": Hs.reshape(-1, H).T @ dscores.reshape(-1, V),
             "b2": dscores.reshape(-1, V).sum(axis=0, keepdims=True)}
    dH = dscores @ W.T
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    da = dc = None
    for t in reversed(range(T)):
        i, f, o, g, cell, _ = cache[t]
        dh = dH[:, t, :] if da is None else dH[:, t, :] + da @ Wh.T
        tc = np.tanh(cell)
        dc = dh * o * (1 - tc ** 2) if dc is None else dh * o * (1 - tc ** 2) + dc * cache[t + 1][1]
        di, df = dc * g, (dc * cache[t - 1][4] if t else np.zeros_like(f))
        do, dg = dh * tc, dc * i
        da = np.hstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)])
        dWx = dWx + X[:, t, :].T @ da
        if t:
            dWh = dWh + cache[t - 1][5].T @ da
        db = db + da.sum(axis=0, keepdims=True)
    grads.update(Wx1=dWx, Wh1=dWh, b1=db)
    return {k: p[k] - lr * grads[k] for k in p}, loss


def sides(kind: str, by_hand, lr: float = 0.01):
    """The engine's network, its data and how long the network took to build, after checking that both sides compute
    the same step (tests call it)."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((M, T, D)), np.eye(V)[rng.integers(0, V, (M, T))]
    t0 = time.perf_counter()
    net = engine.Network(inputs=(T, D), layers=f"{kind} {H}, linear {V}, softmax", loss="ce", init="xavier")
    built = time.perf_counter() - t0
    expected, loss = by_hand(net.params, X, Y, lr)
    check = engine.Network(**net.options)
    assert abs(check.train(X, Y, lr) - loss) < 1e-10
    assert all(np.allclose(check.params[k], expected[k], rtol=1e-12, atol=1e-14) for k in expected)
    return net, X, Y, built


def compare(kind: str, by_hand, rounds: int) -> None:
    lr = 0.01
    net, X, Y, built = sides(kind, by_hand, lr)
    params = net.params
    events = len(net.plan)

    def stepped():  # what the app does: every event made, then the update applied
        net._params = params
        for _ in net.step(X, Y, lr):
            pass

    def trained():
        net._params = params
        net.train(X, Y, lr)

    def plain():
        by_hand(params, X, Y, lr)

    t = interleaved({"stepped": stepped, "trained": trained, "by hand": plain}, rounds, 5)
    print(f"{kind} T={T} m={M} D=H={H}: {events} events, the plan built once in {duration(built)}")
    report(f"{kind} step, every event made (step())", t["stepped"], t["by hand"], "by hand", GOAL)
    report(f"{kind} step, run as a plan (train())", t["trained"], t["by hand"], "by hand", GOAL)
    print(f"  {'per event, step() above by hand':<44} {duration((t['stepped'] - t['by hand']) / events)}")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    print(f"Sequences: ratios to the same step by hand (CPU time of this process, median of {rounds} rounds)")
    compare("rnn", rnn_step, rounds)
    compare("lstm", lstm_step, rounds)


if __name__ == "__main__":
    main()
