"""last: one answer per sequence, from the last time step's hidden state alone, (m, T, H) into (m, H).

A many-to-one network (a sentiment classifier, "remember the first symbol") reads every step and answers once. Only
h_{T−1} goes on, so backward gives dH zeros before the last step: the earlier steps reach the loss through h_{T−1}
alone, and backprop through time carries the gradient back to them, or loses it on the way.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Built, Place
from engine.layouts import LAYOUTS

SHORT = "last"  # in the status line
ARGS = ()
PREFIX = "last"
STARTS_LAYER = False
ONE_ANSWER = True  # its data have one target per sequence: a sequence's targets are cut to the last step's

EVERY_STEP = ("every step given the answer's gradient", "{dH} = {dA}%s * np.ones_like({H})",
              "Only h_T−1 was read by the layers after it; the earlier steps reach the loss through it, and their "
              "gradient is what backprop through time brings back, not the answer's own.")
# Each layout's slice of the last step, and the gradient padded back to every step with zeros before it.
ROWS = ("{A} = {H}[:, -1, :]", "[:, None, :]", "((0, 0), ({before}, 0), (0, 0))")
COLUMNS = ("{A} = {H}[:, :, -1]", "[:, :, None]", "((0, 0), (0, 0), ({before}, 0))")


def build(place: Place) -> Built:
    where = f"item {place.item.position} 'last'"
    if len(place.shape) != 2:
        raise ValueError(f"{where}: last keeps a sequence's last time step, examples of shape (T, H); these are "
                         f"{place.shape}")
    if place.first:
        raise ValueError(f"{where}: last keeps a recurrent layer's last hidden state, so it comes after rnn or lstm")
    T, H = place.shape
    take, widen, pads = ROWS if place.layout == "rows" else COLUMNS
    pads = pads.format(before=T - 1)
    axis = 1 if place.layout == "rows" else 2
    ex = LAYOUTS[place.layout].example_axis
    A, l = f"last{place.tag}", place.layer
    forward = Op(take, "one answer per sequence: only the last time step's hidden state goes on",
                 lambda c, H: np.take(H, -1, axis=axis))
    mistake = (EVERY_STEP[0], EVERY_STEP[1] % widen, EVERY_STEP[2])
    backward = Op(f"{{dH}} = np.pad({{dA}}{widen}, {pads})",
                  f"zeros at the {T - 1} steps before the last: they reach the loss only through it",
                  lambda c, dA: np.pad(np.expand_dims(dA, axis), [(T - 1, 0) if k == axis else (0, 0)
                                                                     for k in range(3)]),
                  (mistake,))
    return Built(A, (H,), (), (bind(forward, "forward", l, ex, A=A, H=place.inp),),
                 (bind(backward, "backward", l, ex, dH=place.dinp, dA=f"d{A}", H=place.inp),), 2 * H)
