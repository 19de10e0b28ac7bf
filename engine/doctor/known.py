"""What the namespace already fixes, rewritten before the grammar checks a line: whole numbers where NumPy wants one
(axis=c, x.shape[0], h + f in a slice) as literals, arrays held in dicts, tuples and objects as leaves, and numpy
spelled out as np."""

from __future__ import annotations

import ast
import operator
from numbers import Integral, Real

import numpy as np

LARGEST = 2**40  # a whole number worked out from the namespace; anything larger is left for the grammar to refuse
HELD_DEPTH = 3  # parameters["W1"], cache[0][1], self.params["W1"]: keys and attributes after the name
REDUCERS = ("sum", "mean", "var", "max", "min")  # methods whose one positional argument is the axis
AXIS_FIRST = ("reshape", "transpose", "swapaxes")  # methods whose every positional argument is a whole number
SHAPED = ("ones", "zeros")  # np.ones(shape): a tuple of whole numbers
SIZED = ("rand", "randn")  # np.random.rand(d0, d1, ...): whole numbers, or *X.shape
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv}


def held(node: ast.AST) -> str | None:
    """The canonical text of an array a learner holds in a dict, tuple or object, such as cache['A1'], cache[0] or
    self.who: a name followed by constant keys, whole-number indices and attributes; else None."""
    depth = 0
    part = node
    while isinstance(part, (ast.Subscript, ast.Attribute)) and depth <= HELD_DEPTH:
        if isinstance(part, ast.Subscript):
            key = part.slice
            if not (isinstance(key, ast.Constant) and type(key.value) in (str, int)):
                return None
        elif part.attr.startswith("_") or part.attr in ("T", "shape", "size", "ndim"):
            return None
        part = part.value
        depth += 1
    if depth == 0 or depth > HELD_DEPTH or not isinstance(part, ast.Name) or part.id == "np":
        return None
    return ast.unparse(node)


def root(node: ast.AST) -> str | None:
    """The name a chain of keys and attributes starts from: cache for cache["A1"], self for self.who."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def whole(node: ast.AST, env: dict) -> int | None:
    """The whole number a node stands for when the namespace fixes it: a literal, a name holding one, X.shape[k],
    or +, -, *, // of those; None for anything else (arrays, fractions, unknown names)."""
    if isinstance(node, ast.Constant):
        value = node.value
    elif isinstance(node, ast.Name):
        value = env.get(node.id)
        if isinstance(value, np.ndarray) or isinstance(value, bool):
            return None
        if isinstance(value, Real) and not isinstance(value, Integral) and float(value).is_integer():
            value = int(value)  # a traced script's numbers arrive as floats
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
        array = env.get(held(node.value.value) or getattr(node.value.value, "id", ""))
        k = whole(node.slice, env)
        if not isinstance(array, np.ndarray) or k is None or not -array.ndim <= k < array.ndim:
            return None
        value = array.shape[k]
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = whole(node.operand, env)
        value = None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
        a, b = whole(node.left, env), whole(node.right, env)
        if a is None or b is None or (isinstance(node.op, ast.FloorDiv) and b == 0):
            return None
        value = _ARITHMETIC[type(node.op)](a, b)  # both at most LARGEST, so a product stays small enough to test
    else:
        return None
    if not isinstance(value, Integral) or isinstance(value, bool) or abs(int(value)) > LARGEST:
        return None
    return int(value)


def _literal(value: int, like: ast.AST) -> ast.expr:
    node = ast.Constant(value=abs(value))
    if value < 0:
        node = ast.UnaryOp(op=ast.USub(), operand=node)
    return ast.copy_location(node, like)  # its text is still the learner's, read from the line by its offsets


def _fixed(node: ast.expr, env: dict) -> ast.expr:
    """A whole number's literal in place of the node, when the namespace fixes it; tuples item by item."""
    if isinstance(node, ast.Tuple):
        node.elts = [_fixed(e, env) for e in node.elts]
        return node
    if isinstance(node, ast.Constant):
        return node
    value = whole(node, env)
    return node if value is None else _literal(value, node)


def _sizes(node: ast.expr, env: dict) -> ast.expr:
    """A size in a shape: a plain name stays itself (the grammar reads it, and fixes keep writing m), the rest is
    worked out."""
    if isinstance(node, ast.Tuple):
        node.elts = [_sizes(e, env) for e in node.elts]
        return node
    return node if isinstance(node, ast.Name) else _fixed(node, env)


class _Known(ast.NodeTransformer):
    def __init__(self, env: dict):
        self.env = env

    def _leaf(self, node: ast.expr) -> ast.expr | None:
        name = held(node)
        if name is not None and name in self.env:
            return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)
        return None

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id == "numpy" and "numpy" not in self.env:  # import numpy, as Make Your Own Neural Network writes it
            return ast.copy_location(ast.Name(id="np", ctx=node.ctx), node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        return self._leaf(node) or self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        leaf = self._leaf(node)
        if leaf is not None:
            return leaf
        node.value = self.visit(node.value)
        if isinstance(node.slice, ast.Name) and isinstance(self.env.get(node.slice.id), np.ndarray):
            return node  # E1[X]: rows picked by an array of ids
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for part in parts:
            if isinstance(part, ast.Slice):
                for bound in ("lower", "upper", "step"):
                    if getattr(part, bound) is not None:
                        setattr(part, bound, _fixed(getattr(part, bound), self.env))
        if isinstance(node.slice, ast.Tuple):
            node.slice.elts = [p if isinstance(p, ast.Slice) else _fixed(p, self.env) for p in parts]
        elif not isinstance(node.slice, ast.Slice):
            node.slice = _fixed(node.slice, self.env)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        func = node.func
        for k in node.keywords:
            if k.arg == "axis":
                k.value = _fixed(k.value, self.env)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "np":
            name = func.attr
            if name in ("sum", "mean") and len(node.args) == 2:
                node.args[1] = _fixed(node.args[1], self.env)  # np.sum(dZ, 1)
            elif name in REDUCERS and len(node.args) == 2 and not any(k.arg == "axis" for k in node.keywords):
                node.keywords.append(ast.keyword(arg="axis", value=_fixed(node.args.pop(), self.env)))
            elif name in SHAPED and node.args:
                node.args[0] = _sizes(node.args[0], self.env)
            elif name in ("transpose", "expand_dims") and len(node.args) == 2:
                node.args[1] = _fixed(node.args[1], self.env)
        elif isinstance(func, ast.Attribute) and _is_np_random(func.value) and func.attr in SIZED:
            node.args = [_fixed(a, self.env) for a in _unpacked(node.args, self.env)]
        elif isinstance(func, ast.Attribute):
            if func.attr in REDUCERS and len(node.args) == 1 and not any(k.arg == "axis" for k in node.keywords):
                node.keywords.append(ast.keyword(arg="axis", value=_fixed(node.args.pop(), self.env)))  # .sum(0)
            elif func.attr in AXIS_FIRST:
                node.args = [_sizes(a, self.env) if func.attr == "reshape" else _fixed(a, self.env)
                             for a in node.args]
        return node


def _is_np_random(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "random" and isinstance(node.value, ast.Name) \
        and node.value.id == "np"


def _unpacked(args: list[ast.expr], env: dict) -> list[ast.expr]:
    """np.random.rand(*A1.shape) as np.random.rand(A1.shape[0], A1.shape[1]); other arguments as they are."""
    out = []
    for a in args:
        shape = a.value if isinstance(a, ast.Starred) else None
        array = None
        if isinstance(shape, ast.Attribute) and shape.attr == "shape":
            array = env.get(held(shape.value) or getattr(shape.value, "id", ""))
        if isinstance(array, np.ndarray):
            out += [_literal(n, a) for n in array.shape]
        else:
            out.append(a)
    return out


def resolve(node: ast.expr, env: dict) -> ast.expr:
    """The tree with what `env` fixes written in (the tree is changed in place; nothing is evaluated)."""
    return _Known(env).visit(node)
