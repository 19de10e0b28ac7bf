"""Bias as a ones row, examples as columns; the hidden layer's ones row is forgotten, so W2 does not fit."""
import numpy as np

np.random.seed(3)
X = np.array([[0., 1., 0., 1.], [0., 0., 1., 1.]])  # (n, m) = (2, 4)
Y = np.array([[0., 1., 1., 0.]])  # (1, m)
m = X.shape[1]

X_aug = np.vstack([X, np.ones((1, m))])  # (3, 4)
W1 = np.random.randn(3, 3)  # (h, n + 1)
W2 = np.random.randn(1, 4)  # (k, h + 1)

A1 = np.tanh(W1 @ X_aug)
A2 = 1 / (1 + np.exp(-(W2 @ A1)))
print(A2)
