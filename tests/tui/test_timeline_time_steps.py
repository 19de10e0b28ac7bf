"""The timeline of a recurrent network: every time step but the current one folded to a row per run, T = 16 in the
height of an 80×24 screen's timeline, the fold following the step as it moves, and a click on a fold unfolding it."""

from __future__ import annotations

import numpy as np
from pilot_helpers import screen_text
from textual.app import App, ComposeResult
from textual.widgets import Static

from engine import Network
from tui.widgets.timeline import Timeline, rows


def sequence_events(kind: str = "rnn"):
    rng = np.random.default_rng(0)
    net = Network(inputs=(16, 4), layers=f"{kind} 8, linear 4, softmax", loss="ce", init="xavier")
    return list(net.step(rng.normal(size=(2, 16, 4)), np.eye(4)[rng.integers(0, 4, (2, 16))]))


class SequenceTimeline(App):
    """A timeline of 20 rows, 26 cells wide (as at 80×24), and a line saying which row was picked."""

    CSS = "Timeline { height: 20; width: 26; border: none; padding: 0; scrollbar-size: 0 0; } #picked { height: 1; }"

    def __init__(self):
        super().__init__()
        self.events = sequence_events()

    def compose(self) -> ComposeResult:
        yield Timeline(self.events, id="timeline")
        yield Static("picked: nothing", id="picked")

    def on_timeline_selected(self, event: Timeline.Selected) -> None:
        self.query_one("#picked", Static).update(f"picked: event {event.index}")
        self.query_one(Timeline).mark(event.index)  # as the app does: the card and the timeline follow a click


def shown(app: App) -> list[str]:
    region = app.query_one(Timeline).region
    return [row[region.x:region.right].rstrip() for row in screen_text(app).splitlines()[region.y:region.bottom]]


def test_the_steps_out_of_view_fold_to_one_row_per_run():
    for kind, per_step, most in (("rnn", 2, 32), ("lstm", 7, 40)):
        events = sequence_events(kind)
        found = [content.plain for _, content in rows(events, False, current=0)]
        assert len(found) <= most < len(events)  # headings included, against 127 and 287 events
        assert f"⋯ t1–t15  {15 * per_step} events" in " ".join(found)
        dh7 = next(i for i, e in enumerate(events) if e.name == "dh7")
        around = " ".join(content.plain for _, content in rows(events, False, current=dh7))
        assert "dh7" in around and "dh8" not in around and "dh6" not in around
        assert "⋯ t15–t8" in around and "⋯ t6–t0" in around
    plain = Network().step(np.ones((2, 4)), np.ones((2, 3)))
    assert all("⋯" not in content.plain for _, content in rows(list(plain), False, current=0))


async def test_stepping_unfolds_the_new_time_step_and_a_click_on_a_fold_opens_it():
    app = SequenceTimeline()
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        assert timeline.virtual_size.height <= 32
        assert any("⋯ t1–t15" in row for row in shown(app)) and any(row.strip().startswith("1 z0") for row in shown(app))
        timeline.mark(2)  # the app's n key from h0: the next event is z1
        await pilot.pause()
        text = "\n".join(shown(app))
        assert "z1" in text and "z0" not in text and "⋯ t0  2 events" in text and "⋯ t2–t15" in text
        y = next(k for k, row in enumerate(shown(app)) if "⋯ t2–t15" in row)
        await pilot.click(Timeline, offset=(4, y))
        await pilot.pause()
        assert str(app.query_one("#picked", Static).content) == "picked: event 4"
        assert any(row.strip() == "z2   (2, 8)" for row in shown(app))

