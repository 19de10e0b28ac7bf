"""Shape rule text, e.g. (2, 4) @ (4, 3) + (1, 3) → (2, 3), with the dimensions that must agree marked."""

from __future__ import annotations

from textual.content import Content

from engine import Event
from engine.doctor.rules import BROADCAST, INNER, SLOT

STYLES = {INNER: "bold underline $text-success", BROADCAST: "bold $text-warning"}
LEGEND = {INNER: ("inner dims must match", INNER), BROADCAST: ("1 broadcasts", BROADCAST)}


def shape_content(shape: tuple[int, ...], axes: dict[int, str]) -> Content:
    if not shape:
        return Content("()")
    parts: list = ["("]
    for axis, n in enumerate(shape):
        if axis:
            parts.append(", ")
        parts.append((str(n), STYLES[axes[axis]]) if axis in axes else str(n))
    parts.append(",)" if len(shape) == 1 else ")")
    return Content.assemble(*parts)


def rule_content(event: Event) -> Content:
    """The rule and, after it, the words for its marks, on one line."""
    return Content.assemble(_bare(event), *[part for legend in legends(event) for part in (("   ", ""), legend)])


def _bare(event: Event) -> Content:
    """The rule alone: each operand's shape in its slot, its marked axes styled, and the result's shape."""
    marks = event.marks
    parts: list = []
    rule, at = event.rule, 0
    for match in SLOT.finditer(rule):
        parts.append(rule[at:match.start()])
        i = int(match.group(1))
        parts.append(shape_content(event.arrays[i].shape, marks.get(i, {})))
        parts.append(match.group(2))
        at = match.end()
    parts.append(rule[at:])
    parts.append(" → ")
    parts.append((str(event.shape), "bold"))
    return Content.assemble(*parts)


def legends(event: Event) -> list[tuple[str, str]]:
    """The words for the marks the rule shows ("inner dims must match"), each in its mark's style."""
    kinds = {kind for axes in event.marks.values() for kind in axes.values()}
    return [(LEGEND[kind][0], STYLES[kind]) for kind in (INNER, BROADCAST) if kind in kinds]


def rule_lines(event: Event, width: int) -> tuple[list[Content], list[Content]]:
    """The rule in `width` cells, its words whole: the lines it needs, and the lines of the words that did not fit
    beside it, for where there is room.
    """
    bare = _bare(event)
    if bare.cell_length > width:  # a rule too long for one line wraps between its words
        return bare.wrap(width), _joined(legends(event), width)
    line, rest = bare, []
    for legend in legends(event):
        if not rest and line.cell_length + 3 + len(legend[0]) <= width:
            line = Content.assemble(line, "   ", legend)
        else:
            rest.append(legend)
    return [line], _joined(rest, width)


def _joined(words: list[tuple[str, str]], width: int) -> list[Content]:
    """The words on one line three spaces apart, or one a line when that is too wide; no line when there are none."""
    parts = [part for k, legend in enumerate(words) for part in (("   " if k else ""), legend)]
    line = Content.assemble(*parts)
    return [] if not parts else [line] if line.cell_length <= width else [Content.assemble(w) for w in words]
