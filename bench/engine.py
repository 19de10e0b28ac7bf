"""Benchmark: the engine against the textbook NumPy a learner writes, side by side in one process, goals beside."""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

# One BLAS thread unless told otherwise: on a shared machine, OpenBLAS threads waiting on each other turn a 1.5 ms
# product into 30 ms at random, drowning the difference measured here. Both sides use the same BLAS either way.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from engine.activations import sigmoid  # noqa: E402

# ---- the textbook, as a learner writes it: nothing shared with the engine ----------------------------------


def textbook_sigmoid(Z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-Z))


def textbook_step(params, X, Y, lr, hidden, output):
    """One rows-layout training step: forward, loss, backward, update. Returns the new parameters and the loss."""
    m = X.shape[0]
    L = len(params) // 2
    As, Zs = [X], [None]
    A = X
    for l in range(1, L + 1):
        Z = A @ params["W" + str(l)] + params["b" + str(l)]
        if l < L and hidden == "relu":
            A = np.maximum(Z, 0)
        elif l < L or output == "sigmoid":
            with np.errstate(over="ignore"):
                A = 1 / (1 + np.exp(-Z))
        else:
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            A = E / E.sum(axis=1, keepdims=True)
        Zs.append(Z)
        As.append(A)
    eps = 1e-12
    if output == "sigmoid":
        loss = -np.sum(Y * np.log(np.clip(A, eps, 1)) + (1 - Y) * np.log(np.clip(1 - A, eps, 1))) / m
    else:
        loss = -np.sum(Y * np.log(np.clip(A, eps, 1))) / m
    dZ = (A - Y) / m
    grads = {}
    for l in range(L, 0, -1):
        grads["W" + str(l)] = As[l - 1].T @ dZ
        grads["b" + str(l)] = dZ.sum(axis=0, keepdims=True)
        if l > 1:
            dA = dZ @ params["W" + str(l)].T
            if hidden == "relu":
                dZ = dA * (Zs[l - 1] > 0)
            else:
                dZ = dA * As[l - 1] * (1 - As[l - 1])
    new = {}
    for k in params:
        new[k] = params[k] - lr * grads[k]
    return new, loss


# ---- measuring --------------------------------------------------------------------------------------------


# CPU seconds of this process, not the wall clock: on a machine shared with other work, waiting for a core is not the
# cost of either side. With one BLAS thread all the arithmetic runs on the calling thread.
clock = time.process_time


def interleaved(sides: dict[str, Callable[[], object]], rounds: int, number: int) -> dict[str, float]:
    """Median seconds per call of each side, the sides taking turns within every round so both see the same load."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for r in range(rounds):
        order = list(sides.items()) if r % 2 == 0 else list(sides.items())[::-1]
        for name, fn in order:
            t0 = clock()
            for _ in range(number):
                fn()
            times[name].append((clock() - t0) / number)
    return {name: statistics.median(t) for name, t in times.items()}


def duration(seconds: float) -> str:
    if seconds >= 0.1:
        return f"{seconds:8.3f} s "
    if seconds >= 1e-4:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} µs"


def report(label: str, figure: float, baseline: float, base_name: str, goal: float | None) -> None:
    ratio = figure / baseline
    verdict = "" if goal is None else f"goal ≤ {goal:.2f}×  {'met' if ratio <= goal else 'NOT MET'}"
    print(f"  {label:<44} {duration(figure)}  {base_name} {duration(baseline)}  {ratio:5.2f}×  {verdict}")


def problem(sizes, m: int, hidden: str, output: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, sizes[0]))
    if output == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)]
    else:
        Y = (rng.random((m, sizes[-1])) > 0.5).astype(float)
    loss = "ce" if output == "softmax" else "bce"
    net = engine.Network(sizes=sizes, hidden=hidden, output=output, loss=loss,
                         init="he" if hidden == "relu" else "xavier")
    return net, X, Y


def step_ratio(sizes, m: int, hidden: str, output: str, rounds: int) -> tuple[float, float]:
    """Median seconds of one engine step and one textbook step on the same network and data."""
    net, X, Y = problem(sizes, m, hidden, output)
    lr = 1e-3
    # Both sides must compute the same numbers, or the comparison means nothing.
    expected, expected_loss = textbook_step(net.params, X, Y, lr, hidden, output)
    check = engine.Network(**net.options)
    events = {e.name: e.value for e in check.step(X, Y, lr)}
    assert all(np.allclose(check.params[k], expected[k], rtol=1e-12, atol=1e-15) for k in expected)
    assert np.isclose(events["L"], expected_loss, rtol=1e-9)

    state = {"params": net.params}

    def engine_step():
        for _ in net.step(X, Y, lr):
            pass

    def plain_step():
        state["params"] = textbook_step(state["params"], X, Y, lr, hidden, output)[0]

    t0 = clock()
    engine_step()
    number = max(1, int(0.02 / max(clock() - t0, 1e-7)))
    t = interleaved({"engine": engine_step, "textbook": plain_step}, rounds, number)
    return t["engine"], t["textbook"]


# ---- the figures ------------------------------------------------------------------------------------------


def engine_goals(rounds: int) -> None:
    print("One training step, the engine against the textbook step (medians of interleaved rounds):")
    for label, sizes, m, hidden, output, goal in [
        ("784-256-128-10, m=256, sigmoid/bce", (784, 256, 128, 10), 256, "sigmoid", "sigmoid", 1.10),
        ("784-256-128-10, m=256, relu/softmax/ce", (784, 256, 128, 10), 256, "relu", "softmax", 1.10),
        ("4-3-3, m=2, sigmoid/bce", (4, 3, 3), 2, "sigmoid", "sigmoid", 2.5),
    ]:
        e, p = step_ratio(sizes, m, hidden, output, rounds)
        report(label, e, p, "textbook", goal)


def sigmoid_goals(rounds: int) -> None:
    print("sigmoid against the textbook 1 / (1 + np.exp(-Z)):")
    rng = np.random.default_rng(0)
    for shape in [(2, 3), (16, 16), (32, 64), (64, 64), (256, 256), (1024, 1024)]:
        Z = rng.standard_normal(shape) * 4
        goal = 1.15 if Z.size >= 4096 else 1.5
        number = max(3, 400_000 // Z.size)
        t = interleaved({"engine": lambda: sigmoid(Z), "textbook": lambda: textbook_sigmoid(Z)}, rounds, number)
        report(f"{shape}, {Z.size:,} numbers", t["engine"], t["textbook"], "textbook", goal)


def sweep(rounds: int) -> None:
    print("How the engine/textbook ratio grows (sigmoid/bce; it should fall toward 1 as the work grows):")
    for m in (2, 8, 32, 128, 512, 2048, 4096):
        e, p = step_ratio((784, 128, 10), m, "sigmoid", "sigmoid", rounds)
        report(f"784-128-10, m={m}", e, p, "textbook", None)
    for width in (3, 8, 32, 128, 512, 1024):
        e, p = step_ratio((width, width, width), 64, "sigmoid", "sigmoid", rounds)
        report(f"{width}-{width}-{width}, m=64", e, p, "textbook", None)


def csv_loading(rounds: int) -> None:
    print("Loading a 10,000 × 784 CSV of pixel values (MNIST-sized):")
    pixels = np.random.default_rng(0).integers(0, 256, (10_000, 784))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pixels.csv"
        with open(path, "w") as file:
            file.write(",".join(f"pixel{j}" for j in range(784)) + "\n")
            for row in pixels.tolist():
                file.write(",".join(map(str, row)) + "\n")
        loaded = engine.datasets.load(path)
        assert np.array_equal(loaded, pixels)
        t = interleaved({"load": lambda: engine.datasets.load(path),
                         "loadtxt": lambda: np.loadtxt(path, delimiter=",", skiprows=1)}, rounds, 1)
        report("engine.datasets.load", t["load"], t["loadtxt"], "np.loadtxt", 1.2)


def memory(label: str, sizes, m: int, steps: int, warmup: int) -> None:
    """Traced memory after warm-up (NumPy and Python fill their caches over the first few hundred steps)."""
    net, X, Y = problem(sizes, m, "sigmoid", "sigmoid", seed=1)
    tracemalloc.start()
    for _ in range(warmup):
        for _ in net.step(X, Y, 0.1):
            pass
    gc.collect()
    readings = []
    for i in range(1, steps + 1):
        for _ in net.step(X, Y, 0.1):
            pass
        if i % (steps // 5) == 0:
            gc.collect()  # count what is live, not garbage the collector has yet to reach
            readings.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    kib = ", ".join(f"{r / 1024:.1f}" for r in readings)
    print(f"  {label:<44} traced KiB at each fifth of {steps} steps after {warmup}: {kib} "
          f"(growth {readings[-1] - readings[0]:+,d} B)")


def main() -> None:
    quick = "--quick" in sys.argv
    rounds = 5 if quick else 15
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; times are CPU time of this process")
    engine_goals(rounds)
    sigmoid_goals(rounds)
    csv_loading(3 if quick else 5)
    if "--no-sweep" not in sys.argv:
        sweep(3 if quick else 7)
    print("Engine memory over many steps:")
    memory("4-3-3, m=2", (4, 3, 3), 2, steps=10000, warmup=1000)
    memory("784-256-128-10, m=256", (784, 256, 128, 10), 256, steps=500, warmup=100)


if __name__ == "__main__":
    main()
