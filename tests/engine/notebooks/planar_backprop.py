# %% [markdown]
# # Planar data classification with one hidden layer
#
# Welcome to your week 3 programming assignment!

# %% [markdown]
# ## Table of Contents
# - [1 - Packages](#1)
# - [2 - Load the Dataset](#2)
# - [4.5 - Backpropagation](#4-5)

# %% [markdown]
# <a name='1'></a>
# # 1 - Packages

# %%
# Package imports
import numpy as np
import copy
from planar_utils import sigmoid, load_planar_dataset

# %matplotlib inline

# %load_ext autoreload
# %autoreload 2

# %% [markdown]
# <a name='2'></a>
# # 2 - Load the Dataset 

# %%
X, Y = load_planar_dataset()

# %%
# !pip install h5py
shape_X = X.shape
shape_Y = Y.shape
m = Y.shape[1]  # training set size

print ('The shape of X is: ' + str(shape_X))
print ('The shape of Y is: ' + str(shape_Y))
print ('I have m = %d training examples!' % (m))

# %% [markdown]
# ## 4.2 - Initialize the model's parameters

# %%
# GRADED FUNCTION: initialize_parameters

def initialize_parameters(n_x, n_h, n_y):
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))

    parameters = {"W1": W1,
                  "b1": b1,
                  "W2": W2,
                  "b2": b2}

    return parameters

# %%
# GRADED FUNCTION: forward_propagation

def forward_propagation(X, parameters):
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]

    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)

    cache = {"Z1": Z1,
             "A1": A1,
             "Z2": Z2,
             "A2": A2}

    return A2, cache

# %% [markdown]
# <a name='4-5'></a>
# ### 4.5 - Implement Backpropagation

# %%
# GRADED FUNCTION: backward_propagation

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]

    # First, retrieve W1 and W2 from the dictionary "parameters".
    W1 = parameters["W1"]
    W2 = parameters["W2"]

    # Backward propagation: calculate dW1, db1, dW2, db2.
    dZ2 = cache["A2"] - Y
    dW2 = np.dot(dZ2, cache["A1"]) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(cache["A1"], 2))
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m

    grads = {"dW1": dW1,
             "db1": db1,
             "dW2": dW2,
             "db2": db2}

    return grads

# %%
# %%time
print('timing the cell below')

# %%
np.random.seed(2)
parameters = initialize_parameters(2, 4, 1)
A2, cache = forward_propagation(X, parameters)
grads = backward_propagation(parameters, cache, X, Y)
print ("dW1 = "+ str(grads["dW1"]))
