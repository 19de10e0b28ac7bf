import numpy as np

np.random.seed(1)
X = np.random.randn(2, 5)
Y = (np.random.rand(1, 5) > 0.5).astype(float)
parameters = {"W1": np.random.randn(4, 2) * 0.01, "b1": np.zeros((4, 1)),
              "W2": np.random.randn(1, 4) * 0.01, "b2": np.zeros((1, 1))}


def forward(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def backward(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = np.dot(dZ2, cache["A1"]) / m
    return {"dW2": dW2}


A2, cache = forward(X, parameters)
grads = backward(parameters, cache, X, Y)
