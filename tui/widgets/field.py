"""Field: a one-line text input for the editor and the training bar, drawn flat by app.tcss."""

from __future__ import annotations

from textual.widgets import Input


class Field(Input):
    """An Input one line high. Its look comes from app.tcss rather than from `compact=True`, and it validates on
    enter rather than on every change: each of those sets a class, and a class set restyles the field again, five
    fields over, before the first frame."""

    def __init__(self, value: str, **kwargs):
        super().__init__(value, validate_on=("submitted",), **kwargs)
