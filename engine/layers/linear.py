"""linear N: Z = A @ W + b (rows) or W @ A + b (columns), with the bias as a vector, a flat (n,) array, or a ones
column folded into W; the products and sums for each layout are the tables in engine/layouts.py.

On a sequence, examples of shape (T, n), it is the temporal affine layer: the same W and b at every time step. The
rows layout's products broadcast over (m, T, n) as they are; the gradients join the time steps to the examples with
a reshape, as CS231n's temporal_affine_backward does, and the columns layout (n, m, T) does the same on its side.
"""

from __future__ import annotations

import numpy as np

from engine.events import Input, Op, bind
from engine.layers import Arg, Built, Param, Place, positive
from engine.layouts import LAYOUTS

SHORT = "{0}"  # in the status line
ARGS = (Arg("a size", int, "linear 64", positive),)
PREFIX = "Z"
STARTS_LAYER = True

# CS231n's b of shape (n,): it broadcasts along the last axis, which is the features' only in the rows layout.
# Its gradient sums over the examples without keepdims, and the missing keepdims is the lesson.
FLAT_Z = Op("{Z} = {A} @ {W} + {b}", "{b} of shape (n,) broadcast along the last axis, to every row",
            lambda c, A, W, b: A @ W + b)
FLAT_DB = Op("{db} = {dZ}.sum(axis=0)", "", lambda c, dZ: dZ.sum(axis=0),
             (("kept the summed axis", "{db} = {dZ}.sum(axis=0, keepdims=True)",
               "b is (n,), flat: its gradient must be flat too. With keepdims, b - lr * db broadcasts (n,) with "
               "(1, n) and b silently becomes (1, n)."),))


def _weights(n_in: int, n_out: int):
    def draw(rng: np.random.Generator, init: str) -> np.ndarray:
        if init == "uniform":
            return rng.uniform(-1.0, 1.0, (n_in, n_out))
        if init == "xavier":
            a = np.sqrt(6.0 / (n_in + n_out))
            return rng.uniform(-a, a, (n_in, n_out))
        return rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))
    return draw


def _bias(n_out: int):
    def draw(rng: np.random.Generator, init: str) -> np.ndarray:
        return rng.uniform(-1.0, 1.0, (1, n_out)) if init == "uniform" else np.zeros((1, n_out))
    return draw


# The same draws as lines of the exported script, in the same order; {Ws}, {bs} are W's and b's shapes as drawn.
DRAWS = {
    "uniform": ("{W} = rng.uniform(-1.0, 1.0, {Ws})  # -> {Ws}",),
    "xavier": ("a = np.sqrt(6.0 / ({n_in} + {n_out}))  # Xavier: uniform in ±√(6 / (n_in + n_out))",
               "{W} = rng.uniform(-a, a, {Ws})  # -> {Ws}"),
    "he": ("{W} = rng.normal(0.0, np.sqrt(2.0 / {n_in}), {Ws})  # He: std √(2 / n_in) -> {Ws}",),
}
BIAS_DRAWS = {"uniform": "{b} = rng.uniform(-1.0, 1.0, {bs})  # -> {bs}", "xavier": "{b} = np.zeros({bs})  # -> {bs}",
              "he": "{b} = np.zeros({bs})  # -> {bs}"}


def _code(W: str, b: str, n_in: int, n_out: int, layout: str, bias: str, part: str):
    """The lines of the exported script that draw W (part "W") or b (part "b") as the network does."""
    def code(init: str) -> tuple[str, ...]:
        names = dict(W=W, b=b, Ws=(n_in, n_out), bs=(1, n_out), n_in=n_in, n_out=n_out)
        lines = [line.format(**names) for line in DRAWS[init]] if part == "W" else []
        if part == "b" or bias == "augmented":
            lines.append(BIAS_DRAWS[init].format(**names))
        shape = (n_in, n_out) if part == "W" else (1, n_out)
        if bias == "augmented":
            shape = (n_in + 1, n_out)
            lines.append(f"{W} = np.vstack([{W}, {b}])  # [{(n_in, n_out)} ; {(1, n_out)}] -> {shape}, the bias as "
                         "the last row")
        name = W if part == "W" else b
        if bias == "flat" and part == "b":
            lines.append(f"{b} = {b}.ravel()  # -> {(n_out,)}, flat as CS231n writes it")
        elif layout == "columns":
            lines.append(f"{name} = np.ascontiguousarray({name}.T)  # {shape}ᵀ -> {shape[::-1]}")
        return tuple(lines)
    return code


def _oriented(draw, layout: str, shape_of_flat: bool = False):
    """Every layout starts as the same network: values are drawn as rows, then laid out."""
    def oriented(rng, init):
        P = draw(rng, init)
        if shape_of_flat:
            return P.ravel()
        return P if LAYOUTS[layout].example_axis == 0 else np.ascontiguousarray(P.T)
    return oriented


def _temporal(layout: str, n_in: int, n_out: int, T: int) -> tuple[Op, Op, Op, Op]:
    """Z, dW, db and dA on sequences, with the sizes written out: the time steps of every example joined."""
    if layout == "rows":  # A (m, T, n_in)
        return (
            Op("{Z} = {A} @ {W} + {b}", "the same {W} and {b} at every example and time step",
               lambda c, A, W, b: A @ W + b),
            Op(f"{{dW}} = {{A}}.reshape(-1, {n_in}).T @ {{dZ}}.reshape(-1, {n_out})",
               "every time step's contribution, summed by the product over the m·T rows",
               lambda c, A, dZ: A.reshape(-1, n_in).T @ dZ.reshape(-1, n_out)),
            Op(f"{{db}} = {{dZ}}.reshape(-1, {n_out}).sum(axis=0, keepdims=True)", "over examples and time steps",
               lambda c, dZ: dZ.reshape(-1, n_out).sum(axis=0, keepdims=True)),
            Op("{dA} = {dZ} @ {W}.T", "", lambda c, dZ, W: dZ @ W.T),
        )
    return (  # A (n_in, m, T)
        Op(f"{{Z}} = ({{W}} @ {{A}}.reshape({n_in}, -1) + {{b}}).reshape({n_out}, m, {T})",
           "the m·T columns side by side, the same {W} and {b} for each",
           lambda c, W, A, b: (W @ A.reshape(n_in, -1) + b).reshape(n_out, A.shape[1], T)),
        Op(f"{{dW}} = {{dZ}}.reshape({n_out}, -1) @ {{A}}.reshape({n_in}, -1).T",
           "every time step's contribution, summed by the product over the m·T columns",
           lambda c, dZ, A: dZ.reshape(n_out, -1) @ A.reshape(n_in, -1).T),
        Op(f"{{db}} = {{dZ}}.reshape({n_out}, -1).sum(axis=1, keepdims=True)", "over examples and time steps",
           lambda c, dZ: dZ.reshape(n_out, -1).sum(axis=1, keepdims=True)),
        Op(f"{{dA}} = ({{W}}.T @ {{dZ}}.reshape({n_out}, -1)).reshape({n_in}, m, {T})", "",
           lambda c, W, dZ: (W.T @ dZ.reshape(n_out, -1)).reshape(n_in, dZ.shape[1], T)),
    )


def build(place: Place) -> Built:
    if len(place.shape) == 2:
        return _build_temporal(place)
    if len(place.shape) != 1:
        raise ValueError(f"item {place.item.position} '{place.item.text}': linear takes examples with one axis of "
                         f"features, and these are {place.shape}; put flatten before it")
    if place.bias == "flat" and LAYOUTS[place.layout].example_axis != 0:
        raise ValueError("bias 'flat' is b of shape (n,), which broadcasts along the last axis: in the columns "
                         "layout that axis counts examples; use bias 'vector' (n, 1) there")
    lay, t, l = LAYOUTS[place.layout], place.tag, place.layer
    n_in, n_out = place.shape[0], place.item.numbers[0]
    W, b, Z, A = f"W{t}", f"b{t}", f"Z{t}", place.inp
    bound = dict(example_axis=lay.example_axis)
    weights = _weights(n_in, n_out)
    forward, backward = [], []
    if place.bias == "augmented":
        Aa = f"{A}_aug"

        def stacked(rng, init):
            return np.vstack([weights(rng, init), _bias(n_out)(rng, init)])
        params = (Param(W, lay.weight_shape(n_in + 1, n_out), _oriented(stacked, place.layout),
                        _code(W, b, n_in, n_out, place.layout, place.bias, "W")),)
        forward.append(bind(lay.augment, "forward", l, **bound, Aa=Aa, A=A))
        forward.append(bind(lay.Z_augmented, "forward", l, **bound, Z=Z, Aa=Aa, W=W))
        backward.append(bind(lay.dW, "backward", l, **bound, dW=f"d{W}", Aa=Aa, dZ=f"d{Z}"))
        W_in = Input(W, f"{W}[:-1]" if lay.example_axis == 0 else f"{W}[:, :-1]", lay.bias_slice)
        floats = 4 * n_out + n_in + 1
    else:
        flat = place.bias == "flat"
        params = (Param(W, lay.weight_shape(n_in, n_out), _oriented(weights, place.layout),
                        _code(W, b, n_in, n_out, place.layout, place.bias, "W")),
                  Param(b, (n_out,) if flat else lay.bias_shape(n_out), _oriented(_bias(n_out), place.layout, flat),
                        _code(W, b, n_in, n_out, place.layout, place.bias, "b")))
        forward.append(bind(FLAT_Z if flat else lay.Z, "forward", l, **bound, Z=Z, A=A, W=W, b=b))
        backward.append(bind(lay.dW, "backward", l, **bound, dW=f"d{W}", Aa=A, dZ=f"d{Z}"))
        backward.append(bind(FLAT_DB if flat else lay.db, "backward", l, **bound, db=f"d{b}", dZ=f"d{Z}"))
        W_in = W
        floats = 4 * n_out
    if not place.first:
        backward.append(bind(lay.dA, "backward", l, **bound, dA=place.dinp, dZ=f"d{Z}", W=W_in))
    return Built(Z, (n_out,), params, tuple(forward), tuple(backward), floats)


def _build_temporal(place: Place) -> Built:
    """linear N on examples of shape (T, n): one W and b for every time step."""
    if place.bias != "vector":
        raise ValueError(f"item {place.item.position} '{place.item.text}': on a sequence, linear takes bias 'vector'; "
                         f"got bias {place.bias!r}")
    lay, t, l = LAYOUTS[place.layout], place.tag, place.layer
    (T, n_in), n_out = place.shape, place.item.numbers[0]
    W, b, Z, A = f"W{t}", f"b{t}", f"Z{t}", place.inp
    Zop, dW, db, dA = _temporal(place.layout, n_in, n_out, T)
    ex = lay.example_axis
    params = (Param(W, lay.weight_shape(n_in, n_out), _oriented(_weights(n_in, n_out), place.layout),
                    _code(W, b, n_in, n_out, place.layout, place.bias, "W")),
              Param(b, lay.bias_shape(n_out), _oriented(_bias(n_out), place.layout),
                    _code(W, b, n_in, n_out, place.layout, place.bias, "b")))
    forward = (bind(Zop, "forward", l, ex, Z=Z, A=A, W=W, b=b),)
    backward = [bind(dW, "backward", l, ex, dW=f"d{W}", A=A, dZ=f"d{Z}"), bind(db, "backward", l, ex, db=f"d{b}",
                                                                               dZ=f"d{Z}")]
    if not place.first:
        backward.append(bind(dA, "backward", l, ex, dA=place.dinp, dZ=f"d{Z}", W=W))
    return Built(Z, (T, n_out), params, forward, tuple(backward), 4 * T * n_out)
