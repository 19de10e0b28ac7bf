"""Benchmark: a training step of one causal transformer block, the engine against the same step written by hand in
NumPy, side by side in one process (T=32, D=64, 4 heads, m=16), goal beside."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_engine", ROOT / "bench" / "engine.py")
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)  # one BLAS thread, the interleaved timer and the report line

import numpy as np  # noqa: E402

import engine  # noqa: E402

T, D, HEADS, M, V = 32, 64, 4, 16, 27
LAYERS = f"embedding {V} {D}, position {T} {D}, transformer {D} {HEADS} causal, layernorm, linear {V}, softmax"
EPS = 1e-5


def layernorm(x, gamma, beta):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + EPS)
    return gamma * xhat + beta, (xhat, var)


def layernorm_back(dout, gamma, cache):
    xhat, var = cache
    dxhat = dout * gamma
    dx = (dxhat - dxhat.mean(-1, keepdims=True) - xhat * (dxhat * xhat).mean(-1, keepdims=True)) / np.sqrt(var + EPS)
    return dx, (dout * xhat).reshape(-1, xhat.shape[-1]).sum(0, keepdims=True), dout.reshape(-1, dout.shape[-1]).sum(
        0, keepdims=True)


def by_hand(p, ids, Y, lr):
    """One step of the same network, written as a learner would after nanoGPT; returns new parameters and the loss.
    The parameter names are the engine's, so both sides start from the same numbers."""
    m, d = ids.shape[0], D // HEADS
    mask = np.tril(np.ones((T, T)))
    x = p["E1"][ids] + p["Wpe1"][np.arange(T)]
    ln1, c1 = layernorm(x, p["gamma1"], p["beta1"])
    q, k, v = ln1 @ p["Wq2"], ln1 @ p["Wk2"], ln1 @ p["Wv2"]
    qh, kh, vh = (a.reshape(m, T, HEADS, d).swapaxes(1, 2) for a in (q, k, v))
    s = np.where(mask > 0, qh @ kh.swapaxes(-2, -1) / np.sqrt(d), -1e9)
    e = np.exp(s - s.max(-1, keepdims=True))
    att = e / e.sum(-1, keepdims=True)
    o = (att @ vh).swapaxes(1, 2).reshape(m, T, D)
    r2 = x + o @ p["Wo2"]
    ln2, c2 = layernorm(r2, p["gamma2"], p["beta2"])
    z3 = ln2 @ p["W3"] + p["b3"]
    # GPT-2's GELU, as the block's MLP has it; z * z * z, as the engine cubes (z ** 3 is far slower in NumPy)
    t3 = np.tanh(np.sqrt(2 / np.pi) * (z3 + 0.044715 * (z3 * z3 * z3)))
    a3 = 0.5 * z3 * (1 + t3)
    r4 = r2 + a3 @ p["W4"] + p["b4"]
    ln4, c4 = layernorm(r4, p["gamma4"], p["beta4"])
    z5 = ln4 @ p["W5"] + p["b5"]
    shifted = z5 - z5.max(-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    loss = -np.sum(Y * logp) / (m * T)

    g = {}
    dz5 = (np.exp(logp) - Y) / (m * T)
    g["W5"], g["b5"] = ln4.reshape(-1, D).T @ dz5.reshape(-1, V), dz5.reshape(-1, V).sum(0, keepdims=True)
    dr4, g["gamma4"], g["beta4"] = layernorm_back(dz5 @ p["W5"].T, p["gamma4"], c4)
    g["W4"], g["b4"] = a3.reshape(-1, 4 * D).T @ dr4.reshape(-1, D), dr4.reshape(-1, D).sum(0, keepdims=True)
    gelu_slope = 0.5 * (1 + t3) + 0.5 * z3 * (1 - t3 ** 2) * np.sqrt(2 / np.pi) * (1 + 3 * 0.044715 * z3 ** 2)
    dz3 = (dr4 @ p["W4"].T) * gelu_slope
    g["W3"], g["b3"] = ln2.reshape(-1, D).T @ dz3.reshape(-1, 4 * D), dz3.reshape(-1, 4 * D).sum(0, keepdims=True)
    dr2, g["gamma2"], g["beta2"] = layernorm_back(dz3 @ p["W3"].T, p["gamma2"], c2)
    dr2 = dr2 + dr4
    g["Wo2"] = o.reshape(-1, D).T @ dr2.reshape(-1, D)
    doh = (dr2 @ p["Wo2"].T).reshape(m, T, HEADS, d).swapaxes(1, 2)
    datt = doh @ vh.swapaxes(-2, -1)
    dvh = att.swapaxes(-2, -1) @ doh
    ds = att * (datt - (datt * att).sum(-1, keepdims=True)) * mask
    dqh, dkh = ds @ kh / np.sqrt(d), ds.swapaxes(-2, -1) @ qh / np.sqrt(d)
    dq, dk, dv = (a.swapaxes(1, 2).reshape(m, T, D) for a in (dqh, dkh, dvh))
    flat = ln1.reshape(-1, D).T
    g["Wq2"], g["Wk2"], g["Wv2"] = flat @ dq.reshape(-1, D), flat @ dk.reshape(-1, D), flat @ dv.reshape(-1, D)
    dx, g["gamma1"], g["beta1"] = layernorm_back(dq @ p["Wq2"].T + dk @ p["Wk2"].T + dv @ p["Wv2"].T,
                                                 p["gamma1"], c1)
    dx = dx + dr2
    g["Wpe1"] = np.zeros_like(p["Wpe1"])
    np.add.at(g["Wpe1"], np.arange(T), dx.sum(0))
    g["E1"] = np.zeros_like(p["E1"])
    np.add.at(g["E1"], ids, dx)
    return {key: p[key] - lr * g[key] for key in p}, loss


def sides(lr: float = 0.1):
    """The engine's network and its data, after checking that both sides compute the same step (tests call it)."""
    rng = np.random.default_rng(0)
    ids = rng.integers(0, V, (M, T))
    Y = np.eye(V)[rng.integers(0, V, (M, T))]
    net = engine.Network(inputs=T, layers=LAYERS, loss="ce", init="xavier")
    expected, expected_loss = by_hand(net.params, ids, Y, lr)
    check = engine.Network(**net.options)
    values = {e.name: e.value for e in check.step(ids, Y, lr)}
    assert np.isclose(values["L"], expected_loss, rtol=1e-12), "the two sides compute different losses"
    assert all(np.allclose(check.params[k], expected[k], rtol=1e-10, atol=1e-13) for k in expected), \
        "the two sides update the parameters differently"
    return net, ids, Y


def main() -> None:
    rounds = 5 if "--quick" in sys.argv else 15
    lr = 0.1
    net, ids, Y = sides(lr)
    state = {"params": net.params}

    def stepped():
        for _ in net.step(ids, Y, lr):
            pass

    def trained():
        net.train(ids, Y, lr)

    def plain():
        state["params"] = by_hand(state["params"], ids, Y, lr)[0]

    print(f"numpy {np.__version__}; one causal block, T={T}, D={D}, {HEADS} heads, m={M}; "
          f"{len(net.plan)} events a step; CPU time of this process")
    t = common.interleaved({"step": stepped, "train": trained, "by hand": plain}, rounds, 3)
    common.report("a step, every event made", t["step"], t["by hand"], "by hand", 1.2)
    common.report("train(), no events", t["train"], t["by hand"], "by hand", 1.2)


if __name__ == "__main__":
    main()
