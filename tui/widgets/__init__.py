"""Display widgets: each shows engine objects it is handed and computes nothing of its own."""
