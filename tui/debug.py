"""`stepprop debug`'s app: step through every line's arrays of the learner's own script, and the line that failed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import OptionList, Static

import engine.datasets
from engine.script import Recording, ScriptEvent, Twin
from engine.script.recording import headline
from tui.screens.doctor import DoctorScreen
from tui.screens.help import HelpScreen
from tui.session import FILE, Options, Session
from tui.widgets.keys import KeyBar, key_items
from tui.widgets.script_card import ScriptCard
from tui.widgets.script_timeline import ScriptTimeline

ENDS = Binding.Group("first/last")
BINDINGS = [
    Binding("n,right,space", "next", "next", key_display="n/→/␣", tooltip="next line"),
    Binding("p,left", "previous", "back", key_display="p/←", tooltip="previous line"),
    Binding("home", "first", "first", group=ENDS, tooltip="first line"),
    Binding("end", "last", "last", group=ENDS, tooltip="last line: the one that failed, if one did"),
    Binding("d", "doctor", "doctor", tooltip="shape doctor on this line, over the arrays the script had made"),
    Binding("o", "open_twin", "open in engine", tooltip="open the engine twin in stepprop's stepping view"),
    Binding("pageup", "scroll_card(-1)", "scroll", show=False, tooltip="the card a page up, when it is taller"),
    Binding("pagedown", "scroll_card(1)", "scroll", show=False, tooltip="the card a page down, when it is taller"),
    Binding("question_mark", "help", "help", key_display="?", tooltip="this help"),
    Binding("q", "quit", "quit", tooltip="quit"),
]


# ---- the twin as the stepping view's options --------------------------------------------------------------------


SCRIPTS_DATA = "your script's X, Y"
OPEN_TWIN = "open the twin"  # what DebugApp exits with when `o` asks for the twin
BACK = "the trace"  # where escape in the twin's stepping view goes back to


def twin_options(twin: Twin, folder: str | Path) -> Options:
    """The options that open the twin in BackpropApp: its network, its learning rate and the script's own data.

    Data other than the question's is written as .npy files (one example per row) into `folder`.
    """
    X = twin.X if twin.layout == "rows" else twin.X.T
    Y = twin.Y if twin.layout == "rows" else twin.Y.T
    options = Options(sizes=twin.sizes, hidden=twin.hidden, output=twin.output, loss=twin.loss, layout=twin.layout,
                      bias=twin.bias, lr=twin.lr)
    question_X, question_Y = engine.datasets.question()
    if X.shape == question_X.shape and Y.shape == question_Y.shape and np.array_equal(X, question_X) \
            and np.array_equal(Y, question_Y):
        return options.but(dataset="question")
    folder = Path(folder)
    np.save(folder / "X.npy", X)
    np.save(folder / "Y.npy", Y)
    return options.but(dataset=FILE, data=str(folder / "X.npy"), targets=str(folder / "Y.npy"),
                       data_name=SCRIPTS_DATA)


def twin_session(twin: Twin, script: str, folder: str | Path) -> Session:
    """The twin as the stepping view shows it: starting from the script's own weights where they fit, and a note
    saying whose data and weights these are, and how to go back."""
    options = twin_options(twin, folder)
    data = SCRIPTS_DATA + (" (the question's)" if options.dataset == "question" else "")
    note = f"the twin of {Path(script).name}: {data}; {twin.weights}. esc goes back to {BACK}"
    return Session.start(options, note=note, params=twin.params)


# ---- the app ------------------------------------------------------------------------------------------------------


class DebugApp(App):
    """Step through a recorded script. `o` exits with OPEN_TWIN, for the twin's BackpropApp to open next."""

    CSS_PATH = [Path(__file__).with_name("app.tcss"), Path(__file__).with_name("debug.tcss")]
    TITLE = "stepprop debug"
    AUTO_FOCUS = None
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = BINDINGS

    def __init__(self, recording: Recording, events: list[ScriptEvent], twin: Twin | None, how: str,
                 position: int | None = None):
        super().__init__()
        self.recording = recording
        self.events = events
        self.twin = twin
        self.how = how
        if position is None:  # the failing line, else the first; back from the twin, the line it was opened on
            position = len(events) - 1 if events and events[-1].failing else 0
        self.position = position

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="main"):
            yield ScriptTimeline(self.events, self.recording.runs, id="timeline")
            yield ScriptCard(id="card")
        yield Static(id="output")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        r = self.recording
        name = Path(r.script).name
        kind = "$text-success" if r.ok else "$text-error"
        twin = (f"twin: {self.twin.describe()}  (o opens it)\n{self.twin.weights}" if self.twin is not None
                else self.how)
        self.query_one("#status", Static).update(Content.assemble((f"{name}: ", "bold"), (headline(r), kind), "\n",
                                                                  (twin, "$text-muted")))
        self.query_one("#output").border_title = "the script's output"
        self.query_one(KeyBar).show(key_items(self.BINDINGS))
        self.show()

    def output_text(self, rows: int) -> Content:
        """The last lines the script printed, stderr (its traceback) after stdout, as many as fit."""
        r = self.recording
        lines = [(line, "") for line in r.stdout.splitlines()] + [(line, "$text-error")
                                                                   for line in r.stderr.splitlines()]
        if not lines:
            return Content.styled("(the script printed nothing)", "$text-muted")
        return Content("\n").join(Content.styled(text, style) for text, style in lines[-max(rows, 1):])

    def show(self) -> None:
        if not self.events:
            self.query_one(ScriptCard).refresh()
            return
        self.query_one(ScriptTimeline).mark(self.position)
        self.query_one(ScriptCard).show(self.events[self.position], len(self.events), 3)

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_output)  # once the layout has given the output panel its height
        self.show()

    def show_output(self) -> None:
        output = self.query_one("#output", Static)
        output.update(self.output_text(output.scrollable_content_region.height))

    def jump(self, index: int) -> None:
        if self.events:
            self.position = max(0, min(index, len(self.events) - 1))
            self.show()

    def action_next(self) -> None:
        self.jump(self.position + 1)

    def action_previous(self) -> None:
        self.jump(self.position - 1)

    def action_first(self) -> None:
        self.jump(0)

    def action_last(self) -> None:
        self.jump(len(self.events) - 1)

    def action_scroll_card(self, pages: int) -> None:
        card = self.query_one(ScriptCard)
        card.scroll_to(y=card.scroll_y + pages * max(card.size.height - 2, 1), animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = ScriptTimeline.event_index(event.option)
        if index is not None:
            self.jump(index)

    def matrices(self) -> dict:
        """The arrays the script had made up to this line (by their last recorded values), and its numbers."""
        if not self.events:
            return {}
        event = self.events[self.position]
        if event.failing:
            return dict(event.diagnosis.env)
        env: dict = {k: v for k, v in self.recording.scalars.items()}
        for e in self.events[: self.position + 1]:
            env.update((n, a) for n, a, kept in zip(e.operand_names, e.arrays, e.kept) if kept)
            if e.recorded and not e.failing:
                env[e.name] = e.value
        return env

    def action_doctor(self) -> None:
        if not self.events:
            return
        event = self.events[self.position]
        expr = event.diagnosis.doctor_line if event.failing and event.diagnosis.doctor_line else event.formula
        self.push_screen(DoctorScreen(self.matrices(), expr))

    def action_help(self) -> None:
        keys = [(b.key_display or b.key, b.tooltip or b.description) for b in self.BINDINGS]
        self.push_screen(HelpScreen(keys))

    def action_open_twin(self) -> None:
        if self.twin is None:
            self.notify(self.how, severity="warning")
            return
        self.exit(OPEN_TWIN)
