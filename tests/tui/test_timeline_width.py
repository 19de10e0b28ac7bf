"""The timeline at exact widths: the NumPy line joins each row from 50 cells on; phase headings stay inert, and a
click on a row leaves the keys with stepping."""

from __future__ import annotations

import pytest
from pilot_helpers import card_text, screen_text
from textual.app import App, ComposeResult
from textual.widgets import Static

from tui.app import BackpropApp
from tui.session import Options, Session
from tui.widgets.timeline import Timeline


class OneTimeline(App):
    """The question's step in a timeline exactly `width` cells wide, and a line saying which row was picked."""

    CSS = "Timeline { height: 22; border: none; padding: 0; scrollbar-size: 0 0; } #picked { height: 1; }"

    def __init__(self, width: int, layout: str = "rows"):
        super().__init__()
        self.width = width
        self.events = Session.start(Options(layout=layout)).events

    def compose(self) -> ComposeResult:
        yield Timeline(self.events, id="timeline")
        yield Static("picked: nothing", id="picked")

    def on_mount(self) -> None:
        self.query_one(Timeline).styles.width = self.width

    def on_timeline_selected(self, event: Timeline.Selected) -> None:
        self.query_one("#picked", Static).update(f"picked: event {event.index}")


def rows(app: App) -> list[str]:
    region = app.query_one(Timeline).region
    return [row[region.x:region.right].rstrip() for row in screen_text(app).splitlines()[region.y:region.bottom]]


# Written by hand: the layer's number on its first row in a phase, the name padded to the longest (3), the shape
# padded to the longest ("(2, 3)") plus one, then the line.
WIDE_ROWS = [
    "forward",
    "1 Z1  (2, 3) Z1 = X @ W1 + b1",
    "  A1  (2, 3) A1 = sigmoid(Z1)",
    "2 Z2  (2, 3) Z2 = A1 @ W2 + b2",
    "  A2  (2, 3) A2 = sigmoid(Z2)",
    "loss",
    "backward",
    "2 dZ2 (2, 3) dZ2 = (A2 - Y) / m",
    "  dW2 (3, 3) dW2 = A1.T @ dZ2",
]


@pytest.mark.parametrize("width", [50, 56])
async def test_from_fifty_cells_each_row_carries_its_numpy_line(width):
    app = OneTimeline(width)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.query_one(Timeline).size.width == width
        shown = rows(app)
        assert [row for row in shown if row in WIDE_ROWS] == WIDE_ROWS, shown
        full = "2 L   ()     L = np.sum(np.logaddexp(0, Z2) - Y * Z2) / m"  # 57 cells
        cut = full if width >= len(full) else full[:width - 1] + "…"  # too long for the row: cut, and marked so
        assert cut in shown, shown


async def test_below_fifty_cells_each_row_has_name_and_shape_only():
    app = OneTimeline(49)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.query_one(Timeline).size.width == 49
        shown = rows(app)
        assert shown[:10] == ["forward", "1 Z1  (2, 3)", "  A1  (2, 3)", "2 Z2  (2, 3)", "  A2  (2, 3)", "loss",
                              "2 L   ()", "backward", "2 dZ2 (2, 3)", "  dW2 (3, 3)"], shown


async def test_a_screen_resized_across_fifty_cells_gains_and_loses_the_numpy_line():
    app = OneTimeline(49)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert rows(app)[1] == "1 Z1  (2, 3)"
        app.query_one(Timeline).styles.width = 50
        await pilot.pause()
        assert rows(app)[1] == "1 Z1  (2, 3) Z1 = X @ W1 + b1"
        app.query_one(Timeline).styles.width = 49
        await pilot.pause()
        assert rows(app)[1] == "1 Z1  (2, 3)"


@pytest.mark.parametrize("width", [30, 56])
async def test_clicking_a_phase_heading_picks_nothing_and_clicking_an_event_picks_it(width):
    app = OneTimeline(width)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = rows(app)
        for heading in ["forward", "loss", "backward"]:
            await pilot.click(Timeline, offset=(2, shown.index(heading)))
            await pilot.pause()
            assert "picked: nothing" in screen_text(app), heading
        await pilot.click(Timeline, offset=(2, 8))  # dZ2, the first backward event
        await pilot.pause()
        assert "picked: event 5" in screen_text(app)


async def test_after_a_click_on_the_timeline_home_and_end_still_step():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        region = app.query_one("#timeline").region
        rows = screen_text(app).splitlines()[region.y:region.bottom]
        y = next(k for k, row in enumerate(rows) if row[region.x:].startswith("│ 2 dZ2 "))
        await pilot.click("#timeline", offset=(5, y))
        await pilot.pause()
        assert card_text(app).split("\n")[0].strip() == "backward  layer 2  ·  event 6 of 16"
        await pilot.press("end")
        await pilot.pause()
        assert card_text(app).split("\n")[0].strip() == "update  layer 2  ·  event 16 of 16"
        await pilot.press("home")
        await pilot.pause()
        assert card_text(app).split("\n")[0].strip() == "forward  layer 1  ·  event 1 of 16"


def inside(app: App) -> list[str]:
    """The timeline's rows inside its border and padding, without the scrollbar."""
    return [row[2:-1].rstrip(" ▁▂▃▄▅▆▇█") for row in rows(app)[1:-1]]


async def test_the_current_event_scrolls_into_view_with_its_phase_heading():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:  # a timeline of 13 rows for the step's 20
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        shown = inside(app)
        assert shown[-1].startswith("  b2  (1, 3)") and "forward" not in shown, shown
        await pilot.press("p", "p", "p", "p", "p", "p", "p", "p", "p", "p")  # back to dZ2, backward's first event
        await pilot.pause()
        shown = inside(app)
        assert shown[:2] == ["backward", "2 dZ2 (2, 3)"], shown
        await pilot.press("home")
        await pilot.pause()
        shown = inside(app)
        assert shown[:2] == ["forward", "1 Z1  (2, 3)"], shown


def row_styles(app: App) -> dict[str, tuple]:
    """Each timeline row's first word, with the (foreground, background) its text is drawn in."""
    region = app.query_one(Timeline).region
    found = {}
    for strip in app.screen._compositor.render_strips()[region.y + 1:region.bottom - 1]:
        cells = [(ch, seg.style) for seg in strip for ch in seg.text][region.x + 2:region.right - 2]
        text = "".join(ch for ch, _ in cells)
        words = text.split()
        if words and words[0].isdigit():  # a layer's number in the gutter: the row is its name's
            words = words[1:]
            cells = cells[text.index(words[0], len(text) - len(text.lstrip()) + 1):]
        if words:
            style = next(style for ch, style in cells if ch != " ")
            found[words[0]] = (style.color, style.bgcolor)
    return found


async def test_the_current_row_alone_is_highlighted_and_phase_headings_are_dimmer():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")  # A1
        await pilot.pause()
        styles = row_styles(app)
        others = {name: style for name, style in styles.items() if name not in ("A1", "forward", "loss", "backward",
                                                                               "update")}
        assert len(set(others.values())) == 1, styles  # every other event's row alike
        plain = next(iter(others.values()))
        region = app.query_one(Timeline).region
        padding = [seg.style for seg in app.screen._compositor.render_strips()[region.y + 2]
                   for ch in seg.text][region.x + 1]  # the cell between the border and Z1's row
        assert plain[1] == padding.bgcolor and styles["A1"][1] != plain[1], styles  # A1 alone on a background
        assert styles["forward"] == styles["backward"] and styles["forward"][0] != plain[0], styles


async def test_a_click_on_the_timeline_leaves_no_widget_focused_so_s_still_edits_sizes():
    app = BackpropApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.click("#timeline", offset=(5, 3))
        await pilot.pause()
        assert app.focused is None
        await pilot.press("s")
        await pilot.pause()
        assert "editing sizes" in screen_text(app)


async def test_a_click_on_a_scrolled_timeline_shows_the_row_clicked():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("end")  # the timeline scrolls down to b2
        await pilot.pause()
        shown = inside(app)
        y = shown.index("  dW1 (4, 3)")
        await pilot.click("#timeline", offset=(5, 1 + y))
        await pilot.pause()
        assert card_text(app).split("\n")[0].strip() == "backward  layer 1  ·  event 11 of 16"


async def test_stepping_down_past_the_last_row_in_view_scrolls_one_row():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:  # rows 0 to 11 of the 21 in view
        await pilot.pause()
        await pilot.press(*["n"] * 8)  # dA1, the last row in view
        await pilot.pause()
        assert inside(app)[0] == "forward" and inside(app)[-1] == "  dA1 (2, 3)", inside(app)
        await pilot.press("n")  # dZ1, one row further
        await pilot.pause()
        assert inside(app)[0] == "1 Z1  (2, 3)" and inside(app)[-1] == "1 dZ1 (2, 3)", inside(app)
