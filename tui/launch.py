"""The `stepprop` command's entry point: start-up runs without the garbage collector, which tui.cli turns back on."""

import gc


def main() -> int:
    # Start-up makes a few hundred thousand objects (modules, classes, styles) that live as long as the program.
    # Collecting while they are made frees nothing and costs about a tenth of the time to the first screen.
    gc.disable()
    from tui.cli import main as run

    return run()
