"""The layers line (a), its presets and the detail switch, driven by keys as a learner would, read off the screen."""

from __future__ import annotations

import re

import pytest

from tui.app import BackpropApp
from tui.session import Options
from tests.tui.pilot_helpers import card_text, screen_text, settle

QUESTION = "linear 3, sigmoid, linear 3, sigmoid"


def summary(app) -> str:
    region = app.query_one("#summary").region
    return " ".join(screen_text(app).splitlines()[region.y:region.bottom])


def message(app) -> str:
    return str(app.query_one("#message").content)


def line_text(app) -> str:
    """The layers line as the screen shows it."""
    region = app.query_one("#architecture").region
    return screen_text(app).splitlines()[region.y][region.x:region.right]


async def type_layers(pilot, text: str) -> None:
    await pilot.press("a", *text, "enter")
    await settle(pilot)


async def test_a_opens_the_stack_as_text_and_enter_reruns_it_live():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")  # A1
        await pilot.press("a")
        await pilot.pause()
        assert f"layers {QUESTION}" in line_text(app) and "question 4-3-3" in line_text(app)
        assert "editing layers" in screen_text(app)
        await pilot.press(*"linear 5, batchnorm, tanh, linear 3, sigmoid", "enter")
        await settle(pilot)
        assert "4 → 5 → bn → tanh → 3 → sigmoid" in summary(app)
        assert not app.query_one("#architecture").display  # enter gives the keys back to stepping
        assert "A1 = np.tanh(BN1)" in card_text(app)  # the same event, now after batchnorm
        await pilot.press("p")
        assert "BN1 = gamma1 * xhat1 + beta1" in card_text(app)
        timeline = app.query_one("#timeline").region
        rows = [row[timeline.x:timeline.right] for row in screen_text(app).splitlines()[timeline.y:timeline.bottom]]
        assert any(re.match(r"│   mu1 +\(1, 5\)", row) for row in rows), rows


@pytest.mark.parametrize("typed, said", [
    ("lineer 3, sigmoid", "item 1 'lineer 3': unknown kind 'lineer'"),
    ("linear, sigmoid", "item 1 'linear': expected a size, as in 'linear 64'"),
    ("linear 5, tanh, linear 4, sigmoid", "item 3 'linear 4': the last linear layer makes the outputs, and question "
                                          "(4 inputs, 3 outputs) has 3; write 'linear 3'"),
    ("linear 5, softmax, linear 3, sigmoid", "item 2 'softmax': softmax makes the output's probabilities"),
])
async def test_a_refused_stack_is_explained_inline_naming_the_item_and_nothing_changes(typed, said):
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_layers(pilot, typed)
        assert said in message(app)
        assert "4 → 3 → 3" in summary(app) and app.session.net.layers == QUESTION
        assert typed in line_text(app)  # what was typed stays, to be mended
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one("#architecture").display
        await pilot.press("a")
        await pilot.pause()
        assert QUESTION in line_text(app)  # escape forgot it


async def test_an_embedding_on_data_that_is_not_ids_is_refused_with_the_entry():
    app = BackpropApp(Options(dataset="spirals", output="softmax", loss="ce"))
    async with app.run_test(size=(100, 30)) as pilot:
        await type_layers(pilot, "embedding 27 4, flatten, linear 3, softmax")
        assert re.search(r"layers not changed: embedding 27 4 reads integer ids, but X\[\d+, \d+\] is [\d.-]+; an "
                         r"embedding needs data of token ids, such as --dataset words", message(app))
        assert "2 → 16 → 3" in summary(app)


async def test_the_makemore_preset_switches_the_data_and_says_so():
    app = BackpropApp()
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.press("a", "tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # makemore MLP, the second preset
        await settle(pilot)
        said = message(app)
        assert "preset makemore MLP: data is now words (3 inputs, 27 outputs), 4,734 examples, batch 32, lr 0.1" in said
        assert "3 → emb 27×10 → flat → 200 → bn → tanh → 27 → softmax" in summary(app)
        assert "words, batch 32 of 4734, shuffled" in summary(app)
        editor = app.query_one("#editor").region
        shown = "\n".join(screen_text(app).splitlines()[editor.y:editor.bottom])
        assert re.search(r"hidden tanh +▼", shown) and re.search(r"output softmax +▼", shown)  # the stack's own
        await pilot.press("home")
        card = card_text(app)
        assert "emb1 = E1[X]" in card and "emb1[0] of (32, 3, 10)" in card and "E1 (27, 10)" in card


async def test_the_note_on_a_new_network_goes_at_the_next_step_and_gives_its_rows_to_the_card():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # makemore MLP
        await settle(pilot)
        assert "preset makemore MLP" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        shown = screen_text(app)
        assert "preset makemore MLP" not in shown and not app.query_one("#message").display
        assert "flat1 = emb1.reshape(m, -1)" in shown
        assert "emb1[0] of (32, 3, 10)" in shown and "flat1 (32, 30)" in shown and "no room" not in shown


async def test_s_still_edits_the_sizes_of_a_stacks_linear_layers():
    app = BackpropApp(Options(layers="embedding 27 10, flatten, linear 200, batchnorm, tanh, linear 27, softmax",
                              dataset="words", output="softmax", loss="ce", batch=32))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", *"3,64,27", "enter")
        await settle(pilot)
        assert app.session.net.layers == "embedding 27 10, flatten, linear 64, batchnorm, tanh, linear 27, softmax"
        assert "→ flat → 64 → bn →" in summary(app)
        await pilot.press("s", *"3,64,64,27", "enter")
        await settle(pilot)
        assert "this stack has 2 linear layers" in message(app) and "Press a to change the layers" in message(app)


async def test_the_detail_choice_steps_batchnorm_through_every_intermediate():
    app = BackpropApp(Options(layers="linear 5, batchnorm, tanh, linear 3, sigmoid"))
    async with app.run_test(size=(100, 30)) as pilot:
        compact = len(app.session.plan)
        await pilot.press("e", *["tab"] * 7, "enter")  # batch, then hidden ... init, to detail
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "fine detail" in summary(app)
        names = [p.name for p in app.session.plan]
        assert len(names) > compact and {"xmu1", "sq1", "ivar1", "dsq1", "dxmu1", "dmu1"} <= set(names)


def boxes_whole(card: str) -> bool:
    """Every box drawn has its top and its bottom: as many ╭ as ╰, each ╰ under a ╭ of the same column."""
    lines = card.splitlines()
    tops = [(y, x) for y, line in enumerate(lines) for x, ch in enumerate(line) if ch == "╭"]
    for y, x in tops:
        if not any(len(line) > x and line[x] == "╰" for line in lines[y + 1:]):
            return False
    return True


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_twelve_layer_stack_fits_the_screen_and_its_timeline_follows(size):
    stack = ", ".join(["linear 6, relu"] * 11 + ["linear 3, sigmoid"])
    app = BackpropApp(Options(layers=stack))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.session.net.depth == 12
        for key in ["end", "home", *["]"] * 2, *["n"] * 5]:
            await pilot.press(key)
            await pilot.pause()
            name = app.session.current.name
            region = app.query_one("#timeline").region
            shown = screen_text(app).splitlines()[region.y:region.bottom]
            assert any(re.search(rf"│ [\d ]+ {re.escape(name)} ", row[region.x:region.right]) for row in shown), name
            assert boxes_whole(card_text(app)), card_text(app)
        assert "12 W12" in screen_text(app) or "12 dZ12" in screen_text(app) or "12 Z12" in screen_text(app)
