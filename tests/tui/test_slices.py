"""A 4-D array as a row of 2-D slices: one example (or a convolution's filter), each channel titled with its index,
… for what does not fit, never a cut box."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tui.widgets.matrix import line_width
from tui.widgets.slices import slice_boxes

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



FILTERS = np.arange(4 * 2 * 3 * 3, dtype=float).reshape(4, 2, 3, 3)  # (F, C, K, K), as CS231n writes W


def test_a_convolutions_weights_are_sliced_by_filter_not_by_example():
    shown = text(slice_boxes("W1", FILTERS, 0, 8, 8, 200, "$primary", example=1, filters=True))
    assert shown[0].startswith("W1 (4, 2, 3, 3)  filter 1 of 4  , . another filter")
    assert re.findall(r"W1\[[^\]]*\]", shown[1]) == ["W1[1, 0]", "W1[1, 1]"]
    assert [row.split("│")[1].split() for row in shown[2:5]] == [[str(int(v)) for v in r] for r in FILTERS[1, 0]]


def test_channels_last_filters_are_w_of_every_row_and_column_for_one_channel_and_filter():
    last = FILTERS.transpose(2, 3, 1, 0)  # (K, K, C, F), as deeplearning.ai writes W
    shown = text(slice_boxes("W1", last, 0, 8, 8, 200, "$primary", example=3, channels_last=True, filters=True))
    assert shown[0].startswith("W1 (3, 3, 2, 4)  filter 3 of 4")
    assert re.findall(r"W1\[[^\]]*\]", shown[1]) == ["W1[:, :, 0, 3]", "W1[:, :, 1, 3]"]
    assert [row.split("│")[1].split() for row in shown[2:5]] == [[str(int(v)) for v in r] for r in FILTERS[3, 0]]
    assert len(shown) == 1 + 5  # the heading and one box of three rows: a (3, 3) kernel, not a (3, 2) column


def boxes_of(lines) -> list[list[str]]:
    """Each box's lines, cut from the row of boxes by its corners; every box checked to be one width."""
    shown = text(lines)[1:]
    starts = [i for i, ch in enumerate(shown[0]) if ch == "╭"]
    ends = [i for i, ch in enumerate(shown[0]) if ch == "╮"]
    boxes = [[line[a:b + 1] for line in shown] for a, b in zip(starts, ends)]
    for box in boxes:
        assert box[0][0] == "╭" and box[-1][0] == "╰" and box[-1][-1] == "╯", box
        assert all(line[0] == "│" and line[-1] == "│" for line in box[1:-1]), box
    return boxes


def full_width(max_cols: int) -> int:
    return max(line_width(line) for line in slice_boxes("Z1", IMAGES, 3, 6, max_cols, 500, "$primary"))


def test_a_box_never_shows_more_columns_than_asked():
    assert boxes_of(slice_boxes("Z1", IMAGES, 0, 6, 2, 500, "$primary"))[0][1].split()[1:-1] == ["0", "…", "7"]


def test_columns_go_before_channels_and_every_width_is_used_to_the_last_cell():
    """At the exact width four boxes of 6, 4 or 2 columns need, all four channels show with that many columns; a cell
    narrower, fewer columns or, at two, fewer channels."""
    for cols in (6, 4, 2):
        at = slice_boxes("Z1", IMAGES, 3, 6, 6, full_width(cols), "$primary")
        boxes = boxes_of(at)
        assert len(boxes) == 4 and max(line_width(line) for line in at) == full_width(cols)
        assert boxes[0][1].split()[1:-1] == [*map(str, range(cols // 2)), "…", *map(str, range(8 - cols // 2, 8))]
    for width in range(12, full_width(6) + 1):
        assert max(line_width(line) for line in slice_boxes("Z1", IMAGES, 3, 6, 6, width, "$primary")) <= width
    narrow = slice_boxes("Z1", IMAGES, 3, 6, 6, full_width(2) - 1, "$primary")
    rows = text(narrow)[1:]
    assert len(boxes_of(narrow)) == 3
    assert [y for y, line in enumerate(rows) if line.rstrip().endswith("…")] == [len(rows) // 2]  # the middle row


def test_a_title_wider_than_its_numbers_widens_the_box():
    lines = slice_boxes("W1", np.zeros((2, 1, 2, 2, 2)), 0, 8, 8, 80, "$primary", filters=True)
    [box] = boxes_of(lines)
    assert box[0] == "╭─ W1[0, 0] ───╮" and len(box[1]) == len(box[-1]) == len(box[0])
    assert box[1].split() == ["│", "0", "0", "│"] and len(box) == 2 + 4  # (2, 2, 2) folded into rows of its last axis


def test_a_slice_keeps_its_rows_and_columns():
    wide = np.arange(2 * 3 * 5, dtype=float).reshape(1, 2, 3, 5)
    boxes = boxes_of(slice_boxes("Z1", wide, 0, 8, 8, 80, "$primary"))
    assert [line.split()[1:-1] for line in boxes[1][1:-1]] == [[str(int(v)) for v in row] for row in wide[0, 1]]


def test_a_three_axis_array_shows_each_channel_as_a_row():
    seq = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    boxes = boxes_of(slice_boxes("H", seq, 0, 8, 8, 80, "$primary", example=1))
    assert [box[1].split()[1:-1] for box in boxes] == [[str(int(v)) for v in seq[1, c]] for c in range(3)]


def test_the_choice_stops_at_the_last_example_and_one_example_needs_no_keys():
    assert text(slice_boxes("Z1", IMAGES, 3, 6, 6, 120, "$primary", example=70))[0].startswith(
        "Z1 (64, 4, 8, 8)  example 63 of 64  , . another example")
    one = text(slice_boxes("Z1", IMAGES[:1], 3, 6, 6, 120, "$primary"))[0]
    assert one.rstrip() == "Z1 (1, 4, 8, 8)  example 0 of 1"


def test_the_heading_keeps_what_fits_to_the_last_cell():
    whole = "Z1 (64, 4, 8, 8)  example 0 of 64  , . another example"
    assert text(slice_boxes("Z1", IMAGES, 3, 6, 6, len(whole), "$primary"))[0] == whole
    assert text(slice_boxes("Z1", IMAGES, 3, 6, 6, len(whole) - 1, "$primary"))[0] == "Z1 (64, 4, 8, 8)  example 0 of 64"
    short = "Z1 (64, 4, 8, 8)  example 0 of 64"
    assert text(slice_boxes("Z1", IMAGES, 3, 6, 6, len(short), "$primary"))[0] == short
    assert text(slice_boxes("Z1", IMAGES, 3, 6, 6, len(short) - 1, "$primary"))[0] == "Z1 (64, 4, 8, 8)"


def test_where_fewer_columns_show_no_more_channels_the_columns_stay():
    same = np.zeros((2, 4, 8, 8))  # every box as wide as the others, and a box of two columns as wide as its title
    one = line_width(slice_boxes("Z1", same[:, :1], 3, 6, 6, 500, "$primary")[1])  # a box, not the heading
    two = one + len(" ") + one + len(" …")  # two boxes of six columns, and … for the channels left out
    boxes = boxes_of(slice_boxes("Z1", same, 3, 6, 6, two, "$primary"))
    assert len(boxes) == 2 and boxes[0][1].split()[1:-1] == ["0"] * 3 + ["…"] + ["0"] * 3
    alone = boxes_of(slice_boxes("Z1", same, 3, 6, 6, one + len(" …"), "$primary"))  # the first box needs no gap
    assert len(alone) == 1 and alone[0][1].split()[1:-1] == ["0"] * 3 + ["…"] + ["0"] * 3


def test_two_examples_are_enough_for_the_keys():
    assert text(slice_boxes("Z1", IMAGES[:2], 3, 6, 6, 120, "$primary"))[0] == (
        "Z1 (2, 4, 8, 8)  example 0 of 2  , . another example")


def test_the_grid_of_one_slice_in_each_layout():
    from tui.widgets.slices import slice_shape
    assert slice_shape((32, 4, 8, 6), channels_last=False, filters=False) == (8, 6)  # (m, C, H, W)
    assert slice_shape((32, 8, 6, 4), channels_last=True, filters=False) == (8, 6)  # (m, H, W, C)
    assert slice_shape((4, 1, 3, 5), channels_last=False, filters=True) == (3, 5)  # (F, C, K, K)
    assert slice_shape((3, 5, 1, 4), channels_last=True, filters=True) == (3, 5)  # (K, K, C, F)
