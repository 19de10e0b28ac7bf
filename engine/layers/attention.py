"""attention D HEADS [causal]: multi-head self-attention on examples (T, D), written as nanoGPT writes it.

Forward: the projections Q, K, V; each split into heads (m, heads, T, d) with d = D / HEADS; the scores
S = Q Kᵀ / √d of every query against every key; with `causal`, the mask that hides each query's later keys; the
softmax over keys, P; the heads' outputs P V, concatenated back to (m, T, D); and the output projection.
Backward runs each of these back as its own event, the softmax's as dS = P ⊙ (dP − Σ_keys dP ⊙ P).

The heads stay one array with a heads axis, so a step is as many events whatever HEADS is, and each head's P and
dP is a T×T matrix the app draws as a heatmap (Built.pictures).
"""

from __future__ import annotations

import numpy as np

from engine import activations
from engine.events import Op, bind
from engine.layers import Arg, Built, Draw, Param, Place, linear, positive

ARGS = (Arg("a model dimension D", int, "attention 16 2", positive),
        Arg("a number of heads", int, "attention 16 2", positive))
WORDS = {"causal": None}
SHORT = "attn {0}×{1}"  # in the status line: D, heads
SEQUENCES = True  # reads sequences, examples (T, D): data named by the app are read as sequences for it
PREFIX = "attn"
NAMES = (PREFIX, "Wq", "Wk", "Wv", "Wo", "Q", "K", "V", "Qh", "Kh", "Vh", "S", "Sm", "P", "mask", "Oh", "O")
STARTS_LAYER = True
AXES = ("examples", "heads", "queries", "keys")  # the axes of S and P, so sums and softmaxes say which way they run
MASKED = -1e9  # a masked score: e^(−10⁹ − max) is 0 in float64, as e^(−∞) would be


def heads_error(where: str, D: int, heads: int) -> str | None:
    """Why D features cannot split into `heads` heads, or None."""
    if D % heads == 0:
        return None
    divisors = ", ".join(str(k) for k in range(1, D + 1) if D % k == 0)
    return (f"{where}: {D} features do not split into {heads} heads ({D} / {heads} = {D / heads:g}, not whole); "
            f"choose a number of heads that divides {D}: {divisors}")


def ops(T: int, D: int, h: int) -> dict[str, Op]:
    """The attention table for sequences of T steps, D features and h heads of d = D / h."""
    d = D // h
    root = f"np.sqrt({d})"
    scale = np.sqrt(d)
    split = f".reshape(m, {T}, {h}, {d}).swapaxes(1, 2)"
    join = f".swapaxes(1, 2).reshape(m, {T}, {D})"
    flat = f".reshape(-1, {D})"

    def to_heads(c, X):
        return X.reshape(X.shape[0], T, h, d).swapaxes(1, 2)

    def from_heads(c, X):
        return X.swapaxes(1, 2).reshape(X.shape[0], T, D)

    def grad_W(c, A, dX):
        return A.reshape(-1, D).T @ dX.reshape(-1, D)

    softmax_lesson = ("Each query's weights are a softmax over the keys it looks at, the last axis. Over axis -2 "
                      "each key's weights over the queries sum to 1 instead: it runs, with the same shapes, and "
                      "attends the wrong way.")
    return {
        "project": Op("{Q} = {A} @ {W}", "", lambda c, A, W: A @ W),
        "split": Op(f"{{Qh}} = {{Q}}{split}", f"{{Q}} split into {h} heads of {d} features: (m, heads, T, d)",
                    to_heads),
        "scores": Op(f"{{S}} = {{Qh}} @ {{Kh}}.swapaxes(-2, -1) / {root}",
                     f"each query against every key, divided by √d = √{d} so the scores keep unit variance",
                     lambda c, Qh, Kh: Qh @ Kh.swapaxes(-2, -1) / scale,
                     (("the √d scale missing", "{S} = {Qh} @ {Kh}.swapaxes(-2, -1)",
                       f"Q Kᵀ adds up d = {d} products, so its spread grows like √d; without dividing by √{d} the "
                       "softmax saturates and its gradients vanish. It runs: only the values are wrong."),)),
        "mask": Op(f"{{Sm}} = np.where({{mask}} > 0, {{S}}, {MASKED})",
                   "causal: a query may not look at later keys; their scores become −10⁹, so their weight is 0",
                   lambda c, mask, S: np.where(mask > 0, S, MASKED)),
        "softmax": Op("{P} = softmax({Sm}, axis=-1)", "over keys: each query's weights sum to 1",
                      lambda c, Sm: activations.softmax(Sm, axis=-1),
                      (("softmax over queries instead of keys", "{P} = softmax({Sm}, axis=-2)", softmax_lesson),)),
        "softmax_masked": Op("{P} = softmax({Sm}, axis=-1)", "over keys: each query's weights sum to 1",
                      lambda c, Sm: activations.softmax(Sm, axis=-1),
                      (("softmax over queries instead of keys", "{P} = softmax({Sm}, axis=-2)", softmax_lesson),
                       ("mask applied after the softmax", "{P} = softmax({S}, axis=-1) * {mask}",
                        "Masking after the softmax zeroes the later keys' weights, but they were already counted in "
                        "the sum that normalised the rest: each query's weights no longer sum to 1, and the future "
                        "leaks into the past. Mask the scores, then take the softmax."))),
        "weigh": Op("{Oh} = {P} @ {Vh}", "each query's output: the values weighted by its row of {P}",
                    lambda c, P, Vh: P @ Vh),
        "concat": Op(f"{{O}} = {{Oh}}{join}", f"the {h} heads concatenated side by side: (m, T, {D})", from_heads),
        "out": Op("{Y} = {O} @ {Wo}", "the output projection", lambda c, O, Wo: O @ Wo),
        "dW": Op(f"{{dW}} = {{A}}{flat}.T @ {{dX}}{flat}", "every example and time step adds its share", grad_W),
        "dO": Op("{dO} = {dY} @ {Wo}.T", "", lambda c, dY, Wo: dY @ Wo.T),
        "dsplit": Op(f"{{dQh}} = {{dQ}}{split}", "the gradient split into heads as the forward pass split", to_heads),
        "dP": Op("{dP} = {dOh} @ {Vh}.swapaxes(-2, -1)", "", lambda c, dOh, Vh: dOh @ Vh.swapaxes(-2, -1)),
        "dVh": Op("{dVh} = {P}.swapaxes(-2, -1) @ {dOh}", "", lambda c, P, dOh: P.swapaxes(-2, -1) @ dOh),
        "dsoftmax": Op("{dS} = {P} * ({dP} - ({dP} * {P}).sum(axis=-1, keepdims=True))",
                       "the softmax's backward: each query's weights sum to 1, so raising one lowers the others",
                       lambda c, P, dP: P * (dP - (dP * P).sum(axis=-1, keepdims=True)),
                       (("softmax backward without the sum", "{dS} = {P} * {dP}",
                         "Every weight of a query's row shares one denominator: the sum over keys carries how each "
                         "score moved all the others."),
                        ("softmax over queries instead of keys", "{dS} = {P} * ({dP} - ({dP} * {P}).sum(axis=-2, "
                                                                "keepdims=True))", softmax_lesson))),
        "dmask": Op("{dS} = {dSm} * {mask}", "a masked score was replaced by a constant: no gradient reaches it",
                    lambda c, dSm, mask: dSm * mask),
        "dQh": Op(f"{{dQh}} = {{dS}} @ {{Kh}} / {root}", "", lambda c, dS, Kh: dS @ Kh / scale),
        "dKh": Op(f"{{dKh}} = {{dS}}.swapaxes(-2, -1) @ {{Qh}} / {root}", "",
                  lambda c, dS, Qh: dS.swapaxes(-2, -1) @ Qh / scale),
        "djoin": Op(f"{{dQ}} = {{dQh}}{join}", "the heads' gradients side by side again", from_heads),
        "dA": Op("{dA} = {dQ} @ {Wq}.T + {dK} @ {Wk}.T + {dV} @ {Wv}.T",
                 "the input fed all three projections: their gradients add",
                 lambda c, dQ, Wq, dK, Wk, dV, Wv: dQ @ Wq.T + dK @ Wk.T + dV @ Wv.T),
    }


def _mask(T: int):
    def draw(seed: int, step: int, m: int) -> np.ndarray:
        return np.tril(np.ones((T, T)))
    return draw


def build(place: Place) -> Built:
    D, h = place.item.numbers
    causal = place.item.has("causal")
    where = f"item {place.item.position} '{place.item.text}'"
    if len(place.shape) != 2:
        if causal and len(place.shape) == 1:
            raise ValueError(f"{where}: causal hides each query's later keys in time, but these examples have no "
                             f"time axis: {place.shape}; attention reads sequences (T, {D})")
        raise ValueError(f"{where}: attention reads examples that are sequences (T, {D}); these are {place.shape}")
    if place.layout != "rows":
        raise ValueError(f"{where}: attention is written in the rows layout, (m, T, D); choose layout rows")
    T, n = place.shape
    if n != D:
        raise ValueError(f"{where}: attention {D} reads {D} features at each time step, but these examples are "
                         f"{place.shape}, {n} features; write attention {n} {h}")
    reason = heads_error(where, D, h)
    if reason:
        raise ValueError(reason)
    table = ops(T, D, h)
    t, l, A = place.tag, place.layer, place.inp
    N = {k: f"{k}{t}" for k in NAMES}
    W = {x: N[f"W{x.lower()}"] for x in "QKVO"}

    def op(key, phase, **slots):
        return bind(table[key], phase, l, AXES, **slots)

    forward = []
    for x in "QKV":
        forward.append(op("project", "forward", Q=N[x], A=A, W=W[x]))
    for x in "QKV":
        forward.append(op("split", "forward", Qh=N[f"{x}h"], Q=N[x]))
    forward.append(op("scores", "forward", S=N["S"], Qh=N["Qh"], Kh=N["Kh"]))
    scores = N["S"]
    if causal:
        forward.append(op("mask", "forward", Sm=N["Sm"], mask=N["mask"], S=N["S"]))
        scores = N["Sm"]
    forward.append(op("softmax_masked" if causal else "softmax", "forward", P=N["P"], Sm=scores, S=N["S"],
                      mask=N["mask"]))
    forward.append(op("weigh", "forward", Oh=N["Oh"], P=N["P"], Vh=N["Vh"]))
    forward.append(op("concat", "forward", O=N["O"], Oh=N["Oh"]))
    forward.append(op("out", "forward", Y=N["attn"], O=N["O"], Wo=W["O"]))

    d = {k: f"d{v}" for k, v in N.items()}
    backward = [op("dW", "backward", dW=f"d{W['O']}", A=N["O"], dX=d["attn"]),
                op("dO", "backward", dO=d["O"], dY=d["attn"], Wo=W["O"]),
                op("dsplit", "backward", dQh=d["Oh"], dQ=d["O"]),
                op("dP", "backward", dP=d["P"], dOh=d["Oh"], Vh=N["Vh"]),
                op("dVh", "backward", dVh=d["Vh"], P=N["P"], dOh=d["Oh"])]
    if causal:
        backward += [op("dsoftmax", "backward", dS=d["Sm"], P=N["P"], dP=d["P"]),
                     op("dmask", "backward", dS=d["S"], dSm=d["Sm"], mask=N["mask"])]
    else:
        backward.append(op("dsoftmax", "backward", dS=d["S"], P=N["P"], dP=d["P"]))
    backward += [op("dQh", "backward", dQh=d["Qh"], dS=d["S"], Kh=N["Kh"]),
                 op("dKh", "backward", dKh=d["Kh"], dS=d["S"], Qh=N["Qh"])]
    for x in "QKV":
        backward.append(op("djoin", "backward", dQ=d[x], dQh=d[f"{x}h"]))
    for x in "QKV":
        backward.append(op("dW", "backward", dW=f"d{W[x]}", A=A, dX=d[x]))
    if not place.first:
        backward.append(op("dA", "backward", dA=place.dinp, dQ=d["Q"], Wq=W["Q"], dK=d["K"], Wk=W["K"],
                           dV=d["V"], Wv=W["V"]))
    draw = linear._weights(D, D)
    # drawn as a linear layer's W is, whatever the layout: an export draws them with the same lines
    params = tuple(Param(W[x], (D, D), draw, linear._code(W[x], "", D, D, "rows", "vector", "W")) for x in "QKVO")
    floats = 2 * (9 * T * D + (3 if causal else 2) * h * T * T)  # each forward array per example, and its gradient
    draws = (Draw(N["mask"], _mask(T), f"{N['mask']} = np.tril(np.ones(({T}, {T})))  # 1 where a query may see a key"),
             ) if causal else ()
    return Built(N["attn"], (T, D), params, tuple(forward), tuple(backward), floats, draws,
                 pictures=(N["P"], d["P"]))
