"""ScriptEvent: one recorded line of a learner's script, with the same protocol as engine.events.Event."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.doctor import rules
from engine.checks import shape_text
from engine.script.failure import Diagnosis, diagnose_failure
from engine.script.notebook import Cell
from engine.script.recording import Recording, scope_label
from engine.script.source import Source, rule
from engine.script.twin import Match, Twin, infer, match


class ScriptEvent:
    """A line that made or changed an array (or the line that failed), as the timeline and the card read events.

    `phase` is where the line runs ("forwardProp()", "the script"); `layer` is the twin event's layer, else 0.
    The failing line has no value: `failing` is True, `diagnosis` says why, and `shape` is the empty tuple.
    """

    def __init__(self, index: int, phase: str, name: str, formula: str, line: int, value: np.ndarray | None,
                 shape: tuple[int, ...], rule: str, operand_names: tuple[str, ...], arrays: tuple[np.ndarray, ...],
                 run: int = 1, runs: int = 1, diagnosis: Diagnosis | None = None):
        self.index = index
        self.phase = phase
        self.name = name
        self.formula = formula
        self.line = line
        self._value = value
        self._shape = shape
        self.rule = rule
        self.operand_names = operand_names
        self.arrays = arrays
        self.run = run
        self.runs = runs
        self.diagnosis = diagnosis
        self.twin: Match | None = None
        self.dtype = ""  # NumPy's dtype string, "<f8"
        self.kept = (True,) * len(arrays)  # which operands' numbers were recorded; the others are shape-only
        self.layer = 0
        self.term = ""
        self.place = f"line {line}"  # "cell 5, line 3" in a notebook
        self.cell: Cell | None = None  # the notebook cell the line is in, with its source

    failing = property(lambda self: self.diagnosis is not None)

    @property
    def value(self) -> np.ndarray:
        """The array the line left; empty when its values were not recorded (see `recorded` and `dtype`)."""
        return self._value if self._value is not None else np.zeros((0,))

    @property
    def recorded(self) -> bool:
        return self._value is not None

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def operands(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        return tuple((n, a.shape) for n, a in zip(self.operand_names, self.arrays))

    @property
    def shape_rule(self) -> str:
        if not self.rule:
            return f"→ {self.shape}"
        left = self.rule.format(*(str(a.shape) for a in self.arrays))
        return f"{left} → {'fails' if self.failing else self.shape}"

    @property
    def marks(self) -> dict[int, dict[int, str]]:
        if not self.rule or self.failing:
            return {}
        return rules.marks(self.rule, [a.shape for a in self.arrays], self.shape)

    @property
    def where(self) -> str:
        runs = f" · run {self.run} of {self.runs}" if self.runs > 1 else ""
        return f"{self.place}, in {self.phase}{runs}"

    @property
    def twin_sentence(self) -> str:
        if self.twin is None:
            return ""
        return self.twin.sentence(self.name, self.shape)

    def __repr__(self) -> str:
        return f"<ScriptEvent {self.index} line {self.line} {self.formula!r} -> {self.shape}>"


def build(recording: Recording, twin: Twin | None = None) -> list[ScriptEvent]:
    """Every recorded array as an event, in the order the script made them; the failing line last."""
    source = Source(recording.source)
    events: list[ScriptEvent] = []
    known_global: dict[str, np.ndarray] = {}
    known_local: dict[tuple[str, str], np.ndarray] = {}
    stand_ins: set[int] = set()  # ids of the shape-only stand-ins for arrays whose values were not recorded

    def stand_in(shape: tuple[int, ...]) -> np.ndarray:
        """An array of that shape that takes no memory, so shape rules still read; never shown as numbers."""
        array = np.broadcast_to(np.float64(np.nan), shape)
        stand_ins.add(id(array))
        return array

    def lookup(scope: str, name: str) -> np.ndarray | None:
        return known_local.get((scope, name), known_global.get(name))

    def event_for(line: int, scope: str, name: str, value, shape, run: int, runs: int, env_of,
                  diagnosis: Diagnosis | None = None) -> ScriptEvent:
        statement = source.statement_at(line, name)
        written = rule(statement, lambda n: isinstance(env_of(n), np.ndarray))
        text, names = written if written else ("", [])
        arrays = tuple(env_of(n) for n in names)
        event = ScriptEvent(len(events), scope_label(scope), name, source.text_at(line, name), line, value, shape,
                            text, tuple(names), arrays, run, runs, diagnosis)
        event.kept = tuple(id(a) not in stand_ins for a in arrays)
        event.place = recording.place(line)
        event.cell = recording.cells.cell_at(line) if recording.cells is not None else None
        return event

    for r in recording.records:
        value = r.value if r.value is not None else stand_in(r.shape)
        if r.kind == "argument":  # a function's argument: an operand of its lines, not a line of its own
            known_local[(r.scope, r.name)] = value
            continue
        events.append(event_for(r.line, r.scope, r.name, r.value, r.shape, r.run, r.runs,
                                lambda n, s=r.scope: lookup(s, n)))
        events[-1].dtype = r.dtype
        if r.kind == "global":
            known_global[r.name] = value
        else:
            known_local[(r.scope, r.name)] = value
    engine_events = twin.events() if twin is not None else []

    def shape_of(name: str) -> tuple[tuple[int, ...], str] | None:
        found = match(name, (), None, engine_events, twin) if twin is not None else None
        if found is None:
            return None
        shape = found.event.shape
        return shape, f"the twin's {found.event.name} is {shape_text(shape)}"

    diagnosis = diagnose_failure(recording, shape_of)
    if diagnosis is not None and diagnosis.odd is not None:
        diagnosis = _made_at(diagnosis, events)
    if diagnosis is not None:
        env = diagnosis.env
        events.append(event_for(diagnosis.line, recording.failure.scope, diagnosis.target or diagnosis.operation,
                                None, (), 1, 1, lambda n: env.get(n), diagnosis))
    if twin is not None:
        for e in events:
            named = e.shape or (e.failing and e.diagnosis.target)
            e.twin = match(e.name, e.shape, e._value, engine_events, twin) if named else None
            if e.twin is not None:
                e.layer = e.twin.event.layer
                e.term = e.twin.event.term
    return events


def _made_at(diagnosis: Diagnosis, events: list[ScriptEvent]) -> Diagnosis:
    """The odd operand's own line from the trace: where it got the shape that the failing line cannot use."""
    name, needed = diagnosis.odd
    made = [e for e in events if e.name == name and e.line != diagnosis.line]
    if not made:
        return diagnosis
    e = made[-1]
    said = (f"{name} is {shape_text(e.shape)}, but {diagnosis.statement} and the rest need {shape_text(needed)}. "
            f"{name} got its shape at line {e.line}: {e.formula}")
    rest = diagnosis.explanation.split(" made. ", 1)[-1]  # the doctor's own words about the failing line
    return replace(diagnosis, made_at=(e.line, e.formula), explanation=f"{said}. {rest}")


def trace(recording: Recording) -> tuple[list[ScriptEvent], Twin | None, str]:
    """The events of a recording with the twin beside them, and how the twin was found (or why there is none)."""
    twin, how = infer(recording)
    return build(recording, twin), twin, how
