"""EventCard: the current event's formula, chain-rule term, shape rule, operands and result."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from engine import Event
from tui.widgets.matrix import Line, line_width, matrix_box
from tui.widgets.shape_rule import rule_content

GAP = " "


class EventCard(Widget):
    """Everything one event says, drawn line by line.

    Its size is fixed by the layout, so showing another event repaints it without a layout pass. The lines are
    made once per event and size, straight from styled text: drawing does not grow with the matrices or the screen.
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._event: Event | None = None
        self._view = (0, 3)
        self._strips: list[Strip] | None = None
        self._drawn_for: tuple = ()
        self._styles: dict[str, RichStyle] = {}

    def show(self, event: Event, total: int, precision: int) -> None:
        self._event = event
        self._view = (total, precision)
        self._strips = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.visual_style
        if self._strips is None or self._drawn_for != (self.size, id(base)):
            if self._drawn_for[1:] != (id(base),):
                self._styles = {}  # the theme or the widget's own style changed
            self._drawn_for = (self.size, id(base))
            self._strips = [self._strip(line, width) for line in self.lines()]
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, base.rich_style)

    def _rich(self, style: str) -> RichStyle:
        """A style as the terminal draws it over the card's own, "$primary" and the like resolved by the theme."""
        rich = self._styles.get(style)
        if rich is None and style == " ":  # the space after a line: the card's background alone
            rich = self._styles[style] = RichStyle.from_color(bgcolor=self.visual_style.rich_style.bgcolor)
        elif rich is None:
            visual = self.visual_style + self._get_style(style) if style else self.visual_style
            rich = self._styles[style] = visual.rich_style
        return rich

    def _strip(self, line: Content | Line, width: int) -> Strip:
        """One line exactly the card's width, as few segments as its styles allow."""
        if isinstance(line, Content):
            segments = [Segment(text, style.rich_style)
                        for text, style in line.render(self.visual_style, end="", parse_style=self._get_style)]
            used = line.cell_length
        else:
            segments = []
            last = None
            for text, style in line:
                if style == last:
                    segments[-1] = Segment(segments[-1].text + text, segments[-1].style)
                else:
                    segments.append(Segment(text, self._rich(style)))
                    last = style
            used = line_width(line)
        if used > width:
            return Strip(segments, used).crop(0, width)
        if used < width:
            segments.append(Segment(" " * (width - used), self._rich(" ")))
        return Strip(segments, width)

    def lines(self) -> list[Content | Line]:
        """The card's lines: the header as rich text, the matrices as lines of styled spans."""
        event = self._event
        if event is None:
            return []
        total, precision = self._view
        width, height = max(self.size.width, 24), max(self.size.height, 6)
        # More of each matrix where the card is large; the card's own size, so a resize is followed at once.
        max_cols = 12 if width >= 120 else 6
        max_rows = 12 if height >= 36 else 6
        header: list[Content | Line] = [
            Content.assemble((event.phase, "bold $accent"),
                             "" if event.phase == "loss" else f"  layer {event.layer}",
                             f"  ·  event {event.index + 1} of {total}"),
            Content.styled(event.formula, "bold"),
            Content.assemble((event.term, "$text-accent"), *note(event, width)),
            rule_content(event),
        ]
        # An update's result has its parameter's name: "W1 new" tells it from the W1 it came from.
        result_name = f"{event.name} new" if any(label == event.name for label, _ in event.operands) else event.name
        n = len(event.arrays)
        equal = max((width - len(GAP) * (n - 1)) // max(n, 1), 12)
        shares = (equal if equal >= 24 else width, equal)  # side by side when they fit, narrower when they must
        body: list[Line] = []
        # Fewer rows only when nothing else fits: first the result beside the operands, then narrower boxes.
        for rows in sorted({max_rows, 4, 3, 2, 1} & set(range(1, max_rows + 1)), reverse=True):
            for share, beside in ((shares[0], False), (shares[0], True), (shares[1], False), (shares[1], True)):
                operands = [matrix_box(label, array, precision, rows, max_cols, share, "$primary")
                            for (label, _), array in zip(event.operands, event.arrays)]
                result = matrix_box(result_name, event.value, precision, rows, max_cols, width, "$success")
                body = flow([*operands, result], width) if beside else flow(operands, width) + result
                if len(header) + len(body) <= height:
                    break
            else:
                continue
            break
        if len(header) + len(body) + 2 <= height:  # room to breathe: a blank line after the header's first and last
            header = [header[0], Content(""), *header[1:], Content("")]
        return header + body


def note(event: Event, width: int) -> tuple:
    """The words beside the term ("b1 broadcast down the m rows"), when they fit on its line."""
    text = f"   {event.note}" if event.note else ""
    return ((text, "$text-muted"),) if text and len(event.term) + len(text) <= width else ()


def flow(boxes: list[list[Line]], width: int) -> list[Line]:
    """Boxes side by side, starting a new band of them wherever the next would pass the width."""
    bands: list[list[list[Line]]] = [[]]
    used = 0
    for box in boxes:
        w = line_width(box[0])
        if bands[-1] and used + len(GAP) + w > width:
            bands.append([])
            used = 0
        used += (len(GAP) if bands[-1] else 0) + w
        bands[-1].append(box)
    lines: list[Line] = []
    for band in bands:
        height = max((len(b) for b in band), default=0)
        for row in range(height):
            line: Line = []
            for b in band:
                spans = b[row] if row < len(b) else [(" " * line_width(b[0]), "")]
                if line:  # the gap goes with the next box's first span, as a space shows only its background
                    (text, style), *rest = spans
                    spans = [(GAP + text, style), *rest]
                line.extend(spans)
            lines.append(line)
    return lines
