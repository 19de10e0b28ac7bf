"""Benchmark: the 1,000-epoch learner script run plainly and traced, side by side, and the size of its recording.

Both runs start a fresh Python process, so interpreter start-up and the NumPy import are in both. The "tracing"
ratio takes those out, using a run of an empty NumPy script as the baseline for both.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine.script  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[1] / "tests" / "engine" / "scripts" / "train_1000_epochs.py"
ROUNDS = 7
GOAL_RATIO = 10.0  # traced wall time against plain, whole process
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.py"
        empty.write_text("import numpy as np\n")
        rows = []
        for _ in range(ROUNDS):  # interleaved, so both see the same machine load
            rows.append((plain(empty), plain(SCRIPT), *traced(SCRIPT), traced(empty)[0]))
    start_plain, run_plain, run_traced, size, start_traced = (statistics.median(c) for c in zip(*rows))
    print(f"{SCRIPT.name}: 1,000 epochs, median of {ROUNDS} interleaved runs")
    print(f"  plain   python SCRIPT.py          {run_plain * 1000:8.1f} ms  "
          f"(empty NumPy script {start_plain * 1000:.1f} ms)")
    print(f"  traced  engine.script.run         {run_traced * 1000:8.1f} ms  "
          f"(empty NumPy script {start_traced * 1000:.1f} ms)")
    ratio = run_traced / run_plain
    print(f"  whole process, traced / plain     {ratio:8.2f} x   goal <= {GOAL_RATIO:g} x")
    work_plain, work_traced = run_plain - start_plain, run_traced - start_traced
    print(f"  the script's own work, traced / plain  {work_traced / work_plain:6.1f} x   "
          f"({work_traced * 1000:.1f} ms against {work_plain * 1000:.1f} ms; no goal: a line tracer's cost)")
    print(f"  recording                         {size:8d} bytes  goal < {GOAL_BYTES:,} bytes")


if __name__ == "__main__":
    main()
