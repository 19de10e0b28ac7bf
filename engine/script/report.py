"""The recording as text: every array's shape by line, the failing line diagnosed, the twin, and the output."""

from __future__ import annotations

from engine.checks import shape_text
from engine.script.events import ScriptEvent
from engine.script.recording import Recording
from engine.script.twin import Twin

OUTPUT_LINES = 20  # of stdout and of stderr, the last ones


def _output(title: str, text: str) -> list[str]:
    if not text.strip():
        return []
    lines = text.rstrip("\n").splitlines()
    cut = len(lines) - OUTPUT_LINES
    shown = ([f"  … {cut} earlier lines"] if cut > 0 else []) + [f"  {line}" for line in lines[-OUTPUT_LINES:]]
    return ["", title, *shown]


def report(recording: Recording, events: list[ScriptEvent], twin: Twin | None, how: str) -> str:
    out = [f"stepprop debug {recording.script}: {recording.message}", ""]
    steps = [e for e in events if not e.failing]
    width = max([len(e.name) for e in steps] + [5])
    shape_width = max([len(shape_text(e.shape)) for e in steps] + [5])
    out.append(f"{'line':>5}  {'array':<{width}}  {'shape':<{shape_width}}  code")
    skipped_said: set[int] = set()
    for e in steps:
        runs = recording.runs.get(e.line, 1)
        if e.run > 3 and e.line not in skipped_said and runs > 6:
            out.append(f"{'':>5}  … line {e.line} ran {runs} times; runs 4 to {runs - 3} are not recorded")
            skipped_said.add(e.line)
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
        if d.suggestions:
            out.append("  fixes that run: " + " · ".join(d.suggestions))
        if failing.twin is not None:
            out.append(f"  the engine: {failing.twin.sentence(failing.name, failing.shape)}")
    out.append("")
    if twin is None:
        out.append(how)
    else:
        out.append(f"twin network: {twin.describe()}")
        out += [f"  {reason}" for reason in twin.reasons]
        for e in (e for e in steps if e.twin is not None):
            out.append(f"  line {e.line}: {e.twin.sentence(e.name, e.shape)}")
    out += _output("the script's output:", recording.stdout)
    out += _output("the script's errors:", recording.stderr)
    return "\n".join(out) + "\n"
