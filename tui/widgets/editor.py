"""EditorRow: the running network's options, one field each; enter or a new choice applies that field alone."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.message import Message
from textual.widgets import Input, Label, Select

from engine import activations, losses
from engine.layouts import LAYOUTS
from engine.network import BIASES, INITS
from tui.session import Options, parse_float, parse_int, parse_sizes, sizes_text

CHOICES = {
    "hidden": activations.HIDDEN,
    "output": activations.OUTPUT,
    "loss": losses.NAMES,
    "layout": tuple(LAYOUTS),
    "bias": BIASES,
    "init": INITS,
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
    """Sizes, batch, activations, loss, layout, bias, init, data, lr and seed, always those of the running network."""

    @dataclass
    class Edited(Message):
        """One field holds a new, readable value: `field` and `value`."""

        field: str
        value: object

    @dataclass
    class Invalid(Message):
        """A field's text cannot be read; `error` says why."""

        field: str
        error: str

    @dataclass
    class Reverted(Message):
        """A field went back to the running value, and what was typed there is forgotten."""

        field: str

    def __init__(self, options: Options, *, id: str | None = None):
        super().__init__(id=id)
        self._options = options
        self._applying: set[str] = set()  # text fields whose new value is being applied

    def compose(self) -> ComposeResult:
        o = self._options
        for name in ("sizes", "batch"):
            yield self._field(name, Input(text_of(o, name), id=name, compact=True, select_on_focus=True))
        for name, allowed in CHOICES.items():
            yield self._field(name, Select([(a, a) for a in allowed], value=getattr(o, name), allow_blank=False,
                                           id=name, compact=True))
        yield self._field("dataset", Select(self._data_choices(o), value=o.dataset, allow_blank=False, id="dataset",
                                            compact=True))
        for name in ("lr", "seed"):
            yield self._field(name, Input(text_of(o, name), id=name, compact=True, select_on_focus=True))

    @staticmethod
    def _data_choices(o: Options) -> list[tuple[str, str]]:
        return [(o.data_label(d), d) for d in o.datasets]

    @staticmethod
    def _field(name: str, widget) -> Horizontal:
        return Horizontal(Label(LABELS.get(name, name)), widget, classes=f"field field-{name}")

    def show(self, options: Options) -> None:
        """Take on the options now running: every field shows them, and nothing is marked wrong."""
        self._options = options
        self._applying.clear()
        for name in TEXTS:
            field = self.query_one(f"#{name}", Input)
            field.value = text_of(options, name)
        for name in (*CHOICES, "dataset"):
            select = self.query_one(f"#{name}", Select)
            if select.value != getattr(options, name):
                select.value = getattr(options, name)
        self.mark(None)

    def revert(self, name: str) -> None:
        """One field back to the running value."""
        self._applying.discard(name)
        if name in TEXTS:
            self.query_one(f"#{name}", Input).value = text_of(self._options, name)
        else:
            self.query_one(f"#{name}", Select).value = getattr(self._options, name)

    def mark(self, name: str | None) -> None:
        """Mark the field whose edit was refused (None clears the mark)."""
        for field in self.query(".field"):
            field.set_class(name is not None and field.has_class(f"field-{name}"), "-refused")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.input.id
        if name not in TEXTS:
            return
        try:
            value = parse(name, event.value)
        except ValueError as error:
            self.mark(name)
            self.post_message(self.Invalid(name, str(error)))
            return
        self._applying.add(name)
        self.post_message(self.Edited(name, value))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        name = event.select.id
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
