"""At 80×24 and wider, every matrix on the card is whole: four corners, its first and last rows and columns, and a
gap (⋮ or …) only where it hides two or more; the shape rule's words whole; notes that go with the event; a doctor
whose diagnosis and fixes can all be reached."""

from __future__ import annotations

import re

import pytest
from pilot_helpers import card_text, screen_text, settle

from tui.app import BackpropApp
from tui.session import Options

SIZES = [(80, 24), (100, 30), (160, 45)]
# "Z1 (2, 5)", "W1 new (4, 5)", a time step's "dH1[:, 3, :] (64, 32)", a head's "P2[0, 0] of (32, 2, 8, 8)"
TITLE = re.compile(r"╭─ ([^─(]+?) \(([\d, ]*)\) ─")


def boxes(card: str) -> list[tuple[str, tuple[int, ...], list[list[str]]]]:
    """Each box on the card: its name, its shape, and its rows of cells as drawn (⋮ and … included)."""
    lines = card.splitlines()
    found = []
    for y, line in enumerate(lines):
        for title in TITLE.finditer(line):
            left, right = title.start(), line.index("╮", title.start())
            shape = tuple(int(n) for n in title.group(2).replace(",", " ").split())
            rows = []
            for below in lines[y + 1:]:
                assert len(below) > right, f"{title.group(1)} runs off the card:\n{card}"
                if below[left] == "╰":
                    assert below[right] == "╯", f"{title.group(1)} has no bottom right corner:\n{card}"
                    break
                assert below[left] == "│" and below[right] == "│", f"{title.group(1)} is cut:\n{card}"
                rows.append(below[left + 1:right].split())
            else:
                raise AssertionError(f"{title.group(1)} has no bottom:\n{card}")
            found.append((title.group(1), shape, rows))
    return found


def assert_whole(card: str) -> None:
    """Every box closed; rows and columns all shown, or the first and last of them around a gap hiding two or more."""
    for name, shape, rows in boxes(card):
        n, k = (1, 1) if not shape else (1, shape[0]) if len(shape) == 1 else shape[-2:]  # a head's last two axes
        numbers = [row for row in rows if "⋮" not in row]
        gaps = [row for row in rows if "⋮" in row]
        if gaps:
            assert len(gaps) == 1 and rows[0] not in gaps and rows[-1] not in gaps, (name, card)
            assert len(numbers) <= n - 2, f"{name}: a ⋮ where the rows it hides would fit\n{card}"
        else:
            assert len(numbers) == n, (name, card)
        for row in numbers:
            if "…" in row:
                assert row[0] != "…" and row[-1] != "…" and len(row) - 1 <= k - 2, (name, card)
            else:
                assert len(row) == k, (name, card)


async def walk(app, pilot) -> None:
    """Every event of the step, each card checked whole."""
    for k in range(len(app.session.plan)):
        assert f"event {k + 1} of" in card_text(app)
        assert_whole(card_text(app))
        await pilot.press("n")


@pytest.mark.parametrize("size", SIZES)
async def test_every_box_of_every_event_is_whole(size):
    app = BackpropApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("s", *"4,5,3", "enter")
        await settle(pilot)
        await pilot.press("home")
        await walk(app, pilot)


async def test_at_80_by_24_event_1_of_4_5_3_draws_every_row_it_has_room_for():
    app = BackpropApp(Options(sizes=(4, 5, 3)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn = {name: rows for name, _, rows in boxes(card_text(app))}
        assert drawn["X"] == [["1", "1", "1", "1"], ["0", "0", "0", "0"]]  # its second row, not a ⋮ in its place
        assert len(drawn["W1"]) == 4 and drawn["W1"][-1][0] == "-0.649"  # all four rows: the last one too
        assert len(drawn["Z1"]) == 2  # and Z1's box is closed (boxes() asserts its bottom)


async def test_operand_boxes_wrap_before_they_hide_columns_at_160_by_45():
    app = BackpropApp(Options(sizes=(4, 5, 3)))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        drawn = {name: rows for name, _, rows in boxes(card_text(app))}
        assert [len(row) for row in drawn["W1"]] == [5] * 4 and drawn["b1"] == [["-0.943", "-0.751", "0.341",
                                                                               "0.294", "0.231"]]


@pytest.mark.parametrize("size", SIZES)
async def test_wide_layers_keep_their_boxes_whole_and_the_rule_its_words(size):
    app = BackpropApp(Options(sizes=(4, 5000, 5000, 3)))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        card = card_text(app)
        assert "(2, 4) @ (4, 5000) + (1, 5000) → (2, 5000)" in card
        assert "inner dims must match" in " ".join(card.split())  # on the rule's line or the next, never cut
        for k in range(6):  # forward, into the loss
            assert_whole(card_text(app))
            await pilot.press("n")


async def test_break_its_note_on_an_update_event_goes_when_the_event_changes():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end", "b")
        await pilot.pause()
        assert "b2 is an update event" in " ".join(screen_text(app).split())
        await pilot.press("home", *"n" * 6)
        await pilot.pause()
        assert "dW2 = A1.T @ dZ2" in card_text(app)
        assert "update event" not in " ".join(screen_text(app).split())


async def test_at_80_by_24_the_doctor_scrolls_to_the_end_of_its_diagnosis_and_its_fixes():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 6, "d")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"error2 = A1.T - dZ2", "enter")  # the README's own example
        await pilot.pause()
        first = " ".join(screen_text(app).split())
        assert "Element by element" in first and "here examples meet outputs" not in first  # taller than the screen
        await pilot.press("pagedown")  # the input keeps the keys; the dialog scrolls
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "here examples meet outputs" in shown and "· error2 = A1 - dZ2" in shown
        assert "escape closes" in shown
        await pilot.press("pageup", "tab")  # tab to the fixes brings them into view too
        await pilot.pause()
        assert "· error2 = A1 - dZ2" in " ".join(screen_text(app).split())
        await pilot.press("enter")
        await pilot.pause()
        assert "✓ evaluates to shape (2, 3)" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("preset", ("rnn", "lstm", "gpt"))
async def test_every_box_of_a_sequence_networks_events_is_whole_and_the_timeline_shows_each(size, preset):
    """T = 16 time steps of an rnn and an lstm, and the tiny GPT's heads: each card whole, the current event's row in view."""
    from tui.session import with_preset
    from tui.widgets.timeline import Timeline
    app = BackpropApp(with_preset(Options(), preset)[0])
    async with app.run_test(size=size) as pilot:
        region = app.query_one(Timeline).region
        for k in range(len(app.session.plan)):
            assert f"event {k + 1} of" in card_text(app)
            assert_whole(card_text(app))
            rows = screen_text(app).splitlines()[region.y:region.bottom]
            name = app.session.current.name
            assert any(re.search(rf"(^|\s){re.escape(name)}\s", row[region.x:region.right]) for row in rows), k
            await pilot.press("n")
