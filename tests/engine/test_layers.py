"""Layer stacks: the one spelling, the same network either way it is given, and each new layer's maths.

Gradients are checked against central differences computed here; forward and backward values against textbook
implementations written here from CS231n's assignment 2 (batchnorm_forward, batchnorm_backward_alt) and makemore's
backprop exercise, never against the engine's own formulas.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from engine import Network, layers
from engine.exercise import Sheet

EPS = 1e-5
STACKS = {
    "batchnorm": "linear 5, batchnorm, tanh, linear 3, softmax",
    "layernorm": "linear 5, layernorm, relu, linear 3, softmax",
    "dropout": "linear 6, sigmoid, dropout 0.4, linear 3, softmax",
}
MAKEMORE = "embedding 27 10, flatten, linear 20, batchnorm, tanh, linear 27, softmax"


def dense_data(layout: str, m: int = 7, n_in: int = 4, n_out: int = 3, seed: int = 1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, m)]
    return (X, Y) if layout == "rows" else (X.T, Y.T)


def id_data(m: int = 9, seed: int = 2):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 27, (m, 3))
    X[1] = X[0]  # an id that repeats in the batch: np.add.at must add its gradients
    return X, np.eye(27)[rng.integers(0, 27, m)]


def numeric_gradients(net: Network, X, Y, h: float = 1e-6) -> dict[str, np.ndarray]:
    """dL/dP for every parameter by central differences over every entry, through net's loss alone."""
    params = net.params
    found = {}
    for key, P in params.items():
        grad = np.empty(P.shape)
        for idx in np.ndindex(P.shape):
            values = []
            for delta in (h, -h):
                nudged = P.copy()
                nudged[idx] += delta
                values.append(net._loss_with({**params, key: nudged}, X, Y))
            grad[idx] = (values[0] - values[1]) / (2 * h)
        found[key] = grad
    return found


# ---- the one spelling ---------------------------------------------------------------------------------------


def test_a_layer_string_is_normalised_and_round_trips():
    net = Network(inputs=4, layers="  Linear 3 ,SIGMOID,linear   3,  sigmoid ")
    assert net.layers == "linear 3, sigmoid, linear 3, sigmoid"
    again = Network(**net.options)
    assert again.layers == net.layers and [p.formula for p in again.plan] == [p.formula for p in net.plan]
    assert net.options == dict(inputs=4, layers="linear 3, sigmoid, linear 3, sigmoid", loss="bce", layout="rows",
                               bias="vector", init="uniform", seed=0, detail="compact")


@pytest.mark.parametrize("text, message", [
    ("linear", "item 1 'linear': expected a size, as in 'linear 64'"),
    ("linear 3, lineer 3", "item 2 'lineer 3': unknown kind 'lineer'; the kinds are " + ", ".join(layers.KINDS)),
    ("linear three", "item 1 'linear three': expected a size as a number, as in 'linear 64'; got 'three'"),
    ("linear 0, sigmoid", "item 1 'linear 0': a size must be at least 1; got 0"),
    ("linear 3,, sigmoid", "item 2 '': is empty; expected a layer such as 'linear 64' between the commas"),
    ("sigmoid 3", "item 1 'sigmoid 3': sigmoid takes no number, as in 'sigmoid'; got '3' after it"),
    ("linear 3 4", "item 1 'linear 3 4': linear takes 1 number, as in 'linear 64'; got '3 4' after it"),
    ("dropout 1, linear 3, sigmoid", "item 1 'dropout 1': the share of units dropped must be in [0, 1); got 1"),
    ("dropout -0.5, linear 3, sigmoid", "item 1 'dropout -0.5': the share of units dropped must be in [0, 1); "
                                        "got -0.5"),
    ("embedding 27", "item 1 'embedding 27': expected a dimension, as in 'embedding 27 10'"),
    ("", "layers is empty; expected items separated by commas, such as 'linear 3, sigmoid'"),
])
def test_a_malformed_layer_string_names_the_item_and_what_was_expected(text, message):
    with pytest.raises(ValueError) as info:
        Network(inputs=4, layers=text)
    assert str(info.value) == message


@pytest.mark.parametrize("text, message", [
    ("linear 3, softmax, linear 3, sigmoid", "item 2 'softmax': softmax makes the output's probabilities, so it "
                                             "comes last"),
    ("linear 3, embedding 27 2, flatten, linear 3, sigmoid", "item 2 'embedding 27 2': an embedding reads the token "
                                                             "ids of the data, so it comes first"),
    ("flatten, linear 3, sigmoid", "item 1 'flatten': flatten turns examples of two or more axes into one row of "
                                   "features, and these already have one axis, (4,)"),
    ("linear 3, batchnorm", "item 2 'batchnorm': the last layer makes the output"),
    ("linear 3, tanh", "item 2 'tanh': the output activation must be one of sigmoid, softmax, identity"),
])
def test_layers_that_cannot_follow_each_other_are_refused_with_the_reason(text, message):
    with pytest.raises(ValueError) as info:
        Network(inputs=4, layers=text, loss="ce" if "softmax" in text else "bce")
    assert str(info.value).startswith(message), str(info.value)


def test_sizes_and_layers_are_given_one_way_or_the_other():
    with pytest.raises(ValueError, match="give either sizes, hidden and output, or inputs and layers"):
        Network(sizes=(4, 3, 3), inputs=4, layers="linear 3, sigmoid")
    with pytest.raises(ValueError, match="layers needs inputs"):
        Network(layers="linear 3, sigmoid")
    with pytest.raises(ValueError, match="inputs goes with layers"):
        Network(inputs=4)
    with pytest.raises(ValueError, match=r"inputs must be the shape of one example.*got 0"):
        Network(inputs=0, layers="linear 3, sigmoid")


def test_the_smallest_sizes_are_one():
    net = Network(inputs=1, layers="linear 1, sigmoid, dropout 0, linear 1, sigmoid")
    assert net.layers == "linear 1, sigmoid, dropout 0, linear 1, sigmoid" and net.params["W1"].shape == (1, 1)
    assert Network(inputs=1, layers="embedding 1 1, flatten, linear 1, sigmoid").params["E1"].shape == (1, 1)


def test_the_short_form_names_every_layer():
    assert layers.short(layers.parse(MAKEMORE + ", dropout 0.25")) == \
        "emb 27×10 → flat → 20 → bn → tanh → 27 → softmax → drop 0.25"


def test_a_network_names_itself_in_short_with_its_examples_shape():
    assert Network((4, 3, 3)).short == "4 → 3 → 3" and Network((4, 3, 3)).activations == "sigmoid → sigmoid  bce"
    net = Network(inputs=(3,), layers="embedding 27 10, flatten, linear 27, softmax", loss="ce")
    assert net.short == "3 → emb 27×10 → flat → 27 → softmax" and net.activations == "ce"
    images = Network(inputs=(1, 8, 8), layers="conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax", loss="ce")
    assert images.short.startswith("(1, 8, 8) → conv")


# ---- the same network either way --------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("bias", ["vector", "augmented"])
@pytest.mark.parametrize("hidden, output, loss", [("sigmoid", "sigmoid", "bce"), ("relu", "softmax", "ce"),
                                                  ("tanh", "identity", "mse"), ("leaky_relu", "sigmoid", "mse")])
def test_sizes_and_the_layer_string_give_the_same_events_and_parameters(layout, bias, hidden, output, loss):
    old = Network(sizes=(4, 5, 3), hidden=hidden, output=output, loss=loss, layout=layout, bias=bias, seed=3)
    new = Network(inputs=4, layers=f"linear 5, {hidden}, linear 3, {output}", loss=loss, layout=layout, bias=bias,
                  seed=3)
    assert [(p.phase, p.layer, p.name, p.formula) for p in old.plan] == \
           [(p.phase, p.layer, p.name, p.formula) for p in new.plan]
    assert old.params.keys() == new.params.keys()
    assert all(np.array_equal(old.params[k], new.params[k]) for k in old.params)
    X, Y = dense_data(layout)
    if output != "softmax":
        Y = np.clip(Y + 0.2, 0, 1)
    for a, b in zip(old.step(X, Y, 0.3), new.step(X, Y, 0.3)):
        assert np.array_equal(a.value, b.value), a.name


def test_train_runs_the_plan_without_events_and_ends_where_stepping_ends():
    X, Y = dense_data("rows", n_out=3)
    by_events = Network(inputs=4, layers=STACKS["dropout"], loss="ce")
    by_train = Network(inputs=4, layers=STACKS["dropout"], loss="ce")
    losses = []
    for _ in range(5):
        for event in by_events.step(X, Y, 0.3):
            if event.name == "L":
                losses.append(float(event.value))
    assert by_train.train(X, Y, 0.3, steps=5) == losses[-1]
    assert by_train.steps == by_events.steps == 5
    assert all(np.array_equal(by_events.params[k], by_train.params[k]) for k in by_train.params)


# ---- gradients ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("detail", ["compact", "fine"])
@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("stack", list(STACKS))
def test_every_parameters_gradient_matches_central_differences(stack, layout, detail):
    net = Network(inputs=4, layers=STACKS[stack], loss="ce", layout=layout, detail=detail, init="he", seed=5)
    X, Y = dense_data(layout)
    analytic, numeric = net.gradients(X, Y), numeric_gradients(net, X, Y)
    for key in net.params:
        assert analytic[key].shape == net.params[key].shape
        assert np.allclose(analytic[key], numeric[key], rtol=1e-5, atol=1e-7), key


@pytest.mark.parametrize("detail", ["compact", "fine"])
def test_the_makemore_stack_and_the_embedding_table_match_central_differences(detail):
    net = Network(inputs=3, layers=MAKEMORE, loss="ce", detail=detail, init="he", seed=1)
    X, Y = id_data()
    analytic, numeric = net.gradients(X, Y), numeric_gradients(net, X, Y)
    for key in ("E1", "W2", "gamma2", "beta2", "W3", "b3"):
        assert np.allclose(analytic[key], numeric[key], rtol=1e-5, atol=1e-7), key
    assert np.allclose(analytic["b2"], 0, atol=1e-12)  # a bias before batchnorm: the mean takes it straight out


def test_a_flat_bias_is_n_and_its_gradient_sums_over_examples_without_keepdims():
    net = Network(sizes=(4, 5, 3), bias="flat", output="softmax", loss="ce")
    assert net.params["b1"].shape == (5,) and net.params["b2"].shape == (3,)
    X, Y = dense_data("rows")
    grads, numeric = net.gradients(X, Y), numeric_gradients(net, X, Y)
    assert grads["b1"].shape == (5,)
    assert np.allclose(grads["b1"], numeric["b1"], rtol=1e-5, atol=1e-8)
    assert "db1 = dZ1.sum(axis=0)" in [p.formula for p in net.plan]
    net.train(X, Y, 0.5, steps=3)
    assert net.params["b1"].shape == (5,)
    with pytest.raises(ValueError, match=r"bias 'flat' is b of shape \(n,\).*use bias 'vector' \(n, 1\) there"):
        Network(sizes=(4, 5, 3), bias="flat", layout="columns")


@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("stack", ["batchnorm", "layernorm"])
def test_fine_and_compact_give_the_same_gradients(stack, layout):
    X, Y = dense_data(layout)
    compact = Network(inputs=4, layers=STACKS[stack], loss="ce", layout=layout, seed=2).gradients(X, Y)
    fine_net = Network(inputs=4, layers=STACKS[stack], loss="ce", layout=layout, seed=2, detail="fine")
    fine = fine_net.gradients(X, Y)
    assert all(np.allclose(compact[k], fine[k], rtol=0, atol=1e-10) for k in compact)
    names = [p.name for p in fine_net.plan]
    for name in ("mu1", "xmu1", "sq1", "var1", "ivar1", "xhat1", "divar1", "dvar1", "dsq1", "dxmu1", "dmu1"):
        assert name in names  # every intermediate, forward and back, is an event of its own


# ---- the maths each layer teaches, against textbook implementations ----------------------------------------


def cs231n_batchnorm_forward(x, gamma, beta):
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + EPS)
    return gamma * x_hat + beta, (x, x_hat, mu, var, gamma)


def cs231n_batchnorm_backward_alt(dout, cache):
    x, x_hat, mu, var, gamma = cache
    N = x.shape[0]
    dgamma = (dout * x_hat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    dx_hat = dout * gamma
    dx = (1.0 / N) / np.sqrt(var + EPS) * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dgamma, dbeta


def events_by_name(net, X, Y):
    step = net.step(X, Y, 0.1)
    found = {}
    for event in step:  # the step's matrices by name, the last of a name kept (np.add.at writes dE1 again)
        if event.phase == "update":
            break
        found[event.name] = event.value
    step.close()
    return found


@pytest.mark.parametrize("detail", ["compact", "fine"])
def test_batchnorm_forward_and_backward_are_cs231ns(detail):
    net = Network(inputs=4, layers="linear 5, batchnorm, tanh, linear 3, softmax", loss="ce", detail=detail, seed=4)
    gamma, beta = np.linspace(0.5, 1.5, 5), np.linspace(-0.2, 0.2, 5)  # as training leaves them: not 1 and 0
    net.start_from({"gamma1": gamma[None, :], "beta1": beta[None, :]})
    X, Y = dense_data("rows", m=6)
    v = events_by_name(net, X, Y)
    out, cache = cs231n_batchnorm_forward(v["Z1"], gamma, beta)
    assert np.allclose(v["BN1"], out, atol=1e-12)
    dx, dgamma, dbeta = cs231n_batchnorm_backward_alt(v["dBN1"], cache)
    assert np.allclose(v["dZ1"], dx, atol=1e-12)
    assert np.allclose(v["dgamma1"].ravel(), dgamma, atol=1e-12) and np.allclose(v["dbeta1"].ravel(), dbeta)


def test_batchnorm_in_the_columns_layout_takes_its_statistics_along_the_rows_of_each_feature():
    net = Network(inputs=4, layers=STACKS["batchnorm"], loss="ce", layout="columns")
    X, Y = dense_data("columns", m=6)
    v = events_by_name(net, X, Y)
    assert v["mu1"].shape == (5, 1) and net.params["gamma1"].shape == (5, 1)
    out, cache = cs231n_batchnorm_forward(v["Z1"].T, 1.0, 0.0)
    assert np.allclose(v["BN1"], out.T, atol=1e-12)
    assert np.allclose(v["dZ1"], cs231n_batchnorm_backward_alt(v["dBN1"].T, cache)[0].T, atol=1e-12)


def test_layernorm_normalises_each_example_over_its_features():
    net = Network(inputs=4, layers=STACKS["layernorm"], loss="ce")
    X, Y = dense_data("rows", m=6)
    v = events_by_name(net, X, Y)
    Z = v["Z1"]
    expected = (Z - Z.mean(axis=1, keepdims=True)) / np.sqrt(Z.var(axis=1, keepdims=True) + EPS)
    assert v["mu1"].shape == (6, 1) and np.allclose(v["LN1"], expected, atol=1e-12)
    # Layernorm's backward is batchnorm's on the transpose: each example is a "batch" of its features.
    dx = cs231n_batchnorm_backward_alt(v["dLN1"].T, (Z.T, expected.T, Z.mean(1), Z.var(1), 1.0))[0].T
    assert np.allclose(v["dZ1"], dx, atol=1e-12)


def test_an_embedding_picks_rows_and_repeated_ids_add_up_their_gradients():
    net = Network(inputs=2, layers="embedding 4 2, flatten, linear 2, softmax", loss="ce", seed=0)
    X = np.array([[1, 1], [3, 1]])
    Y = np.eye(2)[[0, 1]]
    v = events_by_name(net, X, Y)
    E = net.params["E1"]
    assert v["emb1"].shape == (2, 2, 2)
    assert np.array_equal(v["emb1"][0, 0], E[1]) and np.array_equal(v["emb1"][1, 0], E[3])
    d = v["demb1"]
    assert np.allclose(v["dE1"][1], d[0, 0] + d[0, 1] + d[1, 1])  # id 1 is read three times
    assert np.allclose(v["dE1"][3], d[1, 0]) and not v["dE1"][[0, 2]].any()
    formulas = [p.formula for p in net.plan]
    assert "dE1 = np.zeros_like(E1)" in formulas and "np.add.at(dE1, X, demb1)" in formulas


def test_ids_that_are_not_ids_are_refused_with_the_entry():
    net = Network(inputs=3, layers=MAKEMORE, loss="ce")
    X, Y = id_data(m=4)
    with pytest.raises(ValueError, match=r"embedding 27 10 reads integer ids, but X\[0, 1\] is 2.5"):
        net.loss(np.where(np.arange(3) == 1, 2.5, X), Y)
    with pytest.raises(ValueError, match=r"reads ids from 0 to 26, but X\[2, 0\] is 27, outside the vocabulary"):
        bad = X.copy()
        bad[2, 0] = 27
        net.loss(bad, Y)


def test_dropout_keeps_units_with_the_scale_and_its_mask_is_fixed_by_seed_step_and_layer():
    net = Network(inputs=4, layers="linear 400, relu, dropout 0.25, linear 3, softmax", loss="ce", seed=3)
    X, Y = dense_data("rows", m=50)
    mask = net.draws(50)["mask1"]
    assert mask.shape == (50, 400) and set(np.unique(mask)) == {0.0, 1.0}
    assert abs(mask.mean() - 0.75) < 0.01
    v = events_by_name(net, X, Y)
    assert np.allclose(v["D1"], v["A1"] * mask / 0.75)
    assert np.allclose(v["dA1"], v["dD1"] * mask / 0.75)
    assert np.array_equal(net.draws(50)["mask1"], mask)  # the same step: the same mask, for loss() and gradients()
    net.train(X, Y, 0.1)
    assert not np.array_equal(net.draws(50)["mask1"], mask)  # the next step draws anew
    other = Network(inputs=4, layers="linear 400, relu, dropout 0.25, linear 3, softmax", loss="ce", seed=4)
    assert not np.array_equal(other.draws(50)["mask1"], mask)
    assert (Network(inputs=4, layers="linear 5, relu, dropout 0, linear 3, softmax", loss="ce").draws(6)["mask1"]
            == 1).all()


# ---- every consumer takes every layer -------------------------------------------------------------------------


def judged_networks():
    for detail in ("compact", "fine"):
        yield Network(inputs=3, layers=MAKEMORE + "", loss="ce", detail=detail), *id_data()
        for layout in ("rows", "columns"):
            for stack in STACKS.values():
                yield Network(inputs=4, layers=stack, loss="ce", layout=layout, detail=detail), *dense_data(layout)
    yield Network(sizes=(4, 5, 3), bias="flat", output="softmax", loss="ce"), *dense_data("rows")


@pytest.mark.parametrize("net, X, Y", list(judged_networks()), ids=lambda v: getattr(v, "layers", ""))
def test_the_judge_takes_every_formula_shown_and_names_every_layers_own_mistake(net, X, Y):
    sheet = Sheet.of(net, X, Y)
    for i, event in enumerate(sheet.events):
        verdict = sheet.judge(i, event.formula)
        assert verdict.right and verdict.exact, (event.formula, verdict.summary, verdict.diagnosis)
        assert event.term and event.rule  # the maths renders from the line
        for kind, wrong, lesson in event.planned.mistakes:
            verdict = sheet.judge(i, wrong)
            assert not verdict.right and verdict.mistake == kind, (wrong, verdict.summary)
            assert lesson in verdict.diagnosis


def test_the_engine_loads_a_layer_module_only_when_a_stack_uses_it():
    code = ("import sys, engine; engine.Network(); "
            "print(sorted(m for m in sys.modules if m.startswith('engine.layers.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['engine.layers.activation', 'engine.layers.linear']"


def test_a_layer_over_the_memory_budget_is_refused_before_anything_is_made():
    with pytest.raises(ValueError, match=r"^Network\(layers='embedding 100000 5000.*needs about 11\.2 GiB"):
        Network(inputs=3, layers="embedding 100000 5000, flatten, linear 3, softmax", loss="ce")
    net = Network(inputs=3, layers=MAKEMORE, loss="ce", max_bytes=300_000)
    X, Y = id_data(m=200)
    with pytest.raises(ValueError, match=r"on 200 examples needs about"):
        net.loss(X, Y)


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_fine_detail_steps_softmax_with_cross_entropy_as_makemore_does(layout):
    X, Y = dense_data(layout)
    compact = Network(sizes=(4, 5, 3), hidden="tanh", output="softmax", loss="ce", layout=layout)
    fine = Network(sizes=(4, 5, 3), hidden="tanh", output="softmax", loss="ce", layout=layout, detail="fine")
    assert abs(compact.loss(X, Y) - fine.loss(X, Y)) < 1e-12
    a, b = compact.gradients(X, Y), fine.gradients(X, Y)
    assert all(np.allclose(a[k], b[k], rtol=0, atol=1e-10) for k in a)
    names = [p.name for p in fine.plan]
    assert names[names.index("Z2") + 1:names.index("L")] == ["maxes2", "norm2", "counts2", "sums2", "inv2", "A2",
                                                             "logp2"]
    assert names[names.index("L") + 1:names.index("dW2")] == ["dlogp2", "dA2", "dinv2", "dsums2", "dcounts2",
                                                              "dnorm2", "dmaxes2", "dZ2"]
    v = events_by_name(fine, X, Y)
    axis = 1 if layout == "rows" else 0
    assert np.allclose(v["A2"], np.exp(v["Z2"]) / np.exp(v["Z2"]).sum(axis=axis, keepdims=True))
    assert np.allclose(v["dZ2"], (v["A2"] - Y) / 7, atol=1e-15)  # m = 7: the fused gradient, step by step
    assert Network(**fine.options).detail == "fine"


BUDGETED = [("linear 64, batchnorm, tanh, linear 3, softmax", "compact"),
            ("linear 64, batchnorm, tanh, linear 3, softmax", "fine"),
            ("linear 64, layernorm, relu, dropout 0.5, linear 3, softmax", "compact"),
            ("linear 64, layernorm, relu, linear 3, softmax", "fine")]


@pytest.mark.parametrize("stack, detail", BUDGETED)
def test_the_memory_a_step_is_refused_for_covers_what_the_step_holds(stack, detail):
    """The budget's estimate of a step's arrays is no less than what a step really holds at its peak (measured), and
    not wildly more, so a network is refused only when it would not fit."""
    import gc
    import tracemalloc

    net = Network(inputs=4, layers=stack, loss="ce", detail=detail)
    X, Y = dense_data("rows", m=2000)
    for _ in net.step(X, Y, 0.1):  # once, so that nothing made on first use is counted
        pass
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        held = []
        for event in net.step(X, Y, 0.1):
            held.append(event)  # the app keeps a step's events on screen: every one of them at once
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    estimate = 8 * 2000 * net._floats + 3 * 8 * net.parameter_count
    assert peak <= estimate <= 3 * peak, (peak, estimate)
