"""Three classes with softmax and cross-entropy, tanh hidden units, one-hot labels: runs to the end."""
import numpy as np

rng = np.random.default_rng(10)
X = rng.standard_normal((6, 4))
labels = np.array([0, 1, 2, 0, 1, 2])
Y = np.eye(3)[labels]  # (6, 3) one-hot
W1 = rng.standard_normal((4, 5)) * 0.5
b1 = np.zeros((1, 5))
W2 = rng.standard_normal((5, 3)) * 0.5
b2 = np.zeros((1, 3))


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


A1 = np.tanh(X @ W1 + b1)
P = softmax(A1 @ W2 + b2)
loss = -np.sum(Y * np.log(P)) / len(X)
dZ2 = (P - Y) / len(X)
dW2 = A1.T @ dZ2
print("loss", round(float(loss), 3))
