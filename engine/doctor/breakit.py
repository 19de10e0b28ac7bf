"""Break it: the wrong versions of a correct formula that learners write, each diagnosed and explained."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np

from engine.checks import shape_text
from engine.doctor.axes import Axes
from engine.doctor.diagnosis import Diagnosis, diagnose, examine, goal_for
from engine.doctor.edits import (Writer, is_reduction, np_call, replace, toggle_T, untransposed, walk,
                                 with_keywords)
from engine.doctor.grammar import is_add_at, keywords, method, np_function, parse

KINDS = ("missing transpose", "* where @ was meant", "kept the bias row", "sum over the wrong axis",
         "missing keepdims", "transposed the wrong operand")

_FAILS = {
    "missing transpose": "Without the transpose the shapes no longer line up",
    "* where @ was meant": "* multiplies element by element instead of taking a matrix product, and these shapes "
                           "cannot be paired entry by entry",
    "kept the bias row": "Without dropping the bias the shapes no longer line up",
    "sum over the wrong axis": "Summing along the other axis leaves a shape that no longer fits",
    "missing keepdims": "Without keepdims the summed axis disappears and the shapes no longer line up",
    "transposed the wrong operand": "With the transpose on the other operand the inner axes no longer agree",
}

_ELEMENTWISE_RUNS = ("It still runs because the shapes happen to broadcast, but * multiplies element by element "
                     "instead of taking a matrix product")
_BIAS_RUNS = ("It still runs, but the weights' bias entries come along: the biases feed no unit of the layer "
              "below, so their gradient must be dropped before going back a layer")
_VERBS = {"sum": "sums", "mean": "averages", "max": "takes the max"}
_OTHER_AXIS = {0: 1, 1: 0, -1: -2, -2: -1}
BUDGET = 0.03  # seconds of fix search for each wrong version


@dataclass(frozen=True)
class Mistake:
    """A wrong version of a correct formula, as learners write it, and what NumPy makes of it."""

    kind: str
    expr: str
    diagnosis: Diagnosis
    why: str


def _wrong_versions(expr: ast.expr) -> list[tuple[str, ast.expr, str]]:
    """(kind, wrong tree, what happens if it still runs) for each place the formula can be broken."""
    found = []
    for path, node in walk(expr):
        if untransposed(node) is not None:
            found.append(("missing transpose", replace(expr, path, untransposed(node)), "It still runs"))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            found.append(("kept the bias row", replace(expr, path, node.value), _BIAS_RUNS))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            a, b = node.left, node.right
            found.append(("* where @ was meant", replace(expr, path, ast.BinOp(left=a, op=ast.Mult(), right=b)),
                          _ELEMENTWISE_RUNS))
            if (untransposed(a) is None) != (untransposed(b) is None):
                moved = ast.BinOp(left=toggle_T(a), op=ast.MatMult(), right=toggle_T(b))
                found.append(("transposed the wrong operand", replace(expr, path, moved), "It still runs"))
        if np_function(node) in ("dot", "matmul"):
            found.append(("* where @ was meant", replace(expr, path, np_call("multiply", *node.args)),
                          _ELEMENTWISE_RUNS))
        if is_reduction(node):
            k = keywords(node)
            name = method(node) or np_function(node)
            if k["axis"] in _OTHER_AXIS:
                other = _OTHER_AXIS[k["axis"]]
                wrong = with_keywords(node, other, k["keepdims"])
                found.append(("sum over the wrong axis", replace(expr, path, wrong),
                              f"It still runs, but it {_VERBS[name]} along axis {other} instead of axis {k['axis']}"))
            if k["keepdims"]:
                found.append(("missing keepdims", replace(expr, path, with_keywords(node, k["axis"], False)),
                              "It still runs, but without keepdims the axis it works along disappears"))
    return sorted(found, key=lambda f: KINDS.index(f[0]))


def mistakes(formula: str, env: dict, *, expected: object = None, axes: Axes | None = None,
             own: tuple[tuple[str, str, str], ...] = ()) -> list[Mistake]:
    """The usual wrong versions of a correct formula, each diagnosed in `env`, with why it goes wrong in words.

    `expected` is the formula's true value when known (the app passes the event's value), `axes` what the axes
    count; the fixes of each wrong version are then labelled by whether they give the right values. `own` are the
    line's own mistakes, from its layer's table: (kind, wrong line, the lesson in words).
    """
    parsed = parse(formula, env)
    correct, correct_value = examine(parsed, env)
    if expected is None:
        expected = correct_value
    goal = goal_for(parsed, env, expected)
    expected_shape = goal.shapes[0] if goal else correct.shape
    name = parsed.target or "the result"
    write = Writer(parsed)
    found = []
    for kind, line, lesson in own:
        wrong = diagnose(line, env, expected=expected, axes=axes, budget=BUDGET)
        if wrong.runs and wrong.ok:
            continue
        if not wrong.runs:
            why = f"{lesson} NumPy refuses it: {_explained(wrong)}"
        elif wrong.shape != expected_shape:
            why = f"{lesson} It still runs: {name} comes out {shape_text(wrong.shape)} instead of " \
                  f"{shape_text(expected_shape)}."
        else:
            why = f"{lesson} It still runs and even gives the right shape {shape_text(expected_shape)}, but the " \
                  "numbers are wrong."
        found.append(Mistake(kind, line, wrong, why))
    # A scatter such as np.add.at(dE1, X, demb1) is no expression to transpose or re-sum: only its own mistakes.
    generic = [] if is_add_at(parsed.expr) else _wrong_versions(parsed.expr)
    for kind, tree, runs in generic:
        line = write.line_for(tree)
        if any(line == m.expr for m in found):
            continue
        wrong = diagnose(line, env, expected=expected, axes=axes, budget=BUDGET)
        if wrong.runs and correct.runs and wrong.ok:
            continue  # no different from the correct formula with these shapes
        if not wrong.runs:
            why = f"{_FAILS[kind]}. {_explained(wrong)}"
        elif wrong.shape != expected_shape:
            value = examine(parse(line, env), env)[1]
            why = f"{runs}: {name} comes out {shape_text(wrong.shape)} instead of {shape_text(expected_shape)}."
            why += _in_update(parsed.target, value, env)
        else:
            why = f"{runs}, and even gives the right shape {shape_text(expected_shape)}, but the numbers are wrong."
        found.append(Mistake(kind, line, wrong, why))
    return found


def _explained(d: Diagnosis) -> str:
    """The diagnosis in words, without the culprit prefix the screen already shows."""
    text = d.explanation
    prefix = f"{d.culprit}: "
    return text[len(prefix):] if d.culprit and text.startswith(prefix) else text


def _in_update(target: str | None, value: object, env: dict) -> str:
    """What the update P - lr * dP makes of a gradient dP of the wrong shape."""
    if not target or not target.startswith("d") or target[1:] not in env or "lr" not in env:
        return ""
    P = target[1:]
    shape = shape_text(np.shape(env[P]))
    with_value = {**env, target: value}
    update, _ = examine(parse(f"{P} = {P} - lr * {target}", with_value), with_value)
    if not update.runs:
        return f" The update {P} - lr * {target} then fails: {_explained(update)}"
    if shape_text(update.shape) == shape:
        return (f" The update {P} - lr * {target} still broadcasts back to {shape}, so nothing fails "
                f"and the mistake goes unnoticed here.")
    return (f" The update {P} - lr * {target} then broadcasts {shape} with {shape_text(np.shape(value))} into "
            f"{shape_text(update.shape)}, silently giving {P} the wrong shape.")
