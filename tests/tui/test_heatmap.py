"""The attention heatmap: each head of P (or dP) as coloured cells, on one scale for the example shown."""

from __future__ import annotations

import numpy as np
import pytest

from engine import Network
from engine.datasets import char_sequences
from engine.presets import TINY_GPT
from engine.trace import events
from tui.widgets.heatmap import heatmap_lines
from tui.widgets.matrix import NEGATIVE, POSITIVE, line_width


def _step():
    X, Y = char_sequences(["emma", "olivia", "ava"])
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    return {e.name: e.value for e in events(net, X, Y, 0.5)}, net


def text(lines) -> list[str]:
    return ["".join(t for t, _ in line) for line in lines]


def test_each_head_is_drawn_with_the_masked_keys_marked_and_the_strongest_weight_brightest():
    values, net = _step()
    P = values[net.pictures[0]]
    lines = heatmap_lines("P2", P, 1, 100)
    shown = text(lines)
    assert shown[0] == "P2 as a heatmap: queries down, keys across; example 1"  # by its index, as the boxes say
    assert shown[1].split() == ["P2[1,", "0]", "head", "1", "P2[1,", "1]", "head", "2"]
    # the first query sees itself alone: one coloured cell, then 7 keys the causal mask hid
    assert shown[2].startswith("  " + "· " * 7)
    first = lines[2][0][1]
    assert first == f"#c9d1d9 on {POSITIVE}"  # weight 1.0, the example's largest: the full colour


def test_dp_in_backward_is_a_heatmap_too_on_one_scale_for_every_head():
    values, net = _step()
    dP = values[net.pictures[1]]
    lines = heatmap_lines("dP2", dP, 0, 100)
    assert text(lines)[1].split()[:4] == ["dP2[0,", "0]", "head", "1"]
    largest = np.unravel_index(np.abs(dP[0]).argmax(), dP[0].shape)  # (head, query, key)
    head, query, key = map(int, largest)
    T = dP.shape[-1]
    row = [style for _, style in lines[2 + query] if " on " in style]  # the cells alone, head after head
    colour = row[head * T + key].split(" on ")[1]
    assert colour == (POSITIVE if dP[0][head, query, key] > 0 else NEGATIVE)


def test_signed_values_colour_by_sign_and_heads_wrap_to_the_width():
    value = np.zeros((1, 3, 4, 4))
    value[0, 0, 0, 0], value[0, 0, 0, 1] = 1.0, -1.0
    lines = heatmap_lines("dP1", value, 0, 40)
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
        heatmap_lines("Q1", np.zeros((2, 5, 8)), 0, 80)


def test_a_head_is_as_wide_as_its_cells_or_its_title_and_fits_to_the_last_cell():
    wide = np.full((1, 2, 12, 12), 0.5)  # 24 cells of width beat the title
    lines = heatmap_lines("P", wide, 0, 24 + len("  ") + 24)
    assert [line_width(line) for line in lines[1:]] == [50] * 13  # two heads side by side, every row whole
    stacked = heatmap_lines("P", wide, 0, 24 + len("  ") + 23)
    assert [line_width(line) for line in stacked[1:]] == [24] * 26  # one cell short: the second head goes below
    three = np.full((1, 3, 12, 12), 0.5)
    assert len(heatmap_lines("P", three, 0, 3 * 24 + 2 * len("  "))) == 1 + 13  # three beside, two gaps
    assert len(heatmap_lines("P", three, 0, 3 * 24 + 2 * len("  ") - 1)) == 1 + 2 * 13
    narrow = heatmap_lines("P", np.full((1, 1, 3, 3), 0.5), 0, 80)  # the title beats 6 cells
    assert text(narrow)[1] == "P[0, 0] head 1" and {line_width(line) for line in narrow[1:]} == {len("P[0, 0] head 1")}


def test_zero_is_the_background_and_a_weight_is_coloured_by_its_share_of_the_largest():
    value = np.zeros((1, 1, 2, 2))
    value[0, 0, 0, 0], value[0, 0, 1, 0] = 0.5, 1.0
    lines = heatmap_lines("P", value, 0, 80)
    assert lines[3][1] == ("· ", "#6e7681 on #0d1117")  # a masked key: the dark themes' background
    assert lines[3][0][1] == f"#c9d1d9 on {POSITIVE}"
    half = tuple((bg + int(POSITIVE[k:k + 2], 16)) / 2 for bg, k in zip((0x0d, 0x11, 0x17), (1, 3, 5)))
    assert lines[2][0][1] == "#c9d1d9 on #" + "".join(f"{round(c):02x}" for c in half)
    silent = heatmap_lines("dP", np.zeros((1, 1, 2, 2)), 0, 80)  # every weight 0: no scale, and nothing divides by it
    assert {style for line in silent[2:] for _, style in line if style} == {"#6e7681 on #0d1117"}


def test_only_an_example_of_the_batch_is_shown_and_the_refusal_says_how_many_there_are():
    value = np.full((3, 2, 4, 4), 0.25)
    assert text(heatmap_lines("P2", value, 2, 80))[0] == "P2 as a heatmap: queries down, keys across; example 2"
    with pytest.raises(ValueError, match=r"^example 3 is not in P2, which holds 3$"):
        heatmap_lines("P2", value, 3, 80)
    with pytest.raises(ValueError, match=r"^a heatmap shows \(m, heads, T, T\) arrays; S1 is \(2, 2, 3, 4\)$"):
        heatmap_lines("S1", np.zeros((2, 2, 3, 4)), 0, 80)
