"""Editing: the editor's keys and messages; an edit re-runs the network (a slow one in a worker) once training stops."""

from __future__ import annotations

import asyncio

from textual import work
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.session import KEEPS_TRAINING, Options, Session, edited, plain, quick
from tui.widgets.editor import EditorRow

SLOW = 0.2  # seconds a re-run takes before the message says it is re-running


async def typed(widget: Widget | None) -> None:
    """Once the widget has handled every key sent to it so far (they wait in its own queue)."""
    if widget is not None and widget.is_attached:
        done = asyncio.Event()
        widget.call_later(done.set)
        await done.wait()


class Editing:
    """The app's editing half: s and e, one field applied at a time, refusals put back and explained."""

    rerunning = None  # the timer that says "re-running…" once a re-run is slow

    # set_focus, not focus(): focus() waits for the next idle moment, and keys typed fast would arrive before it.
    def action_edit_sizes(self) -> None:
        self.screen.set_focus(self.query_one("#sizes", Input))

    def action_edit(self) -> None:
        self.screen.set_focus(self.query_one("#batch", Input))

    async def action_architecture(self) -> None:
        # Awaited, so that keys typed right after a wait for the line and land in it.
        (await self.architecture()).open()

    async def architecture(self):
        """The layers line, made the first time it is opened: start-up makes no widget it does not show."""
        from tui.widgets.architecture import Architecture
        found = self.query(Architecture)
        if found:
            return found.first()
        line = Architecture(self.session.options, id="architecture")
        await self.mount(line, before="#message")
        return line

    # escape, enter, tab and shift+tab in a field take priority: the app handles each before any key typed after it,
    # once the field has taken every key typed before it, so a whole sequence typed at once lands as the screen shows
    async def action_leave_input(self) -> None:
        if self.focused is None and self.back:
            self.exit("back")  # nothing to leave here: back to where the app was opened from
            return
        await typed(self.screen.focused)
        self.set_focus(None)

    async def action_submit_field(self) -> None:
        """Enter in a field: apply its text, and give the keys back to stepping (the steps field trains)."""
        field = self.screen.focused
        await typed(field)
        if field.id == "train-steps":
            self.set_focus(None)
            self.start_training()
        elif (self.query_one("#architecture") if field.id == "layers" else self.query_one(EditorRow)).submit(field):
            self.set_focus(None)

    async def action_next_field(self) -> None:
        await typed(self.screen.focused)
        self.screen.focus_next()

    async def action_previous_field(self) -> None:
        await typed(self.screen.focused)
        self.screen.focus_previous()

    def on_editor_row_edited(self, message: EditorRow.Edited) -> None:
        if message.field in ("layers", "preset"):
            self.set_focus(None)  # a new architecture: the keys go back to stepping through it
        if self.training:
            self.pending = (message.field, message.value)
            self.say(f"stopping training to apply the new {message.field}…", "note")
            self.workers.cancel_group(self, "train")
            return
        self.apply(message.field, message.value)

    async def on_editor_row_invalid(self, message: EditorRow.Invalid) -> None:
        self.say(f"{message.error} — still showing the last good network", "error", about=message.field)
        if message.field == "layers":
            (await self.architecture()).open()  # the line stays, to be mended

    def on_editor_row_reverted(self, message: EditorRow.Reverted) -> None:
        self.unsay(message.field)

    def apply(self, field: str, value: object, note: str = "") -> None:
        try:
            options, change = edited(self.session.options, field, value)
        except (ValueError, OSError) as error:
            self._refused(field, error)
            return
        note = " · ".join(filter(None, (note, change)))
        if quick(options):  # in a few milliseconds: at once, drawn in one frame, rather than through a thread
            self.workers.cancel_group(self, "rerun")
            self._started(self._start(options, field, note), field)
            return
        # Said only when the re-run is slow: each message lays the screen out again, which a quick re-run would wait on.
        self.rerunning = self.set_timer(SLOW, lambda: self.say("re-running…", "note", about=field))
        self.rerun(options, field, note)

    @work(thread=True, exclusive=True, group="rerun")
    def rerun(self, options: Options, field: str, note: str) -> None:
        started = self._start(options, field, note)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._started, started, field)

    def _start(self, options: Options, field: str, note: str) -> Session | Exception:
        """The new session, or what the engine refused."""
        trained = self.session if field in KEEPS_TRAINING else None
        try:
            return Session.start(options, at=self.session.current.name, note=note, trained=trained)
        except (ValueError, OSError) as error:
            return error

    def _started(self, started: Session | Exception, field: str) -> None:
        if self.rerunning:
            self.rerunning.stop()
        if isinstance(started, Exception):
            self._refused(field, started)
        else:
            self._adopt(started)

    def _refused(self, field: str, error: Exception) -> None:
        self.say(f"{field} not changed: {plain(error)}", "error", about=field)
        if field in ("layers", "preset"):
            for line in self.query("#architecture"):
                line.mark(True)
                line.open()  # what was typed stays, to be mended
            return
        editor = self.query_one(EditorRow)
        editor.revert(field)
        editor.mark(field)

    def _adopt(self, session: Session) -> None:
        before, old = self.session.current.name, self.session.net
        self.session = session
        self.query_one(EditorRow).show(session.options)
        for line in self.query("#architecture"):
            line.show(session.options)
        notes = [session.note]
        if session.current.name != before:
            notes.append(f"{before} is not part of this network's step; showing {session.current.name}")
        if session.net is old:
            notes.append(f"same network: training goes on from step {old.steps}, parameters and loss curve kept")
        else:
            notes.append("a new network: training starts again from step 0"
                         + (f" (was step {old.steps})" if old.steps else ""))
        self.say(" · ".join(filter(None, notes)), "note", about="adopted")  # read once: it goes at the next move
        self.show_step()
