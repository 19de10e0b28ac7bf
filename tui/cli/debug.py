"""`stepprop debug SCRIPT.py`: run the learner's own script, then step through every line's arrays in DebugApp."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import engine.script
from tui.cli.arguments import _Parser
from tui.debug import DebugApp
from tui.errors import refuse
from tui.session import Options


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="stepprop debug", description="Run your own NumPy script the way `python SCRIPT.py ARGS` "
                "would, in a separate process under a time and a memory limit; record the shape of every array "
                "each line makes, diagnose the line that fails, and step through it all.")
    p.add_argument("--report", action="store_true", help="print the trace as text instead of opening the app")
    p.add_argument("--timeout", type=float, default=engine.script.TIMEOUT, metavar="S",
                   help=f"time limit in seconds (default {engine.script.TIMEOUT:g})")
    p.add_argument("--memory", type=int, default=engine.script.MEMORY_MB, metavar="MB",
                   help=f"memory limit in MB (default {engine.script.MEMORY_MB})")
    p.add_argument("script", metavar="SCRIPT.py", help="your script")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="the script's own arguments")
    return p


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
        options = DebugApp(recording, events, twin, how).run()
        if isinstance(options, Options):
            from tui.app import BackpropApp

            BackpropApp(options).run()
    if not recording.ok:
        print(f"stepprop: {Path(recording.script).name} {recording.message}", file=sys.stderr)
    return status
