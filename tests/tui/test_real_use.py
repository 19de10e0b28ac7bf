"""What a new user met in a real terminal, each pressed the way they pressed it: focus, sizes, long work, exports."""

from __future__ import annotations

import re

import pytest
from pilot_helpers import card_text, screen_text, settle

from tui.app import BackpropApp
from tui.session import Options


def region_text(app, selector: str) -> str:
    region = app.query_one(selector).region
    return "\n".join(line[region.x:region.right] for line in screen_text(app).splitlines()[region.y:region.bottom])


async def test_d_opens_the_doctor_with_the_keys_in_its_input():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "n", "d")
        await pilot.pause()
        await pilot.press("home", "ctrl+k", *"Z1.T - A1", "enter")  # no tab first: typing goes in at once
        await pilot.pause()
        assert "culprit: Z1.T - A1" in screen_text(app)


async def test_the_first_resize_brings_the_new_sizes_layout():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        assert "dW2 = A1.T @ dZ2" not in region_text(app, "#timeline")
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert "dW2 = A1.T @ dZ2" in region_text(app, "#timeline")  # formulas, after one resize
    app = BackpropApp(Options(sizes=(784, 128, 10), batch=64, dataset="synthetic"))
    async with app.run_test(size=(100, 30)) as pilot:
        narrow = max(line.count(".") for line in card_text(app).splitlines())
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        wide = max(line.count(".") for line in card_text(app).splitlines())
        assert (narrow, wide) == (8, 12)  # numbers in the widest line: X and W1 with 4 columns each, then more


async def test_at_80_by_24_every_field_is_on_screen_event_1_is_whole_and_dialogs_fit():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for field in ("sizes", "batch", "hidden", "output", "loss", "layout", "bias", "init", "dataset", "lr",
                      "seed"):
            region = app.query_one(f"#{field}").region
            assert region.right <= 80 and region.bottom <= 24 and region.width >= 5, field
        card = card_text(app)
        for box in ("X (2, 4)", "W1 (4, 3)", "b1 (1, 3)", "Z1 (2, 3)"):
            assert box in card
        assert card.count("╭") == card.count("╰") == 4
        assert "0.715 -0.933  0.459" in card  # Z1's second row: all of it
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen.query_one("#gradcheck").region
        assert dialog.right <= 80
        assert "2ε with ε = 1e-6" in " ".join(screen_text(app).split())  # wrapped, never clipped
        await pilot.press("escape")
        await pilot.press(*"nnnnnn", "b")
        await pilot.pause()
        assert app.screen.query_one("#mistakes").region.right <= 80
        await pilot.press("end")  # the break-it list scrolls with the keys at once
        await pilot.pause()
        assert "escape closes" in screen_text(app)


async def test_x_after_training_exports_that_step_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        path = tmp_path / "stepprop_4-3-3_rows_vector_step1.py"
        said = " ".join(str(app.query_one("#message").render()).split())
        assert said.startswith(f"exported step 1's parameters to {path}: a NumPy script with init_params, ")
        assert said.endswith(". Run it with python to keep training from step 1.")  # a whole sentence
        assert "after 1 training step in stepprop" in path.read_text()


async def test_the_gradient_check_shows_progress_and_closing_it_stops_it():
    app = BackpropApp(Options(sizes=(2, 512, 512, 3), dataset="spirals", output="softmax", loss="ce"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("g")
        while not re.search(r"checking \w+: entry \d+ of \d+ \(parameter \d of 6\)", screen_text(app)):
            await pilot.pause(0.05)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert not [w for w in app.workers if w.group == "check"]
        await pilot.press("n")
        assert "event 2 of" in card_text(app)


async def test_break_it_on_an_update_says_how_to_get_back():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("end", "b")
        assert "b breaks backward formulas, and b2 is an update event: step to one with [ or p" in \
            str(app.query_one("#message").render())
        await pilot.press("home", "b")
        assert "with ] or n" in str(app.query_one("#message").render())


@pytest.mark.parametrize("query", ["Keys", "keys"])
async def test_the_palette_offers_the_apps_keys_screen_and_not_textuals(query):
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *query)
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "Keys and conventions" in text
        assert "Show help for the focused widget" not in text


async def test_the_ends_of_the_step_and_the_digits_say_so_where_the_editor_stays_visible():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        assert "this is the first event of the step" in str(app.query_one("#message").render())
        await pilot.press("n")
        assert not app.query_one("#message").display  # the note went with its cause
        await pilot.press("end", "n")
        assert "last event of the step: t applies the update" in str(app.query_one("#message").render())
        await pilot.press("minus")
        assert "matrices show 2 decimal places" in str(app.query_one("#message").render())
        numbers = [n for line in card_text(app).splitlines() if line.strip().startswith("│")
                   for n in re.findall(r"-?\d+\.\d+", line)]
        assert numbers and all(len(n.split(".")[1]) == 2 for n in numbers)  # b2's numbers, two places each
