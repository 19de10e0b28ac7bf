"""stepprop's terminal app: step through one training step of a network, one matrix operation at a time."""

import os

# OpenBLAS worker threads spin after each product and starve the UI's event loop on a 2-core machine, adding
# frames to every re-run; one BLAS thread keeps the keyboard responsive. An explicit setting still wins.
# This must run before NumPy loads, which is why it lives here.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
