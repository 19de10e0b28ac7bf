"""What rnn and lstm share: the checks on a sequence, the time step's slice of an array, Wx, Wh and b, the stack of
every step's hidden state, and the gradients' zeros before backprop through time adds into them.

Each time step is its own events, and each name carries its step (h3, dh3); the parameters carry their layer's
number (Wx1, Wh1, b1). The state before the first step is zero, so h_{-1} and c_{-1} appear in no formula.
"""

from __future__ import annotations

import numpy as np

from engine.events import Input, Op, bind
from engine.layers import Param, Place
from engine.layers.linear import _bias, _code, _oriented, _weights
from engine.layouts import LAYOUTS

MAX_T = 64  # every step is stepped as its own events; the stack of 64 names is still one line the doctor reads

ZEROS = Op("{dP} = np.zeros_like({P})", "backprop through time adds every step's share into it",
           lambda c, P: P * 0.0)


def sequence(place: Place) -> tuple[int, int]:
    """(T, D) of the examples a recurrent layer reads, or a ValueError saying what it expected."""
    where = f"item {place.item.position} '{place.item.text}'"
    lay = LAYOUTS[place.layout]
    if len(place.shape) != 2:
        data = "(" + ", ".join(lay.batch_shape("m", ("T", "D"))) + ")"
        raise ValueError(f"{where}: a recurrent layer reads sequences, examples of shape (T, D), data {data}; "
                         f"these examples are {place.shape}. Give inputs=(T, D), or (T,) ids before an embedding")
    T, D = place.shape
    if T > MAX_T:
        raise ValueError(f"{where}: every time step is stepped as its own events, for up to {MAX_T} steps; "
                         f"these sequences have T = {T}")
    if place.bias != "vector":
        raise ValueError(f"{where}: a recurrent layer takes bias 'vector'; got bias {place.bias!r}")
    return T, D


def at(name: str, s: int, layout: str) -> Input:
    """Time step s of a sequence: name[:, s, :] of (m, T, n), or name[:, :, s] of (n, m, T)."""
    if layout == "rows":
        return Input(name, f"{name}[:, {s}, :]", (slice(None), s, slice(None)))
    return Input(name, f"{name}[:, :, {s}]", (slice(None), slice(None), s))


def time_axis(layout: str) -> int:
    return 1 if layout == "rows" else 2


def stack(out: str, names: list[str], layout: str, phase: str, layer: int):
    """out = np.stack([h0, h1, ...], axis=...): every step's array as one sequence, (m, T, n) or (n, m, T)."""
    axis = time_axis(layout)
    slots = ", ".join("{s%d}" % k for k in range(len(names)))
    op = Op(f"{{out}} = np.stack([{slots}], axis={axis})", "every time step's array, in order of time",
            lambda c, *arrays: _stacked(arrays, axis))
    return bind(op, phase, layer, LAYOUTS[layout].example_axis, out=out, **{f"s{k}": n for k, n in enumerate(names)})


def _stacked(arrays, axis):
    return np.stack(arrays, axis=axis)


def params(place: Place, D: int, n: int, forget: slice | None = None) -> tuple[Param, Param, Param]:
    """Wx (D, n), Wh (H, n) and b (1, n) as rows, transposed in the columns layout; n is H, or 4H for the gates.

    `forget`, the forget gate's block of b, starts at 1 whatever the init (Gers et al. 2000; Jozefowicz et al. 2015;
    Keras's unit_forget_bias): the cell keeps most of itself, and its gradient through time with it.
    """
    t, layout, H = place.tag, place.layout, place.item.numbers[0]
    lay = LAYOUTS[layout]
    Wx, Wh, b = f"Wx{t}", f"Wh{t}", f"b{t}"
    bias, bias_code = _bias(n), _code(Wx, b, D, n, layout, "vector", "b")
    if forget is not None:
        plain, plain_code = bias, bias_code

        def bias(rng, init):
            drawn = plain(rng, init)
            drawn[:, forget] = 1.0
            return drawn

        def bias_code(init):
            lines = list(plain_code(init))
            lines.insert(1 if layout == "columns" else len(lines),
                         f"{b}[:, {forget.start}:{forget.stop}] = 1.0  # the forget gate's bias starts at 1")
            return tuple(lines)
    return (Param(Wx, lay.weight_shape(D, n), _oriented(_weights(D, n), layout),
                  _code(Wx, b, D, n, layout, "vector", "W")),
            Param(Wh, lay.weight_shape(H, n), _oriented(_weights(H, n), layout),
                  _code(Wh, b, H, n, layout, "vector", "W")),
            Param(b, lay.bias_shape(n), _oriented(bias, layout), bias_code))


def zeros(place: Place, names: tuple[str, ...]):
    ex = LAYOUTS[place.layout].example_axis
    return [bind(ZEROS, "backward", place.layer, ex, dP=f"d{P}", P=P) for P in names]



def timed(ops: list, start: int, s: int) -> None:
    """Mark the operations from `start` on as time step s's: the timeline groups and folds by it."""
    ops[start:] = [p._replace(time=s) for p in ops[start:]]
