"""The card and the timeline in a real terminal, resized and re-run: never a cut box, the current event in view."""

from __future__ import annotations

import re

TITLE = re.compile(r"╭─ (\S+) \(([\d, ]*)\) ─")


def card(screen: str) -> list[str]:
    """The lines right of the timeline's box, from its top border to its bottom one."""
    lines = screen.splitlines()
    top = next(y for y, line in enumerate(lines) if line.startswith("╭"))
    bottom = next(y for y in range(top + 1, len(lines)) if lines[y].startswith("╰"))
    x = lines[top].index("╮") + 1
    return [line[x:] for line in lines[top:bottom + 1]]


def timeline(screen: str) -> str:
    lines = screen.splitlines()
    top = next(y for y, line in enumerate(lines) if line.startswith("╭"))
    bottom = next(y for y in range(top + 1, len(lines)) if lines[y].startswith("╰"))
    x = lines[top].index("╮") + 1
    return "\n".join(line[:x] for line in lines[top:bottom + 1])


def box_rows(lines: list[str]) -> dict[str, int]:
    """Each box's name and how many lines its body takes; asserts that each has its four corners."""
    found = {}
    for y, line in enumerate(lines):
        for title in TITLE.finditer(line):
            left, right = title.start(), line.index("╮", title.start())
            body = 0
            for below in lines[y + 1:]:
                below = below.ljust(right + 1)
                if below[left] == "╰":
                    assert below[right] == "╯", (title.group(1), "\n".join(lines))
                    break
                assert below[left] == below[right] == "│", (title.group(1), "\n".join(lines))
                body += 1
            else:
                raise AssertionError(f"{title.group(1)} has no bottom:\n" + "\n".join(lines))
            found[title.group(1)] = body
    return found


def test_every_box_stays_whole_as_the_terminal_resizes(spawn_app):
    term = spawn_app(["--sizes", "4,5,3"], 160, 45)
    term.wait_for("event 1 of 16")
    assert box_rows(card(term.settle())) == {"X": 2, "W1": 4, "b1": 1, "Z1": 2}
    for cols, rows in ((80, 24), (100, 30), (80, 24), (200, 50)):
        term.resize(cols, rows)
        screen = term.settle()
        assert len(screen.splitlines()) <= rows and all(len(line) <= cols for line in screen.splitlines())
        # every row of each matrix: X's second row, W1's last, Z1's box closed below its rows
        assert box_rows(card(screen)) == {"X": 2, "W1": 4, "b1": 1, "Z1": 2}, (cols, rows, screen)


def test_after_a_rerun_the_timeline_shows_the_current_event(spawn_app):
    term = spawn_app([], 80, 24)
    term.wait_for("event 1 of 16")
    term.send("nnnnn")
    term.wait_for("event 6 of 16")
    term.send("s4,8,5,3")
    term.press("enter")
    screen = term.wait_for("event 12 of 24")
    assert "dZ2 = dA2 * A2 * (1 - A2)" in screen
    assert re.search(r"│ [\d ]+ dZ2 \(2, 5\)", timeline(term.settle())), timeline(term.settle())


BUG = """import numpy as np
X = np.array([[1., 1, 1, 1], [0, 0, 0, 0]])
W1 = np.random.default_rng(0).uniform(-1, 1, (4, 3))
b1 = np.zeros((1, 3))
W2 = np.random.default_rng(1).uniform(-1, 1, (3, 1))
b2 = np.zeros((1, 1))
Y = np.array([[1.], [0.]])
Z1 = np.dot(W1, X) + b1
"""


def test_at_80_by_24_the_debug_view_wraps_its_status_and_its_card_scrolls_to_the_end(spawn_app, tmp_path):
    (tmp_path / "bug.py").write_text(BUG)
    term = spawn_app(["debug", "bug.py"], 80, 24, cwd=tmp_path)
    screen = term.wait_for("culprit: np.dot(W1, X)")
    flat = " ".join(screen.split())
    assert "lr 0.5 (o opens it)" in flat  # the twin's line wraps, whole
    assert "the engine's nearest line" not in screen  # below the card's edge
    term.press("\x1b[6~")  # page down
    term.wait_for("the engine's nearest line: Z1 = X @ W1 + b1")
    term.press("\x1b[6~")  # to the end: the operands, whole
    term.wait_for(re.compile(r"│ 0 0 0 +│\n.*╰─+╯"))
    assert box_rows(card(term.settle())) == {"W1": 4, "X": 2, "b1": 1}
    term.press("\x1b[5~")  # page up
    term.wait_for("Z1 = np.dot(W1, X) + b1")
