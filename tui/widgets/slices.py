"""A 4-D array drawn as a row of 2-D slices: one example (or filter), each channel a box titled with its index."""

from __future__ import annotations

import numpy as np

from engine.checks import shape_text
from tui.widgets.matrix import Line, line_width, render_matrix

GAP = " "
MORE = "…"


def slice_index(ndim: int, item: int, channel: int, channels_last: bool, filters: bool) -> tuple:
    """The index of one 2-D slice: [0, 2] for (m, C, H, W), [0, :, :, 2] with the channels last; a convolution's
    filters (F, C, K, K) as [f, c], or (K, K, C, F) as [:, :, c, f], as deeplearning.ai indexes W[:, :, :, c]."""
    if filters and channels_last:
        return (*(slice(None),) * (ndim - 2), channel, item)
    if channels_last:
        return (item, *(slice(None),) * (ndim - 2), channel)
    return (item, channel)


def counts(shape: tuple, channels_last: bool, filters: bool) -> tuple[int, int]:
    """How many items (examples, or filters) and channels an array of images or of filters holds."""
    if filters and channels_last:
        return shape[-1], shape[-2]
    return shape[0], shape[-1] if channels_last else shape[1]


def slice_shape(shape: tuple, channels_last: bool, filters: bool) -> tuple[int, int]:
    """The rows and columns of one slice: (H, W) of an image, (K, K) of a filter, in either layout."""
    if filters and channels_last:
        return shape[0], shape[1]
    return (shape[-3], shape[-2]) if channels_last else (shape[-2], shape[-1])


def _index_text(index: tuple) -> str:
    return ", ".join(":" if isinstance(i, slice) else str(i) for i in index)


def slice_boxes(name: str, value: np.ndarray, precision: int, max_rows: int, max_cols: int, width: int,
                border: str, example: int = 0, channels_last: bool = False, filters: bool = False) -> list[Line]:
    """A heading naming the array, its shape and the example shown (or the filter, for a convolution's weights and
    their gradient), then a row of boxes, one per channel, titled name[example, channel], with … for the channels
    that do not fit. No line is wider than `width`: columns are dropped from each box first, then channels."""
    a = np.asarray(value)
    if a.ndim < 3:
        raise ValueError(f"slices show an array of three or more axes; {name} has shape {shape_text(a.shape)}")
    items, channels = counts(a.shape, channels_last, filters)
    item = min(max(example, 0), items - 1)
    noun = "filter" if filters else "example"
    heading: Line = [(f"{name} {shape_text(a.shape)}", "bold"), (f"  {noun} {item} of {items}", "$text-muted")]
    if items > 1:
        heading.append((f"  , . another {noun}", "$text-muted"))
    lines = [heading if line_width(heading) <= width else heading[:2] if line_width(heading[:2]) <= width
             else [(f"{name} {shape_text(a.shape)}"[:width], "bold")]]
    row: list[list[Line]] = []
    # All channels if any width allows, else the most; a box shows at least two columns (matrix._keep).
    for cols in sorted({c for c in (max_cols, 4, 2) if c <= max_cols}, reverse=True):
        boxes = _fit(a, name, precision, max_rows, cols, width, border, item, channels, channels_last, filters)
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
        for b in row:  # every box is as tall as the others: the channels' slices share a shape
            spans = b[r]
            if line:
                (text, style), *rest = spans
                spans = [(GAP + text, style), *rest]
            line.extend(spans)
        if shown < channels:
            line.append((GAP + (MORE if r == height // 2 else " "), "dim"))
        lines.append(line)
    return lines


def _fit(a, name, precision, max_rows, cols, width, border, item, channels, channels_last,
         filters) -> list[list[Line]]:
    """The boxes of as many channels as fit beside each other in width, leaving room for … when some are left."""
    row, used = [], 0
    for channel in range(channels):
        index = slice_index(a.ndim, item, channel, channels_last, filters)
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
    """A slice as rows of its last axis: one row for a 1-D slice, the rows folded together for one of three or more
    (an array of five or more axes)."""
    return a.reshape(-1, a.shape[-1])

