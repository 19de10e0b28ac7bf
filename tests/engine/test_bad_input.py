"""Bad input raises ValueError saying what was expected and what came, shapes written like NumPy's "(4, 2)".

Data errors are raised by the step() call itself, before any event, and cost the network nothing.
"""

import re
import tracemalloc

import numpy as np
import pytest

from engine import Network

GiB = 1 << 30


def raises(match):
    return pytest.raises(ValueError, match=match)


# ---- the constructor --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes, message", [
    ((4,), r"sizes needs at least two entries .*such as \(4, 3, 3\); got \(4,\)$"),
    ((), r"sizes needs at least two entries .*; got \(\)$"),
    (4, r"sizes must be a sequence of layer sizes such as \(4, 3, 3\); got 4$"),
    (None, r"sizes must be a sequence .*; got None$"),
    ((4, 0, 3), r"sizes\[1\] must be a positive integer; got 0$"),
    ((4, 3, -2), r"sizes\[2\] must be a positive integer; got -2$"),
    ((4, 3.5, 3), r"sizes\[1\] must be a positive integer; got 3\.5 of type float$"),
    ((4.0, 3), r"sizes\[0\] must be a positive integer; got 4\.0 of type float$"),
    ((4, "4", 3), r"sizes\[1\] must be a positive integer; got '4' of type str$"),
    ((4, True, 3), r"sizes\[1\] must be a positive integer; got True of type bool$"),
])
def test_bad_sizes(sizes, message):
    with raises(message):
        Network(sizes=sizes)


def test_numpy_integer_sizes_are_fine():
    assert Network(sizes=np.array([4, 3, 3])).sizes == (4, 3, 3)


@pytest.mark.parametrize("option, value, allowed", [
    ("hidden", "softmax", ("sigmoid", "tanh", "relu", "leaky_relu", "identity")),
    ("hidden", "Sigmoid", ("sigmoid", "tanh", "relu", "leaky_relu", "identity")),
    ("output", "relu", ("sigmoid", "softmax", "identity")),
    ("loss", "hinge", ("bce", "ce", "mse")),
    ("layout", "diagonal", ("rows", "columns")),
    ("bias", "none", ("vector", "augmented")),
    ("init", "zeros", ("uniform", "xavier", "he")),
])
def test_unknown_names_list_the_allowed_ones(option, value, allowed):
    with pytest.raises(ValueError) as info:
        Network(**{option: value})
    message = str(info.value)
    assert repr(value) in message
    assert "expected one of " + ", ".join(repr(a) for a in allowed) in message


@pytest.mark.parametrize("output, loss, message", [
    ("softmax", "bce", r"output 'softmax' pairs only with loss 'ce'.*got loss 'bce'"),
    ("softmax", "mse", r"output 'softmax' pairs only with loss 'ce'.*got loss 'mse'"),
    ("identity", "bce", r"loss 'bce' .*needs output 'sigmoid' .*got output 'identity'"),
    ("identity", "ce", r"loss 'ce' .*needs output 'softmax' or 'sigmoid' .*got output 'identity'"),
])
def test_invalid_output_loss_pairs(output, loss, message):
    with raises(message):
        Network(output=output, loss=loss)


@pytest.mark.parametrize("seed", [1.5, "0", None, True])
def test_non_integer_seed(seed):
    with raises(re.escape(f"seed must be an integer >= 0; got {seed!r}")):
        Network(seed=seed)


def test_negative_seed():
    with pytest.raises(ValueError) as info:
        Network(seed=-1)
    assert "seed" in str(info.value) and "-1" in str(info.value)


@pytest.mark.parametrize("max_bytes", ["1 GiB", None, -1])
def test_bad_max_bytes(max_bytes):
    with pytest.raises(ValueError) as info:
        Network(max_bytes=max_bytes)
    assert "max_bytes" in str(info.value) and repr(max_bytes) in str(info.value)


# ---- networks too big -------------------------------------------------------------------------------------


def test_huge_network_is_refused_before_allocating():
    sizes = (100000, 100000, 10)
    needed = 3 * 8 * ((100000 + 1) * 100000 + (100000 + 1) * 10)  # three copies of every float64 parameter
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:
            Network(sizes=sizes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20  # not one of the 80 GB of weights was drawn
    message = str(info.value)
    assert message.startswith("Network(sizes=(100000, 100000, 10)) needs about ")
    assert f"{needed / GiB:.1f} GiB" in message  # 223.5 GiB
    assert f"{needed:,} bytes" in message
    assert "1.0 GiB limit" in message and "max_bytes=" in message


def test_max_bytes_moves_the_limit_both_ways():
    needed = 3 * 8 * ((4 + 1) * 3 + (3 + 1) * 3)  # 648 bytes for (4, 3, 3)
    with raises(rf"needs about 0\.6 KiB \({needed} bytes\), more than the .* limit"):
        Network(sizes=(4, 3, 3), max_bytes=needed - 1)
    assert Network(sizes=(4, 3, 3), max_bytes=needed).parameter_count == 27


def test_a_limit_of_one_byte_is_too_small_for_the_network_and_zero_is_no_limit_at_all():
    """The argument check promises "> 0": 1 byte is a limit (too small for any network), 0 is refused as no limit."""
    with raises(r"^max_bytes must be a whole number of bytes > 0, such as 2\*\*30; got 0$"):
        Network(sizes=(4, 3, 3), max_bytes=0)
    with raises(r"^Network\(sizes=\(4, 3, 3\)\) needs about 0\.6 KiB \(648 bytes\), more than the .* limit"):
        Network(sizes=(4, 3, 3), max_bytes=1)


def test_step_with_too_big_a_batch_is_refused():
    net = Network(sizes=(1, 100000, 1))  # 2.3 MiB of parameters, but 3.2 MB per example in a step
    before = net.params
    X, Y = np.zeros((400, 1)), np.zeros((400, 1))
    with raises(r"^a step of Network\(sizes=\(1, 100000, 1\).*\) on 400 examples needs about 1\.2 GiB "
                r"\([\d,]+ bytes\), more than the 1\.0 GiB limit"):
        net.step(X, Y)
    assert all(net.params[k] is before[k] for k in before) and net.steps == 0
    # A bigger limit lets the same step start; step() checks eagerly, so not iterating allocates nothing.
    roomy = Network(sizes=(1, 100000, 1), max_bytes=2 * GiB)
    roomy.step(X, Y).close()
    net.step(X[:40], Y[:40]).close()  # and fewer examples fit the default limit


def test_small_max_bytes_refuses_a_step():
    net = Network(sizes=(4, 3, 3), max_bytes=10_000)
    with raises(r"on 100 examples needs about .*more than the 9\.8 KiB limit"):
        net.step(np.zeros((100, 4)), np.zeros((100, 3)))
    net.step(np.zeros((10, 4)), np.zeros((10, 3))).close()


# ---- data and learning rate, checked by step() itself -------------------------------------------------------


def with_value(shape, index, value):
    a = np.zeros(shape)
    a[index] = value
    return a


ROWS = dict()
COLUMNS = dict(layout="columns")
GOOD_X, GOOD_Y = np.zeros((2, 4)), np.zeros((2, 3))

DATA_CASES = [
    # (network options, X, Y, the exact message)
    (ROWS, np.zeros(4), GOOD_Y, "X must be a 2-D array; got shape (4,) with 1 dimension(s)"),
    (ROWS, np.zeros((2, 4, 1)), GOOD_Y, "X must be a 2-D array; got shape (2, 4, 1) with 3 dimension(s)"),
    (ROWS, np.zeros((4, 2)), GOOD_Y,
     "X has shape (4, 2) but a rows-layout network with 4 inputs expects (m, 4); did you mean X.T?"),
    (ROWS, np.zeros((2, 5)), GOOD_Y, "X has shape (2, 5) but a rows-layout network with 4 inputs expects (m, 4)"),
    (COLUMNS, np.zeros((2, 4)), GOOD_Y.T,
     "X has shape (2, 4) but a columns-layout network with 4 inputs expects (4, m); did you mean X.T?"),
    (ROWS, np.zeros((0, 4)), np.zeros((0, 3)), "X has shape (0, 4): no examples; expected at least one"),
    (ROWS, GOOD_X, np.zeros(3), "Y must be a 2-D array; got shape (3,) with 1 dimension(s)"),
    (ROWS, GOOD_X, np.zeros((3, 2)),
     "Y has shape (3, 2) but X holds 2 example(s) and the network has 3 output(s), "
     "so a rows-layout network expects (2, 3); did you mean Y.T?"),
    (ROWS, GOOD_X, np.zeros((2, 2)),
     "Y has shape (2, 2) but X holds 2 example(s) and the network has 3 output(s), "
     "so a rows-layout network expects (2, 3)"),
    (COLUMNS, GOOD_X.T, GOOD_Y,
     "Y has shape (2, 3) but X holds 2 example(s) and the network has 3 output(s), "
     "so a columns-layout network expects (3, 2); did you mean Y.T?"),
    (ROWS, with_value((2, 4), (0, 1), np.nan), GOOD_Y, "X must be finite; X[0, 1] is nan"),
    (ROWS, with_value((2, 4), (1, 3), -np.inf), GOOD_Y, "X must be finite; X[1, 3] is -inf"),
    (ROWS, GOOD_X, with_value((2, 3), (1, 0), np.nan), "Y must be finite; Y[1, 0] is nan"),
    (ROWS, GOOD_X, with_value((2, 3), (0, 2), np.inf), "Y must be finite; Y[0, 2] is inf"),
    (ROWS, GOOD_X, with_value((2, 3), (1, 2), 2.0), "loss 'bce' needs labels in [0, 1]; got Y[1, 2] = 2"),
    (ROWS, GOOD_X, with_value((2, 3), (0, 0), -0.5), "loss 'bce' needs labels in [0, 1]; got Y[0, 0] = -0.5"),
    (dict(loss="ce"), GOOD_X, with_value((2, 3), (0, 1), 1.5),
     "loss 'ce' needs labels in [0, 1]; got Y[0, 1] = 1.5"),
    (dict(output="softmax", loss="ce"), GOOD_X, np.array([[0, 1, 0], [0.5, 0, 0]]),
     "softmax with ce needs each example's labels to sum to 1 (one-hot or a distribution); example 1 sums to 0.5. "
     "For independent 0/1 labels use output='sigmoid', loss='bce'"),
    (dict(output="softmax", loss="ce", layout="columns"), GOOD_X.T, np.array([[1, 1], [0, 0], [1, 0]]),
     "softmax with ce needs each example's labels to sum to 1 (one-hot or a distribution); example 0 sums to 2. "
     "For independent 0/1 labels use output='sigmoid', loss='bce'"),
]
DATA_IDS = [f"{i}-{msg[:40]}" for i, (*_, msg) in enumerate(DATA_CASES)]


@pytest.mark.parametrize("options, X, Y, message", DATA_CASES, ids=DATA_IDS)
def test_bad_data_is_refused_by_the_step_call(options, X, Y, message):
    net = Network(**options)
    before = net.params
    with pytest.raises(ValueError) as info:
        net.step(X, Y)  # the call itself raises; no next() needed
    assert str(info.value) == message
    # Bad input loses nothing.
    assert net.steps == 0
    assert all(net.params[k] is before[k] for k in before)


@pytest.mark.parametrize("method", ["loss", "gradients"])
@pytest.mark.parametrize("options, X, Y, message", DATA_CASES[:4] + DATA_CASES[7:8], ids=DATA_IDS[:4] + DATA_IDS[7:8])
def test_loss_and_gradients_check_data_the_same_way(method, options, X, Y, message):
    net = Network(**options)
    with pytest.raises(ValueError) as info:
        getattr(net, method)(X, Y)
    assert str(info.value) == message


def test_unreadable_data():
    with raises(r"^X must be a 2-D array of numbers; could not read it as one \(.*'a'.*\)$"):
        Network().step([["a", "b", "c", "d"]], GOOD_Y[:1])


def test_mse_takes_any_finite_labels():
    net = Network(output="identity", loss="mse")
    list(net.step(GOOD_X, np.full((2, 3), -7.5)))
    assert net.steps == 1


@pytest.mark.parametrize("lr, message", [
    (-0.1, "lr must be >= 0 (a negative rate climbs the loss); got -0.1"),
    (-1, "lr must be >= 0 (a negative rate climbs the loss); got -1"),
    (float("nan"), "lr must be a finite number >= 0; got nan"),
    (float("inf"), "lr must be a finite number >= 0; got inf"),
    (-float("inf"), "lr must be a finite number >= 0; got -inf"),
    ("0.1", "lr must be a finite number >= 0; got '0.1'"),
    (None, "lr must be a finite number >= 0; got None"),
    (True, "lr must be a finite number >= 0; got True"),
    (np.array([0.1]), "lr must be a finite number >= 0; got array([0.1])"),
])
def test_bad_learning_rate(lr, message):
    net = Network()
    before = net.params
    with pytest.raises(ValueError) as info:
        net.step(GOOD_X, GOOD_Y, lr=lr)
    assert str(info.value) == message
    assert all(net.params[k] is before[k] for k in before)


def test_a_failed_step_loses_nothing():
    net, twin = Network(seed=3), Network(seed=3)
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-1, 1, (5, 4)), rng.uniform(0, 1, (5, 3))
    list(net.step(X, Y))
    list(twin.step(X, Y))
    for bad in [dict(X=X.T, Y=Y), dict(X=X, Y=Y * 3), dict(X=X, Y=Y, lr=-1.0), dict(X=X[:, :2], Y=Y)]:
        with pytest.raises(ValueError):
            net.step(**bad)
    assert net.steps == twin.steps == 1
    list(net.step(X, Y))
    list(twin.step(X, Y))
    for key in twin.params:
        np.testing.assert_array_equal(net.params[key], twin.params[key])
