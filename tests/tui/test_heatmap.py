"""The attention heatmap: each head of P (or dP) as coloured cells, numbers on `n`, examples on `[` and `]`."""

from __future__ import annotations

import numpy as np
from textual.app import App, ComposeResult

from engine import Network
from engine.datasets import char_sequences
from engine.presets import TINY_GPT
from engine.trace import events
from tests.tui.pilot_helpers import screen_text
from tui.widgets.heatmap import Heatmap, heatmap_lines


def _step():
    X, Y = char_sequences(["emma", "olivia", "ava"])
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    return {e.name: e.value for e in events(net, X, Y, 0.5)}, net


class OneMap(App):
    def __init__(self, name: str, value: np.ndarray):
        super().__init__()
        self.shown = (name, value)

    def compose(self) -> ComposeResult:
        yield Heatmap(id="map")

    def on_mount(self) -> None:
        self.query_one(Heatmap).show(*self.shown)
        self.query_one(Heatmap).focus()


async def test_each_head_is_drawn_and_the_numbers_come_on_n():
    values, net = _step()
    app = OneMap("P2", values[net.pictures[0]])
    async with app.run_test(size=(100, 24)) as pilot:
        text = screen_text(app)
        assert "P2[0, 0] head 1" in text and "P2[0, 1] head 2" in text
        assert "0.50" not in text and "·" in text  # colours only; the masked keys marked
        await pilot.press("n")
        text = screen_text(app)
        first = values["P2"][0, 0]
        assert f"{first[1, 0]:5.2f}" in text and f"{first[1, 1]:5.2f}" in text
        assert " 1.00" in text  # the first query sees only itself
        await pilot.press("right_square_bracket")
        assert "P2[1, 0] head 1" in screen_text(app) and "example 2 of 3" in screen_text(app)


async def test_dp_in_backward_is_a_heatmap_too():
    values, net = _step()
    app = OneMap("dP2", values[net.pictures[1]])
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("n")
        text = screen_text(app)
        assert "dP2[0, 0] head 1" in text
        assert f"{values['dP2'][0, 0][2, 1]:5.2f}" in text


def test_signed_values_colour_by_sign_and_heads_wrap_to_the_width():
    value = np.zeros((1, 3, 4, 4))
    value[0, 0, 0, 0], value[0, 0, 0, 1] = 1.0, -1.0
    lines = heatmap_lines("dP1", value, width=40)
    styles = [style for text, style in lines[2]]
    assert styles[0].endswith("on #6cb6ff") and styles[1].endswith("on #ff7b72")
    texts = ["".join(text for text, _ in line) for line in lines]
    assert all(len(t) <= 40 for t in texts[1:])
    titles = [t.split() for t in texts if t.startswith("dP1[")]
    # two heads fit side by side in 40 cells, the third goes below
    assert [" ".join(t) for t in titles] == ["dP1[0, 0] head 1 dP1[0, 1] head 2", "dP1[0, 2] head 3"]


def test_only_square_stacks_are_heatmaps():
    import pytest
    with pytest.raises(ValueError, match=r"a heatmap shows \(m, heads, T, T\) arrays; Q1 is \(2, 5, 8\)"):
        heatmap_lines("Q1", np.zeros((2, 5, 8)))
