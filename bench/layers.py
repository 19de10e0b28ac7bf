"""Benchmark: layer stacks against the same NumPy written by hand, side by side in one process, goals beside.

- a makemore-sized step (m=32, context 3, embedding 10, hidden 200, vocabulary 27, batchnorm, compact) against
  makemore's MLP step written as plain NumPy;
- train() of the question's 4-3-3 network for 10,000 steps against the same loop in textbook NumPy;
- in the app, an architecture edit from enter to the new stack on screen, against a key that does nothing;
- in the app, next and previous with the makemore stack's 3-D arrays on screen, against a key that does nothing.

Run: python bench/layers.py [--quick]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as bench/engine.py: BLAS threads fight over shared cores

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from bench.engine import interleaved, report  # noqa: E402

MAKEMORE = "embedding 27 10, flatten, linear 200, batchnorm, tanh, linear 27, softmax"
EPS = 1e-5


def makemore_by_hand(params, X, Y, lr):
    """makemore's MLP step with batchnorm in plain NumPy: forward, loss, the backward pass, the update."""
    E, W2, b2, g, beta, W3, b3 = (params[k] for k in ("E1", "W2", "b2", "gamma2", "beta2", "W3", "b3"))
    m = X.shape[0]
    emb = E[X]
    flat = emb.reshape(m, -1)
    Z2 = flat @ W2 + b2
    mu = Z2.mean(axis=0, keepdims=True)
    var = ((Z2 - mu) ** 2).mean(axis=0, keepdims=True)
    xhat = (Z2 - mu) / np.sqrt(var + EPS)
    BN = g * xhat + beta
    A2 = np.tanh(BN)
    Z3 = A2 @ W3 + b3
    shifted = Z3 - Z3.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.sum(Y * logp) / m
    A3 = np.exp(logp)
    dZ3 = (A3 - Y) / m
    dW3 = A2.T @ dZ3
    db3 = dZ3.sum(axis=0, keepdims=True)
    dA2 = dZ3 @ W3.T
    dBN = dA2 * (1 - A2 ** 2)
    dgamma = (dBN * xhat).sum(axis=0, keepdims=True)
    dbeta = dBN.sum(axis=0, keepdims=True)
    dxhat = dBN * g
    dZ2 = (dxhat - dxhat.mean(axis=0, keepdims=True) - xhat * (dxhat * xhat).mean(axis=0, keepdims=True)) \
        / np.sqrt(var + EPS)
    dW2 = flat.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dflat = dZ2 @ W2.T
    demb = dflat.reshape(emb.shape)
    dE = np.zeros_like(E)
    np.add.at(dE, X, demb)
    grads = dict(E1=dE, W2=dW2, b2=db2, gamma2=dgamma, beta2=dbeta, W3=dW3, b3=db3)
    return {k: params[k] - lr * grads[k] for k in params}, loss


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def question_loop_by_hand(params, X, Y, lr, steps):
    """The question's network, trained as a textbook loop: sigmoid, sigmoid, binary cross-entropy from logits."""
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    m = X.shape[0]
    loss = None
    for _ in range(steps):
        Z1 = X @ W1 + b1
        A1 = sigmoid(Z1)
        Z2 = A1 @ W2 + b2
        A2 = sigmoid(Z2)
        loss = np.sum(np.logaddexp(0, Z2) - Y * Z2) / m
        dZ2 = (A2 - Y) / m
        dW2 = A1.T @ dZ2
        db2 = dZ2.sum(axis=0, keepdims=True)
        dA1 = dZ2 @ W2.T
        dZ1 = dA1 * A1 * (1 - A1)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0, keepdims=True)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return loss


def makemore_sides():
    """The makemore network, a batch of ids and its labels, after checking that both sides compute the same step
    (tests call it, and question_sides)."""
    data = engine.datasets.named("words")
    batches = engine.datasets.Batches(data.X, data.Y, 32, seed=0)
    X, Y = batches.batch(0)
    ids = X.astype(np.int64)
    net = engine.Network(inputs=3, layers=MAKEMORE, loss="ce", init="he")
    expected, loss = makemore_by_hand(net.params, ids, Y, 0.1)
    check = engine.Network(**net.options)
    assert abs(check.train(X, Y, 0.1) - loss) < 1e-12
    assert all(np.allclose(check.params[k], expected[k], rtol=1e-12, atol=1e-14) for k in expected)
    return net, X, ids, Y


def question_sides():
    X, Y = engine.datasets.question()
    net = engine.Network()
    check = engine.Network()
    assert abs(check.train(X, Y, 0.5, steps=50) - question_loop_by_hand(net.params, X, Y, 0.5, 50)) < 1e-12
    return net, X, Y


def makemore_step(rounds: int) -> None:
    net, X, ids, Y = makemore_sides()
    state = {"params": net.params}

    def by_hand():
        state["params"] = makemore_by_hand(state["params"], ids, Y, 0.1)[0]

    def step():
        for _ in net.step(X, Y, 0.1):
            pass

    def train():
        net.train(X, Y, 0.1)

    times = interleaved({"step": step, "train": train, "hand": by_hand}, rounds, 50)
    report("makemore step, m=32, every event (step())", times["step"], times["hand"], "by hand", 1.15)
    report("makemore step, m=32, train()", times["train"], times["hand"], "by hand", 1.15)


def question_training(rounds: int) -> None:
    net, X, Y = question_sides()

    def train():
        engine.Network().train(X, Y, 0.5, steps=10_000)

    def by_hand():
        question_loop_by_hand(net.params, X, Y, 0.5, 10_000)

    times = interleaved({"train": train, "hand": by_hand}, rounds, 1)
    report("train() 4-3-3, 10,000 steps", times["train"], times["hand"], "textbook", 1.3)


async def architecture_edit(samples: int) -> None:
    """From the enter that applies a new stack to the frame that shows it, against a key bound to nothing."""
    from textual._compositor import CompositorUpdate  # noqa: F401  (loaded as the app loads it)

    from tui.app import BackpropApp
    from tui.session import Options

    stacks = ["linear 200, batchnorm, tanh, linear 27, softmax", "linear 100, layernorm, relu, linear 27, softmax"]
    app = BackpropApp(Options(layers="embedding 27 10, flatten, " + stacks[0], dataset="words", output="softmax",
                              loss="ce", batch=32, lr=0.1))
    edits, idle = [], []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        for k in range(samples):
            target = "embedding 27 10, flatten, " + stacks[(k + 1) % 2]
            await pilot.press("a", "ctrl+a", "ctrl+k", *target)  # the line, typed; not timed
            await pilot.pause()
            t0 = time.perf_counter()
            await pilot.press("enter")
            while app.session.net.layers != target:
                await asyncio.sleep(0.001)
            await pilot.pause()  # the frame with the new stack drawn
            edits.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await pilot.press("f12")
            await pilot.pause()
            idle.append(time.perf_counter() - t0)
    edit, key = statistics.median(edits), statistics.median(idle)
    verdict = "met" if edit - key <= 0.150 else "NOT MET"
    print(f"  {'architecture edit, makemore stack, 160×50':<44} {edit * 1e3:8.1f} ms  unbound key "
          f"{key * 1e3:6.1f} ms  +{(edit - key) * 1e3:.0f} ms  goal ≤ 150 ms  {verdict}")


async def stack_keys(samples: int) -> None:
    """Next and previous between the embedding's lookup and the flatten, each showing a (32, 3, 10) array."""
    from bench.tui import key_latency
    from tui.session import Options

    options = Options(layers=MAKEMORE, dataset="words", output="softmax", loss="ce", batch=32, lr=0.1)
    print("next/previous with the makemore stack's 3-D arrays on screen, against an unbound key (medians):")
    for size in ((80, 24), (100, 30), (200, 50)):
        await key_latency(f"{size[0]}×{size[1]}", options, size, samples, 25.0)


def main() -> None:
    quick = "--quick" in sys.argv
    print("layer stacks against the same NumPy by hand (CPU time, medians of interleaved rounds)")
    makemore_step(5 if quick else 15)
    question_training(3 if quick else 7)
    asyncio.run(architecture_edit(4 if quick else 12))
    asyncio.run(stack_keys(10 if quick else 30))


if __name__ == "__main__":
    main()
