"""The shape doctor on learners' NumPy: the three cases the issue names, the wider grammar, fixes labelled by what
they are known to get right, silent broadcasts, names not reached yet, explanations in words, and break-it."""

import itertools

import numpy as np
import pytest

from engine import Network
from engine.doctor import RIGHT_SHAPE, RIGHT_VALUES, RUNS, Axes, NotReached, diagnose, left_name, mistakes
from engine.doctor.diagnosis import examine
from engine.doctor.grammar import parse


def arrays(**shapes):
    rng = np.random.default_rng(0)
    return {name: rng.uniform(0.1, 0.9, shape) if isinstance(shape, tuple) else shape
            for name, shape in shapes.items()}


class Step:
    """What the app knows at one event: the matrices reached, every event's true value, where each is computed."""

    def __init__(self, at: str, m: int = 2, **options):
        net = Network(**options)
        rng = np.random.default_rng(3)
        X = rng.uniform(-1.0, 1.0, (m, net.sizes[0]))
        Y = (rng.uniform(0.0, 1.0, (m, net.sizes[-1])) > 0.5).astype(float)
        if net.layout_name == "columns":
            X, Y = X.T, Y.T
        self.env = {"X": X, "Y": Y, "m": m, "lr": 0.5, **net.params}
        events = list(net.step(X, Y, 0.5))
        position = next(i for i, e in enumerate(events) if e.name == at)
        for e in events[:position + 1]:
            self.env[e.name] = e.value
        self.truth = {e.name: e.value for e in events}
        self.where = {e.name: f"{e.name} is computed at event {i + 1} ({e.phase}, layer {e.layer}); "
                              "step there first, or press end"
                      for i, e in enumerate(events) if e.name not in self.env}
        self.axes = Axes(net.layout_name, net.sizes, m, net.bias)

    def diagnose(self, line: str):
        return diagnose(line, self.env, expected=self.truth.get(left_name(line)), where=self.where, axes=self.axes)


def value_of(line, env):
    return examine(parse(line, env), env)[1]


# ---- the three cases the issue names ---------------------------------------------------------------------------


def test_seed_question_culprit_and_explanation_and_no_fix_presented_as_right():
    env = arrays(A1_sig=(3, 4), error1=(2, 4))
    d = diagnose("error2 = A1_sig.T - error1", env)
    assert not d.ok and not d.runs and d.culprit == "A1_sig.T - error1"
    assert "(4, 3)" in d.explanation and "(2, 4)" in d.explanation and "last axes are 3 and 4" in d.explanation
    assert d.error and d.error not in d.explanation  # NumPy's message is shown once, beside the words
    assert d.fixes and {f.label for f in d.fixes} == {RUNS}  # error2's shape is unknown: nothing is "right"


def test_forum_dW2_in_the_app_offers_the_right_values_first():
    step = Step("dW2", sizes=(4, 3, 3), layout="rows")  # dZ2 (2, 3), A1 (2, 3), as in the question's network
    assert step.env["dZ2"].shape == (2, 3) and step.env["A1"].shape == (2, 3)
    d = step.diagnose("dW2 = (1/m) * dZ2 * A1.T")
    assert not d.ok and d.culprit == "(1/m) * dZ2 * A1.T"
    assert "2 examples × 3 outputs" in d.explanation and "3 hidden units × 2 examples" in d.explanation
    first = d.fixes[0]
    assert first.label == RIGHT_VALUES
    assert np.allclose(value_of(first.line, step.env), step.truth["dW2"])
    assert all(f.label != RIGHT_VALUES or np.allclose(value_of(f.line, step.env), step.truth["dW2"])
               for f in d.fixes)


def test_course_dZ1_with_np_power_is_accepted_and_right_values_when_A1_is_tanh():
    step = Step("dZ1", sizes=(4, 3, 1), hidden="tanh", layout="columns")
    d = step.diagnose("dZ1 = np.multiply(1 - np.power(A1, 2), np.dot(W2.T, dZ2))")
    assert d.ok and d.label == RIGHT_VALUES and d.fixes == []
    sigmoid = Step("dZ1", sizes=(4, 3, 1), hidden="sigmoid", layout="columns")
    wrong = sigmoid.diagnose("dZ1 = np.multiply(1 - np.power(A1, 2), np.dot(W2.T, dZ2))")
    assert not wrong.ok and wrong.runs and "not the engine's values" in wrong.explanation


# ---- the grammar: learners' NumPy, and still nothing outside it ---------------------------------------------------


@pytest.mark.parametrize("line, shape", [
    ("W2.dot(A1)", (3, 2)), ("np.matmul(W2, A1)", (3, 2)), ("np.power(A1, 2)", (4, 2)), ("A1 ** -1", (4, 2)),
    ("np.transpose(A1).T", (4, 2)), ("A1.transpose()", (2, 4)), ("np.mean(A1, axis=1, keepdims=True)", (4, 1)),
    ("np.sum(A1, 0)", (2,)), ("np.maximum(A1, 0)", (4, 2)), ("np.where(A1 > 0.5, A1, 0)", (4, 2)),
    ("np.logaddexp(0, A1)", (4, 2)), ("np.hstack([A1, np.ones((4, 1))])", (4, 3)),
    ("np.vstack([A1, np.ones((1, m))])", (5, 2)), ("np.concatenate([A1, A1], axis=1)", (4, 4)),
    ("np.expand_dims(b, axis=1)", (3, 1)), ("np.zeros((m, 3))", (2, 3)), ("sigmoid(A1)", (4, 2)),
    ("softmax(A1, axis=0)", (4, 2)), ("log_softmax(A1, axis=1)", (4, 2)), ("log_sigmoid(A1)", (4, 2)),
    ("np.exp(np.log(A1))", (4, 2)), ("np.tanh(A1)", (4, 2)),
])
def test_the_grammar_reads_what_backprop_code_uses(line, shape):
    env = arrays(A1=(4, 2), W2=(3, 4), b=(3,), m=2)
    d = diagnose(line, env)
    assert d.runs and d.shape == shape, (line, d.explanation)


def test_the_apps_own_activations_compute_what_the_engine_computes():
    from engine import activations
    env = arrays(Z=(3, 4))
    assert np.array_equal(value_of("sigmoid(Z)", env), activations.sigmoid(env["Z"]))
    assert np.array_equal(value_of("softmax(Z, axis=0)", env), activations.softmax(env["Z"], axis=0))


def test_augmented_assignment_keeps_the_names_shape():
    env = arrays(b=(3, 1), db=(3, 1), g=(3, 3), lr=0.1)
    assert diagnose("b -= lr * db", env).ok
    d = diagnose("b -= g", env)
    assert not d.runs and d.culprit == "g"
    assert "non-broadcastable output operand with shape (3,1)" in d.error
    assert "b -= writes into b itself, which stays (3, 1)" in d.explanation
    assert "b -= g.sum(axis=1, keepdims=True)" in d.suggestions


@pytest.mark.parametrize("line, message", [
    ("np.ones((100000, 100000))", "would hold 10,000,000,000 numbers"),
    ("np.zeros((n, n))", "would hold 1,000,000,000,000 numbers"),
    ("np.power(A, 5)", "exponent must be a whole number from -4 to 4"),
    ("A ** -5", "exponent must be a whole number from -4 to 4"),
    ("np.power(A, 4.5)", "exponent must be a whole number from -4 to 4"),
    ("softmax(A)", "softmax without axis="),
    ("np.hstack(A)", "without one list of arrays"),
    ("np.concatenate([A, A], axis=A)", "axis=A"),
    ("A -= B", "unknown name 'B'"),
    ("A //= 2", "augmented assignment other than"),
    ("A[0] -= 1", "assignment to A[0]"),
])
def test_the_wider_grammar_refuses_before_anything_is_made(line, message):
    env = {"A": np.ones((2, 2)), "n": 10**6}
    with pytest.raises(ValueError, match="not allowed") as raised:
        diagnose(line, env)
    assert message in str(raised.value)


# ---- what the left-hand name must be ------------------------------------------------------------------------------


def test_role_implied_shapes_outside_the_app():
    env = arrays(A_prev=(5, 4), dZ=(3, 4), W=(3, 5), m=4)
    d = diagnose("dW = 1/m * np.multiply(A_prev, dZ)", env)
    assert d.goal == "dW has W's shape (3, 5)"
    assert d.fixes[0].line == "dW = 1/m * np.dot(dZ, A_prev.T)" and d.fixes[0].edits == 3  # three edits away
    assert all(f.shape == (3, 5) and f.label == RIGHT_SHAPE for f in d.fixes)


def test_a_cost_is_a_single_number_not_some_arrays_shape():
    env = arrays(Y=(1, 3), A=(1, 3), m=3)
    d = diagnose("cost = (-1/m) * (np.dot(Y, np.log(A)) + np.dot(1 - Y, np.log(1 - A)))", env)
    assert d.goal == "a cost such as cost is a single number"
    assert d.fixes and all(np.size(value_of(f.line, env)) == 1 for f in d.fixes)


# ---- silent broadcasts ------------------------------------------------------------------------------------------


def test_a_gradient_the_shape_of_the_data_is_blamed_like_a_crash():
    env = arrays(X=(3, 4), A=(1, 4), Y=(1, 4), w=(3, 1), m=4)
    d = diagnose("dw = X * (A - Y)", env)
    assert d.runs and not d.ok and d.error is None
    assert d.culprit == "X * (A - Y)" and "(3, 4)" in d.explanation and "w's shape (3, 1)" in d.explanation
    assert np.allclose(value_of(d.fixes[0].line, env), env["X"] @ (env["A"] - env["Y"]).T)


def test_a_vector_minus_a_column_is_a_table_even_without_a_target():
    env = arrays(y=(3,), yHat=(3, 1))
    d = diagnose("y - yHat", env)
    assert d.runs and not d.ok and d.culprit == "y - yHat"
    assert "y is (3,)" in d.explanation and "yHat is (3, 1)" in d.explanation and "(3, 3)" in d.explanation
    assert "y.reshape(-1, 1) - yHat" in d.suggestions


def test_a_cost_that_comes_out_a_vector():
    env = arrays(Y=(1, 3), A=(1, 3), m=3)
    d = diagnose("cost = -np.sum(Y * np.log(A), axis=0) / m", env)
    assert d.runs and not d.ok and d.culprit == "np.sum(Y * np.log(A), axis=0)"
    assert "(3,)" in d.explanation and "single number" in d.explanation
    assert all(np.size(value_of(f.line, env)) == 1 for f in d.fixes)


# ---- names not reached yet, and words about the axes ---------------------------------------------------------------


def test_a_name_not_reached_says_where_it_is_computed():
    step = Step("Z1", sizes=(4, 3, 3))
    with pytest.raises(NotReached, match=r"A1 is computed at event 2 \(forward, layer 1\); step there first, or "
                                         r"press end"):
        step.diagnose("A1 + 1")


def test_the_product_explanation_counts_examples_inputs_and_hidden_units():
    step = Step("dZ1", sizes=(4, 5, 3))
    d = step.diagnose("dW1 = dZ1 @ X.T")
    assert ("dZ1 is (2, 5): 2 examples × 5 hidden units; X.T is (4, 2): 4 inputs × 2 examples" in d.explanation)
    assert "a product that gives dW1 must add up over the examples" in d.explanation
    assert d.fixes[0].line == "dW1 = X.T @ dZ1" and d.fixes[0].label == RIGHT_VALUES


# ---- break it -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout, line", [("columns", "dA1 = W2[:, :-1].T @ dZ2"), ("rows", "dA1 = dZ2 @ W2[:-1].T")])
def test_break_it_keeps_the_bias_row_under_augmented_bias(layout, line):
    step = Step("dA1", sizes=(4, 3, 2), bias="augmented", layout=layout)
    found = {mk.kind: mk for mk in mistakes(line, step.env, expected=step.truth["dA1"], axes=step.axes)}
    kept = found["kept the bias row"]
    assert "W2.T" in kept.expr and "[" not in kept.expr
    assert kept.diagnosis.runs and not kept.diagnosis.ok
    assert "bias" in kept.why and "instead of" in kept.why
    assert kept.diagnosis.fixes[0].label == RIGHT_VALUES
    assert np.allclose(value_of(kept.diagnosis.fixes[0].line, step.env), step.truth["dA1"])


def test_break_it_explains_in_words_without_repeating_numpy():
    step = Step("dW2", sizes=(4, 3, 2))
    for mk in mistakes("dW2 = A1.T @ dZ2", step.env, expected=step.truth["dW2"], axes=step.axes):
        if not mk.diagnosis.runs:
            assert mk.diagnosis.error not in mk.why
            assert "examples" in mk.why  # the axes, in words


def test_every_break_it_fix_labelled_right_values_is_right():
    for layout, bias in itertools.product(("rows", "columns"), ("vector", "augmented")):
        net = Network(sizes=(4, 3, 2), layout=layout, bias=bias)
        names = [p.name for p in net.plan if p.phase == "backward"]
        for name in names:
            step = Step(name, sizes=(4, 3, 2), layout=layout, bias=bias)
            formula = next(p.formula for p in net.plan if p.name == name)
            for mk in mistakes(formula, step.env, expected=step.truth[name], axes=step.axes):
                for f in mk.diagnosis.fixes:
                    if f.label == RIGHT_VALUES:
                        assert np.allclose(value_of(f.line, step.env), step.truth[name]), (formula, f.line)
