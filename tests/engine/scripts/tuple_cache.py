"""deeplearning.ai's linear_backward, its cache a tuple and the data in a dict: dW forgets A_prev's transpose."""
import numpy as np

rng = np.random.default_rng(1)
data = {"X": rng.normal(size=(3, 5)), "Y": (rng.random((1, 5)) > 0.5).astype(float)}
W1, b1 = rng.normal(size=(4, 3)) * 0.01, np.zeros((4, 1))
W2, b2 = rng.normal(size=(1, 4)) * 0.01, np.zeros((1, 1))


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, cache[0]) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return dW, db


Z1 = np.dot(W1, data["X"]) + b1
A1 = np.tanh(Z1)
Z2 = np.dot(W2, A1) + b2
A2 = 1 / (1 + np.exp(-Z2))
dZ2 = A2 - data["Y"]
dW2, db2 = linear_backward(dZ2, (A1, W2, b2))
