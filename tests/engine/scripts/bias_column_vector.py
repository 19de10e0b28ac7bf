"""Examples as rows, but b1 is shaped like a columns-layout bias: (3, 1) instead of (1, 3)."""
import numpy as np

np.random.seed(8)
X = np.random.rand(4, 2)
y = np.array([[0.], [1.], [1.], [0.]])
W1 = np.random.randn(2, 3)
b1 = np.zeros((3, 1))
W2 = np.random.randn(3, 1)
b2 = np.zeros((1, 1))

z1 = X.dot(W1) + b1
