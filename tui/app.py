"""BackpropApp: step through one training step of a network, one matrix operation at a time."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.worker import get_current_worker

import engine.export
from engine import Network
from engine.doctor import mistakes
from engine.gradcheck import MAX_ENTRIES
from tui.bindings import BINDINGS
from tui.commands import StepCommands
from tui.deliver import deliver
from tui.screens.doctor import DoctorScreen
from tui.screens.gradcheck import GradCheckScreen
from tui.screens.help import HelpScreen
from tui.screens.mistakes import MistakesScreen
from tui.session import Options, Session
from tui.widgets.editor import EditorRow
from tui.widgets.event_card import EventCard
from tui.widgets.keys import KeyBar
from tui.widgets.summary import SummaryBar
from tui.widgets.timeline import Timeline
from tui.widgets.training import TrainingBar

WIDE = 160  # columns from which the timeline shows formulas and matrices show more columns


class BackpropApp(App):
    """The main view: summary, timeline, current event, editor."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "stepprop"
    AUTO_FOCUS = None
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    COMMANDS = App.COMMANDS | {StepCommands}
    BINDINGS = BINDINGS

    def __init__(self, options: Options | None = None):
        super().__init__()
        self.session = Session.start(options or Options())
        self.precision = 3
        self.busy = False

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        with Horizontal(id="main"):
            yield Timeline(self.session.events, id="timeline")
            yield EventCard(id="card")
        yield TrainingBar(id="training")
        yield EditorRow(self.session.options, id="editor")
        yield Static(id="message")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(KeyBar).show(self.BINDINGS, [("^p", "palette")])
        self.say(self.session.note, "note")
        self.describe_step()
        self.refresh_view()  # the timeline was built with the first step's events

    # ---- showing ---------------------------------------------------------------------------------------

    def show_step(self) -> None:
        """A new step, or a new network, is on screen: everything that describes it, then the current event."""
        self.describe_step()
        self.query_one(Timeline).load(self.session.events)
        self.refresh_view()

    def describe_step(self) -> None:
        self.query_one(SummaryBar).show(self.session)
        self.query_one(TrainingBar).show(self.session)

    def refresh_view(self) -> None:
        """Another event of the same step: only the timeline's highlight and the card change."""
        s = self.session
        self.query_one(Timeline).mark(s.position)
        rows = 12 if self.size.height >= 45 else 6
        cols = 12 if self.size.width >= WIDE else 6
        self.query_one(EventCard).show(s.current, len(s.plan), self.precision, rows, cols)

    def on_resize(self) -> None:
        timeline = self.query_one(Timeline)
        wide = self.size.width >= WIDE
        if timeline.formulas != wide:
            timeline.load(self.session.events, formulas=wide)
        self.refresh_view()

    def say(self, text: str, kind: str) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_classes(kind)

    # ---- stepping --------------------------------------------------------------------------------------

    def jump(self, index: int) -> None:
        if self.busy:
            self.notify("still computing; escape cancels training", severity="warning")
            return
        self.session.go(index)
        self.refresh_view()

    def action_next(self) -> None:
        self.jump(self.session.position + 1)

    def action_previous(self) -> None:
        self.jump(self.session.position - 1)

    def action_first(self) -> None:
        self.jump(0)

    def action_last(self) -> None:
        self.jump(len(self.session.plan) - 1)

    def action_next_phase(self) -> None:
        self.jump(self.session.phase_start(+1))

    def action_previous_phase(self) -> None:
        self.jump(self.session.phase_start(-1))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = Timeline.event_index(event.option)
        if index is not None:
            self.jump(index)

    def action_precision(self, delta: int) -> None:
        self.precision = max(0, min(8, self.precision + delta))
        self.refresh_view()

    def action_leave_input(self) -> None:
        for worker in self.workers:
            if worker.group == "train":
                worker.cancel()
        self.set_focus(None)

    def action_help(self) -> None:
        keys = [(b.key_display or b.key, b.tooltip or b.description) for b in self.BINDINGS]
        keys.append(("ctrl+p", "command palette: every action, and a jump to any event"))
        keys.append(("enter", "in an input: re-run with the edited options"))
        self.push_screen(HelpScreen(keys))

    def action_finish_step(self) -> None:
        if not self.busy:
            self.busy = True
            self.finish_step()

    @work(thread=True, exclusive=True, group="compute")
    def finish_step(self) -> None:
        self.session.finish_step()
        self.call_from_thread(self._finished)

    def _finished(self) -> None:
        self.busy = False
        self.show_step()

    # ---- training and checking --------------------------------------------------------------------------

    class Trained(Message):
        """Training has reached `done` steps; bursts of these merge."""

        def __init__(self, done: int):
            super().__init__()
            self.done = done

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BackpropApp.Trained)

    def action_train(self) -> None:
        if self.busy:
            return
        steps = int(self.query_one("#train-steps").value or 0)
        if steps < 1:
            self.say("train: type how many steps to train, e.g. 100", "error")
            return
        self.busy = True
        self.set_focus(None)
        self.query_one(TrainingBar).start(steps)
        self.say(f"training {steps} steps… (escape cancels)", "note")
        self.train(steps)

    @work(thread=True, exclusive=True, group="train")
    def train(self, steps: int) -> None:
        worker = get_current_worker()
        done = self.session.train(steps, lambda k: self.post_message(self.Trained(k)), lambda: worker.is_cancelled)
        self.call_from_thread(self._trained, done, steps)

    def on_backprop_app_trained(self, message: Trained) -> None:
        self.query_one(TrainingBar).advance(message.done)

    def _trained(self, done: int, steps: int) -> None:
        self.busy = False
        self.query_one(TrainingBar).stop()
        self.say("" if done == steps else f"training cancelled after {done} of {steps} steps", "note")
        self.show_step()

    def action_gradient_check(self) -> None:
        if self.busy:
            return
        screen = GradCheckScreen()
        self.push_screen(screen)
        self.gradient_check(screen, self.session)

    @work(thread=True, exclusive=True, group="check")
    def gradient_check(self, screen: GradCheckScreen, session: Session) -> None:
        errors = engine.gradient_check(session.net, session.X, session.Y)
        sampled = {k for k, P in session.net.params.items() if P.size > MAX_ENTRIES}
        self.call_from_thread(screen.show, errors, session.events, sampled)

    def action_doctor(self) -> None:
        self.push_screen(DoctorScreen(self.session.matrices(), self.session.current.formula))

    def action_break_it(self) -> None:
        event = self.session.current
        if event.phase != "backward":
            self.notify("b breaks backward formulas: step to one with ] or n", severity="warning")
            return
        self.push_screen(MistakesScreen(event.formula, mistakes(event.formula, self.session.matrices())))

    def action_export(self) -> None:
        s = self.session
        name = f"stepprop_{'-'.join(map(str, s.net.sizes))}_{s.net.layout_name}_{s.net.bias}.py"
        try:
            path = deliver(self, name, engine.export.script(Network(**s.net.options), s.X, s.Y, s.options.lr))
        except OSError as error:
            self.say(f"export failed: {error}", "error")
            return
        self.say(f"exported to {path}: init_params, forward, backward, loss; run it to train", "note")

    # ---- editing ---------------------------------------------------------------------------------------

    def on_editor_row_edited(self, message: EditorRow.Edited) -> None:
        self.say("re-running…", "note")
        self.rerun(message.options, self.session.current.name)

    def on_editor_row_invalid(self, message: EditorRow.Invalid) -> None:
        self.say(f"{message.error} — still showing the last good network", "error")

    @work(thread=True, exclusive=True, group="rerun")
    def rerun(self, options: Options, at: str) -> None:
        try:
            session = Session.start(options, at=at)
        except (ValueError, OSError) as error:
            self.call_from_thread(self.on_editor_row_invalid, EditorRow.Invalid(str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._adopt, session)

    def _adopt(self, session: Session) -> None:
        self.session = session
        self.query_one(EditorRow).show(session.options)
        self.say(session.note, "note")
        self.show_step()
