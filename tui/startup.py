"""Start-up without the garbage collector: the launcher turns it off, the app or a command turns it back on."""

import gc


def collect_from_here() -> None:
    """Turn the garbage collector back on, if start-up turned it off, with everything made so far frozen: it lives as
    long as the program, and a collection never walks it again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
