"""linear N: Z = A @ W + b (rows) or W @ A + b (columns), with the bias as a vector, a flat (n,) array, or a ones
column folded into W; the products and sums for each layout are the tables in engine/layouts.py."""

from __future__ import annotations

import numpy as np

from engine.events import Input, Op, bind
from engine.layers import Arg, Built, Param, Place, positive
from engine.layouts import LAYOUTS

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


def steps_ops(n_in: int, n_out: int) -> dict[str, Op]:
    """The rows layout with a time axis, examples (m, T, n): W and b are shared by every time step, so their gradients
    add up all m · T of them, written as CS231n's temporal affine layer does, reshaped to (m·T, n)."""
    return {
        "Z": Op("{Z} = {A} @ {W} + {b}", "{W} applied at every time step, {b} broadcast to each",
                lambda c, A, W, b: A @ W + b),
        "dW": Op(f"{{dW}} = {{Aa}}.reshape(-1, {n_in}).T @ {{dZ}}.reshape(-1, {n_out})",
                 "every example and time step adds its share",
                 lambda c, Aa, dZ: Aa.reshape(-1, n_in).T @ dZ.reshape(-1, n_out)),
        "db": Op(f"{{db}} = {{dZ}}.reshape(-1, {n_out}).sum(axis=0, keepdims=True)", "",
                 lambda c, dZ: dZ.reshape(-1, n_out).sum(axis=0, keepdims=True)),
        "dA": Op("{dA} = {dZ} @ {W}.T", "", lambda c, dZ, W: dZ @ W.T),
    }


SEQUENCE_AXES = ("examples", "time", "features")


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


def _oriented(draw, layout: str, shape_of_flat: bool = False):
    """Every layout starts as the same network: values are drawn as rows, then laid out."""
    def oriented(rng, init):
        P = draw(rng, init)
        if shape_of_flat:
            return P.ravel()
        return P if layout == "rows" else np.ascontiguousarray(P.T)
    return oriented


def build(place: Place) -> Built:
    if len(place.shape) == 2 and place.layout == "rows":
        return _steps(place)
    if len(place.shape) != 1:
        raise ValueError(f"item {place.item.position} '{place.item.text}': linear takes examples with one axis of "
                         f"features, or in the rows layout (T, features) at every time step, and these are "
                         f"{place.shape}; put flatten before it")
    if place.bias == "flat" and place.layout != "rows":
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
        params = (Param(W, lay.weight_shape(n_in + 1, n_out), _oriented(stacked, place.layout)),)
        forward.append(bind(lay.augment, "forward", l, **bound, Aa=Aa, A=A))
        forward.append(bind(lay.Z_augmented, "forward", l, **bound, Z=Z, Aa=Aa, W=W))
        backward.append(bind(lay.dW, "backward", l, **bound, dW=f"d{W}", Aa=Aa, dZ=f"d{Z}"))
        W_in = Input(W, f"{W}[:-1]" if lay.name == "rows" else f"{W}[:, :-1]", lay.bias_slice)
        floats = 4 * n_out + n_in + 1
    else:
        flat = place.bias == "flat"
        params = (Param(W, lay.weight_shape(n_in, n_out), _oriented(weights, place.layout)),
                  Param(b, (n_out,) if flat else lay.bias_shape(n_out), _oriented(_bias(n_out), place.layout, flat)))
        forward.append(bind(FLAT_Z if flat else lay.Z, "forward", l, **bound, Z=Z, A=A, W=W, b=b))
        backward.append(bind(lay.dW, "backward", l, **bound, dW=f"d{W}", Aa=A, dZ=f"d{Z}"))
        backward.append(bind(FLAT_DB if flat else lay.db, "backward", l, **bound, db=f"d{b}", dZ=f"d{Z}"))
        W_in = W
        floats = 4 * n_out
    if not place.first:
        backward.append(bind(lay.dA, "backward", l, **bound, dA=place.dinp, dZ=f"d{Z}", W=W_in))
    return Built(Z, (n_out,), params, tuple(forward), tuple(backward), floats)


def _steps(place: Place) -> Built:
    """linear on examples (T, n_in): the same W and b at every time step."""
    if place.bias != "vector":
        raise ValueError(f"item {place.item.position} '{place.item.text}': on examples with a time axis, "
                         f"{place.shape}, linear takes bias 'vector'; got bias {place.bias!r}")
    t, l = place.tag, place.layer
    (T, n_in), n_out = place.shape, place.item.numbers[0]
    table = steps_ops(n_in, n_out)
    W, b, Z, A = f"W{t}", f"b{t}", f"Z{t}", place.inp
    params = (Param(W, (n_in, n_out), _weights(n_in, n_out)), Param(b, (1, n_out), _bias(n_out)))
    forward = (bind(table["Z"], "forward", l, SEQUENCE_AXES, Z=Z, A=A, W=W, b=b),)
    backward = [bind(table["dW"], "backward", l, SEQUENCE_AXES, dW=f"d{W}", Aa=A, dZ=f"d{Z}"),
                bind(table["db"], "backward", l, SEQUENCE_AXES, db=f"d{b}", dZ=f"d{Z}")]
    if not place.first:
        backward.append(bind(table["dA"], "backward", l, SEQUENCE_AXES, dA=place.dinp, dZ=f"d{Z}", W=W))
    return Built(Z, (T, n_out), params, forward, tuple(backward), 4 * T * n_out)
