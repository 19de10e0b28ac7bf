"""Pilot helpers: read the screen as text, and wait for re-runs."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App) -> str:
    """Exactly the characters the terminal would show, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def card_text(app: App) -> str:
    """The screen right of the timeline: the current event's formula, rule and matrices."""
    region = app.query_one("#card").region
    lines = screen_text(app).splitlines()[region.y:region.bottom]
    return "\n".join(line[region.x:region.right] for line in lines)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
