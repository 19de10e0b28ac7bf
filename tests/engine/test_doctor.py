"""The shape doctor: it blames the failing part, explains the rule, suggests fixes that run, and refuses the rest."""

import ast
import builtins
import contextlib
import itertools
import os
import warnings
from dataclasses import FrozenInstanceError

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Network
from engine.doctor import RIGHT_SHAPE, RUNS, Diagnosis, Mistake, diagnose, mistakes

LAYOUTS = ("rows", "columns")
BIASES = ("vector", "augmented")
HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
PAIRS = (("sigmoid", "bce"), ("sigmoid", "ce"), ("sigmoid", "mse"), ("softmax", "ce"), ("identity", "mse"))


def arrays(**shapes):
    rng = np.random.default_rng(0)
    return {name: rng.uniform(-1.0, 1.0, shape) for name, shape in shapes.items()}


def checked(expr, env):
    """diagnose(expr, env), after re-diagnosing every suggestion: each must run, and none may repeat."""
    d = diagnose(expr, env)
    assert len(set(d.suggestions)) == len(d.suggestions)
    for s in d.suggestions:
        again = diagnose(s, env)
        assert again.runs, (s, again)
        assert again.shape == again.steps[-1][1]
    return d


def suggested_shapes(d, env):
    return [diagnose(s, env).shape for s in d.suggestions]


# ---- the question's errors and the course forum's ----------------------------------------------------------


def test_question_first_error_blames_the_subtraction_and_names_both_shapes():
    env = arrays(A1_sig=(3, 4), error1=(2, 4))
    d = checked("error2 = A1_sig.T - error1", env)
    assert not d.ok and d.shape is None
    assert d.culprit == "A1_sig.T - error1"
    assert "(4,3) (2,4)" in d.error  # NumPy's own words
    assert "(4, 3)" in d.explanation and "(2, 4)" in d.explanation
    assert "from the right" in d.explanation and "3 and 4" in d.explanation
    assert d.steps == [("A1_sig", (3, 4)), ("A1_sig.T", (4, 3)), ("error1", (2, 4))]


def test_question_second_error():
    env = arrays(error1=(2, 3), A1_sig=(2, 2))
    d = checked("error2 = error1 - A1_sig", env)
    assert not d.ok
    assert d.culprit == "error1 - A1_sig"
    assert "(2,3) (2,2)" in d.error
    assert "(2, 3) and (2, 2)" in d.explanation
    assert "last axes are 3 and 2" in d.explanation
    assert d.steps == [("error1", (2, 3)), ("A1_sig", (2, 2))]


def test_forum_error_blames_the_element_wise_product_and_ranks_the_matrix_product_first():
    env = {**arrays(dZ2=(1, 3), A1=(4, 3), dW2=(1, 4)), "m": 4}
    d = checked("dW2 = (1/m) * dZ2 * A1.T", env)
    assert not d.ok
    assert d.culprit == "(1/m) * dZ2 * A1.T"
    assert "(1,3) (3,4)" in d.error
    assert d.steps == [("m", ()), ("1/m", ()), ("dZ2", (1, 3)), ("(1/m) * dZ2", (1, 3)), ("A1", (4, 3)),
                       ("A1.T", (3, 4))]
    assert d.suggestions[0] == "dW2 = (1/m) * dZ2 @ A1.T"  # the learner's own spelling, parentheses kept
    assert diagnose(d.suggestions[0], env).shape == (1, 4)


def test_without_a_target_no_fix_is_presented_as_right():
    env = {**arrays(dZ2=(1, 3), A1=(4, 3), W2=(1, 4)), "m": 4}
    d = checked("(1/m) * dZ2 * A1.T", env)
    assert "(1/m) * dZ2 @ A1.T" in d.suggestions
    assert {f.label for f in d.fixes} == {RUNS}  # no array merely having some shape makes a fix right
    assert all(not s.startswith("dW2 =") for s in d.suggestions)


def test_matmul_explanation_counts_columns_and_rows():
    env = arrays(dZ2=(2, 3), A1=(2, 3), dW2=(3, 3))
    d = checked("dW2 = dZ2 @ A1", env)
    assert not d.ok and d.culprit == "dZ2 @ A1"
    assert d.error.startswith("matmul:")
    assert d.explanation == ("dZ2 @ A1: a matrix product needs the left operand's columns to equal the right "
                             "operand's rows: (2, 3) @ (2, 3) has 3 columns on the left but 2 rows on the right.")
    assert d.fixes[0].label == RIGHT_SHAPE
    assert "dW2 = dZ2.T @ A1" in d.suggestions
    assert suggested_shapes(d, env)[0] == (3, 3)


def test_a_plain_number_in_a_matrix_product_is_explained():
    env = {**arrays(X=(4, 3)), "m": 4}
    d = checked("m @ X", env)
    assert not d.ok and "plain number" in d.explanation and "use *" in d.explanation
    assert "m * X" in d.suggestions


# ---- nested expressions, reductions, reshape ---------------------------------------------------------------


def test_nested_failure_blames_the_inner_node_and_stops_the_steps_there():
    env = arrays(W=(3, 2), Y=(4, 2))
    d = checked("W = (W * (W - Y)) * 2", env)
    assert not d.ok and d.culprit == "W - Y"
    assert "second-to-last axes are 3 and 4" in d.explanation
    assert d.steps == [("W", (3, 2)), ("W", (3, 2)), ("Y", (4, 2))]


def test_np_sum_with_keepdims():
    env = arrays(dZ2=(2, 5), db2=(2, 1))
    d = checked("db2 = np.sum(dZ2, axis=1, keepdims=True)", env)
    assert d.ok and d.shape == (2, 1) and d.suggestions == []
    assert d.explanation == "db2 = np.sum(dZ2, axis=1, keepdims=True) gives (2, 1), the same shape as db2."
    assert d.steps == [("dZ2", (2, 5)), ("np.sum(dZ2, axis=1, keepdims=True)", (2, 1))]


def test_sum_without_keepdims_runs_but_is_flagged_against_the_target():
    env = arrays(A2=(4, 3), Y=(4, 3), db2=(1, 3))
    d = checked("db2 = (A2 - Y).sum(axis=0)", env)
    assert d.runs and not d.ok and d.shape == (3,) and d.error is None
    assert d.culprit == "(A2 - Y).sum(axis=0)"  # a silent bug, blamed like a crash
    assert "adds up along axis 0 only, leaving (3,)" in d.explanation and "db2 is (1, 3)" in d.explanation
    assert d.suggestions[0] == "db2 = (A2 - Y).sum(axis=0, keepdims=True)"
    assert all(shape == (1, 3) for shape in suggested_shapes(d, env))
    assert [text for text, _ in d.steps] == ["A2", "Y", "A2 - Y", "(A2 - Y).sum(axis=0)"]


def test_ok_with_a_different_target_shape_offers_only_variants_with_the_expected_shape():
    env = arrays(dZ2=(5, 4), A1=(5, 3), dW2=(3, 4))
    d = checked("dW2 = dZ2.T @ A1", env)
    assert d.runs and not d.ok and d.shape == (4, 3)
    assert d.explanation.endswith("So dW2 comes out (4, 3), but dW2 is (3, 4).")
    assert d.suggestions and all(shape == (3, 4) for shape in suggested_shapes(d, env))
    assert d.suggestions[0] == "dW2 = A1.T @ dZ2"


def test_a_stray_transpose_is_dropped_rather_than_undone():
    env = arrays(dA1=(2, 3), A1=(2, 3), dZ1=(2, 3))
    d = checked("dZ1 = (dA1 * A1) * (1 - A1.T)", env)
    assert d.culprit == "(dA1 * A1) * (1 - A1.T)"
    assert d.suggestions[0] == "dZ1 = (dA1 * A1) * (1 - A1)"  # not the equal, longer (1 - A1.T).T
    assert "dZ1 = (dA1 * A1) * (1 - A1.T).T" not in d.suggestions


def test_an_axis_that_does_not_exist():
    env = arrays(A2=(4, 3), Y=(4, 3), b2=(1, 3))
    d = checked("(A2 - Y).sum(axis=2)", env)
    assert not d.ok and d.culprit == "(A2 - Y).sum(axis=2)"
    assert "out of bounds" in d.error
    assert "(4, 3) has 2 axes" in d.explanation and "no axis 2" in d.explanation
    assert "(A2 - Y).sum(axis=0, keepdims=True)" in d.suggestions  # no target: every axis that runs
    assert {f.label for f in d.fixes} == {RUNS}


@pytest.mark.parametrize("expr, shape", [
    ("dZ2.mean(axis=0, keepdims=True)", (1, 3)),
    ("np.mean(dZ2, axis=1)", (4,)),
    ("dZ2.max(axis=1, keepdims=True)", (4, 1)),
    ("dZ2.max()", ()),
    ("dZ2.reshape(2, -1)", (2, 6)),
    ("dZ2.reshape((12,))", (12,)),
    ("np.transpose(dZ2) @ dZ2", (3, 3)),
    ("np.exp(-dZ2 ** 2).sum(axis=0) * 2 + 1", (3,)),
    ("np.outer(dZ2[0], dZ2[:, 1])", (3, 4)),
    ("np.where(dZ2 > 0, 1, 0.01) * np.maximum(dZ2, 0)", (4, 3)),
    ("np.ones_like(dZ2[:-1]) - np.zeros_like(dZ2[1:, :2]).T.T[:, 0:1]", (3, 3)),
    ("np.dot(dZ2, np.tanh(dZ2).T) / np.multiply(dZ2, dZ2).sum()", (4, 4)),
])
def test_the_grammar_evaluates_with_numpys_shapes(expr, shape):
    env = arrays(dZ2=(4, 3))
    d = checked(expr, env)
    assert d.ok and d.shape == shape
    assert d.steps[-1] == (expr, shape)
    with np.errstate(all="ignore"):
        assert np.shape(eval(expr, {"np": np}, dict(env))) == shape  # the test's own reference, not the doctor's


def test_a_reshape_that_cannot_hold_the_numbers():
    env = arrays(A2=(4, 2))
    d = checked("A2.reshape(2, 5)", env)
    assert not d.ok and d.error == "cannot reshape array of size 8 into shape (2,5)"
    assert "(4, 2) has 8" in d.explanation and "(2, 5)" in d.explanation


def test_the_max_of_an_empty_axis():
    env = {"Z": np.zeros((0, 3))}
    d = checked("Z.max(axis=0)", env)
    assert not d.ok and "zero-size array" in d.error
    assert "Z.max(axis=1)" in d.suggestions


def test_broadcasting_three_operands():
    env = arrays(X=(4, 3), Y=(4, 2))
    d = checked("np.where(X > 0, X, Y)", env)
    assert not d.ok and d.culprit == "np.where(X > 0, X, Y)"
    assert "(4, 3), (4, 3) and (4, 2)" in d.explanation


def test_fewer_axes_line_up_with_the_last_ones():
    env = arrays(v=(4,), X=(4, 3))
    d = checked("X + v", env)
    assert not d.ok and "(4,) has fewer axes" in d.explanation
    assert "X.T + v" in d.suggestions


def test_a_failure_the_shapes_allow_is_still_blamed_with_numpys_message():
    env = arrays(X=(4, 3))
    d = checked("(X > 0) - (X < 0)", env)
    assert not d.ok and d.culprit == "(X > 0) - (X < 0)"
    assert "boolean subtract" in d.error
    assert "the shapes (4, 3) and (4, 3) are fine" in d.explanation


def test_an_index_out_of_range():
    env = arrays(W2=(3, 4))
    d = checked("W2[5]", env)
    assert not d.ok and d.error == "index 5 is out of bounds for axis 0 with size 3"
    assert "(3, 4)" in d.explanation


def test_nan_and_inf_are_reported_not_raised():
    env = {**arrays(A2=(4, 2), Y=(4, 2)), "m": 4}
    for expr in ("np.log(A2 - 1)", "-Y / (A2 * 0) / m", "1/0", "np.exp(A2 * 1000)", "np.mean(A2[:0])"):
        d = checked(expr, env)
        assert d.ok, expr
        assert "nan or inf" in d.explanation, expr


def test_diagnosis_is_frozen():
    d = diagnose("X", arrays(X=(2, 2)))
    assert isinstance(d, Diagnosis)
    with pytest.raises(FrozenInstanceError):
        d.ok = False


# ---- hostile input: refused with ValueError before anything runs -----------------------------------------


class Spy(np.ndarray):
    """An array that logs every NumPy operation applied to it."""

    log: list = []

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        Spy.log.append(ufunc.__name__)
        inputs = tuple(i.view(np.ndarray) if isinstance(i, Spy) else i for i in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        Spy.log.append(func.__name__)
        return super().__array_function__(func, types, args, kwargs)


HOSTILE = [
    "__import__('os')", "import os", "from os import system", "X.__class__", "().__class__.__bases__",
    "open('f')", "np.save('f', X)", "np.load('f')", "[x for x in X]", "(lambda: 1)()",
    "np.ones((100000, 100000, 100))", "2 ** 10 ** 10", "X ** 100", "X ** 4.5", "unknown + 1", "exec('1')",
    "eval('1')", "getattr(X, 'T')", "X.ctypes", "np.random.seed(0)", "np.random.rand(100000, 100000)",
    "X.tofile('f')", "X.T.__array_interface__",
    "np.sum(X, out=X)", "X[X > 0]", "X.reshape(X)", "X.reshape(-2, 6)", "W1 //= X", "W1.T -= X", "X.T = X", "np", "np.pi",
    "'text'", "X; X",
    "np.outer(big, big)", "big.reshape(-1, 1) * big", "np.dot(big.reshape(-1, 1), big.reshape(1, -1))",
    "print(X)", "X.dot(X, X)", "X if X else X", "99999999999999999999 * X",
    # the wider grammar: shapes checked before anything is made, exponents kept small, calls kept to their form
    "np.zeros((100000, 100000))", "np.ones((n, n))", "np.ones((n, -1))", "np.ones((X, 1))", "np.ones((10 ** 9,))",
    "np.ones((2.5, 1))", "np.ones(shape=(2, 2))", "np.power(X, 5)", "np.power(X, -5)", "X ** -5",
    "np.power(X, 4.5)", "np.power(X, X)", "np.hstack(X)", "np.hstack([])", "np.vstack([X, X], axis=1)",
    "np.concatenate([X, X], axis=X)", "np.expand_dims(X, X)", "np.expand_dims(X)", "sigmoid(X, out=X)",
    "softmax(X)", "softmax(X, axis=X)", "log_softmax(X, 1)", "X.dot(X, out=X)", "X.transpose(X)",
    "np.hstack([X, np.ones((n, n))])", "np.logaddexp(0, big.reshape(-1, 1) * big)", "W1 -= np.outer(big, big)",
    "W1 @= X", "W1 -= unknown", "W1[0] -= X",
]


@contextlib.contextmanager
def tripwires():
    """While active, every way of running code or touching files fails loudly; NumPy's work is logged by Spy."""
    compiled = []
    real_compile = builtins.compile

    def compile_ast_only(source, filename, mode, flags=0, *args, **kwargs):
        compiled.append(flags)
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def trip(*args, **kwargs):
        raise AssertionError("the doctor ran something it should have refused")

    real_import = builtins.__import__

    def guarded_import(name, *args, **kwargs):
        # The standard library imports helpers inside functions (ast.walk imports deque), so only these trip.
        if name.split(".")[0] in ("os", "subprocess", "shutil", "importlib", "socket", "pickle", "ctypes"):
            trip()
        return real_import(name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        for module, name in ((np, "save"), (np, "load"), (np, "ones"), (np.random, "rand"), (os, "system")):
            patch.setattr(module, name, trip)
        patch.setattr(Spy, "log", [])
        patch.setattr(builtins, "compile", compile_ast_only)
        for name in ("eval", "exec", "open"):
            patch.setattr(builtins, name, trip)
        patch.setattr(builtins, "__import__", guarded_import)
        yield compiled
    assert compiled and all(flags & ast.PyCF_ONLY_AST for flags in compiled)  # only ever a tree, never code


def spies():
    return {"X": np.ones((3, 4)).view(Spy), "W1": np.ones((3, 4)).view(Spy), "big": np.ones(10**4).view(Spy),
            "n": 10**5}


def test_the_spy_sees_what_the_doctor_computes():
    env = spies()
    with tripwires():
        d = diagnose("np.outer(X, X * 2)", env)
        log = list(Spy.log)
    assert d.ok and d.shape == (12, 12)
    assert "multiply" in log and "outer" in log


@pytest.mark.parametrize("expr", HOSTILE)
def test_hostile_input_is_refused_before_anything_runs(expr):
    env = spies()
    with tripwires():
        with pytest.raises(ValueError, match="not allowed|not valid"):
            diagnose(expr, env)
        log = list(Spy.log)
    assert log == []


@pytest.mark.parametrize("expr, message", [
    ("X.__class__", "not allowed: attribute '__class__'"),
    ("open('f')", "not allowed: call to 'open'"),
    ("import os", "not allowed: import"),
    ("np.ones((100000, 100000, 100))", "not allowed: np.ones((100000, 100000, 100)) would hold "
                                       "1,000,000,000,000 numbers"),
    ("np.ones((n, n))", "not allowed: np.ones((n, n)) would hold 10,000,000,000 numbers"),
    ("X ** -5", "not allowed: power with exponent -5; the exponent must be a whole number from -4 to 4"),
    ("np.power(X, 4.5)", "not allowed: power with exponent 4.5"),
    ("softmax(X)", "not allowed: softmax without axis="),
    ("2 ** 10 ** 10", "not allowed: power with exponent 10 ** 10"),
    ("unknown + 1", "not allowed: unknown name 'unknown'"),
    ("np.outer(big, big)", "not allowed: np.outer(big, big) would hold 100,000,000 numbers"),
])
def test_refusals_say_what_is_not_allowed(expr, message):
    with pytest.raises(ValueError) as raised:
        diagnose(expr, spies())
    assert str(raised.value).startswith(message)


def test_env_values_must_be_numbers_or_arrays_of_numbers():
    with pytest.raises(ValueError, match="not an array or a number"):
        diagnose("X + 1", {"X": "text"})
    with pytest.raises(ValueError, match="object values"):
        diagnose("X + 1", {"X": np.array([object()])})
    with pytest.raises(ValueError, match="empty"):
        diagnose("  ", {})


# ---- every formula of every engine configuration ------------------------------------------------------------


def step_env(net, m=5, lr=0.1):
    """The env the app builds: data, scalars, the parameters, and every event's value by name."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-1.0, 1.0, (m, net.sizes[0]))
    Y = np.eye(net.sizes[-1])[rng.integers(net.sizes[-1], size=m)] if net.output == "softmax" else \
        rng.uniform(0.0, 1.0, (m, net.sizes[-1]))
    if net.layout_name == "columns":
        X, Y = X.T, Y.T
    env = {"X": X, "Y": Y, "m": m, "lr": lr, **net.params}
    events = list(net.step(X, Y, lr))
    env.update({e.name: e.value for e in events})
    return env, events


@pytest.mark.parametrize("layout, bias, pair", list(itertools.product(LAYOUTS, BIASES, PAIRS)))
def test_every_backward_and_update_formula_diagnoses_ok_with_the_event_shape(layout, bias, pair):
    for hidden in HIDDEN:
        net = Network(sizes=(4, 3, 2), hidden=hidden, output=pair[0], loss=pair[1], layout=layout, bias=bias)
        env, events = step_env(net)
        formulas = [e for e in events if e.phase in ("backward", "update")]
        assert len(formulas) >= 5
        for e in formulas:
            d = diagnose(e.formula, env)
            assert d.ok, (e.formula, d)
            assert d.shape == e.shape, e.formula
            assert d.suggestions == []
            assert d.explanation.endswith(f"the same shape as {e.name}.")


def test_the_formulas_the_issue_lists_appear_in_the_engine_and_all_diagnose():
    listed = {"dZ2 = (A2 - Y) / m", "dA2 = -Y / A2 / m", "dA2 = (A2 - Y) / m", "dW2 = A1.T @ dZ2",
              "dW2 = dZ2 @ A1.T", "db2 = dZ2.sum(axis=0, keepdims=True)", "db2 = dZ2.sum(axis=1, keepdims=True)",
              "dA1 = dZ2 @ W2.T", "dA1 = W2.T @ dZ2", "dA1 = dZ2 @ W2[:-1].T", "dA1 = W2[:, :-1].T @ dZ2",
              "dZ1 = dA1 * A1 * (1 - A1)", "dZ1 = dA1 * (1 - A1 ** 2)", "dZ1 = dA1 * (Z1 > 0)",
              "dZ1 = dA1 * np.where(Z1 > 0, 1, 0.01)", "dZ1 = dA1", "dW1 = X_aug.T @ dZ1", "W1 = W1 - lr * dW1"}
    seen = set()
    for layout, bias, hidden, pair in itertools.product(LAYOUTS, BIASES, HIDDEN, PAIRS):
        net = Network(sizes=(4, 3, 2), hidden=hidden, output=pair[0], loss=pair[1], layout=layout, bias=bias)
        seen |= {p.formula for p in net.plan if p.phase in ("backward", "update")}
    assert listed <= seen


def events_in_order(net, m=5, lr=0.1):
    """Each event with the env the app shows at it: data, scalars, parameters, and the events before it."""
    rng = np.random.default_rng(2)
    X = rng.uniform(-1.0, 1.0, (m, net.sizes[0]))
    Y = np.eye(net.sizes[-1])[rng.integers(net.sizes[-1], size=m)] if net.output == "softmax" else \
        rng.uniform(0.0, 1.0, (m, net.sizes[-1]))
    if net.layout_name == "columns":
        X, Y = X.T, Y.T
    env = {"X": X, "Y": Y, "m": m, "lr": lr, **net.params}
    for e in net.step(X, Y, lr):
        yield e, dict(env)
        env[e.name] = e.value


@pytest.mark.parametrize("layout, bias", list(itertools.product(LAYOUTS, BIASES)))
def test_every_formula_the_engine_shows_is_accepted_and_gives_the_events_own_value(layout, bias):
    shown = 0
    for hidden, (output, loss) in itertools.product(HIDDEN, PAIRS):
        net = Network(sizes=(4, 3, 2), hidden=hidden, output=output, loss=loss, layout=layout, bias=bias)
        for e, env in events_in_order(net):
            d = diagnose(e.formula, env, expected=e.value)
            assert d.ok and d.shape == e.shape, (e.formula, d.explanation)
            assert d.explanation.endswith(f"and the engine's values of {e.name}."), e.formula
            assert d.fixes == []
            shown += 1
    assert shown >= 5 * 5 * 14


# ---- break it --------------------------------------------------------------------------------------------------


def rows_env():
    """rows layout, sizes (4, 3, 2), 5 examples: A1 (5, 3), dZ2 (5, 2), dW2 (3, 2), b2 (1, 2)."""
    env, _ = step_env(Network(sizes=(4, 3, 2), layout="rows"))
    return env


def by_kind(found):
    assert all(isinstance(mk, Mistake) for mk in found)
    return {mk.kind: mk for mk in found}


def test_mistakes_in_the_weight_gradient():
    env = rows_env()
    found = by_kind(mistakes("dW2 = A1.T @ dZ2", env))
    missing = found["missing transpose"]
    assert missing.expr == "dW2 = A1 @ dZ2"
    assert not missing.diagnosis.ok and missing.diagnosis.error.startswith("matmul:")
    assert missing.diagnosis.culprit == "A1 @ dZ2"
    assert missing.diagnosis.error not in missing.why  # the screen shows NumPy's message once, beside this
    assert "(5, 3) @ (5, 2)" in missing.why
    assert missing.diagnosis.suggestions[0] == "dW2 = A1.T @ dZ2"
    star = found["* where @ was meant"]
    assert star.expr == "dW2 = A1.T * dZ2"
    assert not star.diagnosis.ok and "could not be broadcast" in star.diagnosis.error
    assert "element by element" in star.why and "(3, 5) and (5, 2)" in star.why
    assert found["transposed the wrong operand"].expr == "dW2 = A1 @ dZ2.T"
    for mk in found.values():
        again = diagnose(mk.expr, env, expected=env["dW2"])
        assert (mk.diagnosis.culprit, mk.diagnosis.error, mk.diagnosis.explanation) == \
            (again.culprit, again.error, again.explanation)


def test_mistakes_in_the_bias_gradient_rows():
    env = rows_env()
    found = by_kind(mistakes("db2 = dZ2.sum(axis=0, keepdims=True)", env))
    assert set(found) == {"sum over the wrong axis", "missing keepdims"}
    axis = found["sum over the wrong axis"]
    assert axis.expr == "db2 = dZ2.sum(axis=1, keepdims=True)"
    assert axis.diagnosis.runs and not axis.diagnosis.ok and axis.diagnosis.shape == (5, 1)
    assert "(5, 1) instead of (1, 2)" in axis.why and "axis 1 instead of axis 0" in axis.why
    assert "into (5, 2)" in axis.why  # what b2 - lr * db2 then does
    keep = found["missing keepdims"]
    assert keep.expr == "db2 = dZ2.sum(axis=0)"
    assert keep.diagnosis.runs and not keep.diagnosis.ok and keep.diagnosis.shape == (2,)
    assert "(2,) instead of (1, 2)" in keep.why
    assert "still broadcasts back to (1, 2)" in keep.why
    assert keep.diagnosis.suggestions[0] == "db2 = dZ2.sum(axis=0, keepdims=True)"


def test_missing_keepdims_in_the_columns_layout_silently_grows_the_bias():
    env, _ = step_env(Network(sizes=(4, 3, 2), layout="columns"))
    keep = by_kind(mistakes("db2 = dZ2.sum(axis=1, keepdims=True)", env))["missing keepdims"]
    assert keep.diagnosis.shape == (2,)
    assert "broadcasts (2, 1) with (2,) into (2, 2)" in keep.why and "wrong shape" in keep.why


def test_nothing_to_break():
    env = rows_env()
    assert mistakes("dZ1 = dA1", env) == []
    assert mistakes("dZ2 = (A2 - Y) / m", env) == []


def test_mistakes_of_every_backward_formula_are_diagnosed_and_explained():
    kinds = {"missing transpose", "* where @ was meant", "sum over the wrong axis", "missing keepdims",
             "transposed the wrong operand", "kept the bias row"}
    seen = set()
    for layout, bias in itertools.product(LAYOUTS, BIASES):
        env, events = step_env(Network(sizes=(4, 3, 2), hidden="relu", layout=layout, bias=bias))
        for e in events:
            if e.phase != "backward":
                continue
            for mk in mistakes(e.formula, env):
                seen.add(mk.kind)
                assert mk.kind in kinds and mk.expr != e.formula and mk.why
                assert not mk.diagnosis.ok and mk.diagnosis.runs == (mk.diagnosis.error is None)
                if not mk.diagnosis.runs:
                    assert mk.diagnosis.error.strip() not in mk.why
                for s in mk.diagnosis.suggestions:
                    assert diagnose(s, env).runs
    assert seen == kinds


# ---- the shape rules agree with NumPy --------------------------------------------------------------------------

shapes = st.lists(st.integers(0, 4), max_size=3).map(tuple)


def numpy_says(expr, env):
    """What NumPy itself gives: the test's reference, evaluated here in the test and never by the doctor."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # np.mean of an empty axis warns "Mean of empty slice"
            return np.shape(eval(expr, {"np": np}, dict(env))), None
    except (ValueError, IndexError, TypeError) as e:
        return None, str(e)


@settings(max_examples=300, deadline=None)
@given(a=shapes, b=shapes, template=st.sampled_from(["A + B", "A @ B", "np.dot(A, B)", "np.outer(A, B)",
                                                     "np.where(A > 0, A, B)", "A * B.T"]))
def test_binary_shape_rules_agree_with_numpy(a, b, template):
    env = {"A": np.ones(a), "B": np.ones(b)}
    expected, error = numpy_says(template, env)
    d = checked(template, env)
    assert d.runs == (error is None)
    assert d.shape == expected
    assert d.error == error


@settings(max_examples=300, deadline=None)
@given(a=shapes, call=st.one_of(
    st.builds(lambda f, axis, keep: f"A.{f}(axis={axis}, keepdims={keep})", st.sampled_from(["sum", "mean", "max"]),
              st.integers(-4, 3), st.booleans()),
    st.builds(lambda f: f"A.{f}()", st.sampled_from(["sum", "mean", "max"])),
    st.builds(lambda new: f"A.reshape({', '.join(map(str, new))})",
              st.lists(st.integers(-1, 6), min_size=1, max_size=3)),
    st.builds(lambda i, j: f"A[{i}:{j}, {i}]", st.integers(-4, 4), st.integers(-4, 4)),
    st.builds(lambda i: f"A[{i}]", st.integers(-4, 4)),
))
def test_unary_shape_rules_agree_with_numpy(a, call):
    env = {"A": np.arange(float(np.prod(a))).reshape(a) - 1.0}
    expected, error = numpy_says(call, env)
    d = checked(call, env)
    assert d.runs == (error is None), (call, a)
    assert d.shape == expected
    assert d.error == error
