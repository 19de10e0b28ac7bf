"""The help shows each key's words exactly as written: square brackets in them are text, not markup."""

from __future__ import annotations

import re
from pathlib import Path

from pilot_helpers import screen_text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

import tui
from tui.screens.help import HelpScreen

KEYS = [("[", "start of this phase; [ or p steps back"), ("]", "next phase [bold]fast[/bold]"),
        ("b", "break it [red]"), ("x", "export to [file].py")]


class KeysWithBrackets(App):
    CSS_PATH = Path(tui.__file__).with_name("app.tcss")  # the help laid out as in stepprop
    BINDINGS = [Binding("question_mark", "help", "help")]

    def compose(self) -> ComposeResult:
        yield Static("stepping")

    def action_help(self) -> None:
        self.push_screen(HelpScreen(KEYS))


async def test_brackets_in_a_key_description_are_shown_as_typed():
    app = KeysWithBrackets()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = screen_text(app)
        for key, words in KEYS:
            row = rf"│   {re.escape(key)} +{re.escape(words)} +│"
            assert any(re.search(row, line) for line in shown.splitlines()), (key, words, shown)
        assert "Conventions" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert "Conventions" not in screen_text(app)
