"""Timeline: the step's events grouped by phase, the current one highlighted; clicking one jumps there."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine import Event


FORMULAS = 50  # the timeline's width from which each row also shows its NumPy line


def options(events: list[Event], formulas: bool = False) -> list[Option]:
    found: list[Option] = []
    phase = None
    name_width = max(len(e.name) for e in events)
    shape_width = max(len(str(e.shape)) for e in events)
    for i, e in enumerate(events):
        if e.phase != phase:
            phase = e.phase
            found.append(Option(phase, id=f"phase-{phase}", disabled=True))
        shape = f"{e.shape}".ljust(shape_width + 1) if formulas else str(e.shape)
        line = Content.assemble(f" {e.name:<{name_width}} ", (shape, "dim"),
                                (e.formula if formulas else "", "$text-muted"))
        found.append(Option(line, id=f"e{i}"))
    return found


class Timeline(OptionList):
    """Every event of the step, by phase, with its shape. The keys drive it; it never takes focus from them."""

    can_focus = False

    def __init__(self, events: list[Event], *, id: str | None = None):
        super().__init__(*options(events), id=id)
        self.formulas = False
        self._events = events

    def on_resize(self) -> None:
        if (self.size.width >= FORMULAS) != self.formulas:
            self.load(self._events, formulas=self.size.width >= FORMULAS)

    def load(self, events: list[Event], formulas: bool | None = None) -> None:
        """Show these events; with formulas (on wide screens) each row carries its NumPy line too."""
        self._events = events
        if formulas is not None:
            self.formulas = formulas
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options(events, self.formulas))
        self.highlighted = highlighted

    def mark(self, index: int) -> None:
        self.highlighted = self.get_option_index(f"e{index}")

    @staticmethod
    def event_index(option: Option) -> int | None:
        return int(option.id[1:]) if option.id and option.id.startswith("e") else None
