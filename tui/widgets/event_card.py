"""EventCard: the current event's formula, chain-rule term, shape rule, operands and result."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical
from textual.content import Content
from textual.widgets import Static

from engine import Event
from tui.widgets.matrix import MatrixPanel
from tui.widgets.shape_rule import ShapeRule

MAX_OPERANDS = 3


class EventCard(Vertical):
    """Everything one event says. Panels are reused, so stepping only updates text."""

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        yield Static(id="formula")
        yield Static(id="term")
        yield ShapeRule(id="rule")
        with HorizontalScroll(id="operands"):
            for k in range(MAX_OPERANDS):
                yield MatrixPanel(id=f"operand-{k}", classes="operand")
        yield MatrixPanel(id="result")

    def show(self, event: Event, total: int, precision: int, max_rows: int, max_cols: int) -> None:
        self.query_one("#where", Static).update(Content.assemble(
            (event.phase, "bold $accent"), f"  layer {event.layer}  ·  event {event.index + 1} of {total}"))
        self.query_one("#formula", Static).update(Content.styled(event.formula, "bold"))
        self.query_one("#term", Static).update(event.term)
        self.query_one("#rule", ShapeRule).show(event)
        for k in range(MAX_OPERANDS):
            panel = self.query_one(f"#operand-{k}", MatrixPanel)
            if k < len(event.arrays):
                label, _ = event.operands[k]
                panel.show(label, event.arrays[k], precision, max_rows, max_cols)
                panel.display = True
            else:
                panel.display = False
        self.query_one("#result", MatrixPanel).show(event.name, event.value, precision, max_rows, max_cols)
