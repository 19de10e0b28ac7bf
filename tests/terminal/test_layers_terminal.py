"""The layers line (a) in a real terminal: typing a stack, a refusal beside the line, mending it, resizing."""

from __future__ import annotations

import pytest

from pty_terminal import SIZES


def flat(screen: str) -> str:
    return " ".join(line.strip() for line in screen.splitlines())


@pytest.mark.parametrize("cols, rows", SIZES)
def test_a_typed_stack_is_refused_inline_then_mended_and_run(spawn_app, cols, rows):
    term = spawn_app([], cols, rows)
    term.wait_for("event 1 of 16")
    term.send("a")
    term.wait_for("editing layers")
    term.press("ctrl+a", "ctrl+k")  # the line starts with the stack as text: cleared as a learner would
    term.send("linear 5, batchnorm, tanh, lineer 3, sigmoid")
    term.press("enter")
    screen = term.wait_for("unknown kind 'lineer'")
    assert "item 4 'lineer 3'" in flat(screen)
    assert "4 → 3 → 3" in screen  # the network on screen is the last good one
    term.press("ctrl+a", "ctrl+k")
    term.send("linear 5, batchnorm, tanh, linear 3, sigmoid")
    term.press("enter")
    term.wait_for("4 → 5 → bn → tanh → 3 → sigmoid")
    term.wait_for("unknown kind", gone=True)  # the refusal goes with the applied line,
    screen = term.wait_for("editing layers", gone=True)  # and the line closes, giving the keys back to stepping
    assert "4 → 5 → bn → tanh → 3 → sigmoid" in screen
    term.send("n")  # the keys step again once the line is applied
    term.wait_for("event 2 of")
    screen = term.settle()
    lines = screen.split("\n")
    assert len(lines) == rows and all(len(line) <= cols for line in lines)
    assert screen.count("╭─") == screen.count("╰─")  # every box closed


def test_the_layers_line_keeps_its_typing_through_resizes(spawn_app):
    term = spawn_app([], 100, 30)
    term.wait_for("event 1 of 16")
    term.send("a")
    term.wait_for("editing layers")
    term.press("ctrl+a", "ctrl+k")
    term.send("linear 6, relu, linear 3, sigmoid")
    term.wait_for("linear 6, relu, linear 3, sigmoid")
    term.resize(80, 24)
    screen = term.settle()
    assert "editing layers" in screen and "linear 6, relu, linear 3, sigmoid" in screen
    term.resize(200, 50)
    screen = term.settle()
    assert "editing layers" in screen and "4 → 3 → 3" in screen  # typed, not yet applied
    term.press("enter")
    screen = term.wait_for("4 → 6 → 3  m = 2")  # a stack a sizes network can be is named as one
    assert "relu → sigmoid  bce" in screen
    lines = screen.split("\n")
    assert len(lines) == 50 and all(len(line) <= 200 for line in lines)
