"""The app survives whatever the keyboard does."""

from __future__ import annotations

import random

from pilot_helpers import screen_text, settle

from tui.app import BackpropApp

KEYS = ["n", "p", "d", "b", "g", "x", "T", "right", "left", "space", "home", "end", "left_square_bracket",
        "right_square_bracket", "t", "plus", "minus", "question_mark", "escape", "tab", "shift+tab", "enter", "up", "down", "backspace",
        "comma", "x", "4", "0", "z", "delete", "pageup", "pagedown"]


async def test_hundreds_of_random_key_presses(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # x exports into the working directory
    rng = random.Random(7)
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(400):
            await pilot.press(rng.choice(KEYS))
        await settle(pilot)
        while len(app.screen_stack) > 1:
            app.pop_screen()
        await pilot.pause()
        app.set_focus(None)
        await pilot.press("home")
        assert "Z1 = " in screen_text(app)
        assert app.is_running
