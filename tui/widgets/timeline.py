"""Timeline: the step's events grouped by phase, the current one highlighted; clicking one jumps there."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine import Event


def options(events: list[Event], formulas: bool = False) -> list[Option]:
    found: list[Option] = []
    phase = None
    for i, e in enumerate(events):
        if e.phase != phase:
            phase = e.phase
            found.append(Option(phase, id=f"phase-{phase}", disabled=True))
        shape = f"{e.shape}".ljust(11) if formulas else str(e.shape)
        line = Content.assemble(f" {e.name:<6} ", (shape, "dim"), (e.formula if formulas else "", "$text-muted"))
        found.append(Option(line, id=f"e{i}"))
    return found


class Timeline(OptionList):
    """Every event of the step, by phase, with its shape. The keys drive it; it never takes focus from them."""

    can_focus = False

    def __init__(self, events: list[Event], *, id: str | None = None):
        super().__init__(*options(events), id=id)
        self.formulas = False

    def load(self, events: list[Event], formulas: bool | None = None) -> None:
        """Show these events; with formulas (on wide screens) each row carries its NumPy line too."""
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
