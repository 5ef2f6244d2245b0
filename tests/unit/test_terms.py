"""The sparse term index sums any selection of paragraphs."""

import numpy as np

from speechlens.terms import build_term_index

PARAGRAPHS = [["crime", "crime", "police"], ["police", "cooperation"], [], ["crime"]]


def test_counts_for_a_selection():
    index = build_term_index(PARAGRAPHS)
    assert index.counts_for([0, 3]) == {"crime": 3, "police": 1}
    assert index.counts_for([1]) == {"police": 1, "cooperation": 1}
    assert index.counts_for([]) == {}
    assert index.counts_for([2]) == {}


def test_counts_ignore_unknown_paragraph_ids():
    index = build_term_index(PARAGRAPHS)
    assert index.counts_for([0, 99, -1]) == {"crime": 2, "police": 1}


def test_pids_with_words():
    index = build_term_index(PARAGRAPHS)
    assert list(index.pids_with(["crime"])) == [0, 3]
    assert list(index.pids_with(["police", "crime"])) == [0, 1, 3]
    assert index.pids_with(["absent"]).size == 0


def test_empty_index():
    index = build_term_index([])
    assert index.counts_for([0]) == {}
    assert isinstance(index.pids_with(["x"]), np.ndarray)
