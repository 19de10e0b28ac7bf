"""position T D: a learned position embedding, a row of Wpe (T, D) for each time step added to every example,
as nanoGPT adds wpe(arange(T)) to the token embeddings.

Backward: the sum's gradient passes through unchanged to its input, and each time step's row of Wpe gathers the
gradients of every example at that step, scattered with np.add.at as an embedding's are.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Arg, Built, Draw, Param, Place, positive

ARGS = (Arg("the longest sequence T", int, "position 8 16", positive),
        Arg("a dimension D", int, "position 8 16", positive))
PREFIX = "H"
NAMES = (PREFIX, "Wpe", "pos")
SHORT = "pos {0}"  # in the status line: the longest T
STARTS_LAYER = False
AXES = ("examples", "time", "features")
SEQUENCES = True  # reads sequences, examples (T, D): data named by the app are read as sequences for it


def longest(item) -> int:
    """The longest sequence the table has a row for: the data read for this stack are cut to it."""
    return item.numbers[0]

FORWARD = Op("{H} = {A} + {Wpe}[{pos}]", "each time step's row of {Wpe}, added to every example",
             lambda c, A, Wpe, pos: A + Wpe[pos])
PASS = Op("{dA} = {dH}", "an addition passes its gradient through unchanged", lambda c, dH: dH)
ZEROS = Op("{dWpe} = np.zeros_like({Wpe})", "", lambda c, Wpe: np.zeros_like(Wpe))


def _add_at(c, dWpe, pos, summed):
    out = dWpe.copy()
    np.add.at(out, pos, summed)
    return out


SCATTER = Op("np.add.at({dWpe}, {pos}, {dH}.sum(axis=0))", "each time step's row adds up its gradient over examples",
             lambda c, dWpe, pos, dH: _add_at(c, dWpe, pos, dH.sum(axis=0)),
             (("summed over time instead of examples", "np.add.at({dWpe}, {pos}, {dH}.sum(axis=1))",
               "A row of Wpe belongs to one time step and is shared by every example: its gradient adds up the "
               "examples at that step, axis 0, not the time steps of one example."),))


def build(place: Place) -> Built:
    Tmax, D = place.item.numbers
    where = f"item {place.item.position} '{place.item.text}'"
    if len(place.shape) != 2 or place.layout != "rows":
        raise ValueError(f"{where}: a position embedding adds to sequences (T, {D}) in the rows layout; these "
                         f"examples are {place.shape}")
    T, n = place.shape
    if T > Tmax:
        raise ValueError(f"{where}: the sequences are {T} steps long, (T, D) = {place.shape}, but the position table "
                         f"has {Tmax} rows; write position {T} {n} or shorter sequences")
    if n != D:
        raise ValueError(f"{where}: the table's rows are {D} wide, but the examples have {n} features, "
                         f"{place.shape}; write position {Tmax} {n}")
    t, l, A = place.tag, place.layer, place.inp
    H, Wpe, pos = f"H{t}", f"Wpe{t}", f"pos{t}"

    def draw(rng, init):
        return rng.normal(0.0, 1.0, (Tmax, D))

    def steps(seed: int, step: int, m: int) -> np.ndarray:
        return np.arange(T)

    forward = (bind(FORWARD, "forward", l, AXES, H=H, A=A, Wpe=Wpe, pos=pos),)
    backward = [bind(ZEROS, "backward", l, AXES, dWpe=f"d{Wpe}", Wpe=Wpe),
                bind(SCATTER, "backward", l, AXES, dWpe=f"d{Wpe}", pos=pos, dH=f"d{H}")]
    if not place.first:
        backward.append(bind(PASS, "backward", l, AXES, dA=place.dinp, dH=f"d{H}"))
    code = (f"{Wpe} = rng.normal(0.0, 1.0, ({Tmax}, {D}))  # a position's row: -> ({Tmax}, {D})",)
    return Built(H, (T, D), (Param(Wpe, (Tmax, D), draw, lambda init: code),), forward, tuple(backward), 2 * T * D,
                 draws=(Draw(pos, steps, f"{pos} = np.arange({T})  # the positions 0 to {T - 1}"),))
