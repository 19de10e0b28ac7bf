"""residual N: a residual add, R = X + F, where F is the previous layer's output and X the input of the layer N
items back (the start of the block it skips).

Backward: the add copies its gradient into both paths unchanged, the block's (dF = dR) and the skip's
(dX_skip = dR). The block's path runs back through its layers to X, where the two meet again and add up:
dX = dX_branch + dX_skip. Forgetting the skip's copy
is the classic mistake (Built.joins places that sum right after the block's first layer has gone back).
"""

from __future__ import annotations

import math

from engine.events import Op, bind
from engine.layers import Arg, Built, Place, positive

ARGS = (Arg("how many items back the skip starts", int, "residual 2", positive),)
SHORT = "+{0}"  # in the status line: added to the input {0} items back
PREFIX = "R"
STARTS_LAYER = False

ADD = Op("{R} = {X} + {F}", "the block's output added to its input, which skipped it",
         lambda c, X, F: X + F)
COPY = Op("{dF} = {dR}", "an add copies its gradient into both paths: this copy goes back through the block",
          lambda c, dR: dR)
SKIP = Op("{dskip} = {dR}", "and this copy skips the block, straight back to {X}", lambda c, dR: dR)
MEET = Op("{dX} = {dbranch} + {dskip}", "the two paths meet again: the gradient back through the block plus the "
                                        "copy that skipped it",
          lambda c, dbranch, dskip: dbranch + dskip,
          (("residual gradient not added", "{dX} = {dbranch}",
            "{X} reached the loss by two paths, through the block and around it, so its gradient is the sum of "
            "both; without the skip's copy, deep stacks lose the very path that keeps their gradients alive."),))


def reaches_back(item) -> int:
    return item.numbers[0]


def build(place: Place) -> Built:
    n = place.item.numbers[0]
    start = place.earlier[-n]
    where = f"item {place.item.position} '{place.item.text}'"
    if start.shape != place.shape:
        raise ValueError(f"{where}: a residual adds the block's input {start.shape} to its output {place.shape}; "
                         "the two must have the same shape")
    t, l, F, X = place.tag, place.layer, place.inp, start.inp
    R = f"R{t}"
    forward = (bind(ADD, "forward", l, 0, R=R, X=X, F=F),)
    backward = (bind(COPY, "backward", l, 0, dF=place.dinp, dR=f"d{R}"),)
    joins = ()
    if not start.first:
        skip = f"d{X}_skip"
        backward += (bind(SKIP, "backward", l, 0, dskip=skip, dR=f"d{R}", X=X),)
        joins = (bind(MEET, "backward", l, 0, dX=f"d{X}", dbranch=start.dinp, dskip=skip, X=X),)
    floats = 3 * math.prod(place.shape)  # R, and the two copies of its gradient
    return Built(R, place.shape, (), forward, backward, floats, joins=joins, back=n)
