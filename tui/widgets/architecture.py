"""Architecture: the running network as one line of layers, with the presets beside it; `a` opens it.

Enter applies the line (the network re-runs, as a sizes edit does); escape closes it, forgetting what was typed.
A line that does not parse is refused here, naming the item, and stays to be mended.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from engine import layers
from tui.presets import PRESETS, matching
from tui.session import Options
from tui.widgets.choice import Choice
from tui.widgets.editor import EditorRow
from tui.widgets.field import Field

CUSTOM = "custom"


class Architecture(Horizontal):
    """The layer string and the preset picker, shown while one of them has the keys."""

    def __init__(self, options: Options, *, id: str | None = None):
        super().__init__(id=id)
        self._options = options
        self._submitted: str | None = None  # a line sent to run: kept while it runs, in case it is refused

    def compose(self) -> ComposeResult:
        yield Static("layers", id="layers-label")
        yield Field(self._options.stack, id="layers", select_on_focus=True)
        presets = [(p.label, name) for name, p in PRESETS.items()] + [(CUSTOM, CUSTOM)]
        yield Choice(presets, matching(self._options) or CUSTOM, title="preset", id="preset")

    def open(self) -> None:
        self.add_class("-open")
        self.screen.set_focus(self.query_one("#layers", Input))

    def show(self, options: Options) -> None:
        """Take on the running network: its stack as text, its preset if it is one."""
        self._options = options
        self.query_one("#layers", Input).value = options.stack
        self.query_one("#preset", Choice).value = matching(options) or CUSTOM
        self.mark(False)

    def mark(self, refused: bool) -> None:
        self._submitted = None
        self.query_one("#layers", Input).set_class(refused, "-refused")

    def submit(self, field: Input) -> bool:
        """Enter in the line: the stack applied (Edited), or the item it cannot read (Invalid). True when read."""
        try:
            text = layers.normalised(layers.parse(field.value))
        except ValueError as error:
            self.mark(True)
            self.post_message(EditorRow.Invalid("layers", str(error)))
            return False
        self._submitted = field.value
        self.post_message(EditorRow.Edited("layers", text))
        return True

    def on_choice_changed(self, event: Choice.Changed) -> None:
        event.stop()
        if event.value != CUSTOM:
            self.post_message(EditorRow.Edited("preset", event.value))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.call_after_refresh(self._close_unless_focused)

    def _close_unless_focused(self) -> None:
        focused = self.screen.focused
        if focused is None or focused not in self.query("*"):
            if self.app.screen is self.screen:  # a preset list open over it keeps it open
                self.remove_class("-open")
                field = self.query_one("#layers", Input)
                if field.value != self._submitted:  # escape, or the keys elsewhere: what was typed is forgotten
                    field.value = self._options.stack
                    field.remove_class("-refused")
