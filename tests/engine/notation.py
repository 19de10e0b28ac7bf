"""Read a maths term as the textbook writes it and compute it with NumPy, so a term can be checked by its value.

Reads: + − · ⊙ ⊘ / ᵀ ², juxtaposition (Y log A), Σ, Σ over examples (rows) of, e^, log, σ, tanh, max, softmax over
classes (columns) of, [Z > 0] (1 where true), "a if Z > 0 else b", [A | 1] and [A ; 1ᵀ], ∂L/∂W2 as dW2.
A product "·" of two matrices is @, of a number and anything a plain product. Juxtaposition binds tighter than
/ , so 1/2m is 1/(2m).
"""

from __future__ import annotations

import re

import numpy as np

TOKEN = re.compile(r"\s*(e\^|∂L/∂[A-Za-z]\w*|[A-Za-z_]\w*\[[^\]]*\]|[A-Za-z_]\w*|\d+\.\d+|\d+|[−+·⊙⊘/()\[\]|;,>ᵀ²Σσ=←])", re.ASCII)
WORDS = ("if", "else", "over", "of", "log", "tanh", "max", "softmax", "examples", "classes", "rows", "columns")


def evaluate(text: str, env: dict) -> np.ndarray:
    return _Reader(text, env).read()


class _Reader:
    def __init__(self, text: str, env: dict):
        self.tokens = TOKEN.findall(text)
        assert re.sub(r"\s+", "", "".join(self.tokens)) == re.sub(r"\s+", "", text), f"cannot read all of {text!r}"
        self.at = 0
        self.env = env

    def peek(self, k: int = 0) -> str | None:
        return self.tokens[self.at + k] if self.at + k < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.at]
        assert expected is None or token == expected, f"expected {expected!r}, read {token!r} in {self.tokens}"
        self.at += 1
        return token

    def read(self):
        value = self.choice()
        assert self.peek() is None, f"left over: {self.tokens[self.at:]}"
        return value

    def choice(self):
        value = self.sum()
        if self.peek() == "if":
            self.take()
            condition = self.comparison()
            self.take("else")
            return np.where(condition, value, self.sum())
        return value

    def comparison(self):
        left = self.sum()
        self.take(">")
        return left > self.sum()

    def sum(self):
        value = self.product()
        while self.peek() in ("+", "−"):
            value = value + self.product() if self.take() == "+" else value - self.product()
        return value

    def product(self):
        value = self.juxtaposed()
        while self.peek() in ("·", "⊙", "⊘", "/"):
            op = self.take()
            right = self.juxtaposed()
            if op == "·":
                value = value * right if np.ndim(value) == 0 or np.ndim(right) == 0 else value @ right
            elif op == "⊙":
                value = value * right
            else:
                value = value / right
        return value

    def starts_factor(self) -> bool:
        token = self.peek()
        if token is None or token in ("+", "−", "·", "⊙", "⊘", "/", ")", "]", "|", ";", ",", ">", "if", "else", "of"):
            return False
        return True

    def juxtaposed(self):
        value = self.unary()
        while self.starts_factor():
            value = value * self.unary()
        return value

    def unary(self):
        token = self.peek()
        if token == "−":
            self.take()
            return -self.unary()
        if token == "Σ":
            self.take()
            if self.peek() == "over":
                axis = self.over()
                return np.sum(self.product(), axis=axis, keepdims=True)
            return np.sum(self.product())
        if token == "log":
            self.take()
            if self.peek() == "softmax":
                self.take()
                axis = self.over()
                Z = self.product()
                shifted = Z - Z.max(axis=axis, keepdims=True)
                return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
            return np.log(self.unary())
        if token == "softmax":
            self.take()
            axis = self.over()
            E = np.exp(self.product())
            return E / E.sum(axis=axis, keepdims=True)
        return self.power()

    def over(self) -> int:
        """"over examples (rows) of": the axis a sum or softmax runs along."""
        self.take("over")
        assert self.take() in ("examples", "classes")
        self.take("(")
        axis = {"rows": 0, "columns": 1}[self.take()]
        self.take(")")
        self.take("of")
        return axis

    def power(self):
        value = self.atom()
        while self.peek() in ("ᵀ", "²"):
            value = value.T if self.take() == "ᵀ" else value ** 2
        return value

    def atom(self):
        token = self.take()
        if token == "(":
            value = self.choice()
            self.take(")")
            return value
        if token == "[":
            return self.bracket()
        if token == "e^":
            return np.exp(self.power() if self.peek() != "(" else self.atom())
        if token == "σ":
            return 1.0 / (1.0 + np.exp(-self.atom()))
        if token in ("tanh", "max"):
            self.take("(")
            args = [self.choice()]
            while self.peek() == ",":
                self.take()
                args.append(self.choice())
            self.take(")")
            return np.tanh(*args) if token == "tanh" else np.maximum(*args)
        if re.fullmatch(r"\d+(\.\d+)?", token):
            return float(token)
        if token.startswith("∂L/∂"):
            return self.env["d" + token[4:]]
        assert token not in WORDS, f"unexpected {token!r}"
        return self.env[token]

    def bracket(self):
        """[Z > 0], [A | 1], [A ; 1ᵀ], or [ ... ] as grouping."""
        value = self.sum()
        token = self.take()
        if token == ">":
            right = self.sum()
            self.take("]")
            return (value > right).astype(float)
        if token in ("|", ";"):
            self.take("1")
            if token == "|":
                self.take("]")
                return np.hstack([value, np.ones((value.shape[0], 1))])
            self.take("ᵀ")
            self.take("]")
            return np.vstack([value, np.ones((1, value.shape[1]))])
        assert token == "]", token
        return value
