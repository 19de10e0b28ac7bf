"""One training step, examples as rows, bias as a vector: runs to the end."""
import numpy as np

np.random.seed(0)
X = np.array([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])  # (m, n) = (4, 2)
Y = np.array([[0.], [1.], [1.], [0.]])  # (m, 1)
m = X.shape[0]
lr = 0.5

W1 = np.random.randn(2, 3)
b1 = np.zeros((1, 3))
W2 = np.random.randn(3, 1)
b2 = np.zeros((1, 1))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


Z1 = X @ W1 + b1
A1 = sigmoid(Z1)
Z2 = A1 @ W2 + b2
A2 = sigmoid(Z2)
loss = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))

dZ2 = (A2 - Y) / m
dW2 = A1.T @ dZ2
db2 = dZ2.sum(axis=0, keepdims=True)
dA1 = dZ2 @ W2.T
dZ1 = dA1 * A1 * (1 - A1)
dW1 = X.T @ dZ1
db1 = dZ1.sum(axis=0, keepdims=True)

W1 = W1 - lr * dW1
b1 = b1 - lr * db1
W2 = W2 - lr * dW2
b2 = b2 - lr * db2
print("loss", round(float(loss), 4))
