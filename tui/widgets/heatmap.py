"""Attention's heatmap: each head's T×T matrix (P, or dP in backward) as coloured cells, queries down, keys across."""

from __future__ import annotations

import numpy as np

from tui.widgets.matrix import NEGATIVE, POSITIVE, Line, line_width

BACKGROUND = (13, 17, 23)  # the cell of a 0, close to the dark themes' background
ZERO = "#6e7681 on #{:02x}{:02x}{:02x}".format(*BACKGROUND)  # a weight of exactly 0, grey on the background
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
    if v == 0:
        return f"{EMPTY} ", ZERO
    return "  ", f"#c9d1d9 on {_blend(POSITIVE if v > 0 else NEGATIVE, abs(v) / scale)}"


def head_lines(name: str, value: np.ndarray, example: int, head: int, scale: float) -> list[Line]:
    """One head's T×T matrix of one example: a title line, then a row of cells for each query, all one width."""
    matrix = value[example, head]
    title = f"{name}[{example}, {head}] head {head + 1}"
    width = max(len(title), 2 * matrix.shape[1])  # a cell is two characters wide
    rows = [[(title.ljust(width), "bold")]]
    for row in matrix.tolist():
        rows.append([*(_cell(float(v), scale) for v in row), (" " * (width - 2 * len(row)), "")])
    return rows


def heatmap_lines(name: str, value: np.ndarray, example: int, width: int) -> list[Line]:
    """Every head of one example, side by side as many as fit in `width`, the rest below. `value` is
    (m, heads, T, T); the colours share one scale, the largest |value| of the example, so heads compare."""
    if value.ndim != 4 or value.shape[2] != value.shape[3]:
        raise ValueError(f"a heatmap shows (m, heads, T, T) arrays; {name} is {value.shape}")
    if not 0 <= example < value.shape[0]:
        raise ValueError(f"example {example} is not in {name}, which holds {value.shape[0]}")
    scale = float(np.abs(value[example]).max())  # 0 only when every weight is 0, and then no cell divides by it
    heads = [head_lines(name, value, example, h, scale) for h in range(value.shape[1])]
    # The example by its index, as the slices' and matrix boxes' titles give it.
    lines: list[Line] = [[(f"{name} as a heatmap: queries down, keys across; example {example}", "dim")]]
    group: list[list[Line]] = []
    for h in heads:
        if group and sum(line_width(g[0]) for g in group) + len(GAP) * len(group) + line_width(h[0]) > width:
            lines += _side_by_side(group)
            group = []
        group.append(h)
    return lines + _side_by_side(group)


def _side_by_side(group: list[list[Line]]) -> list[Line]:
    """Heads beside each other, a gap between them; every head has a title and T rows."""
    out = []
    for k in range(len(group[0])):
        line: Line = []
        for i, g in enumerate(group):
            if i:
                line.append((GAP, ""))
            line += g[k]
        out.append(line)
    return out
