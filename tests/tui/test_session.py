"""The options behind the editor, headless: parsing each field, and what else one edit has to change."""

from __future__ import annotations

import pytest

from tui.session import FILE, Options, base_data, edited, parse_float, parse_int, parse_sizes, resolve


@pytest.mark.parametrize("text, minimum, expected", [("0", 0, 0), ("1", 1, 1), (" 7 ", 0, 7)])
def test_whole_numbers_at_their_minimum_are_taken(text, minimum, expected):
    assert parse_int("seed", text, minimum) == expected


@pytest.mark.parametrize("text", ["", "all", "  "])
def test_a_blank_batch_means_every_example(text):
    assert parse_int("batch", text, 1, allow_blank=True) is None


@pytest.mark.parametrize("text, message", [("0", "batch: expected a whole number >= 1; got 0"),
                                           ("x", "batch: expected a whole number >= 1; got 'x'"),
                                           ("", "batch: expected a whole number >= 1; got ''")])
def test_whole_numbers_below_their_minimum_or_not_numbers_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_int("batch", text, 1)


@pytest.mark.parametrize("text, message", [(" ", "is empty"), ("4", "has one entry"), ("4,0,3", "entry 2"),
                                           ("4,3n", "entry 2 of '4,3n' is '3n'")])
def test_sizes_that_do_not_parse_say_which_entry(text, message):
    with pytest.raises(ValueError, match=message):
        parse_sizes(text)
    assert parse_sizes("4 → 5 → 3") == parse_sizes("4,5,3") == (4, 5, 3)
    assert parse_float("lr", " 0.25") == 0.25


def test_identity_output_brings_mse_and_sigmoid_keeps_a_loss_that_takes_it():
    options, note = edited(Options(), "output", "identity")
    assert (options.output, options.loss) == ("identity", "mse") and "loss is now mse" in note
    spirals = Options(dataset="spirals", output="softmax", loss="ce")
    options, note = edited(spirals, "output", "sigmoid")
    assert (options.output, options.loss, note) == ("sigmoid", "ce", "")  # sigmoid with ce is allowed


def test_softmax_is_refused_on_labels_that_are_not_one_hot_and_taken_on_synthetic_data():
    with pytest.raises(ValueError, match="choose data spirals or synthetic first"):
        edited(Options(), "output", "softmax")
    options, note = edited(Options(dataset="synthetic", sizes=(4, 3, 3)), "output", "softmax")
    assert (options.output, options.loss) == ("softmax", "ce")
    data, _ = resolve(options)
    assert (data.Y.sum(axis=1) == 1).all()


def test_your_files_need_both_x_and_y():
    with pytest.raises(ValueError, match="--data and --targets go together"):
        base_data(Options(dataset=FILE, data="X.csv"))
