"""Benchmark: the shape doctor on real learner lines: culprit, both shapes, the resolving fix offered and first, time.

Run: .venv/bin/python bench/doctor_corpus.py
Each line is diagnosed twice: with names and shapes alone (as outside the app), and knowing the true value of its
left-hand name (as inside the app, where the engine has computed it). Times are per diagnosis, beside a baseline
run in the same process: NumPy evaluating the same line directly (which gives no diagnosis at all).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "engine"))

from corpus_score import env_for, figures  # noqa: E402
from learner_lines import LINES  # noqa: E402

GOAL_MS = 100.0


def numpy_baseline(entry: dict) -> float:
    """Seconds for plain NumPy to evaluate the line's right side (raising or not), the cheapest possible answer."""
    env = env_for(entry)
    right = entry["line"].split("=", 1)[1] if "=" in entry["line"] else entry["line"]
    start = time.perf_counter()
    try:
        with np.errstate(all="ignore"):
            eval(right, {"np": np}, dict(env))  # the learner's own line, run here by the benchmark, not the doctor
    except Exception:  # noqa: BLE001 - the learner's line is expected to fail
        pass
    return time.perf_counter() - start


def fraction(pair: tuple[int, int]) -> str:
    hit, total = pair
    return f"{hit:>2} of {total:<2} ({100 * hit / total:3.0f}%)"


def report(title: str, entries: list[dict]) -> None:
    baseline = statistics.median(numpy_baseline(e) for e in entries)
    print(f"\n{title}: {len(entries)} lines")
    print(f"  {'':28}{'names and shapes only':<24}{'knowing the true value (in the app)':<24}")
    alone, app = figures(False, entries), figures(True, entries)
    for key, label in (("accepted", "read by the grammar"), ("culprit", "culprit right"),
                       ("shapes", "both shapes named"), ("offered", "resolving fix offered"),
                       ("first", "resolving fix ranked first")):
        print(f"  {label:<28}{fraction(alone[key]):<24}{fraction(app[key]):<24}")
    for key, label in (("median", "median time / diagnosis"), ("worst", "worst time / diagnosis"),
                       ("median cpu", "median CPU / diagnosis"), ("worst cpu", "worst CPU / diagnosis")):
        a, b = 1000 * alone[key], 1000 * app[key]
        print(f"  {label:<28}{a:6.1f} ms{'':<15}{b:6.1f} ms{'':<8}goal < {GOAL_MS:.0f} ms "
              f"({max(a, b) / GOAL_MS:.2f} of the goal); NumPy alone {1e6 * baseline:.0f} µs")


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times include other processes' "
          "load, CPU times only this one's")
    figures(False, LINES[:3])  # warm up imports and NumPy's first calls so the first line is not charged for them
    report("All lines", LINES)
    report("Verbatim lines only", [e for e in LINES if e["verbatim"]])
    print("\nBoth shapes named counts lines with two clashing operands; fixes count lines whose source gives one.")


if __name__ == "__main__":
    main()
