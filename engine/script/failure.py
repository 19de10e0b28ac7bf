"""The failing line: PEP 657's range names the operation, and the shape doctor explains it over the real operands."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import numpy as np

from engine.checks import shape_text
from engine.doctor import RIGHT_VALUES, diagnose
from engine.doctor.known import held
from engine.script.later import breaks, later_statements
from engine.script.recording import Failure, Recording
from engine.script.source import Source, names_read, right_side, targets

Shape = tuple[int, ...]
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**"}


@dataclass(frozen=True)
class Diagnosis:
    """What went wrong on the failing line, in the learner's own names."""

    line: int
    scope: str
    statement: str  # the failing statement on one line
    target: str | None  # the name it was assigning, if any
    operation: str  # the exact sub-expression PEP 657 points at
    error: str  # "ValueError: operands could not be broadcast together ..."
    culprit: str  # what the doctor blames (the operation, when the doctor cannot read the line)
    shapes: list[tuple[str, Shape]]  # the culprit's operands and their shapes
    explanation: str
    suggestions: list[str] = field(default_factory=list)  # fixes the doctor checked run
    labels: list[str] = field(default_factory=list)  # each fix's label: right values, right shape only, runs
    steps: list[tuple[str, Shape]] = field(default_factory=list)  # every sub-expression's shape, as the doctor saw
    doctor_line: str | None = None  # the line the doctor read, None when it could not read any
    env: dict = field(default_factory=dict, repr=False)  # the failing frame's arrays and numbers
    odd: tuple[str, Shape] | None = None  # the operand whose shape is the odd one out, and the shape it needs
    made_at: tuple[int, str] | None = None  # the line (number, code) where that operand got its shape
    breaks: list[int | None] = field(default_factory=list)  # for each fix, the first later line it makes fail

    @property
    def labelled(self) -> list[str]:
        """Each fix with what it is known to get right: "Z1 = np.dot(X, W1) + b1 (right shape only)", and the
        later line it would make fail: "(runs; line 12 then fails)"."""
        broken = self.breaks or [None] * len(self.suggestions)
        return [f"{line} ({label}{f'; line {later} then fails' if later else ''})"
                for line, label, later in zip(self.suggestions, self.labels, broken)]


def doctor_lines(statement: ast.stmt | None, operation: ast.AST | None, source: Source) -> list[str]:
    """What to give the doctor, most telling first: the whole statement, then the failing operation alone."""
    lines = []
    value = right_side(statement)
    if value is not None:
        rhs = source.segment(value)
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and \
                (isinstance(statement.targets[0], ast.Name) or held(statement.targets[0])):
            lines.append(f"{source.segment(statement.targets[0])} = {rhs}")
        elif isinstance(statement, ast.AugAssign) and (isinstance(statement.target, ast.Name) or
                                                       held(statement.target)):
            name = source.segment(statement.target)
            op = _OPERATORS.get(type(statement.op), "")
            lines.append(f"{name} {op}= {rhs}")
            lines.append(f"{name} = {name} {op} ({rhs})")
        lines.append(rhs)
    if operation is not None:
        lines.append(source.segment(operation))
    return list(dict.fromkeys(lines))


def _operand_shapes(line: str, culprit: str, steps: list[tuple[str, Shape]]) -> list[tuple[str, Shape]]:
    """The shapes of the culprit's direct operands, read from the doctor's steps."""
    try:
        tree = ast.parse(line)
    except SyntaxError:
        return []
    known = dict(steps)
    for node in ast.walk(tree):
        if isinstance(node, ast.expr) and (ast.get_source_segment(line, node) or "") == culprit:
            if isinstance(node, ast.BinOp):
                parts = [node.left, node.right]
            elif isinstance(node, ast.Call):
                parts = list(node.args)
            else:
                parts = [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
            texts = [ast.get_source_segment(line, p) or ast.unparse(p) for p in parts]
            return [(t, known[t]) for t in texts if t in known]
    return []


def ranked(fixes: list, line: str, target: str | None, at: int, source: Source, env: dict) -> tuple[list, list]:
    """The doctor's fixes, those that give the right values first; then those with which every later line of the
    script runs; then the fewest edits. Each with the first later line it makes fail (None: none does)."""
    if not fixes:
        return [], []
    whole = target is not None and _assigns(line)  # the fixes are whole assignments, which later lines read
    later = later_statements(source, at) if whole else []
    broken = [breaks(f.line, later, source, env) if whole else None for f in fixes]
    order = sorted(range(len(fixes)), key=lambda k: (fixes[k].label != RIGHT_VALUES, broken[k] is not None,
                                                     fixes[k].edits))
    return [fixes[k] for k in order], [broken[k] for k in order]


def _assigns(line: str) -> bool:
    try:
        return isinstance(ast.parse(line).body[0], (ast.Assign, ast.AugAssign))
    except SyntaxError:
        return False


def environment(failure: Failure) -> dict:
    env: dict = {k: v for k, v in failure.scalars.items()}
    env.update(failure.operands)
    return env


def diagnose_failure(recording: Recording, shape_of=None) -> Diagnosis | None:
    """The failing statement, diagnosed by the shape doctor over the failing frame's own operands.

    `shape_of(name)` gives (shape, sentence) for the name the line assigns when the twin knows it, else None.
    """
    failure = recording.failure
    if failure is None or recording.status not in ("error", "memory"):
        return None
    source = Source(recording.source)
    statement = source.statement_at(failure.line)
    operation = source.node_at(failure.line, failure.end_line, failure.col, failure.end_col)
    statement_text = source.text_at(failure.line)
    operation_text = source.segment(operation) if operation is not None else statement_text
    target = (targets(statement) or [None])[0] if statement is not None else None
    env = environment(failure)
    error = f"{failure.type}: {failure.message}".strip()
    # The twin's shape only: its own line over the script's arrays may differ by where the script puts its 1/m
    goal = shape_of(target) if shape_of is not None and target else None
    for line in doctor_lines(statement, operation, source):
        try:
            if goal and line.startswith(f"{target} "):
                d = diagnose(line, env, shape=goal[0], shape_reason=goal[1])
            else:
                d = diagnose(line, env)
        except (ValueError, RecursionError):
            continue
        if d.ok:
            continue  # the doctor's shapes work out: the error is about something else
        fixes = list(d.fixes)
        if goal is None and d.goal is not None and _assigns(line):  # a shape guessed from the name's role only:
            try:  # the later lines judge the fixes of other shapes too
                seen = {f.line for f in fixes}
                fixes += [f for f in diagnose(line, env, roles=False).fixes if f.line not in seen]
            except (ValueError, RecursionError):
                pass
        fixes, broken = ranked(fixes, line, target, failure.line, source, env)
        return Diagnosis(failure.line, failure.scope, statement_text, target, operation_text, error,
                         d.culprit or operation_text, _operand_shapes(line, d.culprit or "", d.steps),
                         d.explanation, [f.line for f in fixes], [f.label for f in fixes], list(d.steps), line, env,
                         d.odd, breaks=broken)
    # The doctor cannot read this line: name the arrays the operation reads, with the shapes they had.
    read = names_read(operation if operation is not None else statement)
    shapes = [(name, tuple(np.shape(env[name]))) for name in read if isinstance(env.get(name), np.ndarray)]
    listed = ", ".join(f"{name} is {shape_text(shape)}" for name, shape in shapes)
    explanation = f"{operation_text} raised {error}" + (f"; there {listed}." if listed else ".")
    numpy_shapes = re.findall(r"\(\d+(?:,\s*\d+)*,?\)", failure.message)
    if numpy_shapes and "broadcast" in failure.message:
        explanation += f" NumPy could not line up the shapes {' and '.join(numpy_shapes)} from the right."
    return Diagnosis(failure.line, failure.scope, statement_text, target, operation_text, error, operation_text,
                     shapes, explanation, env=env)
