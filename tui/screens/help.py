"""HelpScreen: every key, and the conventions the app shows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.screens import DIALOGS_CSS

CONVENTIONS = """\
Conventions
  layout    X        W_l             b_l          Z_l
  rows      (m, n)   (n_in, n_out)   (1, n_out)   A_prev @ W_l + b_l
  columns   (n, m)   (n_out, n_in)   (n_out, 1)   W_l @ A_prev + b_l
  augmented bias: each layer's input gets a ones column (rows) or row (columns),
  and b lives in W's extra row or column.

In a shape rule, underlined green dimensions must be equal (the inner
dimensions of @), and a yellow 1 is stretched by NumPy broadcasting.

Press escape to close."""


class HelpScreen(ModalScreen[None]):
    """The key list, built from the app's own bindings so it cannot drift from them."""

    CSS_PATH = DIALOGS_CSS

    AUTO_FOCUS = "#help"  # the arrow keys scroll at once

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close")]

    def __init__(self, keys: list[tuple[str, str]]):
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Content.styled("Keys", "bold"))
            with Grid(id="help-keys"):  # two columns, so a long description wraps under itself
                for key, action in self._keys:
                    yield Static(Content.styled(key, "bold $text-accent"), classes="key")
                    yield Static(action, classes="action", markup=False)
            yield Static(CONVENTIONS, id="help-conventions", markup=False)
