"""The shape doctor: which sub-expression of a NumPy line breaks which shape rule, and fixes that are checked to run."""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from engine.doctor.grammar import COMPARISONS, OPERATORS, Parsed, keywords, method, np_function, parse
from engine.checks import shape_text
from engine.doctor.shaperules import Inference, infer, operation, run, shape_of

MAX_SUGGESTIONS = 5
MAX_EFFORT = 20_000  # tree nodes visited while trying candidate fixes, per diagnosis
REDUCTIONS = ("sum", "mean", "max")

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Diagnosis:
    """What became of one expression: its shape, or the sub-expression NumPy refused and why."""

    ok: bool
    shape: Shape | None
    error: str | None  # NumPy's own message
    culprit: str | None  # the source text of the sub-expression that failed
    explanation: str
    steps: list[tuple[str, Shape]] = field(default_factory=list)  # (sub-expression, shape), in evaluation order
    suggestions: list[str] = field(default_factory=list)  # fixes that evaluate, best first


@dataclass(frozen=True)
class Mistake:
    """A wrong version of a correct formula, as learners write it, and what NumPy makes of it."""

    kind: str
    expr: str
    diagnosis: Diagnosis
    why: str


def diagnose(expr: str, env: dict) -> Diagnosis:
    """Evaluate `expr` ("expr" or "name = expr") over `env` one operation at a time, blaming what fails.

    Raises ValueError, before anything is computed, for anything outside the doctor's small NumPy grammar.
    """
    parsed = parse(expr, env)
    diagnosis, value = _examine(parsed, env)
    return replace(diagnosis, suggestions=_suggest(parsed, env, diagnosis, value))


# ---- one evaluation ------------------------------------------------------------------------------------------


def _mentions_name(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) for n in ast.walk(node))


def _expected(parsed: Parsed, env: dict) -> Shape | None:
    return shape_of(env[parsed.target]) if parsed.target in env else None


def _examine(parsed: Parsed, env: dict) -> tuple[Diagnosis, object]:
    """The diagnosis without suggestions, and the value when there is one."""
    inference = infer(parsed.expr, env, parsed.text)
    outcome = run(parsed.expr, env, inference)
    steps = [(parsed.text(n), tuple(np.shape(v))) for n, v in outcome.values.items() if _mentions_name(n)]
    if outcome.failed is not None:
        culprit, error = parsed.text(outcome.failed), str(outcome.error)
        if outcome.failed is inference.failed:
            explanation = f"{culprit}: {inference.mismatch}"
        else:
            shapes = [shape_text(np.shape(outcome.values[o])) for o in operation(outcome.failed, env).operands]
            fine = f"the shape {shapes[0]} is" if len(shapes) == 1 else f"the shapes {' and '.join(shapes)} are"
            explanation = f"{culprit}: {fine} fine, but NumPy refused the values: {error}"
        return Diagnosis(False, None, error, culprit, explanation, steps), None
    value = outcome.values[parsed.expr]
    shape = tuple(np.shape(value))
    expected = _expected(parsed, env)
    if expected is None:
        explanation = f"{parsed.line} gives {shape_text(shape)}."
    elif expected == shape:
        explanation = f"{parsed.line} gives {shape_text(shape)}, the same shape as {parsed.target}."
    else:
        explanation = f"{parsed.line} gives {shape_text(shape)} but {parsed.target} is {shape_text(expected)}."
    if np.asarray(value).dtype.kind == "f" and not np.isfinite(value).all():
        explanation += (" Some entries are nan or inf (from a log of a number <= 0, a division by zero "
                        "or an overflow).")
    return Diagnosis(True, shape, None, None, explanation, steps), value


# ---- editing trees: each node reached by a path of (field, index) from the root -------------------------------


def _slots(node: ast.expr) -> list[tuple[tuple, ast.expr]]:
    """The operands of a node, each with the path steps that reach it; the same operands operation() reads."""
    if isinstance(node, ast.BinOp):
        return [((("left", None),), node.left)] + ([] if isinstance(node.op, ast.Pow) else
                                                    [((("right", None),), node.right)])
    if isinstance(node, ast.UnaryOp):
        return [((("operand", None),), node.operand)]
    if isinstance(node, ast.Compare):
        return [((("left", None),), node.left), ((("comparators", 0),), node.comparators[0])]
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return [((("value", None),), node.value)]
    if np_function(node):
        return [((("args", i),), a) for i, a in enumerate(node.args)]
    if method(node):
        return [((("func", None), ("value", None)), node.func.value)]
    return []


def _walk(node: ast.expr, path: tuple = ()):
    """(path, node) for every value node, root first."""
    yield path, node
    for steps, child in _slots(node):
        yield from _walk(child, path + steps)


def _replace(root: ast.AST, path: tuple, new: ast.AST) -> ast.AST:
    """A copy of the tree with the node at `path` replaced; the nodes off the path are shared, not copied."""
    if not path:
        return new
    (name, i), rest = path[0], path[1:]
    clone = copy.copy(root)
    child = getattr(root, name)
    if i is None:
        setattr(clone, name, _replace(child, rest, new))
    else:
        items = list(child)
        items[i] = _replace(items[i], rest, new)
        setattr(clone, name, items)
    return clone


def _T(node: ast.expr) -> ast.expr:
    return ast.Attribute(value=node, attr="T", ctx=ast.Load())


def _untransposed(node: ast.expr) -> ast.expr | None:
    """X for X.T or np.transpose(X), else None."""
    if isinstance(node, ast.Attribute):
        return node.value
    if np_function(node) == "transpose":
        return node.args[0]
    return None


def _toggle_T(node: ast.expr) -> ast.expr:
    return _untransposed(node) or _T(node)


def _np_call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Attribute(value=ast.Name(id="np", ctx=ast.Load()), attr=name, ctx=ast.Load()),
                    args=list(args), keywords=[])


def _reduction(node: ast.expr) -> bool:
    return method(node) in REDUCTIONS or np_function(node) in ("sum", "mean")


def _with_keywords(node: ast.Call, axis: int | None, keepdims: bool) -> ast.Call:
    clone = copy.copy(node)
    clone.keywords = ([ast.keyword(arg="axis", value=_literal(axis))] if axis is not None else []) + \
        ([ast.keyword(arg="keepdims", value=ast.Constant(True))] if keepdims else [])
    return clone


def _literal(n: int) -> ast.expr:
    return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-n)) if n < 0 else ast.Constant(n)


def _fixes(node: ast.expr, inference: Inference, under_T: bool) -> list[ast.expr]:
    """The one-edit variants of a node worth trying: other products, operand orders, reductions, transposes."""
    shape, out = inference.shapes.get(node), []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        out.append(ast.BinOp(left=node.left, op=ast.MatMult(), right=node.right))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        a, b = node.left, node.right
        out += [ast.BinOp(left=a, op=ast.Mult(), right=b), ast.BinOp(left=b, op=ast.MatMult(), right=a),
                ast.BinOp(left=_toggle_T(b), op=ast.MatMult(), right=_toggle_T(a))]  # (AB)ᵀ = BᵀAᵀ
    name = np_function(node)
    if name in ("dot", "matmul"):
        a, b = node.args
        out += [_np_call("multiply", a, b), _np_call(name, b, a), _np_call(name, _toggle_T(b), _toggle_T(a))]
    if name == "multiply":
        out.append(_np_call("dot", *node.args))
    if _reduction(node):
        k = keywords(node)
        out.append(_with_keywords(node, k["axis"], not k["keepdims"]))
        operand = inference.shapes.get(_slots(node)[0][1])
        axes = range(len(operand)) if operand is not None else (0, 1)
        if operand is not None and k["axis"] is not None and -len(operand) <= k["axis"] < len(operand):
            current = k["axis"] % len(operand)
        else:
            current = k["axis"]
        keepdims = True if k["axis"] is None else k["keepdims"]
        out += [_with_keywords(node, axis, keepdims) for axis in axes if axis != current]
    if _mentions_name(node) and not under_T:
        if _untransposed(node) is not None:
            out.append(_untransposed(node))
        elif shape is None or len(shape) >= 2:
            out.append(_T(node))
    return out


def _edits(tree: ast.expr, inference: Inference) -> Iterator[ast.expr]:
    """Every one-edit variant of the tree, those at the failing node and its operands first."""
    spots = list(_walk(tree))
    if inference.failed is not None:
        near = {id(inference.failed)} | {id(c) for _, c in _slots(inference.failed)}
        spots.sort(key=lambda spot: id(spot[1]) not in near)
    parents_T = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for path, node in spots:
        for new in _fixes(node, inference, id(node) in parents_T):
            yield _replace(tree, path, new)


def _variants(expr: ast.expr, env: dict) -> Iterator[tuple[ast.expr, int, Shape]]:
    """(tree, edits, shape) for the variants one or two edits away that evaluate, until the effort runs out."""
    seen, effort = {ast.dump(expr)}, MAX_EFFORT
    frontier = [(expr, infer(expr, env))]
    for edits in (1, 2):
        grown = []
        for tree, inference in frontier:
            for candidate in _edits(tree, inference):
                effort -= 2 * len(inference.shapes) + 2
                if effort < 0:
                    return
                key = ast.dump(candidate)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    found = infer(candidate, env)
                except ValueError:
                    continue
                grown.append((candidate, found))
                if found.failed is None:
                    yield candidate, edits, found.shapes[candidate]
        frontier = grown


# ---- writing a changed tree back as the learner's text --------------------------------------------------------

_PRECEDENCE = {ast.Add: 2, ast.Sub: 2, ast.Mult: 3, ast.MatMult: 3, ast.Div: 3, ast.Pow: 5}
_ATOM = 6


def _precedence(node: ast.AST) -> int:
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    return {ast.Compare: 1, ast.UnaryOp: 4}.get(type(node), _ATOM)


class _Writer:
    """Text for an edited tree: untouched parts keep the learner's own spelling, and their parentheses."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.untouched = {id(n) for n in ast.walk(parsed.expr)}
        self.line = parsed.line.encode()

    def __call__(self, tree: ast.expr) -> str:
        text = self.text(tree)
        try:
            same = ast.dump(ast.parse(text, mode="eval").body) == ast.dump(tree)
        except SyntaxError:
            same = False
        return text if same else ast.unparse(tree)

    def grouped(self, node: ast.AST) -> bool:
        """Whether the learner wrote this node inside parentheses of its own (not a call's)."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None:
            return False
        before = self.line[:start].rstrip()
        after = self.line[end:].lstrip()
        if not (before.endswith(b"(") and after.startswith(b")")):
            return False
        opener = before[:-1].rstrip()[-1:]
        return not (opener.isalnum() or opener in (b"_", b")", b"]"))

    def operand(self, node: ast.AST, needs_parentheses: bool) -> str:
        text = self.text(node)
        return f"({text})" if needs_parentheses or self.grouped(node) else text

    def text(self, node: ast.AST) -> str:
        if id(node) in self.untouched:
            return self.parsed.text(node)
        if isinstance(node, ast.BinOp):
            p, power = _PRECEDENCE[type(node.op)], isinstance(node.op, ast.Pow)
            left = self.operand(node.left, _precedence(node.left) < p or (power and _precedence(node.left) == p))
            right = self.operand(node.right, _precedence(node.right) <= p and not power)
            return f"{left} {OPERATORS[type(node.op)]} {right}"
        if isinstance(node, ast.UnaryOp):
            return "-" + self.operand(node.operand, _precedence(node.operand) < 4)
        if isinstance(node, ast.Compare):
            symbol = COMPARISONS[type(node.ops[0])]
            return (f"{self.operand(node.left, _precedence(node.left) <= 1)} {symbol} "
                    f"{self.operand(node.comparators[0], _precedence(node.comparators[0]) <= 1)}")
        if isinstance(node, ast.Attribute):
            return f"{self.operand(node.value, _precedence(node.value) < _ATOM)}.{node.attr}"
        if isinstance(node, ast.Subscript):
            return f"{self.operand(node.value, _precedence(node.value) < _ATOM)}[{self.text(node.slice)}]"
        if isinstance(node, ast.Call):
            func = node.func
            head = "np" if np_function(node) else self.operand(func.value, _precedence(func.value) < _ATOM)
            args = [self.text(a) for a in node.args] + [f"{k.arg}={self.text(k.value)}" for k in node.keywords]
            return f"{head}.{func.attr}({', '.join(args)})"
        if isinstance(node, ast.Tuple):
            items = [self.text(e) for e in node.elts]
            return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
        return ast.unparse(node)


# ---- suggestions -----------------------------------------------------------------------------------------------


def _same_values(a: object, b: object) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.array_equal(a.astype(float), b.astype(float), equal_nan=True)


def _suggest(parsed: Parsed, env: dict, diagnosis: Diagnosis, value: object) -> list[str]:
    """Variants that evaluate: those giving the target shape first, then those needing fewest edits."""
    expected = _expected(parsed, env)
    if diagnosis.ok and expected in (None, diagnosis.shape):
        return []
    if expected is not None:
        targets = {expected}
    else:
        targets = {v.shape for v in env.values() if isinstance(v, np.ndarray)}

    ranked = [(shape not in targets, edits, order, tree)
              for order, (tree, edits, shape) in enumerate(_variants(parsed.expr, env))]
    if diagnosis.ok and expected is not None and np.size(value) == np.prod(expected):
        new_shape = ast.Call(func=ast.Attribute(value=parsed.expr, attr="reshape", ctx=ast.Load()),
                             args=[_literal(n) for n in expected], keywords=[])
        ranked.append((False, 2, len(ranked), new_shape))
    if diagnosis.ok:
        ranked = [r for r in ranked if not r[0]]  # it already runs: offer only what gives the expected shape

    write, prefix = _Writer(parsed), f"{parsed.target} = " if parsed.target else ""
    chosen = []  # [line, value, edits], best first
    for _, edits, _, tree in sorted(ranked, key=lambda r: r[:3]):
        line = prefix + write(tree)
        try:
            checked, result = _examine(parse(line, env), env)
        except ValueError:
            continue
        if not checked.ok or (value is not None and _same_values(result, value)):
            continue
        twin = next((c for c in chosen if _same_values(result, c[1])), None)
        if twin is None:
            chosen.append([line, result, edits])
        elif edits <= twin[2] and len(line) < len(twin[0]):
            twin[0] = line  # the same numbers written more simply: (1 - A1) rather than (1 - A1.T).T
        if len(chosen) == MAX_SUGGESTIONS:
            break
    return [c[0] for c in chosen]


# ---- break it: the mistakes learners make in a correct formula ------------------------------------------------

KINDS = ("missing transpose", "* where @ was meant", "sum over the wrong axis", "missing keepdims",
         "transposed the wrong operand")

_FAILS = {
    "missing transpose": "Without the transpose the shapes no longer line up",
    "* where @ was meant": "* multiplies element by element instead of taking a matrix product, and these shapes "
                           "do not broadcast",
    "sum over the wrong axis": "Summing along the other axis leaves a shape that no longer fits",
    "missing keepdims": "Without keepdims the summed axis disappears and the shapes no longer line up",
    "transposed the wrong operand": "With the transpose on the other operand the inner dimensions no longer agree",
}

_ELEMENTWISE_RUNS = ("It still runs because the shapes happen to broadcast, but * multiplies element by element "
                     "instead of taking a matrix product")
_VERBS = {"sum": "sums", "mean": "averages", "max": "takes the max"}
_OTHER_AXIS = {0: 1, 1: 0, -1: -2, -2: -1}


def _wrong_versions(expr: ast.expr) -> list[tuple[str, ast.expr, str]]:
    """(kind, wrong tree, what happens if it still runs) for each place the formula can be broken."""
    found = []
    for path, node in _walk(expr):
        if _untransposed(node) is not None:
            found.append(("missing transpose", _replace(expr, path, _untransposed(node)), "It still runs"))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            a, b = node.left, node.right
            found.append(("* where @ was meant", _replace(expr, path, ast.BinOp(left=a, op=ast.Mult(), right=b)),
                          _ELEMENTWISE_RUNS))
            if (_untransposed(a) is None) != (_untransposed(b) is None):
                moved = ast.BinOp(left=_toggle_T(a), op=ast.MatMult(), right=_toggle_T(b))
                found.append(("transposed the wrong operand", _replace(expr, path, moved), "It still runs"))
        if np_function(node) in ("dot", "matmul"):
            found.append(("* where @ was meant", _replace(expr, path, _np_call("multiply", *node.args)),
                          _ELEMENTWISE_RUNS))
        if _reduction(node):
            k = keywords(node)
            name = method(node) or np_function(node)
            if k["axis"] in _OTHER_AXIS:
                other = _OTHER_AXIS[k["axis"]]
                wrong = _with_keywords(node, other, k["keepdims"])
                found.append(("sum over the wrong axis", _replace(expr, path, wrong),
                              f"It still runs, but it {_VERBS[name]} along axis {other} instead of axis {k['axis']}"))
            if k["keepdims"]:
                found.append(("missing keepdims", _replace(expr, path, _with_keywords(node, k["axis"], False)),
                              "It still runs, but without keepdims the axis it works along disappears"))
    return sorted(found, key=lambda f: KINDS.index(f[0]))


def mistakes(formula: str, env: dict) -> list[Mistake]:
    """The usual wrong versions of a correct formula, each diagnosed in `env`, with why it goes wrong."""
    parsed = parse(formula, env)
    correct, correct_value = _examine(parsed, env)
    expected = _expected(parsed, env)
    if expected is None:
        expected = correct.shape
    name = parsed.target or "the result"
    write, prefix = _Writer(parsed), f"{parsed.target} = " if parsed.target else ""
    found = []
    for kind, tree, runs in _wrong_versions(parsed.expr):
        line = prefix + write(tree)
        wrong_parsed = parse(line, env)
        wrong, value = _examine(wrong_parsed, env)
        if wrong.ok and correct.ok and _same_values(value, correct_value):
            continue  # no different from the correct formula with these shapes
        if not wrong.ok:
            why = f"{_FAILS[kind]}, so NumPy raises “{wrong.error.strip()}”."
        elif expected is None or wrong.shape != expected:
            why = f"{runs}: {name} comes out {shape_text(wrong.shape)}"
            why += "." if expected is None else f" instead of {shape_text(expected)}."
            why += _in_update(parsed.target, value, env)
        else:
            why = f"{runs}, and even gives the right shape {shape_text(expected)}, but the numbers are wrong."
        found.append(Mistake(kind, line, replace(wrong, suggestions=_suggest(wrong_parsed, env, wrong, value)), why))
    return found


def _in_update(target: str | None, value: object, env: dict) -> str:
    """What the update P - lr * dP makes of a gradient dP of the wrong shape."""
    if not target or not target.startswith("d") or target[1:] not in env or "lr" not in env:
        return ""
    P = target[1:]
    shape = shape_text(np.shape(env[P]))
    update, _ = _examine(parse(f"{P} = {P} - lr * {target}", {**env, target: value}), {**env, target: value})
    if not update.ok:
        return f" The update {P} - lr * {target} then fails: NumPy raises “{update.error.strip()}”."
    if shape_text(update.shape) == shape:
        return (f" The update {P} - lr * {target} still broadcasts back to {shape}, so nothing fails "
                f"and the mistake goes unnoticed here.")
    return (f" The update {P} - lr * {target} then broadcasts {shape} with {shape_text(np.shape(value))} into "
            f"{shape_text(update.shape)}, silently giving {P} the wrong shape.")
