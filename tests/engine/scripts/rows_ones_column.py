"""Bias as a ones column: X gets a column of ones and W1 an extra row, as the question's answer suggests."""
import numpy as np

np.random.seed(2)
X_train = np.asarray([[1, 1, 1, 1], [0, 0, 0, 0]])
Y_train = np.asarray([[1, 1, 1], [0, 0, 0]])
m = X_train.shape[0]
lr = 0.5

X_b = np.c_[X_train, np.ones(m)]  # (2, 5)
W1 = np.random.uniform(-1, 1, size=(5, 3))
W2 = np.random.uniform(-1, 1, size=(4, 3))

A1 = 1 / (1 + np.exp(-(X_b @ W1)))
A1_b = np.c_[A1, np.ones(m)]  # (2, 4)
A2 = 1 / (1 + np.exp(-(A1_b @ W2)))

dZ2 = (A2 - Y_train) / m
dW2 = A1_b.T @ dZ2
dZ1 = (dZ2 @ W2[:-1].T) * A1 * (1 - A1)
dW1 = X_b.T @ dZ1
W1 = W1 - lr * dW1
W2 = W2 - lr * dW2
print("trained one step")
