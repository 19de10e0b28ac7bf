"""EditorRow: the network's options as inputs and choices; enter or a new choice asks for a re-run."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select

from engine import activations, losses
from engine.layouts import LAYOUTS
from engine.network import BIASES
from tui.session import Options, parse_float, parse_int, parse_sizes

CHOICES = {
    "hidden": activations.HIDDEN,
    "output": activations.OUTPUT,
    "loss": losses.NAMES,
    "layout": tuple(LAYOUTS),
    "bias": BIASES,
}


class EditorRow(Horizontal):
    """Sizes, batch, activations, loss, layout, bias, lr and seed, editable in place."""

    @dataclass
    class Edited(Message):
        """The editor holds valid options that differ from the running ones."""

        options: Options

    @dataclass
    class Invalid(Message):
        """The editor's text cannot be read as options; `error` says why."""

        error: str

    def __init__(self, options: Options, *, id: str | None = None):
        super().__init__(id=id)
        self._options = options

    def compose(self) -> ComposeResult:
        o = self._options
        yield self._field("sizes", Input(",".join(map(str, o.sizes)), id="sizes", compact=True))
        yield self._field("batch", Input("" if o.batch is None else str(o.batch), placeholder="all", id="batch",
                                         compact=True))
        for name, allowed in CHOICES.items():
            yield self._field(name, Select([(a, a) for a in allowed], value=getattr(o, name), allow_blank=False,
                                           id=name, compact=True))
        yield self._field("lr", Input(f"{o.lr:g}", id="lr", compact=True))
        yield self._field("seed", Input(str(o.seed), id="seed", compact=True))

    @staticmethod
    def _field(label: str, widget) -> Vertical:
        return Vertical(Label(label), widget, classes=f"field field-{label}")

    def read(self) -> Options:
        """The options the fields spell, or ValueError naming the field that does not parse."""
        text = {i.id: i.value for i in self.query(Input)}
        choices = {name: self.query_one(f"#{name}", Select).value for name in CHOICES}
        return self._options.but(
            sizes=parse_sizes(text["sizes"]),
            batch=parse_int("batch", text["batch"], 1, allow_blank=True),
            lr=parse_float("lr", text["lr"]),
            seed=parse_int("seed", text["seed"], 0),
            **choices,
        )

    def show(self, options: Options) -> None:
        """Take on the options that are now running, without asking for another re-run."""
        self._options = options
        sizes = self.query_one("#sizes", Input)
        if parse_sizes(sizes.value) != options.sizes:
            sizes.value = ",".join(map(str, options.sizes))
        for name in CHOICES:
            select = self.query_one(f"#{name}", Select)
            if select.value != getattr(options, name):
                select.value = getattr(options, name)

    def _submit(self) -> None:
        try:
            options = self.read()
        except ValueError as error:
            self.post_message(self.Invalid(str(error)))
            return
        self.post_message(self.Edited(options))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value != getattr(self._options, event.select.id):
            self._submit()
