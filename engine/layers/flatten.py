"""flatten: each example's array becomes one row of features, (m, T, D) into (m, T·D); backward reshapes back."""

from __future__ import annotations

import math

import numpy as np

from engine.events import Op, bind
from engine.layers import Built, Place

SHORT = "flat"  # in the status line
ARGS = ()
PREFIX = "flat"
STARTS_LAYER = False


def build(place: Place) -> Built:
    if len(place.shape) < 2:
        raise ValueError(f"item {place.item.position} 'flatten': flatten turns examples of two or more axes into one "
                         f"row of features, and these already have one axis, {place.shape}")
    if place.layout != "rows":
        raise ValueError(f"item {place.item.position} 'flatten': flatten is written in the rows layout; choose layout "
                         "rows")
    A, F, l = place.inp, f"flat{place.tag}", place.layer
    shape = place.shape
    sizes = ", ".join(str(n) for n in shape)
    forward = Op("{F} = {A}.reshape(m, -1)", f"each example's {shape} laid out as one row of {math.prod(shape)}",
                 lambda c, A: A.reshape(A.shape[0], -1))
    backward = Op(f"{{dA}} = {{dF}}.reshape(m, {sizes})", "", lambda c, dF: dF.reshape(dF.shape[0], *shape))
    back = () if place.first else (bind(backward, "backward", l, 0, dA=f"d{A}", dF=f"d{F}"),)
    return Built(F, (math.prod(shape),), (), (bind(forward, "forward", l, 0, F=F, A=A),), back,
                 2 * math.prod(shape))
