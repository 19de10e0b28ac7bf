"""Examples as columns: dW2 multiplies dZ2 by A1 without transposing it."""
import numpy as np

np.random.seed(7)
X = np.random.rand(3, 10)  # (n, m)
Y = np.random.rand(2, 10)
W1 = np.random.randn(5, 3)
b1 = np.zeros((5, 1))
W2 = np.random.randn(2, 5)
b2 = np.zeros((2, 1))

A1 = np.maximum(0, W1 @ X + b1)
A2 = W2 @ A1 + b2
dZ2 = (A2 - Y) / 10
dW2 = dZ2 @ A1
