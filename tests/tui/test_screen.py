"""What the screen draws is the lesson: card, shape rule marks, counter, timeline, matrix extents, help, notes.

Expected text is written by hand from the textbook and the question's network (4 → 3 → 3, m = 2), not read from
the engine, so a wrong term, a dropped ᵀ or an off-by-one counter on screen fails here. The editor row and key
bar are left to their own tests.
"""

from __future__ import annotations

import re

import pytest
from pilot_helpers import card_text, screen_text, settle

from tui.app import BackpropApp
from tui.session import Options

SIZES = [(100, 30), (200, 50)]
LAYOUTS = ["rows", "columns"]
INNER, BROADCAST = "   inner dims must match", "   1 broadcasts"

# event number: (header, formula, term, shape rule with ⟨inner⟩ and ⟪broadcast⟫ dimensions marked, legend)
CARDS = {
    "rows": {
        1: ("forward  layer 1  ·  event 1 of 16", "Z1 = X @ W1 + b1", "Z1 = X · W1 + b1",
            "(2, ⟨4⟩) @ (⟨4⟩, 3) + (⟪1⟫, 3) → (2, 3)", INNER + BROADCAST),
        5: ("loss  ·  event 5 of 16", "L = np.sum(np.logaddexp(0, Z2) - Y * Z2) / m",
            "L = (1/m) Σ [log(1 + e^Z2) − Y ⊙ Z2]", "(1/m) Σ [log(1 + e^(2, 3)) − (2, 3) ⊙ (2, 3)] → ()", ""),
        6: ("backward  layer 2  ·  event 6 of 16", "dZ2 = (A2 - Y) / m", "∂L/∂Z2 = (A2 − Y) / m",
            "((2, 3) − (2, 3)) / m → (2, 3)", ""),
        7: ("backward  layer 2  ·  event 7 of 16", "dW2 = A1.T @ dZ2", "∂L/∂W2 = A1ᵀ · ∂L/∂Z2",
            "(⟨2⟩, 3)ᵀ @ (⟨2⟩, 3) → (3, 3)", INNER),
        8: ("backward  layer 2  ·  event 8 of 16", "db2 = dZ2.sum(axis=0, keepdims=True)",
            "∂L/∂b2 = Σ over examples (rows) of ∂L/∂Z2", "Σ_rows (2, 3) → (1, 3)", ""),
        9: ("backward  layer 2  ·  event 9 of 16", "dA1 = dZ2 @ W2.T", "∂L/∂A1 = ∂L/∂Z2 · W2ᵀ",
            "(2, ⟨3⟩) @ (3, ⟨3⟩)ᵀ → (2, 3)", INNER),
        10: ("backward  layer 1  ·  event 10 of 16", "dZ1 = dA1 * A1 * (1 - A1)", "∂L/∂Z1 = ∂L/∂A1 ⊙ A1 ⊙ (1 − A1)",
             "(2, 3) ⊙ (2, 3) ⊙ (1 − (2, 3)) → (2, 3)", ""),
        13: ("update  layer 1  ·  event 13 of 16", "W1 = W1 - lr * dW1", "W1 ← W1 − lr·∂L/∂W1",
             "(4, 3) − lr·(4, 3) → (4, 3)", ""),
        16: ("update  layer 2  ·  event 16 of 16", "b2 = b2 - lr * db2", "b2 ← b2 − lr·∂L/∂b2",
             "(1, 3) − lr·(1, 3) → (1, 3)", ""),
    },
    "columns": {
        1: ("forward  layer 1  ·  event 1 of 16", "Z1 = W1 @ X + b1", "Z1 = W1 · X + b1",
            "(3, ⟨4⟩) @ (⟨4⟩, 2) + (3, ⟪1⟫) → (3, 2)", INNER + BROADCAST),
        5: ("loss  ·  event 5 of 16", "L = np.sum(np.logaddexp(0, Z2) - Y * Z2) / m",
            "L = (1/m) Σ [log(1 + e^Z2) − Y ⊙ Z2]", "(1/m) Σ [log(1 + e^(3, 2)) − (3, 2) ⊙ (3, 2)] → ()", ""),
        7: ("backward  layer 2  ·  event 7 of 16", "dW2 = dZ2 @ A1.T", "∂L/∂W2 = ∂L/∂Z2 · A1ᵀ",
            "(3, ⟨2⟩) @ (3, ⟨2⟩)ᵀ → (3, 3)", INNER),
        8: ("backward  layer 2  ·  event 8 of 16", "db2 = dZ2.sum(axis=1, keepdims=True)",
            "∂L/∂b2 = Σ over examples (columns) of ∂L/∂Z2", "Σ_columns (3, 2) → (3, 1)", ""),
        9: ("backward  layer 2  ·  event 9 of 16", "dA1 = W2.T @ dZ2", "∂L/∂A1 = W2ᵀ · ∂L/∂Z2",
            "(⟨3⟩, 3)ᵀ @ (⟨3⟩, 2) → (3, 2)", INNER),
        11: ("backward  layer 1  ·  event 11 of 16", "dW1 = dZ1 @ X.T", "∂L/∂W1 = ∂L/∂Z1 · Xᵀ",
             "(3, ⟨2⟩) @ (4, ⟨2⟩)ᵀ → (3, 4)", INNER),
        14: ("update  layer 1  ·  event 14 of 16", "b1 = b1 - lr * db1", "b1 ← b1 − lr·∂L/∂b1",
             "(3, 1) − lr·(3, 1) → (3, 1)", ""),
    },
}

# The words beside a term, where the code cannot say it; shown on the term's line when they fit there.
NOTES = {
    ("rows", 1): "b1 broadcast down the m rows",
    ("columns", 1): "b1 broadcast across the m columns",
    5: "= −(1/m) Σ [Y log A2 + (1 − Y) log(1 − A2)], written with Z2 so that log never sees 0",
    6: "the output's derivative cancelling the loss's",
    10: "σ′(Z1), written with the output A1",
}

# Every event's name and shape, as the timeline lists them.
TIMELINE = {
    "rows": [("Z1", "(2, 3)"), ("A1", "(2, 3)"), ("Z2", "(2, 3)"), ("A2", "(2, 3)"), ("L", "()"),
             ("dZ2", "(2, 3)"), ("dW2", "(3, 3)"), ("db2", "(1, 3)"), ("dA1", "(2, 3)"), ("dZ1", "(2, 3)"),
             ("dW1", "(4, 3)"), ("db1", "(1, 3)"), ("W1", "(4, 3)"), ("b1", "(1, 3)"), ("W2", "(3, 3)"),
             ("b2", "(1, 3)")],
    "columns": [("Z1", "(3, 2)"), ("A1", "(3, 2)"), ("Z2", "(3, 2)"), ("A2", "(3, 2)"), ("L", "()"),
                ("dZ2", "(3, 2)"), ("dW2", "(3, 3)"), ("db2", "(3, 1)"), ("dA1", "(3, 2)"), ("dZ1", "(3, 2)"),
                ("dW1", "(3, 4)"), ("db1", "(3, 1)"), ("W1", "(3, 4)"), ("b1", "(3, 1)"), ("W2", "(3, 3)"),
                ("b2", "(3, 1)")],
}


def region_cells(app, widget_id: str, row: int) -> list[tuple[str, object]]:
    """(character, style) for each cell of one row of a widget, as the terminal would show it."""
    region = app.query_one(widget_id).region
    strip = app.screen._compositor.render_strips()[region.y + row]
    cells = [(ch, seg.style) for seg in strip for ch in seg.text]
    return cells[region.x:region.right]


def marked_rule(app) -> str:
    """The card's shape-rule row, with underlined (inner) digits as ⟨4⟩ and bold yellow (broadcast) 1s as ⟪1⟫."""
    cells = region_cells(app, "#card", 4)
    text = "".join(ch for ch, _ in cells)
    arrow = text.index("→")
    out = []
    for x, (ch, style) in enumerate(cells):
        if x < arrow and style is not None and style.underline:
            out.append(f"⟨{ch}⟩")
        elif x < arrow and style is not None and style.bold and ch == "1":
            out.append(f"⟪{ch}⟫")
        else:
            out.append(ch)
    return "".join(out).rstrip()


def card_width(app) -> int:
    region = app.query_one("#card").region
    return region.width - 2  # its padding


async def walk(pilot, layout: str):
    """Visit every event with n, yielding its number (from 1) once it is on screen."""
    await pilot.pause()
    for number in range(1, 17):
        if number > 1:
            await pilot.press("n")
        yield number


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("layout", LAYOUTS)
async def test_card_term_rule_marks_and_counter(size, layout):
    app = BackpropApp(Options(layout=layout))
    async with app.run_test(size=size) as pilot:
        checked = 0
        async for number in walk(pilot, layout):
            lines = [line.strip() for line in card_text(app).splitlines()]
            assert re.search(rf"event {number} of 16$", lines[0]), lines[0]
            if number not in CARDS[layout]:
                continue
            header, formula, term, rule, legend = CARDS[layout][number]
            width = card_width(app)
            assert lines[0] == header
            assert lines[2] == formula
            note = NOTES.get((layout, number), NOTES.get(number, ""))
            beside = f"{term}   {note}"
            assert lines[3] == (beside if note and len(beside) <= width else term), (lines[3], term, note)
            clean = re.sub("[⟨⟩⟪⟫]", "", rule)
            assert lines[4] == (clean + legend)[:width].rstrip()
            assert marked_rule(app).strip().startswith(rule), marked_rule(app)
            checked += 1
        assert checked == len(CARDS[layout])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("layout", LAYOUTS)
async def test_timeline_lists_every_event_with_its_shape(size, layout):
    app = BackpropApp(Options(layout=layout))
    async with app.run_test(size=size) as pilot:
        async for number in walk(pilot, layout):
            name, shape = TIMELINE[layout][number - 1]
            rows = screen_text(app).splitlines()
            region = app.query_one("#timeline").region
            timeline = [row[region.x:region.right] for row in rows[region.y:region.bottom]]
            row = next((row for row in timeline if re.match(rf"│ [\d ] {re.escape(name)} +{re.escape(shape)}( |$)", row)),
                       None)
            assert row is not None, (name, shape, timeline)
            beside = row.split(shape, 1)[1].strip(" │").rstrip("…")
            formula = card_text(app).splitlines()[2].strip()
            if size[0] >= 160:  # wide: each row carries its NumPy line in a column of its own, cut to fit
                assert beside and formula.startswith(beside), (beside, formula)
                assert re.match(rf"│ [\d ] {re.escape(name)} +{re.escape(shape)} +{re.escape(beside)}", row), row
            else:
                assert beside == "", beside
        if size == (200, 50):  # everything fits: all of it, in order, under its phase
            listed = [m.groups() for row in timeline if (m := re.match(r"│ [\d ] (\S+) +(\(.*?\))", row))]
            assert listed == TIMELINE[layout]
            phases = [row[2:].split()[0] for row in timeline if re.match(r"│ [a-z]", row)]
            assert phases == ["forward", "loss", "backward", "update"]


@pytest.mark.parametrize("layout, shape", [("rows", "(300, 16)"), ("columns", "(16, 300)")])
# At 100×30 in rows, X (300, 2) above Z1 leaves Z1 four rows; in columns, Z1 stands beside b1 (16, 1) with six.
@pytest.mark.parametrize("size, columns, rows", [((100, 30), 6, {"rows": 4, "columns": 6}),
                                                 ((200, 50), 12, {"rows": 12, "columns": 12})])
async def test_wide_screens_show_more_of_each_matrix(size, columns, rows, layout, shape):
    """Z1 is (300, 16) or (16, 300): the card shows its first and last columns and rows, more on a larger screen."""
    app = BackpropApp(Options(sizes=(2, 16, 3), dataset="spirals", layout=layout))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = card_text(app).splitlines()
        top = next(k for k, line in enumerate(lines) if f"╭─ Z1 {shape} " in line)
        left = lines[top].index(f"╭─ Z1 {shape} ")
        right = lines[top].index("╮", left)
        bottom = next(k for k in range(top, len(lines)) if lines[k][left] == "╰")
        body = [line[left:right + 1] for line in lines[top + 1:bottom]]
        numbers = [re.findall(r"-?\d+\.\d{3}", line) for line in body]
        assert [len(n) for n in numbers if n] == [columns] * rows[layout]
        assert all("…" in line for line in body if "⋮" not in line)
        assert sum("⋮" in line for line in body) == 1


CONVENTIONS = [
    "layout    X        W_l             b_l          Z_l",
    "rows      (m, n)   (n_in, n_out)   (1, n_out)   A_prev @ W_l + b_l",
    "columns   (n, m)   (n_out, n_in)   (n_out, 1)   W_l @ A_prev + b_l",
]


@pytest.mark.parametrize("size", SIZES)
async def test_help_shows_every_key_and_the_conventions_table(size):
    app = BackpropApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        seen = screen_text(app)
        await pilot.press("end")  # the help scrolls when it does not fit
        await pilot.pause()
        seen += "\n" + screen_text(app)
        for row in ["│   n/→/␣     next event", "│   p/←       previous event, shown as before",
                    "│   b         on a backward event: the common wrong versions, and why", "│   ?         this help",
                    "│   ctrl+p    command palette: every action, and a jump to any event"]:
            assert row in seen, row
        for row in CONVENTIONS:
            assert row in seen
        await pilot.press("escape")
        await pilot.pause()
        assert "Conventions" not in screen_text(app)
        assert "event 1 of 16" in card_text(app)


def refusal(name: str, phase: str, way: str) -> str:
    return f"b breaks backward formulas, and {name} is {phase} event: step to one with {way}"


def said(app) -> str:
    return " ".join(screen_text(app).split())


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("layout", LAYOUTS)
async def test_break_it_refuses_outside_backward_and_opens_on_backward(size, layout):
    app = BackpropApp(Options(layout=layout))
    async with app.run_test(size=size) as pilot:
        for keys, where, message in [
            (["home"], "forward", refusal("Z1", "a forward", "] or n")),
            (["home"] + ["n"] * 4, "loss", refusal("L", "a loss", "] or n")),
            (["end"], "update", refusal("b2", "an update", "[ or p")),
        ]:
            await pilot.press(*keys)
            assert card_text(app).lstrip().startswith(where)
            assert message not in said(app)
            await pilot.press("b")
            await pilot.pause()
            assert len(app.screen_stack) == 1, where
            assert message in said(app), where
        await pilot.press("home", *["n"] * 6)  # dW2
        await pilot.press("b")
        await pilot.pause()
        formula = CARDS[layout][7][1]
        shown = screen_text(app)
        assert f"Break it: the right line is {formula}" in shown
        wrong = {"rows": ["dW2 = A1 @ dZ2", "dW2 = A1.T * dZ2", "dW2 = A1 @ dZ2.T"],
                 "columns": ["dW2 = dZ2 @ A1", "dW2 = dZ2 * A1.T", "dW2 = dZ2.T @ A1"]}[layout]
        region = app.screen.query_one("#mistakes").region

        def inside() -> list[str]:
            rows = screen_text(app).splitlines()[region.y:region.bottom]
            return [row[region.x:region.right].strip("│ ▁▇▆▅▄▃▂█") for row in rows]

        top = inside()
        await pilot.press("end")  # the list scrolls when it does not fit
        await pilot.pause()
        seen = top + [""] + inside()
        for kind, line in zip(["missing transpose", "* where @ was meant", "transposed the wrong operand"], wrong):
            assert any(a == kind and b == line for a, b in zip(seen, seen[1:])), (kind, line, seen)
        inside = seen
        assert "NumPy: operands could not be broadcast together with shapes" in shown
        assert inside[inside.index(wrong[2]) + 1] == "runs, and gives shape (2, 2)"
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert card_text(app).splitlines()[2].strip() == formula


@pytest.mark.parametrize("layout", LAYOUTS)
async def test_clicking_a_timeline_row_shows_that_event(layout):
    app = BackpropApp(Options(layout=layout))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        region = app.query_one("#timeline").region
        rows = screen_text(app).splitlines()[region.y:region.bottom]
        formulas = {number: card[1] for number, card in CARDS[layout].items()} | {16: "b2 = b2 - lr * db2"}
        for name, number in [("dW2", 7), ("L", 5), ("b2", 16), ("Z1", 1)]:
            y = next(k for k, row in enumerate(rows) if re.match(rf"│ [\d ] {name} ", row[region.x:]))
            await pilot.click("#timeline", offset=(5, y))
            await pilot.pause()
            lines = card_text(app).splitlines()
            assert lines[0].strip().endswith(f"event {number} of 16")
            assert lines[2].strip() == formulas[number]
        y = next(k for k, row in enumerate(rows) if row[region.x:].startswith("│ backward"))
        await pilot.click("#timeline", offset=(5, y))  # a phase heading is not an event: nothing changes
        await pilot.pause()
        assert card_text(app).splitlines()[0].strip().endswith("event 1 of 16")


@pytest.mark.parametrize("size", SIZES)
async def test_operands_stand_side_by_side_above_the_result(size):
    app = BackpropApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = card_text(app).splitlines()
        tops = [line for line in lines if "╭─" in line]
        assert re.search(r"╭─ X \(2, 4\) ─+╮ ╭─ W1 \(4, 3\) ─+╮ ╭─ b1 \(1, 3\) ─+╮", tops[0]), tops[0]
        assert tops[1].strip().startswith("╭─ Z1 (2, 3) ")
        assert len(tops) == 2


async def test_break_it_on_a_line_with_nothing_common_to_break():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*["n"] * 5)  # dZ2 = (A2 - Y) / m
        await pilot.press("b")
        await pilot.pause()
        shown = screen_text(app)
        assert "Break it: the right line is dZ2 = (A2 - Y) / m" in shown
        assert "Nothing common to break in this line." in shown
        await pilot.press("b")  # b closes it too
        await pilot.pause()
        assert len(app.screen_stack) == 1
