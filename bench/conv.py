"""Benchmark: a convolution network's step in the engine against the same im2col algorithm written by hand in NumPy,
and against CS231n-style naive loops; ratios in one process, goals beside. Also the im2col buffer in the budget."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as bench/engine.py: one BLAS thread, so the sides compare

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Network  # noqa: E402

LAYERS = "conv 16 3 pad 1, relu, maxpool 2, flatten, linear 10, softmax"
M, C, H, F, K, P, CLASSES = 64, 3, 32, 16, 3, 1, 10
GOAL_IM2COL = 1.2  # the engine's step at most this many times the hand-written im2col step
GOAL_NAIVE = 20.0  # and at least this many times faster than naive loops


# ---- the same algorithm by hand: CS231n's im2col_indices, conv_forward_im2col, a pool by index arrays -----------


def im2col_indices(C, H, W, K, P, S):
    Ho, Wo = (H + 2 * P - K) // S + 1, (W + 2 * P - K) // S + 1
    i0 = np.tile(np.repeat(np.arange(K), K), C)
    i1 = S * np.repeat(np.arange(Ho), Wo)
    j0 = np.tile(np.arange(K), K * C)
    j1 = S * np.tile(np.arange(Wo), Ho)
    k = np.repeat(np.arange(C), K * K).reshape(-1, 1)
    return k, i0.reshape(-1, 1) + i1.reshape(1, -1), j0.reshape(-1, 1) + j1.reshape(1, -1)


def pool_indices(H, W, K, S):
    Ho, Wo = (H - K) // S + 1, (W - K) // S + 1
    i = S * np.repeat(np.arange(Ho), Wo).reshape(-1, 1) + np.repeat(np.arange(K), K).reshape(1, -1)
    j = S * np.tile(np.arange(Wo), Ho).reshape(-1, 1) + np.tile(np.arange(K), K).reshape(1, -1)
    return i, j


def by_hand(params, X, Y, lr, cidx, pidx):
    """One step, forward, loss, backward and update, as a learner writes it after CS231n's fast layers."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    k, i, j = cidx
    pi, pj = pidx
    x_pad = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    x_cols = x_pad[:, k, i, j].transpose(1, 2, 0).reshape(C * K * K, -1)
    W_col = W1.reshape(F, -1)
    out = W_col @ x_cols + b1.reshape(-1, 1)
    Z1 = out.reshape(F, H, H, m).transpose(3, 0, 1, 2)
    A1 = np.maximum(Z1, 0)
    x_win = A1[:, :, pi, pj]
    mask = x_win == x_win.max(axis=3, keepdims=True)
    P1 = x_win.max(axis=3).reshape(m, F, H // 2, H // 2)
    flat = P1.reshape(m, -1)
    Z2 = flat @ W2 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    A2 = E / E.sum(axis=1, keepdims=True)
    loss = -np.sum(Y * np.log(A2)) / m
    dZ2 = (A2 - Y) / m
    dW2 = flat.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dP1 = (dZ2 @ W2.T).reshape(m, F, H // 2, H // 2)
    dx_win = mask * dP1.reshape(m, F, -1, 1)
    dA1 = np.zeros_like(A1)
    np.add.at(dA1, (slice(None), slice(None), pi, pj), dx_win)
    dZ1 = dA1 * (Z1 > 0)
    db1 = dZ1.sum(axis=(0, 2, 3))
    dout = dZ1.transpose(1, 2, 3, 0).reshape(F, -1)
    dW1 = (dout @ x_cols.T).reshape(W1.shape)
    return dict(W1=W1 - lr * dW1, b1=b1 - lr * db1, W2=W2 - lr * dW2, b2=b2 - lr * db2), loss


# ---- CS231n's naive layers: a loop over every output position ------------------------------------------------


def naive(params, X, Y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[0]
    xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    Z1 = np.zeros((m, F, H, H))
    for n in range(m):
        for f in range(F):
            for r in range(H):
                for c in range(H):
                    Z1[n, f, r, c] = np.sum(xp[n, :, r:r + K, c:c + K] * W1[f]) + b1[f]
    A1 = np.maximum(Z1, 0)
    P1 = np.zeros((m, F, H // 2, H // 2))
    for n in range(m):
        for f in range(F):
            for r in range(H // 2):
                for c in range(H // 2):
                    P1[n, f, r, c] = A1[n, f, 2 * r:2 * r + 2, 2 * c:2 * c + 2].max()
    flat = P1.reshape(m, -1)
    Z2 = flat @ W2 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    A2 = E / E.sum(axis=1, keepdims=True)
    loss = -np.sum(Y * np.log(A2)) / m
    dZ2 = (A2 - Y) / m
    dW2, db2 = flat.T @ dZ2, dZ2.sum(axis=0, keepdims=True)
    dP1 = (dZ2 @ W2.T).reshape(P1.shape)
    dA1 = np.zeros_like(A1)
    for n in range(m):
        for f in range(F):
            for r in range(H // 2):
                for c in range(H // 2):
                    window = A1[n, f, 2 * r:2 * r + 2, 2 * c:2 * c + 2]
                    dA1[n, f, 2 * r:2 * r + 2, 2 * c:2 * c + 2] += dP1[n, f, r, c] * (window == window.max())
    dZ1 = dA1 * (Z1 > 0)
    dW1 = np.zeros_like(W1)
    for n in range(m):
        for f in range(F):
            for r in range(H):
                for c in range(H):
                    dW1[f] += dZ1[n, f, r, c] * xp[n, :, r:r + K, c:c + K]
    db1 = dZ1.sum(axis=(0, 2, 3))
    return dict(W1=W1 - lr * dW1, b1=b1 - lr * db1, W2=W2 - lr * dW2, b2=b2 - lr * db2), loss


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def sides():
    """The engine's network, the data and the index arrays, after checking that the three sides compute the same
    step (tests call it)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(M, C, H, H))
    Y = np.eye(CLASSES)[rng.integers(0, CLASSES, M)]
    net = Network(inputs=(C, H, H), layers=LAYERS, loss="ce", init="he")
    params = net.params
    cidx, pidx = im2col_indices(C, H, H, K, P, 1), pool_indices(H, H, 2, 2)
    mine, loss = by_hand(params, X, Y, 0.1, cidx, pidx)
    slow, slow_loss = naive(params, X[:2], Y[:2], 0.1)
    check = Network(**net.options)
    assert abs(check.train(X, Y, lr=0.1, steps=1) - loss) < 1e-10
    assert all(np.allclose(check.params[key], mine[key], atol=1e-10) for key in mine)
    small = Network(**net.options)
    small.train(X[:2], Y[:2], lr=0.1, steps=1)
    assert all(np.allclose(small.params[key], slow[key], atol=1e-10) for key in slow)
    return net, X, Y, cidx, pidx


def main(repeat: int = 15) -> None:
    net, X, Y, cidx, pidx = sides()
    params = net.params

    hand = best(lambda: by_hand(params, X, Y, 0.1, cidx, pidx), repeat)
    trained = best(lambda: Network.train(net, X, Y, lr=0.1, steps=1), repeat)
    events = best(lambda: list(net.step(X, Y, lr=0.1)), repeat)
    loops = best(lambda: naive(params, X, Y, 0.1), 1)
    print(f"one step of ({M}, {C}, {H}, {H}) through '{LAYERS}', best of {repeat} (median)")
    print(f"  by hand, im2col NumPy   {hand[0] * 1e3:8.1f} ms ({hand[1] * 1e3:.1f})")
    print(f"  engine train()          {trained[0] * 1e3:8.1f} ms ({trained[1] * 1e3:.1f})   "
          f"ratio {trained[0] / hand[0]:.2f}x   goal <= {GOAL_IM2COL}x")
    print(f"  engine step() events    {events[0] * 1e3:8.1f} ms ({events[1] * 1e3:.1f})   "
          f"ratio {events[0] / hand[0]:.2f}x   goal <= {GOAL_IM2COL}x")
    print(f"  naive loops (CS231n)    {loops[0] * 1e3:8.1f} ms   engine is {loops[0] / events[0]:.0f}x faster   "
          f"goal >= {GOAL_NAIVE:.0f}x")
    per_example = 8 * sum(b.floats for b in net._built)
    columns = 8 * C * K * K * H * H
    print(f"  memory: {per_example:,} bytes per example held during a step, of which x_cols {columns:,}; "
          f"a step of {M} holds about {M * per_example / 2**20:.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
