"""The doctor inside the app knows the engine's true values: fixes labelled right values, names not reached yet,
and break-it's kept bias row, all driven from the keyboard."""

from __future__ import annotations

from pilot_helpers import screen_text

from tui.app import BackpropApp
from tui.session import Options


async def type_line(pilot, text: str) -> str:
    """Clear the doctor's input and type a line, as a person would, then diagnose it with enter."""
    await pilot.press("ctrl+a", "ctrl+k", *text, "enter")
    await pilot.pause()
    return screen_text(pilot.app)


async def step_to(pilot, name: str) -> None:
    for _ in range(pilot.app.session.index_of(name)):
        await pilot.press("n")
    await pilot.pause()


async def test_the_forum_line_gets_the_right_values_fix_first_and_choosing_it_checks_out():
    app = BackpropApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await step_to(pilot, "dW2")
        await pilot.press("d")
        await pilot.pause()
        text = await type_line(pilot, "dW2 = (1/m) * dZ2 * A1.T")
        assert "culprit: (1/m) * dZ2 * A1.T" in text
        assert "2 examples × 3 outputs" in text  # the axes, in words
        assert "right values · dW2 = A1.T @ dZ2" in text
        await pilot.press("tab", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "✓ evaluates to shape (3, 3)  right values" in text


async def test_a_name_the_step_has_not_reached_says_where_it_is_computed():
    app = BackpropApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        text = await type_line(pilot, "A1 + 1")
        assert "not reached yet: A1 is computed at event 2 (forward, layer 1); ctrl+g goes there" in text


async def test_ctrl_g_goes_to_the_event_not_reached_yet_and_keeps_the_typed_line():
    app = BackpropApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await step_to(pilot, "dZ2")
        await pilot.press("d")
        await pilot.pause()
        text = await type_line(pilot, "dW1 = X.T @ dZ1")
        assert "not reached yet: dZ1 is computed at event 10 (backward, layer 1); ctrl+g" in text
        await pilot.press("ctrl+g")
        await pilot.pause()
        text = screen_text(app)
        assert "event 10 of 16" in text and "dZ1 = dA1 * A1 * (1 - A1)" in text  # the card behind the doctor
        assert "dW1 = X.T @ dZ1" in text and "✓ evaluates to shape (4, 3)  right values" in text
        await pilot.press("end")  # inside the doctor, end moves the cursor: the event stays
        await pilot.pause()
        assert app.session.position == 9


async def test_a_silent_broadcast_is_blamed_like_a_crash():
    app = BackpropApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await step_to(pilot, "db2")
        await pilot.press("d")
        await pilot.pause()
        text = await type_line(pilot, "db2 = dZ2.sum(axis=1, keepdims=True)")
        assert "✗ runs, but culprit: dZ2.sum(axis=1, keepdims=True)" in text
        assert "NumPy: raises nothing" in text
        assert "right values · db2 = dZ2.sum(axis=0, keepdims=True)" in text


async def test_break_it_under_augmented_bias_keeps_the_bias_row_and_explains_it():
    app = BackpropApp(Options(bias="augmented", layout="columns"))
    async with app.run_test(size=(120, 60)) as pilot:
        await step_to(pilot, "dA1")
        await pilot.press("b")
        await pilot.pause()
        text = screen_text(app)
        assert "the right line is dA1 = W2[:, :-1].T @ dZ2" in text
        assert "kept the bias row" in text and "dA1 = W2.T @ dZ2" in text
        assert "fix: dA1 = W2[:, :-1].T @ dZ2  right values" in text
