"""The words dataset and a learner's own word list: makemore's examples, and every bad file named by its line."""

from __future__ import annotations

import numpy as np
import pytest

from engine import datasets


def test_the_shipped_list_holds_at_least_500_distinct_words_of_a_to_z():
    words = datasets.read_words(datasets.WORDS)
    assert len(words) >= 500 and len(set(words)) == len(words)
    assert all(set(w) <= set("abcdefghijklmnopqrstuvwxyz") for w in words)


def test_each_character_and_the_end_of_the_word_is_an_example_with_its_three_before():
    X, Y = datasets.word_examples(["emma", "ab"])
    # makemore: ... -> e, ..e -> m, .em -> m, emm -> a, mma -> ., then the next word from "..."
    assert X.tolist() == [[0, 0, 0], [0, 0, 5], [0, 5, 13], [5, 13, 13], [13, 13, 1],
                          [0, 0, 0], [0, 0, 1], [0, 1, 2]]
    assert Y.argmax(axis=1).tolist() == [5, 13, 13, 1, 0, 1, 2, 0]
    assert Y.shape == (8, 27) and (Y.sum(axis=1) == 1).all()


def test_the_words_dataset_is_next_character_examples_over_27_symbols():
    data = datasets.named("words")
    assert data.name == "words" and data.n_in == 3 and data.n_out == 27
    assert data.m == sum(len(w) + 1 for w in datasets.read_words(datasets.WORDS))
    assert np.array_equal(data.X, np.floor(data.X)) and data.X.min() == 0 and data.X.max() <= 26


def test_a_learners_own_list_skips_blank_lines(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("anna\n\n  bob \n")
    assert datasets.read_words(path) == ["anna", "bob"]
    assert datasets.words(path).name == "names.txt" and datasets.words(path).m == 5 + 4


@pytest.mark.parametrize("content, message", [
    (b"", "the file holds no words; expected words of a to z, one a line"),
    (b"\n \n", "the file holds no words"),
    (b"anna\nbo\x00b\n", "binary content (a NUL byte at offset 7); expected a text file of words"),
    (b"anna\n\xff\xfe\n", "line 2 is not UTF-8 text"),
    (b"anna\nZoe\n", "line 2, 'Zoe': 'Z' is outside the vocabulary of the 26 letters a to z (and '.', which ends a "
                     "word); write it in lower case, 'zoe'"),
    ("anna\nbob\nchloë\n".encode(), "line 3, 'chloë': 'ë' is outside the vocabulary"),
    (b"anna\nmary ann\n", "line 2, 'mary ann': ' ' is outside the vocabulary"),
])
def test_a_bad_word_list_is_refused_naming_the_line(tmp_path, content, message):
    path = tmp_path / "words.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        datasets.read_words(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_a_missing_word_list_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        datasets.read_words(tmp_path / "none.txt")
