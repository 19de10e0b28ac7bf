"""deeplearning.ai's backward_propagation (Course 1, week 3) over the course test's cache, whose Z1 is (7, 9) where A1
is (9, 7). The three lines from db2 to dW1 are the learner's, as posted with the error in
https://community.deeplearning.ai/t/c1w3a1-backward-propagation-valueerror-operands-could-not-be-broadcast-together-with-shapes-7-9-9-7/31965
and so are the cache's shapes (the thread quotes public_tests.py); the rest is the notebook's scaffold, and X's 3
features are stepprop's (the thread does not give them)."""
import numpy as np


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]
    Z1 = cache["Z1"]
    dZ2 = A2 - Y
    dW2 = 1/m * np.dot(dZ2, A1.T)
    db2 = 1/m * np.sum(dZ2, axis = 1, keepdims = True)
    dZ1 = np.multiply(1 - np.power(Z1, 2), np.dot(W2.T, dZ2))
    dW1 = 1/m * np.dot(dZ1, X.T)
    db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads


np.random.seed(1)
parameters = {"W1": np.random.randn(9, 3), "b1": np.random.randn(9, 1), "W2": np.random.randn(1, 9),
              "b2": np.random.randn(1, 1)}
cache = {'A1': np.random.randn(9, 7),
         'A2': np.random.randn(1, 7),
         'Z1': np.random.randn(7, 9),  # <=== this right here
         'Z2': np.random.randn(1, 7),}
X = np.random.randn(3, 7)
Y = (np.random.randn(1, 7) > 0)
grads = backward_propagation(parameters, cache, X, Y)
