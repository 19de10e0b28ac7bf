"""dropout P: inverted dropout. Each unit is kept with probability 1 − P and scaled by 1/(1 − P), so the expected
output equals the input; backward lets through only what was kept, with the same scale.

The mask is drawn before the step from (seed, step count, layer) alone, so loss() and gradients() called before a
step see that step's mask, and a gradient check holds.
"""

from __future__ import annotations

import numpy as np

from engine.events import Op, bind
from engine.layers import Arg, Built, Draw, Place, fraction
from engine.layouts import LAYOUTS

SHORT = "drop {0:g}"  # in the status line
ARGS = (Arg("the share of units dropped", float, "dropout 0.5", fraction),)
PREFIX = "D"
NAMES = (PREFIX, "mask")
STARTS_LAYER = False


def build(place: Place) -> Built:
    P = place.item.numbers[0]
    lay, t, l = LAYOUTS[place.layout], place.tag, place.layer
    A, D, mask = place.inp, f"D{t}", f"mask{t}"
    keep = f"(1 - {P!r})"
    forward = Op(f"{{D}} = {{A}} * {{mask}} / {keep}", f"{{mask}} keeps each unit with probability 1 − {P!r}",
                 lambda c, A, mask: A * mask / (1.0 - P))
    backward = Op(f"{{dA}} = {{dD}} * {{mask}} / {keep}", "only the kept units pass the gradient back, scaled alike",
                  lambda c, dD, mask: dD * mask / (1.0 - P),
                  (("backward without the mask", f"{{dA}} = {{dD}} / {keep}",
                    "A dropped unit added nothing to the output, so no gradient may flow back through it."),
                   ("backward without the scale", "{dA} = {dD} * {mask}",
                    f"The forward pass divided by {keep}; its derivative divides the gradient by the same.")))
    shape = place.shape
    number = place.item.position

    rows = place.layout == "rows"

    def draw(seed: int, step: int, m: int) -> np.ndarray:
        full = (m, *shape) if rows else (*shape, m)
        return (np.random.default_rng([seed, step, number]).random(full) >= P).astype(np.float64)

    full = ", ".join(["m", *map(str, shape)] if rows else [*map(str, shape), "m"])
    code = (f"{mask} = (np.random.default_rng([SEED, step, {number}]).random(({full})) >= {P!r}).astype(np.float64)"
            f"  # keeps each unit with probability 1 - {P!r}")

    back = () if place.first else (bind(backward, "backward", l, lay.example_axis, dA=f"d{A}", dD=f"d{D}", mask=mask),)
    return Built(D, shape, (), (bind(forward, "forward", l, lay.example_axis, D=D, A=A, mask=mask),), back,
                 4 * int(np.prod(shape)), draws=(Draw(mask, draw, code),))  # mask, D, its gradient, a temporary
