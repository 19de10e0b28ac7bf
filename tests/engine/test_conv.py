"""Convolutions and max pooling: forward values against CS231n's naive loops, gradients against central differences,
the shapes of both image layouts, the layer string's options, and every refusal with its formula and numbers."""

import numpy as np
import pytest

from engine import Network, gradient_check
from engine.exercise import Sheet

SMALL = "conv 4 3 pad 1, relu, maxpool 2, flatten, linear 4, softmax"
# Two convolutions (so col2im runs), a stride, padding, and a pool whose windows overlap.
DEEP = "conv 2 3, tanh, conv 3 3 stride 2 pad 1, maxpool 2 stride 1, flatten, linear 3, softmax"
LAYOUTS = ("rows", "channels_last")


# ---- references written out as loops, as CS231n's naive layers are ---------------------------------------------


def conv_naive(x, w, b, stride, pad):
    """CS231n's conv_forward_naive: x (N, C, H, W), w (F, C, HH, WW), b (F,)."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out


def conv_backward_naive(dout, x, w, stride, pad):
    """dx, dw, db by looping over every output position and adding its gradient into its window."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows, cols = slice(i * stride, i * stride + HH), slice(j * stride, j * stride + WW)
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def pool_naive(x, K, stride):
    N, C, H, W = x.shape
    Ho, Wo = 1 + (H - K) // stride, 1 + (W - K) // stride
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, c, i, j] = x[n, c, i * stride:i * stride + K, j * stride:j * stride + K].max()
    return out


def pool_backward_naive(dout, x, K, stride):
    """CS231n's max_pool_backward_naive: each gradient to the window's maximum, added where windows overlap."""
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = x[n, c, i * stride:i * stride + K, j * stride:j * stride + K]
                    dx[n, c, i * stride:i * stride + K, j * stride:j * stride + K] += \
                        dout[n, c, i, j] * (window == window.max())
    return dx


def data(net, m=3, seed=0):
    """Images in the network's layout, and one-hot labels."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, *net.inputs))
    if net.layout_name == "channels_last":
        X = X.transpose(0, 2, 3, 1)
    k = net.sizes[-1]
    return X, np.eye(k)[rng.integers(0, k, m)]


def to_rows(a, layout):
    """An image array in CS231n's (m, C, H, W), whatever its layout."""
    return a if layout == "rows" else a.transpose(0, 3, 1, 2)


def weights_rows(W, layout):
    return W if layout == "rows" else W.transpose(3, 2, 0, 1)


def values(net, X, Y):
    return {e.name: e.value for e in net.step(X, Y)}


# ---- forward ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_forward_matches_the_naive_loops(layout):
    net = Network(inputs=(2, 7, 7), layers=DEEP, loss="ce", layout=layout)
    X, Y = data(net)
    p = net.params
    v = values(net, X, Y)
    Z1 = conv_naive(to_rows(X, layout), weights_rows(p["W1"], layout), p["b1"], 1, 0)
    assert np.allclose(to_rows(v["Z1"], layout), Z1, atol=1e-12)
    Z2 = conv_naive(np.tanh(Z1), weights_rows(p["W2"], layout), p["b2"], 2, 1)
    assert np.allclose(to_rows(v["Z2"], layout), Z2, atol=1e-12)
    assert np.allclose(to_rows(v["P2"], layout), pool_naive(Z2, 2, 1), atol=1e-12)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_shapes_follow_each_course(layout):
    net = Network(inputs=(1, 8, 8), layers=SMALL, loss="ce", layout=layout)
    X, Y = data(net, m=5)
    shapes = {e.name: e.shape for e in net.step(X, Y)}
    image = {"rows": lambda C, H, W: (5, C, H, W), "channels_last": lambda C, H, W: (5, H, W, C)}[layout]
    assert shapes["x_pad1"] == image(1, 10, 10)
    assert shapes["Z1"] == image(4, 8, 8)
    assert shapes["P1"] == image(4, 4, 4)
    assert shapes["flat1"] == (5, 64)
    assert net.params["W1"].shape == ((4, 1, 3, 3) if layout == "rows" else (3, 3, 1, 4))
    assert net.params["b1"].shape == (4,)
    # CS231n's columns are (C·K·K, m·H'·W'); with channels last the windows are rows, (m·H'·W', K·K·C)
    assert shapes["x_cols1"] == ((9, 5 * 64) if layout == "rows" else (5 * 64, 9))
    assert shapes["W_col1"] == ((4, 9) if layout == "rows" else (9, 4))


def test_both_layouts_start_as_the_same_convolution():
    rows = Network(inputs=(2, 6, 6), layers="conv 3 3 pad 1, flatten, linear 2, softmax", loss="ce")
    last = Network(inputs=(2, 6, 6), layers="conv 3 3 pad 1, flatten, linear 2, softmax", loss="ce",
                   layout="channels_last")
    X, Y = data(rows)
    a = values(rows, X, Y)["Z1"]
    b = values(last, X.transpose(0, 2, 3, 1), Y)["Z1"]
    assert np.allclose(a, b.transpose(0, 3, 1, 2), atol=1e-12)


def test_the_reshape_and_transpose_orders_are_each_courses_own():
    rows = {p.name: p.formula for p in Network(inputs=(1, 8, 8), layers=SMALL, loss="ce").plan}
    last = {p.name: p.formula for p in Network(inputs=(1, 8, 8), layers=SMALL, loss="ce",
                                               layout="channels_last").plan}
    assert rows["x_pad1"] == "x_pad1 = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))"
    assert rows["x_cols1"] == "x_cols1 = x_pad1[:, k1, i1, j1].transpose(1, 2, 0).reshape(9, -1)"
    assert rows["W_col1"] == "W_col1 = W1.reshape(4, -1)"
    assert rows["Z1"] == "Z1 = out1.reshape(4, 8, 8, m).transpose(3, 0, 1, 2)"
    assert rows["db1"] == "db1 = dZ1.sum(axis=(0, 2, 3))"
    assert last["x_pad1"] == "x_pad1 = np.pad(X, ((0, 0), (1, 1), (1, 1), (0, 0)))"
    assert last["x_cols1"] == "x_cols1 = x_pad1[:, i1, j1].reshape(-1, 9)"
    assert last["W_col1"] == "W_col1 = W1.reshape(-1, 4)"
    assert last["Z1"] == "Z1 = out1.reshape(m, 8, 8, 4)"
    assert last["db1"] == "db1 = dZ1.sum(axis=(0, 1, 2))"


def test_the_output_size_is_shown_with_its_numbers():
    net = Network(inputs=(2, 7, 7), layers=DEEP, loss="ce")
    notes = {p.name: p.note for p in net.plan}
    assert "H' = W' = (H + 2P − K)/S + 1 = (7 + 2·0 − 3)/1 + 1 = 5" in notes["Z1"]
    assert "(5 + 2·1 − 3)/2 + 1 = 3" in notes["Z2"]
    assert "(3 + 2·0 − 2)/1 + 1 = 2" in notes["P2"]
    wide = Network(inputs=(1, 4, 6), layers="conv 1 3, flatten, linear 1, sigmoid")
    assert "H' = (H + 2P − K)/S + 1 = (4 + 2·0 − 3)/1 + 1 = 2, W' = (6 + 2·0 − 3)/1 + 1 = 4" in \
        {p.name: p.note for p in wide.plan}["Z1"]


# ---- backward ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_backward_matches_the_naive_loops(layout):
    net = Network(inputs=(2, 7, 7), layers=DEEP, loss="ce", layout=layout)
    X, Y = data(net)
    p = net.params
    v = values(net, X, Y)
    dZ2 = to_rows(v["dZ2"], layout)
    dA1, dW2, db2 = conv_backward_naive(dZ2, to_rows(v["A1"], layout), weights_rows(p["W2"], layout), 2, 1)
    assert np.allclose(weights_rows(v["dW2"], layout), dW2, atol=1e-12)
    assert np.allclose(v["db2"], db2, atol=1e-12)
    assert np.allclose(to_rows(v["dA1"], layout), dA1, atol=1e-12)
    dZ2_from_pool = pool_backward_naive(to_rows(v["dP2"], layout), to_rows(v["Z2"], layout), 2, 1)
    assert np.allclose(dZ2, dZ2_from_pool, atol=1e-12)


def central_differences(net, X, Y, key, eps=1e-6):
    P = net.params[key]
    numeric = np.zeros_like(P)
    for idx in np.ndindex(P.shape):
        up, down = P.copy(), P.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (net._loss_with({**net.params, key: up}, X, Y)
                        - net._loss_with({**net.params, key: down}, X, Y)) / (2 * eps)
    return numeric


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("detail", ("compact", "fine"))
def test_every_gradient_matches_central_differences(layout, detail):
    net = Network(inputs=(2, 7, 7), layers=DEEP.replace("softmax", "sigmoid"), loss="bce", layout=layout,
                  init="xavier", detail=detail)
    X, _ = data(net, m=4)
    Y = np.random.default_rng(1).integers(0, 2, (4, 3)).astype(float)
    analytic = net.gradients(X, Y)
    for key in net.params:
        numeric = central_differences(net, X, Y, key)
        assert np.allclose(analytic[key], numeric, rtol=1e-5, atol=1e-8), key
    assert max(gradient_check(net, X, Y).values()) < 1e-6


def test_pool_gradient_reaches_the_maximum_alone():
    net = Network(inputs=(1, 4, 4), layers="conv 1 1, maxpool 2, flatten, linear 1, identity", loss="mse")
    X = np.arange(16.0).reshape(1, 1, 4, 4)
    positive = net.params["W1"].ravel()[0] > 0
    v = values(net, X, np.zeros((1, 1)))
    dZ1 = v["dZ1"][0, 0]
    assert np.count_nonzero(dZ1) == 4
    # the sign of W1 decides which corner of each window holds the maximum; its gradient goes there alone
    corners = dZ1[1::2, 1::2] if positive else dZ1[::2, ::2]
    assert np.count_nonzero(corners) == 4


# ---- the layer string ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written, normalised", [
    ("conv 8 3", "conv 8 3"),
    ("CONV 8 3  PAD 1", "conv 8 3 pad 1"),
    ("conv 8 3 pad 1 stride 1", "conv 8 3 stride 1 pad 1"),
    ("maxpool 2 stride 2", "maxpool 2 stride 2"),
])
def test_options_are_written_out_only_where_given(written, normalised):
    net = Network(inputs=(1, 8, 8), layers=f"{written}, flatten, linear 2, softmax", loss="ce")
    assert net.layers == f"{normalised}, flatten, linear 2, softmax"
    again = Network(**net.options)
    assert again.layers == net.layers
    assert [p.formula for p in again.plan] == [p.formula for p in net.plan]


@pytest.mark.parametrize("layers, message", [
    ("conv 8", "item 1 'conv 8': expected a kernel size, as in 'conv 8 3'"),
    ("conv 8 3 pad", "item 1 'conv 8 3 pad': expected a padding after 'pad', as in 'conv 8 3 pad 1'"),
    ("conv 8 3 stride 0", "item 1 'conv 8 3 stride 0': a stride must be at least 1; got 0"),
    ("conv 8 3 pad -1", "item 1 'conv 8 3 pad -1': a padding must be at least 0; got -1"),
    ("conv 8 3 pad one", "item 1 'conv 8 3 pad one': expected a padding as a number, as in 'conv 8 3 pad 1'; "
                         "got 'one'"),
    ("conv 8 3 dilation 2", "item 1 'conv 8 3 dilation 2': unknown word 'dilation'; conv takes the words stride, pad"),
    ("conv 8 3 4", "conv takes 2 numbers, as in 'conv 8 3'; got '8 3 4' after it"),
    ("conv 8 3 pad 1 pad 2", "item 1 'conv 8 3 pad 1 pad 2': 'pad' is given twice; expected it once"),
    ("maxpool 2 pad 1", "unknown word 'pad'; maxpool takes the words stride"),
])
def test_bad_items_name_the_item_and_what_was_expected(layers, message):
    with pytest.raises(ValueError) as e:
        Network(inputs=(1, 8, 8), layers=f"{layers}, flatten, linear 2, softmax", loss="ce")
    assert message in str(e.value)


def test_kinds_without_options_keep_their_message():
    with pytest.raises(ValueError, match=r"item 1 'linear 3 pad 1': linear takes 1 number, as in 'linear 64'; "
                                         r"got '3 pad 1' after it"):
        Network(inputs=4, layers="linear 3 pad 1")


# ---- refusals -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("inputs, layers, message", [
    ((1, 4, 4), "conv 2 5", "item 1 'conv 2 5': the kernel is larger than the padded input: K = 5 but "
                            "H + 2P = 4 + 2·0 = 4"),
    ((1, 4, 4), "conv 2 7 pad 1", "K = 7 but H + 2P = 4 + 2·1 = 6"),
    ((1, 8, 8), "conv 2 2 stride 4", "item 1 'conv 2 2 stride 4': the output size H' = (H + 2P − K)/S + 1 = "
                                     "(8 + 2·0 − 2)/4 + 1 = 2.5 is not whole"),
    ((1, 5, 8), "maxpool 2", "item 1 'maxpool 2': the output size H' = (H + 2P − K)/S + 1 = (5 + 2·0 − 2)/2 + 1 "
                             "= 2.5 is not whole"),
    ((1, 8, 8), "linear 3", "linear takes examples with one axis of features, and these are (1, 8, 8); put "
                            "flatten before it"),
    ((64,), "conv 2 3", "item 1 'conv 2 3': a convolution reads images, examples of shape (C, H, W), as in "
                        "inputs=(1, 8, 8); these are (64,)"),
    ((1, 8, 8), "conv 2 3 pad 1, flatten, maxpool 2", "item 3 'maxpool 2': max pooling reads images"),
])
def test_sizes_that_cannot_work_are_refused_with_the_formula(inputs, layers, message):
    with pytest.raises(ValueError) as e:
        Network(inputs=inputs, layers=f"{layers}, flatten, linear 2, softmax" if "flatten" not in layers
                else f"{layers}, linear 2, softmax", loss="ce")
    assert message in str(e.value)


def test_a_kernel_that_exactly_fills_the_padded_input_is_fine():
    net = Network(inputs=(1, 4, 4), layers="conv 2 6 pad 1, flatten, linear 2, softmax", loss="ce")
    assert net._built[0].shape == (2, 1, 1)


def test_layouts_that_do_not_fit_are_refused_with_a_reason():
    with pytest.raises(ValueError, match=r"layout 'channels_last' lays out images \(m, H, W, C\), with "
                                         r"inputs=\(C, H, W\); these examples are \(4,\)"):
        Network(inputs=4, layers="linear 3, sigmoid", layout="channels_last")
    with pytest.raises(ValueError, match=r"item 1 'conv 2 3': a convolution is written for images as rows "
                                         r"\(m, C, H, W\) or channels_last \(m, H, W, C\)"):
        Network(inputs=(1, 8, 8), layers="conv 2 3, flatten, linear 2, softmax", loss="ce", layout="columns")
    with pytest.raises(ValueError, match=r"a convolution keeps its bias apart, b of shape \(2,\); choose bias "
                                         r"vector"):
        Network(inputs=(1, 8, 8), layers="conv 2 3, flatten, linear 2, softmax", loss="ce", bias="augmented")


def test_data_in_the_other_layout_is_refused_saying_which_shape_was_expected():
    net = Network(inputs=(3, 8, 8), layers="conv 2 3 pad 1, flatten, linear 2, softmax", loss="ce",
                  layout="channels_last")
    Y = np.eye(2)[[0, 1]]
    with pytest.raises(ValueError, match=r"X has shape \(2, 3, 8, 8\) but a channels_last-layout network whose "
                                         r"examples are \(3, 8, 8\) expects \(m, 8, 8, 3\)"):
        list(net.step(np.zeros((2, 3, 8, 8)), Y))
    with pytest.raises(ValueError, match=r"X has shape \(2, 64\) but a channels_last-layout network whose examples "
                                         r"are \(3, 8, 8\) expects \(m, 8, 8, 3\)"):
        list(net.step(np.zeros((2, 64)), Y))


# ---- every formula shown is one the judge accepts; every mistake is named ------------------------------------------


NETWORKS = [((1, 8, 8), SMALL), ((2, 7, 7), DEEP),
            ((2, 6, 6), "maxpool 2, conv 2 3 pad 2 stride 2, sigmoid, flatten, linear 1, sigmoid")]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("detail", ("compact", "fine"))
@pytest.mark.parametrize("inputs, layers", NETWORKS)
def test_the_judge_accepts_every_formula_and_names_every_mistake(layout, detail, inputs, layers):
    loss = "ce" if "softmax" in layers else "bce"
    net = Network(inputs=inputs, layers=layers, loss=loss, layout=layout, detail=detail)
    X, Y = data(net)
    if loss == "bce":
        Y = np.array([[0.0], [1.0], [1.0]])
    sheet = Sheet.of(net, X, Y)
    own = 0
    for i, e in enumerate(sheet.events):
        e.term, e.shape_rule  # every formula renders
        assert sheet.judge(i, e.formula).right, e.formula
        for kind, wrong, _ in e.planned.mistakes:
            verdict = sheet.judge(i, wrong)
            assert not verdict.right, wrong
            assert verdict.mistake == kind, (wrong, verdict)
            own += 1
    assert own >= 3


def test_the_silent_mistakes_run_and_give_the_right_shape():
    net = Network(inputs=(2, 7, 7), layers=DEEP, loss="ce")
    X, Y = data(net)
    sheet = Sheet.of(net, X, Y)
    silent = {}
    for i, e in enumerate(sheet.events):
        for kind, wrong, _ in e.planned.mistakes:
            verdict = sheet.judge(i, wrong)
            silent[kind] = verdict.shape_ok and not verdict.close
    assert silent == {"reshaped W in another order than im2col's": True,
                      "reshaped dW in another order than im2col's": True,
                      "the output size off by one": False,
                      "summed over the wrong axes": False,
                      "col2im by assignment instead of accumulation": True,
                      "spread the gradient over the whole window": True,
                      "kept the padding": False}


def test_generic_mistakes_that_mean_nothing_here_are_not_offered():
    from engine.doctor import mistakes
    net = Network(inputs=(2, 7, 7), layers=DEEP, loss="ce")
    X, Y = data(net)
    sheet = Sheet.of(net, X, Y)
    offered = {}
    for i, e in enumerate(sheet.events):
        found = mistakes(e.formula, sheet.env(i), expected=e.value, axes=sheet.axes, own=e.planned.mistakes)
        offered[e.name] = {m.kind for m in found}
    # an image's crop and the windows picked by index arrays are no bias row to drop
    assert "kept the bias row" not in offered["x_cols2"] | offered["x_win2"] | offered["dA1"]
    assert offered["dA1"] == {"kept the padding"}


def test_every_event_has_its_hints():
    from engine.exercise import hints
    net = Network(inputs=(2, 7, 7), layers=DEEP, loss="ce")
    X, Y = data(net)
    lines = {e.name: hints(e)[2] for e in Sheet.of(net, X, Y).events}
    assert lines["dx_pad2"] == "the line: np.add.at(dx_pad2, (slice(None), ___, ___, ___), ___.reshape(18, -1, m)" \
                               ".transpose(2, 0, 1))"
    assert lines["x_cols1"] == "the line: x_cols1 = ___[:, ___, ___, ___].transpose(1, 2, 0).reshape(18, -1)"


# ---- memory ---------------------------------------------------------------------------------------------------------


def test_the_im2col_buffer_counts_in_the_memory_budget():
    layers = "conv 16 3 pad 1, relu, maxpool 2, flatten, linear 10, softmax"
    net = Network(inputs=(3, 32, 32), layers=layers, loss="ce")
    columns = 3 * 3 * 3 * 32 * 32  # numbers of x_cols per example
    assert net._built[0].floats >= 2 * columns
    X = np.zeros((64, 3, 32, 32))
    Y = np.eye(10)[np.zeros(64, int)]
    step_bytes = 8 * 64 * sum(b.floats for b in net._built)
    small = Network(inputs=(3, 32, 32), layers=layers, loss="ce", max_bytes=step_bytes - 1)
    with pytest.raises(ValueError, match="memory|budget|bytes"):
        next(small.step(X, Y))
    assert small.steps == 0
    assert np.isfinite(Network(inputs=(3, 32, 32), layers=layers, loss="ce", max_bytes=step_bytes + 10**6).loss(X, Y))


def test_a_network_whose_columns_alone_pass_the_budget_is_refused_when_built():
    big = "conv 8 11 pad 5, flatten, linear 2, softmax"
    net = Network(inputs=(3, 128, 128), layers=big, loss="ce")
    columns = 3 * 11 * 11 * 128 * 128  # one example's x_cols: 5.9 million numbers, 47.6 MB
    assert net._built[0].buffer == columns
    assert 3 * 8 * net.parameter_count < 2**25 < 8 * columns
    with pytest.raises(ValueError, match=r"Network\(layers='conv 8 11 pad 5, flatten, linear 2, softmax'\) needs "
                                         r"about .* more than the 32\.0 MiB limit"):
        Network(inputs=(3, 128, 128), layers=big, loss="ce", max_bytes=2**25)


# ---- trace --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_trace_writes_every_event_of_an_image_network(layout):
    import json

    from engine import trace
    net = Network(inputs=(1, 8, 8), layers=SMALL, loss="ce", layout=layout)
    X, Y = data(net)
    document = json.loads(trace.trace(net, X, Y, 0.5, "json"))
    assert [e["name"] for e in document["events"]] == [p.name for p in net.plan]
    cols = next(e for e in document["events"] if e["name"] == "x_cols1")
    assert np.array_equal(np.array(cols["value"]), values(net, X, Y)["x_cols1"])
    md = trace.trace(net, X, Y, 0.5, "md")
    assert "Z1[0][0]:" in md and "Showing 2 of 3 slices along the first axis; full shape" in md
    assert "| db1 | 0 | 1 | 2 | 3 |" in md
    assert net.steps == 1  # values() stepped once; the traces applied nothing


# ---- export -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_exported_script_trains_as_the_engine_does(tmp_path, layout):
    import json
    import subprocess
    import sys

    from engine import datasets, export
    layers = "conv 2 3, tanh, conv 3 2 stride 2 pad 1, maxpool 2 stride 1, flatten, linear 4, softmax"
    X, Y = datasets.shapes(m=6, layout=layout)
    net = Network(inputs=(1, 8, 8), layers=layers, loss="ce", layout=layout)
    path = tmp_path / "convnet.py"
    path.write_text(export.script(net, X, Y, 0.1, steps=3)
                    + "\nimport json\nprint(json.dumps({k: v.tolist() for k, v in params.items()}))\n")
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.splitlines()[-1])
    net.train(X, Y, lr=0.1, steps=3)
    for key, P in net.params.items():
        assert np.allclose(np.array(got[key]), P, rtol=0, atol=1e-10), key
