"""MistakesScreen: the common wrong versions of a backward formula, what NumPy says to each, and why, in words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from engine.doctor import RIGHT_VALUES, Mistake

from tui.screens import DIALOGS_CSS


def mistakes_content(formula: str, mistakes: list[Mistake]) -> Content:
    rows = [Content.assemble(("Break it: ", "bold"), "the right line is ", (formula, "bold $text-success")), Content("")]
    if not mistakes:
        rows.append(Content("Nothing common to break in this line."))
    for m in mistakes:
        d = m.diagnosis
        outcome = (Content.styled(f"NumPy: {d.error}", "$text-error") if not d.runs
                   else Content.styled(f"runs, and gives shape {d.shape}", "$text-warning"))
        rows += [Content.assemble((m.kind, "bold $text-accent")), Content.assemble("  ", (m.expr, "bold")),
                 Content.assemble("  ", outcome), Content.assemble("  ", m.why)]
        if d.fixes:
            fix = d.fixes[0]
            style = "$text-success" if fix.label == RIGHT_VALUES else "$text-warning"
            rows.append(Content.assemble("  ", ("fix: ", "bold"), fix.line, "  ", (fix.label, style)))
        rows.append(Content(""))
    return Content("\n").join(rows)


class MistakesScreen(ModalScreen[None]):
    """What learners actually meet, one wrong line at a time."""

    CSS_PATH = DIALOGS_CSS

    AUTO_FOCUS = "#mistakes"  # the arrow keys scroll at once

    BINDINGS = [Binding("escape,q,b", "dismiss", "close")]

    def __init__(self, formula: str, mistakes: list[Mistake]):
        super().__init__()
        self._content = mistakes_content(formula, mistakes)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="mistakes"):
            yield Static(self._content)
            yield Static("escape closes", classes="hint")
