"""The events of a step: order, names, text, operands, read-only values, laziness, and the update they apply."""

import itertools

import numpy as np
import pytest

import engine.activations
from engine import PHASES, Network, datasets

CONFIGS = {
    "default": dict(),
    "unfused": dict(output="sigmoid", loss="mse"),
    "augmented-columns": dict(layout="columns", bias="augmented"),
    "deep-softmax": dict(sizes=(2, 3, 3, 4), hidden="relu", output="softmax", loss="ce"),
    "single-layer-sigmoid-ce": dict(sizes=(3, 2), output="sigmoid", loss="ce", bias="augmented"),
    "identity-mse-columns": dict(sizes=(3, 4, 2), hidden="identity", output="identity", loss="mse",
                                 layout="columns"),
}


def setup(make_data, m=3, seed=0, **options):
    net = Network(**options)
    X, Y = make_data(net, m, np.random.default_rng(seed))
    return net, X, Y


@pytest.fixture(params=list(CONFIGS), ids=list(CONFIGS))
def config(request, make_data):
    return setup(make_data, **CONFIGS[request.param])


def names(net, X, Y):
    return [e.name for e in net.step(X, Y)]


# ---- order and names -------------------------------------------------------------------------------------


def test_phases():
    assert PHASES == ("forward", "loss", "backward", "update")


def test_phases_come_in_order(config):
    net, X, Y = config
    events = list(net.step(X, Y))
    phases = [e.phase for e in events]
    assert phases == sorted(phases, key=PHASES.index)
    assert set(phases) == set(PHASES)
    assert [e.name for e in events if e.phase == "loss"] == ["L"]
    assert [e.name for e in events if e.phase == "update"] == list(net.params)


def test_indices_count_from_zero_and_steps_count_steps(config):
    net, X, Y = config
    first = list(net.step(X, Y))
    second = list(net.step(X, Y))
    assert [e.index for e in first] == list(range(len(first)))
    assert [e.index for e in second] == list(range(len(second)))
    assert {e.step for e in first} == {0} and {e.step for e in second} == {1}
    assert net.steps == 2


def test_plan_announces_the_events(config):
    net, X, Y = config
    plan = net.plan
    events = list(net.step(X, Y))
    assert [p.name for p in plan] == [e.name for e in events]
    assert [p.phase for p in plan] == [e.phase for e in events]


DEFAULT_NAMES = "Z1 A1 Z2 A2 L dZ2 dW2 db2 dA1 dZ1 dW1 db1 W1 b1 W2 b2"


@pytest.mark.parametrize("options, expected", [
    (dict(), DEFAULT_NAMES),
    (dict(layout="columns"), DEFAULT_NAMES),
    (dict(output="softmax", loss="ce"), DEFAULT_NAMES),
    (dict(output="sigmoid", loss="mse"), "Z1 A1 Z2 A2 L dA2 dZ2 dW2 db2 dA1 dZ1 dW1 db1 W1 b1 W2 b2"),
    (dict(output="sigmoid", loss="ce"), "Z1 A1 Z2 A2 L dA2 dZ2 dW2 db2 dA1 dZ1 dW1 db1 W1 b1 W2 b2"),
    (dict(bias="augmented"), "X_aug Z1 A1 A1_aug Z2 A2 L dZ2 dW2 dA1 dZ1 dW1 W1 W2"),
    (dict(bias="augmented", layout="columns", output="sigmoid", loss="mse"),
     "X_aug Z1 A1 A1_aug Z2 A2 L dA2 dZ2 dW2 dA1 dZ1 dW1 W1 W2"),
    (dict(sizes=(4, 2)), "Z1 A1 L dZ1 dW1 db1 W1 b1"),
    (dict(sizes=(4, 2), bias="augmented", output="identity", loss="mse"), "X_aug Z1 A1 L dZ1 dW1 W1"),
    (dict(sizes=(4, 3, 2, 3), hidden="tanh"),
     "Z1 A1 Z2 A2 Z3 A3 L dZ3 dW3 db3 dA2 dZ2 dW2 db2 dA1 dZ1 dW1 db1 W1 b1 W2 b2 W3 b3"),
])
def test_exact_names(options, expected, make_data):
    net, X, Y = setup(make_data, **{"sizes": (4, 3, 3), **options})
    assert names(net, X, Y) == expected.split()


def test_every_parameter_has_a_backward_and_an_update_event(config):
    net, X, Y = config
    events = list(net.step(X, Y))
    backward = {e.name for e in events if e.phase == "backward"}
    update = [e.name for e in events if e.phase == "update"]
    for key in net.params:
        assert "d" + key in backward
    assert update == list(net.params)


# ---- text and operands ----------------------------------------------------------------------------------


def test_formula_term_and_operands_are_plain_data(config):
    net, X, Y = config
    for e in net.step(X, Y):
        assert isinstance(e.formula, str) and e.formula.startswith(e.name + " = ")
        assert isinstance(e.term, str) and e.term
        assert isinstance(e.operands, tuple) and e.operands
        for label, shape in e.operands:
            assert isinstance(label, str) and label
            assert isinstance(shape, tuple) and all(type(n) is int for n in shape)
        assert e.shape == e.value.shape
        assert isinstance(e.shape, tuple)
        assert e.phase in PHASES and isinstance(e.layer, int)


@pytest.mark.parametrize("layout, bias, name, formula, term, operands", [
    ("rows", "vector", "Z1", "Z1 = X @ W1 + b1", None, ("X", "W1", "b1")),
    ("columns", "vector", "Z1", "Z1 = W1 @ X + b1", None, ("W1", "X", "b1")),
    ("rows", "vector", "dW2", "dW2 = A1.T @ dZ2", "∂L/∂W2 = A1ᵀ · ∂L/∂Z2", ("A1", "dZ2")),
    ("columns", "vector", "dW2", "dW2 = dZ2 @ A1.T", "∂L/∂W2 = ∂L/∂Z2 · A1ᵀ", ("dZ2", "A1")),
    ("rows", "vector", "db2", "db2 = dZ2.sum(axis=0, keepdims=True)", None, ("dZ2",)),
    ("columns", "vector", "db2", "db2 = dZ2.sum(axis=1, keepdims=True)", None, ("dZ2",)),
    ("rows", "vector", "dA1", "dA1 = dZ2 @ W2.T", "∂L/∂A1 = ∂L/∂Z2 · W2ᵀ", ("dZ2", "W2")),
    ("columns", "vector", "dA1", "dA1 = W2.T @ dZ2", "∂L/∂A1 = W2ᵀ · ∂L/∂Z2", ("W2", "dZ2")),
    ("rows", "vector", "dZ2", "dZ2 = (A2 - Y) / m", None, ("A2", "Y")),
    ("rows", "vector", "W1", "W1 = W1 - lr * dW1", None, ("W1", "dW1")),
    ("rows", "augmented", "Z1", "Z1 = X_aug @ W1", None, ("X_aug", "W1")),
    ("rows", "augmented", "dW1", "dW1 = X_aug.T @ dZ1", None, ("X_aug", "dZ1")),
    ("rows", "augmented", "dA1", "dA1 = dZ2 @ W2[:-1].T", None, ("dZ2", "W2[:-1]")),
    ("columns", "augmented", "dA1", "dA1 = W2[:, :-1].T @ dZ2", None, ("W2[:, :-1]", "dZ2")),
])
def test_formulas_terms_and_operand_labels(layout, bias, name, formula, term, operands, make_data):
    net, X, Y = setup(make_data, layout=layout, bias=bias)
    event = next(e for e in net.step(X, Y) if e.name == name)
    assert event.formula == formula
    if term is not None:
        assert event.term == term
    assert tuple(label for label, _ in event.operands) == operands


# ---- values: read-only, and the very arrays the step used -------------------------------------------------


def test_values_are_read_only(config):
    net, X, Y = config
    for e in net.step(X, Y):
        assert e.value.flags.writeable is False, e
        with pytest.raises(ValueError, match="read-only"):
            e.value[...] = 0.0
    for P in net.params.values():
        assert P.flags.writeable is False
        with pytest.raises(ValueError, match="read-only"):
            P[...] = 0.0


def test_params_dict_is_a_copy():
    net = Network()
    W1 = net.params["W1"]
    net.params["W1"] = np.zeros((4, 3))
    del net.params["b1"]
    assert net.params["W1"] is W1 and "b1" in net.params


def test_operands_are_the_very_arrays_not_copies(config):
    net, X, Y = config
    before = net.params
    seen = {}
    for e in net.step(X, Y):
        assert e.shape == e.value.shape
        for (label, _), array in zip(e.operands, e.arrays):
            if label in seen:  # computed earlier in this step
                assert array is seen[label], (e, label)
            elif label in before:  # a parameter, before this step's update
                assert array is before[label], (e, label)
            elif label.endswith("[:-1]") or label.endswith("[:, :-1]"):  # a view of an augmented W
                key = label.split("[")[0]
                assert array.base is before[key], (e, label)
                np.testing.assert_array_equal(array, before[key][:-1] if label.endswith("[:-1]")
                                              else before[key][:, :-1])
            else:
                assert label in ("X", "Y"), (e, label)
        seen[e.name] = e.value


def test_named_identities(make_data):
    net, X, Y = setup(make_data)
    before = net.params
    events = {e.name: e for e in net.step(X, Y)}
    assert events["Z1"].arrays[1] is before["W1"]
    assert events["dW2"].arrays[1] is events["dZ2"].value
    assert events["db2"].arrays[0] is events["dZ2"].value
    assert events["Z2"].arrays[0] is events["A1"].value
    assert events["W2"].arrays[0] is before["W2"]
    assert events["W2"].arrays[1] is events["dW2"].value


# ---- laziness and the update ------------------------------------------------------------------------------


def test_step_computes_one_operation_per_next(monkeypatch, make_data):
    calls = []
    real = engine.activations.sigmoid

    def counting_sigmoid(Z):
        calls.append(Z.shape)
        return real(Z)

    # The sigmoid ops look the function up when they run, so this counts sigmoid evaluations.
    monkeypatch.setattr(engine.activations, "sigmoid", counting_sigmoid)
    net, X, Y = setup(make_data)
    gen = net.step(X, Y)
    assert calls == []  # nothing computed yet
    expected_calls_after = {"Z1": 0, "A1": 1, "Z2": 1, "A2": 2}
    for name, count in expected_calls_after.items():
        event = next(gen)
        assert event.name == name
        assert len(calls) == count
    gen.close()


def test_stopping_early_changes_nothing(config):
    net, X, Y = config
    before = net.params
    total = len(net.plan)
    for k in range(total):
        gen = net.step(X, Y)
        taken = list(itertools.islice(gen, k))
        assert len(taken) == k
        gen.close()
        assert net.steps == 0
        assert net.params.keys() == before.keys()
        assert all(net.params[key] is before[key] for key in before)


def test_exhausting_applies_exactly_the_update(config):
    net, X, Y = config
    lr = 0.37
    before = net.params
    grads = net.gradients(X, Y)
    loss = net.loss(X, Y)
    events = {e.name: e for e in net.step(X, Y, lr=lr)}
    assert net.steps == 1
    assert float(events["L"].value) == loss
    for key, P in before.items():
        np.testing.assert_array_equal(events["d" + key].value, grads[key])  # gradients() = the backward events
        update = events[key]
        assert update.phase == "update"
        assert np.array_equal(update.value, P - lr * grads[key])
        assert net.params[key] is update.value
        assert not np.array_equal(net.params[key], P) or not grads[key].any()


def test_lr_zero_step_keeps_values(make_data):
    net, X, Y = setup(make_data)
    before = net.params
    list(net.step(X, Y, lr=0.0))
    for key, P in before.items():
        np.testing.assert_array_equal(net.params[key], P)


def test_L_event_is_the_loss_before_the_step():
    net = Network()
    X, Y = datasets.question()
    loss = net.loss(X, Y)
    events = list(net.step(X, Y))
    L = next(e for e in events if e.name == "L")
    assert L.value.shape == ()
    assert float(L.value) == loss
    assert net.loss(X, Y) < loss  # the default lr=0.5 step went downhill on this data


def test_parameters_after_train_are_read_only(config):
    net, X, Y = config
    net.train(X, Y, steps=3)
    for P in net.params.values():
        with pytest.raises(ValueError, match="read-only"):
            P[...] = 0.0

