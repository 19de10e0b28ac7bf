"""The recording as text: every array's shape by line, the failing line diagnosed, the twin, and the output."""

from __future__ import annotations

from pathlib import Path

from engine.checks import shape_text
from engine.script.events import ScriptEvent
from engine.script.recording import Recording
from engine.script.tracer import KEEP
from engine.script.twin import Twin

OUTPUT_LINES = 20  # of stdout and of stderr, the last ones


def _output(title: str, text: str) -> list[str]:
    if not text.strip():
        return []
    lines = text.rstrip("\n").splitlines()
    cut = len(lines) - OUTPUT_LINES
    shown = ([f"  … {cut} earlier lines"] if cut > 0 else []) + [f"  {line}" for line in lines[-OUTPUT_LINES:]]
    return ["", title, *shown]


def skipped(events: list[ScriptEvent], k: int, runs: dict[int, int]) -> str:
    """Where a loop's middle runs were left out (before event k), what was left out; else ""."""
    e = events[k]
    if e.run <= KEEP or runs.get(e.line, 1) <= 2 * KEEP or (k and events[k - 1].run > KEEP):
        return ""
    block = []
    for later in events[k:]:
        if later.run <= KEEP:
            break
        block.append(later.line)
    lines = sorted(set(block))
    most = max(runs.get(line, 1) for line in lines)
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}–{lines[-1]}"
    return f"{where} ran {most} times; the runs between the first {KEEP} and the last {KEEP} are not recorded"


def report(recording: Recording, events: list[ScriptEvent], twin: Twin | None, how: str) -> str:
    out = [f"stepprop debug {Path(recording.script).name}: {recording.message}", ""]
    steps = [e for e in events if not e.failing]
    width = max([len(e.name) for e in steps] + [5])
    shape_width = max([len(shape_text(e.shape)) for e in steps] + [5])
    out.append(f"{'line':>5}  {'array':<{width}}  {'shape':<{shape_width}}  code")
    for k, e in enumerate(steps):
        runs = recording.runs.get(e.line, 1)
        gap = skipped(steps, k, recording.runs)
        if gap:
            out.append(f"{'':>5}  … {gap}")
        again = f"  (run {e.run} of {runs})" if runs > 1 else ""
        out.append(f"{e.line:>5}  {e.name:<{width}}  {shape_text(e.shape):<{shape_width}}  {e.formula}{again}")
    failing = next((e for e in events if e.failing), None)
    if failing is not None:
        d = failing.diagnosis
        out += ["", f"failing line {d.line}, in {failing.phase}: {d.statement}", f"  {d.error}",
                f"  culprit: {d.culprit}"]
        if d.shapes:
            out.append("  shapes: " + ", ".join(f"{text} is {shape_text(shape)}" for text, shape in d.shapes))
        out.append(f"  why: {d.explanation}")
        if d.made_at is not None:
            out.append(f"  look first at line {d.made_at[0]}: {d.made_at[1]}")
        if d.suggestions:  # when the fault lies on an earlier line, these come after it, as rewrites of this one
            head = "rewrites of this line that run" if d.made_at is not None else "fixes that run"
            out.append(f"  {head}: " + " · ".join(d.labelled))
        if failing.twin is not None:
            out.append(f"  the engine: {failing.twin.sentence(failing.name, failing.shape)}")
    out.append("")
    if twin is None:
        out.append(how)
    else:
        out.append(f"twin network: {twin.describe()}")
        out += [f"  {reason}" for reason in twin.reasons]
        said: set[tuple[int, str]] = set()
        for e in (e for e in steps if e.twin is not None and (e.line, e.name) not in said):
            said.add((e.line, e.name))
            out.append(f"  line {e.line}: {e.twin.sentence(e.name, e.shape)}")
    out += _output("the script's output:", recording.stdout)
    out += _output("the script's errors:", recording.stderr)
    return "\n".join(out) + "\n"
