"""Write it yourself: every engine formula typed back is exact, every break-it mistake is named, spellings agree."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine import Network
from engine.activations import HIDDEN
from engine.doctor import mistakes
from engine.exercise import Sheet, blanked, check, hints

PAIRS = (("sigmoid", "bce"), ("sigmoid", "ce"), ("sigmoid", "mse"), ("identity", "mse"), ("softmax", "ce"))
MODES = list(itertools.product(("rows", "columns"), ("vector", "augmented")))


def sheet_for(make_data, sizes, layout, bias, hidden="sigmoid", output="sigmoid", loss="bce", m=5, seed=1):
    net = Network(sizes, hidden=hidden, output=output, loss=loss, layout=layout, bias=bias, seed=seed)
    X, Y = make_data(net, m, np.random.default_rng(seed))
    return net, X, Y, Sheet.of(net, X, Y, lr=0.3)


@pytest.mark.parametrize("sizes", [(3, 4, 2), (3, 4, 5, 2)], ids=["depth2", "depth3"])
@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("layout, bias", MODES)
def test_typing_every_engine_formula_is_exact(make_data, layout, bias, hidden, output, loss, sizes):
    net, X, Y, sheet = sheet_for(make_data, sizes, layout, bias, hidden, output, loss)
    assert len(sheet.events) == len(net.plan)
    for i, event in enumerate(sheet.events):
        v = sheet.judge(i, event.formula)
        assert (v.shape_ok, v.exact, v.close, v.max_diff, v.mistake) == (True, True, True, 0.0, None), \
            (event.formula, v.diagnosis)
        assert v.text == f"{event.name} | exact: True | approximate: True | maxdiff: 0.0"


def test_the_sheet_leaves_the_network_unchanged(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector")
    before = net.params
    Sheet.of(net, X, Y)
    assert net.steps == 0 and all(np.array_equal(before[k], P) for k, P in net.params.items())


@pytest.mark.parametrize("sizes", [(3, 4, 2), (3, 4, 5, 2)], ids=["depth2", "depth3"])
@pytest.mark.parametrize("layout, bias", MODES)
def test_typing_every_mistake_of_break_its_catalogue_is_wrong_and_named(make_data, layout, bias, sizes):
    net, X, Y, sheet = sheet_for(make_data, sizes, layout, bias, m=6)
    typed = 0
    for i, event in enumerate(sheet.events):
        if event.phase != "backward":
            continue
        env = sheet.env(i)
        found = mistakes(event.formula, env, expected=event.value, axes=sheet.axes)
        for m in found:
            v = sheet.judge(i, m.expr)
            kinds = {n.kind for n in found if n.expr.replace(" ", "") == m.expr.replace(" ", "")}
            assert not v.right and v.mistake in kinds, (m.expr, v)
            assert v.diagnosis and v.summary == v.mistake
            typed += 1
    assert typed >= 3 * (len(sizes) - 1)


def test_a_mistake_spelled_with_np_dot_is_still_named(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector", m=6)
    for line in ("dW2 = A1 @ dZ2", "dW2 = np.dot(A1, dZ2)", "dW2 = A1.dot(dZ2)"):
        v = check(net, X, Y, "dW2", line, lr=0.3)
        assert v.mistake == "missing transpose", line
        # the axes in words: what each of A1's and dZ2's axes counts
        assert "6 examples × 4 hidden units" in v.diagnosis and "6 examples × 2 outputs" in v.diagnosis


@pytest.mark.parametrize("layout, line", [
    ("rows", "np.dot(A1.T, dZ2)"), ("rows", "A1.T.dot(dZ2)"), ("rows", "A1.T @ dZ2"), ("rows", "dW2 = np.matmul(A1.T, dZ2)"),
    ("columns", "np.dot(dZ2, A1.T)"), ("columns", "dZ2.dot(A1.T)"), ("columns", "dZ2 @ A1.T"),
    ("columns", "dW2 = dZ2 @ np.transpose(A1)"),
])
def test_np_dot_dot_and_at_are_all_right(make_data, layout, line):
    net, X, Y, _ = sheet_for(make_data, (3, 4, 2), layout, "vector")
    v = check(net, X, Y, "dW2", line, lr=0.3)
    assert v.right and v.shape_ok and v.close and v.mistake is None, v.diagnosis


def test_a_wrong_line_gets_the_doctors_diagnosis_and_the_numbers(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector", m=6)
    i = sheet.index_of("dZ1")
    v = sheet.judge(i, "dZ1 = dA1 * A1")  # forgot (1 - A1): right shape, wrong values
    truth = sheet.events[i].value
    got = sheet.env(i)["dA1"] * sheet.env(i)["A1"]
    assert (v.shape_ok, v.exact, v.close, v.mistake) == (True, False, False, None)
    assert v.max_diff == pytest.approx(np.max(np.abs(got - truth)))
    assert "not the engine's values" in v.diagnosis
    assert v.text == f"dZ1 | exact: False | approximate: False | maxdiff: {v.max_diff!r}"
    shape = sheet.judge(sheet.index_of("db1"), "dZ1.sum(axis=0)")
    assert (shape.shape, shape.shape_ok, shape.max_diff) == ((4,), False, None)


def test_close_but_not_exact(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector")
    v = check(net, X, Y, "dZ1", "dA1 * A1 * (1 - A1) * (1 + 1e-12)", lr=0.3)
    assert (v.exact, v.close, v.right, v.summary) == (False, True, True, "right (within rounding)")
    assert 0 < v.max_diff < 1e-9


def test_the_line_sees_only_what_the_step_has_reached(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector")
    v = check(net, X, Y, "dW2", "dZ1.T", lr=0.3)
    assert v.error and "dZ1 is computed at event" in v.error and not v.right
    other = check(net, X, Y, "dW2", "dW1 = A1.T @ dZ2", lr=0.3)
    assert "this event computes dW2, but the line assigns dW1" in other.error
    refused = check(net, X, Y, "dW2", "__import__('os')", lr=0.3)
    assert refused.error and not refused.right
    with pytest.raises(ValueError, match="no event named 'dW9'"):
        check(net, X, Y, "dW9", "A1.T @ dZ2")


def test_hints_give_more_away_one_level_at_a_time(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "columns", "vector", m=6)
    event = sheet.events[sheet.index_of("dW2")]
    shape, term, line = hints(event)
    assert shape == "dW2 must come out (2, 4); the shape rule: (2, 6) @ (4, 6)ᵀ → (2, 4)"
    assert "∂L/∂W2 = ∂L/∂Z2 · A1ᵀ" in term and "∂L/∂Z2 is dZ2" in term and "A1ᵀ is A1.T" in term
    assert line == "the line: dW2 = ___ @ ___.T" == f"the line: {blanked(event)}"
    augmented = Sheet.of(Network((3, 4, 2), bias="augmented"), X.T, Y.T)
    assert blanked(augmented.events[augmented.index_of("dA1")]) == "dA1 = ___ @ ___[:-1].T"


def test_scopes_choose_forward_backward_or_all(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector")
    names = lambda scope: [sheet.events[i].name for i in sheet.chosen(scope)]
    assert names("forward") == ["Z1", "A1", "Z2", "A2", "L"]
    assert names("backward") == ["dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]
    assert names("all") == names("forward") + names("backward")


def test_a_line_that_gives_nan_is_wrong_without_a_warning(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector")
    v = check(net, X, Y, "dZ1", "dA1 * np.log(A1 - 2)", lr=0.3)  # log of negatives: nan everywhere
    assert (v.shape_ok, v.exact, v.close, v.max_diff, v.right) == (True, False, False, None, False)
    assert "Some of its entries are nan or inf." in v.diagnosis


def test_one_hint_taken_costs_right_first_time():
    from engine.exercise import AFTER_HINTS, AFTER_TRIES, RIGHT_FIRST, Attempt

    assert Attempt("dW2", tries=1, right=True).outcome == RIGHT_FIRST
    assert Attempt("dW2", tries=1, hints=1, right=True).outcome == AFTER_HINTS
    assert Attempt("dW2", tries=2, hints=1, right=True).outcome == AFTER_HINTS
    assert Attempt("dW2", tries=2, right=True).outcome == AFTER_TRIES


def test_a_line_that_reads_its_own_event_says_where_that_event_is_computed(make_data):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), "rows", "vector")
    k = sheet.index_of("dW2")
    v = sheet.judge(k, "dW2 = A1.T @ dZ2 + 0 * dW2")
    assert v.error == f"dW2 is computed at event {k + 1}, not before dW2 (event {k + 1})" and not v.right
    later = sheet.judge(k, "dW2 = A1.T @ dZ2 + 0 * dW1.sum()")
    assert later.error == (f"dW1 is computed at event {sheet.index_of('dW1') + 1}, not before dW2 (event {k + 1})")


@pytest.mark.parametrize("layout, bias", MODES)
def test_an_update_written_with_minus_equals_is_judged_as_the_plain_one(make_data, layout, bias):
    net, X, Y, sheet = sheet_for(make_data, (3, 4, 2), layout, bias)
    updates = [(i, e) for i, e in enumerate(sheet.events) if e.phase == "update"]
    assert updates
    for i, event in updates:
        name, _, rhs = event.formula.partition(" = ")
        step = rhs.removeprefix(f"{name} - ")
        assert step != rhs, event.formula  # the update is W = W - lr * dW, so -= can say the same
        for plain, augmented in ((f"{name} = {name} - {step}", f"{name} -= {step}"),
                                 (f"{name} = {name} + {step}", f"{name} += {step}")):
            a, b = sheet.judge(i, plain), sheet.judge(i, augmented)
            assert (a.right, a.exact, a.max_diff, b.error) == (b.right, b.exact, b.max_diff, None), augmented
        assert sheet.judge(i, f"{name} -= {step}").exact and not sheet.judge(i, f"{name} += {step}").right
    other = updates[1][1].name
    assert "assigns " + other in sheet.judge(updates[0][0], f"{other} -= lr").error  # the name on the left counts
