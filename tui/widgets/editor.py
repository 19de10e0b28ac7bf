"""EditorRow: the running network's options, one field each; enter or a new choice applies that field alone."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid
from textual.content import Content
from textual.message import Message
from textual.widgets import Input

from engine import activations, layers, losses
from engine.layouts import LAYOUTS
from engine.network import BIASES, INITS
from tui.session import Options, parse_float, parse_int, parse_sizes, sizes_text
from tui.widgets.choice import Choice
from tui.widgets.field import Field

CHOICES = {
    "hidden": activations.HIDDEN,
    "output": activations.OUTPUT,
    "loss": losses.NAMES,
    "layout": tuple(LAYOUTS),
    "bias": BIASES,
    "init": INITS,
    "detail": layers.DETAILS,
}
TEXTS = ("sizes", "batch", "lr", "seed")
LABELS = {"dataset": "data"}


def text_of(options: Options, name: str) -> str:
    """What a text field shows for the running options."""
    if name == "sizes":
        return sizes_text(options.sizes)
    if name == "batch":
        return "all" if options.batch is None else str(options.batch)
    return f"{options.lr:g}" if name == "lr" else str(options.seed)


def parse(name: str, text: str) -> object:
    """A text field's value, or ValueError saying what was expected and what came."""
    if name == "sizes":
        return parse_sizes(text)
    if name == "batch":
        return parse_int("batch", text, 1, allow_blank=True)
    return parse_float("lr", text) if name == "lr" else parse_int("seed", text, 0)


class EditorRow(Grid):
    """Sizes, batch, activations, loss, layout, bias, init, data, lr and seed, always those of the running network.

    Each input or choice sits in its grid cell past a left margin, where the row draws the field's name: a label
    widget for each would slow the first screen.
    """

    COMPONENT_CLASSES = {"editor-row--name", "editor-row--refused"}

    # Plain classes, as Textual's own messages are: each dataclass would add about 0.2 ms to start-up.
    class Edited(Message):
        """One field holds a new, readable value: `field` and `value`."""

        def __init__(self, field: str, value: object):
            super().__init__()
            self.field, self.value = field, value

    class Invalid(Message):
        """A field's text cannot be read; `error` says why."""

        def __init__(self, field: str, error: str):
            super().__init__()
            self.field, self.error = field, error

    class Reverted(Message):
        """A field went back to the running value, and what was typed there is forgotten."""

        def __init__(self, field: str):
            super().__init__()
            self.field = field

    def __init__(self, options: Options, *, id: str | None = None):
        super().__init__(id=id)
        self._options = options
        self._applying: set[str] = set()  # text fields whose new value is being applied
        self._refused: str | None = None  # the field whose edit was refused

    def compose(self) -> ComposeResult:
        o = self._options
        for name in ("sizes", "batch"):
            yield Field(text_of(o, name), id=name, select_on_focus=True)
        for name, allowed in CHOICES.items():
            yield Choice([(a, a) for a in allowed], getattr(o, name), title=name, id=name)
        yield Choice(self._data_choices(o), o.dataset, title="data", id="dataset")
        for name in ("lr", "seed"):
            yield Field(text_of(o, name), id=name, select_on_focus=True)

    def render(self) -> Content:
        """The fields' names, each in the margin left of its input or choice."""
        top, left = self.content_region.y, self.content_region.x
        lines: list[list[tuple[int, Content]]] = [[] for _ in range(self.content_size.height)]
        for field in self.children:
            if not field.region:
                continue  # not laid out yet
            margin = field.styles.margin.left
            part = "editor-row--refused" if field.id == self._refused else "editor-row--name"
            name = Content.styled(LABELS.get(field.id, field.id)[:margin], self.get_visual_style(part, partial=True))
            lines[field.region.y - top].append((field.region.x - margin - left, name))
        return Content("\n").join(Content.assemble(*self._placed(line)) for line in lines)

    @staticmethod
    def _placed(names: list[tuple[int, Content]]) -> list[Content | str]:
        """Names at their columns (left to right), spaces between."""
        parts: list[Content | str] = []
        x = 0
        for column, name in names:
            parts += [" " * (column - x), name]
            x = column + name.cell_length
        return parts

    @staticmethod
    def _data_choices(o: Options) -> list[tuple[str, str]]:
        return [(o.data_label(d), d) for d in o.datasets]

    def show(self, options: Options) -> None:
        """Take on the options now running: every field shows them, and nothing is marked wrong."""
        self._options = options
        self._applying.clear()
        for name in TEXTS:
            field = self.query_one(f"#{name}", Input)
            field.value = text_of(options, name)
        for name in (*CHOICES, "dataset"):
            self.query_one(f"#{name}", Choice).value = getattr(options, name)
        self.mark(None)

    def revert(self, name: str) -> None:
        """One field back to the running value."""
        self._applying.discard(name)
        if name in TEXTS:
            self.query_one(f"#{name}", Input).value = text_of(self._options, name)
        else:
            self.query_one(f"#{name}", Choice).value = getattr(self._options, name)

    def mark(self, name: str | None) -> None:
        """Mark the field whose edit was refused (None clears the mark)."""
        self._refused = name
        for field in self.children:
            field.set_class(field.id == name, "-refused")
        self.refresh()

    def submit(self, field: Input) -> bool:
        """Enter in a text field: its value applied (Edited), or why it cannot be read (Invalid). True when read."""
        name = field.id
        try:
            value = parse(name, field.value)
        except ValueError as error:
            self.mark(name)
            self.post_message(self.Invalid(name, str(error)))
            return False
        self._applying.add(name)
        self.post_message(self.Edited(name, value))
        return True

    def on_choice_changed(self, event: Choice.Changed) -> None:
        event.stop()
        name = event.choice.id
        if event.value != getattr(self._options, name):
            self.post_message(self.Edited(name, event.value))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # Leaving a text field forgets what was typed there and not applied: the row shows the running network.
        name = event.widget.id
        if isinstance(event.widget, Input) and name in TEXTS and name not in self._applying:
            if event.widget.value != text_of(self._options, name):
                self.revert(name)
                self.mark(None)
                self.post_message(self.Reverted(name))
