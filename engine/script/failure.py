"""The failing line: PEP 657's range names the operation, and the shape doctor explains it over the real operands."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import numpy as np

from engine.checks import shape_text
from engine.doctor import diagnose
from engine.doctor.known import held
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

    @property
    def labelled(self) -> list[str]:
        """Each fix with what it is known to get right: "Z1 = np.dot(X, W1) + b1 (right shape only)"."""
        return [f"{line} ({label})" for line, label in zip(self.suggestions, self.labels)]


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
        return Diagnosis(failure.line, failure.scope, statement_text, target, operation_text, error,
                         d.culprit or operation_text, _operand_shapes(line, d.culprit or "", d.steps),
                         d.explanation, list(d.suggestions), [f.label for f in d.fixes], list(d.steps), line, env,
                         d.odd)
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
