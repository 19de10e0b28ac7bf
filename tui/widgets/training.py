"""TrainingBar: how many steps T trains, its progress, the loss curve, and loss and accuracy now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, ProgressBar, Sparkline, Static

from tui.session import Session


def stats_content(session: Session) -> Content:
    parts: list = [f"step {session.net.steps}  ", (f"loss {session.loss:.4f}", "bold")]
    if session.accuracy is not None:
        parts.append(f"  accuracy {session.accuracy:.0%}")
    return Content.assemble(*parts)


class TrainingBar(Horizontal):
    """T trains the number of steps typed here; the curve shows the loss history, newest on the right."""

    def compose(self) -> ComposeResult:
        yield Label("train", classes="caption")
        yield Input("100", id="train-steps", compact=True, restrict=r"\d*", max_length=6)
        yield ProgressBar(total=1, id="progress", show_eta=False)
        yield Sparkline([], id="curve")
        yield Static(id="train-stats")

    def on_mount(self) -> None:
        self.query_one("#progress").display = False

    def show(self, session: Session) -> None:
        self.query_one("#curve", Sparkline).data = [loss for _, loss in session.history] if len(session.history) > 1 else []
        self.query_one("#train-stats", Static).update(stats_content(session))

    def start(self, total: int) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total, progress=0)
        bar.display = True

    def stop(self) -> None:
        self.query_one("#progress").display = False

    def advance(self, done: int) -> None:
        self.query_one("#progress", ProgressBar).update(progress=done)
