"""‖dh_t‖ at every time step as a row of block characters, on a log scale, t = 0 on the left."""

from __future__ import annotations

import math

BLOCKS = "▁▂▃▄▅▆▇█"
DECADES = 3  # the scale runs from the largest norm down to a thousandth of it; anything smaller is the lowest block


def bars(norms: tuple[float, ...] | list[float]) -> str:
    """One block per time step, its height the norm's place on a log scale fixed below the largest: a gradient that
    vanishes over 15 steps falls by orders of magnitude, which a linear scale would flatten, and a scale stretched
    from the smallest to the largest would draw a gradient that falls tenfold like one that falls a thousandfold."""
    if not norms:
        return ""
    top = max(norms)
    if top <= 0:
        return BLOCKS[0] * len(norms)
    last = len(BLOCKS) - 1
    return "".join(" " if n <= 0 else BLOCKS[round(max(0.0, 1 + math.log10(n / top) / DECADES) * last)]
                   for n in norms)


def caption(norms: tuple[float, ...] | list[float]) -> str:
    """"t 0→15  t 0 has 1.2e-03 of the largest  log scale": what the row of blocks spans, and how much of the
    gradient reached the first step."""
    if not norms:
        return "no time steps"
    top = max(norms)
    kept = f"  t 0 has {norms[0] / top:.1e} of the largest" if top > 0 else ""
    return f"t 0→{len(norms) - 1}{kept}  log scale"
