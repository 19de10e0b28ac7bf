"""Files the app gives the learner: a download in a browser tab, a new file in the working directory in a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from textual.app import App


def deliver(app: App, name: str, text: str) -> str:
    """Give `text` to the learner as the file `name`; returns where it went, for the message line."""
    if app.is_web:
        app.deliver_text(io.StringIO(text), save_filename=name)
        return f"your browser's downloads as {name}"
    return str(write_new(Path.cwd() / name, text))


def write_new(base: Path, text: str) -> Path:
    """Write text to base, never over an existing file: the first free name-2.py, name-3.py, ... instead."""
    for k in range(1, 1000):
        path = base if k == 1 else base.with_name(f"{base.stem}-{k}{base.suffix}")
        try:
            with path.open("x", encoding="utf-8") as file:
                file.write(text)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{base}: 999 files of this name exist already; expected a free name")
