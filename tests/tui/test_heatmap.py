"""The attention heatmap: each head of P (or dP) as coloured cells, on one scale for the example shown."""

from __future__ import annotations

import numpy as np

from engine import Network
from engine.datasets import char_sequences
from engine.presets import TINY_GPT
from engine.trace import events
from tui.widgets.heatmap import heatmap_lines


def _step():
    X, Y = char_sequences(["emma", "olivia", "ava"])
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    return {e.name: e.value for e in events(net, X, Y, 0.5)}, net


def text(lines) -> list[str]:
    return ["".join(t for t, _ in line) for line in lines]


def test_each_head_is_drawn_with_the_masked_keys_marked_and_the_strongest_weight_brightest():
    values, net = _step()
    P = values[net.pictures[0]]
    lines = heatmap_lines("P2", P, example=1, width=100)
    shown = text(lines)
    assert shown[0] == "P2: queries down, keys across; example 2 of 3"
    assert shown[1].split() == ["P2[1,", "0]", "head", "1", "P2[1,", "1]", "head", "2"]
    # the first query sees itself alone: one coloured cell, then 7 keys the causal mask hid
    assert shown[2].startswith("  " + "· " * 7)
    first = lines[2][0][1]
    assert first == f"#c9d1d9 on {_full_blue()}"  # weight 1.0, the example's largest: the full colour


def _full_blue() -> str:
    from tui.widgets.matrix import POSITIVE
    return POSITIVE


def test_dp_in_backward_is_a_heatmap_too_on_one_scale_for_every_head():
    values, net = _step()
    dP = values[net.pictures[1]]
    lines = heatmap_lines("dP2", dP, width=100)
    assert text(lines)[1].split()[:4] == ["dP2[0,", "0]", "head", "1"]
    largest = np.unravel_index(np.abs(dP[0]).argmax(), dP[0].shape)  # (head, query, key)
    head, query, key = map(int, largest)
    T = dP.shape[-1]
    row = [style for _, style in lines[2 + query] if " on " in style]  # the cells alone, head after head
    colour = row[head * T + key].split(" on ")[1]
    from tui.widgets.matrix import NEGATIVE, POSITIVE
    assert colour == (POSITIVE if dP[0][head, query, key] > 0 else NEGATIVE)


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
