"""Files the app gives the learner: a download in a browser tab, a new file in the working directory in a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from textual.app import App

from engine.export import write_new


def deliver(app: App, name: str, text: str) -> str:
    """Give `text` to the learner as the file `name`; returns where it went, for the message line."""
    if app.is_web:
        app.deliver_text(io.StringIO(text), save_filename=name)
        return f"your browser's downloads as {name}"
    return str(write_new(Path.cwd() / name, text))

