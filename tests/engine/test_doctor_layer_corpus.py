"""The shape doctor on real layer code (tests/engine/layer_lines.py): conv, pooling, RNN, LSTM and dropout lines."""

import re

import numpy as np
import pytest

from corpus_score import env_for
from engine.checks import shape_text
from engine.doctor import diagnose
from layer_lines import LINES

INSIDE = [e for e in LINES if e["kind"] != "outside"]


def read(entry: dict) -> str:
    return entry.get("statement", entry["line"])


def test_the_collection_names_its_sources_and_what_each_line_needed():
    assert len(LINES) >= 16
    for e in LINES:
        assert e["source"] and e["line"] and e["kind"] in ("crash", "silent shape", "silent values", "right", "outside")
        assert e["verbatim"] or e["how"]
        assert e["needs"] in (None, "index", "axis", "list", "random", "held")
    assert {e["needs"] for e in LINES} >= {"index", "random", "held"}


@pytest.mark.parametrize("entry", INSIDE, ids=[e["line"][:50] for e in INSIDE])
def test_every_layer_line_inside_the_grammar_is_read(entry):
    d = diagnose(read(entry), env_for(entry))
    if entry["kind"] == "crash":
        assert not d.runs
        assert re.sub(r"\s", "", d.culprit) == re.sub(r"\s", "", entry["culprit"])
        assert all(shape_text(s) in d.explanation for s in entry["clash"]), d.explanation
    else:
        assert d.runs
    if entry["fix"] is not None:
        fixed = diagnose(entry["fix"], env_for(entry))
        assert fixed.runs and fixed.ok


def test_a_silent_dropout_mask_is_told_from_the_right_one_by_its_shape():
    entry = next(e for e in LINES if e["line"].startswith("d3 = "))
    env = env_for(entry)
    assert diagnose(entry["line"], env).shape == (2, 1)
    assert diagnose(entry["fix"], env).shape == (2, 5)
    assert diagnose("d3 = np.random.rand(a3.shape[0], 1)", {**env, "d3": np.zeros((2, 5))}).ok is False


def test_lines_outside_the_grammar_are_refused_with_a_reason():
    for e in (e for e in LINES if e["kind"] == "outside"):
        with pytest.raises(ValueError, match="not allowed"):
            diagnose(e["line"], env_for(e))
