"""Each operation the doctor allows: its NumPy function next to its shape rule, and that rule in plain words."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine import activations
from engine.checks import shape_text
from engine.doctor.grammar import (MAX_ELEMENTS, app_function, axes_order, einsum_terms, int_literal, is_add_at, is_all,
                                   is_set_rows, keywords, method, np_function, pad_widths, picks, power_literal,
                                   random_function, sizes)

MAX_WORK = 10**9  # nor may a product take more multiply-adds


class Mismatch(Exception):
    """Shapes that break an operation's rule; the message states the rule in plain words."""


def _listed(items: list) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _from_right(k: int) -> str:
    return {1: "last axes", 2: "second-to-last axes", 3: "third-to-last axes"}.get(k, f"axes {k}th from the right")


# ---- the rules --------------------------------------------------------------------------------------------


def broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """Element-wise operations line shapes up from the right; along each axis the sizes must match or be 1."""
    result = []
    for k in range(1, max(len(s) for s in shapes) + 1):
        sizes = [s[-k] for s in shapes if len(s) >= k]
        stretched = sorted({n for n in sizes if n != 1})
        if len(stretched) > 1:
            a, b = stretched[:2]
            which = "they differ" if sorted(sizes) == [a, b] else f"{a} and {b} differ"
            text = (f"broadcasting lines shapes up from the right: {_listed([shape_text(s) for s in shapes])}. "
                    f"The {_from_right(k)} are {_listed(sizes)}: {which} and neither is 1, "
                    "so NumPy cannot stretch one to fit the other.")
            shorter = [shape_text(s) for s in shapes if len(s) < max(len(t) for t in shapes)]
            if shorter:
                text += f" {_listed(shorter)} has fewer axes, so it lines up with the last ones only."
            raise Mismatch(text)
        result.append(stretched[0] if stretched else 1)
    return tuple(reversed(result))


def _inner(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, int]:
    """The two sizes a matrix product contracts: a's last axis and b's rows (a vector's only axis)."""
    return a[-1], (b[-2] if len(b) >= 2 else b[0])


def _check_inner(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    if not a or not b:
        side = "left" if not a else "right"
        raise Mismatch(f"a matrix product needs arrays on both sides, but the {side} operand is a plain number "
                       "(shape ()); to scale by a number use *.")
    left, right = _inner(a, b)
    if left != right:
        columns = "columns" if len(a) >= 2 else "entries"
        rows = "rows" if len(b) >= 2 else "entries"
        raise Mismatch("a matrix product needs the left operand's columns to equal the right operand's rows: "
                       f"{shape_text(a)} @ {shape_text(b)} has {left} {columns} on the left "
                       f"but {right} {rows} on the right.")


def matmul(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """a @ b: a's columns meet b's rows; any axes before the last two broadcast as stacks of matrices."""
    _check_inner(a, b)
    try:
        stack = broadcast(a[:-2], b[:-2])
    except Mismatch as e:
        raise Mismatch(f"a product of stacked matrices also broadcasts the axes before the last two: {e}") from None
    return stack + a[-2:-1] + b[-1:] if len(b) >= 2 else stack + a[-2:-1]


def dot(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """np.dot: a plain number scales; otherwise a's last axis meets b's rows, and the other axes all remain."""
    if not a or not b:
        return a or b
    _check_inner(a, b)
    return a[:-1] + b[:-2] + b[-1:] if len(b) >= 2 else a[:-1]


def product_work(a: tuple[int, ...], b: tuple[int, ...], result: tuple[int, ...]) -> int:
    return math.prod(result) * (a[-1] if a and b else 1)


def outer(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """np.outer flattens both operands and pairs every entry of one with every entry of the other."""
    return (math.prod(a), math.prod(b))


def same(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    return shapes[0]


def transpose(shape: tuple[int, ...]) -> tuple[int, ...]:
    """.T reverses the axes: (4, 3) becomes (3, 4); a vector (3,) stays (3,)."""
    return tuple(reversed(shape))


def permute(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """.transpose(1, 2, 0) puts axis 1 first, then 2, then 0: it names every axis once, in its new order."""
    n = len(shape)
    if len(axes) != n or sorted(a % n if -n <= a < n else a for a in axes) != list(range(n)):
        raise Mismatch(f"transpose{axes} must name each axis of {shape_text(shape)} once, 0 to {n - 1} in its new "
                       f"order; it names {_listed(list(axes))}.")
    return tuple(shape[a] for a in axes)


def pad(shape: tuple[int, ...], widths: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """np.pad adds zeros before and after along each axis, one (before, after) pair per axis."""
    if len(widths) != len(shape):
        raise Mismatch(f"np.pad needs one (before, after) pair for each axis of {shape_text(shape)}: {len(shape)} "
                       f"pairs, but got {len(widths)}.")
    return tuple(n + a + b for n, (a, b) in zip(shape, widths))


def reduce(shape: tuple[int, ...], axis: int | tuple[int, ...] | None, keepdims: bool, name: str) -> tuple[int, ...]:
    """A sum, mean or max removes the axis it runs along, or keeps it as a 1 with keepdims=True; a tuple of axes
    removes each of them."""
    if isinstance(axis, tuple):
        n = len(shape)
        for a in axis:
            if not -n <= a < n:
                raise Mismatch(f"an array of shape {shape_text(shape)} has {n} axes, numbered 0 to {n - 1} "
                               f"(or -1 to -{n}); there is no axis {a} in axis={axis}.")
        axes = {a % n for a in axis}
        if len(axes) != len(axis):
            raise Mismatch(f"axis={axis} names the same axis twice.")
        if name == "max" and math.prod(shape[i] for i in axes) == 0:
            raise Mismatch(f"the max along an empty axis of {shape_text(shape)} has no value to return.")
        return tuple(1 if i in axes else n for i, n in enumerate(shape) if keepdims or i not in axes)
    if axis is None:
        axes = set(range(len(shape)))
    elif -len(shape) <= axis < len(shape):
        axes = {axis % len(shape)}
    elif not shape and axis in (0, -1) and name not in ("mean", "var"):
        axes = set()  # NumPy's ufunc reductions let a plain number stand in for an array with one axis
    elif not shape:
        raise Mismatch(f"a plain number (shape ()) has no axes, so there is no axis {axis} to {name} along.")
    else:
        raise Mismatch(f"an array of shape {shape_text(shape)} has {len(shape)} axes, numbered 0 to "
                       f"{len(shape) - 1} (or -1 to -{len(shape)}); there is no axis {axis}.")
    if name == "max" and math.prod(shape[i] for i in axes) == 0:
        raise Mismatch(f"the max along an empty axis of {shape_text(shape)} has no value to return.")
    return tuple(1 if i in axes else n for i, n in enumerate(shape) if keepdims or i not in axes)


def stack(kind: str, axis: int, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """hstack joins side by side (along the columns), vstack one above the other (along the rows); every
    other axis must have the same size."""
    if kind == "vstack":
        shapes = tuple(s if len(s) >= 2 else (1,) * (2 - len(s)) + s for s in shapes)
        axis = 0
    elif kind == "hstack":
        axis = 0 if all(len(s) == 1 for s in shapes) else 1
    ndim = len(shapes[0])
    if ndim == 0:
        raise Mismatch(f"np.{kind} cannot join plain numbers (shape ()); it joins arrays.")
    if any(len(s) != ndim for s in shapes):
        raise Mismatch(f"np.{kind} joins arrays with the same number of axes, but got "
                       f"{_listed([shape_text(s) for s in shapes])}.")
    if not -ndim <= axis < ndim:
        raise Mismatch(f"arrays of shape {shape_text(shapes[0])} have no axis {axis} to join along.")
    axis %= ndim
    for k in range(ndim):
        if k != axis and len({s[k] for s in shapes}) > 1:
            along = {"hstack": "side by side", "vstack": "one above the other"}.get(kind, f"along axis {axis}")
            side = "rows" if k == 0 and ndim == 2 else ("columns" if k == 1 and ndim == 2 else f"axis {k}")
            raise Mismatch(f"to join arrays {along}, they need the same number of {side}: "
                           f"{_listed([shape_text(s) for s in shapes])} have {_listed([s[k] for s in shapes])}.")
    return tuple(sum(s[k] for s in shapes) if k == axis else shapes[0][k] for k in range(ndim))


def joined(name: str, axis: int, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """np.stack and np.array put arrays of one shape side by side along a new axis: three (4, 5) make (3, 4, 5)."""
    if len(set(shapes)) > 1:
        raise Mismatch(f"np.{name} puts its arrays side by side along a new axis, so they need one shape, but got "
                       f"{_listed([shape_text(s) for s in shapes])}.")
    n = len(shapes[0]) + 1
    if not -n <= axis < n:
        raise Mismatch(f"np.{name} can put the new axis of {len(shapes)} arrays of shape {shape_text(shapes[0])} at "
                       f"0 to {n - 1} (or -1 to -{n}); there is no axis {axis}.")
    axis %= n
    return shapes[0][:axis] + (len(shapes),) + shapes[0][axis:]


def expand_dims(shape: tuple[int, ...], axis: int) -> tuple[int, ...]:
    """np.expand_dims adds an axis of size 1 at the given place: (3,) becomes (3, 1) with axis=1."""
    n = len(shape) + 1
    if not -n <= axis < n:
        raise Mismatch(f"np.expand_dims can put the new axis of {shape_text(shape)} at 0 to {n - 1} "
                       f"(or -1 to -{n}); there is no axis {axis}.")
    axis %= n
    return shape[:axis] + (1,) + shape[axis:]


def along(shape: tuple[int, ...], axis: int, name: str) -> tuple[int, ...]:
    """softmax keeps the shape; the axis it normalises along must exist."""
    if not -len(shape) <= axis < len(shape):
        raise Mismatch(f"{name} along axis {axis}: an array of shape {shape_text(shape)} has no such axis.")
    return shape


def swapaxes(shape: tuple[int, ...], a: int, b: int) -> tuple[int, ...]:
    """.swapaxes(a, b) exchanges two axes: (2, 8, 4, 3).swapaxes(1, 2) is (2, 4, 8, 3)."""
    for k in (a, b):
        if not -len(shape) <= k < len(shape):
            raise Mismatch(f"swapaxes({a}, {b}) needs axis {k}, but {shape_text(shape)} has {len(shape)} "
                           f"ax{'is' if len(shape) == 1 else 'es'}.")
    out = list(shape)
    out[a], out[b] = out[b], out[a]
    return tuple(out)


def einsum(terms: list[str], right: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """np.einsum: each letter stands for one size wherever it appears; letters missing from the output are summed."""
    size: dict[str, tuple[int, int]] = {}
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        if len(term) != len(shape):
            raise Mismatch(f"einsum's term {term!r} names {len(term)} axes, but array {k + 1} is {shape_text(shape)} "
                           f"with {len(shape)}.")
        for letter, n in zip(term, shape):
            if letter in size and size[letter][0] != n and 1 not in (n, size[letter][0]):
                first = size[letter][1]
                raise Mismatch(f"einsum's letter {letter!r} must stand for one size, but it is {size[letter][0]} in "
                               f"array {first + 1} {shape_text(shapes[first])} and {n} in array {k + 1} "
                               f"{shape_text(shape)}.")
            if letter not in size or size[letter][0] == 1:
                size[letter] = (n, k)
    return tuple(size[c][0] for c in right)


def einsum_work(terms: list[str], shapes: tuple, result: tuple[int, ...]) -> int:
    sizes = {c: n for term, shape in zip(terms, shapes) for c, n in zip(term, shape)}
    return math.prod(sizes.values())


def reshape(shape: tuple[int, ...], new: tuple[int, ...]) -> tuple[int, ...]:
    """reshape keeps every number, so the new shape must hold as many; one -1 stands for whatever size fits."""
    size, known = math.prod(shape), math.prod(n for n in new if n != -1)
    unknown = new.count(-1)
    if unknown > 1:
        raise Mismatch(f"reshape can work out only one size, but {shape_text(new)} has {unknown} -1s.")
    if unknown and known and size % known == 0:
        return tuple(size // known if n == -1 else n for n in new)
    if not unknown and known == size:
        return new
    holds = "cannot work out the -1 for" if unknown else f"has room for {known} numbers in"
    raise Mismatch(f"reshape keeps every number, so the new shape must hold as many as the old: "
                   f"{shape_text(shape)} has {size}, but reshape {holds} {shape_text(new)}.")


def index(shape: tuple[int, ...], key: tuple) -> tuple[int, ...]:
    """Whole numbers and slices pick from the front axes; a whole number removes its axis, and None adds one of
    length 1."""
    try:
        # A zero-strided view of the right shape: indexing it costs no memory and raises what NumPy would.
        return np.broadcast_to(np.empty((), dtype=np.int8), shape)[key].shape
    except IndexError as e:
        raise Mismatch(f"indexing an array of shape {shape_text(shape)} fails: {e}.") from None


# ---- every node of an allowed tree as an operation ----------------------------------------------------------


def _no_work(*shapes: tuple[int, ...]) -> int:
    return 0


@dataclass(frozen=True)
class Operation:
    """A node of the tree: the nodes it reads, its shape rule over their shapes, and its NumPy computation."""

    operands: tuple[ast.expr, ...]
    rule: Callable[..., tuple[int, ...]]
    compute: Callable[..., object]
    work: Callable[..., int] = _no_work  # multiply-adds, for the products that do more than one per result


def shape_of(value: object) -> tuple[int, ...]:
    """An env entry's shape, read without calling into NumPy: a number's is ()."""
    return tuple(value.shape) if isinstance(value, np.ndarray) else ()


def leaf(value: object) -> object:
    """An env entry as NumPy sees it: arrays as they are, numbers as NumPy scalars (so 1 / 0 is inf, not an error)."""
    return value if isinstance(value, np.ndarray) else np.asarray(value)[()]


def _mean(a, axis: int | None, keepdims: bool):
    # np.mean would warn "Mean of empty slice" through the warnings module; a sum over a count only trips
    # np.errstate, which run() already silences.
    a = np.asarray(a)
    axes = (axis,) if isinstance(axis, int) else axis  # None, or every axis averaged over
    for k in axes or ():
        if not -a.ndim <= k < a.ndim:
            raise np.exceptions.AxisError(k, a.ndim)
    total = np.sum(a, axis=axis, keepdims=keepdims, dtype=np.float64 if a.dtype.kind in "biu" else None)
    return total / (a.size if axes is None else math.prod(a.shape[k] for k in axes))


def _var(a, axis, keepdims: bool):
    """np.var as the mean squared distance from the mean, so that an empty axis trips only np.errstate."""
    a = np.asarray(a, dtype=np.float64)
    return _mean((a - _mean(a, axis, True)) ** 2, axis, keepdims)


def _draw(name: str, shape: tuple[int, ...]):
    """np.random.rand or randn from a fixed seed: the same line always draws the same numbers, and NumPy's own
    random state is left as it was."""
    generator = np.random.RandomState(0)
    return generator.rand(*shape) if name == "rand" else generator.randn(*shape)


def _logaddexp(a, b):
    """np.logaddexp; log(e^0 + e^Z) computed as the engine's softplus, so the loss line agrees with its event."""
    for zero, Z in ((a, b), (b, a)):
        if np.ndim(zero) == 0 and zero == 0 and np.ndim(Z) > 0 and np.asarray(Z).dtype.kind == "f":
            return activations.softplus(np.asarray(Z))
    return np.logaddexp(a, b)


_ELEMENTWISE = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
                ast.Gt: np.greater, ast.Lt: np.less, ast.GtE: np.greater_equal, ast.LtE: np.less_equal,
                ast.Eq: np.equal}

_FUNCTIONS = {
    "dot": (dot, np.dot), "matmul": (matmul, np.matmul), "multiply": (broadcast, np.multiply),
    "maximum": (broadcast, np.maximum), "minimum": (broadcast, np.minimum), "outer": (outer, np.outer),
    "where": (broadcast, np.where), "logaddexp": (broadcast, _logaddexp), "add": (broadcast, np.add),
    "subtract": (broadcast, np.subtract), "divide": (broadcast, np.true_divide),
    "exp": (same, np.exp), "log": (same, np.log), "tanh": (same, np.tanh), "abs": (same, np.abs),
    "sqrt": (same, np.sqrt), "square": (same, np.square), "transpose": (transpose, np.transpose),
    "ones_like": (same, np.ones_like), "zeros_like": (same, np.zeros_like),
}

_APP = {"sigmoid": activations.sigmoid, "log_sigmoid": activations.log_sigmoid,
        "softmax": activations.softmax, "log_softmax": activations.log_softmax}

_STACKS = {"hstack": np.hstack, "vstack": np.vstack, "concatenate": np.concatenate}

_REDUCTIONS = {"sum": np.sum, "mean": _mean, "max": np.max, "var": _var}


def _index_key(node: ast.AST) -> tuple:
    def part(p):
        if isinstance(p, ast.Slice):
            return slice(*(None if b is None else int_literal(b) for b in (p.lower, p.upper, p.step)))
        return None if isinstance(p, ast.Constant) and p.value is None else int_literal(p)

    return tuple(part(p) for p in node.elts) if isinstance(node, ast.Tuple) else (part(node),)


def operation(node: ast.expr, env: dict) -> Operation:
    """The operation a node of a checked tree stands for."""
    if isinstance(node, ast.Name):
        value = env[node.id]
        return Operation((), lambda: shape_of(value), lambda: leaf(value))
    if isinstance(node, ast.Constant):
        return Operation((), lambda: (), lambda: leaf(node.value))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        n = power_literal(node.right)
        return Operation((node.left,), same, lambda a: _power(a, n))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return Operation((node.left, node.right), matmul, np.matmul, product_work)
    if isinstance(node, ast.BinOp):
        return Operation((node.left, node.right), broadcast, _ELEMENTWISE[type(node.op)])
    if isinstance(node, ast.UnaryOp):
        return Operation((node.operand,), same, np.negative)
    if isinstance(node, ast.Compare):
        return Operation((node.left, node.comparators[0]), broadcast, _ELEMENTWISE[type(node.ops[0])])
    if isinstance(node, ast.Attribute):
        return Operation((node.value,), transpose, operator.attrgetter("T"))
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name):  # E1[X]: a row for each id
        return Operation((node.value, node.slice), lambda s, k: k + s[1:], lambda a, k: a[k])
    if (is_add_at(node) or is_set_rows(node)) and isinstance(node.args[1], ast.Tuple):
        table, key, values = node.args
        parts, arrays = _key_parts(key)
        write = _add_at if is_add_at(node) else _set_rows

        def picked_rule(t, *shapes):
            return _add_at_rule(t, fancy(t, parts, shapes[:-1]), shapes[-1], whole=True)
        return Operation((table, *arrays, values), picked_rule,
                         lambda t, *a: write(t, _key(parts, a[:-1]), a[-1]))
    if is_add_at(node):
        return Operation(tuple(node.args), _add_at_rule, _add_at)
    if is_set_rows(node):
        return Operation(tuple(node.args), _add_at_rule, _set_rows)
    if isinstance(node, ast.Subscript) and picks(node.slice):  # x_pad1[:, k1, i1, j1]
        parts, arrays = _key_parts(node.slice)
        return Operation((node.value, *arrays), lambda s, *shapes: fancy(s, parts, shapes),
                         lambda a, *ids: a[_key(parts, ids)])
    if isinstance(node, ast.Subscript):
        key = _index_key(node.slice)
        return Operation((node.value,), lambda s: index(s, key), operator.itemgetter(key))
    if isinstance(node, (ast.List, ast.Tuple)):  # inside np.array([...]): its items along a new first axis
        return Operation(tuple(node.elts), lambda *shapes: joined("array", 0, *shapes), lambda *xs: np.array(xs))
    drawn = random_function(node)
    if drawn:
        shape = tuple(int_literal(a) for a in node.args)
        return Operation((), lambda: shape, lambda: _draw(drawn, shape))
    name = np_function(node)
    if name == "array":
        return Operation((node.args[0],), same, np.asarray)
    if name == "stack":
        axis = keywords(node)["axis"] or 0
        return Operation(tuple(node.args[0].elts), lambda *shapes: joined("stack", axis, *shapes),
                         lambda *xs: np.stack(xs, axis=axis))
    if name == "pad":
        widths = pad_widths(node.args[1])
        return Operation((node.args[0],), lambda s: pad(s, widths), lambda a: np.pad(a, widths))
    if name == "transpose" and len(node.args) == 2:
        axes = axes_order(node.args[1:])
        return Operation((node.args[0],), lambda s: permute(s, axes), lambda a: np.transpose(a, axes))
    if name == "einsum":
        terms, right = einsum_terms(node)
        spec = f"{','.join(terms)}->{right}"
        return Operation(tuple(node.args[1:]), lambda *shapes: einsum(terms, right, *shapes),
                         lambda *arrays: np.einsum(spec, *arrays),
                         lambda *shapes: einsum_work(terms, shapes[:-1], shapes[-1]))
    if name in _FUNCTIONS:
        rule, compute = _FUNCTIONS[name]
        return Operation(tuple(node.args), rule, compute, product_work if name in ("dot", "matmul") else _no_work)
    if name == "power":
        n = power_literal(node.args[1])
        return Operation((node.args[0],), same, lambda a: _power(a, n))
    if name in _STACKS:
        axis = keywords(node)["axis"] or 0
        parts, join = tuple(node.args[0].elts), _STACKS[name]
        return Operation(parts, lambda *shapes: stack(name, axis, *shapes),
                         lambda *arrays: join(arrays, axis=axis) if name == "concatenate" else join(arrays))
    if name == "expand_dims":
        axis = int_literal(node.args[1] if len(node.args) == 2 else node.keywords[0].value)
        return Operation((node.args[0],), lambda s: expand_dims(s, axis), lambda a: np.expand_dims(a, axis))
    if name in ("ones", "zeros"):
        new = sizes(node.args[0], env)
        make = np.ones if name == "ones" else np.zeros
        return Operation((), lambda: new, lambda: make(new))
    app = app_function(node)
    if app is not None:
        compute = _APP[app]
        if app in ("softmax", "log_softmax"):
            axis = keywords(node)["axis"]
            return Operation((node.args[0],), lambda s: along(s, axis, app), lambda a: compute(a, axis=axis))
        return Operation((node.args[0],), same, compute)
    if name is None:
        name = method(node)
    if name == "dot":
        return Operation((node.func.value, node.args[0]), dot, np.dot, product_work)
    if name == "transpose" and node.args:
        axes = axes_order(node.args)
        return Operation((node.func.value,), lambda s: permute(s, axes), lambda a: np.transpose(a, axes))
    if name == "transpose":
        return Operation((node.func.value,), transpose, np.transpose)
    if name == "swapaxes":
        a, b = (int_literal(x) for x in node.args)
        return Operation((node.func.value,), lambda s: swapaxes(s, a, b), lambda x: np.swapaxes(x, a, b))
    if name == "reshape":
        args = node.args[0].elts if isinstance(node.args[0], ast.Tuple) else node.args
        new = tuple(int(env[a.id]) if isinstance(a, ast.Name) else int_literal(a) for a in args)
        return Operation((node.func.value,), lambda s: reshape(s, new), lambda a: np.reshape(a, new))
    if name in _REDUCTIONS:
        k = keywords(node)
        operand = node.args[0] if np_function(node) else node.func.value  # np.sum(x, 0) reads only x
        compute = _REDUCTIONS[name]
        return Operation((operand,), lambda s: reduce(s, k["axis"], k["keepdims"], name),
                         lambda a: compute(a, axis=k["axis"], keepdims=k["keepdims"]))
    raise ValueError(f"not allowed: {ast.unparse(node)}")  # parse() refuses these first; this is a safety net


def _key_parts(key: ast.Tuple) -> tuple[tuple, tuple[ast.expr, ...]]:
    """An index tuple's parts (":" for a whole axis, a whole number, or "ids" for an index array) and its arrays."""
    parts = tuple(":" if is_all(p) else "ids" if isinstance(p, ast.Name) else int_literal(p) for p in key.elts)
    return parts, tuple(p for p in key.elts if isinstance(p, ast.Name))


def _key(parts: tuple, arrays: tuple) -> tuple:
    found = iter(arrays)
    return tuple(slice(None) if p == ":" else next(found) if p == "ids" else p for p in parts)


def fancy(shape: tuple[int, ...], parts: tuple, id_shapes: tuple[tuple[int, ...], ...]) -> tuple[int, ...]:
    """Index arrays pick along their axes together: their shapes broadcast into one, which takes their place
    (or goes first when whole axes stand between them); each ':' keeps its axis."""
    if len(parts) > len(shape):
        raise Mismatch(f"the index has {len(parts)} parts, but an array of shape {shape_text(shape)} has only "
                       f"{len(shape)} axes.")
    try:
        picked = broadcast(*id_shapes, *(() for p in parts if isinstance(p, int)))
    except Mismatch as e:
        raise Mismatch(f"index arrays pick together, so their shapes must broadcast: {e}") from None
    advanced = [k for k, p in enumerate(parts) if p != ":"]
    kept = [(k, shape[k]) for k, p in enumerate(parts) if p == ":"]
    rest = shape[len(parts):]
    if advanced == list(range(advanced[0], advanced[-1] + 1)):
        before = tuple(n for k, n in kept if k < advanced[0])
        after = tuple(n for k, n in kept if k > advanced[-1])
        return before + picked + after + rest
    return picked + tuple(n for _, n in kept) + rest


def _add_at_rule(target: tuple[int, ...], ids: tuple[int, ...], values: tuple[int, ...],
                 whole: bool = False) -> tuple[int, ...]:
    """np.add.at(dE, ids, d) adds d's rows into the rows of dE that ids pick, so d must fit dE[ids]; with an index
    tuple, `ids` is already the whole shape the tuple picks."""
    picked = ids if whole else ids + target[1:]
    if broadcast(picked, values) != picked:
        raise Mismatch(f"np.add.at adds {shape_text(values)} into the {'entries' if whole else 'rows'} it picks, "
                       f"{shape_text(picked)}.")
    return target


def _add_at(target, ids, values):
    out = np.array(target, dtype=np.float64)
    np.add.at(out, ids, values)
    return out


def _set_rows(target, ids, values):
    out = np.array(target, dtype=np.float64)
    out[ids] = values
    return out


def _power(a, n: int | float):
    # NumPy refuses whole numbers to negative powers; the learner meant the real-valued power
    return np.power(a, n) if isinstance(n, int) and n >= 0 else np.power(np.asarray(a, dtype=float), n)


def postorder(root: ast.expr, env: dict) -> list[tuple[ast.expr, Operation]]:
    """Each node with its operation, in the order Python evaluates them: operands first, left to right."""
    order, stack = [], [(root, None)]
    while stack:
        node, op = stack.pop()
        if op is not None:
            order.append((node, op))
            continue
        op = operation(node, env)
        stack.append((node, op))
        stack.extend((o, None) for o in reversed(op.operands))
    return order


# ---- the shape pass, then the evaluation it has cleared -----------------------------------------------------


@dataclass(frozen=True)
class Inference:
    """Every node's shape up to the first whose rule fails, found without computing anything."""

    shapes: dict[ast.expr, tuple[int, ...]]
    failed: ast.expr | None = None
    mismatch: str | None = None


def infer(expr: ast.expr, env: dict, text: Callable[[ast.AST], str] = ast.unparse,
          memo: dict | None = None) -> Inference:
    """The shape pass; raises ValueError if any intermediate result would be too large to compute.

    `memo` carries the shapes of subtrees already seen, by node: variants of one tree share every node off the
    edited path, so a search infers each of them by visiting only what changed.
    """
    shapes: dict = {}
    failure = _infer(expr, env, text, {} if memo is None else memo, shapes)
    return Inference(shapes, *failure) if failure else Inference(shapes)


def _infer(node: ast.expr, env: dict, text, memo: dict, shapes: dict) -> tuple | None:
    """Fill `shapes` with the subtree's shapes in evaluation order; the failing node and its rule, if one fails."""
    hit = memo.get(id(node))
    if hit is not None and hit[0] is node:  # the node itself is kept alive by the memo, so its id is not reused
        shapes.update(hit[1])
        return hit[2]
    op = operation(node, env)
    subtree: dict = {}
    for operand in op.operands:
        failure = _infer(operand, env, text, memo, subtree)
        if failure:
            break
    else:
        operand_shapes = [subtree[o] for o in op.operands]
        try:
            shape = op.rule(*operand_shapes)
        except Mismatch as e:
            failure = (node, str(e))
        else:
            failure = None
            if op.operands:
                if math.prod(shape) > MAX_ELEMENTS:
                    raise ValueError(f"not allowed: {text(node)} would hold {math.prod(shape):,} numbers "
                                     f"{shape_text(shape)}; the doctor computes at most {MAX_ELEMENTS:,}")
                if op.work(*operand_shapes, shape) > MAX_WORK:
                    raise ValueError(f"not allowed: {text(node)} would take {op.work(*operand_shapes, shape):,} "
                                     f"multiplications; the doctor does at most {MAX_WORK:,}")
            subtree[node] = shape
    memo[id(node)] = (node, subtree, failure)
    shapes.update(subtree)
    return failure


@dataclass(frozen=True)
class Outcome:
    """What evaluation reached: each node's value, and the node NumPy refused with its exception, if any."""

    values: dict[ast.expr, object]
    failed: ast.expr | None = None
    error: Exception | None = None


def run(expr: ast.expr, env: dict, inference: Inference) -> Outcome:
    """Evaluate the nodes the shape pass cleared, stopping at the first NumPy refuses; warnings stay silent."""
    values = {}
    with np.errstate(all="ignore"):
        for node, op in postorder(expr, env):
            try:
                value = op.compute(*(values[o] for o in op.operands))
            except (ArithmeticError, ValueError, TypeError, IndexError) as e:
                return Outcome(values, node, e)
            if node is inference.failed or np.shape(value) != inference.shapes[node]:
                raise RuntimeError(f"the doctor's shape rules disagree with NumPy at {ast.unparse(node)}")
            values[node] = value
    return Outcome(values)
