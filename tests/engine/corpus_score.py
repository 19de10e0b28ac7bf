"""Score the shape doctor on the learner lines: culprit, both shapes, the resolving fix offered and first, time."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

from engine.checks import shape_text
from engine.doctor import diagnose
from engine.doctor.diagnosis import examine
from engine.doctor.grammar import parse
from learner_lines import LINES


def env_for(entry: dict, seed: int = 0) -> dict:
    """Arrays of the stated shapes, values inside (0.1, 0.9) so that every log in these lines is defined."""
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(0.1, 0.9, shape) if isinstance(shape, tuple) else shape
            for name, shape in entry["shapes"].items()}


def reference(line: str, env: dict) -> np.ndarray:
    """The value a fix line gives, computed by plain NumPy here in the scorer (never by the doctor)."""
    target, op, rest = None, "=", line
    for candidate in ("-=", "+=", "*=", "="):
        if candidate in line:
            target, rest = (part.strip() for part in line.split(candidate, 1))
            op = candidate
            break
    with np.errstate(all="ignore"):
        value = eval(rest, {"np": np}, dict(env))  # the corpus's own fix, a line from the source thread
    if op != "=":
        value = {"-=": np.subtract, "+=": np.add, "*=": np.multiply}[op](env[target], value)
    return np.asarray(value, dtype=float)


def _same(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b))


def _squeezed(text: str | None) -> str:
    return (text or "").replace(" ", "")


@dataclass
class Score:
    accepted: bool
    culprit: bool
    shapes: bool | None  # None: no clash to name (only the values are wrong)
    offered: bool | None  # None: the source resolved it with a different formula
    first: bool | None
    seconds: float
    cpu: float = 0.0  # seconds of this process's own CPU time: what the wall clock shows without other load
    labels: tuple = ()


def score(entry: dict, in_app: bool) -> Score:
    """One line diagnosed with names and shapes alone, or (in_app) also knowing the true value of its name."""
    env = env_for(entry)
    fix = entry["fix"]
    truth = None
    if fix is not None and entry["kind"] != "outside":
        truth = reference(fix, env)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        d = diagnose(entry["line"], env, expected=truth if in_app else None)
    except ValueError:
        return Score(False, False, False if entry["clash"] else None, False if fix else None,
                     False if fix else None, time.perf_counter() - start, time.process_time() - cpu)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    values = []
    for f in d.fixes:
        values.append(examine(parse(f.line, env), env)[1])
    offered = first = None
    if truth is not None:
        hits = [_same(v, truth) for v in values]
        offered, first = any(hits), bool(hits and hits[0])
    shapes = None
    if entry["clash"]:
        shapes = all(shape_text(s) in d.explanation for s in entry["clash"])
    return Score(True, _squeezed(d.culprit) == _squeezed(entry["culprit"]), shapes, offered, first, seconds,
                 cpu, tuple(f.label for f in d.fixes))


def figures(in_app: bool, entries: list[dict] = LINES) -> dict:
    scores = [score(e, in_app) for e in entries]

    def count(field):
        counted = [getattr(s, field) for s in scores if getattr(s, field) is not None]
        return sum(counted), len(counted)

    times = [s.seconds for s in scores if s.accepted]
    cpu = [s.cpu for s in scores if s.accepted]
    return {"lines": len(scores), "accepted": count("accepted"), "culprit": count("culprit"),
            "shapes": count("shapes"), "offered": count("offered"), "first": count("first"),
            "median": statistics.median(times), "worst": max(times), "median cpu": statistics.median(cpu),
            "worst cpu": max(cpu), "scores": scores}
