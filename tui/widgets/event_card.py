"""EventCard: the current event's formula, chain-rule term, shape rule, operands and result."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from engine import Event
from tui.widgets.matrix import Line, grid, line_width, matrix_box, shown
from tui.widgets.shape_rule import legends, rule_lines

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
        self._pictures: tuple = (None, None)
        self._channels_last = False
        self._parameters: frozenset[str] = frozenset()
        self.example = 0  # the example an array of images shows, as a row of its channels

    def show(self, event: Event, total: int, precision: int, channels_last: bool = False,
             above: Callable[[int], list[Content]] | None = None,
             beside: Callable[[int], list[Line]] | None = None, parameters: frozenset[str] = frozenset()) -> None:
        """The event, with lines `above` its matrices (‖dh_t‖ through time) and a picture `beside` them, drawn for a
        width (attention's heatmap): see tui/widgets/pictures.py. A 4-D array named after one of the `parameters`
        (or its gradient) holds a convolution's filters, not examples."""
        self._event = event
        self._view = (total, precision)
        self._channels_last = channels_last
        self._parameters = parameters
        self._pictures = (above, beside)
        self._strips = None
        self.refresh()

    def images(self) -> int:
        """How many examples (or filters) the card's arrays of images hold: 0 when it shows none."""
        event = self._event
        if event is None:
            return 0
        labels = [label for label, _ in event.operands] + [event.name]
        four_d = [(a, label) for a, label in zip((*event.arrays, event.value), labels) if a.ndim >= 4]
        if not four_d:
            return 0
        from tui.widgets.slices import counts
        return max(counts(a.shape, self._channels_last, self._filters(label))[0] for a, label in four_d)

    def _filters(self, label: str) -> bool:
        """Whether a 4-D array is a parameter (a convolution's filters) or its gradient, rather than images."""
        name = label.removesuffix(" new")
        return name in self._parameters or name[:1] == "d" and name[1:] in self._parameters

    def choose_example(self, by: int) -> int:
        """Show another example of the arrays of images; the one now shown."""
        self.example = min(max(self.example + by, 0), max(self.images() - 1, 0))
        self._strips = None
        self.refresh()
        return self.example

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.visual_style
        # By value, not identity: a layout makes the card's style afresh, and the same style keeps its resolved ones.
        if self._strips is None or self._drawn_for != (self.size, base, self.app.theme):
            if self._drawn_for[1:] != (base, self.app.theme):
                self._styles = {}  # the theme or the widget's own style changed
            self._drawn_for = (self.size, base, self.app.theme)
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
        rule, words = rule_lines(event, width)
        marks, spotted = spot(event, width)
        bare = not any(legend in rule[-1].plain for legend, _ in legends(event))  # no word beside the rule
        header: list[Content | Line] = [part for line in (
            Content.assemble((event.phase, "bold $accent"),
                             "" if event.phase == "loss" else f"  layer {event.layer}",
                             f"  ·  event {event.index + 1} of {total}"),
            Content.styled(event.formula, "bold"),
            Content.assemble((event.term, "$text-accent"), *note(event, width)),
            *rule,
            *spotted,
            *(self._pictures[0](width) if self._pictures[0] else ()),
        ) for part in wrapped(line, width)]
        words = [part for line in words for part in wrapped(line, width)]
        # An update's result has its parameter's name: "W1 new" tells it from the W1 it came from.
        result_name = f"{event.name} new" if any(label == event.name for label, _ in event.operands) else event.name
        arrays = [*event.arrays, event.value]
        labels = [label for label, _ in event.operands] + [result_name]
        borders = ["$primary"] * len(event.operands) + ["$success"]

        if any(a.ndim >= 4 for a in arrays):
            from tui.widgets.slices import slice_boxes, slice_shape  # only image networks pay for it, not start-up

        def box(i: int, rows: int, cols: int) -> list[Line]:
            if arrays[i].ndim >= 4:  # images: a row of 2-D slices, one per channel, of the example chosen
                return squared(slice_boxes(labels[i], arrays[i], precision, rows, cols, width, borders[i],
                                           self.example, self._channels_last, self._filters(labels[i])))
            return matrix_box(labels[i], arrays[i], precision, rows, cols, width, borders[i], marks[i])

        shapes = [grid(a.shape) if a.ndim < 4 else slice_shape(a.shape, self._channels_last, self._filters(label))
                  for a, label in zip(arrays, labels)]
        body, shows = None, -1
        if self._pictures[1] is not None:  # beside the matrices when it fits with them, else left out
            from tui.widgets.pictures import with_picture
            pictured, more = with_picture(box, shapes, self._pictures[1](width))
            body, shows = fit(pictured, more, 1, height - len(header), width, max_rows, max_cols)
            if shows >= 0:
                box, shapes = pictured, more
        if shows < 0:
            body, shows = fit(box, shapes, 1, height - len(header), width, max_rows, max_cols)
        # The rule's words that did not fit beside it go below it when that hides no number, or, when none fit
        # beside it, when every box still shows.
        if words:
            fewer, also = fit(box, shapes, 1, height - len(header) - len(words), width, max_rows, max_cols)
            if also == shows or also >= 0 and bare:
                body, shows, header = fewer, also, header + words
        spare = height - len(header) - len(body) if shows >= 0 else 0
        if spare >= 2:  # room to breathe: a blank line after the header's first and last
            header = [header[0], Content(""), *header[1:], Content("")]
        return header + body


def spot(event: Event, width: int) -> tuple[list, list[Content]]:
    """For a product that names one entry worth following: the row of its first operand, the column of its second
    and the entry of its result to mark, and a line saying what the entry is."""
    count = len(event.arrays) + 1
    if event.planned.spot is None or count != 3 or any(a.ndim != 2 for a in (*event.arrays, event.value)):
        return [None] * count, []
    names = (*(label for label, _ in event.operands), event.name)
    r, c, equation, words = event.planned.spot(event.value.shape, names)
    words = f"   {words}" if len(equation) + 3 + len(words) <= width else ""  # the words when they fit beside it
    return [(r, None), (None, c), (r, c)], [Content.assemble((equation, "$text-accent"), (words, "$text-muted"))]


def fit(box: Callable[[int, int, int], list[Line]], shapes: list[tuple[int, int]], results: int, height: int,
        width: int, max_rows: int, max_cols: int) -> tuple[list[Line], int]:
    """A box for each shape (rows, columns), the last `results` of them results, in `height` lines, as much of each
    matrix as fits; never a cut box.

    box(i, rows, cols) draws the i-th keeping that many rows and columns of its matrix. The most numbers that fit
    win, columns before rows at equal count: boxes wrap onto more bands before they hide columns, the results
    beside the operands when only that fits, and then each box takes back the columns that still fit. Returns the
    lines and how many numbers they show; when nothing fits, the boxes past the last band that does are named
    instead, and the count is -1.
    """
    count = len(shapes)
    drawn: dict[tuple[int, int, int], list[Line]] = {}

    def draw(i: int, r: int, c: int) -> list[Line]:
        if (i, r, c) not in drawn:
            drawn[i, r, c] = box(i, r, c)
        return drawn[i, r, c]

    def arranged(boxes: list[list[Line]]) -> list[Line] | None:
        below = flow(boxes[:count - results], width) + [line for b in boxes[count - results:] for line in b]
        if len(below) <= height:
            return below
        beside = flow(boxes, width)
        return beside if len(beside) <= height else None

    def widened(r: int, taken: list[int], arrange: Callable[[list[list[Line]]], list[Line] | None]) -> list[int]:
        """Each box's columns, the most that still let the boxes arrange: the results' first."""
        for i in sorted(range(len(taken)), key=lambda i: i < count - results):
            for wider in cols:
                trial = [*taken[:i], wider, *taken[i + 1:]]
                same = draw(i, r, wider) == draw(i, r, taken[i])
                if same or arrange([draw(j, r, c) for j, c in enumerate(trial)]) is not None:
                    taken = trial
                    break
        return taken

    rows = sorted({max_rows, 8, 6, 4, 3, 2} & set(range(2, max_rows + 1)))
    cols = sorted({max_cols, 8, 6, 4, 2} & set(range(2, max_cols + 1)), reverse=True)
    candidates = {}  # what each (rows, cols) shows of every matrix: the first of those that show the same
    for r in rows:
        for c in cols:
            candidates.setdefault(tuple((shown(n, r), shown(k, c)) for n, k in shapes), (r, c))
    for _, (r, c) in sorted(candidates.items(), key=lambda item: (-sum(n * k for n, k in item[0]),
                                                                     -sum(k for _, k in item[0]))):
        if arranged([draw(i, r, c) for i in range(count)]) is None:
            continue
        taken = widened(r, [c] * count, arranged)
        return (arranged([draw(i, r, c) for i, c in enumerate(taken)]),
                sum(shown(n, r) * shown(k, c) for (n, k), c in zip(shapes, taken)))
    boxes = [draw(i, 2, 2) for i in range(count)]
    kept = count
    while kept and len(flow(boxes[:kept], width)) >= height:  # as many boxes as fit, and a line naming the rest
        kept -= 1
    taken = widened(2, [2] * kept, lambda trial: body if len(body := flow(trial, width)) < height else None)
    boxes = [draw(i, 2, c) for i, c in enumerate(taken)]
    titles = ", ".join(_title(draw(i, 2, 2)) for i in range(kept, count))
    note = f"no room for {titles}: a taller terminal shows {'them' if count - kept > 1 else 'it'}"
    return (flow(boxes, width) + [[(text, "$text-muted")] for text in textwrap.wrap(note, width)])[:max(height, 0)], -1


def _title(box: list[Line]) -> str:
    """A box's name and shape, from its top line, the first bold text there: "Z1 (2, 5)"."""
    bold = [text for text, style in box[0] if style == "bold"]
    return (bold[0] if bold else "".join(text for text, _ in box[0])).strip()  # a picture's line has no bold


def squared(lines: list[Line]) -> list[Line]:
    """Lines of one width, the shorter padded: a block that flows beside others like a box."""
    width = max(map(line_width, lines), default=0)
    return [line + [(" " * (width - line_width(line)), "")] if line_width(line) < width else line for line in lines]


def wrapped(line: Content, width: int) -> list[Content]:
    """The line as it is when it fits (most do), else wrapped between words."""
    return [line] if line.cell_length <= width else line.wrap(width)


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
