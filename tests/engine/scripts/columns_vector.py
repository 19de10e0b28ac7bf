"""One training step, examples as columns (Andrew Ng's convention), bias as a column vector: runs to the end."""
import numpy as np

rng = np.random.default_rng(1)
X = rng.random((3, 5))  # (n, m): 3 features, 5 examples
Y = (rng.random((2, 5)) > 0.5).astype(float)  # (k, m)
m = X.shape[1]
learning_rate = 0.1

W1 = rng.standard_normal((4, 3)) * 0.1
b1 = np.zeros((4, 1))
W2 = rng.standard_normal((2, 4)) * 0.1
b2 = np.zeros((2, 1))

Z1 = np.dot(W1, X) + b1
A1 = np.tanh(Z1)
Z2 = np.dot(W2, A1) + b2
A2 = 1 / (1 + np.exp(-Z2))

dZ2 = A2 - Y
dW2 = np.dot(dZ2, A1.T) / m
db2 = np.sum(dZ2, axis=1, keepdims=True) / m
dZ1 = np.dot(W2.T, dZ2) * (1 - A1 ** 2)
dW1 = np.dot(dZ1, X.T) / m
db1 = np.sum(dZ1, axis=1, keepdims=True) / m

W1 -= learning_rate * dW1
W2 -= learning_rate * dW2
print("done")
