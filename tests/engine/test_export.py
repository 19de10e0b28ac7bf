"""The exported script: plain NumPy that starts, computes and trains exactly as the engine does."""

import ast
import importlib.util
import inspect
import itertools
import re
import subprocess
import sys

import numpy as np
import pytest

from engine import Network, activations, datasets, export
from engine.trace import events

CONFIGS = {
    "sigmoid/sigmoid/bce": dict(sizes=(4, 3, 3)),
    "tanh/softmax/ce": dict(sizes=(3, 4, 3), hidden="tanh", output="softmax", loss="ce"),
    "relu/identity/mse": dict(sizes=(2, 5, 1), hidden="relu", output="identity", loss="mse"),
    "leaky_relu/sigmoid/mse": dict(sizes=(3, 4, 2), hidden="leaky_relu", output="sigmoid", loss="mse"),
    "identity/sigmoid/ce": dict(sizes=(3, 4, 2), hidden="identity", output="sigmoid", loss="ce", init="he"),
    "two hidden layers": dict(sizes=(3, 4, 5, 2), hidden="tanh", init="xavier"),
    "no hidden layer": dict(sizes=(3, 2), output="identity", loss="mse", init="he"),
}
CASES = [pytest.param(name, layout, bias, id=f"{name}-{layout}-{bias}")
         for name, layout, bias in itertools.product(CONFIGS, ("rows", "columns"), ("vector", "augmented"))]
LR = 0.1


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def losses_printed(stdout: str) -> list[float]:
    return [float(line.split()[-1]) for line in stdout.splitlines() if " loss " in line]


@pytest.fixture
def exported(tmp_path, make_data):
    """exported(name, layout, bias, steps) -> (net, X, Y, path of its script, the script imported)."""
    def build(name, layout, bias, steps=60):
        net = Network(**CONFIGS[name], layout=layout, bias=bias)
        X, Y = make_data(net, 5, np.random.default_rng(len(name)))
        path = export.write(net, X, Y, LR, tmp_path / "exported.py", steps=steps)
        return net, X, Y, path, load(path)
    return build


@pytest.mark.parametrize("name, layout, bias", CASES)
def test_the_script_starts_and_computes_as_the_engine(exported, name, layout, bias):
    net, X, Y, _, script = exported(name, layout, bias)
    params = script.init_params()
    assert list(params) == list(net.params)
    for key, P in net.params.items():
        assert params[key].shape == P.shape and np.array_equal(params[key], P), key
    assert np.array_equal(script.X, X) and np.array_equal(script.Y, Y)
    assert script.loss(X, Y, params) == pytest.approx(net.loss(X, Y), rel=0, abs=1e-9)
    grads = script.backward(X, Y, params, script.forward(X, params))
    expected = net.gradients(X, Y)
    assert list(grads) == ["d" + key for key in expected]
    for key, dP in expected.items():
        np.testing.assert_allclose(grads["d" + key], dP, rtol=0, atol=1e-9, err_msg=key)


@pytest.mark.parametrize("name, layout, bias", CASES)
def test_the_scripts_update_steps_as_the_engine(exported, name, layout, bias):
    net, X, Y, _, script = exported(name, layout, bias)
    params = script.init_params()
    for _ in range(3):
        params = script.update(params, script.backward(X, Y, params, script.forward(X, params)), LR)
    net.train(X, Y, LR, steps=3)
    for key, P in net.params.items():
        np.testing.assert_allclose(params[key], P, rtol=0, atol=1e-9, err_msg=key)


@pytest.mark.parametrize("name, layout, bias", CASES)
def test_the_script_runs_alone_and_trains(exported, name, layout, bias):
    *_, path, _ = exported(name, layout, bias, steps=60)
    # -I: isolated, so nothing of stepprop's is importable; -W error: a NumPy warning fails the run.
    done = subprocess.run([sys.executable, "-I", "-W", "error", str(path)], cwd=path.parent, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    losses = losses_printed(done.stdout)
    assert len(losses) == 11  # every 60 // 10 steps, and at the end
    assert done.stdout.splitlines()[-1].split()[:2] == ["step", "60"]
    assert losses[-1] < losses[0]


def shaped_lines(source: str) -> dict[str, list[str]]:
    """The lines inside forward, backward, loss and update that assign something computed, by function.

    Left out: the docstring, return, `m = X.shape[...]`, unpacking (`W1, b1 = params["W1"], params["b1"]`)
    and the call of forward in loss.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    found = {}
    lookup = re.compile(r'^[\w, ]+ = (\w+\["\w+"\](, )?)+$')
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in ("forward", "backward", "loss", "update"):
            body = [lines[i - 1].strip() for i in range(node.body[1].lineno, node.end_lineno + 1)]
            found[node.name] = [line for line in body if " = " in line and not lookup.match(line)
                                and not line.startswith(("def ", "return ", "m = X.shape[", "cache = forward("))]
    return found


@pytest.mark.parametrize("name, layout, bias", CASES)
def test_every_computing_line_is_the_engines_formula_with_its_shapes(exported, name, layout, bias):
    net, X, Y, path, _ = exported(name, layout, bias)
    found = shaped_lines(path.read_text(encoding="utf-8"))
    step = events(net, X, Y, LR)
    for function, phase in [("forward", "forward"), ("loss", "loss"), ("backward", "backward"), ("update", "update")]:
        expected = [f"{e.formula}  # {e.shape_rule.replace('→', '->')}" for e in step if e.phase == phase]
        assert found[function] == expected
        for line in found[function]:
            assert re.search(r"  # .*\(.*\).* -> \(.*\)$", line), line


@pytest.mark.parametrize("name, layout, bias", CASES)
def test_each_function_unpacks_only_what_its_lines_read(exported, name, layout, bias):
    """backward takes W2 from params but not W1, which no line of it reads; m is defined only where a line uses it."""
    _, _, _, path, _ = exported(name, layout, bias)
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.FunctionDef) or node.name not in ("forward", "backward", "loss", "update"):
            continue
        bound = []  # (name, the statement binding it) for unpacked names and m
        for statement in node.body:
            if isinstance(statement, ast.Assign) and (
                    isinstance(statement.value, ast.Subscript) or isinstance(statement.value, ast.Tuple)
                    and all(isinstance(v, ast.Subscript) for v in statement.value.elts)
                    or ast.unparse(statement.targets[0]) == "m"):
                bound += [(t.id, statement) for t in ast.walk(statement.targets[0]) if isinstance(t, ast.Name)]
        assert bound, node.name
        for bound_name, statement in bound:
            later = [n for s in node.body[node.body.index(statement) + 1:] for n in ast.walk(s)]
            assert any(isinstance(n, ast.Name) and n.id == bound_name and isinstance(n.ctx, ast.Load)
                       for n in later), f"{node.name} unpacks {bound_name} and never reads it"


def test_the_check_of_shape_comments_would_notice_a_missing_one():
    source = "def forward(X, params):\n    \"\"\"doc\"\"\"\n    W1 = params[\"W1\"]\n    Z1 = X @ W1\n    return Z1\n"
    assert shaped_lines(source)["forward"] == ["Z1 = X @ W1"]


def test_the_default_network_is_the_questions_answer():
    source = export.script(Network(), *datasets.question(), 0.5)
    assert "Z1 = X @ W1 + b1  # (2, 4) @ (4, 3) + (1, 3) -> (2, 3)" in source
    assert "dW1 = X.T @ dZ1  # (2, 4)ᵀ @ (2, 3) -> (4, 3)" in source
    assert "X = np.array([[1.0, 1.0, 1.0, 1.0],\n              [0.0, 0.0, 0.0, 0.0]])" in source


def test_the_header_says_which_network_and_which_shapes():
    net = Network(sizes=(3, 4, 2), hidden="tanh", output="softmax", loss="ce", layout="columns", bias="augmented",
                  init="xavier", seed=7)
    X, Y = datasets.synthetic(3, 2, 4, kind="onehot", layout="columns")
    doc = ast.get_docstring(ast.parse(export.script(net, X, Y, 0.25)))
    for text in ("3 → 4 → 2", "generated by stepprop", "hidden activation tanh", "output activation softmax",
                 "loss ce (cross-entropy)", "layout columns", "bias augmented", "init xavier", "seed 7",
                 "learning rate 0.25", "one example per column", "W1 (4, 4)", "W2 (2, 5)", "m = 4"):
        assert text in doc, text


def test_the_script_needs_only_numpy():
    net = Network(sizes=(2, 8, 3), output="softmax", loss="ce")
    source = export.script(net, *datasets.spirals(), 0.5)
    imported = {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    assert imported == {"numpy", "base64", "io"}
    assert imported.isdisjoint({"engine", "tui"})


def test_the_helpers_are_the_engines_own(tmp_path):
    script = load(export.write(Network(output="softmax", loss="ce"), datasets.question()[0],
                               np.array([[1.0, 0, 0], [0, 0, 1]]), 0.5, tmp_path / "softmax_net.py"))
    for helper in (activations.softmax, activations.log_softmax):
        assert inspect.getsource(getattr(script, helper.__name__)) == inspect.getsource(helper)
    Z = np.array([[-800.0, 0.0, 800.0], [1.0, 2.0, 3.0]])
    assert np.array_equal(script.sigmoid(Z), activations.sigmoid(Z))
    assert not hasattr(script, "log_sigmoid")  # only what the formulas call
    relu_net = export.script(Network(sizes=(2, 3, 1), hidden="relu", output="identity", loss="mse"),
                             *datasets.xor(), 0.5)
    assert "def sigmoid" not in relu_net and "def softmax" not in relu_net


def test_awkward_numbers_are_written_exactly(tmp_path):
    net = Network(sizes=(3, 2), output="identity", loss="mse")
    X = np.array([[0.1, -0.0, 5e-324], [1e-300, 1e150, -2.5], [1 / 3, np.pi, 123456789.123456789]])
    Y = np.array([[0.0, 1.0], [-1e-5, 2.0], [7.0, 2 / 3]])
    script = load(export.write(net, X, Y, 0.5, tmp_path / "awkward.py"))
    assert np.array_equal(script.X, X) and np.array_equal(np.signbit(script.X), np.signbit(X))
    assert np.array_equal(script.Y, Y)


def test_large_data_is_embedded_exactly(tmp_path):
    net = Network(sizes=(2, 8, 3), output="softmax", loss="ce", layout="columns")
    X, Y = datasets.spirals(layout="columns")
    path = export.write(net, X, Y, 0.5, tmp_path / "spirals.py", steps=20)
    source = path.read_text(encoding="utf-8")
    assert "base64.b64decode(" in source and max(len(line) for line in source.splitlines()) <= 120
    script = load(path)
    assert script.X.shape == (2, 300) and np.array_equal(script.X, X) and np.array_equal(script.Y, Y)
    assert script.loss(X, Y, script.init_params()) == pytest.approx(net.loss(X, Y), rel=0, abs=1e-9)


def test_an_untrained_network_exports_the_draws_of_its_seed():
    source = export.script(Network(seed=3), *datasets.question(), 0.5)
    assert "rng = np.random.default_rng(3)" in source


@pytest.mark.parametrize("layout, bias", [("rows", "vector"), ("columns", "augmented")])
def test_a_trained_network_exports_its_parameters_now_exactly_and_is_left_alone(tmp_path, layout, bias):
    net = Network(seed=3, layout=layout, bias=bias)
    X, Y = datasets.question(layout)
    net.train(X, Y, 0.5, steps=2)
    before = net.params
    path = export.write(net, X, Y, 0.5, tmp_path / "trained.py")
    assert net.steps == 2 and all(np.array_equal(before[k], P) for k, P in net.params.items())
    source = path.read_text()
    assert "default_rng" not in source and "after 2 training steps" in source
    params = load(path).init_params()
    assert list(params) == list(before)
    assert all(np.array_equal(params[k], P) for k, P in before.items())  # bit for bit: repr'd floats


def test_write_never_overwrites_an_earlier_export(tmp_path):
    net, (X, Y) = Network(), datasets.question()
    first = export.write(net, X, Y, 0.5, tmp_path / "net.py")
    net.train(X, Y, 0.5, steps=1)
    second = export.write(net, X, Y, 0.5, tmp_path / "net.py")
    third = export.write(net, X, Y, 0.5, tmp_path / "net.py")
    assert (first.name, second.name, third.name) == ("net.py", "net-2.py", "net-3.py")
    assert "default_rng(0)" in first.read_text() and "after 1 training step in" in second.read_text()


def test_write_returns_the_path_of_the_script(tmp_path):
    net = Network()
    X, Y = datasets.question()
    path = export.write(net, X, Y, 0.5, str(tmp_path / "net.py"), steps=7)
    assert path == tmp_path / "net.py"
    assert path.read_text(encoding="utf-8") == export.script(net, X, Y, 0.5, steps=7)
    assert "STEPS = 7" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("X, Y, lr, steps, message", [
    (None, None, 0.5, 0, "steps must be a whole number >= 1"),
    (None, None, 0.5, 2.5, "steps must be a whole number >= 1"),
    (None, None, -1.0, 10, "lr must be >= 0"),
    (np.ones((2, 5)), None, 0.5, 10, "X has shape (2, 5)"),
    (None, np.ones((3, 2)), 0.5, 10, "did you mean Y.T?"),
])
def test_bad_arguments_are_refused_with_a_reason(X, Y, lr, steps, message):
    X0, Y0 = datasets.question()
    with pytest.raises(ValueError, match=re.escape(message)):
        export.script(Network(), X0 if X is None else X, Y0 if Y is None else Y, lr, steps)


def numbers_of_width(width: int, count: int) -> np.ndarray:
    """count floats below 10 in size whose shortest repr, as the script writes them, has exactly width characters."""
    rng = np.random.default_rng(width)
    found = []
    while len(found) < count:
        digits = "".join(map(str, rng.integers(1, 10, 17)))
        text = {w: f"{digits[0]}.{digits[1:w - 1]}" for w in range(3, 17)}
        text.update({17: f"-{digits[0]}.{digits[1:15]}"})
        text.update({w: f"-{digits[0]}.{digits[1:w - 7]}e-100" for w in range(18, 23)})
        x = float(text[width]) if width in text else float(-rng.uniform(1.0, 10.0) * 1e-100)
        if len(repr(x)) == width:
            found.append(x)
    return np.array(found)


def literal_blocks(source: str) -> list[list[str]]:
    """The lines of every `name = np.array([...])` the script writes out number by number."""
    blocks, block = [], None
    for line in source.splitlines():
        if re.match(r"\s*\w+ = np\.array\(\[\[", line):
            block = []
        if block is not None:
            block.append(line)
            if line.endswith("])"):
                blocks.append(block)
                block = None
    return blocks


def check_literal(block: list[str]) -> None:
    """At most 100 characters a line; every matrix row starts a line; the numbers right-aligned in columns; and no
    line wraps that could take one more number and still close the matrix within 100 characters."""
    numbers = [[m for m in re.finditer(r"[-+.\w]+(?=[,\]])", line)] for line in block]
    width = max(len(m.group()) for line in numbers for m in line)
    ends = {m.end() for line in numbers for m in line}
    first = numbers[0][0].end()
    assert ends <= set(range(first, 101, width + 2)), block   # every number ends in its column
    assert {line[0].end() for line in numbers} == {first}, block  # every line starts in the first column
    for k, line in enumerate(block):
        assert len(line) <= 100, line
        if line.endswith(",") and not line.endswith("],"):  # the row goes on below
            assert len(line) + width + 4 > 100, f"{line!r} had room for another {width}-character number"
            assert re.match(r"\s+\d|\s+-", block[k + 1]), block[k + 1]
        else:
            assert k + 1 == len(block) or re.match(r"\s+\[", block[k + 1]), block[k + 1]


@pytest.mark.parametrize("width", range(3, 25))
def test_written_out_data_fills_lines_of_at_most_100_characters_in_columns(width):
    for n in (1, 2, 3, 5, 8, 13, 15, 16, 17, 21, 25, 32, 33, 34, 40, 49, 50, 51):
        X = numbers_of_width(width, 2 * n).reshape(2, n)
        source = export.script(Network((n, 1), output="identity", loss="mse"), X, np.zeros((2, 1)), 0.5)
        (block,) = [b for b in literal_blocks(source) if b[0].startswith("X = ")]
        check_literal(block)
        assert source.count(f"# (2, {n}): 2 examples as rows, {n} inputs\nX = np.array([[") == 1


@pytest.mark.parametrize("n_in", [5, 12, 16, 17, 18, 19, 24, 25])
def test_a_trained_networks_parameters_fill_lines_of_at_most_100_characters_in_columns(n_in):
    net = Network((n_in, 7, 4), layout="columns", seed=n_in)  # W1 is (7, n_in): rows of n_in numbers
    X, Y = datasets.synthetic(n_in, 4, 6, kind="binary", layout="columns")
    net.train(X, Y, 0.5, steps=1)
    blocks = literal_blocks(export.script(net, X, Y, 0.5))
    assert [b[0].split(" = ")[0].strip() for b in blocks] == ["X", "Y", "W1", "b1", "W2", "b2"]
    for block in blocks:
        check_literal(block)
    assert all(line.startswith("    ") for block in blocks[2:] for line in block)  # inside init_params


@pytest.mark.parametrize("layout, bias", [("rows", "vector"), ("columns", "augmented")])
def test_the_update_rule_in_words_is_the_rule_the_update_computes(layout, bias):
    """update's docstring and the header teach W ← W − lr·dW; read as code, it is every line of update."""
    net = Network((4, 3, 3), layout=layout, bias=bias)
    source = export.script(net, *datasets.question(layout), 0.5)
    update = next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
                  and node.name == "update")
    doc = ast.get_docstring(update)
    rule = re.search(r"W ← W [−+] lr·dW", doc)[0]
    assert f"train {export.STEPS} steps of {rule}," in source
    as_code = rule.replace("←", "=").replace("−", "-").replace("·", " * ")
    lines = [ast.unparse(s) for s in update.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.BinOp)]
    assert len(lines) == len(net.params)
    for line in lines:
        assert re.sub(r"[Wb](\d+)", "W", line) == as_code, (line, rule)


def test_after_999_exports_of_one_name_write_refuses_and_says_so(tmp_path):
    net, (X, Y) = Network(), datasets.question()
    for k in range(1, 1000):
        (tmp_path / ("net.py" if k == 1 else f"net-{k}.py")).write_text("")
    with pytest.raises(FileExistsError, match="net.py: 999 files of this name exist already; expected a free name"):
        export.write(net, X, Y, 0.5, tmp_path / "net.py")
    assert not (tmp_path / "net-1000.py").exists()


@pytest.mark.parametrize("sizes, hidden", [((3, 2), False), ((3, 5, 2), True), ((3, 5, 4, 2), True)])
def test_the_header_names_a_hidden_activation_only_when_there_is_a_hidden_layer(sizes, hidden):
    net = Network(sizes, hidden="tanh", output="identity", loss="mse")
    X, Y = np.zeros((2, 3)), np.zeros((2, 2))
    doc = ast.get_docstring(ast.parse(export.script(net, X, Y, 0.5)))
    assert ("hidden activation tanh, output activation identity;" in doc) == hidden
    assert ("; output activation identity;" in doc) == (not hidden)
    assert "# (2, 3): 2 examples as rows, 3 inputs\n" in export.script(net, X, Y, 0.5)
    assert "# (2, 2): 2 examples as rows, 2 outputs\n" in export.script(net, X, Y, 0.5)


@pytest.mark.parametrize("layout, bias", [("rows", "vector"), ("rows", "augmented"), ("columns", "vector"),
                                          ("columns", "augmented")])
def test_every_shape_comment_in_init_params_is_the_shape_the_line_makes(layout, bias):
    """init_params teaches the draws and the reshaping: `# ... -> (a, b)` is what the line's name then holds,
    and a transpose says (a, b)ᵀ -> (b, a)."""
    net = Network((4, 5, 3), layout=layout, bias=bias)
    source = export.script(net, *_data_for(net), 0.5)
    init = next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
                and node.name == "init_params")
    lines = source.splitlines()[init.lineno - 1:init.end_lineno]
    env = {"np": np}
    checked = 0
    for line in lines[1:]:
        code, _, comment = line.strip().partition("  # ")
        if code.startswith(('"""', "return")):
            continue
        exec(code, env)
        if "-> " in comment:
            name = code.split(" = ")[0]
            assert comment.rsplit("-> ", 1)[1].startswith(str(env[name].shape)), (line, env[name].shape)
            checked += 1
        if ".T)" in code:
            before = tuple(reversed(env[code.split(" = ")[0]].shape))
            assert comment == f"{before}ᵀ -> {before[::-1]}", line
    assert checked >= 4
    assert {k: P.shape for k, P in env["params"].items()} == {k: P.shape for k, P in net.params.items()}


def _data_for(net):
    X, Y = np.zeros((2, net.sizes[0])), np.zeros((2, net.sizes[-1]))
    return (X, Y) if net.layout_name == "rows" else (X.T, Y.T)


def test_the_scripts_sigmoid_reads_as_the_textbook_one_and_computes_the_engines_bit_for_bit(tmp_path):
    script = load(export.write(Network(), *datasets.question(), 0.5, tmp_path / "sigmoid_net.py"))
    body = inspect.getsource(script.sigmoid).splitlines()
    assert body[2].strip().startswith("A = 1 / (1 + np.exp(-Z))")  # the first thing computed is the textbook form
    assert "overflow" in body[3] and body[3].strip().startswith("#")  # the note says why the next line is there
    tiny = np.nextafter(0.0, 1.0)
    Z = np.array([[-np.inf, -1e308, -745.2, -745.13, -709.79, -709.78, -709.7, -40.0, -1.0, -tiny, -0.0],
                  [0.0, tiny, 1e-300, 0.5, 1.0, 36.7, 37.0, 709.78, 800.0, 1e308, np.inf]])
    Z = np.concatenate([Z, np.random.default_rng(0).normal(0.0, 300.0, (2, 11))])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # NumPy's warnings as errors: none comes
        ours = script.sigmoid(Z)
    theirs = activations.sigmoid(Z)
    assert ours.view(np.int64).tolist() == theirs.view(np.int64).tolist()  # every bit, signs and subnormals too
    assert ours[0, 4] > 0 and ours[0, 0] == 0  # e^Z where the textbook form would say 0; 0 at -inf
    assert np.isnan(script.sigmoid(np.array([np.nan])))[0]
