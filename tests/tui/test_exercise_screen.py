"""Write it yourself in the app: w, choose the events, type lines right and wrong, a hint, a reveal, the score."""

from __future__ import annotations

from pilot_helpers import screen_text, settle

from tui.app import BackpropApp
from tui.session import Options

# The default network's step, every forward and backward line, spelled a learner's way where it may be.
LINES = {
    "Z1": "np.dot(X, W1) + b1", "A1": "sigmoid(Z1)", "Z2": "A1 @ W2 + b2", "A2": "sigmoid(Z2)",
    "L": "np.sum(np.logaddexp(0, Z2) - Y * Z2) / m", "dZ2": "(A2 - Y) / m", "dW2": "A1.T.dot(dZ2)",
    "db2": "dZ2.sum(axis=0, keepdims=True)", "dA1": "dZ2 @ W2.T", "dZ1": "dA1 * A1 * (1 - A1)",
    "dW1": "X.T @ dZ1", "db1": "np.sum(dZ1, axis=0, keepdims=True)",
}


def flat(app) -> str:
    return " ".join(screen_text(app).split())


async def type_line(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)  # the check runs in a worker


async def test_w_walks_a_whole_step_with_right_and_wrong_lines_a_hint_a_reveal_and_a_score():
    app = BackpropApp(Options())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert "which events will you write?" in flat(app)
        await pilot.press("a")
        await pilot.pause()
        text = flat(app)
        assert "write Z1 = ? event 1, forward, layer 1" in text and "1 of 12" in text
        assert "reads X (2, 4) · W1 (4, 3) · b1 (1, 3)" in text
        assert "X @ W1 + b1" not in text  # the line is hidden
        await type_line(pilot, LINES["Z1"])
        text = flat(app)
        assert "✓ Z1 is right Z1 | exact: True | approximate: True | maxdiff: 0.0" in text
        assert "the engine's line Z1 = X @ W1 + b1" in text and "write A1 = ?" in text

        await type_line(pilot, "A1 = Z1")  # forgot the activation: right shape, wrong values
        text = flat(app)
        assert "✗ A1 is not right yet" in text and "shape right ✓ exact ✗ close ✗ max diff" in text
        assert "write A1 = ?" in text
        await type_line(pilot, LINES["A1"])
        for name in ("Z2", "A2", "L", "dZ2"):
            assert f"write {name} = ?" in flat(app)
            await type_line(pilot, LINES[name])

        assert "write dW2 = ?" in flat(app) and "term ∂L/∂W2 = A1ᵀ · ∂L/∂Z2" in flat(app)
        await type_line(pilot, "dW2 = A1 @ dZ2")
        text = flat(app)
        assert "mistake missing transpose" in text and "A1 is (2, 3): 2 examples × 3 hidden units" in text
        await pilot.press("h")
        await pilot.pause()
        assert "hint 1 dW2 must come out (3, 3); the shape rule: (2, 3)ᵀ @ (2, 3) → (3, 3)" in flat(app)
        assert "hint 2" not in flat(app)
        await pilot.press("h")
        await pilot.pause()
        assert "hint 2 the term: ∂L/∂W2 = A1ᵀ · ∂L/∂Z2; in NumPy" in flat(app)
        await type_line(pilot, LINES["dW2"])
        assert "✓ dW2 is right" in flat(app)

        assert "write db2 = ?" in flat(app)
        await pilot.press("r")
        await pilot.pause()
        assert "revealed db2 the engine's line db2 = dZ2.sum(axis=0, keepdims=True)" in flat(app)
        for name in ("dA1", "dZ1", "dW1"):
            assert f"write {name} = ?" in flat(app)
            await type_line(pilot, LINES[name])
        await type_line(pilot, "db1 = dZ1.sum(axis=0)")  # missing keepdims, then back with ↑ to fix it
        assert "mistake missing keepdims" in flat(app)
        await pilot.press("up", "backspace", *", keepdims=True)", "enter")
        await settle(pilot)

        text = screen_text(app)
        assert "Score of step 0: 12 events" in flat(app)
        assert "Revealed means shown with r." in flat(app)
        rows = {line.split()[0]: " ".join(line.split()[1:]) for line in text.splitlines()
                if line.split() and line.split()[0] in LINES}
        assert rows["Z1"] == "right first time 1 0"
        assert rows["A1"] == "right after wrong tries 2 0"
        assert rows["dW2"] == "right after hints 2 2"
        assert rows["db2"] == "revealed 0 0"
        assert rows["db1"] == "right after wrong tries 2 0"
        assert "t next step, new values" in text

        before = app.session.events[0].value.copy()
        await pilot.press("t")
        await pilot.pause()
        text = flat(app)
        assert "step 1" in text and "write Z1 = ? event 1" in text and "1 of 12" in text
        assert not (app.session.events[0].value == before).all()  # new values from the same network
        await type_line(pilot, LINES["Z1"])
        assert "✓ Z1 is right" in flat(app)  # checked against the new step's values
        await pilot.press("escape")
        await pilot.pause()
        assert "step 1" in flat(app) and "event 1 of 16" in flat(app)


async def test_backward_only_in_the_columns_layout_with_augmented_bias():
    app = BackpropApp(Options(layout="columns", bias="augmented", sizes=(4, 5, 3, 3)))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("w", "b")
        await pilot.pause()
        assert "write dZ3 = ?" in flat(app) and "1 of 8 (backward only)" in flat(app)
        await type_line(pilot, "(A3 - Y) / m")
        await type_line(pilot, "np.dot(dZ3, A2_aug.T)")
        assert "✓ dW3 is right" in flat(app)
        await type_line(pilot, "dZ3.T @ W3[:, :-1]")
        assert "write dA2 = ?" in flat(app) and "✗ dA2 is not right yet" in flat(app)
        await type_line(pilot, "W3[:, :-1].T @ dZ3")
        assert "✓ dA2 is right" in flat(app) and "write dZ2 = ?" in flat(app)


async def test_exercise_flag_opens_the_mode_and_forward_only_stops_at_the_loss():
    app = BackpropApp(Options(), exercise=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "which events will you write?" in flat(app)
        await pilot.press("f")
        await pilot.pause()
        for name in ("Z1", "A1", "Z2", "A2"):
            await type_line(pilot, LINES[name])
        await pilot.press("r")
        await pilot.pause()
        text = flat(app)
        assert "Score of step 0: 5 events, 4 right first time, 1 revealed" in text


async def test_a_refused_line_does_not_count_as_a_try():
    app = BackpropApp(Options())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("w", "b")
        await pilot.pause()
        await type_line(pilot, "dZ1")
        assert "refused: dZ1 is computed at event 10, not before dZ2 (event 6)" in flat(app)
        await type_line(pilot, LINES["dZ2"])
        for name in ("dW2", "db2", "dA1", "dZ1", "dW1", "db1"):
            await type_line(pilot, LINES[name])
        assert "Score of step 0: 7 events, 7 right first time" in flat(app)


async def test_the_stepping_keys_do_nothing_behind_the_exercise():
    app = BackpropApp(Options())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("w", "n", "n", "d", "g", "x")
        await pilot.pause()
        assert "which events will you write?" in flat(app) and "Shape doctor" not in flat(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "event 1 of 16" in flat(app)


async def test_the_heading_names_a_stack_as_the_status_line_does():
    options = Options(layers="linear 8, layernorm, relu, dropout 0.2, linear 3, softmax", output="softmax",
                      loss="ce", dataset="spirals", batch=16)
    app = BackpropApp(options)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("w")
        await settle(pilot)
        assert ("Write it yourself · step 0 · 2 → 8 → ln → relu → drop 0.2 → 3 → softmax · rows layout, vector bias"
                in screen_text(app))
