"""Attention's heatmap: each head's T×T matrix (P, or dP in backward) as coloured cells, queries down, keys across."""

from __future__ import annotations

import numpy as np

from tui.widgets.matrix import NEGATIVE, POSITIVE, Line, line_width

BACKGROUND = (13, 17, 23)  # the cell of a 0, close to the dark themes' background
EMPTY = "·"  # a weight of exactly 0: a key the causal mask hid
GAP = "  "  # between two heads side by side


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5))


def _blend(colour: str, amount: float) -> str:
    """The colour at `amount` (0..1) of the way from the background to `colour`."""
    target = _rgb(colour)
    r, g, b = (round(bg + (c - bg) * amount) for bg, c in zip(BACKGROUND, target))
    return f"#{r:02x}{g:02x}{b:02x}"


def _cell(v: float, scale: float) -> tuple[str, str]:
    """Two cells of colour, a weight's sign and size; the numbers are in the matrix boxes beside."""
    amount = min(1.0, abs(v) / scale) if scale > 0 else 0.0
    colour = _blend(POSITIVE if v >= 0 else NEGATIVE, amount)
    if v == 0:
        return f"{EMPTY} ", f"#6e7681 on {colour}"
    return "  ", f"#c9d1d9 on {colour}"


def head_lines(name: str, value: np.ndarray, example: int, head: int, scale: float) -> list[Line]:
    """One head's T×T matrix of one example: a title line, then a row of cells for each query."""
    matrix = value[example, head]
    cells = [[_cell(float(v), scale) for v in row] for row in matrix.tolist()]
    title = f"{name}[{example}, {head}] head {head + 1}"
    width = max(len(title), sum(len(t) for t, _ in cells[0]) if cells else 0)
    rows = [[(title.ljust(width), "bold")]]
    for row in cells:
        used = sum(len(t) for t, _ in row)
        rows.append([*row, (" " * (width - used), "")])
    return rows


def heatmap_lines(name: str, value: np.ndarray, example: int = 0, width: int = 80) -> list[Line]:
    """Every head of one example, side by side as many as fit in `width`, the rest below. `value` is
    (m, heads, T, T); the colours share one scale, the largest |value| of the example, so heads compare."""
    if value.ndim != 4 or value.shape[-1] != value.shape[-2]:
        raise ValueError(f"a heatmap shows (m, heads, T, T) arrays; {name} is {value.shape}")
    if not 0 <= example < value.shape[0]:
        raise ValueError(f"example {example} is not in {name}, which holds {value.shape[0]}")
    scale = float(np.abs(value[example]).max())
    heads = [head_lines(name, value, example, h, scale) for h in range(value.shape[1])]
    lines: list[Line] = [[(f"{name}: queries down, keys across; example {example + 1} of {value.shape[0]}", "dim")]]
    group: list[list[Line]] = []
    for h in heads:
        fits = sum(line_width(g[0]) for g in group) + len(GAP) * len(group) + line_width(h[0]) <= width
        if group and not fits:
            lines += _side_by_side(group)
            group = []
        group.append(h)
    return lines + _side_by_side(group)


def _side_by_side(group: list[list[Line]]) -> list[Line]:
    out = []
    for k in range(max(len(g) for g in group)):
        line: Line = []
        for i, g in enumerate(group):
            if i:
                line.append((GAP, ""))
            line += g[k] if k < len(g) else [(" " * line_width(g[0]), "")]
        out.append(line)
    return out

