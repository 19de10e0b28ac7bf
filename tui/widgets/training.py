"""TrainingBar: how many steps T trains, its progress, the loss curve, and loss and accuracy now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Sparkline, Static

from tui.session import Session
from tui.widgets.field import Field

if TYPE_CHECKING:
    from textual.widgets import ProgressBar


def stats_content(step: int, loss: float, accuracy: float | None = None) -> Content:
    parts: list = [f"step {step}  ", (f"loss {loss:.4f}", "bold")]
    if accuracy is not None:
        parts.append(f"  accuracy {accuracy:.0%}")
    return Content.assemble(*parts)


class TrainingBar(Horizontal):
    """T trains the number of steps typed here; the curve shows the loss history, newest on the right.

    The bar draws its caption, "train", in the margin left of the steps field; the progress bar and its count are
    made by the first training. Widgets the first screen does without make it come sooner.
    """

    COMPONENT_CLASSES = {"training-bar--caption"}

    _progress: ProgressBar | None = None

    def compose(self) -> ComposeResult:
        yield Field("100", id="train-steps", restrict=r"\d*", max_length=6)
        yield Sparkline([], id="curve")
        yield Static(id="train-stats")

    def render(self) -> Content:
        return Content.styled("train", self.get_visual_style("training-bar--caption", partial=True))

    def show(self, session: Session) -> None:
        self._curve(list(session.history))
        self.query_one("#train-stats", Static).update(stats_content(session.net.steps, session.loss,
                                                                    session.accuracy))

    def _curve(self, history: list[tuple[int, float]]) -> None:
        self.query_one("#curve", Sparkline).data = [loss for _, loss in history] if len(history) > 1 else []

    def start(self, total: int) -> None:
        self._total = total
        if self._progress is None:
            from textual.widgets import ProgressBar

            self._progress = ProgressBar(id="progress", show_eta=False, show_percentage=False)
            self.mount(self._progress, Static(id="progress-count"), before="#curve")
        self._progress.update(total=total, progress=0)
        self.query_one("#progress-count", Static).update(f"0 of {total}")
        for widget in self.query("#progress, #progress-count"):
            widget.display = True

    def stop(self) -> None:
        for widget in self.query("#progress, #progress-count"):
            widget.display = False

    def advance(self, done: int, history: list[tuple[int, float]]) -> None:
        """Training has run `done` steps; history ends with the newest (step, loss)."""
        self._progress.update(progress=done)
        self.query_one("#progress-count", Static).update(f"{done} of {self._total}")
        self._curve(history)
        if history:
            step, loss = history[-1]
            self.query_one("#train-stats", Static).update(stats_content(step, loss))
