"""TrainingBar: how many steps T trains, its progress, the loss curve, and loss and accuracy now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, ProgressBar, Sparkline, Static

from tui.session import Session


def stats_content(step: int, loss: float, accuracy: float | None = None) -> Content:
    parts: list = [f"step {step}  ", (f"loss {loss:.4f}", "bold")]
    if accuracy is not None:
        parts.append(f"  accuracy {accuracy:.0%}")
    return Content.assemble(*parts)


class TrainingBar(Horizontal):
    """T trains the number of steps typed here; the curve shows the loss history, newest on the right."""

    def compose(self) -> ComposeResult:
        yield Label("train", classes="caption")
        yield Input("100", id="train-steps", compact=True, restrict=r"\d*", max_length=6)
        yield ProgressBar(total=1, id="progress", show_eta=False, show_percentage=False)
        yield Static(id="progress-count")
        yield Sparkline([], id="curve")
        yield Static(id="train-stats")

    def on_mount(self) -> None:
        self.stop()

    def show(self, session: Session) -> None:
        self._curve(list(session.history))
        self.query_one("#train-stats", Static).update(stats_content(session.net.steps, session.loss,
                                                                    session.accuracy))

    def _curve(self, history: list[tuple[int, float]]) -> None:
        self.query_one("#curve", Sparkline).data = [loss for _, loss in history] if len(history) > 1 else []

    def start(self, total: int) -> None:
        self._total = total
        self.query_one("#progress", ProgressBar).update(total=total, progress=0)
        self.query_one("#progress-count", Static).update(f"0 of {total}")
        for widget in self.query("#progress, #progress-count"):
            widget.display = True

    def stop(self) -> None:
        for widget in self.query("#progress, #progress-count"):
            widget.display = False

    def advance(self, done: int, history: list[tuple[int, float]]) -> None:
        """Training has run `done` steps; history ends with the newest (step, loss)."""
        self.query_one("#progress", ProgressBar).update(progress=done)
        self.query_one("#progress-count", Static).update(f"{done} of {self._total}")
        self._curve(history)
        if history:
            step, loss = history[-1]
            self.query_one("#train-stats", Static).update(stats_content(step, loss))
