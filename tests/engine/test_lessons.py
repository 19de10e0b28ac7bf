"""Every lesson true: each event's term and shape rule against a hand-written table, and each term by its value.

The tables below are written from the textbook (examples as rows: Z = A·W + b; as columns: Z = W·A + b), by hand,
one entry per formula. They are not generated from the engine: a renderer or formula that drifts fails here.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from notation import evaluate

from engine import Network
from engine.doctor.render import rule, term

# ---- the reference table: a 4 → 3 → 3 network, layer 1 hidden, layer 2 output --------------------------------

# The linear steps of both layers, forward and backward, and the update, for each layout and bias.
LINEAR = {
    ("rows", "vector"): {
        "Z1": ("Z1 = X · W1 + b1", "{0} @ {1} + {2}"),
        "Z2": ("Z2 = A1 · W2 + b2", "{0} @ {1} + {2}"),
        "dW2": ("∂L/∂W2 = A1ᵀ · ∂L/∂Z2", "{0}ᵀ @ {1}"),
        "db2": ("∂L/∂b2 = Σ over examples (rows) of ∂L/∂Z2", "Σ_rows {0}"),
        "dA1": ("∂L/∂A1 = ∂L/∂Z2 · W2ᵀ", "{0} @ {1}ᵀ"),
        "dW1": ("∂L/∂W1 = Xᵀ · ∂L/∂Z1", "{0}ᵀ @ {1}"),
        "db1": ("∂L/∂b1 = Σ over examples (rows) of ∂L/∂Z1", "Σ_rows {0}"),
    },
    ("columns", "vector"): {
        "Z1": ("Z1 = W1 · X + b1", "{0} @ {1} + {2}"),
        "Z2": ("Z2 = W2 · A1 + b2", "{0} @ {1} + {2}"),
        "dW2": ("∂L/∂W2 = ∂L/∂Z2 · A1ᵀ", "{0} @ {1}ᵀ"),
        "db2": ("∂L/∂b2 = Σ over examples (columns) of ∂L/∂Z2", "Σ_columns {0}"),
        "dA1": ("∂L/∂A1 = W2ᵀ · ∂L/∂Z2", "{0}ᵀ @ {1}"),
        "dW1": ("∂L/∂W1 = ∂L/∂Z1 · Xᵀ", "{0} @ {1}ᵀ"),
        "db1": ("∂L/∂b1 = Σ over examples (columns) of ∂L/∂Z1", "Σ_columns {0}"),
    },
    ("rows", "augmented"): {
        "X_aug": ("X_aug = [X | 1]", "[{0} | 1]"),
        "Z1": ("Z1 = X_aug · W1", "{0} @ {1}"),
        "A1_aug": ("A1_aug = [A1 | 1]", "[{0} | 1]"),
        "Z2": ("Z2 = A1_aug · W2", "{0} @ {1}"),
        "dW2": ("∂L/∂W2 = A1_augᵀ · ∂L/∂Z2", "{0}ᵀ @ {1}"),
        "dA1": ("∂L/∂A1 = ∂L/∂Z2 · W2[:-1]ᵀ", "{0} @ {1}ᵀ"),
        "dW1": ("∂L/∂W1 = X_augᵀ · ∂L/∂Z1", "{0}ᵀ @ {1}"),
    },
    ("columns", "augmented"): {
        "X_aug": ("X_aug = [X ; 1ᵀ]", "[{0} ; 1ᵀ]"),
        "Z1": ("Z1 = W1 · X_aug", "{0} @ {1}"),
        "A1_aug": ("A1_aug = [A1 ; 1ᵀ]", "[{0} ; 1ᵀ]"),
        "Z2": ("Z2 = W2 · A1_aug", "{0} @ {1}"),
        "dW2": ("∂L/∂W2 = ∂L/∂Z2 · A1_augᵀ", "{0} @ {1}ᵀ"),
        "dA1": ("∂L/∂A1 = W2[:, :-1]ᵀ · ∂L/∂Z2", "{0}ᵀ @ {1}"),
        "dW1": ("∂L/∂W1 = ∂L/∂Z1 · X_augᵀ", "{0} @ {1}ᵀ"),
    },
}

# Gradient descent: the parameter is overwritten by itself minus lr times its gradient.
UPDATE = {P: (f"{P} ← {P} − lr·∂L/∂{P}", "{0} − lr·{1}") for P in ("W1", "b1", "W2", "b2")}

# Hidden activations: forward A1 from Z1, and ∂L/∂Z1 from ∂L/∂A1 by the activation's derivative.
HIDDEN = {
    "sigmoid": {"A1": ("A1 = σ(Z1)", "σ({0})"),
                "dZ1": ("∂L/∂Z1 = ∂L/∂A1 ⊙ A1 ⊙ (1 − A1)", "{0} ⊙ {1} ⊙ (1 − {1})")},
    "tanh": {"A1": ("A1 = tanh(Z1)", "tanh({0})"),
             "dZ1": ("∂L/∂Z1 = ∂L/∂A1 ⊙ (1 − A1²)", "{0} ⊙ (1 − {1}²)")},
    "relu": {"A1": ("A1 = max(Z1, 0)", "max({0}, 0)"),
             "dZ1": ("∂L/∂Z1 = ∂L/∂A1 ⊙ [Z1 > 0]", "{0} ⊙ [{1} > 0]")},
    "leaky_relu": {"A1": ("A1 = Z1 if Z1 > 0 else 0.01·Z1", "{0} if {0} > 0 else 0.01·{0}"),
                   "dZ1": ("∂L/∂Z1 = ∂L/∂A1 ⊙ (1 if Z1 > 0 else 0.01)", "{0} ⊙ (1 if {1} > 0 else 0.01)")},
    "identity": {"A1": ("A1 = Z1", "{0}"),
                 "dZ1": ("∂L/∂Z1 = ∂L/∂A1", "{0}")},
}

# Output activation and loss: A2, the loss L, and the gradient back to ∂L/∂Z2 (fused, or through ∂L/∂A2).
OUTPUT = {
    ("sigmoid", "bce"): {
        "A2": ("A2 = σ(Z2)", "σ({0})"),
        "L": ("L = (1/m) Σ [log(1 + e^Z2) − Y ⊙ Z2]", "(1/m) Σ [log(1 + e^{0}) − {1} ⊙ {0}]"),
        "dZ2": ("∂L/∂Z2 = (A2 − Y) / m", "({0} − {1}) / m"),
    },
    ("sigmoid", "ce"): {
        "A2": ("A2 = σ(Z2)", "σ({0})"),
        "L": ("L = −(1/m) Σ Y ⊙ log σ(Z2)", "−(1/m) Σ {0} ⊙ log σ({1})"),
        "dA2": ("∂L/∂A2 = −Y ⊘ A2 / m", "−{0} ⊘ {1} / m"),
        "dZ2": ("∂L/∂Z2 = ∂L/∂A2 ⊙ A2 ⊙ (1 − A2)", "{0} ⊙ {1} ⊙ (1 − {1})"),
    },
    ("sigmoid", "mse"): {
        "A2": ("A2 = σ(Z2)", "σ({0})"),
        "L": ("L = (1/2m) Σ (A2 − Y)²", "(1/2m) Σ ({0} − {1})²"),
        "dA2": ("∂L/∂A2 = (A2 − Y) / m", "({0} − {1}) / m"),
        "dZ2": ("∂L/∂Z2 = ∂L/∂A2 ⊙ A2 ⊙ (1 − A2)", "{0} ⊙ {1} ⊙ (1 − {1})"),
    },
    ("identity", "mse"): {
        "A2": ("A2 = Z2", "{0}"),
        "L": ("L = (1/2m) Σ (A2 − Y)²", "(1/2m) Σ ({0} − {1})²"),
        "dZ2": ("∂L/∂Z2 = (A2 − Y) / m", "({0} − {1}) / m"),
    },
}
# Softmax normalises over the classes: along each row with examples as rows, down each column otherwise.
SOFTMAX_CE = {
    "rows": {
        "A2": ("A2 = softmax over classes (columns) of Z2", "softmax({0})"),
        "L": ("L = −(1/m) Σ Y ⊙ (log softmax over classes (columns) of Z2)", "−(1/m) Σ {0} ⊙ log softmax({1})"),
        "dZ2": ("∂L/∂Z2 = (A2 − Y) / m", "({0} − {1}) / m"),
    },
    "columns": {
        "A2": ("A2 = softmax over classes (rows) of Z2", "softmax({0})"),
        "L": ("L = −(1/m) Σ Y ⊙ (log softmax over classes (rows) of Z2)", "−(1/m) Σ {0} ⊙ log softmax({1})"),
        "dZ2": ("∂L/∂Z2 = (A2 − Y) / m", "({0} − {1}) / m"),
    },
}

# What the loss is in the textbook, in A, when the code computes it from Z so that log never sees 0.
TEXTBOOK_LOSS = {
    ("sigmoid", "bce"): "−(1/m) Σ [Y log A2 + (1 − Y) log(1 − A2)]",
    ("sigmoid", "ce"): "−(1/m) Σ Y log A2",
    ("softmax", "ce"): "−(1/m) Σ Y log A2",
}

LAYOUTS, BIASES = ("rows", "columns"), ("vector", "augmented")
PAIRS = [*OUTPUT, ("softmax", "ce")]
CONFIGS = [(lay, bias, hidden, out, loss) for lay, bias, hidden, (out, loss)
           in itertools.product(LAYOUTS, BIASES, HIDDEN, PAIRS)]


def expected(layout, bias, hidden, output, loss) -> dict[str, tuple[str, str]]:
    table = dict(LINEAR[(layout, bias)])
    table.update(HIDDEN[hidden])
    table.update(SOFTMAX_CE[layout] if output == "softmax" else OUTPUT[(output, loss)])
    table.update({P: UPDATE[P] for P in (("W1", "W2") if bias == "augmented" else UPDATE)})
    return table


def run(layout, bias, hidden, output, loss, seed=0, m=5):
    net = Network((4, 3, 3), hidden=hidden, output=output, loss=loss, layout=layout, bias=bias, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (m, 4))
    Y = np.eye(3)[rng.integers(3, size=m)] if output == "softmax" else (
        rng.uniform(0.0, 1.0, (m, 3)) if loss != "mse" else rng.normal(0.0, 1.0, (m, 3)))
    if layout == "columns":
        X, Y = X.T, Y.T
    return list(net.step(X, Y, lr=0.3)), m, 0.3


@pytest.mark.parametrize("layout, bias, hidden, output, loss", CONFIGS)
def test_every_term_and_shape_rule_matches_the_textbook(layout, bias, hidden, output, loss):
    events, _, _ = run(layout, bias, hidden, output, loss)
    table = expected(layout, bias, hidden, output, loss)
    assert sorted(e.name for e in events) == sorted(table), "the table has one entry per event, no more, no less"
    for e in events:
        assert (e.term, e.rule) == table[e.name], e.formula


@pytest.mark.parametrize("layout, bias, hidden, output, loss", CONFIGS)
def test_every_term_computes_its_event_value(layout, bias, hidden, output, loss):
    """Read each term's right side as maths, on the event's own operands, and get the event's value."""
    events, m, lr = run(layout, bias, hidden, output, loss, seed=3)
    for e in events:
        env = {label: array for (label, _), array in zip(e.operands, e.arrays)}
        env.update(m=float(m), lr=lr)
        right = e.term.split(" ← " if e.phase == "update" else " = ", 1)[1]
        np.testing.assert_allclose(evaluate(right, env), e.value, rtol=1e-9, atol=1e-12, err_msg=e.term)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_the_loss_is_the_textbook_loss_by_value(layout, output, loss):
    """The loss event's value equals the textbook's formula in A, read from its notation, on random data."""
    for seed in range(4):
        events, m, _ = run(layout, "vector", "tanh", output, loss, seed=seed, m=7)
        by_name = {e.name: e for e in events}
        L = by_name["L"]
        env = {"A2": by_name["A2"].value, "Y": dict(zip((label for label, _ in L.operands), L.arrays))["Y"],
               "m": float(m)}
        textbook = TEXTBOOK_LOSS.get((output, loss), L.term.split(" = ", 1)[1])
        assert float(evaluate(textbook, env)) == pytest.approx(float(L.value), rel=1e-9)
        if (output, loss) in TEXTBOOK_LOSS:
            assert L.note.startswith(f"= {textbook}, written with Z2"), L.note


def test_a_layout_cannot_be_changed():
    from engine.layouts import ROWS
    with pytest.raises(AttributeError):
        ROWS.example_axis = 1
    assert ROWS.example_axis == 0


def test_a_wrong_term_would_be_caught_by_its_value():
    """The notation reader is strict enough to tell the right loss from the usual slips."""
    rng = np.random.default_rng(1)
    A, Y = rng.uniform(0.05, 0.95, (6, 3)), rng.uniform(0.0, 1.0, (6, 3))
    env = {"A2": A, "Y": Y, "m": 6.0}
    right = evaluate(TEXTBOOK_LOSS[("sigmoid", "bce")], env)
    for slip in ("−(1/m) Σ [Y log A2 + (1 − Y) log A2]", "(1/m) Σ [Y log A2 + (1 − Y) log(1 − A2)]",
                 "−(1/2m) Σ [Y log A2 + (1 − Y) log(1 − A2)]"):
        assert evaluate(slip, env) != pytest.approx(right)
    dA = rng.normal(size=(6, 3))
    env.update(dA2=dA)
    assert not np.allclose(evaluate("(Y − A2) / m", env), evaluate("(A2 − Y) / m", env))


def test_notes_name_what_the_code_cannot_say():
    events, _, _ = run("rows", "vector", "relu", "sigmoid", "bce")
    notes = {e.name: e.note for e in events}
    assert notes["Z1"] == "b1 broadcast down the m rows"
    assert notes["dZ1"] == "relu′(Z1), taken as 0 at the kink Z1 = 0"
    assert notes["dZ2"] == "the output's derivative cancelling the loss's"
    assert notes["W1"] == "" and notes["dW1"] == ""
    events, _, _ = run("columns", "vector", "tanh", "sigmoid", "mse")
    notes = {e.name: e.note for e in events}
    assert notes["Z2"] == "b2 broadcast across the m columns"
    assert notes["dZ1"] == "tanh′(Z1), written with the output A1"
    assert notes["dZ2"] == "σ′(Z2), written with the output A2"
    assert notes["A2"] == "the logistic sigmoid σ(z) = 1 / (1 + e^(−z))"
    assert notes["L"] == notes["dA2"] == ""
    events, _, _ = run("rows", "augmented", "identity", "softmax", "ce")
    notes = {e.name: e.note for e in events}
    assert notes["Z2"] == "the bias in W2's last row"
    assert notes["A1_aug"] == "A1 with a ones column, for the bias"
    assert notes["dZ1"] == "the identity's derivative is 1"
    assert notes["A2"] == "softmax(z) = e^z / Σ e^z, each row a distribution"
    assert notes["L"] == "= −(1/m) Σ Y log A2, written with Z2 so that log never sees 0"
    events, _, _ = run("columns", "augmented", "sigmoid", "softmax", "ce")
    assert {e.name: e.note for e in events}["A2"] == "softmax(z) = e^z / Σ e^z, each column a distribution"
    events, _, _ = run("columns", "augmented", "leaky_relu", "identity", "mse")
    notes = {e.name: e.note for e in events}
    assert notes["Z1"] == "the bias in W1's last column"
    assert notes["X_aug"] == "X with a ones row, for the bias"
    assert notes["dZ1"] == "leaky′(Z1), taken as 0.01 at the kink Z1 = 0"


# ---- the renderer on its own: the forms the brief names, and refusals -------------------------------------


@pytest.mark.parametrize("line, example_axis, want", [
    ("dW2 = A1.T @ dZ2", 0, "∂L/∂W2 = A1ᵀ · ∂L/∂Z2"),
    ("Q = A * B", None, "Q = A ⊙ B"),
    ("Q = 2 * B", None, "Q = 2·B"),
    ("Q = A / B", None, "Q = A ⊘ B"),
    ("Q = A / m", None, "Q = A / m"),
    ("db1 = dZ1.sum(axis=0, keepdims=True)", 0, "∂L/∂b1 = Σ over examples (rows) of ∂L/∂Z1"),
    ("db1 = dZ1.sum(axis=0, keepdims=True)", None, "∂L/∂b1 = Σ over rows of ∂L/∂Z1"),
    ("db1 = dZ1.sum(axis=1, keepdims=True)", 1, "∂L/∂b1 = Σ over examples (columns) of ∂L/∂Z1"),
    ("S = A.sum()", None, "S = Σ A"),
    ("Q = (A - B).T", None, "Q = (A − B)ᵀ"),
    ("Q = A - (B - C)", None, "Q = A − (B − C)"),
    ("Q = (A - B) - C", None, "Q = A − B − C"),
    ("Q = A @ (B @ C)", None, "Q = A · (B · C)"),
    ("Q = -A ** 2", None, "Q = −A²"),
    ("Q = (-A) ** 3", None, "Q = (−A)³"),
    ("Q = A ** -2", None, "Q = A⁻²"),
    ("Q = np.exp(A + B)", None, "Q = e^(A + B)"),
    ("Q = np.log(A)", None, "Q = log A"),
    ("Q = np.log(1 - A)", None, "Q = log(1 − A)"),
    ("Q = A >= 0", None, "Q = [A ≥ 0]"),
    ("Q = 0.5 * np.sum(A)", None, "Q = 0.5·Σ A"),
    ("Q = 3 * np.sum(A) / m", None, "Q = (3/m) Σ A"),
    ("W1 = W1 - lr * dW1", None, "W1 ← W1 − lr·∂L/∂W1"),
    ("A @ B", None, "A · B"),
    ("Q = 1.0 - A", None, "Q = 1 − A"),
    ("dropout = A", None, "dropout = A"),
    ("S = np.sum(A * B)", None, "S = Σ A ⊙ B"),
    ("S = np.sum(A - B)", None, "S = Σ [A − B]"),
    ("S = A.sum(axis=-1)", None, "S = Σ over columns of A"),
    ("S = A.sum(axis=-1)", 1, "S = Σ over examples (columns) of A"),
    ("S = A.sum(axis=-2)", 1, "S = Σ over classes (rows) of A"),
    ("Q = A * -B", None, "Q = A ⊙ −B"),
    ("Q = A @ -B", None, "Q = A · −B"),
    ("Q = A / -B", None, "Q = A ⊘ −B"),
    ("Q = A / -m", None, "Q = A / −m"),
    ("Q = A * (B * C)", None, "Q = A ⊙ (B ⊙ C)"),
    ("Q = A / (B / C)", None, "Q = A ⊘ (B ⊘ C)"),
    ("Q = A / (m / 2)", None, "Q = A / (m / 2)"),
    ("Q = A * B * C", None, "Q = A ⊙ B ⊙ C"),
    ("Q = A - -B", None, "Q = A − −B"),
    ("Q = 0.25 * np.sum(A) / m", None, "Q = (1/4m) Σ A"),
    ("Q = 0.3 * np.sum(A) / m", None, "Q = (0.3/m) Σ A"),
    ("sigmoid(A)", None, "σ(A)"),
])
def test_render_forms(line, example_axis, want):
    assert term(line, example_axis) == want


def test_rule_slots_follow_the_operand_order_and_keep_scalars():
    assert rule("Z1 = X @ W1 + b1", ("X", "W1", "b1")) == "{0} @ {1} + {2}"
    assert rule("dA1 = dZ2 @ W2[:-1].T", ("dZ2", "W2[:-1]")) == "{0} @ {1}ᵀ"
    assert rule("W1 = W1 - lr * dW1", ("W1", "dW1")) == "{0} − lr·{1}"
    assert rule("Q = B @ A", ("A", "B")) == "{1} @ {0}"
    assert rule("S = A.sum(axis=-1)", ("A",)) == "Σ_columns {0}"
    assert rule("S = A.sum(axis=0)", ("A",)) == "Σ_rows {0}"


@pytest.mark.parametrize("line", ["Q = A % B", "Q = foo(A)", "Q = A[0:2] if A else B",
                                  "Q = A ** B", "Q = np.where(A, B, C)", "a = b = A",
                                  "Q = A.shape", "Q = np.ones((2, 3))", "Q = softmax(A, B, axis=1)",
                                  "Q = softmax(A, axis=None)", "Q = softmax(A, keepdims=True)",
                                  "Q = np.sum(A, axis=0)", "Q = np.hstack(A)", "Q = sigmoid(A) +", "Q = (A",
                                  "Q = sigmoid(A); R = A", "Q = sigmoid(A.shape)",
                                  "a = b = sigmoid(A)", "A.T = sigmoid(B)", "Q: int = sigmoid(A)"])
def test_what_it_cannot_render_it_refuses(line):
    with pytest.raises(ValueError, match="cannot render|not allowed|not valid"):
        term(line)


def test_every_line_goes_through_the_doctors_grammar():
    long = "Q = " + " + ".join(["A"] * 200)
    with pytest.raises(ValueError, match="not allowed: an expression longer than 500 characters"):
        term(long)
    with pytest.raises(ValueError, match="not allowed: power with exponent 5"):
        term("Q = A ** 5")
    with pytest.raises(ValueError, match="not allowed: power with exponent 9"):
        term("Q = sigmoid(A) ** 9")
    with pytest.raises(ValueError, match="not allowed: call to 'foo'"):
        term("Q = foo(A)")
    assert term("Q = sigmoid(A) ** 2") == "Q = σ(A)²"


def test_an_augmented_update_renders_as_the_update_it_is():
    assert term("W1 -= lr * dW1") == "W1 ← W1 − lr·∂L/∂W1"
    assert rule("W1 -= lr * dW1", ("W1", "dW1")) == "{0} − lr·{1}"


def test_a_rule_naming_a_matrix_that_is_not_an_operand_is_refused():
    with pytest.raises(ValueError, match="not one of the operands"):
        rule("Q = A @ B", ("A",))


# ---- the marks a shape rule carries: which dimensions must agree, which 1s broadcast --------------------------


@pytest.mark.parametrize("rule_text, shapes, result, want", [
    ("{0}ᵀ @ {1}", [(1, 3), (1, 3)], (3, 3), {0: {0: "inner"}, 1: {0: "inner"}}),  # m = 1: no broadcast here
    ("{0} @ {1}ᵀ", [(2, 3), (4, 3)], (2, 4), {0: {1: "inner"}, 1: {1: "inner"}}),
    ("{0} @ {1} + {2}", [(2, 4), (4, 3), (1, 3)], (2, 3), {0: {1: "inner"}, 1: {0: "inner"}, 2: {0: "broadcast"}}),
    ("{0} − {1}", [(2, 3), (1, 3)], (2, 3), {1: {0: "broadcast"}}),
    ("{0} ⊙ {1}", [(2, 3), (2, 1)], (2, 3), {1: {1: "broadcast"}}),
    ("{0} + {1}", [(1, 1), (1, 1)], (1, 1), {}),
    ("{0} + {1}", [(2, 3), (2, 3)], (2, 3), {}),
    ("{0} · {1}", [(2, 3), (1, 3)], (2, 3), {}),
    ("Σ_rows {0}", [(2, 3)], (1, 3), {}),
])
def test_shape_rule_marks(rule_text, shapes, result, want):
    from engine.doctor.rules import marks
    assert marks(rule_text, shapes, result) == want
