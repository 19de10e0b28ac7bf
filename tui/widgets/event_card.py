"""EventCard: the current event's formula, chain-rule term, shape rule, operands and result."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from engine import Event
from tui.widgets.matrix import matrix_box
from tui.widgets.shape_rule import rule_content

GAP = " "


class EventCard(Widget):
    """Everything one event says, drawn as one piece of content.

    Its size is fixed by the layout, so showing another event repaints it without a layout pass.
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._event: Event | None = None
        self._view = (0, 3, 6, 6)

    def show(self, event: Event, total: int, precision: int, max_rows: int, max_cols: int) -> None:
        self._event = event
        self._view = (total, precision, max_rows, max_cols)
        self.refresh()

    def render(self) -> Content:
        event = self._event
        if event is None:
            return Content("")
        total, precision, max_rows, max_cols = self._view
        width, height = max(self.size.width, 24), max(self.size.height, 12)
        header = [
            Content.assemble((event.phase, "bold $accent"),
                             f"  layer {event.layer}  ·  event {event.index + 1} of {total}"),
            Content(""),
            Content.styled(event.formula, "bold"),
            Content.assemble((event.term, "$text-accent"), *note(event, width)),
            rule_content(event),
            Content(""),
        ]
        # Operands share the width when they can; rows shrink until the card fits its height.
        n = len(event.arrays)
        share = (width - len(GAP) * (n - 1)) // max(n, 1)
        share = share if share >= 24 else width
        while True:
            operands = [matrix_box(label, array, precision, max_rows, max_cols, share, "$primary")
                        for (label, _), array in zip(event.operands, event.arrays)]
            result = matrix_box(event.name, event.value, precision, max_rows, max_cols, width, "$success")
            lines = header + flow(operands, width) + result
            if len(lines) <= height or max_rows <= 2:
                return Content("\n").join(lines)
            max_rows -= 2


def note(event: Event, width: int) -> tuple:
    """The words beside the term ("b1 broadcast down the m rows"), when they fit on its line."""
    text = f"   {event.note}" if event.note else ""
    return ((text, "$text-muted"),) if text and len(event.term) + len(text) <= width else ()


def flow(boxes: list[list[Content]], width: int) -> list[Content]:
    """Boxes side by side, starting a new band of them wherever the next would pass the width."""
    bands: list[list[list[Content]]] = [[]]
    used = 0
    for box in boxes:
        w = box[0].cell_length
        if bands[-1] and used + len(GAP) + w > width:
            bands.append([])
            used = 0
        used += (len(GAP) if bands[-1] else 0) + w
        bands[-1].append(box)
    lines: list[Content] = []
    for band in bands:
        height = max((len(b) for b in band), default=0)
        for row in range(height):
            parts = []
            for b in band:
                parts.append(b[row] if row < len(b) else Content(" " * b[0].cell_length))
            lines.append(Content(GAP).join(parts))
    return lines
