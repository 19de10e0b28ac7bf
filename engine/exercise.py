"""Write it yourself: check a learner's line for one event of a step against the engine's value, tensor by tensor."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from itertools import islice

import numpy as np

from engine.checks import shape_text
from engine.doctor.axes import Axes
from engine.doctor.breakit import mistakes
from engine.doctor.diagnosis import diagnose, examine, goal_for
from engine.doctor.grammar import NotReached, parse
from engine.events import Event
from engine.network import Network

SCOPES = ("forward", "backward", "all")  # which events a learner writes: the loss counts as forward

_CANONICAL_CALLS = {"dot", "matmul"}  # np.dot(a, b), np.matmul(a, b) and a.dot(b) are a @ b


@dataclass(frozen=True)
class Verdict:
    """What one typed line comes to against the engine's value: the fields the exercise card shows."""

    name: str
    line: str
    expected_shape: tuple[int, ...]
    shape: tuple[int, ...] | None  # the line's result, None when it does not run
    shape_ok: bool
    exact: bool  # np.array_equal
    close: bool  # np.allclose
    max_diff: float | None  # the largest absolute difference, when the shapes agree
    mistake: str | None  # the kind from break-it's catalogue, such as "missing transpose"
    diagnosis: str  # why, in words: the mistake's explanation, or the doctor's diagnosis
    error: str | None = None  # the line was refused before running (grammar, a name not reached yet)

    @property
    def right(self) -> bool:
        return self.shape_ok and self.close

    @property
    def text(self) -> str:
        """The verdict as backprop ninja's cmp prints it: "dW2 | exact: True | approximate: True | maxdiff: 0.0"."""
        diff = "n/a" if self.max_diff is None else repr(float(self.max_diff))
        return f"{self.name} | exact: {self.exact} | approximate: {self.close} | maxdiff: {diff}"

    @property
    def summary(self) -> str:
        """One phrase: "right", the mistake's name, "refused", or what is wrong."""
        if self.right:
            return "right" if self.exact else "right (within rounding)"
        if self.error:
            return "refused"
        if self.mistake:
            return self.mistake
        if self.shape is None:
            return "does not run"
        return "wrong shape" if not self.shape_ok else "wrong values"


class Sheet:
    """One step's events, each with everything the step has reached before it: what a learner writes against."""

    def __init__(self, events: list[Event], base: dict, axes: Axes):
        self.events = list(events)
        self.base = dict(base)  # X, Y, m, lr and the parameters before the update
        self.axes = axes

    @classmethod
    def of(cls, net: Network, X, Y, lr: float = 0.5) -> Sheet:
        """The events of net's next step on X, Y, computed but not applied: net is left as it was."""
        params = net.params
        steps = net.step(X, Y, lr)
        events = list(islice(steps, len(net.plan)))
        steps.close()  # stopping early applies no update
        first = events[0]
        X, Y = _operand(first, "X"), _find_y(events)
        m = X.shape[net.layout.example_axis]
        base = {"X": X, "Y": Y, "m": m, "lr": float(lr), **params, **net.draws(m)}  # draws: dropout's masks
        return cls(events, base, Axes(net.layout_name, net.sizes, m, net.bias))

    def index_of(self, name: str) -> int:
        for i, e in enumerate(self.events):
            if e.name == name:
                return i
        names = ", ".join(dict.fromkeys(e.name for e in self.events))
        raise ValueError(f"no event named {name!r} in this step; the events are {names}")

    def chosen(self, scope: str) -> list[int]:
        """The events of a scope: forward (the loss included), backward, or all of both; updates are not written."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}; got {scope!r}")
        phases = {"forward": ("forward", "loss"), "backward": ("backward",),
                  "all": ("forward", "loss", "backward")}[scope]
        return [i for i, e in enumerate(self.events) if e.phase in phases]

    def env(self, index: int) -> dict:
        """X, Y, m, lr, the parameters, and every matrix the step has computed before event `index`."""
        env = dict(self.base)
        for e in self.events[:index]:
            env[e.name] = e.value
        return env

    def where(self, index: int) -> dict[str, str]:
        """For names the step computes at or after this event, a sentence saying so."""
        here = self.events[index]
        return {e.name: f"{e.name} is computed at event {i + 1}, not before {here.name} (event {index + 1})"
                for i, e in enumerate(self.events) if i >= index and e.name not in self.base}

    def judge(self, index: int, line: str) -> Verdict:
        return judge(self.events[index], self.env(index), line, self.axes, self.where(index))

    def hints(self, index: int) -> tuple[str, str, str]:
        return hints(self.events[index])


def _operand(event: Event, key: str) -> np.ndarray:
    return next(a for i, a in zip(event.planned.inputs, event.arrays) if i.key == key)


def _find_y(events: list[Event]) -> np.ndarray:
    return next(a for e in events for i, a in zip(e.planned.inputs, e.arrays) if i.key == "Y")


def check(net: Network, X, Y, name: str, expr: str, lr: float = 0.5) -> Verdict:
    """Check `expr` ("A1.T @ dZ2" or "dW2 = A1.T @ dZ2") against the engine's value of `name` in net's next step.

    The line may read X, Y, m, lr, the parameters and every matrix the step computes before `name`; it is
    evaluated only through the shape doctor's whitelist, so nothing outside its NumPy grammar runs.
    """
    sheet = Sheet.of(net, X, Y, lr)
    return sheet.judge(sheet.index_of(name), expr)


# ---- one line against one event ------------------------------------------------------------------------------


def judge(event: Event, env: dict, line: str, axes: Axes | None = None, where: dict | None = None) -> Verdict:
    """Evaluate the learner's line over `env` and compare it with the event's value."""
    name, expected = event.name, event.value
    blank = dict(name=name, line=line, expected_shape=tuple(expected.shape))
    try:
        line = _as_assignment(line, name)
        parsed = parse(line, env, where)
    except (NotReached, ValueError) as error:
        return Verdict(**blank, shape=None, shape_ok=False, exact=False, close=False, max_diff=None, mistake=None,
                       diagnosis=str(error), error=str(error))
    blank["line"] = line
    goal = goal_for(parsed, env, expected)
    d, value = examine(parsed, env, goal, axes, steps=False)
    if value is None:
        shape, shape_ok, exact, close, diff = None, False, False, False, None
    else:
        got = np.asarray(value)
        shape = tuple(got.shape)
        shape_ok = shape == tuple(expected.shape)
        exact = shape_ok and bool(np.array_equal(got, expected))
        close = shape_ok and bool(np.allclose(got, expected))
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf in a learner's line is nan, not an error
            diff = float(np.max(np.abs(got.astype(float) - expected), initial=0.0)) if shape_ok else None
        if diff is not None and np.isnan(diff):
            diff = None
    verdict = Verdict(**blank, shape=shape, shape_ok=shape_ok, exact=exact, close=close, max_diff=diff,
                      mistake=None, diagnosis=d.explanation)
    if verdict.right:
        return verdict
    known = _known_mistake(event, env, parsed, value, axes)
    if known is not None:
        kind, why = known
        return replace(verdict, mistake=kind, diagnosis=why)
    full = diagnose(line, env, expected=expected, where=where, axes=axes)
    text = full.explanation
    if value is not None and np.asarray(value).dtype.kind == "f" and not np.isfinite(value).all():
        text += " Some of its entries are nan or inf."
    if full.fixes:
        text += f" A fix that runs: {full.fixes[0].line} ({full.fixes[0].label})."
    return replace(verdict, diagnosis=text)


def _as_assignment(line: str, name: str) -> str:
    """"dW2 = A1.T @ dZ2" stays; a bare "A1.T @ dZ2" gets "dW2 = " in front; another name on the left is refused."""
    text = line.strip()
    if not text:
        raise ValueError(f"nothing to check: type the line for {name}, such as {name} = ...")
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        raise ValueError(f"not valid Python: {e.msg}") from None
    if len(tree.body) == 1 and isinstance(tree.body[0], (ast.Assign, ast.AugAssign)):  # b1 -= lr * db1 too
        statement = tree.body[0]
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and targets[0].id != name:
            raise ValueError(f"this event computes {name}, but the line assigns {targets[0].id}; "
                             f"write {name} = ...")
        return text
    return f"{name} = {text}"


def canonical(expr: ast.expr) -> str:
    """The tree with np.dot(a, b), np.matmul(a, b) and a.dot(b) written a @ b, and np.transpose(a) a.T."""

    class Canon(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.AST:
            self.generic_visit(node)
            f = node.func
            if isinstance(f, ast.Attribute) and not node.keywords:
                is_np = isinstance(f.value, ast.Name) and f.value.id == "np"
                if is_np and f.attr in _CANONICAL_CALLS and len(node.args) == 2:
                    return ast.BinOp(left=node.args[0], op=ast.MatMult(), right=node.args[1])
                if is_np and f.attr == "transpose" and len(node.args) == 1:
                    return ast.Attribute(value=node.args[0], attr="T", ctx=ast.Load())
                if not is_np and f.attr == "dot" and len(node.args) == 1:
                    return ast.BinOp(left=f.value, op=ast.MatMult(), right=node.args[0])
                if not is_np and f.attr == "transpose" and not node.args:
                    return ast.Attribute(value=f.value, attr="T", ctx=ast.Load())
            return node

    return ast.dump(Canon().visit(_copy(expr)), annotate_fields=False, include_attributes=False)


def _copy(node: ast.expr) -> ast.expr:
    return ast.parse(ast.unparse(node), mode="eval").body


def _known_mistake(event: Event, env: dict, parsed, value, axes: Axes | None) -> tuple[str, str] | None:
    """(kind, why) when the line is one of break-it's wrong versions of the event's formula: the same expression
    up to how a product is spelled, or, when both run, the same values."""
    try:
        found = mistakes(event.formula, env, expected=event.value, axes=axes, own=event.planned.mistakes)
    except ValueError:
        return None
    mine = canonical(parsed.expr)
    for m in found:
        if canonical(parse(m.expr, env).expr) == mine:
            return m.kind, _why(m)
    if value is None:
        return None
    for m in found:
        if m.diagnosis.runs:
            wrong = examine(parse(m.expr, env), env, steps=False)[1]
            if wrong is not None and np.shape(wrong) == np.shape(value) and np.array_equal(wrong, value):
                return m.kind, _why(m)
    return None


def _why(m) -> str:
    """The mistake's explanation, with the doctor's words about the axes when it says more."""
    extra = m.diagnosis.explanation
    if m.diagnosis.runs and " × " in extra:  # a line that fails already has the doctor's words in `why`
        return f"{m.why} {extra}"
    return m.why


# ---- hints, one level at a time --------------------------------------------------------------------------------

_TERM_WORDS = (
    (re.compile(r"∂L/∂(\w+)"), lambda m: (m.group(0), "d" + m.group(1))),
    (re.compile(r"(\w+)ᵀ"), lambda m: (m.group(0), m.group(1) + ".T")),
)
_SYMBOLS = (("·", "@ (a matrix product)"), ("⊙", "* (element by element)"), ("⊘", "/ (element by element)"),
            ("Σ over examples (rows)", ".sum(axis=0, keepdims=True)"),
            ("Σ over examples (columns)", ".sum(axis=1, keepdims=True)"), ("σ", "sigmoid"), ("←", "="))


def hints(event: Event) -> tuple[str, str, str]:
    """Three hints, each giving more away: the shape rule, the chain-rule term in NumPy's words, the line with
    its names blanked out."""
    shape = f"{event.name} must come out {shape_text(event.shape)}; the shape rule: {event.shape_rule}"
    said: list[str] = []
    for pattern, pair in _TERM_WORDS:
        for match in pattern.finditer(event.term):
            maths, numpy = pair(match)
            if f"{maths} is {numpy}" not in said and maths != numpy:
                said.append(f"{maths} is {numpy}")
    product_term = event.term.replace("lr ·", "")  # lr · dW is a number times a matrix, no product
    said += [f"{maths} is {numpy}" for maths, numpy in _SYMBOLS if maths in product_term]
    term = f"the term: {event.term}" + (f"; in NumPy, {', '.join(said)}" if said else "")
    return shape, term, f"the line: {blanked(event)}"


def blanked(event: Event) -> str:
    """The engine's line with every matrix it reads written ___: "dW2 = ___.T @ ___"."""
    left, right = event.formula.split(" = ", 1)
    for key in sorted({i.key for i in event.planned.inputs}, key=len, reverse=True):
        right = re.sub(rf"(?<![\w.]){re.escape(key)}(?!\w)", "___", right)
    return f"{left} = {right}"


# ---- the score of a step written by hand -------------------------------------------------------------------------

RIGHT_FIRST = "right first time"
AFTER_HINTS = "right after hints"
AFTER_TRIES = "right after wrong tries"
REVEALED = "revealed"


@dataclass
class Attempt:
    """How one event went: lines checked, hints taken, and whether it ended right or revealed."""

    name: str
    tries: int = 0
    hints: int = 0
    right: bool = False
    revealed: bool = False

    @property
    def done(self) -> bool:
        return self.right or self.revealed

    @property
    def outcome(self) -> str:
        if self.revealed:
            return REVEALED
        if not self.right:
            return "not finished"
        if self.hints:
            return AFTER_HINTS
        return RIGHT_FIRST if self.tries == 1 else AFTER_TRIES
