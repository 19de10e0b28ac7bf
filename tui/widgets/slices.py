"""An array of images, 4-D, drawn as a row of 2-D slices: one example, each channel a box titled with its index."""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from textual.binding import Binding
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from engine.checks import shape_text
from tui.widgets.matrix import Line, line_width, render_matrix

GAP = " "
MORE = "…"


def slice_index(ndim: int, example: int, channel: int, channels_last: bool) -> tuple:
    """The index of one 2-D slice: [0, 2] for (m, C, H, W), [0, :, :, 2] with the channels last."""
    if channels_last:
        return (example, *(slice(None),) * (ndim - 2), channel)
    return (example, channel)


def _index_text(index: tuple) -> str:
    return ", ".join(":" if isinstance(i, slice) else str(i) for i in index)


def slice_boxes(name: str, value: np.ndarray, precision: int, max_rows: int, max_cols: int, width: int,
                border: str, example: int = 0, channels_last: bool = False) -> list[Line]:
    """A heading naming the array, its shape and the example shown, then a row of boxes, one per channel, titled
    name[example, channel], with … for the channels that do not fit. No line is wider than `width`: columns are
    dropped from each box first, then channels."""
    a = np.asarray(value)
    if a.ndim < 3:
        raise ValueError(f"slices show an array of three or more axes; {name} has shape {shape_text(a.shape)}")
    m = a.shape[0]
    example = min(max(example, 0), m - 1)
    channels = a.shape[-1] if channels_last else a.shape[1]
    heading: Line = [(f"{name} {shape_text(a.shape)}", "bold"), (f"  example {example} of {m}", "$text-muted")]
    if m > 1:
        heading.append(("  , . another example", "$text-muted"))
    lines = [heading if line_width(heading) <= width else heading[:2] if line_width(heading[:2]) <= width
             else [(f"{name} {shape_text(a.shape)}"[:width], "bold")]]
    row: list[list[Line]] = []
    for cols in sorted({max_cols, 4, 2, 1}, reverse=True):  # all channels if any width allows, else the most
        boxes = _fit(a, name, precision, max_rows, cols, width, border, example, channels, channels_last)
        if len(boxes) > len(row):
            row = boxes
        if len(row) == channels:
            break
    if not row:  # not even one box fits: the heading says what is there
        return lines
    shown = len(row)
    height = max(len(b) for b in row)
    for r in range(height):
        line: Line = []
        for b in row:
            spans = b[r] if r < len(b) else [(" " * line_width(b[0]), "")]
            if line:
                (text, style), *rest = spans
                spans = [(GAP + text, style), *rest]
            line.extend(spans)
        if shown < channels:
            line.append((GAP + (MORE if r == height // 2 else " "), "dim"))
        lines.append(line)
    return lines


def _fit(a, name, precision, max_rows, cols, width, border, example, channels, channels_last) -> list[list[Line]]:
    """The boxes of as many channels as fit beside each other in width, leaving room for … when some are left."""
    row, used = [], 0
    for channel in range(channels):
        index = slice_index(a.ndim, example, channel, channels_last)
        box = box_of(f"{name}[{_index_text(index)}]", _two_d(a[index]), precision, max_rows, cols, border)
        more = 0 if channel == channels - 1 else len(GAP) + len(MORE)
        if used + (len(GAP) if row else 0) + line_width(box[0]) + more > width:
            break
        used += (len(GAP) if row else 0) + line_width(box[0])
        row.append(box)
    return row


def box_of(title: str, value: np.ndarray, precision: int, max_rows: int, max_cols: int, border: str) -> list[Line]:
    """A slice in a rounded box titled with its index alone; the heading above gives the shapes."""
    body, body_width = render_matrix(value, precision, max_rows, max_cols)
    title = f" {title} "
    inner = max(body_width, len(title) + 2)
    top = [("╭─", border), (title, "bold"), ("─" * (inner + 1 - len(title)) + "╮", border)]
    left, right = ("│ ", border), (" " * (inner - body_width) + " │", border)
    return [top, *([left, *line, right] for line in body), [("╰" + "─" * (inner + 2) + "╯", border)]]


def _two_d(a: np.ndarray) -> np.ndarray:
    """A slice of more than two axes (an array of five or more) folded into rows of its last axis."""
    return a if a.ndim <= 2 else a.reshape(-1, a.shape[-1])


class Slices(Widget, can_focus=True):
    """One 4-D array as a row of 2-D slices; `,` and `.` choose the example shown."""

    BINDINGS = [Binding("comma", "example(-1)", "previous example"), Binding("full_stop", "example(1)", "next example")]

    example: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._array: tuple[str, np.ndarray, bool] | None = None
        self._precision = 3
        self._lines: list[Line] | None = None

    def show(self, name: str, value: np.ndarray, precision: int = 3, channels_last: bool = False) -> None:
        self._array = (name, value, channels_last)
        self._precision = precision
        self.example = 0
        self._lines = None
        self.refresh()

    def action_example(self, by: int) -> None:
        if self._array is not None:
            self.example = min(max(self.example + by, 0), self._array[1].shape[0] - 1)

    def watch_example(self) -> None:
        self._lines = None
        self.refresh()

    def lines(self) -> list[Line]:
        if self._array is None:
            return []
        name, value, channels_last = self._array
        width, height = max(self.size.width, 12), max(self.size.height, 4)
        rows = max(1, min(8, height - 3))  # the heading and a box's two borders
        return slice_boxes(name, value, self._precision, rows, 6, width, "$primary", self.example, channels_last)

    def render_line(self, y: int) -> Strip:
        if self._lines is None:
            self._lines = self.lines()
        width = self.size.width
        if y >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        segments = [Segment(text, self.rich_style + self._style(style)) for text, style in self._lines[y]]
        return Strip(segments).adjust_cell_length(width, self.rich_style)

    def _style(self, style: str):
        return (self.visual_style + self._get_style(style)).rich_style if style else self.rich_style

    def on_resize(self) -> None:
        self._lines = None
