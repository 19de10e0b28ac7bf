"""Timeline: the step's events grouped by phase and layer, the current one highlighted; clicking one jumps there."""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from engine import Event

FORMULAS = 50  # the timeline's width from which each row also shows its NumPy line


def rows(events: list[Event], formulas: bool, current: int | None = None) -> list[tuple[int | None, Content]]:
    """Each phase's heading (no event: None) and then its events, one row each, with the event's index.

    Within a phase the events are grouped by layer: a group's first row carries the layer's number in the gutter.
    A recurrent layer's time steps other than the current event's fold into one row per run ("⋯ t0–t14  30 events"),
    which stands for its first event, so that T = 16 steps fit a small screen.
    """
    found: list[tuple[int | None, Content]] = []
    phase = layer = None
    focus = events[current].time if current is not None and 0 <= current < len(events) else None
    name_width = max(len(e.name) for e in events)
    shape_width = max(len(str(e.shape)) for e in events)
    gutter = max(len(str(e.layer)) for e in events)
    fold: list = []  # the run being folded: [first index, first step, last step, events, gutter text]

    def close() -> None:
        if fold:
            first, a, b, n, number = fold
            found.append((first, Content.assemble((f"{number:>{gutter}} ", "$text-muted"),
                                                  (f"⋯ t{a}–t{b}  {n} events" if a != b else f"⋯ t{a}  {n} events",
                                                   "dim"))))
            fold.clear()

    for i, e in enumerate(events):
        if e.phase != phase:
            close()
            phase, layer = e.phase, None
            found.append((None, Content(phase)))
        number = str(e.layer) if e.layer != layer else ""
        layer = e.layer
        if e.time is not None and e.time != focus:
            if fold:
                fold[2], fold[3] = e.time, fold[3] + 1
            else:
                fold.extend([i, e.time, e.time, 1, number])
            continue
        close()
        shape = f"{e.shape}".ljust(shape_width + 1) if formulas else str(e.shape)
        found.append((i, Content.assemble((f"{number:>{gutter}} ", "$text-muted"), f"{e.name:<{name_width}} ",
                                          (shape, "dim"), (e.formula if formulas else "", "$text-muted"))))
    close()
    return found


class Timeline(ScrollView, can_focus=False):
    """Every event of the step, by phase, with its shape. The keys drive it; it never takes focus from them.

    Drawn a row at a time, and only the rows in view: lighter to make and to draw than an OptionList.
    """

    COMPONENT_CLASSES = {"timeline--phase", "timeline--current"}

    class Selected(Message):
        """A click on an event's row: `index` is that event's."""

        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, events: list[Event], *, id: str | None = None):
        super().__init__(id=id)
        self.formulas = False
        self.current = 0  # the event on screen
        self._strips: dict[tuple, Strip] = {}
        self.load(events)

    def on_resize(self) -> None:
        if (self.size.width >= FORMULAS) != self.formulas:
            self.load(self._events, formulas=self.size.width >= FORMULAS)

    def load(self, events: list[Event], formulas: bool | None = None) -> None:
        """Show these events; with formulas (on wide screens) each row carries its NumPy line too."""
        self._events = events
        if formulas is not None:
            self.formulas = formulas
        self._rows = rows(events, self.formulas, self.current)
        self._focus = self._time(self.current)
        self._strips.clear()
        self.virtual_size = Size(max(row.cell_length for _, row in self._rows), len(self._rows))
        self._loaded = True
        self.refresh()

    def mark(self, index: int) -> None:
        """Highlight event `index`, scrolled into view."""
        self.current = index
        if self._time(index) != self._focus:  # another time step: unfold it, fold the one before
            self.load(self._events)
        self.refresh()
        self._bring_into_view(index)
        if self._loaded:  # new rows: how far they scroll is known once they are laid out, so again after that
            self._loaded = False
            self.call_after_refresh(lambda: self._bring_into_view(self.current))

    def _bring_into_view(self, index: int) -> None:
        y = next(y for y, (i, _) in enumerate(self._rows) if i == index)
        top = y - 1 if self.row_event(y - 1) is None else y  # a phase's first event brings its heading along
        self.scroll_to_region(Region(0, top, 1, y - top + 1), animate=False)  # stepping fast, the rows keep up

    def _time(self, index: int) -> int | None:
        return self._events[index].time if 0 <= index < len(self._events) else None

    def row_event(self, y: int) -> int | None:
        """The event on row y, counted from the first row; None for a phase heading or outside the rows."""
        return self._rows[y][0] if 0 <= y < len(self._rows) else None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and (index := self.row_event(offset.y + self.scroll_offset.y)) is not None:
            self.post_message(self.Selected(index))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = y + self.scroll_offset.y
        if row >= len(self._rows):
            return Strip.blank(width, self.visual_style.rich_style)
        index, content = self._rows[row]
        part = "timeline--phase" if index is None else "timeline--current" if index == self.current else ""
        style = self.get_visual_style(part) if part else self.visual_style
        key = (row, part, width, id(style))
        strip = self._strips.get(key)
        if strip is None:
            if content.cell_length > width:
                content = content.truncate(width, ellipsis=True)
            segments = [Segment(text, s.rich_style)
                        for text, s in content.render(style, end="", parse_style=self._get_style)]
            strip = self._strips[key] = Strip(segments, content.cell_length).extend_cell_length(width,
                                                                                              style.rich_style)
        return strip
