"""The `stepprop` command's entry point: start-up runs without the garbage collector, until the first screen."""

import gc
import signal


def main() -> int:
    # Start-up makes a few hundred thousand objects (modules, classes, styles, the first screen's widgets) that live
    # as long as the program. Collecting while they are made frees nothing and costs about a tenth of the time to
    # the first screen. A command turns the collector back on before it runs; the app once its first frame is drawn.
    gc.disable()
    # Ctrl-C is stepprop's to handle, whatever the process that started it did with it: a parent that ignored it or
    # held it blocked (a test runner's worker, a job control quirk) would leave it to the child, which would never stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    from tui.cli.main import main as run

    return run()
