"""A one-line layer function; the second layer's weights are (2, 3) where (3, 2) was meant."""
import numpy as np

def layer(A, W, b): return A @ W + b

np.random.seed(6)
X = np.random.rand(5, 4)
Y = np.random.rand(5, 2)
W1, b1 = np.random.randn(4, 3), np.zeros((1, 3))
W2, b2 = np.random.randn(2, 3), np.zeros((1, 2))

H = layer(X, W1, b1)
out = layer(H, W2, b2)
