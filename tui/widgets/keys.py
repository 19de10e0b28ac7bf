"""KeyBar: every key that works now, built from the app's own bindings, wrapped so that all of them show."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from tui.widgets.wrapped import Wrapped


def key_items(bindings: list[Binding | tuple[str, str]]) -> list[Content]:
    """One item per shown binding (grouped bindings share one), and a (key, description) pair as it is."""
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
    return [Content.assemble((key, "bold $text-accent"), (f" {description}", "$text-muted"))
            for key, description in items]


class KeyBar(Wrapped):
    """The footer: the keys that work now and what they do, on as many lines as the width needs."""

    def show(self, items: list[Content]) -> None:
        self.set_items(items)
