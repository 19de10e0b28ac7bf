"""GradCheckScreen: each parameter's analytic gradient against central differences, and the event behind it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from engine import Event

from tui.screens import DIALOGS_CSS

PASS = 1e-6  # float64 central differences land far below this when the gradient is right


def check_content(errors: dict[str, float], events: list[Event], sampled: set[str]) -> Content:
    by_name = {e.name: e for e in events}
    rows = [Content.styled("parameter  relative error     event that produced the gradient", "bold")]
    for key, error in errors.items():
        event = by_name[f"d{key}"]
        mark = ("✓", "bold $text-success") if error <= PASS else ("✗", "bold $text-error")
        note = "  (sampled entries)" if key in sampled else ""
        rows.append(Content.assemble(
            f"{key:<10} {error:9.1e} ", mark, f"      #{event.index + 1} {event.formula}{note}"))
    rows.append(Content(""))
    rows.append(Content.styled(
        "‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖), numeric = (L(θ+ε) − L(θ−ε)) / 2ε with ε = 1e-6; "
        f"✓ below {PASS:.0e}.", "$text-muted"))
    return Content("\n").join(rows)


class GradCheckScreen(ModalScreen[None]):
    """Progress while the app's worker checks; the table when it is done. Closing it stops the check."""

    CSS_PATH = DIALOGS_CSS

    BINDINGS = [Binding("escape,q,g", "dismiss", "close")]

    @dataclass
    class Progress(Message):
        """The check has reached entry `done` of `total` of parameter `key`; bursts of these merge."""

        key: str
        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, GradCheckScreen.Progress)

    def __init__(self, keys: list[str]):
        super().__init__()
        self._keys = keys
        self._done = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="gradcheck"):
            yield Static(Content.styled("Gradient check", "bold"))
            yield Static("checking every parameter by central differences…", id="gradcheck-table")
            yield ProgressBar(total=1, id="gradcheck-progress", show_eta=False)
            yield Static("escape closes, and stops the check", classes="hint")

    def on_grad_check_screen_progress(self, message: Progress) -> None:
        if self._done:  # a last report can arrive after the table
            return
        self.query_one("#gradcheck-table", Static).update(
            f"checking {message.key}: entry {message.done + 1} of {message.total} "
            f"(parameter {self._keys.index(message.key) + 1} of {len(self._keys)})")
        self.query_one(ProgressBar).update(total=message.total, progress=message.done + 1)

    def on_unmount(self) -> None:
        self.app.workers.cancel_group(self.app, "check")

    def show(self, errors: dict[str, float], events: list[Event], sampled: set[str]) -> None:
        self._done = True
        self.query_one(ProgressBar).display = False
        self.query_one("#gradcheck-table", Static).update(check_content(errors, events, sampled))
