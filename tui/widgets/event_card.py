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
        self._view = (0, 3)

    def show(self, event: Event, total: int, precision: int) -> None:
        self._event = event
        self._view = (total, precision)
        self.refresh()

    def render(self) -> Content:
        event = self._event
        if event is None:
            return Content("")
        total, precision = self._view
        width, height = max(self.size.width, 24), max(self.size.height, 6)
        # More of each matrix where the card is large; the card's own size, so a resize is followed at once.
        max_cols = 12 if width >= 120 else 6
        max_rows = 12 if height >= 36 else 6
        header = [
            Content.assemble((event.phase, "bold $accent"),
                             f"  layer {event.layer}  ·  event {event.index + 1} of {total}"),
            Content.styled(event.formula, "bold"),
            Content.styled(event.term, "$text-accent"),
            rule_content(event),
        ]
        n = len(event.arrays)
        equal = max((width - len(GAP) * (n - 1)) // max(n, 1), 12)
        shares = (equal if equal >= 24 else width, equal)  # side by side when they fit, narrower when they must
        body: list[Content] = []
        for rows in sorted({max_rows, 4, 3, 2, 1} & set(range(1, max_rows + 1)), reverse=True):
            for share in shares:
                operands = [matrix_box(label, array, precision, rows, max_cols, share, "$primary")
                            for (label, _), array in zip(event.operands, event.arrays)]
                result = matrix_box(event.name, event.value, precision, rows, max_cols, width, "$success")
                body = flow(operands, width) + result
                if len(header) + len(body) <= height:
                    break
            else:
                continue
            break
        if len(header) + len(body) + 2 <= height:  # room to breathe: a blank line after the header's first and last
            header = [header[0], Content(""), *header[1:], Content("")]
        return Content("\n").join(header + body)


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
