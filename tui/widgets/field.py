"""Field: a one-line text input for the editor and the training bar, drawn flat by app.tcss."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class Field(Input):
    """An Input one line high. Its look comes from app.tcss rather than from `compact=True`, and it validates on
    enter rather than on every change: each of those sets a class, and a class set restyles the field again, five
    fields over, before the first frame."""

    def __init__(self, value: str, **kwargs):
        super().__init__(value, validate_on=("submitted",), **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        # The input's own keys (backspace, the arrows, home, end...) act here, in the field's turn. As bindings they
        # would act once the key had passed up to the app, after the letters typed right behind them.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and self.check_action(binding.action, ()):
                event.stop()
                event.prevent_default()
                await self.run_action(binding.action)
                return
        await super()._on_key(event)
