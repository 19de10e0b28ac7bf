"""The app in a real terminal at 80×24, 100×30 and 200×50: typing into every input, every dialog, resizing."""

from __future__ import annotations

import re

import pytest

from pty_terminal import SIZES

# Tab walks from batch (where e puts the keys) through these.
AFTER_BATCH = ("hidden", "output", "loss", "layout", "bias", "init", "detail", "data", "lr", "seed")


def tab_to(term, field: str) -> None:
    """Tab from batch to the field, one press at a time, each time waiting for the key bar to name the field."""
    for name in AFTER_BATCH[:AFTER_BATCH.index(field) + 1]:
        term.press("tab")
        term.wait_for(f"editing {name} ")


def without_scrollbar(screen: str) -> str:
    """The screen with the timeline's scrollbar thumb blanked: where it sits depends on the scroll history."""
    return "\n".join(re.sub(r"[▁▂▃▄▅▆▇█]{2} │", "   │", line, count=1) if line.startswith("│") else line
                     for line in screen.split("\n"))


def flat(screen: str) -> str:
    """The screen's lines joined with single spaces, so that a message wrapped over lines reads as one."""
    return " ".join(line.strip() for line in screen.splitlines())


def summary(screen: str) -> str:
    """The summary: the lines above the timeline's top border."""
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    return " ".join(lines[:top])


def editor_lines(screen: str) -> str:
    return "\n".join(line for line in screen.splitlines() if re.match(r"^ (sizes|loss|bias|data|init|seed|lr) ", line)
                     or "batch" in line and "sizes" in line)


@pytest.mark.parametrize("cols, rows", SIZES)
def test_start_shows_event_1_whole_every_field_and_every_key(spawn_app, cols, rows):
    term = spawn_app([], cols, rows)
    term.wait_for("event 1 of 16")
    screen = term.settle()
    lines = screen.split("\n")
    assert len(lines) == rows and all(len(line) <= cols for line in lines)
    # event 1 whole: every box it draws is closed, the result Z1 included
    assert "Z1 (2, 3)" in screen and screen.count("╭─") == screen.count("╰─") >= 4
    for field in ("sizes", "batch", "hidden", "output", "loss", "layout", "bias", "init", "data", "lr", "seed"):
        assert re.search(rf"\b{field}\b", screen), field
    for key in ("n/→/␣ next", "s sizes", "e edit", "? help", "q quit", "^p palette"):
        assert key in screen
    assert "data question" in summary(screen)


@pytest.mark.parametrize("cols, rows", SIZES)
def test_typing_sizes_applies_on_enter_and_the_next_key_steps(spawn_app, cols, rows):
    term = spawn_app([], cols, rows)
    term.wait_for("event 1 of 16")
    term.send("s")
    term.wait_for("editing sizes")  # the key bar says what the keys do now
    term.send("4,5,3")
    term.press("enter")
    term.wait_for("4 → 5 → 3")
    term.send("n")
    term.wait_for("event 2 of 16")
    screen = term.wait_for("A1 (2, 5)")  # the card's boxes can come a read after its header
    assert "4,5,3n" not in screen


@pytest.mark.parametrize("cols, rows", SIZES)
def test_typing_into_every_other_field(spawn_app, cols, rows):
    term = spawn_app([], cols, rows)
    term.wait_for("event 1 of 16")
    term.send("e1")  # e and what follows it, as fast as a paste: the 1 lands in batch
    term.wait_for("editing batch")
    term.press("enter")
    term.wait_for("m = 1")
    term.send("e")
    term.wait_for("editing batch")
    tab_to(term, "lr")
    term.send("0.1")
    term.press("enter")
    term.wait_for("seed 0  lr 0.1")  # in the summary: the edit has run
    term.send("e")
    term.wait_for("editing batch")
    tab_to(term, "seed")
    term.send("7")
    term.press("enter")
    term.wait_for("seed 7  lr 0.1")
    term.send("e")
    term.wait_for("editing batch")
    tab_to(term, "layout")
    term.press("enter")
    term.wait_for("choosing layout")
    term.press("down", "enter")
    term.wait_for("columns layout")
    term.wait_for("X (4, 1)")  # batch 1 in columns: one example is one column
    term.send("n")
    term.wait_for("event 2 of 16")


@pytest.mark.parametrize("cols, rows", SIZES)
def test_every_dialog_opens_with_its_keys_and_closes_with_escape(spawn_app, cols, rows):
    term = spawn_app([], cols, rows)
    term.wait_for("event 1 of 16")
    term.send("n")
    term.wait_for("event 2 of 16")
    term.send("d")
    term.wait_for("Shape doctor")
    term.press("ctrl+a", "ctrl+k")  # the doctor's input has the keys at once: home, delete to the end
    term.wait_for("e.g. error2")  # its placeholder: the input is empty
    term.send("Z1.T - A1")
    term.press("enter")
    screen = term.wait_for("culprit")
    assert "Z1.T - A1" in screen
    assert all(len(line) <= cols for line in screen.splitlines())
    term.press("escape")
    term.wait_for("Shape doctor", gone=True)
    term.send("?")
    term.wait_for("Keys")
    term.press("end")  # the help scrolls with the keys, no tab needed
    term.wait_for("(n_out, n_in)")
    term.press("escape")
    term.wait_for("(n_out, n_in)", gone=True)
    term.send("g")
    term.wait_for("Gradient check")
    term.wait_for("✓")
    term.press("escape")
    term.wait_for("Gradient check", gone=True)
    term.send("]")
    term.wait_for("event 5 of 16")  # the loss
    term.send("b")
    term.wait_for("b breaks backward formulas")  # refused on the loss, saying where to go
    term.send("]")
    term.wait_for("event 6 of 16")
    term.send("b")
    term.wait_for("Break it")
    term.press("escape")
    term.wait_for("Break it", gone=True)
    term.send("n")
    term.wait_for("event 7 of 16")


@pytest.mark.parametrize("before, after", [((100, 30), (200, 50)), ((200, 50), (80, 24)), ((80, 24), (100, 30))])
def test_the_layout_follows_the_first_resize(spawn_app, before, after):
    fresh = spawn_app([], *after)
    fresh.wait_for("event 1 of 16")
    expected = without_scrollbar(fresh.settle())
    fresh.close()
    term = spawn_app([], *before)
    term.wait_for("event 1 of 16")
    term.settle()
    term.resize(*after)
    # one resize, and the screen is what a fresh start at that size shows
    term.wait_for(re.compile(re.escape(expected.splitlines()[-1].rstrip())))
    assert without_scrollbar(term.settle()) == expected


def test_an_edit_while_training_stops_training_says_so_and_shows_the_new_network(spawn_app):
    term = spawn_app([], 100, 30)
    term.wait_for("event 1 of 16")
    term.press("tab")
    term.wait_for("editing train steps")  # with its text selected, so typing replaces it
    term.send("999999")
    term.press("escape")
    term.wait_for("n/→/␣ next")
    term.send("T")
    term.wait_for(re.compile(r"[1-9]\d* of 999999"))
    term.send("s")
    term.send("4,5,3")
    term.press("enter")
    term.wait_for(re.compile(r"training stopped after \d+ of 999999 steps for the edit"), flat=True)
    screen = term.wait_for("4 → 5 → 3")
    assert "step 0" in summary(screen)
    bar = next(line for line in term.settle().splitlines() if line.startswith(" train "))
    assert "of 999999" not in bar  # no progress: nothing trains any more


def test_your_own_csv_data_sets_the_sizes_and_is_named(spawn_app, tmp_path):
    (tmp_path / "X.csv").write_text("x1,x2\n0,0\n0,1\n1,0\n1,1\n")
    (tmp_path / "Y.csv").write_text("y\n0\n1\n1\n0\n")
    term = spawn_app(["--data", "X.csv", "--targets", "Y.csv"], 100, 30, cwd=tmp_path)
    screen = term.wait_for("event 1 of")
    assert "2 → 3 → 1" in summary(screen) and "data X.csv" in summary(screen)
    assert "synthetic" not in screen
    term.send("s")
    term.send("2,3,2")
    term.press("enter")
    term.wait_for("synthetic 2→2")
    term.wait_for("choose data X.csv to go back", flat=True)


def test_export_names_the_step_and_never_overwrites(spawn_app, tmp_path):
    term = spawn_app([], 200, 50, cwd=tmp_path)
    term.wait_for("event 1 of 16")
    term.send("x")
    term.wait_for("exported step 0's")
    term.send("t")
    term.wait_for("step 1")
    term.send("x")
    term.wait_for("exported step 1's")
    term.send("x")
    term.wait_for("step1-2.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "stepprop_4-3-3_rows_vector_step0.py", "stepprop_4-3-3_rows_vector_step1-2.py",
        "stepprop_4-3-3_rows_vector_step1.py"]
