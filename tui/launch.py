"""The `stepprop` command's entry point: start-up runs without the garbage collector, until the first screen."""

import gc


def main() -> int:
    # Start-up makes a few hundred thousand objects (modules, classes, styles, the first screen's widgets) that live
    # as long as the program. Collecting while they are made frees nothing and costs about a tenth of the time to
    # the first screen. A command turns the collector back on before it runs; the app once its first frame is drawn.
    gc.disable()
    from tui.cli import main as run

    return run()


def collect_from_here() -> None:
    """Turn the garbage collector back on, if start-up turned it off, with everything made so far frozen: it lives as
    long as the program, and a collection never walks it again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
