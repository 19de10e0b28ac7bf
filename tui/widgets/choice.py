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

    BINDINGS = [Binding("enter,space,down,up", "open", "choose", show=False)]

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
    """The open list of a Choice, just below it; enter chooses, escape closes."""

    CSS_PATH = DIALOGS_CSS

    BINDINGS = [Binding("escape", "dismiss(None)", "close")]

    def __init__(self, choice: Choice):
        super().__init__()
        self.choice = choice

    def compose(self) -> ComposeResult:
        values = [v for _, v in self.choice.options]
        options = OptionList(*[Option(label, id=v) for label, v in self.choice.options], id="choices")
        options.highlighted = values.index(self.choice.value) if self.choice.value in values else 0
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
        event.stop()
        self.dismiss(event.option.id)
