"""A network and its data as a standalone NumPy script: init_params, forward, backward, loss and a training loop."""

from __future__ import annotations

import base64
import inspect
import io
import re
from pathlib import Path

import numpy as np

from engine import activations, checks
from engine.events import PHASES
from engine.network import Network
from engine.trace import events

HELPERS = (activations.sigmoid, activations.log_sigmoid, activations.softmax, activations.log_softmax)
# The script's sigmoid reads as the textbook one; it computes the engine's activations.sigmoid bit for bit.
SIGMOID = '''\
def sigmoid(Z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        A = 1 / (1 + np.exp(-Z))  # the textbook sigmoid
        # overflow-safe: below Z = -709.78, e^(-Z) overflows and A is 0, though σ(Z) = e^Z: use it
        return np.where(A == 0, np.exp(Z), A)'''
LITERAL_LIMIT = 400  # numbers; larger data is embedded exactly as base64 .npy bytes
WIDTH = 100  # the data and parameters are wrapped to lines of at most this many characters
STEPS = 1000  # the training steps a script runs unless told otherwise; `stepprop export --help` names it

LOSS_NAMES = {"bce": "binary cross-entropy", "ce": "cross-entropy", "mse": "mean squared error, halved"}

SHAPES = {
    ("rows", "vector"): "one example per row: X is (m, n_in) and Y is (m, n_out).\n"
                        "Layer l has W (n_in, n_out) and b (1, n_out), so Z = A @ W + b is (m, n_out),\n"
                        "b broadcast down the m rows.",
    ("rows", "augmented"): "one example per row: X is (m, n_in) and Y is (m, n_out).\n"
                           "Layer l has W (n_in + 1, n_out), its last row the bias, and A_aug = [A | 1] is\n"
                           "(m, n_in + 1), so Z = A_aug @ W is (m, n_out).",
    ("rows", "flat"): "one example per row: X is (m, n_in) and Y is (m, n_out).\n"
                      "Layer l has W (n_in, n_out) and a flat b (n_out,), as CS231n writes it, so Z = A @ W + b is\n"
                      "(m, n_out), b broadcast along the last axis to every row.",
    ("columns", "vector"): "one example per column: X is (n_in, m) and Y is (n_out, m).\n"
                           "Layer l has W (n_out, n_in) and b (n_out, 1), so Z = W @ A + b is (n_out, m),\n"
                           "b broadcast across the m columns.",
    ("columns", "augmented"): "one example per column: X is (n_in, m) and Y is (n_out, m).\n"
                              "Layer l has W (n_out, n_in + 1), its last column the bias, and A_aug = [A ; 1] is\n"
                              "(n_in + 1, m), so Z = W @ A_aug is (n_out, m).",
}


MAIN = '''\
if __name__ == "__main__":
    params = init_params()
    every = max(1, STEPS // 10)
    for step in range(STEPS):
        if step % every == 0:
            print(f"step {step:>6}  loss {loss(X, Y, params):.10g}")
        cache = forward(X, params)
        grads = backward(X, Y, params, cache)
        params = update(params, grads, LR)
    print(f"step {STEPS:>6}  loss {loss(X, Y, params):.10g}")'''

# With dropout, each step draws its masks from (SEED, the step count, the layer), as stepprop does.
MAIN_DRAWN = '''\
if __name__ == "__main__":
    params = init_params()
    every = max(1, STEPS // 10)
    for step in range(FIRST, FIRST + STEPS):
        if (step - FIRST) % every == 0:
            print(f"step {step:>6}  loss {loss(X, Y, params, step):.10g}")
        cache = forward(X, params, step)
        grads = backward(X, Y, params, cache)
        params = update(params, grads, LR)
    print(f"step {FIRST + STEPS:>6}  loss {loss(X, Y, params, FIRST + STEPS):.10g}")'''


def script(net: Network, X, Y, lr: float, steps: int = STEPS) -> str:
    """The source of a script that needs only NumPy: net with its parameters now, X and Y.

    An untrained net's parameters are drawn from its seed, as the network drew them; a trained one's (net.steps > 0)
    are written out exactly, so the script carries on from that step.

    Every computing line is the engine's own formula, with the shapes of one step on (X, Y) as its comment.
    Raises ValueError for data or a learning rate the network refuses, or steps below 1.
    """
    if not checks.is_whole(steps, 1):
        raise ValueError(f"steps must be a whole number >= 1; got {steps!r}")
    lr = checks.learning_rate(lr)
    lines = {phase: [] for phase in PHASES}
    for e in events(net, X, Y, lr):
        lines[e.phase].append(f"{e.formula}  # {e.shape_rule.replace('→', '->')}")
    X, Y = checks.as_matrix("X", X), checks.as_matrix("Y", Y)
    if net._built[0].ids:  # token ids: written as the whole numbers an index needs
        X = X.astype(np.int64)
    m_line = f"m = X.shape[{net.layout.example_axis}]  # examples are {net.layout_name}"
    keys = list(net.params)
    grads = ["d" + k for k in keys]
    drawn = [d for b in net._built for d in b.draws]
    masks = [d.name for d in drawn]
    cached = [p.name for p in net.plan if p.phase == "forward"] + masks
    step = ", step" if drawn else ""
    imports = "import numpy as np"
    if max(X.size, Y.size) > LITERAL_LIMIT:
        imports = "import base64\nimport io\n\n" + imports
    constants = [f"LR = {lr!r}", f"STEPS = {steps}"]
    if drawn:
        constants += [f"SEED = {net.seed}", f"FIRST = {net.steps}  # the step count the masks start from"]
        draws = "\n".join([f"def draws(m{step}):", '    """The masks this step draws, as stepprop draws them."""',
                           *(f"    {d.code}" for d in drawn), f"    return dict({_fields(masks)})"])
    sections = [
        imports,
        *_helpers(net),
        "\n".join([_data("X", X, net), _data("Y", Y, net), *constants]),
        _init(net) if net.steps == 0 else _trained(net),
        *([draws] if drawn else []),
        _function(f"forward(X, params{step})", "The forward pass: every matrix it computes, by name.",
                  lines["forward"], m_line, {"params": keys, "masks": masks}, f"return dict({_fields(cached)})",
                  first=f"masks = draws(m{step})" if drawn else ""),
        _function("backward(X, Y, params, cache)", "The backward pass: the gradient of L for every parameter.",
                  lines["backward"], m_line, {"params": keys, "cache": cached}, f"return dict({_fields(grads)})"),
        _function(f"loss(X, Y, params{step})", "The loss L of params on (X, Y).", lines["loss"], m_line,
                  {"cache": cached}, "return float(L)", first=f"cache = forward(X, params{step})"),
        _function("update(params, grads, lr)", "One step of gradient descent, W ← W − lr·dW for every parameter.",
                  lines["update"], m_line, {"params": keys, "grads": grads}, f"return dict({_fields(keys)})"),
        MAIN_DRAWN if drawn else MAIN,
    ]
    return _header(net, X, lr, steps) + "\n\n" + "\n\n\n".join(sections) + "\n"


def write(net: Network, X, Y, lr: float, path, steps: int = STEPS) -> Path:
    """Write script(net, X, Y, lr, steps) to path, never over an existing file; returns the path.

    When path exists, the first free name-2.py, name-3.py, ... is used instead.
    """
    return write_new(Path(path), script(net, X, Y, lr, steps))


def write_new(base: Path, text: str) -> Path:
    """Write text to base, never over an existing file: the first free name-2.py, name-3.py, ... instead."""
    for k in range(1, 1000):
        path = base if k == 1 else base.with_name(f"{base.stem}-{k}{base.suffix}")
        try:
            with path.open("x", encoding="utf-8") as file:
                file.write(text)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{base}: 999 files of this name exist already; expected a free name")


def _header(net: Network, X: np.ndarray, lr: float, steps: int) -> str:
    if net.options.get("layers"):
        return _stack_header(net, X, lr, steps)
    sizes = net.sizes
    m = X.shape[net.layout.example_axis]
    augmented = net.bias == "augmented"
    layers = []
    for l, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        W = net.layout.weight_shape(n_in + augmented, n_out)
        b = "" if augmented else f", b{l} {(n_out,) if net.bias == 'flat' else net.layout.bias_shape(n_out)}"
        ZA = net.layout.data_shape("m", n_out)
        layers.append(f"  layer {l}: W{l} {W}{b}; Z{l}, A{l} ({ZA[0]}, {ZA[1]})")
    hidden = f"hidden activation {net.hidden}, " if net.depth > 1 else ""
    return f'''"""A {" → ".join(map(str, sizes))} network trained with plain NumPy; generated by stepprop.

Network: sizes {sizes}; {hidden}output activation {net.output};
loss {net.loss_name} ({LOSS_NAMES[net.loss_name]}); layout {net.layout_name}; bias {net.bias};
init {net.init}; seed {net.seed}; learning rate {lr!r}.

Shapes, {net.layout_name} layout, {SHAPES[net.layout_name, net.bias]}
{chr(10).join(layers)}
dZ, dA have the shapes of Z, A, and dW{", db" * (not augmented)} the shapes of W{", b" * (not augmented)}.
The comment on each line gives the shapes it combines for the data below, m = {m}.

Run it to train {steps} steps of W ← W − lr·dW, printing the loss as it goes.
"""'''


def _stack_header(net: Network, X: np.ndarray, lr: float, steps: int) -> str:
    """The header of a network given as a layer stack: the stack, and each parameter with its shape."""
    m = X.shape[net.layout.example_axis]
    owned = "; ".join(", ".join(f"{p.name} {checks.shape_text(p.shape)}" for p in b.params)
                      for b in net._built if b.params)
    return f'''"""A network of layers trained with plain NumPy; generated by stepprop.

Network: inputs {checks.shape_text(net.inputs)}; layers "{net.layers}";
loss {net.loss_name} ({LOSS_NAMES[net.loss_name]}); layout {net.layout_name}; bias {net.bias}; init {net.init};
seed {net.seed}; detail {net.detail}; learning rate {lr!r}.

Parameters, {net.layout_name} layout: {owned}.
Every gradient dP has the shape of P. The comment on each line gives the shapes it combines for the data below,
m = {m}.

Run it to train {steps} steps of P ← P − lr·dP, printing the loss as it goes.
"""'''


def _helpers(net: Network) -> list[str]:
    """The source of each engine function the formulas call, copied so the script computes what the engine does."""
    text = " ".join(p.formula for p in net.plan)
    return [SIGMOID if f is activations.sigmoid else inspect.getsource(f).rstrip() for f in HELPERS
            if re.search(rf"\b{f.__name__}\(", text)]


def _data(name: str, A: np.ndarray, net: Network) -> str:
    n = net.sizes[0] if name == "X" else net.sizes[-1]
    what = "inputs" if name == "X" else "outputs"
    note = f"# {A.shape}: {A.shape[net.layout.example_axis]} examples as {net.layout_name}, {n} {what}"
    if A.size <= LITERAL_LIMIT:
        return f"{note}\n{_literal(name, A)}"
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(A))  # float64: no pickle, which the script refuses to load
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    chunks = "\n".join(f'    "{encoded[i:i + WIDTH - 6]}"' for i in range(0, len(encoded), WIDTH - 6))
    return (f"{note}, stored exactly as .npy bytes\n"
            f"{name} = np.load(io.BytesIO(base64.b64decode(\n{chunks}\n)), allow_pickle=False)")


def _literal(name: str, A: np.ndarray, indent: str = "") -> str:
    """A as np.array([...]) of repr'd floats, which read back bit for bit: each matrix row starts a line, and its
    numbers, right-aligned in columns, fill lines of at most WIDTH characters, indent included."""
    number = int if A.dtype.kind in "iu" else float
    if A.ndim == 1:  # a flat bias (n,): one row without its brackets
        return _literal(name, A[None, :], indent).replace("np.array([[", "np.array([", 1).replace("]])", "])", 1)
    cells = [[repr(number(x)) for x in row] for row in A]
    width = max(len(c) for row in cells for c in row)
    lead = f"{indent}{name} = np.array(["
    per_line = (WIDTH - len(lead) - 2) // (width + 2)  # a repr has at most 24 characters, so 3 always fit
    rows = []
    for row in cells:
        parts = [", ".join(c.rjust(width) for c in row[i:i + per_line]) for i in range(0, len(row), per_line)]
        rows.append("[" + (",\n" + " " * (len(lead) + 1)).join(parts) + "]")
    kind = "], dtype=np.int64)" if number is int else "])"
    return lead + (",\n" + " " * len(lead)).join(rows) + kind


def _init(net: Network) -> str:
    lines = [f'"""The parameters stepprop starts from for seed {net.seed}, drawn in the same order, bit for bit."""']
    if net.layout_name == "columns":
        lines.append("# Drawn as in the rows layout, then transposed: both layouts start as the same network.")
    lines += [f"rng = np.random.default_rng({net.seed})", "params = {}"]
    for p in net.parameters:
        lines += [*p.code(net.init), f'params["{p.name}"] = {p.name}']
    return "def init_params():\n" + "\n".join(f"    {line}" for line in lines + ["return params"])


def _trained(net: Network) -> str:
    lines = [f'    """The parameters after {net.steps} training step{"s" * (net.steps != 1)} in stepprop, exactly."""',
             "    params = {}"]
    for key, P in net.params.items():
        lines += [_literal(key, P, "    "), f'    params["{key}"] = {key}  # {checks.shape_text(P.shape)}']
    return "\n".join(["def init_params():", *lines, "    return params"])


def _function(signature: str, doc: str, body: list[str], example: str, sources: dict[str, list[str]],
              result: str, first: str = "") -> str:
    """A function of the script: the formula lines `body`, after unpacking only the names they read."""
    code = "\n".join(line.partition("  # ")[0] for line in body)
    lines = [f"def {signature}:", f'    """{doc}"""']
    if re.search(r"\bm\b", f"{code}\n{first}"):
        lines.append(f"    {example}")
    if first:
        lines.append(f"    {first}")
    for source, names in sources.items():
        read = _read(names, code)
        if read:
            lines += _unpack(read, source)
    return "\n".join(lines + [f"    {line}" for line in body] + [f"    {result}"])


def _read(names: list[str], code: str) -> list[str]:
    """Those of names that a line of code reads before any earlier line assigns them."""
    assigned, read = set(), set()
    for line in code.splitlines():
        target, _, expression = line.partition(" = ")
        read |= {n for n in names if n not in assigned and re.search(rf"\b{n}\b", expression)}
        assigned.add(target)
    return [n for n in names if n in read]


def _unpack(names: list[str], source: str) -> list[str]:
    """W1, b1 = params["W1"], params["b1"], on one line while it fits."""
    line = f"    {', '.join(names)} = " + ", ".join(f'{source}["{n}"]' for n in names)
    return [line] if len(line) <= WIDTH else [f'    {n} = {source}["{n}"]' for n in names]


def _fields(names) -> str:
    return ", ".join(f"{n}={n}" for n in names)
