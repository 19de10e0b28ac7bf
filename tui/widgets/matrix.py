"""A matrix drawn as lines of styled text: its name and shape, numbers aligned and coloured by sign and size."""

from __future__ import annotations

import numpy as np

from engine.checks import shape_text

POSITIVE, NEGATIVE = "#6cb6ff", "#ff7b72"


def corners(a: np.ndarray, max_rows: int, max_cols: int) -> tuple[np.ndarray, list[int | None], list[int | None]]:
    """The first and last rows and columns that fit, and which source indices they are (None marks the gap).

    Only the displayed corners are touched, so the cost does not grow with the array.
    """
    rows, cols = a.shape
    row_ids = _keep(rows, max_rows)
    col_ids = _keep(cols, max_cols)
    r = [i for i in row_ids if i is not None]
    c = [j for j in col_ids if j is not None]
    if len(r) == rows and len(c) == cols:
        return a, row_ids, col_ids
    return a[np.ix_(r, c)], row_ids, col_ids


def grid(shape: tuple[int, ...]) -> tuple[int, int]:
    """The rows and columns an array of that shape is drawn as: a scalar as 1 × 1, a vector as one row."""
    return (1, 1) if not shape else (1, shape[0]) if len(shape) == 1 else (shape[0], shape[1])


def shown(n: int, limit: int) -> int:
    """How many of n rows (or columns) show when at most `limit` may, as _keep picks them."""
    return n if n <= limit + 1 else max(limit, 2)


def _keep(n: int, limit: int) -> list[int | None]:
    """Indices to show of n, at most limit and the gap between them; the first and the last always show."""
    if n <= limit + 1:  # one hidden would leave a gap in its place: show it instead
        return list(range(n))
    limit = max(limit, 2)
    head = (limit + 1) // 2
    tail = limit - head
    return list(range(head)) + [None] + list(range(n - tail, n))


Span = tuple[str, str]  # text, and its style: "bold #6cb6ff", "$primary", or "" for none
Line = list[Span]


def line_width(line: Line) -> int:
    """Cells a line takes: every character drawn here, digits and box-drawing alike, is one cell wide."""
    return sum(len(text) for text, _ in line)


def matrix_box(name: str, value: np.ndarray, precision: int, max_rows: int, max_cols: int, width: int,
               border: str, mark: tuple[int | None, int | None] | None = None) -> list[Line]:
    """The matrix in a rounded box titled "name (shape)", with as many columns as fit in width.

    An array of three or more axes shows its first matrix, titled as such: "emb1[0] of (32, 3, 10)".
    """
    title = f" {name} {shape_text(value.shape)} "
    if np.ndim(value) > 2:
        first = (0,) * (np.ndim(value) - 2)
        title = f" {name}[{', '.join(map(str, first))}] of {shape_text(value.shape)} "
        value = value[first]
    cols = max_cols
    while True:
        body, body_width = render_matrix(value, precision, max_rows, cols, mark)
        inner = max(body_width, len(title) + 2)
        if inner + 4 <= width or cols <= 2:
            break
        cols -= 2
    top = [("╭─", border), (title, "bold"), ("─" * (inner + 1 - len(title)) + "╮", border)]
    left, right = ("│ ", border), (" " * (inner - body_width) + " │", border)
    rows = [[left, *line, right] for line in body]
    bottom = [("╰" + "─" * (inner + 2) + "╯", border)]
    return [top, *rows, bottom]


def render_matrix(value: np.ndarray, precision: int, max_rows: int, max_cols: int,
                  mark: tuple[int | None, int | None] | None = None) -> tuple[list[Line], int]:
    """One Line a displayed row, and the width they share; `mark` (a row, a column, or both: one entry) reversed."""
    a = np.asarray(value)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1:
        a = a.reshape(1, -1)
    shown, row_ids, col_ids = corners(a, max_rows, max_cols)
    integral = bool(np.all(shown == np.round(shown)))
    digits = 0 if integral else precision
    values = shown.tolist()
    cells = [[_number(v, digits) for v in row] for row in values]
    width = max((len(c) for row in cells for c in row), default=1)
    scale = float(np.abs(shown).max()) if shown.size else 0.0
    gap = "…".rjust(width)
    lines: list[Line] = []
    r = 0
    for i in row_ids:
        if i is None:
            lines.append([(" ".join(("⋮" if j is not None else " ").rjust(width) for j in col_ids), "dim")])
            continue
        parts: Line = []
        c = 0
        for j in col_ids:
            # The space before a number goes with it: a space shows only its background, so one span does for both.
            if j is None:
                parts.append(((" " if parts else "") + gap, "dim"))
                continue
            style = _style(values[r][c], scale)
            if mark is not None and mark[0] in (None, i) and mark[1] in (None, j):
                style += " reverse"
            parts.append(((" " if parts else "") + cells[r][c].rjust(width), style))
            c += 1
        lines.append(parts)
        r += 1
    return lines, len(col_ids) * width + len(col_ids) - 1


def _number(v: float, digits: int) -> str:
    """v to `digits` places, without the "-0" of a small negative number that rounds to zero; a million or more
    in powers of ten (attention's masked score, −10⁹, is "-1.000e+09"), so that its column still fits a card."""
    text = f"{v:.{digits}e}" if abs(v) >= 1e6 else f"{v:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _style(v: float, scale: float) -> str:
    if v == 0 or scale == 0:
        return "dim"
    size = abs(v) / scale
    colour = POSITIVE if v > 0 else NEGATIVE
    if size >= 0.75:
        return f"bold {colour}"
    if size < 0.25:
        return f"{colour} dim"
    return colour
