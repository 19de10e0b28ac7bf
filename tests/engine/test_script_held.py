"""Arrays as learners hold them: in dicts (parameters["W1"], cache["A1"]), in tuples (cache[0]) and on self
(self.who), traced, named with their shapes, diagnosed and fixed like plain names."""

import numpy as np

from engine.doctor import diagnose
from engine.doctor.diagnosis import examine
from engine.doctor.grammar import parse
from engine.script.recording import short
from test_script import line_of, traced


def test_dict_entries_are_traced_under_the_names_the_script_reads_them_by():
    recording, events, twin, how = traced("dict_cache.py")
    made = {(e.line, e.name): e.shape for e in events if not e.failing}
    cache_line = line_of("dict_cache.py", 'cache = {"Z1": Z1')
    params_line = line_of("dict_cache.py", 'parameters = {"W1"')
    assert made[(cache_line, "cache['A1']")] == (4, 5) and made[(cache_line, "cache['A2']")] == (1, 5)
    assert made[(params_line, "parameters['W1']")] == (4, 2) and made[(params_line, "parameters['b2']")] == (1, 1)
    Z1 = next(e for e in events if e.name == "Z1")
    assert Z1.operand_names == ("parameters['W1']", "X", "parameters['b1']")  # the shape rule reads them
    assert Z1.shape_rule == "((4, 2) @ (2, 5)) + (4, 1) → (4, 5)"


def test_a_dict_entry_in_the_failing_line_is_named_with_its_shape_explained_and_fixed():
    recording, events, twin, how = traced("dict_cache.py")
    d = events[-1].diagnosis
    assert d.line == line_of("dict_cache.py", 'dW2 = np.dot(dZ2, cache["A1"]) / m')
    assert d.culprit == 'np.dot(dZ2, cache["A1"])'
    assert d.shapes == [("dZ2", (1, 5)), ('cache["A1"]', (4, 5))]
    assert "(1, 5) @ (4, 5) has 5 columns on the left but 4 rows on the right" in d.explanation
    assert d.suggestions[0] == "dW2 = np.dot(dZ2, cache['A1'].T) / m"
    env = d.env
    fixed = examine(parse(d.suggestions[0], env), env)[1]
    assert np.allclose(fixed, env["dZ2"] @ env["cache['A1']"].T / env["m"])


def test_the_twin_reads_the_network_from_a_parameters_dict():
    recording, events, twin, how = traced("dict_cache.py")
    assert twin is not None and twin.sizes == (2, 4, 1) and twin.hidden == "tanh"
    assert "4 hidden units from parameters['W1'] (4, 2)" in how
    W2 = next(e for e in events if e.name == "parameters['W2']")
    assert W2.twin.event.name == "W2"


def test_the_twin_finds_X_and_Y_in_a_data_dict_and_a_tuple_cache_item_is_an_operand():
    recording, events, twin, how = traced("tuple_cache.py")
    assert twin is not None and twin.sizes == (3, 4, 1) and twin.layout == "columns"
    assert how.startswith("3 inputs and 5 examples from data['X'] (3, 5), 1 outputs from data['Y'] (1, 5)")
    assert np.array_equal(twin.X, recording.records[0].value)  # the script's own numbers
    d = events[-1].diagnosis
    assert d.culprit == "np.dot(dZ, cache[0])" and d.shapes == [("dZ", (1, 5)), ("cache[0]", (4, 5))]
    assert d.suggestions[0] == "dW = np.dot(dZ, cache[0].T) / m"


def test_an_attribute_on_self_is_an_operand_like_a_name():
    recording, events, twin, how = traced("class_who.py")
    assert {(e.name, e.shape) for e in events if not e.failing} >= {("self.wih", (4, 3)), ("self.who", (2, 4))}
    d = events[-1].diagnosis
    assert d.culprit == "np.dot(self.who, e)" and d.shapes == [("self.who", (2, 4)), ("e", (2, 1))]
    assert d.suggestions[0] == "hidden_errors = np.dot(self.who.T, e)"
    assert twin is not None and twin.sizes == (3, 4, 2)


def test_the_doctor_panel_reads_held_operands_from_its_namespace():
    env = {"dZ2": np.ones((3, 5)), "cache['A1']": np.ones((4, 5)), "self.who": np.ones((2, 4)), "e": np.ones((2, 1))}
    d = diagnose('dW2 = np.dot(dZ2, cache["A1"]) / 5', env)
    assert d.culprit == 'np.dot(dZ2, cache["A1"])' and "(3, 5) @ (4, 5)" in d.explanation
    assert d.suggestions[0] == "dW2 = np.dot(dZ2, cache['A1'].T) / 5"
    d = diagnose("parameters['W1'] -= 0.5 * cache['A1']", {**env, "parameters['W1']": np.ones((4, 5))})
    assert d.ok and d.shape == (4, 5)


def test_short_names_are_the_textbook_names():
    assert [short(n) for n in ("parameters['W1']", 'cache["A1"]', "self.who", "cache[0]", "self.cache['X']", "W1")] \
        == ["W1", "A1", "who", "cache", "X", "W1"]
