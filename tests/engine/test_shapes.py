"""Shape conventions of the four layout/bias modes, for every event and operand, and that they are one network.

rows:    X (m, n), W_l (n_{l-1}, n_l), b_l (1, n_l), Z_l and A_l (m, n_l)
columns: X (n, m), W_l (n_l, n_{l-1}), b_l (n_l, 1), Z_l and A_l (n_l, m)
augmented bias: no b_l; W_l gains a row (rows) or column (columns) holding the bias, and the layer's input
gains a ones column (rows) or ones row (columns): X_aug, A1_aug, ...
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Network

MODES = [("rows", "vector"), ("rows", "augmented"), ("columns", "vector"), ("columns", "augmented")]
PAIRS = (("sigmoid", "bce"), ("sigmoid", "ce"), ("sigmoid", "mse"), ("softmax", "ce"), ("identity", "mse"))


def expected_shape(label, sizes, m, layout, bias):
    """The shape the conventions give a value or operand called `label`, written out independently of the engine."""
    rows = layout == "rows"
    extra = 1 if bias == "augmented" else 0

    def data(n):
        return (m, n) if rows else (n, m)

    if label == "L":
        return ()
    if label == "X":
        return data(sizes[0])
    if label == "Y":
        return data(sizes[-1])
    if label == "X_aug":
        return data(sizes[0] + 1)
    if match := re.fullmatch(r"A(\d+)_aug", label):
        return data(sizes[int(match[1])] + 1)
    if match := re.fullmatch(r"d?[ZA](\d+)", label):
        return data(sizes[int(match[1])])
    if match := re.fullmatch(r"d?W(\d+)", label):
        l = int(match[1])
        n_in, n_out = sizes[l - 1] + extra, sizes[l]
        return (n_in, n_out) if rows else (n_out, n_in)
    if match := re.fullmatch(r"W(\d+)\[:-1\]", label):  # rows: the weights without the bias row
        assert rows and bias == "augmented"
        l = int(match[1])
        return (sizes[l - 1], sizes[l])
    if match := re.fullmatch(r"W(\d+)\[:, :-1\]", label):  # columns: the weights without the bias column
        assert not rows and bias == "augmented"
        l = int(match[1])
        return (sizes[l], sizes[l - 1])
    if match := re.fullmatch(r"d?b(\d+)", label):
        assert bias == "vector"
        n = sizes[int(match[1])]
        return (1, n) if rows else (n, 1)
    raise AssertionError(f"unexpected name {label!r}")


@pytest.mark.parametrize("layout, bias", MODES)
@settings(max_examples=15, deadline=None, derandomize=True)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4), m=st.integers(1, 6),
       pair=st.sampled_from(PAIRS), seed=st.integers(0, 1000))
def test_every_event_and_operand_has_the_convention_shape(layout, bias, sizes, m, pair, seed, make_data):
    net = Network(sizes=tuple(sizes), output=pair[0], loss=pair[1], layout=layout, bias=bias, seed=seed)
    X, Y = make_data(net, m, np.random.default_rng(seed))
    events = list(net.step(X, Y))
    assert events
    for event in events:
        assert event.shape == expected_shape(event.name, sizes, m, layout, bias), event
        assert event.value.shape == event.shape
        for (label, shape), array in zip(event.operands, event.arrays):
            assert shape == expected_shape(label, sizes, m, layout, bias), (event, label)
            assert array.shape == shape
    by_name = {e.name: e for e in events}
    for key in net.params:
        assert by_name["d" + key].shape == net.params[key].shape


@pytest.mark.parametrize("layout, bias", MODES)
def test_parameter_shapes(layout, bias):
    net = Network(sizes=(4, 5, 2), layout=layout, bias=bias)
    shapes = {key: P.shape for key, P in net.params.items()}
    expected = {
        ("rows", "vector"): {"W1": (4, 5), "b1": (1, 5), "W2": (5, 2), "b2": (1, 2)},
        ("columns", "vector"): {"W1": (5, 4), "b1": (5, 1), "W2": (2, 5), "b2": (2, 1)},
        ("rows", "augmented"): {"W1": (5, 5), "W2": (6, 2)},
        ("columns", "augmented"): {"W1": (5, 5), "W2": (2, 6)},
    }[(layout, bias)]
    assert shapes == expected
    assert all(P.dtype == np.float64 for P in net.params.values())


def test_augmented_first_layer_shapes_are_not_square_by_accident():
    # (n + 1, h) against (h, n + 1) with n + 1 != h, so a transposition cannot pass unnoticed.
    rows = Network(sizes=(2, 7, 1), bias="augmented", layout="rows")
    cols = Network(sizes=(2, 7, 1), bias="augmented", layout="columns")
    assert rows.params["W1"].shape == (3, 7)
    assert cols.params["W1"].shape == (7, 3)
    assert not any(key.startswith("b") for key in list(rows.params) + list(cols.params))


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_augmented_inputs_carry_a_ones_column_or_row(layout, make_data):
    net = Network(sizes=(3, 4, 2, 2), hidden="tanh", layout=layout, bias="augmented", seed=1)
    X, Y = make_data(net, 5, np.random.default_rng(1))
    events = {e.name: e for e in net.step(X, Y)}
    assert not any(name.startswith("db") for name in events)
    pairs = [("X_aug", X), ("A1_aug", events["A1"].value), ("A2_aug", events["A2"].value)]
    for name, plain in pairs:
        augmented = events[name].value
        if layout == "rows":
            np.testing.assert_array_equal(augmented[:, -1], np.ones(5))
            np.testing.assert_array_equal(augmented[:, :-1], plain)
        else:
            np.testing.assert_array_equal(augmented[-1, :], np.ones(5))
            np.testing.assert_array_equal(augmented[:-1, :], plain)


# ---- the four modes are one network ------------------------------------------------------------------------


def as_rows_vector(net, params):
    """Rewrite a mode's parameters in rows/vector form: columns W = rows W.T; augmented W = [W; b]."""
    out = {}
    for l in range(1, len(net.sizes)):
        W = params[f"W{l}"]
        if net.layout_name == "columns":
            W = W.T
        if net.bias == "augmented":
            out[f"W{l}"], out[f"b{l}"] = W[:-1], W[-1:]
        else:
            b = params[f"b{l}"]
            out[f"W{l}"], out[f"b{l}"] = W, (b.T if net.layout_name == "columns" else b)
    return out


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
@pytest.mark.parametrize("sizes, hidden, output, loss", [
    ((4, 3, 3), "sigmoid", "sigmoid", "bce"),
    ((3, 5, 2, 4), "relu", "softmax", "ce"),
    ((2, 3, 1), "tanh", "identity", "mse"),
    ((5, 2), "sigmoid", "sigmoid", "mse"),
])
def test_all_four_modes_are_the_same_network(init, sizes, hidden, output, loss):
    rng = np.random.default_rng(9)
    X_rows = rng.uniform(-1, 1, (6, sizes[0]))
    Y_rows = np.eye(sizes[-1])[rng.integers(sizes[-1], size=6)]
    nets = {mode: Network(sizes=sizes, hidden=hidden, output=output, loss=loss, layout=mode[0], bias=mode[1],
                          init=init, seed=4)
            for mode in MODES}
    base = nets[("rows", "vector")]

    def data(net):
        return (X_rows, Y_rows) if net.layout_name == "rows" else (X_rows.T, Y_rows.T)

    base_loss = base.loss(*data(base))
    base_grads = base.gradients(*data(base))
    for mode, net in nets.items():
        # Same draw: exact equality, not closeness.
        for key, P in as_rows_vector(net, net.params).items():
            np.testing.assert_array_equal(P, base.params[key], err_msg=f"{mode} {key}")
        assert net.loss(*data(net)) == pytest.approx(base_loss, rel=1e-12)
        for key, G in as_rows_vector(net, net.gradients(*data(net))).items():
            np.testing.assert_allclose(G, base_grads[key], rtol=1e-10, atol=1e-15, err_msg=f"{mode} d{key}")


def test_modes_stay_the_same_network_while_training():
    X, Y = np.random.default_rng(0).uniform(0, 1, (2, 5, 3))
    nets = [Network(sizes=(3, 4, 3), layout=layout, bias=bias, seed=8) for layout, bias in MODES]
    for net in nets:
        net.train(X if net.layout_name == "rows" else X.T, Y if net.layout_name == "rows" else Y.T, lr=0.5, steps=25)
    base = as_rows_vector(nets[0], nets[0].params)
    for net in nets[1:]:
        for key, P in as_rows_vector(net, net.params).items():
            np.testing.assert_allclose(P, base[key], rtol=1e-9, atol=1e-12)


# ---- shape rules and the dimensions they mark -------------------------------------------------------------


@pytest.mark.parametrize("layout, bias", MODES)
@pytest.mark.parametrize("output, loss", [("sigmoid", "bce"), ("sigmoid", "mse")])
def test_shape_rules_and_marks_agree_with_the_shapes(layout, bias, output, loss, make_data):
    # All sizes distinct (m = 6, n = 4, h = 3, out = 2), so marking the wrong axis cannot go unnoticed.
    net = Network(sizes=(4, 3, 2), output=output, loss=loss, layout=layout, bias=bias)
    X, Y = make_data(net, 6, np.random.default_rng(0))
    for e in net.step(X, Y):
        assert e.shape_rule.endswith(f"→ {e.shape}")
        for array in e.arrays:
            assert str(array.shape) in e.shape_rule
        inner = [(i, axis) for i, axes in e.marks.items() for axis, kind in axes.items() if kind == "inner"]
        if "@" in e.rule:
            (i, a), (j, b) = inner  # exactly one contracted pair
            assert i != j and e.arrays[i].shape[a] == e.arrays[j].shape[b], e
        else:
            assert inner == [], e
        for i, axes in e.marks.items():
            for axis, kind in axes.items():
                assert kind in ("inner", "broadcast")
                if kind == "broadcast":
                    assert e.arrays[i].shape[axis] == 1 and e.shape[axis] > 1, e
        if e.name in ("Z1", "Z2") and bias == "vector":  # the bias stretches across the examples
            assert e.marks[2] == {0 if layout == "rows" else 1: "broadcast"}
