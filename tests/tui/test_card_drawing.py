"""The event card as drawn: numbers coloured by sign and size, and as much of each matrix as the screen holds."""

from pilot_helpers import card_text

from tui.app import BackpropApp
from tui.session import Options
from tui.widgets.matrix import NEGATIVE, POSITIVE


def drawn_style(app, text: str):
    """The style the screen draws `text` in, inside the card."""
    card = app.query_one("#card").region
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if not card.y <= y < card.bottom:
            continue
        for segment in strip:
            if text in segment.text:
                return segment.style
    raise AssertionError(f"{text!r} is not in the card:\n{card_text(app)}")


async def test_numbers_are_coloured_by_sign_and_bold_when_large():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # Z1 holds 1.105 0.324 -0.541 / 0.715 -0.933 0.459: the largest of each sign is bold.
        assert "Z1 (2, 3)" in card_text(app)
        largest, small, negative = drawn_style(app, "1.105"), drawn_style(app, "0.324"), drawn_style(app, "-0.933")
        assert largest.bold and largest.color.triplet.hex == POSITIVE
        assert not small.bold and small.color.triplet.hex == POSITIVE
        assert negative.bold and negative.color.triplet.hex == NEGATIVE
        await pilot.press("plus")
        assert drawn_style(app, "1.1052").bold  # one more digit, drawn afresh


async def test_a_larger_terminal_shows_more_of_each_matrix_and_a_smaller_one_less():
    app = BackpropApp(Options(sizes=(20, 16, 3), dataset="synthetic"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        def z_row() -> list[str]:
            """The first row of the result, Z1 (m, 16)."""
            lines = card_text(app).splitlines()
            title = next(i for i, line in enumerate(lines) if "─ Z1 (" in line)
            return lines[title + 1].split("│")[1].split()

        assert len(z_row()) == 7 and z_row()[3] == "…"  # 3 first columns, the gap, 3 last
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert len(z_row()) == 13 and z_row()[6] == "…"
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert len(z_row()) == 7
