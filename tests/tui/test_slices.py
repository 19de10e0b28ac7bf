"""A 4-D array as a row of 2-D slices: one example, each channel titled with its index, … for what does not fit,
never a cut box; `,` and `.` choose the example."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pilot_helpers import screen_text
from textual.app import App, ComposeResult

from engine import Network, datasets
from tui.widgets.matrix import line_width
from tui.widgets.slices import Slices, slice_boxes

IMAGES = np.arange(64 * 4 * 8 * 8, dtype=float).reshape(64, 4, 8, 8)


def text(lines) -> list[str]:
    return ["".join(t for t, _ in line) for line in lines]


@pytest.mark.parametrize("width", [20, 32, 40, 57, 80, 120])
def test_no_line_passes_the_width_and_every_box_is_whole(width):
    lines = slice_boxes("Z1", IMAGES, 3, 6, 6, width, "$primary")
    assert max(line_width(line) for line in lines) <= width
    shown = text(lines)
    tops = [m.start() for m in re.finditer("╭", shown[1])]
    ends = [m.start() for m in re.finditer("╮", shown[1])]
    bottoms = [m.start() for m in re.finditer("╰", shown[-1])]
    assert tops and len(tops) == len(ends) == len(bottoms)


def test_each_slice_is_titled_with_its_index_and_the_rest_is_an_ellipsis():
    shown = text(slice_boxes("Z1", IMAGES, 3, 6, 6, 40, "$primary"))
    assert shown[0].startswith("Z1 (64, 4, 8, 8)  example 0 of 64")
    titles = re.findall(r"Z1\[[^\]]*\]", shown[1])
    assert titles == ["Z1[0, 0]", "Z1[0, 1]"]
    assert any(line.rstrip().endswith("…") for line in shown[2:])
    every = text(slice_boxes("Z1", IMAGES, 3, 6, 6, 120, "$primary"))
    assert re.findall(r"Z1\[[^\]]*\]", every[1]) == [f"Z1[0, {c}]" for c in range(4)]
    assert not any(line.rstrip().endswith("…") for line in every[2:])


def test_the_numbers_are_the_examples_own():
    shown = text(slice_boxes("Z1", IMAGES, 0, 8, 8, 200, "$primary", example=2))
    assert "example 2 of 64" in shown[0]
    first_row = shown[2].split("│")[1].split()
    assert first_row[0] == str(int(IMAGES[2, 0, 0, 0]))


def test_channels_last_slices_along_the_last_axis():
    last = IMAGES.transpose(0, 2, 3, 1)
    shown = text(slice_boxes("Z1", last, 0, 8, 8, 200, "$primary", channels_last=True))
    assert re.findall(r"Z1\[[^\]]*\]", shown[1])[:2] == ["Z1[0, :, :, 0]", "Z1[0, :, :, 1]"]
    assert shown[2].split("│")[1].split()[0] == str(int(last[0, 0, 0, 0]))


def test_a_slice_needs_three_axes():
    with pytest.raises(ValueError, match=r"slices show an array of three or more axes; W1 has shape \(3, 4\)"):
        slice_boxes("W1", np.zeros((3, 4)), 3, 6, 6, 80, "$primary")


class OneArray(App):
    def __init__(self, name, value, channels_last=False):
        super().__init__()
        self.array = (name, value, channels_last)

    def compose(self) -> ComposeResult:
        yield Slices(id="slices")

    def on_mount(self) -> None:
        name, value, last = self.array
        slices = self.query_one(Slices)
        slices.show(name, value, channels_last=last)
        slices.focus()


async def test_keys_choose_the_example_at_80_by_24():
    net = Network(inputs=(1, 8, 8), layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax", loss="ce")
    X, Y = datasets.shapes(m=16)
    Z1 = next(e.value for e in net.step(X, Y) if e.name == "Z1")
    app = OneArray("Z1", Z1)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "example 0 of 16" in screen_text(app)
        await pilot.press("full_stop", "full_stop")
        screen = screen_text(app)
        assert "example 2 of 16" in screen
        assert f"{Z1[2, 0, 0, 0]:.3f}" in screen
        await pilot.press("comma", "comma", "comma")
        assert "example 0 of 16" in screen_text(app)  # no example before the first
        rows = screen_text(app).splitlines()
        assert all(len(row) <= 80 for row in rows)
        assert rows[1].count("╭") == rows[1].count("╮") >= 1

