"""Training that never stops: the loop waits for a loss that never comes."""
import numpy as np

X = np.ones((4, 2))
W = np.zeros((2, 1))
loss = 1.0
while loss > 0:
    W = W - 0.0 * (X.T @ (X @ W))
