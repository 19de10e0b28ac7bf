"""The `stepprop` command's entry point: start-up runs without the garbage collector, until the first screen."""

import gc


def main() -> int:
    # Start-up makes a few hundred thousand objects (modules, classes, styles, the first screen's widgets) that live
    # as long as the program. Collecting while they are made frees nothing and costs about a tenth of the time to
    # the first screen. A command turns the collector back on before it runs; the app once its first frame is drawn.
    gc.disable()
    from tui.cli.main import main as run

    return run()
