"""Render a NumPy line as the textbook writes it: its maths term, and its shape rule over operand slots.

    dW2 = A1.T @ dZ2                        ->  ∂L/∂W2 = A1ᵀ · ∂L/∂Z2            and  {0}ᵀ @ {1}
    db1 = dZ1.sum(axis=0, keepdims=True)    ->  ∂L/∂b1 = Σ over examples (rows) of ∂L/∂Z1   and  Σ_rows {0}
    W1 = W1 - lr * dW1                      ->  W1 ← W1 − lr·∂L/∂W1              and  {0} − lr·{1}

`@` is the matrix product ·, `*` of two arrays the element-wise ⊙ (of a number and an array, a plain ·), `/` by an
array ⊘, `.T` a ᵀ, a name dX the derivative ∂L/∂X, and a line whose target appears on its right an update ←.
The line is parsed and checked by the doctor's grammar (engine/doctor/grammar.py), and only what is listed here
renders: anything else is refused with a ValueError rather than shown wrong.
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from functools import lru_cache

import numpy as np

from engine.doctor import grammar

SCALARS = ("m", "lr")
_STAND_IN = np.zeros(1, dtype=np.int64)  # the numbers of a step: how many examples, and the learning rate
AXES = ("rows", "columns")
# dW2, dZ1_aug, and the layers' names: dgamma2, dxhat1, demb1, dBN2, dD1_2 (a name with its layer's number).
DERIVATIVE = re.compile(r"d([A-Za-z]\d*(?:_aug)?|[A-Za-z]+\d+(?:_\d+)?)")
SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

# How tightly each form binds: a part binding less tightly than its place needs gets parentheses.
LOW, ADD, MUL, UNARY, POW, ATOM = range(6)

# Functions called by name (not np.), which the engine's formulas use: rendered as the textbook names them.
CALLS = {"sigmoid": "σ", "log_sigmoid": "log σ", "softmax": "softmax", "log_softmax": "log softmax"}
NP_CALLS = {"tanh": "tanh", "log": "log", "maximum": "max"}


def term(line: str, example_axis: int | None = None) -> str:
    """The maths of `line` ("name = expr"): the textbook term, e.g. "∂L/∂W2 = A1ᵀ · ∂L/∂Z2"."""
    return _term(line, example_axis)


def rule(line: str, operands: tuple[str, ...], example_axis: int | None = None) -> str:
    """The shape rule of `line`'s right side, with operand k (as written, e.g. "W2[:-1]") as the slot {k}."""
    return _rule(line, tuple(operands), example_axis)


@lru_cache(maxsize=1024)
def _term(line: str, example_axis: int | None) -> str:
    target, expr = _parse(line)
    if grammar.is_add_at(expr):  # np.add.at(dE1, X, demb1): each id's row of dE1 gathers its gradient
        r = _Renderer(example_axis)
        table, ids, values = expr.args
        return f"{name(table.id)}[{r.text(ids)}] += {r.text(values)}"
    if grammar.is_set_rows(expr):
        r = _Renderer(example_axis)
        table, ids, values = expr.args
        return f"{name(table.id)}[{r.text(ids)}] = {r.text(values)}"
    if target is None:
        return _Renderer(example_axis).text(expr)
    right = _Renderer(example_axis).text(expr)
    names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    arrow = "←" if target in names else "="  # an update writes a new value over the old one
    return f"{name(target)} {arrow} {right}"


@lru_cache(maxsize=1024)
def _rule(line: str, operands: tuple[str, ...], example_axis: int | None) -> str:
    _, expr = _parse(line)
    r = _Renderer(example_axis, slots={label: k for k, label in enumerate(operands)})
    if grammar.is_add_at(expr):
        return "{0}[{1}] += {2}".format(*(r.text(a) for a in expr.args))
    return r.text(expr)


def name(text: str) -> str:
    """A name as the textbook writes it: dW2 is ∂L/∂W2; every other name stays as it is."""
    match = DERIVATIVE.fullmatch(text)
    return f"∂L/∂{match.group(1)}" if match else text


def _parse(line: str) -> tuple[str | None, ast.expr]:
    """The line's target and right side, as the doctor's grammar checks and reads them; it refuses what it does not
    allow. An augmented update (W1 -= lr * dW1) comes back written out, W1 - lr * dW1, with W1 as its target."""
    try:
        module = ast.parse(line.strip())
    except (SyntaxError, ValueError):
        raise ValueError(f"cannot render {line!r}: not valid Python") from None
    # The grammar checks names and types only: an array of whole numbers stands for each name (it may index, as
    # ids do), and a whole number for m, by which a reshape may count.
    names = {n.id: (1 if n.id == "m" else _STAND_IN) for n in ast.walk(module)
             if isinstance(n, ast.Name) and n.id != "np"}
    parsed = grammar.parse(line, names)
    return parsed.target, parsed.expr


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)  # never negative: -2 is a unary minus on 2


def _is_scalar(node: ast.AST) -> bool:
    """A number or one of the step's scalars, or arithmetic on them only."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in SCALARS
    if isinstance(node, ast.BinOp):
        return _is_scalar(node.left) and _is_scalar(node.right)
    if isinstance(node, ast.UnaryOp):
        return _is_scalar(node.operand)
    if grammar.np_function(node) == "sqrt" and len(node.args) == 1:  # np.sqrt(8), the √d of attention
        return _is_scalar(node.args[0])
    return False


class _Renderer:
    """Term text when `slots` is None; otherwise rule text, each operand written as its slot {k}."""

    def __init__(self, example_axis: int | None, slots: dict[str, int] | None = None):
        self.example_axis = example_axis
        self.slots = slots

    def text(self, node: ast.AST) -> str:
        return self.render(node)[0]

    def wrap(self, node: ast.AST, needs: int, brackets: str = "()") -> str:
        text, binds = self.render(node)
        return text if binds >= needs else f"{brackets[0]}{text}{brackets[1]}"

    def over(self, axis: int | tuple[int, ...]) -> str:
        """Which way a sum or a softmax runs: "over examples (rows)" for axis 0 with examples as rows; an image's
        axes beyond a matrix's two, and tuples of axes, by their numbers: "over axes 0, 2, 3"."""
        if isinstance(axis, tuple):
            return f"over axes {', '.join(str(a) for a in axis)}"
        if axis not in (-2, -1, 0, 1):
            return f"over axis {axis}"
        axis %= 2
        if self.example_axis is None:
            return f"over {AXES[axis]}"
        what = "examples" if axis == self.example_axis else "classes"
        return f"over {what} ({AXES[axis]})"

    @staticmethod
    def axis_word(axis: int | tuple[int, ...]) -> str:
        """A sum's axis in a shape rule: Σ_rows for a matrix's axis 0, Σ_(0, 2, 3) for an image's axes."""
        if isinstance(axis, tuple):
            return f"({', '.join(str(a) for a in axis)})"
        return AXES[axis % 2] if axis in (-2, -1, 0, 1) else str(axis)

    def render(self, node: ast.AST) -> tuple[str, int]:
        if self.slots is not None and not _is_scalar(node):
            source = ast.unparse(node)
            if source in self.slots:
                return "{%d}" % self.slots[source], ATOM
        if isinstance(node, ast.Name):
            if self.slots is not None and node.id not in SCALARS:
                raise ValueError(f"cannot render the rule: {node.id} is not one of the operands {tuple(self.slots)}")
            return name(node.id), ATOM
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return _number(node.value), ATOM
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name):  # E1[X]: the rows the ids pick
            return f"{self.wrap(node.value, ATOM)}[{self.text(node.slice)}]", ATOM
        if isinstance(node, ast.Subscript):  # W2[:-1]: the part of W2 without its bias row
            parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return f"{self.wrap(node.value, ATOM)}[{', '.join(ast.unparse(p) for p in parts)}]", ATOM
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return self.wrap(node.value, ATOM) + "ᵀ", ATOM
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return "−" + self.wrap(node.operand, UNARY), UNARY
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in grammar.COMPARISONS:
            return f"[{self.comparison(node)}]", ATOM  # the Iverson bracket: 1 where true, else 0
        if isinstance(node, ast.Call):
            return self.call(node)
        raise ValueError(f"cannot render {ast.unparse(node)!r}")

    def comparison(self, node: ast.Compare) -> str:
        symbol = grammar.COMPARISONS[type(node.ops[0])].replace(">=", "≥").replace("<=", "≤")
        return f"{self.wrap(node.left, ADD)} {symbol} {self.wrap(node.comparators[0], ADD)}"

    def binary(self, node: ast.BinOp) -> tuple[str, int]:
        op, left, right = node.op, node.left, node.right
        if isinstance(op, ast.Pow):
            n = grammar.int_literal(right)
            if n is None:
                p = grammar.power_literal(right)
                if p is None:
                    raise ValueError(f"cannot render the power {ast.unparse(node)!r}; write a number as exponent")
                return f"{self.wrap(left, ATOM)}^({_number(p).replace('-', '−')})", POW
            return self.wrap(left, ATOM) + str(n).translate(SUPERSCRIPTS), POW
        if isinstance(op, (ast.Add, ast.Sub)):
            symbol = " + " if isinstance(op, ast.Add) else " − "
            return self.wrap(left, ADD) + symbol + self.wrap(right, ADD + 1), ADD
        if isinstance(op, ast.MatMult):
            symbol = " @ " if self.slots is not None else " · "
            return self.wrap(left, MUL) + symbol + self.wrap(right, MUL + 1), MUL
        if isinstance(op, ast.Mult):
            symbol = "·" if _is_scalar(left) or _is_scalar(right) else " ⊙ "
            if _is_scalar(left) and self.is_sum(right):
                return self.mean(left, right, None)
            return self.wrap(left, MUL) + symbol + self.wrap(right, MUL + 1), MUL
        if isinstance(op, ast.Div):
            if _is_scalar(right):
                if self.is_sum(left):  # Σ ... / m is the textbook's (1/m) Σ ...
                    return self.mean(None, left, right)
                if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult) and _is_scalar(left.left) \
                        and self.is_sum(left.right):
                    return self.mean(left.left, left.right, right)
                return self.wrap(left, MUL) + " / " + self.wrap(right, MUL + 1), MUL
            if _is_scalar(left):  # 1 / √(var + ε): a number over an array is no element-wise division of two
                return self.wrap(left, MUL) + " / " + self.wrap(right, MUL + 1), MUL
            return self.wrap(left, MUL) + " ⊘ " + self.wrap(right, MUL + 1), MUL
        raise ValueError(f"cannot render the operator in {ast.unparse(node)!r}")

    @staticmethod
    def is_sum(node: ast.AST) -> bool:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            node = node.operand
        return grammar.np_function(node) == "sum" and not node.keywords

    def mean(self, factor: ast.AST | None, total: ast.AST, divisor: ast.AST | None) -> tuple[str, int]:
        """c · Σ x / m as the textbook writes it: (c/m) Σ x, so 0.5 · Σ x / m is (1/2m) Σ x; a minus goes in front."""
        sign = ""
        if isinstance(total, ast.UnaryOp):
            sign, total = "−", total.operand
        body = f"Σ {self.wrap(total.args[0], MUL, '[]')}"
        if divisor is None:
            return f"{sign}{self.wrap(factor, ATOM)}·{body}", MUL
        under = self.text(divisor)
        if factor is None:
            return f"{sign}(1/{under}) {body}", MUL
        value = factor.value if isinstance(factor, ast.Constant) else None
        fraction = Fraction(value).limit_denominator(1000) if isinstance(value, (int, float)) else None
        if fraction is not None and fraction.numerator == 1 and fraction == value:  # 0.5 · Σ x / m is (1/2m) Σ x
            return f"{sign}(1/{fraction.denominator}{under}) {body}", MUL
        return f"{sign}({self.text(factor)}/{under}) {body}", MUL

    def call(self, node: ast.Call) -> tuple[str, int]:
        func = node.func
        np_name = grammar.np_function(node)
        method = grammar.method(node)
        args = node.args
        if method == "sum" and not args:
            axis = grammar.keywords(node)["axis"]
            if axis is None:
                return f"Σ {self.wrap(func.value, MUL, '[]')}", MUL
            if self.slots is not None:
                return f"Σ_{self.axis_word(axis)} {self.wrap(func.value, ATOM)}", MUL
            return f"Σ {self.over(axis)} of {self.wrap(func.value, MUL)}", ADD
        if method in ("mean", "max") and not args and grammar.keywords(node)["axis"] is not None:
            axis = grammar.keywords(node)["axis"]
            if self.slots is not None:
                return f"{method}_{self.axis_word(axis)} {self.wrap(func.value, ATOM)}", MUL
            return f"{method} {self.over(axis)} of {self.wrap(func.value, MUL)}", ADD
        if method == "max" and not args:  # the max of every entry
            return f"max of {self.wrap(func.value, MUL, '[]')}", MUL
        order = (grammar.axes_order(args) if method == "transpose" and args else
                 grammar.axes_order(args[1:]) if np_name == "transpose" and len(args) == 2 else None)
        if order is not None:  # dZ1.transpose(1, 2, 3, 0): the axes in their new order
            value = func.value if method else args[0]
            axes = ", ".join(str(a) for a in order)
            if self.slots is not None:
                return f"{self.wrap(value, ATOM)}.transpose({axes})", ATOM
            return f"{self.wrap(value, ATOM)} with axes ({axes})", LOW
        if np_name == "pad" and len(args) == 2:  # np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))
            widths = ast.unparse(args[1])
            if self.slots is not None:
                return f"pad({self.text(args[0])}, {widths})", ATOM
            return f"{self.wrap(args[0], ATOM)} padded with zeros {widths}", LOW
        if method == "swapaxes":
            a, b = (grammar.int_literal(x) for x in args)
            if {a, b} == {-2, -1}:  # each matrix of the stack transposed: Q Kᵀ
                return self.wrap(func.value, ATOM) + "ᵀ", ATOM
            return f"{self.wrap(func.value, ATOM)} with axes {a} and {b} swapped", LOW
        if np_name == "einsum":
            terms, right = grammar.einsum_terms(node)
            inputs = ", ".join(f"{self.wrap(x, ATOM)}[{t}]" for x, t in zip(args[1:], terms))
            return f"einsum({inputs} → [{right}])", ATOM
        if method == "reshape":
            sizes = ", ".join(ast.unparse(a) for a in args)
            return f"{self.wrap(func.value, ATOM)} reshaped to ({sizes})", LOW
        if np_name == "sqrt" and len(args) == 1:
            return "√" + self.wrap(args[0], ATOM), POW
        if np_name in ("zeros_like", "ones_like") and len(args) == 1:
            if self.slots is not None:
                return f"{np_name}({self.text(args[0])})", ATOM
            return ("0" if np_name == "zeros_like" else "1"), ATOM  # the 0s or 1s of the operand's shape
        if np_name == "sum" and len(args) == 1 and not node.keywords:
            return f"Σ {self.wrap(args[0], MUL, '[]')}", MUL
        if np_name == "exp" and len(args) == 1:
            return "e^" + self.wrap(args[0], ATOM), POW
        if np_name == "logaddexp" and len(args) == 2:  # log(e^a + e^b), with e^0 written 1
            powers = ["1" if grammar.int_literal(a) == 0 else "e^" + self.wrap(a, ATOM) for a in args]
            return f"log({' + '.join(powers)})", ATOM
        if np_name == "where" and len(args) == 3 and isinstance(args[0], ast.Compare):
            text = f"{self.wrap(args[1], ADD)} if {self.comparison(args[0])} else {self.wrap(args[2], ADD)}"
            return text, LOW
        if np_name in ("hstack", "vstack") and len(args) == 1 and isinstance(args[0], ast.List):
            bar = " | " if np_name == "hstack" else " ; "
            return "[" + bar.join(self.wrap(a, ADD) for a in args[0].elts) + "]", ATOM
        if np_name == "ones" and len(args) == 1 and isinstance(args[0], ast.Tuple) and len(args[0].elts) == 2:
            rows, columns = (grammar.int_literal(a) for a in args[0].elts)
            if columns == 1:
                return "1", ATOM  # a column of ones
            if rows == 1:
                return "1ᵀ", ATOM  # a row of ones
        if np_name in NP_CALLS or (isinstance(func, ast.Name) and func.id in CALLS):
            text = NP_CALLS[np_name] if np_name in NP_CALLS else CALLS[func.id]
            kw = {k.arg: k.value for k in node.keywords}
            if set(kw) - {"axis"}:
                raise ValueError(f"cannot render the keywords of {ast.unparse(node)!r}")
            inside = ", ".join(self.text(a) for a in args)
            if "axis" in kw:
                axis = grammar.int_literal(kw["axis"])
                if axis is None or len(args) != 1:
                    raise ValueError(f"cannot render {ast.unparse(node)!r}")
                if self.slots is not None:
                    return f"{text}({inside})", ATOM
                return f"{text} {self.over(axis)} of {self.wrap(args[0], MUL)}", ADD
            if text == "log" and len(args) == 1 and self.render(args[0])[1] == ATOM:
                return f"log {inside}", ATOM  # log A, but log(1 − A)
            return f"{text}({inside})", ATOM
        raise ValueError(f"cannot render {ast.unparse(node)!r}")
