"""A learner's own class, after makeyourownneuralnetwork: weights on self, the hidden error without its transpose."""
import numpy as np


class NeuralNetwork:
    def __init__(self, inputs, hidden, outputs, learning_rate):
        rng = np.random.default_rng(0)
        self.wih = rng.normal(0.0, hidden ** -0.5, (hidden, inputs))
        self.who = rng.normal(0.0, outputs ** -0.5, (outputs, hidden))
        self.lr = learning_rate

    def train(self, inputs_list, targets_list):
        inputs = np.array(inputs_list, ndmin=2).T
        targets = np.array(targets_list, ndmin=2).T
        hidden_outputs = 1 / (1 + np.exp(-np.dot(self.wih, inputs)))
        final_outputs = 1 / (1 + np.exp(-np.dot(self.who, hidden_outputs)))
        e = targets - final_outputs
        hidden_errors = np.dot(self.who, e)
        self.who += self.lr * np.dot(e * final_outputs * (1.0 - final_outputs), hidden_outputs.T)
        self.wih += self.lr * np.dot(hidden_errors * hidden_outputs * (1.0 - hidden_outputs), inputs.T)


net = NeuralNetwork(3, 4, 2, 0.3)
net.train([0.9, 0.1, 0.5], [0.99, 0.01])
