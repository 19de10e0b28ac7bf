"""Wrapped: a line of whole items that wraps between items, never inside one, over as many lines as it needs."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


def wrap(items: list[Content], width: int, gap: str = "  ") -> Content:
    """Whole items per line, as many as fit."""
    lines: list[list[Content]] = [[]]
    used = 0
    for item in items:
        extra = item.cell_length + (len(gap) if lines[-1] else 0)
        if lines[-1] and used + extra > width:
            lines.append([])
            used, extra = 0, item.cell_length
        lines[-1].append(item)
        used += extra
    return Content("\n").join(Content(gap).join(line) for line in lines)


class Wrapped(Widget):
    """Items separated by `GAP`; its height follows its width."""

    GAP = "  "

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._items: list[Content] = []

    def set_items(self, items: list[Content]) -> None:
        if items != self._items:
            self._items = items
            self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(wrap(self._items, width, self.GAP).split("\n"))

    def render(self) -> Content:
        return wrap(self._items, self.content_size.width, self.GAP)
