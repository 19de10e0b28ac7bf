"""ScriptCard: one recorded line of a learner's script, or the line that failed with the doctor's diagnosis."""

from __future__ import annotations

import textwrap

import numpy as np
from textual.content import Content

from engine.checks import shape_text
from engine.script import ScriptEvent
from tui.widgets.event_card import EventCard, flow
from tui.widgets.matrix import Line, matrix_box
from tui.widgets.shape_rule import rule_content


def _wrap(text: str, width: int, style: str = "") -> list[Content]:
    return [Content.styled(line, style) for line in textwrap.wrap(text, max(width, 20))] or [Content("")]


def _displayable(value: np.ndarray) -> np.ndarray | None:
    if value.dtype.kind not in "biuf":
        return None
    value = np.asarray(value, dtype=np.float64)
    return value.reshape(-1, value.shape[-1]) if value.ndim > 2 else value


CELL_LINES = 5  # of a notebook cell's source shown around the line


def _cell_source(event: ScriptEvent) -> list[Content]:
    """A notebook line's cell: a few lines around it, the line marked, as the notebook shows it."""
    cell = event.cell
    if cell is None:
        return []
    at = event.line - cell.start
    first = max(0, min(at - CELL_LINES // 2, len(cell.lines) - CELL_LINES))
    shown = [Content.styled(f"cell {cell.number}", "$text-muted")]
    for k in range(first, min(first + CELL_LINES, len(cell.lines))):
        mark, style = ("→", "bold") if k == at else (" ", "$text-muted")
        shown.append(Content.styled(f"{mark}{k + 1:>3}  {cell.lines[k]}", style))
    return shown


class ScriptCard(EventCard):
    """One recorded line: where it ran, its code, its shape rule, the engine's line beside it, and its arrays.

    On the failing line: the doctor's culprit, both shapes, the reason in words and the fixes that run.
    """

    def lines(self) -> list[Content | Line]:
        event: ScriptEvent | None = self._event
        total, precision = self._view
        width, height = max(self.size.width, 24), max(self.size.height, 6)
        max_cols = 12 if width >= 120 else 6  # as the stepping view's card: more of each matrix on a large card
        max_rows = 12 if height >= 36 else 6
        if event is None:
            return [Content("No line of the script made an array, so there is nothing to step through.")]
        where = Content.assemble((event.phase, "bold $accent"), f"  ·  {event.place}",
                                 f"  ·  run {event.run} of {event.runs}" if event.runs > 1 else "",
                                 f"  ·  {event.index + 1} of {total}")
        header = [where, *_cell_source(event), Content(""), Content.styled(event.formula, "bold")]
        if event.failing:
            d = event.diagnosis
            rule = (Content(event.rule.format(*(str(a.shape) for a in event.arrays)) + " → ")
                    if event.rule else Content(""))
            header.append(Content.assemble(rule, ("✗ fails", "bold $text-error")))
            header.append(Content(""))
            header.append(Content.assemble(("culprit: ", "bold"), (d.culprit, "bold reverse")))
            if d.shapes:
                header.append(Content("shapes:  " + ", ".join(f"{t} is {shape_text(s)}" for t, s in d.shapes)))
            header += _wrap(d.error, width, "$text-error")
            header += _wrap(d.explanation, width)
            if d.suggestions:
                header += _wrap("fixes that run: " + "  ·  ".join(d.labelled), width, "$text-success")
        else:
            header.append(rule_content(event) if event.rule else Content.styled(f"→ {shape_text(event.shape)}",
                                                                                 "bold"))
        if event.twin is not None:
            header += _wrap(event.twin_sentence, width, "$text-accent")
        header.append(Content(""))
        boxes = []
        for (label, _), array, kept in zip(event.operands, event.arrays, event.kept):
            shown = _displayable(array) if kept else None
            if shown is not None:
                boxes.append((label, shown, "$primary"))
        if not event.failing:
            shown = _displayable(event.value) if event.recorded else None
            if shown is not None:
                boxes.append((event.name, shown, "$success"))
            elif not event.recorded:
                why = ("has more than 10,000 numbers" if np.dtype(event.dtype).kind in "biufc" else
                       f"holds {np.dtype(event.dtype).name} values, not numbers")
                header.append(Content.styled(f"{event.name} {why}: only its shape was recorded", "$text-muted"))
        operands = [b for b in boxes if b[2] == "$primary"]
        results = [b for b in boxes if b[2] == "$success"]
        n = max(len(operands), 1)
        equal = max((width - (n - 1)) // n, 12)
        body: list[Line] = []
        # Fewer rows of each matrix, then narrower operands, until the card fits its height (as the event card does).
        for rows in sorted({max_rows, 4, 3, 2, 1} & set(range(1, max_rows + 1)), reverse=True):
            for share in (equal if equal >= 24 else width, equal):
                body = flow([matrix_box(label, value, precision, rows, max_cols, share, border)
                             for label, value, border in operands], width)
                body += [line for label, value, border in results
                         for line in matrix_box(label, value, precision, rows, max_cols, width, border)]
                if len(header) + len(body) <= height:
                    return header + body
        return header + body
