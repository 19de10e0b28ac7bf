"""The shape doctor (d), break-it mode (b) and export (x), driven from the keyboard."""

from __future__ import annotations

import subprocess
import sys

from pilot_helpers import screen_text

from tui.app import BackpropApp


async def open_doctor_at(pilot, steps: int) -> None:
    for _ in range(steps):
        await pilot.press("n")
    await pilot.press("d")
    await pilot.pause()


async def diagnose(pilot, text: str) -> str:
    """Type into the doctor's input, which has the keys from the moment it opens: clear it, type, enter."""
    await pilot.press("home", "ctrl+k", *text, "enter")
    await pilot.pause()
    return screen_text(pilot.app)


async def test_d_opens_the_doctor_on_the_current_formula_with_the_matrices_so_far():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_doctor_at(pilot, 6)  # dW2
        assert app.screen.query_one("#expr").value == "dW2 = A1.T @ dZ2"
        text = screen_text(app)
        assert "X, Y, W1, b1, W2, b2, Z1, A1, Z2, A2, L, dZ2, dW2" in text and "dA1" not in text
        assert "✓ evaluates to shape (3, 3)" in text


async def test_the_doctor_blames_the_culprit_explains_and_offers_fixes_that_fill_the_input():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_doctor_at(pilot, 6)
        text = await diagnose(pilot, "error2 = A1.T - dZ2")
        assert "culprit: A1.T - dZ2" in text
        assert "operands could not be broadcast together with shapes (3,2) (2,3)" in text
        assert "(3, 2)" in text and "(2, 3)" in text  # the explanation speaks in Python tuples
        assert "A1.T  (3, 2)" in text
        fixes = app.screen.query_one("#fixes")
        assert fixes.option_count > 0
        first = str(fixes.get_option_at_index(0).prompt).split(" · ", 1)[1]  # "label · line"
        await pilot.press("tab")
        assert app.focused is fixes
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#expr").value == first
        assert "✓ evaluates" in screen_text(app)


async def test_the_doctor_refuses_what_is_outside_its_grammar():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_doctor_at(pilot, 0)
        text = await diagnose(pilot, "__import__('os').system('true')")
        assert "refused: not allowed" in text
        await pilot.press("escape")
        assert "Shape doctor" not in screen_text(app)
        await pilot.press("n")
        assert app.session.position == 1


async def test_b_on_a_backward_event_shows_the_wrong_versions_and_what_numpy_says():
    app = BackpropApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("b")  # a forward event: nothing to break
        await pilot.pause()
        assert "Break it" not in screen_text(app)
        for _ in range(6):
            await pilot.press("n")
        await pilot.press("b")
        await pilot.pause()
        text = screen_text(app)
        assert "the right line is dW2 = A1.T @ dZ2" in text
        assert "missing transpose" in text and "dW2 = A1 @ dZ2" in text and "matmul" in text
        assert "* where @ was meant" in text and "could not be broadcast together with shapes (3,2) (2,3)" in text
        await pilot.press("escape", "n", "b")
        await pilot.pause()
        text = screen_text(app)
        assert "db2 = dZ2.sum(axis=0, keepdims=True)" in text and "sum over the wrong axis" in text


async def test_x_exports_a_script_that_trains(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        script = tmp_path / "stepprop_4-3-3_rows_vector_step0.py"
        assert script.exists()
        assert f"exported step 0's parameters to {script}" in str(app.query_one("#message").render())
    text = script.read_text()
    assert "Z1 = X @ W1 + b1  # (2, 4) @ (4, 3) + (1, 3) -> (2, 3)" in text
    run = subprocess.run([sys.executable, "-W", "error", str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    losses = [float(word) for line in run.stdout.splitlines() for word in line.split() if word[:1].isdigit()
              and "." in word]
    assert losses and losses[-1] < losses[0]
