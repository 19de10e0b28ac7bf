"""ExerciseScreen: write each line of the step yourself; enter checks it against the engine, tensor by tensor."""

from __future__ import annotations

from collections import Counter

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from engine.exercise import AFTER_HINTS, REVEALED, RIGHT_FIRST, Attempt, Verdict
from tui.screens import DIALOGS_CSS
from tui.session import Session
from tui.widgets.keys import KeyBar, key_items

SCOPE_KEYS = {"f": "forward", "b": "backward", "a": "all"}
SCOPE_WORDS = {"forward": "forward only (the loss included)", "backward": "backward only", "all": "all of it"}
CHOOSE = [("f", "forward only"), ("b", "backward only"), ("a", "all"), ("esc", "back to the step")]
WRITING = [("enter", "check"), ("h", "hint"), ("r", "reveal"), ("↑", "your last line"), ("esc", "back to the step")]
SCORED = [("t", "next step, new values"), ("f/b/a", "write this step again"), ("esc", "back to the step")]
_OUTCOME_STYLE = {RIGHT_FIRST: "bold $text-success", AFTER_HINTS: "$text-warning", REVEALED: "$text-error"}


def mark(ok: bool) -> Content:
    return Content.styled("✓" if ok else "✗", "bold $text-success" if ok else "bold $text-error")


def checks_content(v: Verdict) -> Content:
    """shape right / exact / close / max diff, each marked."""
    diff = "—" if v.max_diff is None else f"{v.max_diff:.3g}"
    return Content.assemble("shape right ", mark(v.shape_ok), "   exact ", mark(v.exact), "   close ",
                            mark(v.close), f"   max diff {diff}")


class AnswerInput(Input):
    """The learner's line. While it is empty, h and r are the screen's keys, since no line starts with them."""

    KEYS = {"h": "hint", "r": "reveal"}

    async def _on_key(self, event: events.Key) -> None:
        if not self.value and event.key in self.KEYS:
            event.stop()
            event.prevent_default()
            await self.screen.run_action(self.KEYS[event.key])
            return
        await super()._on_key(event)


class ExerciseScreen(Screen[None]):
    """Choose forward, backward or all; then, event by event, the card hides the line and the result and the
    learner writes it. A score closes the step."""

    CSS_PATH = DIALOGS_CSS

    BINDINGS = [
        Binding("f", "choose('forward')", "forward only", show=False),
        Binding("b", "choose('backward')", "backward only", show=False),
        Binding("a", "choose('all')", "all", show=False),
        Binding("h", "hint", "hint", show=False),
        Binding("r", "reveal", "reveal", show=False),
        Binding("up", "recall", "your last line", show=False),
        Binding("t", "next_step", "next step", show=False),
        Binding("escape", "close", "back", show=False),
        # the stepping view's keys would act on the step hidden behind this screen
        Binding("n,p,space,left,right,home,end,left_square_bracket,right_square_bracket,T,g,d,x,w,plus,minus,"
                "equals_sign", "nothing", show=False),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.scope: str | None = None
        self.order: list[int] = []
        self.at = 0  # position in order
        self.attempts: list[Attempt] = []
        self.last_line = ""
        self.checking = False  # a line is being judged in a worker

    def compose(self) -> ComposeResult:
        with Vertical(id="exercise"):
            yield Static(id="ex-title")
            yield Static(id="ex-card")
            yield AnswerInput(id="answer")
            yield Static(id="ex-hints")
            with VerticalScroll(id="ex-result"):
                yield Static(id="ex-verdict")
        yield KeyBar(id="ex-keys")

    def on_mount(self) -> None:
        self.sheet = self.session.sheet()
        self.show_choice()

    # ---- states ------------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        if self.scope is None:
            return "choose"
        return "score" if self.at >= len(self.order) else "writing"

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.checking and action in ("hint", "reveal", "recall"):
            return False
        allowed = {"choose": ("choose",), "writing": ("hint", "reveal", "recall"),
                   "score": ("choose", "next_step")}[self.state]
        return action in allowed or action in ("close", "nothing")

    def heading(self, what: str) -> Content:
        net = self.session.net
        return Content.assemble(("Write it yourself", "bold $text-accent"), f" · step {net.steps} · ",
                                net.short, f" · {net.layout_name} layout, {net.bias} bias · ",
                                what)

    def show_choice(self) -> None:
        self.query_one("#ex-title", Static).update(self.heading("which events will you write?"))
        self.query_one("#ex-card", Static).update(Content.assemble(
            "Each card shows an event's term and what it reads; its NumPy line and its result are hidden.\n"
            "Type the line, as ", ("dW2 = A1.T @ dZ2", "bold"), " or just the right-hand side; enter checks it "
            "against the engine.\n\n",
            ("f", "bold $text-accent"), " forward only (the loss included)   ", ("b", "bold $text-accent"),
            " backward only   ", ("a", "bold $text-accent"), " all"))
        self.query_one("#answer").display = False
        self.query_one("#ex-hints", Static).update("")
        self.query_one("#ex-verdict", Static).update("")
        self.show_keys(CHOOSE)

    def show_keys(self, items) -> None:
        self.query_one(KeyBar).show(key_items(items))

    def action_choose(self, scope: str) -> None:
        self.scope = scope
        self.order = self.sheet.chosen(scope)
        self.attempts = [Attempt(self.sheet.events[i].name) for i in self.order]
        self.at = 0
        self.query_one("#ex-verdict", Static).update("")
        self.show_event()

    def show_event(self) -> None:
        if self.state == "score":
            self.show_score()
            return
        index = self.order[self.at]
        e = self.sheet.events[index]
        what = f"{e.phase} · {self.at + 1} of {len(self.order)} ({SCOPE_WORDS[self.scope]})"
        self.query_one("#ex-title", Static).update(self.heading(what))
        reads = [Content.assemble((label, "bold"), f" {shape}") for label, shape in e.operands]
        self.query_one("#ex-card", Static).update(Content.assemble(
            ("write ", "$text-muted"), (f"{e.name} = ?", "bold $text-accent"),
            (f"   event {index + 1}, {e.phase}, layer {e.layer}", "$text-muted"), "\n",
            ("term  ", "$text-muted"), e.term, "\n",
            ("reads ", "$text-muted"), Content("  ·  ").join(reads) if reads else "nothing"))
        answer = self.query_one("#answer", AnswerInput)
        answer.display = True
        answer.placeholder = f"{e.name} = …"
        answer.clear()
        self.query_one("#ex-hints", Static).update("")
        self.show_keys(WRITING)
        self.set_focus(answer)

    def show_score(self) -> None:
        self.query_one("#answer").display = False
        self.query_one("#ex-hints", Static).update("")
        self.set_focus(None)
        counts = Counter(a.outcome for a in self.attempts)
        said = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
        self.query_one("#ex-title", Static).update(self.heading(f"score: {SCOPE_WORDS[self.scope]}"))
        self.query_one("#ex-card", Static).update(Content.assemble(
            ("Score", "bold"), f" of step {self.session.net.steps}: {len(self.attempts)} events, {said}. "
            "Revealed means shown with r."))
        width = max(len("event"), *(len(a.name) for a in self.attempts))
        rows = [Content.styled(f"{'event':<{width}}  {'outcome':<24}  tries  hints", "bold")]
        for a in self.attempts:
            rows.append(Content.assemble(f"{a.name:<{width}}  ",
                                         (f"{a.outcome:<24}", _OUTCOME_STYLE.get(a.outcome, "")),
                                         f"  {a.tries:>5}  {a.hints:>5}"))
        self.query_one("#ex-verdict", Static).update(Content("\n").join(rows))
        self.show_keys(SCORED)

    # ---- writing -----------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.state != "writing" or self.checking or not event.value.strip():
            return
        self.checking = True
        self.last_line = event.value
        event.input.clear()
        self.query_one("#ex-verdict", Static).update(Content.styled(f"checking {event.value}…", "$text-muted"))
        self.judge(self.at, event.value)

    @work(thread=True, exclusive=True, group="exercise")
    def judge(self, at: int, line: str) -> None:
        """Naming a mistake searches break-it's catalogue and the doctor's fixes: off the screen's thread."""
        verdict = self.sheet.judge(self.order[at], line)
        self.app.call_from_thread(self.judged, at, verdict)

    def judged(self, at: int, verdict: Verdict) -> None:
        self.checking = False
        if not self.is_attached or at != self.at or self.state != "writing":
            return
        attempt = self.attempts[self.at]
        if verdict.error is None:
            attempt.tries += 1
        if verdict.right:
            attempt.right = True
            self.show_verdict(verdict, Content.assemble((f"✓ {verdict.name} is right", "bold $text-success"),
                                                        "  ", verdict.text))
            self.advance()
        else:
            self.show_verdict(verdict, Content.styled(f"✗ {verdict.name} is not right yet", "bold $text-error"))

    def show_verdict(self, v: Verdict, head: Content) -> None:
        e = self.sheet.events[self.order[self.at]]
        rows = [head, Content.assemble(("your line  ", "$text-muted"), v.line)]
        if v.error:
            rows.append(Content.styled(f"refused: {v.error}", "$text-warning"))
        else:
            rows.append(checks_content(v))
        if v.right:
            rows.append(Content.assemble(("the engine's line  ", "$text-muted"), (e.formula, "bold")))
        elif not v.error:
            rows.append(Content.assemble(("mistake  " if v.mistake else "verdict  ", "$text-muted"),
                                         (v.summary, "bold $text-accent")))
            rows.append(Content(v.diagnosis))
            rows.append(Content.styled("↑ brings your line back to edit · h a hint · r reveals", "$text-muted"))
        self.query_one("#ex-verdict", Static).update(Content("\n").join(rows))
        self.query_one("#ex-result").scroll_home(animate=False)

    def advance(self) -> None:
        self.at += 1
        self.last_line = ""
        self.show_event()

    def action_hint(self) -> None:
        if not self.check_action("hint", ()):
            return
        attempt = self.attempts[self.at]
        hints = self.sheet.hints(self.order[self.at])
        if attempt.hints < len(hints):
            attempt.hints += 1
        shown = [Content.assemble((f"hint {k + 1}  ", "bold $text-warning"), text)
                 for k, text in enumerate(hints[:attempt.hints])]
        if attempt.hints == len(hints):
            shown.append(Content.styled("no more hints: r reveals the line", "$text-muted"))
        self.query_one("#ex-hints", Static).update(Content("\n").join(shown))

    def action_reveal(self) -> None:
        if not self.check_action("reveal", ()):
            return
        e = self.sheet.events[self.order[self.at]]
        self.attempts[self.at].revealed = True
        self.query_one("#ex-verdict", Static).update(Content.assemble(
            (f"revealed {e.name}", "bold $text-warning"), "\n", ("the engine's line  ", "$text-muted"),
            (e.formula, "bold")))
        self.advance()

    def action_recall(self) -> None:
        answer = self.query_one("#answer", AnswerInput)
        if self.last_line and not answer.value:
            answer.value = self.last_line
            answer.cursor_position = len(self.last_line)

    def action_next_step(self) -> None:
        self.session.finish_step()
        self.sheet = self.session.sheet()
        self.action_choose(self.scope)

    def action_nothing(self) -> None:
        pass

    def action_close(self) -> None:
        self.dismiss(None)
