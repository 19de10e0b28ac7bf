"""Editing the network in place: re-runs, kept positions, inline errors, synthetic data."""

from __future__ import annotations

from pilot_helpers import card_text, screen_text, settle

from tui.app import BackpropApp
from tui.session import Options


async def submit(pilot, field: str, text: str) -> None:
    widget = pilot.app.query_one(f"#{field}")
    widget.focus()
    widget.value = text
    await pilot.press("enter")
    await settle(pilot)


async def test_editing_sizes_reruns_and_shows_every_dependent_shape():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await submit(pilot, "sizes", "4,5,3")
        await pilot.press("escape", "home")
        text = screen_text(app)
        assert "4 → 5 → 3" in text.splitlines()[0]
        assert "W1 (4, 5)" in card_text(app) and "Z1 (2, 5)" in card_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket", "n")  # dW2
        assert "dW2 (5, 3)" in card_text(app)
        assert "(5, 3)" in screen_text(app)


async def test_rerun_keeps_the_position_by_event_name():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(9):
            await pilot.press("n")
        assert "dZ1 = dA1 * A1 * (1 - A1)" in card_text(app)
        await submit(pilot, "sizes", "4,6,3")
        assert "dZ1 = dA1 * A1 * (1 - A1)" in card_text(app)
        assert "dZ1 (2, 6)" in card_text(app)


async def test_bad_sizes_show_an_error_and_keep_the_last_good_network():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        before = card_text(app)
        await submit(pilot, "sizes", "4,,x")
        message = str(app.query_one("#message").render())
        assert "entry 2 of '4,,x' is empty" in message
        assert "still showing the last good network" in message
        assert "4 → 3 → 3" in screen_text(app).splitlines()[0]
        assert card_text(app).split() == before.split()
        await pilot.press("escape", "n")
        assert "Z2 = A1 @ W2 + b2" in card_text(app)


async def test_refused_combination_shows_the_engines_message_inline():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#output").value = "softmax"
        await settle(pilot)
        assert "softmax' pairs only with loss 'ce'" in screen_text(app)
        assert "sigmoid → sigmoid" in screen_text(app).splitlines()[0]


async def test_choosing_columns_layout_transposes_every_shape():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#layout").value = "columns"
        await settle(pilot)
        card = card_text(app)
        assert "Z1 = W1 @ X + b1" in card
        assert "W1 (3, 4)" in card and "X (4, 2)" in card and "b1 (3, 1)" in card
        assert "columns layout" in screen_text(app).splitlines()[0]


async def test_sizes_that_do_not_fit_switch_to_synthetic_data_and_say_so():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await submit(pilot, "sizes", "5,4,2")
        assert "synthetic binary data, 2 examples" in str(app.query_one("#message").render())
        assert "X (2, 5)" in card_text(app)


async def test_batch_edit_changes_m():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await submit(pilot, "batch", "1")
        assert "m = 1" in screen_text(app).splitlines()[0]
        assert "X (1, 4)" in card_text(app)
        await submit(pilot, "batch", "9")
        assert "question's data has 2 examples; got batch 9" in screen_text(app)
        assert "m = 1" in screen_text(app).splitlines()[0]


async def test_big_network_steps_through_every_event_with_truncated_panels():
    app = BackpropApp(Options(sizes=(784, 128, 10), batch=64))
    async with app.run_test(size=(100, 30)) as pilot:
        assert "784 → 128 → 10" in screen_text(app).splitlines()[0]
        assert "X (64, 784)" in card_text(app) and "W1 (784, 128)" in card_text(app)
        assert "…" in card_text(app) and "⋮" in card_text(app)
        for _ in range(len(app.session.plan) - 1):
            await pilot.press("n")
        assert "b2 = b2 - lr * db2" in card_text(app)
        await pilot.press("home", "right_square_bracket", "right_square_bracket", "n")
        assert "dW2 (128, 10)" in card_text(app)
