"""DoctorScreen: type a NumPy line over the step's matrices and see every shape, the culprit, and labelled fixes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from engine.doctor import RIGHT_VALUES, Axes, Diagnosis, NotReached, diagnose, left_name

from tui.screens import DIALOGS_CSS

_LABEL_STYLE = {RIGHT_VALUES: "bold $text-success"}


def steps_content(d: Diagnosis) -> Content:
    rows = [Content.styled("shapes, in evaluation order", "bold")]
    for text, shape in d.steps:
        style = "bold $text-error" if text == d.culprit else ""
        rows.append(Content.assemble("  ", (text, style), "  ", (str(shape), "$text-muted")))
    if d.culprit and all(text != d.culprit for text, _ in d.steps):
        rows.append(Content.assemble("  ", (d.culprit, "bold $text-error"), "  ", ("fails", "$text-error")))
    return Content("\n").join(rows)


def verdict_content(d: Diagnosis) -> Content:
    if d.ok:
        head = Content.assemble(("✓ evaluates", "bold $text-success"), f" to shape {d.shape}")
        if d.label == RIGHT_VALUES:
            head = Content.assemble(head, "  ", ("right values", "bold $text-success"))
    elif d.runs:
        head = Content.assemble(("✗ runs, but ", "bold $text-error"), ("culprit: ", "bold"),
                                (d.culprit or "", "bold reverse"), "\n", ("NumPy: ", "bold"),
                                ("raises nothing; the shape or the values are wrong", "$text-warning"))
    else:
        head = Content.assemble(("✗ ", "bold $text-error"), ("culprit: ", "bold"), (d.culprit or "", "bold reverse"),
                                "\n", ("NumPy: ", "bold"), (d.error or "", "$text-error"))
    return Content.assemble(head, "\n", d.explanation or "")


class DoctorScreen(ModalScreen[tuple[str, str] | None]):
    """The shape doctor over the matrices the step has reached; enter diagnoses, choosing a fix fills the input.

    `truths` maps every event name to its true value and where it is computed: the value checks fixes for the
    left-hand name, and the sentence answers a name the step has not reached yet.
    """

    CSS_PATH = DIALOGS_CSS

    BINDINGS = [Binding("escape", "dismiss", "close"),
                Binding("ctrl+g", "go_there", "go to the event a name is computed at", show=False),
                Binding("pageup", "scroll(-1)", "scroll up", show=False),
                Binding("pagedown", "scroll(1)", "scroll down", show=False)]
    AUTO_FOCUS = "#expr"  # typing goes straight into the expression

    def __init__(self, env: dict, expr: str, truths: dict | None = None, axes: Axes | None = None):
        super().__init__()
        self._env = env
        self._expr = expr
        self._truths = truths or {}
        self._where = {name: sentence for name, (_, sentence) in self._truths.items() if name not in env}
        self._axes = axes
        self._lines: list[str] = []
        self._there: str | None = None  # the name not reached yet that ctrl+g goes to

    def compose(self) -> ComposeResult:
        names = ", ".join(k for k in self._env if k not in ("m", "lr"))
        with Vertical(id="doctor"):
            yield Static(Content.styled("Shape doctor", "bold"))
            yield Static(Content.styled(f"matrices so far: {names}; numbers m, lr", "$text-muted"), id="names")
            yield Input(self._expr, id="expr", placeholder="e.g. error2 = A1.T - dZ2")
            yield Static(id="doctor-steps")
            yield Static(id="doctor-verdict")
            yield Static("fixes that evaluate, best first (enter puts one in the input):", id="fixes-caption")
            yield OptionList(id="fixes")
            yield Static("enter diagnoses · tab to the fixes · pgup pgdn scroll · escape closes", classes="hint")

    def on_mount(self) -> None:
        self.run_diagnosis(self._expr)

    def action_scroll(self, pages: int) -> None:
        """The dialog a page up or down, when it is taller than the screen: the input keeps the keys."""
        dialog = self.query_one("#doctor")
        dialog.scroll_to(y=dialog.scroll_y + pages * max(dialog.scrollable_content_region.height - 2, 1),
                         animate=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_diagnosis(event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        text = self._lines[event.option_index]
        field = self.query_one("#expr", Input)
        field.value = text
        field.focus()
        self.run_diagnosis(text)

    def action_go_there(self) -> None:
        """Close, step to the event that computes the name not reached yet, and reopen there with the typed line."""
        if self._there is not None:
            self.dismiss((self._there, self.query_one("#expr", Input).value))

    def run_diagnosis(self, expr: str) -> None:
        fixes = self.query_one("#fixes", OptionList)
        fixes.clear_options()
        self._lines = []
        truth = self._truths.get(left_name(expr) or "")
        try:
            d = diagnose(expr, self._env, expected=truth[0] if truth else None, where=self._where, axes=self._axes)
        except NotReached as error:
            self._there = next((name for name, sentence in self._where.items() if sentence == str(error)), None)
            go = "; ctrl+g goes there and keeps this line" if self._there else ""
            self.query_one("#doctor-steps", Static).update("")
            self.query_one("#doctor-verdict", Static).update(Content.styled(f"not reached yet: {error}{go}",
                                                                            "$text-warning"))
            fixes.display = self.query_one("#fixes-caption").display = False
            return
        except ValueError as error:
            self._there = None
            self.query_one("#doctor-steps", Static).update("")
            self.query_one("#doctor-verdict", Static).update(Content.styled(f"refused: {error}", "$text-error"))
            fixes.display = self.query_one("#fixes-caption").display = False
            return
        self._there = None
        self.query_one("#doctor-steps", Static).update(steps_content(d))
        self.query_one("#doctor-verdict", Static).update(verdict_content(d))
        self._lines = [f.line for f in d.fixes]
        fixes.add_options([Option(Content.assemble((f.label, _LABEL_STYLE.get(f.label, "$text-warning")), " · ",
                                                   f.line)) for f in d.fixes])
        fixes.display = self.query_one("#fixes-caption").display = bool(d.fixes)
        if d.fixes:
            fixes.highlighted = 0
