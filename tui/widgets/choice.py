"""Choice: one option's value on one line; enter, space or a click opens the list of its values under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Offset
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.screens import DIALOGS_CSS


class Choice(Widget, can_focus=True):
    """A value from a fixed list. Lighter than Select: the list is made only when it is opened."""

    # priority: the list opens at once, so the keys typed right after (down, enter) reach it
    BINDINGS = [Binding("enter,space,down,up", "open", "choose", show=False, priority=True)]

    value: reactive[str] = reactive("", layout=False)

    class Changed(Message):
        """The learner chose another value."""

        def __init__(self, choice: Choice, value: str):
            super().__init__()
            self.choice, self.value = choice, value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, options: list[tuple[str, str]], value: str, *, title: str, id: str | None = None):
        super().__init__(id=id)
        self.options = options  # (label, value) pairs
        self.title = title  # what the open list calls it: "choosing layout"
        self.set_reactive(Choice.value, value)

    def render(self) -> Content:
        label = next((text for text, v in self.options if v == self.value), self.value)
        width = self.content_size.width
        return Content.assemble(label[: max(width - 2, 1)].ljust(max(width - 2, 1)), (" ▼", "$text-muted"))

    def action_open(self) -> None:
        self.app.push_screen(ChoiceList(self), self._chosen)

    def on_click(self) -> None:
        self.focus()
        self.action_open()

    def _chosen(self, value: str | None) -> None:
        if value is not None and value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))


class ChoiceList(ModalScreen[str | None]):
    """The open list of a Choice, just below it; enter chooses and moves on to the next field, escape goes back.

    Its keys act at once, even before the list is drawn: the keys typed right after them go where they say.
    """

    CSS_PATH = DIALOGS_CSS

    BINDINGS = [Binding("escape", "close", "close", priority=True),
                Binding("enter", "choose", "choose", priority=True),
                Binding("down", "move(1)", show=False, priority=True),
                Binding("up", "move(-1)", show=False, priority=True)]

    def __init__(self, choice: Choice):
        super().__init__()
        self.choice = choice
        values = [v for _, v in choice.options]
        self.index = values.index(choice.value) if choice.value in values else 0  # the highlighted value

    def action_move(self, by: int) -> None:
        lists = self.query(OptionList)
        if lists:  # drawn: it also moves with home, end and the page keys
            self.index = lists.first().highlighted or 0
        self.index = max(0, min(self.index + by, len(self.choice.options) - 1))
        if lists:
            lists.first().highlighted = self.index

    def action_choose(self, index: int | None = None) -> None:
        lists = self.query(OptionList)
        if index is None and lists:
            index = lists.first().highlighted
        choice = self.choice
        self.dismiss(choice.options[self.index if index is None else index][1])
        choice.screen.focus_next()  # the list is gone at once: the next field has the keys typed after enter

    def action_close(self) -> None:
        self.dismiss(None)  # back to the choice

    def compose(self) -> ComposeResult:
        options = OptionList(*[Option(label, id=v) for label, v in self.choice.options], id="choices")
        options.highlighted = self.index
        options.border_title = f"choosing {self.choice.title}"
        options.border_subtitle = "↑↓ enter esc"
        yield options

    def on_mount(self) -> None:
        region = self.choice.region
        options = self.query_one(OptionList)
        height = len(self.choice.options) + 2
        width = max(region.width, max(len(label) for label, _ in self.choice.options) + 4, 24)
        options.styles.width = width
        options.styles.height = height
        below = region.bottom if region.bottom + height <= self.size.height else max(region.y - height, 0)
        options.styles.offset = Offset(min(region.x, max(self.size.width - width, 0)), below)
        self.set_focus(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click on a value
        self.action_choose(event.option_index)
