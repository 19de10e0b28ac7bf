"""Write it yourself in a real terminal: w, a whole step typed right and wrong, a hint, a reveal, the score, t."""

from __future__ import annotations

import re

LINES = {
    "Z1": "np.dot(X, W1) + b1", "A1": "sigmoid(Z1)", "Z2": "A1 @ W2 + b2", "A2": "sigmoid(Z2)",
    "L": "np.sum(np.logaddexp(0, Z2) - Y * Z2) / m", "dZ2": "(A2 - Y) / m", "dW2": "A1.T.dot(dZ2)",
    "db2": "dZ2.sum(axis=0, keepdims=True)", "dA1": "dZ2 @ W2.T", "dZ1": "dA1 * A1 * (1 - A1)",
    "dW1": "X.T @ dZ1", "db1": "np.sum(dZ1, axis=0, keepdims=True)",
}
ORDER = list(LINES)


def flat(screen: str) -> str:
    """The screen's lines joined by single spaces, without the card's side borders, so wrapped text reads as one."""
    return " ".join(" ".join(line.replace("│", " ").split()) for line in screen.splitlines())


def write(term, name: str, line: str) -> str:
    """Type a line for the card on screen, then wait until the next card (or the score) has replaced it."""
    term.wait_for(f"write {name} = ?")
    term.send(line)
    term.press("enter")
    following = ORDER[ORDER.index(name) + 1] if name != ORDER[-1] else None
    return term.wait_for(f"write {following} = ?" if following else "Score of step")


def test_a_whole_step_written_at_80x24(spawn_app):
    term = spawn_app([], 80, 24)
    term.wait_for("event 1 of 16")
    term.send("w")
    term.wait_for("which events will you write?", flat=True)
    term.send("a")
    screen = term.wait_for("write Z1 = ?")
    assert "X (2, 4)" in screen and "X @ W1 + b1" not in screen  # the operands shown, the line hidden
    for name in ("Z1", "A1", "Z2", "A2", "L", "dZ2"):
        write(term, name, LINES[name])

    term.wait_for("write dW2 = ?")
    term.send("A1 @ dZ2")
    term.press("enter")
    term.wait_for("is not right yet")
    screen = term.wait_for("2 examples × 3 hidden units", flat=True)  # a frame can arrive in parts: wait for all
    assert "mistake  missing transpose" in screen
    term.send("h")  # the input is empty again, so h is a hint
    term.wait_for("dW2 must come out (3, 3)", flat=True)
    write(term, "dW2", LINES["dW2"])

    term.wait_for("write db2 = ?")
    term.send("r")
    term.wait_for("revealed db2")
    for name in ("dA1", "dZ1", "dW1"):
        write(term, name, LINES[name])
    write(term, "db1", LINES["db1"])
    term.wait_for(re.compile(r"db1 +right first time +1 +0"))
    screen = term.settle()
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in screen.splitlines()
            if line.split() and line.split()[0] in LINES}
    assert set(rows) == set(LINES), screen
    assert rows["Z1"] == "right first time 1 0"
    assert rows["dW2"] == "right after hints 2 1"
    assert rows["db2"] == "revealed 0 0"
    assert "Score of step 0: 12 events, 10 right first time, 1 right after hints, 1 revealed" in flat(screen), \
        screen
    assert all(len(line) <= 80 for line in screen.splitlines())

    term.send("t")
    term.wait_for(re.compile(r"step 1 ·.*\n(.*\n)*.*write Z1 = \?"))
    term.press("escape")
    term.wait_for("event 1 of 16")
    term.wait_for("step 1")


def test_the_exercise_flag_opens_the_mode_at_100x30(spawn_app):
    term = spawn_app(["--exercise", "--layout", "columns"], 100, 30)
    term.wait_for("which events will you write?", flat=True)
    term.send("b")
    term.wait_for("write dZ2 = ?")
    term.send("(A2 - Y) / m")
    term.press("enter")
    term.wait_for("write dW2 = ?")
    term.send("A1.T @ dZ2")  # the rows layout's line, in the columns layout
    term.press("enter")
    term.wait_for("is not right yet")
    screen = term.wait_for("wrong shape")
    assert "columns layout" in screen
    term.send("h")  # the input was cleared after the check
    term.wait_for("hint 1")
    term.send("h")
    term.wait_for("hint 2")
    term.send("h")
    term.wait_for("dW2 = ___ @ ___.T")
    term.send("dZ2 @ A1.T")
    term.press("enter")
    term.wait_for("write db2 = ?")
    term.wait_for("✓ dW2 is right")
