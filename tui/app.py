"""BackpropApp: step through one training step of a network, one matrix operation at a time."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.bindings import BINDINGS, EDITING, EXAMPLE, FIELD_KEYS
from tui.commands import StepCommands
from tui.dialogs import Dialogs
from tui.editing import Editing
from tui.session import Options, Session
from tui.startup import collect_from_here
from tui.training import Training
from tui.widgets.choice import Choice
from tui.widgets.editor import EditorRow
from tui.widgets.event_card import EventCard
from tui.widgets.field import Field
from tui.widgets.keys import KeyBar, key_items
from tui.widgets.summary import SummaryBar
from tui.widgets.timeline import Timeline
from tui.widgets.training import TrainingBar

WIDE = 160  # columns from which the timeline is wide enough for formulas
FIELD_NAMES = {"dataset": "data", "train-steps": "train steps"}


class BackpropApp(Editing, Training, Dialogs, App):
    """The main view: summary, timeline, current event, training bar, editor, message and keys.

    Stepping and showing live here; editing, training and the dialogs each in a module of their own.
    """

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "stepprop"
    AUTO_FOCUS = None
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-medium"), (WIDE, "-wide")]
    COMMANDS = App.COMMANDS | {StepCommands}
    BINDINGS = [*BINDINGS, *FIELD_KEYS]

    def __init__(self, options: Options | None = None, session: Session | None = None, exercise: bool = False,
                 back: str | None = None):
        super().__init__()
        self.exercise = exercise  # open in exercise mode
        self.back = back  # what escape goes back to, such as `stepprop debug`'s trace: the app exits with "back"
        self.session = session or Session.start(options or Options())  # a session the command line already started
        self._images_keys: bool | None = None  # whether the key bar shows , and . (the network reads images)
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

    def get_default_screen(self) -> Screen:
        # The screen's first Resize gives it its width's class, and a new class restyles every widget: given it now,
        # from the terminal's size, the first frame is styled once.
        screen = super().get_default_screen()
        screen.add_class(*screen._get_breakpoint_classes(self.size.width, self.HORIZONTAL_BREAKPOINTS))
        return screen

    def on_ready(self) -> None:
        collect_from_here()  # the first frame is drawn: start-up is over

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self.show_keys)
        self.say(self.session.note, "note")
        self.describe_step()
        self.refresh_view()
        if self.exercise:
            self.action_write_it()

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
        if self._images_keys != self.images():
            self.show_keys(self.screen.focused)

    def images(self) -> bool:
        """Whether the network reads images, whose arrays , and . step through example by example."""
        return len(self.session.net.inputs) == 3

    def refresh_view(self) -> None:
        """Another event of the same step: only the timeline's highlight and the card change."""
        s = self.session
        self.query_one(Timeline).mark(s.position)
        self.query_one(EventCard).show(s.current, len(s.plan), self.precision, s.net.layout.images,
                                       parameters=s.parameter_names, **self.pictures())

    def pictures(self) -> dict:
        """What the card draws besides the matrices: ‖dh_t‖ through time, attention's heatmap; mostly nothing."""
        event, s = self.session.current, self.session
        if (event.phase == "backward" and event.time is not None) or event.name in s.net.pictures:
            from tui.widgets.pictures import for_event
            card = self.query_one(EventCard)
            return for_event(event, s.events, s.net.pictures, lambda: card.example)
        return {}

    def show_keys(self, focused=None) -> None:
        """The keys that work now: stepping keys, or the field being edited and what its keys do."""
        if isinstance(focused, (Input, Choice)):
            items = [(f"editing {FIELD_NAMES.get(focused.id, focused.id)}", ""), *EDITING]
        else:
            self._images_keys = self.images()
            keys = [b for b in self.BINDINGS if self._images_keys or getattr(b, "group", None) is not EXAMPLE]
            items = [*keys, ("^p", "palette"), *([("esc", f"back to {self.back}")] if self.back else [])]
        self.query_one(KeyBar).show(key_items(items))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # s and e take priority, so that they work even while keys are in flight; but in a text field they are letters.
        main = self.screen is self.screen_stack[0]
        if action in ("edit_sizes", "edit", "architecture"):
            return main and not isinstance(self.screen.focused, Input)
        # The main screen's own keys for its fields; a dialog's fields keep theirs.
        if action == "submit_field":
            return main and isinstance(self.screen.focused, Field)
        if action == "leave_input":  # with nothing to leave, escape goes back where the app was opened from
            return main and (self.screen.focused is not None or bool(self.back))
        if action in ("next_field", "previous_field"):
            return main
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

    def jump(self, index: int) -> None:
        if self.training:
            self.say("training is running: T stops it, or wait for it to finish", "note")
            return
        if self.busy:
            return
        last = len(self.session.plan) - 1
        self.unsay("position")  # a note about where we were, or about the network just adopted, goes when we move
        self.unsay("adopted")
        if not 0 <= index <= last:
            edge = "last event of the step: t applies the update" if index > last else "first event of the step"
            self.say(f"this is the {edge}", "note", about="position")
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

    def on_timeline_selected(self, event: Timeline.Selected) -> None:
        self.jump(event.index)

    def action_precision(self, delta: int) -> None:
        self.precision = max(0, min(8, self.precision + delta))
        self.say(f"matrices show {self.precision} decimal place{'s' * (self.precision != 1)}", "note", about="position")
        self.refresh_view()

    def action_example(self, by: int) -> None:
        card = self.query_one(EventCard)
        if not card.images():
            self.say("no array of images on this card: , and . choose the example an image shows", "note")
            return
        card.choose_example(by)  # the card's headings say which example: a message would cost a layout

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
