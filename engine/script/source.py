"""The script's source: the statement on a line, as one line of text, and its right side as a shape rule."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property

from engine.doctor.known import held

COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.AsyncFor, ast.While, ast.If, ast.With,
            ast.AsyncWith, ast.Try, ast.Match)


def one_line(text: str) -> str:
    """A statement spread over several lines (a backslash, or open brackets) written on one."""
    parts = [part.strip().removesuffix("\\").strip() for part in text.splitlines()]
    joined = ""
    for part in parts:
        if not part:
            continue
        glue = "" if not joined or joined.endswith(("(", "[", "{")) or part.startswith((")", "]", "}", ",")) else " "
        joined += glue + part
    return joined


@dataclass
class Source:
    """The script's text and its syntax tree, for finding statements by line and column."""

    text: str

    @cached_property
    def tree(self) -> ast.Module | None:
        try:
            return ast.parse(self.text)
        except SyntaxError:
            return None

    @cached_property
    def statements(self) -> list[ast.stmt]:
        """Every simple statement (and every compound statement's header), innermost last."""
        if self.tree is None:
            return []
        return [n for n in ast.walk(self.tree) if isinstance(n, ast.stmt)]

    def segment(self, node: ast.AST) -> str:
        return one_line(ast.get_source_segment(self.text, node) or ast.unparse(node))

    def statement_at(self, line: int, name: str | None = None) -> ast.stmt | None:
        """The innermost statement spanning `line`; of several on the line, the one that assigns `name`."""
        spanning = [s for s in self.statements if s.lineno <= line <= (s.end_lineno or s.lineno)
                    and not (isinstance(s, COMPOUND) and s.body and s.body[0].lineno <= line and s.lineno != line)]
        if not spanning:
            return None
        simple = [s for s in spanning if not isinstance(s, COMPOUND)] or spanning
        smallest = min((s.end_lineno or s.lineno) - s.lineno for s in simple)
        simple = [s for s in simple if (s.end_lineno or s.lineno) - s.lineno == smallest]
        if name is not None:
            for s in simple:
                if name in targets(s):
                    return s
        return simple[0]

    def text_at(self, line: int, name: str | None = None) -> str:
        statement = self.statement_at(line, name)
        if statement is None:
            lines = self.text.splitlines()
            return lines[line - 1].strip() if 0 < line <= len(lines) else ""
        if isinstance(statement, COMPOUND):
            return self.lines[statement.lineno - 1].strip()
        return self.segment(statement)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def node_at(self, line: int, end_line: int | None, col: int | None, end_col: int | None) -> ast.AST | None:
        """The expression exactly at PEP 657's range, or the smallest one that holds it."""
        if self.tree is None or col is None:
            return None
        end_line = end_line or line
        best = None
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.expr):
                continue
            start, end = (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)
            if start <= (line, col) and (end_line, end_col) <= end:
                if best is None or (start, _neg(end)) > ((best.lineno, best.col_offset),
                                                          _neg((best.end_lineno, best.end_col_offset))):
                    best = node
        return best


def _neg(position: tuple[int, int]) -> tuple[int, int]:
    return -position[0], -position[1]


def targets(statement: ast.stmt) -> list[str]:
    """The names a statement assigns, an array held in a dict or an object by the name it is recorded under
    (grads['dW2'], self.who)."""
    if isinstance(statement, ast.Assign):
        nodes = statement.targets
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        nodes = [statement.target]
    elif isinstance(statement, (ast.For, ast.AsyncFor)):
        nodes = [statement.target]
    else:
        return []
    found = []
    for node in nodes:
        parts = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
        for part in parts:
            name = held(part)
            found += [name] if name else [n.id for n in ast.walk(part) if isinstance(n, ast.Name)]
    return found


def right_side(statement: ast.stmt | None) -> ast.expr | None:
    if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)):
        return statement.value
    return None


def names_read(node: ast.AST | None) -> list[str]:
    """The variable names an expression reads, in order of appearance, each once; an array held in a dict or an
    object by its recorded name (cache['A1'], self.who) as well as its container's."""
    if node is None:
        return []
    found = []
    read = [(n, held(n) or (n.id if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) else None))
            for n in ast.walk(node)]
    for n, name in sorted(((n, name) for n, name in read if name), key=lambda p: (p[0].lineno, p[0].col_offset)):
        if name not in found:
            found.append(name)
    return found


_SYMBOLS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "⊙", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**"}


def rule(statement: ast.stmt | None, is_array) -> tuple[str, list[str]] | None:
    """The right side as a shape rule over operand slots, e.g. ("{0} @ {1} + {2}", ["X", "W1", "b1"]).

    np.dot(a, b) is written a @ b and x.T as {i}ᵀ, so the marks of inner and broadcast dimensions apply.
    """
    value = right_side(statement)
    if value is None:
        return None
    operands: list[str] = []
    if isinstance(statement, ast.AugAssign):
        value = ast.BinOp(left=statement.target, op=statement.op, right=value)

    def slot(name: str) -> str:
        if name not in operands:
            operands.append(name)
        return "{" + str(operands.index(name)) + "}"

    def text(node: ast.AST, inner: bool = False) -> str:
        if held(node) and is_array(held(node)):  # cache["A1"], self.who: an operand like a plain name
            return slot(held(node))
        if isinstance(node, ast.Name):
            return slot(node.id) if is_array(node.id) else node.id
        if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Call, ast.BinOp, ast.Attribute)) \
                and not (isinstance(node.value, ast.Name) and not is_array(node.value.id)):
            return text(node.value, True) + ("ᵀ" if node.attr == "T" else f".{node.attr}")
        if isinstance(node, ast.Subscript):
            return f"{text(node.value, True)}[{ast.unparse(node.slice)}]"
        if isinstance(node, ast.BinOp) and type(node.op) in _SYMBOLS:
            written = f"{text(node.left, True)} {_SYMBOLS[type(node.op)]} {text(node.right, True)}"
            return f"({written})" if inner else written
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return "−" + text(node.operand, True)
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name in ("np.dot", "np.matmul", "numpy.dot") and len(node.args) == 2 and not node.keywords:
                written = f"{text(node.args[0], True)} @ {text(node.args[1], True)}"
                return f"({written})" if inner else written
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                    and is_array(node.func.value.id):
                name = f"{slot(node.func.value.id)}.{node.func.attr}"
            args = [text(a) for a in node.args] + [f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords]
            return f"{name}({', '.join(args)})"
        if isinstance(node, (ast.Tuple, ast.List)):
            items = ", ".join(text(e) for e in node.elts)
            return f"({items})" if isinstance(node, ast.Tuple) else f"[{items}]"
        return ast.unparse(node).replace("{", "{{").replace("}", "}}")

    written = text(value)
    return (written, operands) if operands else None
