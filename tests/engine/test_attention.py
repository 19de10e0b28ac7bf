"""Attention, position embeddings, residual adds and the transformer block: values against a textbook attention
written here with loops over examples and heads, gradients against central finite differences, every formula
judged right by write it yourself, every break-it mistake named, and bad input refused with its numbers."""

import math

import numpy as np
import pytest

from engine import Network, gradient_check
from engine.doctor import render
from engine.exercise import Sheet
from engine.layers import parse
from engine.trace import events, trace

TINY_GPT = "embedding 27 16, position 8 16, transformer 16 2 causal, layernorm, linear 27, softmax"


def _softmax_rows(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def textbook_forward(X, Wq, Wk, Wv, Wo, heads, causal):
    """Vaswani et al.'s multi-head attention, one example and one head at a time: head k uses columns
    k·d .. (k+1)·d of each projection; the heads' outputs are concatenated, then projected by Wo."""
    m, T, D = X.shape
    d = D // heads
    out, P, cache = np.zeros((m, T, D)), np.zeros((m, heads, T, T)), {}
    for i in range(m):
        outputs = []
        for k in range(heads):
            cols = slice(k * d, (k + 1) * d)
            q, key, v = X[i] @ Wq[:, cols], X[i] @ Wk[:, cols], X[i] @ Wv[:, cols]
            s = q @ key.T / math.sqrt(d)
            if causal:
                s = s + np.triu(np.full((T, T), -np.inf), 1)
            P[i, k] = _softmax_rows(s)
            cache[i, k] = (q, key, v)
            outputs.append(P[i, k] @ v)
        out[i] = np.concatenate(outputs, axis=1) @ Wo
    return out, P, cache


def textbook_backward(X, Wq, Wk, Wv, Wo, heads, P, cache, dout):
    """The backward pass of textbook_forward, the softmax's through its Jacobian diag(p) − p pᵀ, row by row."""
    m, T, D = X.shape
    d = D // heads
    grads = {k: np.zeros((D, D)) for k in ("Wq", "Wk", "Wv", "Wo")}
    dX = np.zeros_like(X)
    for i in range(m):
        concat = np.concatenate([P[i, k] @ cache[i, k][2] for k in range(heads)], axis=1)
        grads["Wo"] += concat.T @ dout[i]
        dconcat = dout[i] @ Wo.T
        for k in range(heads):
            cols = slice(k * d, (k + 1) * d)
            q, key, v = cache[i, k]
            p = P[i, k]
            dhead = dconcat[:, cols]
            dp = dhead @ v.T
            dv = p.T @ dhead
            ds = np.stack([(np.diag(p[r]) - np.outer(p[r], p[r])) @ dp[r] for r in range(T)])
            dq, dkey = ds @ key / math.sqrt(d), ds.T @ q / math.sqrt(d)
            for name, W, g in (("Wq", Wq, dq), ("Wk", Wk, dkey), ("Wv", Wv, dv)):
                grads[name][:, cols] += X[i].T @ g
                dX[i] += g @ W[:, cols].T
    return grads, dX


def _values(net, X, Y):
    return {e.name: e.value for e in events(net, X, Y, 0.5)}


def _sequence_data(m=3, T=5, n=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, T, n)), np.eye(classes)[rng.integers(0, classes, m)]


def _ids_data(m=4, T=8, V=27, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, V, (m, T))
    X[1] = X[0]  # a repeated sequence: the scatters must add
    return X, np.eye(V)[rng.integers(0, V, (m, T))]


# ---- the layer string -----------------------------------------------------------------------------------------


def test_a_flag_after_the_numbers_is_kept_as_written():
    items = parse("attention 16 2 causal, transformer 16 4 CAUSAL")
    assert items[0].words == (("causal", None),) and items[0].has("causal")
    assert [i.text for i in items] == ["attention 16 2 causal", "transformer 16 4 causal"]
    assert not parse("attention 16 2")[0].has("causal")


@pytest.mark.parametrize("text, message", [
    ("attention 16 2 causl", "item 1 'attention 16 2 causl': unknown word 'causl'; attention takes the words causal"),
    ("attention 16 2 causal causal", "item 1 'attention 16 2 causal causal': 'causal' is given twice"),
    ("attention 16", "item 1 'attention 16': expected a number of heads, as in 'attention 16 2'"),
    ("linear 3, attention 16 2 3", "item 2 'attention 16 2 3': attention takes 2 numbers"),
    ("linear 3 causal", "item 1 'linear 3 causal': linear takes 1 number, as in 'linear 64'; got '3 causal'"),
])
def test_words_the_kind_does_not_take_are_refused_in_the_one_format(text, message):
    with pytest.raises(ValueError) as e:
        parse(text)
    assert str(e.value).startswith(message)


def test_the_tiny_gpt_round_trips_through_its_options():
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    assert net.layers == TINY_GPT
    again = Network(**net.options)
    assert [p.formula for p in again.plan] == [p.formula for p in net.plan]


# ---- forward and backward against the textbook ------------------------------------------------------------------


@pytest.mark.parametrize("causal", [False, True])
def test_attention_matches_a_textbook_forward_and_backward(causal):
    flag = " causal" if causal else ""
    net = Network(inputs=(5, 6), layers=f"linear 8, attention 8 2{flag}, flatten, linear 3, softmax", loss="ce",
                  init="xavier", seed=3)
    X, Y = _sequence_data()
    v = _values(net, X, Y)
    p = net.params
    out, P, cache = textbook_forward(v["Z1"], p["Wq2"], p["Wk2"], p["Wv2"], p["Wo2"], 2, causal)
    np.testing.assert_allclose(v["P2"], P, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(v["attn2"], out, rtol=1e-12, atol=1e-14)
    grads, dX = textbook_backward(v["Z1"], p["Wq2"], p["Wk2"], p["Wv2"], p["Wo2"], 2, P, cache, v["dattn2"])
    for name, g in grads.items():
        np.testing.assert_allclose(v[f"d{name}2"], g, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(v["dZ1"], dX, rtol=1e-10, atol=1e-14)


def test_shapes_follow_the_stated_conventions():
    net = Network(inputs=(5, 8), layers="attention 8 2 causal, flatten, linear 3, softmax", loss="ce")
    X, Y = _sequence_data(m=3, T=5, n=8)
    v = _values(net, X, Y)
    assert v["Q1"].shape == v["K1"].shape == v["V1"].shape == (3, 5, 8)  # (m, T, D)
    assert v["Qh1"].shape == v["Oh1"].shape == (3, 2, 5, 4)  # (m, heads, T, d)
    assert v["S1"].shape == v["P1"].shape == v["dP1"].shape == v["dS1"].shape == (3, 2, 5, 5)  # (m, heads, T, T)
    assert v["O1"].shape == v["attn1"].shape == (3, 5, 8)
    for W in ("Wq1", "Wk1", "Wv1", "Wo1"):
        assert v[f"d{W}"].shape == net.params[W].shape == (8, 8)


def test_the_causal_mask_keeps_the_future_out():
    net = Network(inputs=(5, 8), layers="attention 8 2 causal, flatten, linear 3, softmax", loss="ce", seed=1)
    X, Y = _sequence_data(m=2, T=5, n=8)
    v = _values(net, X, Y)
    assert np.all(np.triu(np.ones((5, 5)), 1) * v["P1"] == 0)
    np.testing.assert_allclose(v["P1"].sum(axis=-1), 1.0, rtol=1e-14)
    later = X.copy()
    later[:, 3:] += 1.0  # change only the last two time steps
    w = _values(net, later, Y)
    np.testing.assert_array_equal(w["attn1"][:, :3], v["attn1"][:, :3])
    assert not np.allclose(w["attn1"][:, 3:], v["attn1"][:, 3:])


def test_without_causal_every_query_sees_every_key():
    net = Network(inputs=(5, 8), layers="attention 8 2, flatten, linear 3, softmax", loss="ce", seed=1)
    v = _values(net, *_sequence_data(m=2, T=5, n=8))
    assert np.all(v["P1"] > 0)
    assert "Sm1" not in v and "mask1" not in {i.key for p in net.plan for i in p.inputs}


# ---- gradients against central finite differences ------------------------------------------------------------


def _central_differences(net, X, Y, key, entries, eps=1e-6):
    params = net.params
    out = []
    for idx in entries:
        up, down = params[key].copy(), params[key].copy()
        up[idx] += eps
        down[idx] -= eps
        out.append((net._loss_with({**params, key: up}, X, Y) - net._loss_with({**params, key: down}, X, Y))
                   / (2 * eps))
    return np.array(out)


@pytest.mark.parametrize("layers, data", [
    (TINY_GPT, _ids_data()),
    ("linear 8, attention 8 4, flatten, linear 3, softmax", _sequence_data()),
    ("embedding 27 16, position 8 16, transformer 16 2 causal, layernorm, linear 27, softmax", _ids_data(T=6)),
])
def test_every_parameter_agrees_with_central_differences(layers, data):
    X, Y = data
    inputs = X.shape[1] if X.ndim == 2 else X.shape[1:]
    net = Network(inputs=inputs, layers=layers, loss="ce", init="xavier", seed=2)
    analytic = net.gradients(X, Y)
    rng = np.random.default_rng(0)
    for key, P in net.params.items():
        entries = [np.unravel_index(i, P.shape) for i in rng.choice(P.size, size=min(6, P.size), replace=False)]
        numeric = _central_differences(net, X, Y, key, entries)
        exact = np.array([analytic[key][i] for i in entries])
        scale = np.linalg.norm(exact) + np.linalg.norm(numeric)
        assert scale < 1e-9 or np.linalg.norm(exact - numeric) / scale < 1e-6, key


def test_the_gradient_check_passes_for_every_parameter_of_the_tiny_gpt():
    X, Y = _ids_data()
    net = Network(inputs=8, layers=TINY_GPT, loss="ce", init="xavier")
    errors = gradient_check(net, X, Y, max_entries=20)
    assert set(errors) == set(net.params) and max(errors.values()) < 1e-6


def test_the_position_table_may_be_longer_than_the_sequences():
    X, Y = _ids_data(T=5)
    net = Network(inputs=5, layers="embedding 27 8, position 8 8, linear 27, softmax", loss="ce")
    dW = net.gradients(X, Y)["Wpe1"]
    assert np.all(dW[5:] == 0) and np.all(dW[:5] != 0)
    assert max(gradient_check(net, X, Y).values()) < 1e-6


# ---- the residual add ------------------------------------------------------------------------------------------


def test_the_residual_add_copies_its_gradient_and_the_paths_meet_again():
    net = Network(inputs=(4, 6), layers="linear 6, layernorm, linear 6, residual 2, linear 3, flatten, linear 2, "
                                        "softmax", loss="ce", seed=4)
    X, Y = _sequence_data(m=3, T=4, n=6, classes=2)
    names = [p.name for p in net.plan]
    formulas = [p.formula for p in net.plan]
    assert "R2 = Z1 + Z2" in formulas and "dZ2 = dR2" in formulas and "dZ1_skip = dR2" in formulas
    meet = formulas.index("dZ1 = dZ1_branch + dZ1_skip")
    assert names.index("dZ1_branch") < meet < names.index("dW1")  # after the branch came back, before Z1's layer
    v = _values(net, X, Y)
    np.testing.assert_array_equal(v["dZ1"], v["dZ1_branch"] + v["dR2"])
    np.testing.assert_array_equal(v["dZ2"], v["dR2"])
    assert max(gradient_check(net, X, Y).values()) < 1e-6


def test_a_residual_that_reaches_past_the_start_is_refused():
    with pytest.raises(ValueError, match=r"item 2 'residual 3': it reaches back 3 items, but only 1 comes before it"):
        Network(inputs=(4, 6), layers="linear 6, residual 3, flatten, linear 2, softmax", loss="ce")


def test_a_transformer_expands_into_its_layers():
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    forward = [p.formula for p in net.plan if p.phase == "forward"]
    assert "R2 = H1 + attn2" in forward and "R4 = R2 + Z4" in forward
    assert "A3 = 0.5 * Z3 * (1 + np.tanh(0.7978845608028654 * (Z3 + 0.044715 * (Z3 * Z3 * Z3))))" in forward  # GPT-2's
    assert net.params["W3"].shape == (16, 64)
    relu = Network(inputs=8, layers=TINY_GPT.replace("causal", "causal relu"), loss="ce")
    assert "A3 = np.maximum(Z3, 0)" in [p.formula for p in relu.plan if p.phase == "forward"]
    assert relu.layers == TINY_GPT.replace("causal", "causal relu")
    assert [i.text for i in parse("transformer 16 2 relu causal")] == ["transformer 16 2 causal relu"]
    backward = [p.formula for p in net.plan if p.phase == "backward"]
    assert "dR2 = dR2_branch + dR2_skip" in backward and "dH1 = dH1_branch + dH1_skip" in backward
    assert "dR2_skip = dR4" in backward and "dH1_skip = dR2" in backward
    assert net.layers == TINY_GPT


# ---- every formula shown: rendered, judged right, its mistakes named ---------------------------------------


NETS = [
    (TINY_GPT, 8, _ids_data()),
    ("attention 8 2, flatten, linear 3, softmax", (5, 8), _sequence_data(n=8)),
]


@pytest.mark.parametrize("detail", ["compact", "fine"])
@pytest.mark.parametrize("layers, inputs, data", NETS)
def test_every_formula_renders_is_judged_right_and_every_mistake_is_named(layers, inputs, data, detail):
    net = Network(inputs=inputs, layers=layers, loss="ce", detail=detail)
    sheet = Sheet.of(net, *data)
    named = set()
    for i, e in enumerate(sheet.events):
        assert e.term and e.rule
        verdict = sheet.judge(i, e.formula)
        assert verdict.right and verdict.exact, (e.formula, verdict.summary)
        for kind, wrong, _ in e.planned.mistakes:
            w = sheet.judge(i, wrong)
            assert not w.right and w.mistake == kind, (wrong, w.summary)
            named.add(kind)
    if "causal" in layers:
        assert {"the √d scale missing", "softmax over queries instead of keys", "mask applied after the softmax",
                "residual gradient not added", "softmax backward without the sum"} <= named


def test_break_it_finds_its_wrong_versions_of_every_backward_formula():
    from engine.doctor import mistakes
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    sheet = Sheet.of(net, *_ids_data())
    kinds = set()
    for i, e in enumerate(sheet.events):
        if e.phase == "backward":
            found = mistakes(e.formula, sheet.env(i), expected=e.value, own=e.planned.mistakes)
            assert {kind for kind, _, _ in e.planned.mistakes} <= {m.kind for m in found}, e.formula
            kinds |= {m.kind for m in found}
    assert {"residual gradient not added", "softmax backward without the sum", "missing transpose"} <= kinds


def test_the_softmax_over_queries_runs_silently():
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    sheet = Sheet.of(net, *_ids_data())
    i = sheet.index_of("P2")
    verdict = sheet.judge(i, "P2 = softmax(Sm2, axis=-2)")
    assert verdict.shape == (4, 2, 8, 8) and verdict.shape_ok and not verdict.close
    assert verdict.mistake == "softmax over queries instead of keys"


@pytest.mark.parametrize("name, line", [
    ("S2", "S2 = np.einsum('mhqd,mhkd->mhqk', Qh2, Kh2) / np.sqrt(8)"),
    ("S2", "S2 = Qh2 @ Kh2.swapaxes(2, 3) / np.sqrt(8)"),
    ("Oh2", "Oh2 = np.einsum('mhqk,mhkd->mhqd', P2, Vh2)"),
    ("dVh2", "dVh2 = np.einsum('mhqk,mhqd->mhkd', P2, dOh2)"),
    ("dWq2", "dWq2 = np.einsum('mti,mto->io', LN1, dQ2)"),
    ("dSm2", "dSm2 = P2 * dP2 - P2 * np.einsum('mhqk,mhqk->mhq', P2, dP2).reshape(m, 2, 8, 1)"),
    ("Qh2", "Qh2 = Q2.reshape(m, 8, 2, 8).swapaxes(2, 1)"),
])
def test_learners_einsum_and_swapaxes_are_judged_right(name, line):
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    sheet = Sheet.of(net, *_ids_data())
    verdict = sheet.judge(sheet.index_of(name), line)
    assert verdict.right, (line, verdict.summary, verdict.error, verdict.diagnosis)


@pytest.mark.parametrize("line, words", [
    ("S2 = np.einsum('mhqd,mhkd->mhqk', Qh2, Vh2, Kh2)", "3 array(s)"),
    ("S2 = np.einsum('mhqd,mhkd->mhqz', Qh2, Kh2)", "output 'mhqz'"),
    ("S2 = np.einsum('mh...d,mhkd->mhqk', Qh2, Kh2)", "letters only"),
    ("S2 = Qh2 @ Kh2.swapaxes(-2)", "two whole-number axes"),
])
def test_malformed_einsum_and_swapaxes_are_refused_in_words(line, words):
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    sheet = Sheet.of(net, *_ids_data())
    verdict = sheet.judge(sheet.index_of("S2"), line)
    assert not verdict.right and verdict.error and words in verdict.error


def test_an_einsum_whose_letters_disagree_is_explained():
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    sheet = Sheet.of(net, *_ids_data())
    verdict = sheet.judge(sheet.index_of("Z3"), "Z3 = np.einsum('mti,oi->mto', LN2, W3) + b3")
    assert not verdict.right
    assert "letter 'i' must stand for one size, but it is 16 in array 1 (4, 8, 16) and 64 in array 2 (16, 64)" \
        in verdict.diagnosis


def test_sums_and_softmaxes_name_their_axis():
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    terms = {p.name: p.term for p in net.plan}
    assert terms["P2"] == "P2 = softmax over keys of Sm2"
    assert "Σ over keys of ∂L/∂P2 ⊙ P2" in terms["dSm2"]
    assert terms["S2"] == "S2 = Qh2 · Kh2ᵀ / √8"
    assert terms["Sm2"] == "Sm2 = S2 if mask2 > 0 else −10⁹"
    assert terms["dH1"] == "∂L/∂H1 = ∂L/∂H1_branch + ∂L/∂H1_skip"
    assert render.term("S = np.einsum('mhqd,mhkd->mhqk', Q, K)") == "S = einsum(Q[mhqd], K[mhkd] → [mhqk])"


# ---- trace, training, pictures ---------------------------------------------------------------------------------


def test_trace_writes_every_event_of_a_transformer_step():
    import json
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    doc = json.loads(trace(net, *_ids_data(), 0.5, "json"))
    assert [e["name"] for e in doc["events"]] == [p.name for p in net.plan]
    assert "P2 = softmax(Sm2, axis=-1)" in trace(net, *_ids_data(), 0.5, "md")


def test_the_tiny_gpt_learns_a_repeated_batch():
    X, Y = _ids_data()
    net = Network(inputs=8, layers=TINY_GPT, loss="ce", init="xavier")
    first = net.loss(X, Y)
    net.train(X, Y, lr=0.5, steps=60)
    assert net.loss(X, Y) < 0.5 * first


def test_each_attention_names_its_pictures():
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    assert net.pictures == ("P2", "dP2")


# ---- bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("inputs, layers, message", [
    ((5, 16), "attention 16 3, flatten, linear 2, softmax",
     "item 1 'attention 16 3': 16 features do not split into 3 heads (16 / 3 = 5.33333, not whole); choose a number "
     "of heads that divides 16: 1, 2, 4, 8, 16"),
    (8, "embedding 27 16, position 8 16, transformer 16 3 causal, layernorm, linear 27, softmax",
     "item 3 'transformer 16 3 causal': 16 features do not split into 3 heads"),
    (12, "embedding 27 16, position 8 16, transformer 16 2 causal, layernorm, linear 27, softmax",
     "item 2 'position 8 16': the sequences are 12 steps long, (T, D) = (12, 16), but the position table has 8 rows"),
    (4, "linear 16, attention 16 2 causal, linear 2, softmax",
     "item 2 'attention 16 2 causal': causal hides each query's later keys in time, but these examples have no time "
     "axis: (16,)"),
    ((5, 12), "attention 16 2, flatten, linear 2, softmax",
     "item 1 'attention 16 2': attention 16 reads 16 features at each time step, but these examples are (5, 12)"),
    (16, "transformer 16 2 causal, linear 2, softmax",
     "item 1 'transformer 16 2 causal → attention 16 2 causal': causal hides each query's later keys in time, but "
     "these examples have no time axis: (16,)"),
    ((8, 16), "attention 16 2 causal 3, flatten, linear 2, softmax",
     "item 1 'attention 16 2 causal 3': the numbers come before the words; got '3' after 'causal'"),
    (16, "attention 16 2, linear 2, softmax",
     "item 1 'attention 16 2': attention reads examples that are sequences (T, 16); these are (16,)"),
    (8, "embedding 27 16, position 8 12, linear 27, softmax",
     "item 2 'position 8 12': the table's rows are 12 wide, but the examples have 16 features, (8, 16)"),
])
def test_bad_sizes_are_refused_with_the_reason_and_the_numbers(inputs, layers, message):
    with pytest.raises(ValueError) as e:
        Network(inputs=inputs, layers=layers, loss="ce")
    assert str(e.value).startswith(message)


@pytest.mark.parametrize("inputs, layers, layout", [
    ((5, 8), "position 5 8, flatten, linear 3, softmax", "columns"),
    (8, "linear 8, position 5 8, linear 3, softmax", "rows"),
])
def test_a_position_embedding_needs_sequences_in_rows(inputs, layers, layout):
    with pytest.raises(ValueError, match=r"'position 5 8': a position embedding adds to sequences \(T, 8\) in the "
                                         r"rows layout; these examples are"):
        Network(inputs=inputs, layers=layers, loss="ce", layout=layout)


def test_the_position_table_starts_as_an_embedding_does():
    net = Network(inputs=512, layers="embedding 2 64, position 512 64, flatten, linear 2, softmax", loss="ce")
    table = net.params["Wpe1"]
    assert abs(table.mean()) < 0.01 and abs(table.std() - 1.0) < 0.01


def test_attention_is_refused_in_the_columns_layout():
    with pytest.raises(ValueError, match=r"^item 1 'attention 8 2': attention is written in the rows layout, "
                                         r"\(m, T, D\); choose layout rows$"):
        Network(inputs=(5, 8), layers="attention 8 2, flatten, linear 3, softmax", loss="ce", layout="columns")


@pytest.mark.parametrize("flag", ["", " causal"])
def test_an_attention_layer_counts_the_numbers_it_holds(flag):
    """Its memory estimate: every number its forward pass makes for one example, and as many gradients."""
    net = Network(inputs=(5, 8), layers=f"attention 8 2{flag}, flatten, linear 3, softmax", loss="ce")
    X, Y = _sequence_data(m=3, T=5, n=8)
    from engine.layers import attention
    made = sum(e.value.size for e in events(net, X, Y, 0.5) if e.phase == "forward"
               and e.name.removesuffix("1") in attention.NAMES)
    assert net._built[0].floats == 2 * made // 3


def test_a_refused_network_changes_nothing():
    X, Y = _ids_data()
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    before = {k: v.copy() for k, v in net.params.items()}
    plan = net.plan
    with pytest.raises(ValueError):
        Network(**{**net.options, "layers": TINY_GPT.replace("16 2", "16 3")})
    assert net.plan is plan and all(np.array_equal(before[k], v) for k, v in net.params.items())
    assert np.isfinite(net.loss(X, Y))


def test_labels_at_every_time_step_are_checked():
    net = Network(inputs=8, layers=TINY_GPT, loss="ce")
    X, Y = _ids_data()
    with pytest.raises(ValueError, match=r"Y has shape \(4, 8\) but a rows-layout network whose outputs per example "
                                         r"are \(8, 27\) expects \(m, 8, 27\)"):
        net.loss(X, Y[..., 0])
    bad = Y.copy()
    bad[2, 5] = 0.0
    with pytest.raises(ValueError, match="example 2 at time step 5 sums to 0"):
        net.loss(X, bad)


# ---- data ----------------------------------------------------------------------------------------------------


def test_char_sequences_pair_each_character_with_the_next():
    from engine.datasets import ALPHABET, char_sequences
    X, Y = char_sequences(["emma", "isabella"], T=6)
    text = ["".join(ALPHABET[i] for i in row) for row in X]
    nxt = ["".join(ALPHABET[i] for i in row) for row in Y.argmax(axis=-1)]
    assert text == [".emma.", ".isabe"] and nxt == ["emma..", "isabel"]
    assert Y.shape == (2, 6, 27) and np.all(Y.sum(axis=-1) == 1)
    with pytest.raises(ValueError, match="words must be lowercase letters a-z; got 'x1'"):
        char_sequences(["ok", "x1"])


@pytest.mark.parametrize("kind, target", [("reverse", lambda x: x[::-1]), ("sort", np.sort)])
def test_symbol_tasks_ask_for_the_reversed_or_sorted_sequence(kind, target):
    from engine.datasets import symbol_task
    X, Y = symbol_task(kind, m=5, T=4, symbols=7, seed=1)
    assert X.shape == (5, 4) and Y.shape == (5, 4, 7)
    for x, y in zip(X, Y.argmax(axis=-1)):
        np.testing.assert_array_equal(y, target(x))


def test_a_transformer_learns_to_reverse_and_the_tiny_gpt_to_spell():
    from engine.datasets import char_sequences, symbol_task
    from engine.presets import preset
    X, Y = symbol_task("reverse", m=32, T=5, symbols=6)
    net = Network(inputs=5, layers="embedding 6 16, position 5 16, transformer 16 2, layernorm, linear 6, softmax",
                  loss="ce", init="xavier")
    first = net.loss(X, Y)
    net.train(X, Y, lr=0.3, steps=150)
    assert net.loss(X, Y) < 0.2 * first
    X, Y = char_sequences(["emma", "olivia", "ava", "isabella", "sophia", "mia"])
    gpt = preset("tiny GPT")[0]
    first = gpt.loss(X, Y)
    gpt.train(X, Y, lr=0.5, steps=100)
    assert gpt.loss(X, Y) < 0.2 * first


# ---- the doctor's grammar: einsum and swapaxes ----------------------------------------------------------------


def test_einsum_and_swapaxes_shape_rules():
    from engine.doctor.shaperules import Mismatch, einsum, swapaxes
    assert swapaxes((2, 8, 4, 3), 1, 2) == (2, 4, 8, 3) and swapaxes((2, 8, 4, 3), -2, -1) == (2, 8, 3, 4)
    with pytest.raises(Mismatch, match=r"swapaxes\(1, 3\) needs axis 3, but \(2, 8, 4\) has 3 axes"):
        swapaxes((2, 8, 4), 1, 3)
    assert einsum(["ij", "jk"], "ik", (2, 3), (3, 5)) == (2, 5)
    assert einsum(["ij", "ij"], "", (2, 3), (2, 3)) == ()
    with pytest.raises(Mismatch, match=r"einsum's term 'ijk' names 3 axes, but array 1 is \(2, 3\) with 2"):
        einsum(["ijk"], "i", (2, 3))


def test_an_implicit_einsum_output_is_the_letters_used_once_in_order():
    from engine.doctor.diagnosis import diagnose
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 5))
    d = diagnose("C = np.einsum('ij,jk', A, B)", {"A": A, "B": B}, expected=A @ B)
    assert d.ok and d.shape == (3, 5)
    assert render.term("C = A.swapaxes(0, 1)") == "C = A with axes 0 and 1 swapped"
