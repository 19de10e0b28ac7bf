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
    kinds = {kind for axes in marks.values() for kind in axes.values()}
    for kind in (INNER, BROADCAST):
        if kind in kinds:
            text, style = LEGEND[kind]
            parts.append(("   ", ""))
            parts.append((text, STYLES[style]))
    return Content.assemble(*parts)
