"""The spawn_app fixture: the real app in a pseudo-terminal, closed when the test ends."""

from __future__ import annotations

import pytest
from pty_terminal import Terminal


@pytest.fixture
def spawn_app(tmp_path):
    """spawn_app(args, cols=80, rows=24, cwd=None): the app running in a pseudo-terminal, closed after the test."""
    started: list[Terminal] = []

    def spawn(args: list[str] = (), cols: int = 80, rows: int = 24, cwd: str | None = None) -> Terminal:
        term = Terminal(list(args), cols, rows, str(cwd or tmp_path))
        started.append(term)
        return term

    yield spawn
    for term in started:
        term.close()

