"""GradientSparkline: ‖dh_t‖ at every time step as a row of block characters, on a log scale, t = 0 on the left."""

from __future__ import annotations

import math

from textual.content import Content
from textual.widgets import Static

BLOCKS = "▁▂▃▄▅▆▇█"


def bars(norms: tuple[float, ...] | list[float]) -> str:
    """One block per time step, its height the norm's place between the smallest and the largest on a log scale:
    a gradient that vanishes over 15 steps falls by orders of magnitude, which a linear scale would flatten."""
    if not norms:
        return ""
    logs = [math.log10(n) if n > 0 else None for n in norms]
    known = [v for v in logs if v is not None]
    if not known:
        return BLOCKS[0] * len(norms)
    low, high = min(known), max(known)
    span = high - low
    top = len(BLOCKS) - 1
    return "".join(" " if v is None else BLOCKS[top if span == 0 else round((v - low) / span * top)] for v in logs)


def caption(norms: tuple[float, ...] | list[float]) -> str:
    """"t 0→15  min 2.1e-03  max 1.0e+00": what the row of blocks spans."""
    if not norms:
        return "no time steps"
    return f"t 0→{len(norms) - 1}  min {min(norms):.1e}  max {max(norms):.1e}  log scale"


class GradientSparkline(Static):
    """‖dh_t‖ per time step, from engine.through_time.gradient_norms; blank for a network without time steps."""

    def show(self, norms: tuple[float, ...] | list[float]) -> None:
        if not norms:
            self.update("")
            return
        self.update(Content.assemble(("‖dh_t‖ ", "bold"), bars(norms), "  ", (caption(norms), "dim")))
