"""Whole key sequences typed at once, with no pause between keys: each key reaches the field the screen shows
focused at that point of the sequence; none is lost, none lands elsewhere."""

from __future__ import annotations

import pytest

from pty_terminal import SIZES

DOWN = "\x1b[B"


def summary(screen: str) -> str:
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    return " ".join(lines[:top])


@pytest.mark.parametrize("cols, rows", SIZES)
def test_sizes_enter_and_steps_in_one_go(spawn_app, cols, rows):
    term = spawn_app([], cols, rows)
    term.wait_for("event 1 of 16")
    term.send("s4,5,3\rnn")  # the n after enter step; none is typed into sizes
    term.wait_for("4 → 5 → 3")
    screen = term.wait_for("event 3 of 16")
    assert "4,5,3n" not in screen and "Z2 = A1 @ W2 + b2" in screen


def test_tab_to_lr_type_enter_and_step_in_one_go(spawn_app):
    term = spawn_app([], 100, 30)
    term.wait_for("event 1 of 16")
    term.send("e" + "\t" * 9 + "0.1\rn")  # batch, then nine tabs to lr
    term.wait_for("seed 0  lr 0.1")  # in the summary: the edit has run
    term.wait_for("event 2 of 16")
    term.wait_for("same network", flat=True)  # an lr edit keeps training where it was
    assert "0.1n" not in term.settle()


def test_a_refused_entry_keeps_the_keys_typed_after_it(spawn_app):
    term = spawn_app([], 100, 30)
    term.wait_for("event 1 of 16")
    term.send("s4,,3\r\x7f\x7f\x7f,5,3\rn")  # refused, fixed in the field that keeps the keys, applied, a step
    term.wait_for("4 → 5 → 3")
    term.wait_for("event 2 of 16")


def test_choices_open_choose_and_move_on_in_one_go(spawn_app):
    term = spawn_app([], 100, 30)
    term.wait_for("event 1 of 16")
    # e to batch, four tabs to layout; enter opens it, down, enter chooses columns and moves on to bias; the same
    # there chooses augmented and moves on to init
    term.send("e" + "\t" * 4 + "\r" + DOWN + "\r" + "\r" + DOWN + "\r")
    term.wait_for("columns layout")
    screen = term.wait_for("augmented bias")
    term.wait_for("editing init")
    assert "choosing" not in term.settle()  # no list left open
    term.press("escape")
    term.wait_for("n/→/␣ next")
    term.send("nn")  # from Z1, event 2 of the augmented step (X_aug comes first), two steps on
    screen = term.wait_for("event 4 of 14")
    assert "A1_aug = np.vstack([A1, np.ones((1, m))])" in screen
