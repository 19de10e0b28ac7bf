"""Benchmark: the 1,000-epoch learner script run plainly and traced, side by side, and the size of its recording.

Two ratios: the tracer's own overhead (the script executed in this process with and without the line tracer), and
the whole command (a fresh `python SCRIPT.py` against engine.script.run, start-up and NumPy import in both).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine.script  # noqa: E402
from engine.script.tracer import Recorder  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[1] / "tests" / "engine" / "scripts" / "train_1000_epochs.py"
ROUNDS = 7
GOAL_RATIO = 10.0  # traced wall time against plain, whole process
GOAL_TRACER = 20.0  # the line tracer's own cost, in process: a pure-Python line tracer is a few to 20 times slower
GOAL_BYTES = 1_000_000


def plain(script: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
    return time.perf_counter() - start


def traced(script: Path) -> tuple[float, int]:
    start = time.perf_counter()
    recording = engine.script.run(script)
    elapsed = time.perf_counter() - start
    assert recording.ok, recording.message
    return elapsed, recording.size


def in_process(code, traced: bool) -> float:
    """One run of the compiled script in this process, printing nothing; with the line tracer when `traced`."""
    recorder = Recorder(code.co_filename)
    namespace = {"__name__": "__main__"}
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        if traced:
            sys.settrace(recorder.on_call)
        try:
            exec(code, namespace)
        finally:
            sys.settrace(None)
    return time.perf_counter() - start


def main() -> None:
    code = compile(SCRIPT.read_text(), str(SCRIPT), "exec")
    pairs = [(in_process(code, False), in_process(code, True)) for _ in range(ROUNDS)]
    bare, with_tracer = (statistics.median(c) for c in zip(*pairs))
    print(f"{SCRIPT.name}: 1,000 epochs, medians of {ROUNDS} interleaved runs")
    print(f"  in this process  plain {bare * 1000:.1f} ms, traced {with_tracer * 1000:.1f} ms")
    print(f"  tracing overhead, traced / plain  {with_tracer / bare:8.2f} x   goal <= {GOAL_TRACER:g} x")

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.py"
        empty.write_text("import numpy as np\n")
        rows = []
        for _ in range(ROUNDS):  # interleaved, so both see the same machine load
            rows.append((plain(empty), plain(SCRIPT), *traced(SCRIPT), traced(empty)[0]))
    start_plain, run_plain, run_traced, size, start_traced = (statistics.median(c) for c in zip(*rows))
    print(f"  whole command    python SCRIPT.py {run_plain * 1000:.1f} ms, engine.script.run {run_traced * 1000:.1f} ms"
          f" (an empty NumPy script: {start_plain * 1000:.1f} ms plain, {start_traced * 1000:.1f} ms traced)")
    print(f"  whole command, traced / plain     {run_traced / run_plain:8.2f} x   goal <= {GOAL_RATIO:g} x")
    print(f"  recording                         {size:8d} bytes  goal < {GOAL_BYTES:,} bytes")


if __name__ == "__main__":
    main()
