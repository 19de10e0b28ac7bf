"""Training end to end: the question's data and xor are learned; the seed decides everything."""

import numpy as np
import pytest

from engine import Network, datasets

MODES = [("rows", "vector"), ("rows", "augmented"), ("columns", "vector"), ("columns", "augmented")]


@pytest.mark.parametrize("layout, bias", MODES)
def test_question_is_learned_in_every_mode(layout, bias):
    net = Network(sizes=(4, 3, 3), hidden="sigmoid", output="sigmoid", loss="bce", layout=layout, bias=bias, seed=0)
    X, Y = datasets.question(layout)
    start = net.loss(X, Y)
    last = net.train(X, Y, lr=1.0, steps=2000)
    assert net.steps == 2000
    end = net.loss(X, Y)
    assert end < 0.05 < start
    assert end <= last  # train() reports the loss before the final update, which went downhill
    # The outputs are right: near 1 for the ones example, near 0 for the zeros example.
    out = next(e for e in net.step(X, Y, lr=0.0) if e.name == "A2").value
    np.testing.assert_allclose(out, Y, atol=0.1)


def test_xor_is_learned():
    net = Network(sizes=(2, 4, 1), hidden="tanh", output="sigmoid", loss="bce", seed=0)
    X, Y = datasets.xor()
    start = net.loss(X, Y)
    net.train(X, Y, lr=1.0, steps=2000)
    end = net.loss(X, Y)
    assert end < start / 20
    predictions = next(e for e in net.step(X, Y, lr=0.0) if e.name == "A2").value > 0.5
    np.testing.assert_array_equal(predictions, Y == 1)


def test_loss_falls_step_by_step_at_a_small_rate():
    net = Network(sizes=(2, 4, 1), hidden="tanh", seed=1)
    X, Y = datasets.xor()
    losses = [net.train(X, Y, lr=0.05) for _ in range(50)]
    assert all(b < a for a, b in zip(losses, losses[1:]))


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_same_seed_same_network(init):
    a, b = Network(seed=42, init=init), Network(seed=42, init=init)
    assert list(a.params) == list(b.params)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    X, Y = datasets.question()
    a.train(X, Y, lr=0.5, steps=20)
    b.train(X, Y, lr=0.5, steps=20)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_different_seed_different_network(init):
    a, b = Network(seed=1, init=init), Network(seed=2, init=init)
    # xavier and he start biases at zero, so compare the weights.
    assert not np.array_equal(a.params["W1"], b.params["W1"])
    assert not np.array_equal(a.params["W2"], b.params["W2"])


def test_options_rebuild_the_same_network():
    net = Network(sizes=(3, 5, 2), hidden="relu", output="softmax", loss="ce", layout="columns",
                  bias="augmented", init="he", seed=7)
    twin = Network(**net.options)
    for key in net.params:
        np.testing.assert_array_equal(net.params[key], twin.params[key])


def test_without_a_learning_rate_a_step_and_train_go_at_the_apps_0_5():
    """The app starts at lr 0.5 (README: "lr 0.5"); a script calling step() or train() without lr learns as it does."""
    X, Y = datasets.question()
    stepped, trained, told = Network(), Network(), Network()
    for _ in stepped.step(X, Y):
        pass
    trained.train(X, Y, steps=1)
    for _ in told.step(X, Y, lr=0.5):
        pass
    for key, P in told.params.items():
        assert np.array_equal(stepped.params[key], P) and np.array_equal(trained.params[key], P), key
    assert not np.array_equal(told.params["W1"], Network().params["W1"])
