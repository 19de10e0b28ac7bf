"""KeyBar: every key the app binds, wrapped over two lines so all of them show at 100 columns."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget


def key_items(bindings: list[Binding | tuple[str, str]], extra: list[tuple[str, str]] = ()) -> list[Content]:
    """One item per shown binding (grouped bindings share one), then the extra (key, description) pairs."""
    items: list[tuple[str, str]] = []
    seen_groups: dict[str, int] = {}
    for b in bindings:
        if isinstance(b, tuple):
            items.append(b)
            continue
        if not b.show:
            continue
        key = b.key_display or b.key
        if b.group is not None:
            if b.group.description in seen_groups:
                k, desc = items[seen_groups[b.group.description]]
                items[seen_groups[b.group.description]] = (f"{k} {key}", desc)
                continue
            seen_groups[b.group.description] = len(items)
            items.append((key, b.group.description))
        else:
            items.append((key, b.description))
    items += extra
    return [Content.assemble((key, "bold $text-accent"), (f" {description}", "$text-muted"))
            for key, description in items]


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


class KeyBar(Widget):
    """The footer: the keys that work now and what they do, on as many lines as the width needs."""

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._items: list[Content] = []

    def show(self, items: list[Content]) -> None:
        if items != self._items:
            self._items = items
            self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(wrap(self._items, width).split("\n"))

    def render(self) -> Content:
        return wrap(self._items, self.content_size.width)
