"""The trace: one step's events as Markdown or JSON, in plan order, without applying the update."""

import json

import numpy as np
import pytest

from engine import Network, datasets
from engine.trace import FORMATS, MAX_ROWS, events, trace


def strict_json(text: str) -> dict:
    """json.loads that refuses NaN and Infinity, which standard JSON does not have."""
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def default():
    return (Network(), *datasets.question())


def test_json_round_trips_with_every_event_in_plan_order(default):
    net, X, Y = default
    step = events(Network(), X, Y, 0.5)
    doc = strict_json(trace(net, X, Y, 0.5, "json"))
    assert doc["stepprop"] == "trace" and doc["version"] == 1
    assert doc["network"] == dict(net.options, sizes=[4, 3, 3])
    assert (doc["lr"], doc["step"], doc["m"]) == (0.5, 0, 2)
    assert [e["name"] for e in doc["events"]] == [p.name for p in net.plan]
    assert [e["index"] for e in doc["events"]] == list(range(len(net.plan)))
    for got, p, e in zip(doc["events"], net.plan, step):
        assert (got["phase"], got["layer"], got["formula"], got["term"]) == (p.phase, p.layer, p.formula, p.term)
        assert got["shape"] == list(e.shape) and got["shape_rule"] == e.shape_rule
        assert got["operands"] == [{"name": name, "shape": list(shape)} for name, shape in e.operands]
        assert np.array_equal(np.array(got["value"]), e.value)  # every digit survives the round trip
    assert doc["events"][0]["operands"] == [{"name": "X", "shape": [2, 4]}, {"name": "W1", "shape": [4, 3]},
                                            {"name": "b1", "shape": [1, 3]}]
    assert doc["events"][4]["name"] == "L" and doc["events"][4]["value"] == pytest.approx(2.3514919, abs=1e-6)


def test_json_names_sliced_operands():
    net = Network(layout="columns", bias="augmented")
    doc = strict_json(trace(net, *datasets.question("columns"), 0.5, "json"))
    dA1 = next(e for e in doc["events"] if e["name"] == "dA1")
    assert dA1["formula"] == "dA1 = W2[:, :-1].T @ dZ2"
    assert dA1["operands"][0] == {"name": "W2[:, :-1]", "shape": [3, 3]}


def test_markdown_shows_each_event_in_order(default):
    net, X, Y = default
    text = trace(net, X, Y, 0.5, "md")
    assert text.startswith("# One training step of a 4 → 3 → 3 network\n")
    assert "L = 2.35149" in text
    headings = [text.index(f"\n### {i}. {p.name} (layer {p.layer})\n") for i, p in enumerate(net.plan, start=1)]
    assert headings == sorted(headings)
    for e, start, end in zip(events(net, X, Y, 0.5), headings, headings[1:] + [len(text)]):
        section = text[start:end]
        assert f"`{e.formula}`" in section and e.term in section and f"`{e.shape_rule}`" in section
    assert "`Z1 = X @ W1 + b1`" in text and "`(2, 4) @ (4, 3) + (1, 3) → (2, 3)`" in text
    assert "| **0** | 1.105 | 0.324 | -0.5405 |" in text  # Z1's first row


def test_markdown_cuts_big_matrices_and_says_the_full_shape():
    net = Network(sizes=(2, 12, 3), output="softmax", loss="ce")
    text = trace(net, *datasets.spirals(), 0.5, "md")
    z1 = text[text.index("### 1. Z1"):text.index("### 2. A1")]  # numbered from 1, as the app counts events
    assert "full shape (300, 12)" in z1
    assert sum(line.startswith("| **") for line in z1.splitlines()) == MAX_ROWS
    assert "| ⋮ |" in z1


@pytest.mark.parametrize("fmt", FORMATS)
def test_tracing_applies_no_update(default, fmt):
    net, X, Y = default
    before = net.params
    trace(net, X, Y, 0.5, fmt)
    assert net.steps == 0
    for key, P in net.params.items():
        assert np.array_equal(P, before[key])
    assert net.loss(X, Y) == Network().loss(X, Y)


def test_a_trace_after_training_says_which_step():
    net = Network()
    X, Y = datasets.question()
    net.train(X, Y, 0.5, steps=3)
    doc = strict_json(trace(net, X, Y, 0.5, "json"))
    assert doc["step"] == 3
    assert doc["events"][4]["value"] == pytest.approx(net.loss(X, Y), abs=1e-12)


def test_values_that_overflow_are_written_as_null():
    net = Network(sizes=(2, 1), output="identity", loss="mse")
    X, Y = np.array([[1e200, 1e200]]), np.array([[0.0]])
    with np.errstate(all="ignore"):
        doc = strict_json(trace(net, X, Y, 0.5, "json"))
    L = next(e for e in doc["events"] if e["name"] == "L")
    assert L["value"] is None


def test_an_unknown_format_lists_the_known_ones(default):
    with pytest.raises(ValueError, match="unknown format 'xml'; expected one of 'md', 'json'"):
        trace(*default, 0.5, "xml")


@pytest.mark.parametrize("layout, m, says", [("rows", 1, "one example per row; m = 1 example\n"),
                                             ("columns", 1, "one example per column; m = 1 example\n"),
                                             ("rows", 2, "one example per row; m = 2 examples\n"),
                                             ("columns", 3, "one example per column; m = 3 examples\n")])
def test_the_markdown_counts_its_examples_in_words(layout, m, says):
    X, Y = np.ones((m, 4)), np.zeros((m, 3))
    if layout == "columns":
        X, Y = X.T, Y.T
    text = trace(Network((4, 3, 3), layout=layout), X, Y, 0.5, "md")
    assert f"\n- {layout} layout, {says}" in text


def test_the_json_keeps_the_maths_readable_in_an_editor(default):
    """Notes and homework quote the JSON as text: its arrows, transposes and sums are the characters themselves."""
    text = trace(Network(), *datasets.question(), 0.5, "json")
    assert '"shape_rule": "(2, 4) @ (4, 3) + (1, 3) → (2, 3)"' in text
    assert "ᵀ" in text and "Σ" in text and "\\u" not in text


def test_a_markdown_table_marks_cut_rows_and_cut_columns_each_on_its_own():
    net = Network((10, 3, 12), output="identity", loss="mse")
    rng = np.random.default_rng(0)
    text = trace(net, rng.normal(size=(5, 10)), rng.normal(size=(5, 12)), 0.1, "md")

    def table(name):
        section = text.split(f". {name} (layer ")[1].split("###")[0]
        return section, [line for line in section.splitlines() if line.startswith("|")]

    section, Z2 = table("Z2")  # (5, 12): every row, the first 8 columns
    assert len(Z2) == 2 + 5 and all(line.endswith(" | … |") for line in Z2[2:]) and "⋮" not in section
    assert "Showing 5 of 5 rows and 8 of 12 columns; full shape (5, 12)." in section
    section, dW1 = table("dW1")  # (10, 3): the first 8 rows, every column
    assert len(dW1) == 2 + 8 + 1 and dW1[-1] == "| ⋮ | ⋮ | ⋮ | ⋮ |" and "…" not in section
    assert [line.split()[1] for line in dW1[2:-1]] == [f"**{i}**" for i in range(8)]
    assert "Showing 8 of 10 rows and 3 of 3 columns; full shape (10, 3)." in section
