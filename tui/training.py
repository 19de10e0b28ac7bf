"""Training: T trains in a worker, reporting progress as it goes; T again, or an edit, stops it."""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.widgets.training import TrainingBar


class Training:
    """The app's training half: the steps field, the worker, and its progress on the training bar."""

    @property
    def training(self) -> bool:
        return any(w.group == "train" and w.is_running for w in self.workers)

    class Trained(Message):
        """Training has reached `done` steps; bursts of these merge."""

        def __init__(self, done: int, history: list[tuple[int, float]]):
            super().__init__()
            self.done = done
            self.history = history

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Training.Trained)

    def action_train(self) -> None:
        if self.training:
            self.workers.cancel_group(self, "train")
        else:
            self.start_training()

    def start_training(self) -> None:
        if self.busy or self.training:
            return
        steps = int(self.query_one("#train-steps", Input).value or 0)
        if steps < 1:
            self.say("train: type how many steps to train, e.g. 100", "error")
            return
        self.query_one(TrainingBar).start(steps)
        self.say(f"training {steps} steps… T stops", "note")
        self.train(steps)

    @work(thread=True, exclusive=True, group="train")
    def train(self, steps: int) -> None:
        worker = get_current_worker()
        history = self.session.history
        done = self.session.train(steps, lambda k: self.post_message(self.Trained(k, list(history))),
                                  lambda: worker.is_cancelled)
        self.call_from_thread(self._trained, done, steps)

    def on_training_trained(self, message: Trained) -> None:
        self.query_one(TrainingBar).advance(message.done, message.history)

    def _trained(self, done: int, steps: int) -> None:
        self.query_one(TrainingBar).stop()
        self.say("" if done == steps else f"training stopped after {done} of {steps} steps", "note")
        self.show_step()
        if self.pending is not None:
            (field, value), self.pending = self.pending, None
            self.apply(field, value, note=f"training stopped after {done} of {steps} steps for the edit")
