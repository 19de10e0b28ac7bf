"""ScriptCard: one recorded line of a learner's script, or the line that failed with the doctor's diagnosis."""

from __future__ import annotations

import textwrap

import numpy as np
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from engine.checks import shape_text
from engine.script import ScriptEvent
from tui.widgets.event_card import EventCard, fit
from tui.widgets.matrix import Line, grid, matrix_box
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


class ScriptCard(EventCard, ScrollView):
    """One recorded line: where it ran, its code, its shape rule, the engine's line beside it, and its arrays.

    On the failing line: the doctor's culprit, both shapes, the reason in words and the fixes that run. Taller than
    its place, it scrolls (the wheel, or pgup and pgdn).
    """

    can_focus = False

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
        results = sum(border == "$success" for _, _, border in boxes)

        def box(i: int, rows: int, cols: int) -> list[Line]:
            label, value, border = boxes[i]
            return matrix_box(label, value, precision, rows, cols, width, border)

        # The boxes as the stepping view's card fits them; below a header taller than the card, in a card's height
        # less two lines, for the card scrolls.
        room = max(height - len(header), height - 2)
        body, _ = fit(box, [grid(value.shape) for _, value, _ in boxes], results, room, width, max_rows, max_cols)
        return header + body

    def show(self, event: ScriptEvent, total: int, precision: int) -> None:
        super().show(event, total, precision)
        self.scroll_to(y=0, animate=False)  # another line starts at its top

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y + self.scroll_offset.y)
        if self.virtual_size.height != len(self._strips):  # the lines are made: as many as scroll
            self.virtual_size = Size(self.size.width, len(self._strips))
        return strip
