"""Extreme inputs: no RuntimeWarning, finite losses, and saturated log-losses and their gradients still exact."""

import math
import warnings

import numpy as np
import pytest

from engine import Network

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
PAIRS = (("sigmoid", "bce"), ("sigmoid", "ce"), ("sigmoid", "mse"), ("softmax", "ce"), ("identity", "mse"))

# Four examples of +-1e4 in every sign pattern that matters: Z1 reaches thousands whatever W1 is.
X_EXTREME = np.array([[1e4, -1e4, 1e4, -1e4], [-1e4, 1e4, -1e4, 1e4], [1e4, 1e4, 1e4, 1e4], [-1e4] * 4])
Y_ONEHOT = np.eye(3)[[0, 1, 2, 0]]


def step(net, X, Y, lr):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # also enforced by pyproject's filterwarnings, but say it here
        return {e.name: e.value for e in net.step(X, Y, lr=lr)}


@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_extreme_inputs_and_large_weights_raise_no_warning(hidden, output, loss):
    net = Network(sizes=(4, 3, 3), hidden=hidden, output=output, loss=loss)
    first = step(net, X_EXTREME, Y_ONEHOT, lr=1e4)  # a huge rate: the weights come out large
    second = step(net, X_EXTREME, Y_ONEHOT, lr=1e4)
    assert np.abs(first["Z1"]).max() >= 1000  # the hidden activation saturates
    assert np.abs(second["Z2"]).max() >= 1000  # and, with the large weights, so does the output
    for name, value in second.items():
        assert np.isfinite(value).all(), name
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isfinite(net.loss(X_EXTREME, Y_ONEHOT))


# ---- saturated outputs: the loss from the logits, against log-sum-exp written out here ----------------------


def softplus(z):
    """log(1 + e^z) for one float: max(z, 0) + log1p(e^-|z|)."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def logsumexp(row):
    top = max(row)
    return top + math.log(sum(math.exp(z - top) for z in row))


def single_layer(output, loss, scale):
    """A (1, 3) network fed +-scale, so its logits Z1 = x W1 + b1 are about +-scale; returns (net, X, Z)."""
    net = Network(sizes=(1, 3), output=output, loss=loss, seed=0)
    X = np.array([[scale], [-scale]])
    Z = X @ net.params["W1"] + net.params["b1"]
    return net, X, Z


@pytest.mark.parametrize("scale", [100.0, 1e4])
def test_saturated_sigmoid_bce_loss(scale):
    net, X, Z = single_layer("sigmoid", "bce", scale)
    assert np.abs(Z).min() >= 0.2 * scale
    Y = np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # right and wrong sides of saturation both present
    expected = sum(softplus(z) - y * z for z, y in zip(Z.ravel(), Y.ravel())) / 2
    events = step(net, X, Y, lr=0.0)
    np.testing.assert_array_equal(events["Z1"], Z)
    assert float(events["L"]) == pytest.approx(expected, rel=1e-13)
    assert net.loss(X, Y) == pytest.approx(expected, rel=1e-13)
    assert expected > 0.2 * scale / 2  # some outputs are confidently wrong: the loss is large, not inf


@pytest.mark.parametrize("scale", [100.0, 1e4])
def test_saturated_sigmoid_ce_loss(scale):
    net, X, Z = single_layer("sigmoid", "ce", scale)
    Y = np.array([[1.0, 1.0, 0.0], [1.0, 0.5, 1.0]])
    expected = sum(y * softplus(-z) for z, y in zip(Z.ravel(), Y.ravel())) / 2  # -y log s(z) = y log(1 + e^-z)
    assert net.loss(X, Y) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("scale", [100.0, 1e4])
def test_saturated_softmax_ce_loss(scale):
    net, X, Z = single_layer("softmax", "ce", scale)
    labels = Z.argmin(axis=1)  # every example labelled with its least likely class
    Y = np.eye(3)[labels]
    expected = sum(logsumexp(row) - row[k] for row, k in zip(Z.tolist(), labels)) / 2
    events = step(net, X, Y, lr=0.0)
    assert float(events["L"]) == pytest.approx(expected, rel=1e-13)
    assert expected > 0.2 * scale  # -log of a probability that underflowed to 0, still finite and exact
    # The columns layout sums over the other axis and must agree.
    cols = Network(sizes=(1, 3), output="softmax", loss="ce", layout="columns", seed=0)
    assert cols.loss(X.T, Y.T) == pytest.approx(expected, rel=1e-13)


def test_saturated_sigmoid_mse_loss():
    net, X, Z = single_layer("sigmoid", "mse", 1e4)
    Y = np.array([[0.0, 1.0, 0.25], [1.0, 1.0, 0.5]])
    A = (Z > 0).astype(float)  # exactly 0 or 1 this deep into saturation
    assert net.loss(X, Y) == pytest.approx(0.5 * np.sum((A - Y) ** 2) / 2, rel=1e-13)


# ---- saturated outputs: gradients that do not vanish where the loss is large -------------------------------


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def softmax_rows(Z):
    return np.exp(Z - np.logaddexp.reduce(Z, axis=1, keepdims=True))


@pytest.mark.parametrize("pair, expected_dZ, scale", [
    (("sigmoid", "bce"), lambda Z, Y: (sigmoid(Z) - Y) / 2, 1e4),
    (("softmax", "ce"), lambda Z, Y: (softmax_rows(Z) - Y) / 2, 1e4),
    # Unfused, dZ = dA ⊙ A(1 − A) passes through A itself, so it stays exact only while A is a normal float.
    (("sigmoid", "ce"), lambda Z, Y: -Y * (1.0 - sigmoid(Z)) / 2, 500.0),
], ids=["sigmoid+bce", "softmax+ce", "sigmoid+ce"])
def test_saturated_output_gradient(pair, expected_dZ, scale):
    net, X, Z = single_layer(*pair, scale)
    Y = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]]) if pair[0] == "sigmoid" else np.eye(3)[Z.argmin(axis=1)]
    events = step(net, X, Y, lr=0.0)
    np.testing.assert_allclose(events["dZ1"], expected_dZ(Z, Y), rtol=1e-12, atol=1e-300)
    assert np.abs(events["dZ1"]).max() == pytest.approx(0.5)  # a confidently wrong output pulls with 1/m


def test_sigmoid_ce_beyond_float_range_stays_finite_and_silent():
    """Past Z ≈ -745, sigmoid(Z) is 0.0 in float64; the unfused chain then gives 0, never inf, nan or a warning."""
    net, X, Z = single_layer("sigmoid", "ce", 1e4)
    Y = np.ones_like(Z)
    events = step(net, X, Y, lr=0.0)
    assert np.isfinite(events["dA1"]).all() and np.isfinite(events["dZ1"]).all()
    assert np.isfinite(net.loss(X, Y))


def test_the_loss_reads_the_softmax_it_follows_to_the_bit_and_any_other_z_afresh():
    """The output softmax keeps its shifted Z and sums for the loss: the same bits as computing both anew."""
    from engine.activations import log_softmax, log_softmax_kept, softmax, softmax_keeping

    rng = np.random.default_rng(3)
    Z, other = rng.normal(0, 30, (5, 7)), rng.normal(0, 30, (5, 7))
    for axis in (0, 1):
        assert np.array_equal(softmax_keeping(Z, axis), softmax(Z, axis))
        assert np.array_equal(log_softmax_kept(Z, axis), log_softmax(Z, axis))
        assert np.array_equal(log_softmax_kept(other, axis), log_softmax(other, axis))  # not the kept Z
        assert np.array_equal(log_softmax_kept(Z, 1 - axis), log_softmax(Z, 1 - axis))  # not the kept axis
        # by hand, for the kept Z: log of the probabilities the softmax gave, as the textbook writes the loss
        np.testing.assert_allclose(log_softmax_kept(Z, axis), np.log(softmax(Z, axis)), rtol=1e-12, atol=1e-12)
