"""The sparkline of ‖dh_t‖: one block per time step on a log scale fixed at three decades below the largest."""

import pytest

from tui.widgets.sparkline import bars, caption


def test_each_time_step_is_a_block_on_a_log_scale_three_decades_deep():
    assert bars([1e-3, 1e-2, 1e-1, 1.0]) == "▁▃▆█"  # a decade is 7/3 blocks
    assert bars([2.0, 2.0]) == "██"
    assert bars([0.0, 1.0, 10.0]) == " ▆█"  # a zero norm is no block at all
    assert bars([1e-9, 1e-3, 1.0]) == "▁▁█"  # below a thousandth of the largest: the lowest block
    assert bars([0.0, 0.0]) == "▁▁"
    assert bars([]) == ""


def test_a_tenfold_fall_and_a_thousandfold_fall_are_drawn_apart():
    # A scale stretched from the smallest norm to the largest drew both as ▁…█; the fixed scale keeps them apart.
    assert bars([0.1, 1.0]) == "▆█"
    assert bars([0.001, 1.0]) == "▁█"


@pytest.mark.parametrize("norms, words", [
    ([1e-3, 1.0], "t 0→1  t 0 has 1.0e-03 of the largest  log scale"),
    ([2.0, 4.0, 8.0], "t 0→2  t 0 has 2.5e-01 of the largest  log scale"),
    ([0.0, 0.0], "t 0→1  log scale"),
    ([], "no time steps"),
])
def test_the_caption_says_how_much_reached_the_first_step(norms, words):
    assert caption(norms) == words
