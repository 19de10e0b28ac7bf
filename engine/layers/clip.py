"""clip N: gradient clipping by norm, each parameter's gradient rescaled to a norm of at most N before the update.

deeplearning.ai's "clip" exercise (Dinosaur Island) clips the parameters' gradients, dWax, dWaa, dWya, db and dby,
after backprop through time and before the update; it clips each entry to [-N, N]. stepprop clips each gradient by
its norm instead, which keeps its direction: g ← g · min(1, N / ‖g‖). The item may sit anywhere in the stack; it
changes no forward value, and its events come after the whole backward pass, one for each parameter's gradient.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Arg, Built, Place
from engine.layouts import LAYOUTS

SHORT = "clip {0}"  # in the status line
ARGS = (Arg("a largest norm", float, "clip 5", lambda v: None if v > 0 else "must be more than 0"),)
PREFIX = "clip"
STARTS_LAYER = False
TINY = 1e-12  # a gradient of zeros stays zeros, with no division by 0


def _clipped(N: float):
    def fn(c, dP):
        return dP * min(1.0, N / (np.sqrt(np.sum(dP ** 2)) + TINY))
    return fn


def build(place: Place) -> Built:
    N = place.item.numbers[0]
    op = Op(f"{{dP}} = {{dP}} * np.minimum(1, {N!r} / (np.sqrt(np.sum({{dP}} ** 2)) + {TINY!r}))",
            f"rescaled to a norm of at most {N!r}, its direction kept", _clipped(N))
    ex = LAYOUTS[place.layout].example_axis

    def finish(names: tuple[str, ...]):
        return tuple(bind(op, "backward", place.layer, ex, dP=f"d{P}") for P in names)
    return Built(place.inp, place.shape, finish=finish)
