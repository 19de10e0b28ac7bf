"""The app survives whatever the keyboard does, and after every key still shows a true card."""

from __future__ import annotations

import random
import re

import pytest
from pilot_helpers import card_text, settle

from tui.app import BackpropApp
from tui.bindings import BINDINGS
from tui.screens.doctor import DoctorScreen
from tui.screens.exercise import ExerciseScreen
from tui.screens.gradcheck import GradCheckScreen
from tui.screens.help import HelpScreen
from tui.screens.mistakes import MistakesScreen

SCREENS = (HelpScreen, DoctorScreen, GradCheckScreen, MistakesScreen, ExerciseScreen)
QUIT = {"q", "ctrl+q", "ctrl+c"}
PRESSES = 40  # a tenth of what one seed used to press; several seeds instead


def keys_of(bindings) -> list[str]:
    return [key.strip() for b in bindings for key in b.key.split(",")]


# The main screen's own keys (quit aside: it ends the test, not the app's trouble), what a person types into the
# editor and the doctor, and moving between inputs.
MAIN = [k for k in keys_of(BINDINGS) if k not in QUIT]
TYPING = ["tab", "shift+tab", "enter", "backspace", "delete", "up", "down", "pageup", "pagedown", "comma", "4", "0",
          "z", "A", "1", "full_stop"]


def choices(app) -> list[str]:
    """Keys worth pressing now: the top screen's bindings, the main keys and typing; q only where it closes."""
    top = app.screen
    own = keys_of(type(top).BINDINGS) if isinstance(top, SCREENS) else []
    return own + MAIN + TYPING


def check(app) -> None:
    """The invariant after every press: running, counter in range, and the card shows the current event."""
    assert app.is_running
    session = app.session
    total = len(session.plan)
    assert 0 <= session.position < total
    if len(app.screen_stack) > 1:
        assert isinstance(app.screen, SCREENS), app.screen
        return
    lines = card_text(app).splitlines()
    counter = re.search(r"event (\d+) of (\d+)", lines[0])
    assert counter, lines[0]
    number, of = int(counter.group(1)), int(counter.group(2))
    assert of == total and 1 <= number <= total
    event = session.events[number - 1]
    assert number - 1 == session.position
    titled = re.compile(r"╭─ (\S+)(?: new)? (\(.*?\)) ")  # an update's result is titled "W1 new"
    title = next(titled.search(line).groups() for line in reversed(lines) if titled.search(line))
    assert title == (event.name, str(event.value.shape)), (title, event)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
async def test_random_keys_from_every_screen_keep_the_card_true(seed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # x exports into the working directory
    rng = random.Random(seed)
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(PRESSES):
            key = rng.choice(choices(app))
            await pilot.press(key)
            await settle(pilot)
            check(app)
        for _ in range(6):  # close whatever is open with the keys a person would use
            if len(app.screen_stack) == 1:
                break
            await pilot.press("escape")
            await settle(pilot)
        assert len(app.screen_stack) == 1
        await pilot.press("escape", "home")
        await settle(pilot)
        check(app)
        assert card_text(app).splitlines()[0].strip().endswith(f"event 1 of {len(app.session.plan)}")
