"""The shape doctor: which sub-expression of a NumPy line breaks which shape rule, in words about the axes, and
fixes that are checked to run and labelled by whether they give the right values or only the right shape."""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field, replace

import numpy as np

from engine.checks import shape_text
from engine.doctor.axes import EXAMPLES, Axes, Labels, base, counted, described
from engine.doctor.edits import (BUDGET, Candidate, Writer, at, derivatives, double_stretch, is_product,
                                 is_reduction, mentions_name, names_in, outer_products, product_operands,
                                 reads_array, search, slots, stretches, untransposed)
from engine.doctor.grammar import Parsed, app_function, keywords, method, np_function, parse
from engine.doctor.shaperules import infer, operation, run, shape_of

MAX_SUGGESTIONS = 5
MAX_CHECKED = 25  # variants evaluated in full, best ranked first, to label and offer

RIGHT_VALUES = "right values"  # equals the true value of the left-hand name
RIGHT_SHAPE = "right shape only"  # has the shape that name must have; its values are not checked
RUNS = "runs"  # nothing known about the name to check it against

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Fix:
    """A suggested line that runs, how many edits it is from the learner's, and what it is known to get right."""

    line: str
    label: str
    shape: Shape
    edits: int


@dataclass(frozen=True)
class Diagnosis:
    """What became of one line: its shape, or the sub-expression to blame and why, and fixes best first.

    `runs` says NumPy raised nothing; `ok` says, beyond that, that the result has the shape (and, when the true
    value is known, the values) its left-hand name must have. A line that runs but is not ok is a silent bug.
    """

    ok: bool
    shape: Shape | None
    error: str | None  # NumPy's own message, when it raises
    culprit: str | None  # the source text of the sub-expression to blame
    explanation: str
    steps: list[tuple[str, Shape]] = field(default_factory=list)  # (sub-expression, shape), in evaluation order
    fixes: list[Fix] = field(default_factory=list)
    runs: bool = False
    goal: str | None = None  # what the left-hand name must be, as a sentence: "dW2 has W2's shape (3, 2)"
    label: str | None = None  # for a line that is ok: RIGHT_VALUES when checked against the true value, else
    # RIGHT_SHAPE when its name's shape is known, else RUNS
    odd: tuple[str, Shape] | None = None  # the one operand whose shape is the odd one out, and the shape that
    # would make the line right: the fault may lie where that operand was made

    @property
    def suggestions(self) -> list[str]:
        return [f.line for f in self.fixes]


@dataclass(frozen=True)
class Goal:
    """What the left-hand name must come out as: one of `shapes`, and `value` when the true value is known."""

    shapes: tuple[Shape, ...]
    reason: str
    value: object = None

    @property
    def knows_value(self) -> bool:
        return self.value is not None


def diagnose(expr: str, env: dict, *, expected: object = None, where: dict[str, str] | None = None,
             axes: Axes | None = None, budget: float | None = None, shape: Shape | None = None,
             shape_reason: str = "", roles: bool = True) -> Diagnosis:
    """Evaluate `expr` ("expr", "name = expr" or "name -= expr") over `env` one operation at a time.

    - `expected`: the true value of the left-hand name, when known (inside the app, the engine's event value);
      fixes equal to it are labelled "right values" and ranked first.
    - `where`: name -> a sentence saying where a name not in env is computed, used when the line reads one.
    - `axes`: what the axes count (layout, sizes, m), for explanations in words; names and shapes alone work.
    - `shape`: the shape the left-hand name must have when no value is known (`stepprop debug`'s twin), said as
      `shape_reason`.
    - `roles`: False leaves out the shape guessed from the name's role (dZ1 has Z1's shape), when other evidence
      (the script's later lines) is to judge the fixes instead.
    - `budget`: seconds, a guard for a loaded machine; the fix search is bounded by effort (variants tried and
      checked), so the same line always gets the same fixes.

    Raises ValueError, before anything is computed, for anything outside the doctor's NumPy grammar.
    """
    parsed = parse(expr, env, where)
    goal = goal_for(parsed, env, expected, roles and shape is None)  # the twin's shape outweighs a role's guess
    if goal is None and shape is not None and parsed.target:
        goal = Goal((tuple(shape),), shape_reason or f"{parsed.target} must be {shape_text(tuple(shape))}")
    diagnosis, value = examine(parsed, env, goal, axes)
    if diagnosis.ok:
        return diagnosis
    fixes, best = _suggest(parsed, env, goal, value, BUDGET if budget is None else budget)
    if diagnosis.runs and goal is not None and goal.knows_value and diagnosis.shape in goal.shapes:
        # The line has its name's shape already and only the values are wrong: a fix that gets the shape alone
        # mends nothing.
        fixes = [f for f in fixes if f.label == RIGHT_VALUES]
    if diagnosis.runs and diagnosis.culprit is None:
        diagnosis = _blame_silent(parsed, env, diagnosis, goal, best, axes)
    odd = odd_operand(parsed, env, goal)
    if odd is not None:
        name, shape = odd
        diagnosis = replace(diagnosis, odd=odd, explanation=(
            f"{name} is {shape_text(shape_of(env[name]))}, but {parsed.line} and the rest need {shape_text(shape)}: "
            f"with {name} {shape_text(shape)} the line is right as it stands, so the fault may lie where {name} was "
            f"made. " + diagnosis.explanation))
    return replace(diagnosis, fixes=fixes)


def odd_operand(parsed: Parsed, env: dict, goal: Goal | None) -> tuple[str, Shape] | None:
    """(name, shape) when exactly one array the line reads, given another shape, makes the whole line give the
    shape its name must have, as it stands: that operand, not the line, is the odd one out."""
    if goal is None or goal.knows_value:
        return None  # the engine's own arrays (inside the app) are never the odd ones
    names = sorted({n.id for n in ast.walk(parsed.expr) if isinstance(n, ast.Name)
                    and isinstance(env.get(n.id), np.ndarray) and env[n.id].ndim == 2})
    if parsed.augmented and parsed.target in names:
        names.remove(parsed.target)  # the name written into keeps its shape: not the odd one
    shapes = {shape_of(env[n]) for n in names} | {s for s in goal.shapes if len(s) == 2}
    shapes |= {s[::-1] for s in shapes}
    found = []
    for name in names:
        for shape in sorted(shapes - {shape_of(env[name]), shape_of(env[name])[::-1]}):  # a transpose: the line's
            if not any(_unstretched(shape, g) for g in goal.shapes):
                continue  # it would fit only by being stretched over an axis the result has in full: no right shape
            trial = dict(env)
            trial[name] = np.broadcast_to(np.float64(0.5), shape)
            try:
                inference = infer(parsed.expr, trial)
            except ValueError:
                continue
            if inference.failed is None and inference.shapes.get(parsed.expr) in goal.shapes:
                found.append((name, shape))
                break
    return found[0] if len(found) == 1 else None


def _unstretched(shape: Shape, goal: Shape) -> bool:
    """Whether an operand of `shape` holds an axis of size 1 only where the result's `goal` shape does too."""
    return all(a != 1 or g == 1 for a, g in zip(shape[::-1], goal[::-1]))


# ---- what the left-hand name must be ------------------------------------------------------------------------

COSTS = re.compile(r"^(cost|loss|J|L|C|E)(_\w+)?$", re.IGNORECASE)
_LAYERED = re.compile(r"^([AZaz])(\d+)$")


def goal_for(parsed: Parsed, env: dict, expected: object = None, roles: bool = True) -> Goal | None:
    """The shape the left-hand name must have: the true value's; the name's own for -=; the array of that name;
    or its role: a dW has its W's shape, a dZ1 its Z1's (or A1's), A1 its Z1's, and a cost is a single number."""
    t = parsed.target
    if t is None and expected is not None:
        shape = tuple(np.shape(expected))
        return Goal((shape,), f"the engine's value is {shape_text(shape)}", expected)
    if t is None:
        return None
    if expected is not None:
        shape = tuple(np.shape(expected))
        return Goal((shape,), f"the engine's {t} is {shape_text(shape)}", expected)
    if parsed.augmented:
        shape = shape_of(env[t])
        return Goal((shape,), f"{t} {parsed.augmented} keeps {t}'s shape {shape_text(shape)}")
    if t in env:
        shape = shape_of(env[t])
        return Goal((shape,), f"{t} is {shape_text(shape)}")
    if COSTS.match(t):
        return Goal(((), (1,), (1, 1)), f"a cost such as {t} is a single number")
    for owner in _owners(t) if roles else []:
        if owner in env and isinstance(env[owner], np.ndarray):
            shape = shape_of(env[owner])
            return Goal((shape,), f"{t} has {owner}'s shape {shape_text(shape)}")
    return None


def _owners(target: str) -> list[str]:
    """The names whose shape a target's role implies: dW2 -> W2; dZ1 -> Z1, A1; A1 -> Z1; grad_w -> w."""
    rest = None
    if target.startswith("d") and len(target) > 1:
        rest = target[1:]
    for prefix in ("grad_", "nabla_"):
        if target.startswith(prefix):
            rest = target[len(prefix):]
    if target.endswith("_grad"):
        rest = target[:-5]
    found = [rest] if rest else []
    for name in (rest, target):
        if name and (match := _LAYERED.match(name)):
            other = {"A": "Z", "Z": "A", "a": "z", "z": "a"}[match.group(1)]
            found.append(other + match.group(2))
    return found


# ---- one evaluation ------------------------------------------------------------------------------------------


def examine(parsed: Parsed, env: dict, goal: Goal | None = None, axes: Axes | None = None,
            steps: bool = True) -> tuple[Diagnosis, object]:
    """The diagnosis without fixes, and the value when there is one; `steps=False` skips listing every shape."""
    inference = infer(parsed.expr, env, parsed.text)
    outcome = run(parsed.expr, env, inference)
    steps = [(parsed.text(n), tuple(np.shape(v))) for n, v in outcome.values.items()
             if mentions_name(n)] if steps else []
    goal_text = goal.reason if goal else None
    if outcome.failed is not None:
        culprit, error = parsed.text(outcome.failed), str(outcome.error)
        if outcome.failed is inference.failed:
            explanation = _in_words(parsed, env, outcome.failed, inference.shapes, inference.mismatch, goal, axes)
        else:
            shapes = [shape_text(np.shape(outcome.values[o])) for o in operation(outcome.failed, env).operands]
            fine = f"the shape {shapes[0]} is" if len(shapes) == 1 else f"the shapes {' and '.join(shapes)} are"
            explanation = f"{culprit}: {fine} fine, but NumPy refused the values: {error}"
        return Diagnosis(False, None, error, culprit, explanation, steps, goal=goal_text), None
    value = outcome.values[parsed.expr]
    shape = tuple(np.shape(value))
    name = parsed.target
    if parsed.augmented and goal and shape not in goal.shapes:
        # NumPy writes the result back into the name's own array, which cannot change shape.
        error = (f"non-broadcastable output operand with shape {shape_text(goal.shapes[0]).replace(' ', '')} "
                 f"doesn't match the broadcast shape {shape_text(shape).replace(' ', '')}")
        right = parsed.expr.right
        explanation = (f"{parsed.line}: {name} {parsed.augmented} writes into {name} itself, which stays "
                       f"{shape_text(goal.shapes[0])}, but {parsed.text(right)} is "
                       f"{counted(shape_of_node(outcome, right), _labels_of(parsed, env, outcome, axes).get(right))}"
                       f" and stretches it to {shape_text(shape)}.")
        return Diagnosis(False, None, error, parsed.text(right), explanation, steps, goal=goal_text), None
    ok, explanation = True, f"{parsed.line} gives {shape_text(shape)}."
    if goal is not None and shape not in goal.shapes:
        ok = False
        explanation = f"{parsed.line} gives {shape_text(shape)} but {goal.reason}."
    elif goal is not None and goal.knows_value:
        if same_values(value, goal.value):
            explanation = f"{parsed.line} gives {shape_text(shape)} and the engine's values of {name}."
        else:
            ok = False
            gap = np.max(np.abs(np.asarray(value, float) - np.asarray(goal.value, float)))
            explanation = (f"{parsed.line} gives {shape_text(shape)}, the right shape, but not the engine's values "
                           f"of {name}: they differ by up to {gap:.3g}.")
    elif goal is not None:
        explanation = f"{parsed.line} gives {shape_text(shape)}, the same shape as {name}."
    if ok and not (goal and goal.knows_value) and _table(parsed, env, outcome, goal) is not None:
        ok = False  # a table of every pair where one value per entry was meant: a bug even in the right shape
    if np.asarray(value).dtype.kind == "f" and not np.isfinite(value).all():
        explanation += (" Some entries are nan or inf (from a log of a number <= 0, a division by zero "
                        "or an overflow).")
    label = None
    if ok:
        label = RIGHT_VALUES if goal and goal.knows_value else RIGHT_SHAPE if goal else RUNS
    return Diagnosis(ok, shape, None, None, explanation, steps, runs=True, goal=goal_text, label=label), value


def shape_of_node(outcome, node) -> Shape:
    return tuple(np.shape(outcome.values[node]))


def same_values(a: object, b: object) -> bool:
    """The same shape and, within rounding, the same numbers (np.allclose)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, equal_nan=True))


def _identical(a: object, b: object) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.array_equal(a.astype(float), b.astype(float), equal_nan=True)


# ---- what each axis counts, carried through the line -----------------------------------------------------------


def _labels(node: ast.expr, shapes: dict, labels: dict, env: dict, axes: Axes | None) -> Labels | None:
    """What each axis of a node's result counts, from its operands'; None when unknown."""
    shape = shapes.get(node)
    if shape is None:
        return None
    operands = [o for _, o in slots(node)]
    got = [labels.get(o) for o in operands]
    found: Labels | None = None
    if isinstance(node, ast.Name):
        found = axes.labels(node.id) if axes else None
    elif untransposed(node) is not None and got and got[0]:
        found = tuple(reversed(got[0]))
    elif is_product(node) and len(got) == 2 and got[0] and got[1] and len(got[0]) == 2 and len(got[1]) == 2:
        found = (got[0][0], got[1][1])
    elif isinstance(node, ast.Subscript) and got and got[0]:
        found = got[0]
    elif is_reduction(node) and got and got[0]:
        k = keywords(node)
        n = len(got[0])
        if isinstance(k["axis"], int) and -n <= k["axis"] < n:
            axis = k["axis"] % n
            found = tuple(None if i == axis else label for i, label in enumerate(got[0])
                          if k["keepdims"] or i != axis)
    elif isinstance(node, (ast.BinOp, ast.Compare, ast.UnaryOp)) or np_function(node) in (
            "multiply", "maximum", "minimum", "where", "logaddexp", "add", "subtract", "divide", "exp", "log",
            "tanh", "abs", "sqrt", "square", "power") or app_function(node):
        found = _broadcast_labels(shape, [shapes.get(o) for o in operands], got)
    if found is not None and len(found) != len(shape):
        return None
    return found


def _broadcast_labels(shape: Shape, operand_shapes: list, operand_labels: list) -> Labels | None:
    out = []
    for k in range(1, len(shape) + 1):
        label = None
        for s, lab in zip(operand_shapes, operand_labels):
            if s is not None and lab and len(s) >= k and len(lab) == len(s) and s[-k] == shape[-k] and s[-k] != 1:
                label = label or lab[-k]
        out.append(label)
    result = tuple(reversed(out))
    return result if any(result) else None


def _all_labels(expr: ast.expr, shapes: dict, env: dict, axes: Axes | None) -> dict:
    labels: dict = {}
    if axes is None:
        return labels
    order = [n for _, n in walk_postorder(expr)]
    for node in order:
        found = _labels(node, shapes, labels, env, axes)
        if found is not None:
            labels[node] = found
    return labels


def walk_postorder(node: ast.expr, path: tuple = ()):
    for steps, child in slots(node):
        yield from walk_postorder(child, path + steps)
    yield path, node


def _labels_of(parsed: Parsed, env: dict, outcome, axes: Axes | None) -> dict:
    shapes = {n: tuple(np.shape(v)) for n, v in outcome.values.items()}
    return _all_labels(parsed.expr, shapes, env, axes)


# ---- explanations in words ---------------------------------------------------------------------------------------


def _in_words(parsed: Parsed, env: dict, node: ast.expr, shapes: dict, rule: str, goal: Goal | None,
              axes: Axes | None) -> str:
    """Say what each clashing operand is, what its axes count, and which rule their shapes break."""
    labels = _all_labels(parsed.expr, shapes, env, axes)
    operands = [o for _, o in slots(node) if o in shapes]
    said = [described(parsed.text(o), shapes[o], labels.get(o)) for o in operands
            if mentions_name(o) or shapes[o] != ()]
    head = f"{parsed.text(node)}: "
    if len(said) >= 2 and any(labels.get(o) for o in operands):
        head += "; ".join(said) + ". "
    words = head + rule[0].upper() + rule[1:] if head.endswith(". ") else head + rule
    if is_product(node) and len(operands) == 2:
        a, b = operands
        la, lb = labels.get(a), labels.get(b)
        if la and lb and len(shapes[a]) == 2 and len(shapes[b]) == 2:
            inner = base(la[1]), base(lb[0])
            if inner[0] != inner[1]:
                words += f" The inner axes count {inner[0] or 'one row'} and {inner[1] or 'one row'}"
                target_labels = axes.labels(parsed.target) if axes and parsed.target else None
                wants_examples = EXAMPLES in (base(la[0]), base(la[1])) and EXAMPLES in (base(lb[0]), base(lb[1]))
                if wants_examples and target_labels is not None and EXAMPLES not in target_labels:
                    words += (f", but a product that gives {parsed.target} must add up over the examples: "
                              f"the examples must be the inner axis on both sides.")
                else:
                    words += ", but a product adds up over one axis both operands share, so both must count the " \
                             "same thing."
    elif len(operands) >= 2:
        lab = [labels.get(o) for o in operands]
        if all(lab):
            clash = _clashing_axis(shapes[operands[0]], shapes[operands[1]])
            if clash is not None:
                a_label = lab[0][clash[0]] if clash[0] < len(lab[0]) else None
                b_label = lab[1][clash[1]] if clash[1] < len(lab[1]) else None
                if a_label and b_label and base(a_label) != base(b_label):
                    words += (f" Element by element, entries must stand for the same thing, but here "
                              f"{a_label} meet {b_label}.")
    return words


def _clashing_axis(a: Shape, b: Shape) -> tuple[int, int] | None:
    for k in range(1, min(len(a), len(b)) + 1):
        if a[-k] != b[-k] and 1 not in (a[-k], b[-k]):
            return len(a) - k, len(b) - k
    return None


# ---- silent broadcasts: a line that runs but cannot be right --------------------------------------------------


def _parent(root: ast.expr, node: ast.expr) -> ast.expr | None:
    for _, candidate in walk_postorder(root):
        if any(child is node for _, child in slots(candidate)):
            return candidate
    return None


def _stretched_something(node: ast.expr, outcome) -> bool:
    """Whether an element-wise operation stretched one of its operands to a bigger shape."""
    elementwise = isinstance(node, ast.BinOp) and not isinstance(node.op, (ast.MatMult, ast.Pow))
    if node not in outcome.values or not elementwise:
        return False
    shape = tuple(np.shape(outcome.values[node]))
    return any(tuple(np.shape(outcome.values[o])) not in (shape, ()) for _, o in slots(node) if o in outcome.values)


def shape_of_candidate(c: Candidate, node: ast.expr, env: dict) -> Shape:
    return infer(c.tree, env).shapes.get(node, ())


def _double_stretch(parsed: Parsed, env: dict, outcome) -> ast.expr | None:
    return double_stretch(parsed.expr, {n: tuple(np.shape(v)) for n, v in outcome.values.items()})


def _is_cost(goal: Goal | None) -> bool:
    return goal is not None and () in goal.shapes


def _table(parsed: Parsed, env: dict, outcome, goal: Goal | None) -> ast.expr | None:
    """Where a table of every pair was built instead of one value per pair: a broadcast that stretched both
    operands, or, in a cost, a product over an axis of size 1 whose every pair then gets added up."""
    stretched = _double_stretch(parsed, env, outcome)
    if stretched is not None or not _is_cost(goal):
        return stretched
    outer = outer_products(parsed.expr, {n: tuple(np.shape(v)) for n, v in outcome.values.items()})
    return outer[0] if outer else None


def _blame_silent(parsed: Parsed, env: dict, d: Diagnosis, goal: Goal | None, best: Candidate | None,
                  axes: Axes | None) -> Diagnosis:
    """Blame the sub-expression where the shape (or the values) first went wrong, and say why in words."""
    inference = infer(parsed.expr, env)
    outcome = run(parsed.expr, env, inference)
    labels = _labels_of(parsed, env, outcome, axes)
    shape_now = d.shape
    stretched = _table(parsed, env, outcome, goal)
    factor = None if stretched is not None else _off_by_factor(parsed, env, outcome, goal)
    if factor is not None:
        culprit, why = factor
        return replace(d, culprit=culprit, explanation=why)
    node = stretched
    if node is None and best is not None:
        node = at(parsed.expr, best.site)
        if parsed.augmented and node is parsed.expr:
            node = parsed.expr.right
        parent = _parent(parsed.expr, node)
        if isinstance(node, ast.Name) and parent is not None and _stretched_something(parent, outcome):
            node = parent  # the broadcast that stretched the name, not the name itself
    if node is None:
        node = parsed.expr.right if parsed.augmented else parsed.expr
    culprit = parsed.text(node)
    shape = tuple(np.shape(outcome.values[node]))
    operands = [o for _, o in slots(node)]
    if node is stretched and is_product(node):
        a, b = product_operands(node)
        why = (f"{culprit} runs without an error, but "
               f"{described(parsed.text(a), shape_of_node(outcome, a), labels.get(a))} and "
               f"{described(parsed.text(b), shape_of_node(outcome, b), labels.get(b))} meet over an axis of size 1, "
               f"so the product is a {shape_text(shape)} table of every pair, and adding it all up counts "
               f"{int(np.prod(shape))} pairs instead of the {max(shape)} that belong together.")
    elif node is stretched:
        a, b = operands
        why = (f"{culprit} runs without an error, but NumPy stretched "
               f"{described(parsed.text(a), shape_of_node(outcome, a), labels.get(a))} and "
               f"{described(parsed.text(b), shape_of_node(outcome, b), labels.get(b))} against each other into "
               f"{shape_text(shape)}: every entry of one paired with every entry of the other, not one pair per entry.")
    elif is_reduction(node):
        k = keywords(node)
        why = (f"{culprit} runs without an error, but it adds up along axis {k['axis']} only, leaving "
               f"{counted(shape, labels.get(node))}." if isinstance(k["axis"], int) else
               f"{culprit} gives {shape_text(shape)}.")
    elif best is not None and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and \
            _derivative_of(node, at(best.tree, best.site)):
        fixed = Writer(parsed).text(at(best.tree, best.site))
        why = (f"{culprit} runs without an error, but it multiplies by the activation itself where its derivative "
               f"belongs: {fixed}.")
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and len(operands) == 2 and \
            () in (shape_of_node(outcome, operands[0]), shape_of_node(outcome, operands[1])):
        scalar, other = operands if shape_of_node(outcome, operands[0]) == () else operands[::-1]
        why = (f"{culprit} runs without an error, and {parsed.text(scalar)} only scales {parsed.text(other)}: "
               f"the shape stays {shape_text(shape)}, and the values are off by that factor if it does not belong.")
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and len(operands) == 2:
        a, b = operands
        why = (f"{culprit} runs without an error, but * multiplies element by element: "
               f"{described(parsed.text(a), shape_of_node(outcome, a), labels.get(a))} times "
               f"{described(parsed.text(b), shape_of_node(outcome, b), labels.get(b))} gives "
               f"{shape_text(shape)}, with nothing added up.")
    elif np_function(node) == "multiply":
        why = (f"{culprit} runs without an error, but np.multiply multiplies element by element and adds nothing "
               f"up, giving {shape_text(shape)}.")
    elif best is not None and (isinstance(node, ast.Name) or not mentions_name(node)):
        new = at(best.tree, best.site)
        new_text = Writer(parsed).text(new) if new is not None else "something else"
        why = (f"{described(culprit, shape, labels.get(node))}, but this line needs {new_text} there"
               + (f", which is {shape_text(shape_of_candidate(best, new, env))}." if new is not None else "."))
    else:
        why = f"{culprit} runs without an error and gives {counted(shape, labels.get(node))}."
    if goal is None:
        tail = f" So {parsed.target or 'the result'} comes out {shape_text(shape_now)}."
    elif shape_now in goal.shapes and goal.knows_value:
        tail = f" {parsed.target} comes out {shape_text(shape_now)}, the right shape, but not the engine's values."
    elif shape_now in goal.shapes:
        tail = (f" {parsed.target} comes out {shape_text(shape_now)}, the right shape, but built from that table "
                f"its values are wrong.")
    else:
        tail = f" So {parsed.target} comes out {shape_text(shape_now)}, but {goal.reason}."
    return replace(d, culprit=culprit, explanation=why + tail)


def _derivative_of(node: ast.expr, new: ast.expr | None) -> bool:
    """Whether `new` is `node` with an activation's derivative in place of the activation (edits.derivatives)."""
    if new is None:
        return False
    names = {n.id: np.zeros(1) for tree in (node, new) for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return any(ast.dump(d) == ast.dump(new) for d in derivatives(node, names))


def _off_by_factor(parsed: Parsed, env: dict, outcome, goal: Goal | None) -> tuple[str, str] | None:
    """(culprit, why) when the line's values are the true ones times a constant: a scalar factor that does not
    belong (2 * A1.T), or np.mean dividing by every entry where the engine divides by m alone."""
    if goal is None or not goal.knows_value:
        return None
    with np.errstate(all="ignore"):
        value, truth = np.asarray(outcome.values[parsed.expr], float), np.asarray(goal.value, float)
        if value.shape != truth.shape or not np.isfinite(value).all():
            return None
        mask = np.abs(truth) > 1e-12
        if not mask.any():
            return None
        ratios = value[mask] / truth[mask]
    c = float(np.mean(ratios))
    if not np.isfinite(c) or c == 0 or np.isclose(c, 1) or not np.allclose(ratios, c, rtol=1e-6):
        return None
    name = parsed.target or "the result"
    m = env.get("m")
    parents = {id(child): parent for _, parent in walk_postorder(parsed.expr) for _, child in slots(parent)}
    def plain(node) -> bool:  # a plain number: no array in it
        return node in outcome.values and shape_of_node(outcome, node) == () and not reads_array(node, env)

    for _, node in walk_postorder(parsed.expr):
        parent = parents.get(id(node))
        if plain(node) and (parent is None or not plain(parent)):  # the whole plain-number factor
            value = float(np.asarray(outcome.values[node]))
            divides = isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Div) and parent.right is node
            constants = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
                         and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)]
            if value and np.isclose(1 / value if divides else value, c) or any(np.isclose(k, c) for k in constants):
                culprit = node if not isinstance(node, (ast.Constant, ast.Name)) or parent is None else parent
                if isinstance(culprit, ast.BinOp) and isinstance(culprit.op, ast.Mult) and \
                        node in (culprit.left, culprit.right) and culprit is not parsed.expr:
                    other = culprit.right if node is culprit.left else culprit.left
                    return parsed.text(culprit), (
                        f"{parsed.text(culprit)} scales {parsed.text(other)} by {parsed.text(node)}; the values of "
                        f"{name} are off by that factor ({c:.4g} times the engine's). The shape "
                        f"{shape_text(shape_of_node(outcome, culprit))} is right.")
                return parsed.text(culprit), (
                    f"{parsed.text(culprit)} puts a factor of {parsed.text(node)} into {name}: its values are off by "
                    f"that factor ({c:.4g} times the engine's), in the right shape.")
        operands = [o for _, o in slots(node)]
        if is_reduction(node) and "mean" in (method(node), np_function(node)) and keywords(node)["axis"] is None \
                and isinstance(m, (int, float)) and not isinstance(m, bool) and m > 0:
            inside = shape_of_node(outcome, operands[0])
            size = int(np.prod(inside))
            if size > m and np.isclose(c, m / size):
                per = size // int(m) if size % int(m) == 0 else size / m
                return parsed.text(node), (
                    f"{parsed.text(node)} divides by m × n_out = {size}, every entry of {shape_text(inside)}; the "
                    f"engine's {name} sums over outputs and divides by m = {m:g}, a factor of {per:g}. "
                    f"{name} comes out {c:.4g} times the engine's value.")
    return None


# ---- suggestions -----------------------------------------------------------------------------------------------


def _suggest(parsed: Parsed, env: dict, goal: Goal | None, value: object,
             budget: float = BUDGET) -> tuple[list[Fix], Candidate | None]:
    """Variants that run, labelled and ranked: right values, then the right shape, then the fewest edits, then
    the shortest. Without a goal shape every fix is labelled only "runs": no array merely having some shape
    makes it right.
    """
    # A guard only: effort, not time, bounds a diagnosis normally. CPU time of this thread, so that other work on a
    # busy machine does not cut the search short.
    deadline = time.thread_time() + 15 * budget
    checked = 0
    write = Writer(parsed)
    goals = goal.shapes if goal else None
    shape_goal = Goal(goal.shapes, goal.reason) if goal else None

    def table(tree: ast.expr, shapes: dict) -> bool:
        return bool(double_stretch(tree, shapes) or (_is_cost(goal) and outer_products(tree, shapes)))

    def good(tree: ast.expr, inference) -> bool:
        if goals is None or inference.shapes[tree] not in goals or table(tree, inference.shapes):
            return False
        if not goal.knows_value:
            return True
        outcome = run(tree, env, inference)
        return outcome.failed is None and same_values(outcome.values[tree], goal.value)

    def closeness(tree: ast.expr, inference) -> float:
        if goals is None or inference.shapes[tree] not in goals:
            return 0.0
        if not goal.knows_value:  # nearer means fewer tables left to undo
            return float(_is_cost(goal) and len(outer_products(tree, inference.shapes)))
        outcome = run(tree, env, inference)
        if outcome.failed is not None:
            return float("inf")
        with np.errstate(all="ignore"):
            gaps = np.abs(np.asarray(outcome.values[tree], float) - np.asarray(goal.value, float))
        if gaps.size == 0 or np.isnan(gaps).all():  # np.nanmax would warn of an all-nan slice
            return float("inf")
        gap = np.nanmax(gaps)
        return float(gap) if np.isfinite(gap) else float("inf")

    scale = bool(parsed.target and parsed.target.startswith("d") and isinstance(env.get("m"), (int, float))
                 and not isinstance(env.get("m"), bool) and goal is not None and goal.knows_value)
    found = list(search(parsed, env, good, budget=budget, closeness=closeness, scale=scale))
    found = [c for c in found if not table(c.tree, c.shapes)]  # a table of every pair is never a fix
    if parsed.target:  # W2 -= 0.5 * W2 for W2 -= 0.5 * dW2: a swap into the name being written is no fix
        own = sum(isinstance(n, ast.Name) and n.id == parsed.target for n in ast.walk(parsed.expr))
        found = [c for c in found if sum(isinstance(n, ast.Name) and n.id == parsed.target
                                         for n in ast.walk(c.tree)) <= own]
    mine = names_in(parsed.expr)
    ranked = sorted(found, key=lambda c: (goals is not None and c.shape not in goals, c.edits,
                                          len(mine - names_in(c.tree)),  # a fix that drops a name of yours: later
                                          stretches(c.tree, c.shapes), _size(c.tree)))
    chosen: list[list] = []  # [Fix, value, candidate]
    for c in ranked:
        if goals is not None and c.shape not in goals:
            break  # ranked last, and never offered: a shape the name cannot have
        checked += 1
        if checked > MAX_CHECKED or time.thread_time() > deadline:
            break  # out of effort or time: what was checked so far
        line = write.line_for(c.tree)
        try:
            d, result = examine(parse(line, env), env, shape_goal, steps=False)
        except ValueError:
            continue
        if not d.ok:
            continue  # a shape the name cannot have, or still a table where one value per entry was meant
        if np.asarray(result).dtype.kind in "fc" and not np.isfinite(result).all():
            continue  # nan or inf: a log of a number <= 0, never a fix
        if goal is not None and goal.knows_value and same_values(result, goal.value):
            label = RIGHT_VALUES
        elif goals is not None:
            label = RIGHT_SHAPE
        else:
            label = RUNS
        fix = Fix(line, label, d.shape, c.edits)
        if not any(_identical(result, entry[1]) for entry in chosen):
            chosen.append([fix, result, c])
        if len(chosen) >= MAX_SUGGESTIONS and not (goal and goal.knows_value):
            break
    order = {RIGHT_VALUES: 0, RIGHT_SHAPE: 1, RUNS: 1}
    chosen.sort(key=lambda entry: order[entry[0].label])  # stable: edits and length order kept within a label
    chosen = chosen[:MAX_SUGGESTIONS]
    best = chosen[0][2] if chosen and chosen[0][0].label != RUNS else None
    return [entry[0] for entry in chosen], best


def _size(tree: ast.AST) -> int:
    return sum(1 for _ in ast.walk(tree))
