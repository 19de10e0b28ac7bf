"""ScriptTimeline: a recorded script's lines by function, each array's shape, a loop's left-out runs, the failure."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from engine.checks import shape_text
from engine.script import ScriptEvent
from engine.script.report import skipped


def timeline_options(events: list[ScriptEvent], runs: dict[int, int]) -> list[Option]:
    """Lines grouped by where they run (and by cell in a notebook), a loop's left-out runs noted, the failing line
    marked."""
    found: list[Option] = []
    phase = cell = None
    for i, e in enumerate(events):
        gap = skipped(events, i, runs)
        if gap:
            found.append(Option(Content.styled(f" … {gap.split(';')[0]}", "dim italic"), id=f"gap-{i}",
                                disabled=True))
        if e.phase != phase:
            phase = e.phase
            found.append(Option(phase, id=f"phase-{i}", disabled=True))
        if e.cell is not None and e.cell is not cell:  # a notebook: where each cell begins
            cell = e.cell
            found.append(Option(Content.styled(f"── cell {cell.number} ──", "$text-muted"), id=f"cell-{i}",
                                disabled=True))
        number = e.line - e.cell.start + 1 if e.cell is not None else e.line
        if e.failing:
            line = Content.assemble((f" {number:>3} ", "dim"), (f"{e.name:<8} ", "bold $text-error"),
                                    ("✗ fails", "bold $text-error"))
        else:
            line = Content.assemble((f" {number:>3} ", "dim"), f"{e.name:<8} ", (shape_text(e.shape), "dim"))
        found.append(Option(line, id=f"e{i}"))
    return found


class ScriptTimeline(OptionList):
    """The script's recorded lines by function, with each array's shape; the keys drive it, never taking focus."""

    can_focus = False

    def __init__(self, events: list[ScriptEvent], runs: dict[int, int], *, id: str | None = None):
        super().__init__(*timeline_options(events, runs), id=id)

    def mark(self, index: int) -> None:
        self.highlighted = self.get_option_index(f"e{index}")

    @staticmethod
    def event_index(option: Option) -> int | None:
        return int(option.id[1:]) if option.id and option.id.startswith("e") else None
