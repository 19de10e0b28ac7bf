"""Arrays of images on the card: each a row of 2-D slices (one example, each channel, … for the rest), every slice
box whole at 80×24, 100×30 and 160×45, and , and . choosing the example."""

from __future__ import annotations

import re

import pytest
from pilot_helpers import card_text, screen_text, settle

from tui.app import BackpropApp
from tui.session import Options

CONVNET = dict(layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax", dataset="shapes",
               output="softmax", loss="ce", batch=32)
SLICE = re.compile(r"╭─ (\w+)\[(\d+), (\d+)\] ─")


def slices(card: str) -> list[tuple[str, int, int]]:
    """Each slice box on the card, (name, example, channel), after checking it is closed on all four sides."""
    lines = card.splitlines()
    found = []
    for y, line in enumerate(lines):
        for title in SLICE.finditer(line):
            left, right = title.start(), line.index("╮", title.start())
            for below in lines[y + 1:]:
                assert len(below) > right, f"{title.group(0)} runs off the card:\n{card}"
                if below[left] == "╰":
                    assert below[right] == "╯", f"{title.group(0)} has no bottom right corner:\n{card}"
                    break
                assert below[left] == "│" and below[right] == "│", f"{title.group(0)} is cut:\n{card}"
            else:
                raise AssertionError(f"{title.group(0)} has no bottom:\n{card}")
            found.append((title.group(1), int(title.group(2)), int(title.group(3))))
    return found


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 45)])
async def test_every_array_of_images_shows_as_whole_slices_of_example_0(size):
    app = BackpropApp(Options(**CONVNET))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("home")
        images = 0
        for _ in range(len(app.session.plan)):
            event = app.session.current
            card = card_text(app)
            shown = slices(card)
            assert all(example == 0 for _, example, _ in shown), card
            four_d = [label for (label, shape) in event.operands if len(shape) == 4]
            four_d += [event.name] if event.value.ndim == 4 else []
            for label in four_d:
                name = label.split()[0]
                if (name, 0, 0) in shown:
                    images += 1
                    noun = "filter 0 of 4" if name in ("W1", "dW1") else "example 0 of 32"  # W1 is (4, 1, 3, 3)
                    assert re.search(rf"{name} \(\d+, \d+, \d+, \d+\)\s+{noun}", card), card
                else:
                    assert "no room for" in card, card
            await pilot.press("n")
        assert images >= 10


async def test_four_channels_show_side_by_side_with_their_indices():
    app = BackpropApp(Options(**CONVNET))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        while app.session.current.formula != "A1 = np.maximum(Z1, 0)":
            await pilot.press("n")
        shown = slices(card_text(app))
        assert [s for s in shown if s[0] == "A1"] == [("A1", 0, c) for c in range(4)]
        assert [s for s in shown if s[0] == "Z1"] == [("Z1", 0, c) for c in range(4)]


async def test_full_stop_and_comma_choose_the_example_and_the_footer_says_so():
    app = BackpropApp(Options(**CONVNET))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("home")
        assert ", . example" in screen_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "arrays of images: the next example, each channel a slice" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("full_stop", "full_stop")
        card = card_text(app)
        assert ("X", 2, 0) in slices(card) and "example 2 of 32" in card
        await pilot.press("n")  # the example stays as events go by
        assert ("x_pad1", 2, 0) in slices(card_text(app))
        await pilot.press("comma", "comma", "comma")
        assert ("x_pad1", 0, 0) in slices(card_text(app))


async def test_the_example_keys_say_so_where_no_image_shows():
    app = BackpropApp(Options(sizes=(4, 5, 3)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = card_text(app).splitlines()[:8]
        await pilot.press("full_stop")
        assert "no array of images on this card" in str(app.query_one("#message").content)
        assert ", . example" not in screen_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "arrays of images" not in screen_text(app)
        await pilot.press("escape")
        assert card_text(app).splitlines()[:8] == before


async def test_channels_last_filters_show_as_their_kernels_and_the_keys_choose_the_filter():
    app = BackpropApp(Options(**CONVNET, layout="channels_last"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        while app.session.current.name != "W_col1":
            await pilot.press("n")
        W1 = app.session.net.params["W1"]
        assert W1.shape == (3, 3, 1, 4)  # (K, K, C, F), as deeplearning.ai writes it
        await pilot.press("full_stop")
        card = card_text(app)
        assert "W1 (3, 3, 1, 4)  filter 1 of 4  , . another filter" in card
        lines = card.splitlines()
        top = next(y for y, line in enumerate(lines) if "╭─ W1[:, :, 0, 1] ─" in line)
        left = lines[top].index("╭─ W1[:, :, 0, 1]")
        rows = [lines[y][left:].split("│")[1].split() for y in range(top + 1, top + 4)]
        assert rows == [[f"{v:.3f}" for v in row] for row in W1[:, :, 0, 1]]
        assert lines[top + 4][left] == "╰"  # a 3×3 kernel, whole
        await pilot.press("full_stop", "full_stop", "full_stop")  # no filter after the last
        assert "filter 3 of 4" in card_text(app)
