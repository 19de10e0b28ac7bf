"""stepprop's terminal app: step through one training step of a network, one matrix operation at a time."""
