"""How a command that cannot run says so: one line on stderr. Below the app and the command line; imports no tui."""

from __future__ import annotations

import sys


def refuse(error: Exception) -> int:
    """A command that cannot run: one line on stderr saying why, OS errors in words, and exit status 2."""
    print(f"stepprop: {os_error(error) if isinstance(error, OSError) else error}", file=sys.stderr)
    return 2


def os_error(error: OSError) -> str:
    """An OS error in words: "out/: is a directory", not "[Errno 21] Is a directory: 'out/'"."""
    if error.strerror:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror[0].lower()}{error.strerror[1:]}"
    return str(error)
