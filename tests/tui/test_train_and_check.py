"""T trains in a worker with a loss curve; g checks every gradient against central differences."""

from __future__ import annotations

import re

import pytest

from pilot_helpers import screen_text, settle

from tui.app import BackpropApp
from tui.session import HISTORY, Options


def summary(app) -> str:
    region = app.query_one("#summary").region
    return " ".join(screen_text(app).splitlines()[region.y:region.bottom])


def summary_loss(app) -> float:
    return float(re.search(r"loss (\d+\.\d+)", screen_text(app).splitlines()[0]).group(1))


async def test_T_trains_the_loss_falls_and_the_curve_shows():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        before = summary_loss(app)
        assert app.query_one("#curve").data == []
        await pilot.press("T")
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
        assert "step 100" in top
        assert summary_loss(app) < before / 2
        curve = app.query_one("#curve").data
        assert len(curve) == 101 and curve[0] > curve[-1]
        assert any(ch in screen_text(app) for ch in "▁▂▃▄▅▆▇█")
        assert "accuracy 100%" in screen_text(app)


async def test_the_number_of_steps_is_settable():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "backspace", "backspace", "backspace", "7", "enter")  # enter in the field trains
        await settle(pilot)
        assert "step 7" in screen_text(app).splitlines()[0]
        await pilot.press("n", "n")
        assert app.session.position == 2  # enter left the input, so the step keys step


async def wait_for_training(pilot, done: int) -> None:
    """Until the progress shows at least `done` steps (the worker runs on)."""
    while app_progress(pilot.app) < done:
        await pilot.pause(0.05)


def app_progress(app) -> int:
    found = re.search(r"(\d+) of \d+", str(app.query_one("#progress-count").render()))
    return int(found.group(1)) if found else 0


async def test_T_again_stops_training_escape_does_not_and_progress_shows_as_numbers():
    app = BackpropApp(Options(sizes=(784, 128, 10), batch=64, dataset="synthetic"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "backspace", "backspace", "backspace", *"100000", "escape")
        await pilot.press("T")
        await wait_for_training(pilot, 2)
        for _ in range(40):  # the count's new width is laid out with the next frame
            if re.search(r"\d+ of 100000", text := screen_text(app)):
                break
            await pilot.pause(0.05)
        assert re.search(r"\d+ of 100000", text) and "T stops" in text
        await pilot.press("escape")  # escape only leaves a field: training goes on
        await wait_for_training(pilot, app_progress(app) + 1)
        assert app.training
        await pilot.press("T")
        await settle(pilot)
        steps = app.session.net.steps
        assert 0 < steps < 100000
        assert f"training stopped after {steps} of 100000 steps" in str(app.query_one("#message").render())
        await pilot.press("n")
        assert app.session.position == 1


async def test_an_edit_during_training_stops_it_says_so_and_reruns_the_new_network():
    app = BackpropApp(Options(sizes=(784, 128, 10), batch=64, dataset="synthetic"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "backspace", "backspace", "backspace", *"100000", "escape", "T")
        await wait_for_training(pilot, 2)
        await pilot.press("s", *"784,64,10", "enter")
        await settle(pilot)
        assert not app.training
        message = str(app.query_one("#message").render())
        assert re.search(r"training stopped after \d+ of 100000 steps for the edit", message)
        assert app.session.net.sizes == (784, 64, 10) and app.session.net.steps == 0
        top = screen_text(app).splitlines()[0]
        assert "784 → 64 → 10" in top and "step 0" in top


async def test_history_is_bounded():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "backspace", "backspace", "backspace", *str(HISTORY + 500), "enter")
        await settle(pilot)
        assert app.session.net.steps == HISTORY + 500
        assert len(app.session.history) == HISTORY


async def test_g_shows_every_parameters_relative_error_and_its_event():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g")
        await settle(pilot)
        text = screen_text(app)
        for key, event in (("W1", "dW1 = X.T @ dZ1"), ("b1", "db1 = dZ1.sum(axis=0, keepdims=True)"),
                           ("W2", "dW2 = A1.T @ dZ2"), ("b2", "db2 = dZ2.sum(axis=0, keepdims=True)")):
            row = next(line for line in text.splitlines() if f" {key} " in line and "e-" in line)
            error = float(re.search(r"(\d\.\d+e-\d+)", row).group(1))
            assert error <= 1e-6 and "✓" in row and event in row
        await pilot.press("escape")
        assert "Gradient check" not in screen_text(app)


@pytest.mark.parametrize("typed", ["0", "000", ""])
async def test_T_with_no_steps_asks_for_a_number_and_trains_nothing(typed):
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "backspace", "backspace", "backspace", *typed, "escape", "T")
        await settle(pilot)
        assert "train: type how many steps to train, e.g. 100" in screen_text(app)
        assert not app.training and app.session.net.steps == 0
        assert "step 0" in screen_text(app)


async def test_an_lr_or_batch_edit_goes_on_training_and_any_other_edit_builds_a_new_network():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "backspace", "backspace", "backspace", *"20", "enter")
        await settle(pilot)
        trained = {name: value.copy() for name, value in app.session.net.params.items()}
        curve = app.query_one("#curve").data
        assert len(curve) == 21
        await pilot.press("e", *["tab"] * 9, *"0.1", "enter")  # batch, then tab to lr
        await settle(pilot)
        message = str(app.query_one("#message").render())
        assert "same network: training goes on from step 20, parameters and loss curve kept" in message
        assert "step 20" in screen_text(app).splitlines()[0] and "lr 0.1" in summary(app)
        assert all((app.session.net.params[name] == value).all() for name, value in trained.items())
        assert app.query_one("#curve").data == curve
        await pilot.press("e", *"1", "enter")  # batch 1 of the question's 2 examples
        await settle(pilot)
        assert "same network: training goes on from step 20" in str(app.query_one("#message").render())
        assert all((app.session.net.params[name] == value).all() for name, value in trained.items())
        assert len(app.query_one("#curve").data) == 21 and "m = 1" in screen_text(app)
        await pilot.press("T")  # training goes on from there, at the new rate and batch
        await settle(pilot)
        assert app.session.net.steps == 40 and len(app.query_one("#curve").data) == 41
        await pilot.press("s", *"4,5,3", "enter")
        await settle(pilot)
        message = str(app.query_one("#message").render())
        assert "a new network: training starts again from step 0 (was step 40)" in message
        assert "step 0" in screen_text(app).splitlines()[0] and app.query_one("#curve").data == []
