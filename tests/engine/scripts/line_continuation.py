"""A backward line split over two lines with a backslash; the transpose of A1 is missing."""
import numpy as np

np.random.seed(5)
X = np.random.rand(6, 4)  # (m, n)
Y = np.random.rand(6, 2)
W1 = np.random.randn(4, 3)
W2 = np.random.randn(3, 2)

A1 = np.tanh(X @ W1)
A2 = A1 @ W2
dZ2 = (A2 - Y) / 6
dW2 = A1 @ \
    dZ2
