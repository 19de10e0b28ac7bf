"""Dialogs: help, gradient check, shape doctor, break it, write it, and export; each loaded when first opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

import engine
from tui.bindings import BINDINGS, EXAMPLE, FIELD_KEYS
from tui.session import Session

if TYPE_CHECKING:
    from tui.screens.gradcheck import GradCheckScreen


class Dialogs:
    """The app's actions that open a screen or write a file."""

    def action_help(self) -> None:
        keys = [(b.key_display or b.key, b.tooltip or b.description) for b in BINDINGS
                if b.group is not EXAMPLE or self.images()]  # , and . only where arrays of images show
        keys.append(("ctrl+p", "command palette: every action, and a jump to any event"))
        keys += [(b.key, b.tooltip) for b in FIELD_KEYS if b.key != "shift+tab"]  # tab's words say shift+tab's
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(keys))

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

    def action_doctor(self, line: str | None = None) -> None:
        from tui.screens.doctor import DoctorScreen

        s = self.session
        self.push_screen(DoctorScreen(s.matrices(), line or s.current.formula, s.truths(), s.axes()),
                         self._doctor_closed)

    def _doctor_closed(self, there: tuple[str, str] | None) -> None:
        """ctrl+g in the doctor: step to the event that computes a name, and reopen the doctor with the line."""
        if there is not None:
            name, line = there
            self.session.go(self.session.index_of(name))
            self.show_step()
            self.action_doctor(line)

    def action_break_it(self) -> None:
        event = self.session.current
        if event.phase != "backward":
            way = "] or n" if event.phase in ("forward", "loss") else "[ or p"
            article = "an" if event.phase[0] in "aeiou" else "a"
            self.say(f"b breaks backward formulas, and {event.name} is {article} {event.phase} event: step to one "
                     f"with {way}", "note", about="position")  # it goes when the event changes
            return
        from engine.doctor import mistakes
        from tui.screens.mistakes import MistakesScreen

        s = self.session
        found = mistakes(event.formula, s.matrices(), expected=event.value, axes=s.axes(),
                         own=event.planned.mistakes)
        self.push_screen(MistakesScreen(event.formula, found))

    def action_write_it(self) -> None:
        if self.training or self.busy:
            self.say("write it waits for training: T stops it", "note")
            return
        from tui.screens.exercise import ExerciseScreen

        self.push_screen(ExerciseScreen(self.session), lambda _: self.show_step())

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
        self.say(f"exported step {s.net.steps}'s parameters to {path}: a NumPy script with init_params, forward, "
                 f"backward and loss. Run it with python to keep training from step {s.net.steps}.", "note")
