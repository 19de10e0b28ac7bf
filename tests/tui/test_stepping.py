"""Stepping through the default network's events with the keyboard."""

from __future__ import annotations

import pytest

from pilot_helpers import card_text, screen_text, settle

from tui.app import BackpropApp

FORWARD_AND_BACKWARD = ["Z1 = X @ W1 + b1", "A1 = sigmoid(Z1)", "Z2 = A1 @ W2 + b2", "A2 = sigmoid(Z2)",
                        "dZ2 = (A2 - Y) / m", "dW2 = A1.T @ dZ2", "db2 = dZ2.sum(axis=0, keepdims=True)",
                        "dA1 = dZ2 @ W2.T", "dZ1 = dA1 * A1 * (1 - A1)", "dW1 = X.T @ dZ1",
                        "db1 = dZ1.sum(axis=0, keepdims=True)"]


async def test_default_network_shows_every_event_and_the_question_shapes():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        seen = [card_text(app)]
        for _ in range(15):
            await pilot.press("n")
            seen.append(card_text(app))
        for formula in FORWARD_AND_BACKWARD:
            assert any(formula in screen for screen in seen), formula
        first = seen[0]
        assert "X (2, 4)" in first and "W1 (4, 3)" in first and "Z1 (2, 3)" in first
        assert "(2, 4) @ (4, 3) + (1, 3) → (2, 3)" in first
        assert "b2 = b2 - lr * db2" in seen[-1]


async def test_summary_shows_sizes_m_settings_step_and_loss():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)):
        region = app.query_one("#summary").region
        top = " ".join(screen_text(app).splitlines()[region.y:region.bottom])
        for part in ("4 → 3 → 3", "m = 2", "data question", "sigmoid → sigmoid", "bce", "rows layout",
                     "vector bias", "uniform init", "lr 0.5", "step 0", "loss 2.3515"):
            assert part in top


async def test_stepping_back_restores_exactly_the_previous_screen():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(5):
            await pilot.press("n")
        before = screen_text(app)
        await pilot.press("n")
        assert screen_text(app) != before
        await pilot.press("p")
        assert screen_text(app) == before
        await pilot.press("right", "left")
        assert screen_text(app) == before


async def test_keys_for_ends_and_phases():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("end")
        assert "b2 = b2 - lr * db2" in card_text(app)
        await pilot.press("home")
        assert "Z1 = X @ W1 + b1" in card_text(app)
        await pilot.press("right_square_bracket")
        assert "L = np.sum" in card_text(app)
        await pilot.press("right_square_bracket")
        assert "dZ2 = (A2 - Y) / m" in card_text(app)
        await pilot.press("n", "left_square_bracket")
        assert "dZ2 = (A2 - Y) / m" in card_text(app)
        await pilot.press("left_square_bracket")
        assert "L = np.sum" in card_text(app)
        await pilot.press("space")
        assert "dZ2 = (A2 - Y) / m" in card_text(app)


async def test_t_applies_the_update_and_starts_the_next_step():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "n", "t")
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
        assert "step 1" in top and "loss 2.2545" in top
        assert "Z1 = X @ W1 + b1" in card_text(app)


async def test_precision_keys_change_the_digits():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")  # A1 = sigmoid(Z1): no integers
        assert "0.751 " in card_text(app)
        await pilot.press("plus")
        assert "0.7512" in card_text(app)
        await pilot.press("minus", "minus")
        assert "0.75 " in card_text(app) and "0.751" not in card_text(app)


async def test_clicking_the_timeline_jumps_to_that_event():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one("#timeline")
        row = next(i for i, line in enumerate(screen_text(app).splitlines()) if " dW1 " in line[:22])
        await pilot.click(timeline, offset=(3, row - timeline.region.y))
        assert "dW1 = X.T @ dZ1" in card_text(app)


async def test_help_lists_every_key():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for key in ("n/→/␣", "p/←", "home", "end", "[", "]", "t", "s", "e", "tab", "esc", "q", "ctrl+p"):
            assert f"{key}" in text
        await pilot.press("end")  # the help has the keys: the arrows and end scroll it
        await pilot.pause()
        assert "(n_out, n_in)" in screen_text(app)  # the conventions table
        await pilot.press("escape")
        await pilot.press("n")
        assert "A1 = sigmoid(Z1)" in card_text(app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
async def test_footer_shows_every_key_and_what_editing_keys_do_while_typing(size):
    app = BackpropApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        def footer() -> str:
            region = app.query_one("#keys").region
            return " ".join(screen_text(app).splitlines()[region.y:region.bottom])
        for part in ("n/→/␣ next", "p/← back", "home end first/last", "[ ] phase", "t step", "T train", "g check",
                     "d doctor", "b break it", "x export", "+ - digits", "s sizes", "e edit", "? help", "q quit",
                     "^p palette"):
            assert part in footer()
        await pilot.press("s")
        for part in ("enter apply", "tab next field", "esc leave"):
            assert part in footer()
        await pilot.press("escape")
        assert "n/→/␣ next" in footer()


async def test_keys_step_at_start_and_after_escape_from_an_input():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.focused is None
        await pilot.press("n")
        assert "A1 = sigmoid(Z1)" in card_text(app)
        await pilot.press("e", *"0.25")  # typed into batch, never applied
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("n", "space", "right")
        assert "L = np.sum" in card_text(app)
        assert "0.25" not in screen_text(app)  # escape forgot it: the row shows the running network


async def test_command_palette_jumps_to_an_event():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Jump to dA1")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert "dA1 = dZ2 @ W2.T" in card_text(app)


async def test_wide_screens_show_formulas_in_the_timeline_and_more_of_each_matrix():
    from tui.session import Options

    app = BackpropApp(Options(sizes=(784, 128, 10), batch=64, dataset="synthetic"))
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "dW2 = A1.T @ dZ2" in text  # in the timeline, not only on the card
        card = card_text(app)
        x_rows = [line for line in card.splitlines() if line.lstrip().startswith("│")][:20]
        assert sum("…" in line for line in x_rows) >= 12  # twelve rows of X, first and last six
    async with BackpropApp(Options(sizes=(784, 128, 10), batch=64, dataset="synthetic")).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "dW2 = A1.T @ dZ2" not in screen_text(pilot.app)


async def test_an_updates_result_box_is_titled_new_beside_the_parameter_it_replaces():
    app = BackpropApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end", "left_square_bracket")  # the first update: W1 = W1 - lr * dW1
        await pilot.pause()
        card = card_text(app)
        assert "W1 = W1 - lr * dW1" in card
        assert "╭─ W1 new (4, 3)" in card and "╭─ W1 (4, 3)" in card
        await pilot.press("home")
        await pilot.pause()
        assert " new " not in card_text(app)  # Z1 = X @ W1 + b1 reads no Z1: its result is plain Z1
