"""The doctor's grammar: parse one NumPy line and refuse, before anything runs, whatever it does not allow."""

from __future__ import annotations

import ast
import functools
import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from engine.doctor import known

MAX_LENGTH = 500  # characters in one line
MAX_DEPTH = 40  # nesting of the expression tree
MAX_POWER = 4  # x ** n only for a whole-number literal n with |n| <= 4
MAX_ELEMENTS = 10**7  # no array the doctor makes (np.ones, np.zeros, any intermediate) may hold more numbers

# np.<name>: how many array arguments it takes. np.sum and np.mean also take the REDUCE keywords.
FUNCTIONS = {
    "dot": 2, "matmul": 2, "multiply": 2, "maximum": 2, "minimum": 2, "outer": 2, "where": 3, "logaddexp": 2,
    "add": 2, "subtract": 2, "divide": 2,
    "exp": 1, "log": 1, "tanh": 1, "abs": 1, "sqrt": 1, "square": 1, "transpose": 1, "ones_like": 1,
    "zeros_like": 1, "sum": 1, "mean": 1, "var": 1, "max": 1,
}
NP_REDUCTIONS = ("sum", "mean", "var", "max")  # np.sum(x, axis=..., keepdims=...)
JOINS = ("array", "stack")  # np.array([a, b]), np.stack((a, b), axis=1): arrays of one shape along a new axis
RANDOM = ("rand", "randn")  # np.random.rand(m, n): drawn from a fixed seed, so the same line always gets the same
MAX_ITEMS = 64  # arrays in one list literal
STACKS = ("hstack", "vstack", "concatenate")  # np.hstack([A, B]): one list of arrays
CREATORS = ("ones", "zeros")  # np.ones((m, 1)): a shape of whole numbers, checked before anything is made
METHODS = ("sum", "mean", "var", "max", "reshape", "dot", "transpose", "swapaxes")
MAX_EINSUM = 6  # arrays in one np.einsum
REDUCE_KEYWORDS = ("axis", "keepdims")
# The app's own activations, called by their bare names as its formulas write them; softmax needs axis=.
APP_FUNCTIONS = {"sigmoid": (), "log_sigmoid": (), "softmax": ("axis",), "log_softmax": ("axis",)}
AUGMENTED = {ast.Sub: "-=", ast.Add: "+=", ast.Mult: "*="}

OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**"}
COMPARISONS = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "=="}

_INT64 = np.iinfo(np.int64)

# What to call the statements and expressions the grammar leaves out, in "not allowed: ..." messages.
_NAMES = {
    ast.Import: "import", ast.ImportFrom: "import",
    ast.AnnAssign: "annotated assignment", ast.Lambda: "lambda", ast.ListComp: "comprehension",
    ast.SetComp: "comprehension", ast.DictComp: "comprehension", ast.GeneratorExp: "comprehension",
    ast.List: "list", ast.Dict: "dict", ast.Set: "set", ast.Tuple: "tuple", ast.NamedExpr: "assignment expression :=",
    ast.IfExp: "if-else expression", ast.BoolOp: "and/or", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.JoinedStr: "f-string", ast.Starred: "* unpacking", ast.Slice: "slice",
}


@dataclass(frozen=True)
class Parsed:
    """One checked line: `target` is the name before " = " (or " -= "), if any; `expr` is the right side's tree.

    For an augmented assignment `b -= g`, `augmented` is "-=" and `expr` is the tree of `b - g`: what NumPy
    computes before writing the result back into b, which must keep b's shape.
    """

    line: str
    target: str | None
    expr: ast.expr
    augmented: str | None = None

    @functools.cached_property
    def encoded(self) -> bytes:
        return self.line.encode()

    def text(self, node: ast.AST) -> str:
        """The learner's own spelling of a node (the line is one line, so offsets are enough), else unparsed."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None or getattr(node, "lineno", 1) != 1:
            return ast.unparse(node)
        return self.encoded[start:end].decode()


class NotReached(ValueError):
    """A name the step computes later: the message says at which event."""


def refuse(what: str) -> ValueError:
    return ValueError(f"not allowed: {what}")


def left_name(line: str) -> str | None:
    """The name a line assigns to ("dW2" in "dW2 = ..." or "b -= ..."), read without checking the rest."""
    head = line.strip().split("=", 1)[0] if "=" in line else ""
    name = head.strip().rstrip("-+*").strip()
    return name if name.isidentifier() and not name.startswith("__") else None


def parse(line: str, env: dict, where: dict[str, str] | None = None) -> Parsed:
    """Parse `line` ("expr", "name = expr" or "name -= expr") and check every part against the grammar and `env`.

    `where` maps names not in `env` to a sentence saying when they will be computed, for the refusal.
    """
    if not isinstance(line, str):
        raise ValueError(f"the expression must be a string; got {type(line).__name__}")
    line = line.strip()
    if not line:
        raise ValueError("nothing to diagnose: the expression is empty")
    if len(line) > MAX_LENGTH:
        raise refuse(f"an expression longer than {MAX_LENGTH} characters")
    if "\n" in line or "\r" in line:
        raise refuse("more than one line")
    try:
        module = ast.parse(line, mode="exec")  # exec mode, so that "name = expr" parses; only a tree is built
    except SyntaxError as e:
        raise ValueError(f"not valid Python: {e.msg}") from None
    except ValueError:  # a null character
        raise refuse("a null character") from None
    except (RecursionError, MemoryError):
        raise refuse("an expression nested this deeply") from None
    if not module.body:
        raise ValueError("nothing to diagnose: the line holds only a comment")
    if len(module.body) != 1:
        raise refuse("more than one statement")
    statement = module.body[0]
    if isinstance(statement, (ast.Expr, ast.Assign, ast.AugAssign)):
        _check_depth(statement.value)
        statement.value = known.resolve(statement.value, env)
    if isinstance(statement, ast.Expr):
        target, expr = None, statement.value
        if is_add_at(expr):  # np.add.at(dE, ids, d): a scatter into dE, in place, as learners write it
            target = expr.args[0].id
    elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 and _is_rows(statement.targets[0]):
        # dE[X] = demb: each id's row set to its gradient, the last one winning where ids repeat (np.add.at adds)
        rows = statement.targets[0]
        target = rows.value.id
        key = rows.slice if isinstance(rows.slice, ast.Name) else key_node(rows.slice)
        expr = ast.Call(func=ast.Name(id=SET_ROWS, ctx=ast.Load()), args=[rows.value, key, statement.value],
                        keywords=[])
        ast.copy_location(expr, statement)
        _check(rows.value, env, where)
        _check(statement.value, env, where)
        if isinstance(key, ast.Tuple):
            _check_key(key, env, where)
        else:
            _check(key, env, where)
            _check_ids(key, env)
        return Parsed(line, target, expr)
    elif isinstance(statement, ast.Assign):
        if len(statement.targets) != 1:
            raise refuse("assignment to more than one name")
        target, expr = known.held(statement.targets[0]), statement.value  # grads["dW2"] = ...
        if isinstance(statement.targets[0], ast.Name):
            target = statement.targets[0].id
        elif target is None:
            raise refuse(f"assignment to {ast.unparse(statement.targets[0])}; write one name, as in dW2 = ...")
        if target.startswith("__"):
            raise refuse(f"name {target!r}")
    elif isinstance(statement, ast.AugAssign):
        if type(statement.op) not in AUGMENTED:
            raise refuse("augmented assignment other than -=, += or *=")
        statement.target = known.resolve(statement.target, env)  # parameters["W1"] -= ...: its entry, if known
        if not isinstance(statement.target, ast.Name):
            raise refuse(f"assignment to {ast.unparse(statement.target)}; write one name, as in b1 -= lr * db1")
        target = statement.target.id
        _check(statement.target, env, where)
        _check(statement.value, env, where)
        whole = ast.BinOp(left=ast.Name(id=target, ctx=ast.Load()), op=statement.op, right=statement.value)
        return Parsed(line, target, whole, AUGMENTED[type(statement.op)])
    else:
        raise refuse(_NAMES.get(type(statement), f"{type(statement).__name__.lower()} statement"))
    _check_depth(expr)
    _check(expr, env, where)
    return Parsed(line, target, expr)


def _check_depth(expr: ast.expr) -> None:
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise refuse(f"an expression nested more than {MAX_DEPTH} deep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def int_literal(node: ast.AST) -> int | None:
    """The value of a whole-number literal such as 2 or -1, else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = int_literal(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def is_np(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "np"


SET_ROWS = "__set_rows__"  # stands for the statement dE[X] = d, which no typed expression can call


def _is_rows(target: ast.AST) -> bool:
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and (
        isinstance(target.slice, ast.Name) or picks(target.slice))


ALL = "slice(None)"  # a ':' of an index key, as np.add.at's tuple spells it


def _all() -> ast.Call:
    return ast.Call(func=ast.Name(id="slice", ctx=ast.Load()), args=[ast.Constant(None)], keywords=[])


def is_all(node: ast.AST) -> bool:
    """A whole axis in an index key: ':' in a subscript, slice(None) in np.add.at's tuple."""
    if isinstance(node, ast.Slice):
        return node.lower is None and node.upper is None and node.step is None
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "slice"
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and node.args[0].value is None
            and not node.keywords)


def picks(node: ast.AST) -> bool:
    """Whether an index is a tuple of whole axes (:), whole numbers and names, with at least one name: the index
    arrays of x_pad1[:, k1, i1, j1]."""
    if not isinstance(node, ast.Tuple) or not node.elts:
        return False
    if not all(is_all(p) or isinstance(p, ast.Name) or int_literal(p) is not None for p in node.elts):
        return False
    return any(isinstance(p, ast.Name) for p in node.elts)


def key_node(node: ast.Tuple) -> ast.Tuple:
    """A subscript's index tuple as np.add.at takes it: each ':' written slice(None)."""
    return ast.copy_location(ast.Tuple(elts=[_all() if is_all(p) else p for p in node.elts], ctx=ast.Load()), node)


def _check_key(node: ast.AST, env: dict, where: dict | None) -> None:
    if not picks(node):
        raise refuse(f"index {ast.unparse(node)}; an index tuple holds ':' (or slice(None)), whole numbers and "
                     "arrays of integer indices, as in (slice(None), k1, i1, j1)")
    for p in node.elts:
        if isinstance(p, ast.Name):
            _check(p, env, where)
            _check_ids(p, env)
        elif not is_all(p):
            _check_number(int_literal(p))


def is_set_rows(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == SET_ROWS


def is_add_at(node: ast.AST) -> bool:
    """Whether node is a call np.add.at(name, index, values)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "at"
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "add"
            and is_np(node.func.value.value) and len(node.args) == 3 and not node.keywords
            and isinstance(node.args[0], ast.Name))


def app_function(node: ast.AST) -> str | None:
    """"sigmoid" for a call sigmoid(...) of one of the app's own activations, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in APP_FUNCTIONS:
        return node.func.id
    return None


def np_function(node: ast.AST) -> str | None:
    """"dot" for a call np.dot(...), else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_np(node.func.value):
        return node.func.attr
    return None


def method(node: ast.AST) -> str | None:
    """"sum" for a call X.sum(...), else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not is_np(node.func.value):
        return node.func.attr
    return None


def axis_value(node: ast.AST) -> int | tuple[int, ...] | None:
    """axis=1 is 1, axis=(0, 2, 3) is (0, 2, 3); anything else None."""
    if isinstance(node, ast.Tuple):
        axes = tuple(int_literal(e) for e in node.elts)
        return axes if axes and None not in axes else None
    return int_literal(node)


def keywords(node: ast.Call) -> dict[str, object]:
    """A checked call's keyword values: axis an int, a tuple of ints (a sum over several axes) or None, keepdims a
    bool."""
    values = {"axis": None, "keepdims": False}
    if np_function(node) in ("sum", "mean") and len(node.args) == 2:
        values["axis"] = axis_value(node.args[1])  # np.sum(grad, 0)
    for k in node.keywords:
        values[k.arg] = axis_value(k.value) if k.arg == "axis" else k.value.value
    return values


def sizes(node: ast.AST, env: dict) -> tuple[int, ...]:
    """The whole numbers of a checked shape such as (m, 1) or 3, names read from env."""
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return tuple(int(env[i.id]) if isinstance(i, ast.Name) else int_literal(i) for i in items)


def _check(node: ast.AST, env: dict, where: dict | None = None) -> None:
    if isinstance(node, ast.Name):
        _check_name(node.id, env, where)
    elif isinstance(node, ast.Constant):
        _check_number(node.value)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in OPERATORS:
            raise refuse(f"operator {type(node.op).__name__}")
        _check(node.left, env, where)
        if isinstance(node.op, ast.Pow):
            _check_exponent(node.right)
        else:
            _check(node.right, env, where)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub):
            raise refuse(f"unary operator {type(node.op).__name__}")
        _check(node.operand, env, where)
    elif isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in COMPARISONS:
            raise refuse("comparison other than a single >, <, >=, <= or ==")
        _check(node.left, env, where)
        _check(node.comparators[0], env, where)
    elif isinstance(node, ast.Attribute):
        if known.held(node) is not None and known.root(node) not in env:  # self.who that it does not hold
            raise refuse(f"unknown entry {ast.unparse(node)}; the names here are the step's matrices and numbers")
        _check_attribute(node)
        _check(node.value, env, where)
    elif isinstance(node, ast.Call):
        _check_call(node, env, where)
    elif isinstance(node, ast.Subscript):
        if known.held(node) is not None and known.root(node) not in env:
            # cache["A1"] that the namespace does not hold (dZ2[0] is a row of the array dZ2)
            raise refuse(f"unknown entry {ast.unparse(node)}; the names here are the step's matrices and numbers")
        _check(node.value, env, where)
        if isinstance(node.slice, ast.Name):  # E1[X]: rows picked by an array of integer ids
            _check(node.slice, env, where)
            _check_ids(node.slice, env)
        elif picks(node.slice):  # x_pad1[:, k1, i1, j1]: every window at once, by arrays of indices
            _check_key(node.slice, env, where)
        else:
            _check_index(node.slice)
    else:
        raise refuse(_NAMES.get(type(node), type(node).__name__))


def power_literal(node: ast.AST) -> int | float | None:
    """The exponent a power's right side writes: a whole number (2, -1), or arithmetic on number literals alone,
    as CS231n's batchnorm writes (var + eps)**(-1. / 2.); None for anything else."""
    whole = int_literal(node)
    if whole is not None:
        return whole
    if isinstance(node, ast.Constant) and type(node.value) is float:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = power_literal(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp) and type(node.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div):
        a, b = power_literal(node.left), power_literal(node.right)
        if a is None or b is None or (isinstance(node.op, ast.Div) and b == 0):
            return None
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(node.op), None) if not \
            isinstance(node.op, ast.Div) else a / b
    return None


def _check_exponent(node: ast.AST) -> None:
    n = power_literal(node)
    if n is None or not math.isfinite(n) or abs(n) > MAX_POWER:
        raise refuse(f"power with exponent {ast.unparse(node)}; the exponent must be a whole number from "
                     f"-{MAX_POWER} to {MAX_POWER}, or a number between them such as -1. / 2.")


def _check_name(name: str, env: dict, where: dict | None = None) -> None:
    if name == "np":
        raise refuse("np on its own; call one of the allowed np functions")
    if name.startswith("__"):
        raise refuse(f"name {name!r}")
    if name not in env:
        if where and name in where:
            raise NotReached(where[name])
        raise refuse(f"unknown name {name!r}; the names here are the step's matrices and numbers")
    value = env[name]
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise refuse(f"{name} holds {value.dtype} values; the doctor works on arrays of numbers")
    elif not isinstance(value, Real) or np.asarray(value).dtype.kind not in "biuf":
        raise refuse(f"{name} is a {type(value).__name__}, not an array or a number")


def _check_number(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise refuse(f"the constant {value!r}; only numbers are allowed")
    if isinstance(value, int) and not _INT64.min <= value <= _INT64.max:
        raise refuse(f"the number {value}, too large for NumPy's integers")


def _check_attribute(node: ast.Attribute) -> None:
    if node.attr.startswith("_") or node.attr != "T" or is_np(node.value):
        raise refuse(f"attribute {node.attr!r}")


def _check_call(node: ast.Call, env: dict, where: dict | None = None) -> None:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr.startswith("_"):
        raise refuse(f"attribute {func.attr!r}")
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        raise refuse("* or ** unpacking in a call")
    if is_add_at(node):
        table, key, values = node.args
        _check(table, env, where)
        _check(values, env, where)
        if isinstance(key, ast.Tuple):  # np.add.at(dx_pad1, (slice(None), k1, i1, j1), dcols): CS231n's col2im
            _check_key(key, env, where)
        else:
            _check(key, env, where)
            _check_ids(key, env)
        return
    if random_function(node):
        _check_random(node)
        return
    name = np_function(node)
    if name in JOINS:
        _check_join(node, name, env, where)
        return
    if name == "transpose" and len(node.args) == 2:  # np.transpose(dZ1, (1, 2, 3, 0))
        _check_keywords(node, ())
        _check_axes_order(node.args[1:])
        _check(node.args[0], env, where)
        return
    if name in FUNCTIONS:
        n = FUNCTIONS[name]
        if name in ("sum", "mean") and len(node.args) == 2 and not node.keywords:
            if int_literal(node.args[1]) is None:
                raise refuse(f"np.{name} along {ast.unparse(node.args[1])}; "
                             f"write a whole number, as in np.{name}(dZ, 0)")
            _check(node.args[0], env, where)
            return
        if len(node.args) != n:
            raise refuse(f"np.{name} with {len(node.args)} argument(s); it takes {n} array(s) here")
        _check_keywords(node, REDUCE_KEYWORDS if name in NP_REDUCTIONS else ())
        for a in node.args:
            _check(a, env, where)
        return
    if name == "einsum":
        _check_einsum(node, env, where)
        return
    if name == "power":
        if len(node.args) != 2 or node.keywords:
            raise refuse("np.power with other than two arguments; write np.power(A1, 2)")
        _check(node.args[0], env, where)
        _check_exponent(node.args[1])
        return
    if name in STACKS:
        if len(node.args) != 1 or not isinstance(node.args[0], (ast.List, ast.Tuple)) or not node.args[0].elts:
            raise refuse(f"np.{name} without one list of arrays; write np.{name}([A, B])")
        _check_keywords(node, ("axis",) if name == "concatenate" else ())
        if name == "concatenate" and keywords(node)["axis"] is None and node.keywords:
            raise refuse(f"np.{name} with axis=None; write a whole number")
        for a in node.args[0].elts:
            _check(a, env, where)
        return
    if name == "expand_dims":
        if len(node.args) not in (1, 2) or (len(node.args) == 2) == bool(node.keywords):
            raise refuse("np.expand_dims without exactly one axis; write np.expand_dims(b, axis=1)")
        _check_keywords(node, ("axis",))
        axis = node.args[1] if len(node.args) == 2 else node.keywords[0].value
        if int_literal(axis) is None:
            raise refuse(f"axis={ast.unparse(axis)}; write a whole number")
        _check(node.args[0], env, where)
        return
    if name == "pad":
        if len(node.args) != 2 or pad_widths(node.args[1]) is None:
            raise refuse("np.pad without one pair (before, after) of whole numbers per axis; write "
                         "np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))")
        for k in node.keywords:
            if k.arg != "mode" or not (isinstance(k.value, ast.Constant) and k.value.value == "constant"):
                raise refuse(f"keyword {ast.unparse(k)} in np.pad; it pads with zeros, mode='constant'")
        _check(node.args[0], env, where)
        return
    if name in CREATORS:
        if len(node.args) != 1 or node.keywords:
            raise refuse(f"np.{name} with other than one shape; write np.{name}((m, 1))")
        _check_new_array(node, env)
        return
    name = app_function(node)
    if name is not None:
        if len(node.args) != 1:
            raise refuse(f"{name} with {len(node.args)} arguments; it takes one array")
        _check_keywords(node, APP_FUNCTIONS[name])
        if APP_FUNCTIONS[name] and (not node.keywords or keywords(node)["axis"] is None):
            raise refuse(f"{name} without axis=; write {name}(Z2, axis=1) with the axis the classes run along")
        _check(node.args[0], env, where)
        return
    name = method(node)
    if name in METHODS:
        _check(func.value, env, where)
        if name == "reshape":
            _check_keywords(node, ())
            _check_new_shape(node.args, env)
        elif name == "dot":
            if len(node.args) != 1 or node.keywords:
                raise refuse(".dot with other than one array; write A.dot(B)")
            _check(node.args[0], env, where)
        elif name == "transpose":
            if node.keywords:
                raise refuse(".transpose with keywords; write .transpose(1, 0) or .transpose((1, 0))")
            if node.args:
                _check_axes_order(node.args)
        elif name == "swapaxes":
            if len(node.args) != 2 or node.keywords or any(int_literal(a) is None for a in node.args):
                raise refuse(".swapaxes without two whole-number axes; write e.g. K.swapaxes(-2, -1)")
        else:
            if node.args:
                raise refuse(f".{name} with positional arguments; write axis= and keepdims=")
            _check_keywords(node, REDUCE_KEYWORDS)
        return
    if isinstance(func, (ast.Name, ast.Attribute)):
        raise refuse(f"call to {ast.unparse(func)!r}")
    _check(func, env, where)
    raise refuse(f"calling {ast.unparse(func)}")


def pad_widths(node: ast.AST) -> tuple[tuple[int, int], ...] | None:
    """The pairs of np.pad(X, ((0, 0), (1, 1))): zeros before and after along each axis; None if not such pairs."""
    if not isinstance(node, ast.Tuple) or not node.elts:
        return None
    pairs = []
    for pair in node.elts:
        if not isinstance(pair, ast.Tuple) or len(pair.elts) != 2:
            return None
        widths = tuple(int_literal(e) for e in pair.elts)
        if None in widths or min(widths) < 0 or max(widths) > 10**4:
            return None
        pairs.append(widths)
    return tuple(pairs)


def axes_order(args: list[ast.expr]) -> tuple[int, ...] | None:
    """The axes of .transpose(1, 2, 0) or .transpose((1, 2, 0)), else None."""
    items = args[0].elts if len(args) == 1 and isinstance(args[0], ast.Tuple) else args
    axes = tuple(int_literal(a) for a in items)
    return axes if axes and None not in axes else None


def _check_axes_order(args: list[ast.expr]) -> None:
    if axes_order(args) is None:
        raise refuse("transpose with other than whole-number axes; write .transpose(1, 2, 0)")
def einsum_terms(node: ast.Call) -> tuple[list[str], str]:
    """np.einsum('mhqd,mhkd->mhqk', ...) as (["mhqd", "mhkd"], "mhqk"); the output written out when implicit, as
    NumPy does: the letters used once, in alphabetical order."""
    spec = node.args[0].value.replace(" ", "")
    left, arrow, right = spec.partition("->")
    terms = left.split(",")
    if not arrow:
        letters = "".join(terms)
        right = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return terms, right


def _check_einsum(node: ast.Call, env: dict, where: dict | None) -> None:
    """np.einsum with its subscripts first, as a string of letters, one term per array."""
    if node.keywords:
        raise refuse(f"keyword {node.keywords[0].arg!r} in np.einsum(...)")
    if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        raise refuse("np.einsum without its subscripts first; write np.einsum('ij,jk->ik', A, B)")
    arrays = node.args[1:]
    if not 1 <= len(arrays) <= MAX_EINSUM:
        raise refuse(f"np.einsum with {len(arrays)} arrays; it takes 1 to {MAX_EINSUM} here")
    spec = node.args[0].value.replace(" ", "")
    left, arrow, right = spec.partition("->")
    terms = left.split(",")
    if not all(t.isascii() and t.isalpha() for t in terms) or (arrow and right and not
                                                                (right.isascii() and right.isalpha())):
        raise refuse(f"np.einsum subscripts {node.args[0].value!r}; write letters only, such as 'ij,jk->ik' "
                     "(no ... or numbers)")
    if len(terms) != len(arrays):
        raise refuse(f"np.einsum subscripts {node.args[0].value!r} with {len(terms)} term(s) for {len(arrays)} "
                     "array(s); write one term per array")
    if len(set(right)) != len(right) or set(right) - set("".join(terms)):
        raise refuse(f"np.einsum output {right!r}; each of its letters once, and only letters of the inputs")
    for a in arrays:
        _check(a, env, where)


def random_function(node: ast.AST) -> str | None:
    """"rand" for a call np.random.rand(...) (or randn), else None."""
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Attribute) and func.attr in RANDOM and isinstance(func.value, ast.Attribute) \
            and func.value.attr == "random" and is_np(func.value.value):
        return func.attr
    return None


def _check_random(node: ast.Call) -> None:
    """np.random.rand(m, n) with whole-number sizes: the doctor draws them from a fixed seed, never NumPy's own."""
    name = random_function(node)
    sizes = [int_literal(a) for a in node.args]
    if node.keywords or None in sizes:
        raise refuse(f"np.random.{name} without whole-number sizes; write np.random.{name}(A1.shape[0], "
                     "A1.shape[1]) or with the sizes the namespace holds")
    if any(n < 0 for n in sizes):
        raise refuse(f"{ast.unparse(node)} with a negative size")
    if math.prod(sizes) > MAX_ELEMENTS:
        raise refuse(f"{ast.unparse(node)} would hold {math.prod(sizes):,} numbers; "
                     f"the doctor makes at most {MAX_ELEMENTS:,}")


def _check_join(node: ast.Call, name: str, env: dict, where: dict | None) -> None:
    """np.array([a, b]) and np.stack([a, b], axis=0): one list or tuple of arrays or numbers (np.array's may nest)."""
    if len(node.args) != 1 or not isinstance(node.args[0], (ast.List, ast.Tuple)) or not node.args[0].elts:
        raise refuse(f"np.{name} without one list of arrays; write np.{name}([a, b])")
    _check_keywords(node, ("axis",) if name == "stack" else ())
    if name == "stack" and node.keywords and keywords(node)["axis"] is None:
        raise refuse("np.stack with axis=None; write a whole number")
    items = [node.args[0]]
    count = 0
    while items:
        item = items.pop()
        if isinstance(item, (ast.List, ast.Tuple)) and (item is node.args[0] or name == "array"):
            if not item.elts:
                raise refuse(f"an empty list in np.{name}; write the arrays it joins")
            items.extend(item.elts)
            count += len(item.elts)
            if count > MAX_ITEMS:
                raise refuse(f"np.{name} of more than {MAX_ITEMS} items")
        else:
            _check(item, env, where)


def _check_new_array(node: ast.Call, env: dict) -> None:
    """np.ones((m, 1)): whole numbers or names holding them, refused before anything is made if too many."""
    shape = node.args[0]
    items = shape.elts if isinstance(shape, ast.Tuple) else [shape]
    for item in items:
        if isinstance(item, ast.Name):
            _check_name(item.id, env)
            value = env[item.id]
            if isinstance(value, np.ndarray) or not float(value).is_integer():
                raise refuse(f"{item.id} as a size in {ast.unparse(node)}; a size is a whole number")
        elif int_literal(item) is None:
            raise refuse(f"{ast.unparse(item)} as a size in {ast.unparse(node)}; write whole numbers, as in (m, 1)")
        else:
            _check_number(int_literal(item))
    new = sizes(shape, env)
    if any(n < 0 for n in new):
        raise refuse(f"{ast.unparse(node)} with a negative size {new}")
    if math.prod(new) > MAX_ELEMENTS:
        raise refuse(f"{ast.unparse(node)} would hold {math.prod(new):,} numbers; "
                     f"the doctor makes at most {MAX_ELEMENTS:,}")


def _check_keywords(node: ast.Call, allowed: tuple[str, ...]) -> None:
    for k in node.keywords:
        if k.arg not in allowed:
            raise refuse(f"keyword {k.arg!r} in {ast.unparse(node.func)}(...)")
        if k.arg == "axis":
            if isinstance(k.value, ast.Tuple) and allowed == REDUCE_KEYWORDS and axis_value(k.value) is not None:
                continue  # a sum over several axes at once: axis=(0, 2, 3)
            if int_literal(k.value) is None and not (isinstance(k.value, ast.Constant) and k.value.value is None):
                raise refuse(f"axis={ast.unparse(k.value)}; write a whole number or None")
        elif not (isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool)):
            raise refuse(f"keepdims={ast.unparse(k.value)}; write True or False")


def _check_ids(node: ast.AST, env: dict) -> None:
    """An index array must hold whole numbers: token ids or positions, not measurements."""
    value = env.get(node.id) if isinstance(node, ast.Name) else None
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iu":
        raise refuse(f"index {ast.unparse(node)}; an array used as an index must hold integer ids")


def _check_new_shape(args: list[ast.expr], env: dict) -> None:
    items = args[0].elts if len(args) == 1 and isinstance(args[0], ast.Tuple) else args
    items = [a for a in items if not (isinstance(a, ast.Name) and _whole_number(env.get(a.id)))]  # .reshape(m, -1)
    if not items and args:
        return
    if not items or any(int_literal(a) is None for a in items):
        raise refuse("reshape without whole-number sizes; write e.g. .reshape(3, -1) or .reshape((3, 4))")
    for a in items:
        _check_number(int_literal(a))
        if int_literal(a) < -1:
            raise refuse(f"reshape size {int_literal(a)}; write -1 for the one size NumPy should work out")


def _whole_number(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_index(node: ast.AST) -> None:
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    for part in parts:
        if isinstance(part, ast.Slice):
            bounds = [b for b in (part.lower, part.upper, part.step) if b is not None]
            if part.step is not None and int_literal(part.step) == 0:
                raise refuse(f"index {ast.unparse(part)}; a slice's step cannot be 0")
        elif isinstance(part, ast.Constant) and part.value is None:  # dout[:, None, :]: a new axis of length 1
            continue
        else:
            bounds = [part]
        for b in bounds:
            if int_literal(b) is None:
                raise refuse(f"index {ast.unparse(part)}; only whole numbers, None and slices such as [:-1], "
                             "[:, 0] or [:, None]")
            _check_number(int_literal(b))
