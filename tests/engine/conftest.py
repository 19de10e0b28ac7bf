"""Shared helpers for the engine tests: valid random data in a network's own layout."""

import numpy as np
import pytest


def _make_data(net, m, rng):
    """Random valid (X, Y) for `net`: m examples in its layout's orientation, labels its loss accepts.

    rows layout: X (m, n_in), Y (m, n_out); columns layout: X (n_in, m), Y (n_out, m).
    """
    n_in, n_out = net.sizes[0], net.sizes[-1]
    X = rng.uniform(-1.0, 1.0, (m, n_in))
    if net.output == "softmax":
        Y = np.eye(n_out)[rng.integers(n_out, size=m)]  # one-hot rows
    elif net.loss_name in ("bce", "ce"):
        Y = rng.uniform(0.0, 1.0, (m, n_out))  # soft labels in [0, 1]
    else:
        Y = rng.normal(0.0, 1.0, (m, n_out))
    if net.layout_name == "columns":
        X, Y = X.T, Y.T
    return X, Y


@pytest.fixture(scope="session")
def make_data():
    """make_data(net, m, rng) -> (X, Y); session-scoped so hypothesis tests can use it."""
    return _make_data
