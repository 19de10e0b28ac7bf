"""The doctor's grammar: parse one NumPy line and refuse, before anything runs, whatever it does not allow."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from numbers import Real

import numpy as np

MAX_LENGTH = 500  # characters in one line
MAX_DEPTH = 40  # nesting of the expression tree
MAX_POWER = 4  # x ** n only for a whole-number literal n with |n| <= 4

# np.<name>: how many array arguments it takes. np.sum and np.mean also take the REDUCE keywords.
FUNCTIONS = {
    "dot": 2, "matmul": 2, "multiply": 2, "maximum": 2, "outer": 2, "where": 3,
    "exp": 1, "log": 1, "tanh": 1, "transpose": 1, "ones_like": 1, "zeros_like": 1, "sum": 1, "mean": 1,
}
METHODS = ("sum", "mean", "max", "reshape")
REDUCE_KEYWORDS = ("axis", "keepdims")

OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**"}
COMPARISONS = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<="}

_INT64 = np.iinfo(np.int64)

# What to call the statements and expressions the grammar leaves out, in "not allowed: ..." messages.
_NAMES = {
    ast.Import: "import", ast.ImportFrom: "import", ast.AugAssign: "augmented assignment such as -=",
    ast.AnnAssign: "annotated assignment", ast.Lambda: "lambda", ast.ListComp: "comprehension",
    ast.SetComp: "comprehension", ast.DictComp: "comprehension", ast.GeneratorExp: "comprehension",
    ast.List: "list", ast.Dict: "dict", ast.Set: "set", ast.Tuple: "tuple", ast.NamedExpr: "assignment expression :=",
    ast.IfExp: "if-else expression", ast.BoolOp: "and/or", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.JoinedStr: "f-string", ast.Starred: "* unpacking", ast.Slice: "slice",
}


@dataclass(frozen=True)
class Parsed:
    """One checked line: `target` is the name before " = ", if any; `expr` is the right side's tree."""

    line: str
    target: str | None
    expr: ast.expr

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.line, node) or ast.unparse(node)


def refuse(what: str) -> ValueError:
    return ValueError(f"not allowed: {what}")


def parse(line: str, env: dict) -> Parsed:
    """Parse `line` ("expr" or "name = expr") and check every part against the grammar and `env`."""
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
    if isinstance(statement, ast.Expr):
        target, expr = None, statement.value
    elif isinstance(statement, ast.Assign):
        if len(statement.targets) != 1:
            raise refuse("assignment to more than one name")
        if not isinstance(statement.targets[0], ast.Name):
            raise refuse(f"assignment to {ast.unparse(statement.targets[0])}; write one name, as in dW2 = ...")
        target, expr = statement.targets[0].id, statement.value
        if target.startswith("__"):
            raise refuse(f"name {target!r}")
    else:
        raise refuse(_NAMES.get(type(statement), f"{type(statement).__name__.lower()} statement"))
    _check_depth(expr)
    _check(expr, env)
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


def keywords(node: ast.Call) -> dict[str, object]:
    """A checked call's keyword values: axis an int or None, keepdims a bool."""
    values = {"axis": None, "keepdims": False}
    for k in node.keywords:
        values[k.arg] = int_literal(k.value) if k.arg == "axis" else k.value.value
    return values


def _check(node: ast.AST, env: dict) -> None:
    if isinstance(node, ast.Name):
        _check_name(node.id, env)
    elif isinstance(node, ast.Constant):
        _check_number(node.value)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in OPERATORS:
            raise refuse(f"operator {type(node.op).__name__}")
        _check(node.left, env)
        if isinstance(node.op, ast.Pow):
            n = int_literal(node.right)
            if n is None or abs(n) > MAX_POWER:
                raise refuse(f"power with exponent {ast.unparse(node.right)}; "
                             f"the exponent must be a whole number from -{MAX_POWER} to {MAX_POWER}")
        else:
            _check(node.right, env)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub):
            raise refuse(f"unary operator {type(node.op).__name__}")
        _check(node.operand, env)
    elif isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in COMPARISONS:
            raise refuse("comparison other than a single >, <, >= or <=")
        _check(node.left, env)
        _check(node.comparators[0], env)
    elif isinstance(node, ast.Attribute):
        _check_attribute(node)
        _check(node.value, env)
    elif isinstance(node, ast.Call):
        _check_call(node, env)
    elif isinstance(node, ast.Subscript):
        _check(node.value, env)
        _check_index(node.slice)
    else:
        raise refuse(_NAMES.get(type(node), type(node).__name__))


def _check_name(name: str, env: dict) -> None:
    if name == "np":
        raise refuse("np on its own; call one of the allowed np functions")
    if name.startswith("__"):
        raise refuse(f"name {name!r}")
    if name not in env:
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


def _check_call(node: ast.Call, env: dict) -> None:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr.startswith("_"):
        raise refuse(f"attribute {func.attr!r}")
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        raise refuse("* or ** unpacking in a call")
    name = np_function(node)
    if name is not None and name in FUNCTIONS:
        n = FUNCTIONS[name]
        if len(node.args) != n:
            raise refuse(f"np.{name} with {len(node.args)} argument(s); it takes {n} array(s) here")
        _check_keywords(node, REDUCE_KEYWORDS if name in ("sum", "mean") else ())
        for a in node.args:
            _check(a, env)
        return
    name = method(node)
    if name is not None and name in METHODS:
        _check(func.value, env)
        if name == "reshape":
            _check_keywords(node, ())
            _check_new_shape(node.args)
        else:
            if node.args:
                raise refuse(f".{name} with positional arguments; write axis= and keepdims=")
            _check_keywords(node, REDUCE_KEYWORDS)
        return
    if isinstance(func, (ast.Name, ast.Attribute)):
        raise refuse(f"call to {ast.unparse(func)!r}")
    _check(func, env)
    raise refuse(f"calling {ast.unparse(func)}")


def _check_keywords(node: ast.Call, allowed: tuple[str, ...]) -> None:
    for k in node.keywords:
        if k.arg not in allowed:
            raise refuse(f"keyword {k.arg!r} in {ast.unparse(node.func)}(...)")
        if k.arg == "axis":
            if int_literal(k.value) is None and not (isinstance(k.value, ast.Constant) and k.value.value is None):
                raise refuse(f"axis={ast.unparse(k.value)}; write a whole number or None")
        elif not (isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool)):
            raise refuse(f"keepdims={ast.unparse(k.value)}; write True or False")


def _check_new_shape(args: list[ast.expr]) -> None:
    items = args[0].elts if len(args) == 1 and isinstance(args[0], ast.Tuple) else args
    if not items or any(int_literal(a) is None for a in items):
        raise refuse("reshape without whole-number sizes; write e.g. .reshape(3, -1) or .reshape((3, 4))")
    for a in items:
        _check_number(int_literal(a))
        if int_literal(a) < -1:
            raise refuse(f"reshape size {int_literal(a)}; write -1 for the one size NumPy should work out")


def _check_index(node: ast.AST) -> None:
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    for part in parts:
        if isinstance(part, ast.Slice):
            bounds = [b for b in (part.lower, part.upper, part.step) if b is not None]
            if part.step is not None and int_literal(part.step) == 0:
                raise refuse(f"index {ast.unparse(part)}; a slice's step cannot be 0")
        else:
            bounds = [part]
        for b in bounds:
            if int_literal(b) is None:
                raise refuse(f"index {ast.unparse(part)}; only whole numbers and slices such as [:-1] or [:, 0]")
            _check_number(int_literal(b))
