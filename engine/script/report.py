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


def skipped(events: list[ScriptEvent], k: int, runs: dict[int, int], place=lambda line: f"line {line}") -> str:
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
    where = place(lines[0]) if len(lines) == 1 else f"{place(lines[0])} to {place(lines[-1]).split(', ')[-1]}"
    where = where if len(lines) == 1 or "cell" in where else f"lines {lines[0]}–{lines[-1]}"
    return f"{where} ran {most} times; the runs between the first {KEEP} and the last {KEEP} are not recorded"


def _cells(recording: Recording) -> list[str]:
    """A notebook's skipped magics, and the cell where it stopped, its source with the line marked."""
    cells = recording.cells
    if cells is None:
        return []
    out = []
    if cells.skipped:
        out += ["", "skipped, not run (magics and shell lines):"]
        out += [f"  {recording.place(line)}: {text}" for line, text in cells.skipped]
    cell = cells.cell_at(recording.failure.line) if recording.failure is not None else None
    if cell is not None:
        out += ["", f"cell {cell.number}, where it stopped:"]
        out += [f"  {'→' if cell.start + k == recording.failure.line else ' '} {k + 1:>3}  {line}"
                for k, line in enumerate(cell.lines)]
    return out


def report(recording: Recording, events: list[ScriptEvent], twin: Twin | None, how: str) -> str:
    out = [f"stepprop debug {Path(recording.script).name}: {recording.message}", ""]
    steps = [e for e in events if not e.failing]
    width = max([len(e.name) for e in steps] + [5])
    shape_width = max([len(shape_text(e.shape)) for e in steps] + [5])
    cells = recording.cells is not None
    places = [e.place if cells else str(e.line) for e in steps]
    place_width = max([len(p) for p in places] + [5])
    out.append(f"{'where' if cells else 'line':>{place_width}}  {'array':<{width}}  {'shape':<{shape_width}}  code")
    for k, e in enumerate(steps):
        runs = recording.runs.get(e.line, 1)
        gap = skipped(steps, k, recording.runs, recording.place)
        if gap:
            out.append(f"{'':>{place_width}}  … {gap}")
        again = f"  (run {e.run} of {runs})" if runs > 1 else ""
        out.append(f"{places[k]:>{place_width}}  {e.name:<{width}}  {shape_text(e.shape):<{shape_width}}  "
                   f"{e.formula}{again}")
    failing = next((e for e in events if e.failing), None)
    if failing is not None:
        d = failing.diagnosis
        out += ["", f"failing {recording.place(d.line)}, in {failing.phase}: {d.statement}", f"  {d.error}",
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
        out.append(f"  {twin.weights}")
        said: set[tuple[int, str]] = set()
        for e in (e for e in steps if e.twin is not None and (e.line, e.name) not in said):
            said.add((e.line, e.name))
            out.append(f"  {e.place}: {e.twin.sentence(e.name, e.shape)}")
    out += _cells(recording)
    out += _output("the script's output:", recording.stdout)
    out += _output("the script's errors:", recording.stderr)
    return "\n".join(out) + "\n"
