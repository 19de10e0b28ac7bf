"""`stepprop debug SCRIPT.py`: run the learner's own script, then step through every line's arrays in DebugApp."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import engine.script
from engine.script import Recording, ScriptEvent, Twin
from tui.cli.arguments import _Parser
from tui.debug import BACK, OPEN_TWIN, DebugApp, twin_session
from tui.errors import refuse


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="stepprop debug", description="Run your own NumPy script the way `python SCRIPT.py ARGS` "
                "would, in a separate process under a time and a memory limit; record the shape of every array "
                "each line makes, diagnose the line that fails, and step through it all.")
    p.add_argument("--report", action="store_true", help="print the trace as text instead of opening the app")
    p.add_argument("--timeout", type=float, default=engine.script.TIMEOUT, metavar="S",
                   help=f"time limit in seconds (default {engine.script.TIMEOUT:g})")
    p.add_argument("--memory", type=int, default=engine.script.MEMORY_MB, metavar="MB",
                   help=f"memory limit in MB (default {engine.script.MEMORY_MB})")
    p.add_argument("script", metavar="SCRIPT.py", help="your script, or a notebook (.ipynb): its code cells in order")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="the script's own arguments")
    return p


def step_through(recording: Recording, events: list[ScriptEvent], twin: Twin | None, how: str) -> None:
    """The trace, and the twin's stepping view each time `o` opens it, until one of them quits; escape in the twin
    comes back to the trace. The twin's data folder goes when this returns, or raises."""
    with tempfile.TemporaryDirectory(prefix="stepprop-twin-") as folder:
        position = None
        while True:
            trace = DebugApp(recording, events, twin, how, position)
            if trace.run() != OPEN_TWIN:
                return
            position = trace.position
            from tui.app import BackpropApp

            if BackpropApp(session=twin_session(twin, recording.script, folder), back=BACK).run() != "back":
                return


def main(argv: list[str]) -> int:
    """Exit status 0 when the script ran to the end, 1 when it failed or a limit stopped it, 2 for bad options."""
    try:
        args = parser().parse_args(argv)
        print(f"stepprop: running {args.script} (time limit {args.timeout:g} s, memory {args.memory} MB)…",
              file=sys.stderr)
        recording = engine.script.run(args.script, args.args, timeout=args.timeout, memory_mb=args.memory)
    except (ValueError, OSError) as error:
        return refuse(error)
    events, twin, how = engine.script.trace(recording)
    status = 0 if recording.ok else 1
    if args.report:
        sys.stdout.write(engine.script.report(recording, events, twin, how))
    else:
        step_through(recording, events, twin, how)
    if not recording.ok:
        print(f"stepprop: {Path(recording.script).name} {recording.message}", file=sys.stderr)
    return status
