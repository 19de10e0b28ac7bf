"""A card alone at an exact size, showing one event of the question's step, for tests of its layout boundaries."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.session import Options, Session
from tui.widgets.event_card import EventCard


class OneCard(App):
    """The event card exactly width × height cells (or the whole screen), showing event `number` (from 1)."""

    CSS = "EventCard { padding: 0; }"
    BINDINGS = [("n", "next", "next")]

    def __init__(self, width: int | None, height: int | None, number: int = 1, options: Options | None = None):
        super().__init__()
        self.card_size = (width, height)
        self.events = Session.start(options or Options()).events
        self.number = number

    def compose(self) -> ComposeResult:
        yield EventCard(id="card")

    def on_mount(self) -> None:
        card = self.query_one(EventCard)
        if self.card_size != (None, None):
            card.styles.width, card.styles.height = self.card_size
        self.action_next(0)

    def action_next(self, by: int = 1) -> None:
        self.number += by
        self.query_one(EventCard).show(self.events[self.number - 1], len(self.events), 3)
