"""BackpropApp: step through one training step of a network, one matrix operation at a time."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.worker import get_current_worker

import engine
from tui.bindings import BINDINGS, CHOOSING, EDITING
from tui.commands import StepCommands
from tui.session import Options, Session, edited, plain
from tui.widgets.editor import EditorRow
from tui.widgets.event_card import EventCard
from tui.widgets.keys import KeyBar, key_items
from tui.widgets.summary import SummaryBar
from tui.widgets.timeline import Timeline
from tui.widgets.training import TrainingBar

if TYPE_CHECKING:
    from tui.screens.gradcheck import GradCheckScreen

WIDE = 160  # columns from which the timeline is wide enough for formulas
FIELD_NAMES = {"dataset": "data", "train-steps": "train steps"}


class BackpropApp(App):
    """The main view: summary, timeline, current event, training bar, editor, message and keys."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "stepprop"
    AUTO_FOCUS = None
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-medium"), (WIDE, "-wide")]
    COMMANDS = App.COMMANDS | {StepCommands}
    BINDINGS = BINDINGS

    def __init__(self, options: Options | None = None, session: Session | None = None):
        super().__init__()
        self.session = session or Session.start(options or Options())  # a session the command line already started
        self.precision = 3
        self.busy = False  # finishing a step in a worker
        self.pending: tuple[str, object] | None = None  # an edit waiting for training to stop
        self.about: str | None = None  # the field the message on screen is about

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
        self.watch(self.screen, "focused", self.show_keys)
        self.say(self.session.note, "note")
        self.describe_step()
        self.refresh_view()

    def get_system_commands(self, screen):
        # Textual's own "Keys" panel lists bindings without their help and closes on no key of ours; ? is ours.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")

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
        self.query_one(EventCard).show(s.current, len(s.plan), self.precision)

    def show_keys(self, focused=None) -> None:
        """The keys that work now: stepping keys, or the field being edited and what its keys do."""
        if isinstance(focused, (Input, Select)):
            items = [(f"editing {FIELD_NAMES.get(focused.id, focused.id)}", ""), *EDITING]
        elif focused is not None and isinstance(focused.parent, Select):  # a choice's open list
            items = [(f"choosing {FIELD_NAMES.get(focused.parent.id, focused.parent.id)}", ""), *CHOOSING]
        else:
            items = [*self.BINDINGS, ("^p", "palette")]
        self.query_one(KeyBar).show(key_items(items))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # s and e take priority, so that they work even while keys are in flight; but in a field they are letters.
        if action in ("edit_sizes", "edit"):
            return self.screen is self.screen_stack[0] and self.screen.focused is None
        return True

    def say(self, text: str, kind: str, about: str | None = None) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_classes(kind)
        message.display = bool(text)
        self.about = about

    def unsay(self, about: str) -> None:
        """Clear the message when its cause, an edit of that field, is gone."""
        if self.about == about:
            self.say("", "note")

    # ---- stepping --------------------------------------------------------------------------------------

    @property
    def training(self) -> bool:
        return any(w.group == "train" and w.is_running for w in self.workers)

    def jump(self, index: int) -> None:
        if self.training:
            self.say("training is running: T stops it, or wait for it to finish", "note")
            return
        if self.busy:
            return
        last = len(self.session.plan) - 1
        if not 0 <= index <= last:
            edge = "last event of the step: t applies the update" if index > last else "first event of the step"
            self.notify(f"this is the {edge}", timeout=2)
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
        self.notify(f"{self.precision} decimal places", timeout=1.5)
        self.refresh_view()

    def action_help(self) -> None:
        keys = [(b.key_display or b.key, b.tooltip or b.description) for b in self.BINDINGS]
        keys.append(("ctrl+p", "command palette: every action, and a jump to any event"))
        keys += [("tab", "in an input: the next field (shift+tab the previous one)"),
                 ("enter", "in an input: apply that field, and give the keys back to stepping")]
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(keys))

    def action_finish_step(self) -> None:
        if self.training:
            self.say("training is running: T stops it, or wait for it to finish", "note")
        elif not self.busy:
            self.busy = True
            self.finish_step()

    @work(thread=True, exclusive=True, group="compute")
    def finish_step(self) -> None:
        self.session.finish_step()
        self.call_from_thread(self._finished)

    def _finished(self) -> None:
        self.busy = False
        self.show_step()

    # ---- editing ---------------------------------------------------------------------------------------

    # set_focus, not focus(): focus() waits for the next idle moment, and keys typed fast would arrive before it.
    def action_edit_sizes(self) -> None:
        self.screen.set_focus(self.query_one("#sizes", Input))

    def action_edit(self) -> None:
        self.screen.set_focus(self.query_one("#batch", Input))

    def action_leave_input(self) -> None:
        self.set_focus(None)

    def on_editor_row_edited(self, message: EditorRow.Edited) -> None:
        self.set_focus(None)  # the keys go back to stepping
        if self.training:
            self.pending = (message.field, message.value)
            self.say(f"stopping training to apply the new {message.field}…", "note")
            self.workers.cancel_group(self, "train")
            return
        self.apply(message.field, message.value)

    def on_editor_row_invalid(self, message: EditorRow.Invalid) -> None:
        self.say(f"{message.error} — still showing the last good network", "error", about=message.field)

    def on_editor_row_reverted(self, message: EditorRow.Reverted) -> None:
        self.unsay(message.field)

    def apply(self, field: str, value: object, note: str = "") -> None:
        try:
            options, change = edited(self.session.options, field, value)
        except (ValueError, OSError) as error:
            self._refused(field, error)
            return
        self.say("re-running…", "note", about=field)
        self.rerun(options, field, " ".join(filter(None, (note, change))))

    @work(thread=True, exclusive=True, group="rerun")
    def rerun(self, options: Options, field: str, note: str) -> None:
        try:
            session = Session.start(options, at=self.session.current.name, note=note)
        except (ValueError, OSError) as error:
            self.call_from_thread(self._refused, field, error)
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._adopt, session)

    def _refused(self, field: str, error: Exception) -> None:
        editor = self.query_one(EditorRow)
        editor.revert(field)
        editor.mark(field)
        self.say(f"{field} not changed: {plain(error)}", "error", about=field)

    def _adopt(self, session: Session) -> None:
        before, steps = self.session.current.name, self.session.net.steps
        self.session = session
        self.query_one(EditorRow).show(session.options)
        notes = [session.note]
        if session.current.name != before:
            notes.append(f"{before} is not part of this network's step; showing {session.current.name}")
        if steps:
            notes.append(f"a new network: training starts again from step 0 (was step {steps})")
        self.say(" · ".join(filter(None, notes)), "note")
        self.show_step()

    # ---- training and checking --------------------------------------------------------------------------

    class Trained(Message):
        """Training has reached `done` steps; bursts of these merge."""

        def __init__(self, done: int, history: list[tuple[int, float]]):
            super().__init__()
            self.done = done
            self.history = history

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BackpropApp.Trained)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "train-steps":
            self.set_focus(None)
            self.start_training()

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

    def on_backprop_app_trained(self, message: Trained) -> None:
        self.query_one(TrainingBar).advance(message.done, message.history)

    def _trained(self, done: int, steps: int) -> None:
        self.query_one(TrainingBar).stop()
        self.say("" if done == steps else f"training stopped after {done} of {steps} steps", "note")
        self.show_step()
        if self.pending is not None:
            (field, value), self.pending = self.pending, None
            self.apply(field, value, note=f"training stopped after {done} of {steps} steps for the edit;")

    def action_gradient_check(self) -> None:
        if self.training:
            self.say("training is running: T stops it, or wait for it to finish", "note")
            return
        from tui.screens.gradcheck import GradCheckScreen

        screen = GradCheckScreen(list(self.session.net.params))
        self.push_screen(screen)
        self.gradient_check(screen, self.session)

    @work(thread=True, exclusive=True, group="check")
    def gradient_check(self, screen: GradCheckScreen, session: Session) -> None:
        from engine.gradcheck import MAX_ENTRIES

        worker = get_current_worker()
        errors = engine.gradient_check(session.net, session.X, session.Y,
                                       progress=lambda key, k, n: screen.post_message(screen.Progress(key, k, n)),
                                       cancelled=lambda: worker.is_cancelled or not screen.is_attached)
        if len(errors) == len(session.net.params):
            sampled = {k for k, P in session.net.params.items() if P.size > MAX_ENTRIES}
            self.call_from_thread(screen.show, errors, session.events, sampled)

    def action_doctor(self) -> None:
        from tui.screens.doctor import DoctorScreen

        s = self.session
        self.push_screen(DoctorScreen(s.matrices(), s.current.formula, s.truths(), s.axes()))

    def action_break_it(self) -> None:
        event = self.session.current
        if event.phase != "backward":
            way = "] or n" if event.phase in ("forward", "loss") else "[ or p"
            article = "an" if event.phase[0] in "aeiou" else "a"
            self.say(f"b breaks backward formulas, and {event.name} is {article} {event.phase} event: step to one "
                     f"with {way}", "note")
            return
        from engine.doctor import mistakes
        from tui.screens.mistakes import MistakesScreen

        s = self.session
        found = mistakes(event.formula, s.matrices(), expected=event.value, axes=s.axes())
        self.push_screen(MistakesScreen(event.formula, found))

    def action_export(self) -> None:
        s = self.session
        if self.training:
            self.say("export waits for training: T stops it", "note")
            return
        from tui.deliver import deliver

        name = f"stepprop_{'-'.join(map(str, s.net.sizes))}_{s.net.layout_name}_{s.net.bias}_step{s.net.steps}.py"
        X, Y = s.batches.X, s.batches.Y
        try:
            path = deliver(self, name, engine.export.script(s.net, X, Y, s.options.lr))
        except OSError as error:
            self.say(f"export failed: {error.strerror or error}: {error.filename or name}", "error")
            return
        self.say(f"exported step {s.net.steps}'s parameters to {path}: init_params, forward, backward, loss; "
                 "run it to train on", "note")
