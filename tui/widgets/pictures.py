"""Pictures on the event card: ‖dh_t‖ through time above a backward-through-time event, and attention's heatmap of
each head beside the matrices of P and dP. Imported only when a step has time steps or attention to show."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from textual.content import Content

from engine import Event
from engine.through_time import gradient_norms
from tui.widgets.heatmap import heatmap_lines
from tui.widgets.matrix import Line, line_width
from tui.widgets.sparkline import BLOCKS, bars, caption



_NORMS: list = [None, {}]  # the step's events and their norms through time: made once a step, read at every key
NARROW = "t 0→{last}  t 0: {kept:.0e} of max"  # the caption where the card is too narrow for caption()


def for_event(event: Event, events: list[Event], pictures: tuple[str, ...], example: Callable[[], int]) -> dict:
    """The card's show() arguments that draw this event's pictures: lines above, a box beside, each for a width;
    the heatmap of the example the card's slices show, as `example()` says when it is drawn."""
    found = {}
    if event.phase == "backward" and event.time is not None:
        if _NORMS[0] is not events:
            _NORMS[:] = [events, {of: gradient_norms(events, of) for of in ("dh", "dc")}]
        norms = _NORMS[1]
        found["above"] = lambda width: through_time(event, norms["dh"], width, norms["dc"])
    if event.name in pictures and np.ndim(event.value) == 4:
        found["beside"] = lambda width: heatmap_box(event.name, event.value, width, example())
    return found


def through_time(event: Event, norms: tuple[float, ...], width: int, cell: tuple[float, ...] = ()) -> list[Content]:
    """Above a backward event of a time step: one block per step's ‖dh_t‖, the event's own step underlined, so that
    the gradient is seen vanishing (or not) on its way back to t = 0; for an LSTM, its cell's ‖dc_t‖ below."""
    if event.phase != "backward" or event.time is None or not norms:
        return []
    return [_line(label, values, event.time, width) for label, values in (("‖dh_t‖ ", norms), ("‖dc_t‖ ", cell))
            if values]


def _line(label: str, norms: tuple[float, ...], t: int, width: int) -> Content:
    blocks = bars(norms)
    parts: list = [(label, "bold"), blocks[:t], (blocks[t:t + 1] or BLOCKS[0], "bold underline $accent"),
                   blocks[t + 1:]]
    top = max(norms)
    for words in (caption(norms), NARROW.format(last=len(norms) - 1, kept=norms[0] / top if top else 0.0)):
        if len(label) + len(blocks) + 2 + len(words) <= width:  # the caption follows the blocks on their line
            parts += ["  ", (words, "dim")]
            break
    return Content.assemble(*parts)


def heatmap_box(name: str, value: np.ndarray, width: int, example: int = 0) -> list[Line]:
    """Each head of one example as a T×T heatmap, every line as wide as the widest, so that it flows beside
    the matrices as their boxes do; its first line names it, the example by its index as the boxes' titles do."""
    example = min(example, value.shape[0] - 1)
    lines = heatmap_lines(name, value, example, width)
    widest = max(line_width(line) for line in lines)
    return [line + [(" " * (widest - line_width(line)), "")] for line in lines]


def with_picture(box: Callable[[int, int, int], list[Line]], shapes: list[tuple[int, int]],
                 picture: list[Line] | None) -> tuple[Callable[[int, int, int], list[Line]], list[tuple[int, int]]]:
    """The card's boxes with a picture placed before the result: it draws the same at every size and counts as no
    number shown; the matrices take the room it leaves."""
    if not picture:
        return box, shapes
    at = len(shapes) - 1

    def boxed(i: int, rows: int, cols: int) -> list[Line]:
        if i == at:
            return picture
        return box(i - (i > at), rows, cols)

    return boxed, [*shapes[:at], (0, 0), shapes[at]]
