"""Word totals over selections: what the word cloud and the distinctive words count."""

from __future__ import annotations

import numpy as np
import pytest

from speechlens.term_totals import is_content_word, term_totals
from speechlens.terms import TermIndex, build_term_index


@pytest.fixture(scope="module")
def paragraphs():
    rng = np.random.default_rng(11)
    vocabulary = [f"word{i}" for i in range(60)]
    counted = [list(rng.choice(vocabulary, size=rng.integers(0, 25))) for _ in range(300)]
    repeats = [list(rng.choice(vocabulary, size=rng.integers(0, 4))) if i % 7 == 0 else [] for i in range(300)]
    return list(zip(counted, repeats, strict=True))


def as_words(terms: TermIndex, totals: np.ndarray) -> dict[str, int]:
    return {terms.vocabulary[i]: int(totals[i]) for i in np.flatnonzero(totals)}


def shuffled(terms: TermIndex, seed: int = 3) -> TermIndex:
    order = np.random.default_rng(seed).permutation(len(terms.pid))
    return TermIndex(terms.vocabulary, terms.pid[order], terms.term[order], terms.count[order], terms.repeated[order])


@pytest.mark.parametrize("include_repeats", [False, True])
@pytest.mark.parametrize(
    "pids",
    [
        pytest.param(None, id="every paragraph"),
        pytest.param([5], id="one paragraph"),
        pytest.param(list(range(0, 300, 9)), id="a few"),
        pytest.param([p for p in range(300) if p % 10], id="most (left-out paragraphs subtracted)"),
        pytest.param([], id="none"),
        pytest.param([4, 4, 299, -1, 1000], id="repeats and unknown pids ignored"),
    ],
)
def test_totals_equal_counting_the_paragraphs_one_by_one(paragraphs, pids, include_repeats):
    ordered = build_term_index(paragraphs)
    wanted = range(300) if pids is None else [p for p in dict.fromkeys(pids) if 0 <= p < 300]
    expected = dict(ordered.counts_for(wanted, include_repeats))
    for terms in (ordered, shuffled(ordered)):
        assert as_words(terms, term_totals(terms).over(terms, pids, include_repeats)) == expected


def test_asking_again_gives_the_same_answer_and_it_cannot_be_changed(paragraphs):
    terms = build_term_index(paragraphs)
    most = [p for p in range(300) if p % 4]
    first = term_totals(terms).over(terms, most, False)
    for pids in ([1, 2], list(range(300)), [3], most):  # others asked in between
        term_totals(terms).over(terms, pids, False)
    again = term_totals(terms).over(terms, np.array(most[::-1]), False)
    np.testing.assert_array_equal(first, again)
    with pytest.raises(ValueError):
        again[0] = 1


def test_totals_given_by_a_loader_are_used_for_the_whole_index(paragraphs):
    terms = build_term_index(paragraphs)
    computed = [term_totals(terms).over(terms, None, repeats) for repeats in (True, False)]
    given = TermIndex(terms.vocabulary, terms.pid, terms.term, terms.count, terms.repeated,
                      whole_totals=(computed[0].copy(), computed[1].copy()))
    for repeats, expected in zip((True, False), computed, strict=True):
        np.testing.assert_array_equal(term_totals(given).over(given, None, repeats), expected)
        most = list(range(1, 300))
        np.testing.assert_array_equal(term_totals(given).over(given, most, repeats),
                                      term_totals(terms).over(terms, most, repeats))


@pytest.mark.parametrize(
    ("word", "shown"),
    [
        ("security", True),
        ("interpol", True),
        ("the", False),  # a common English word
        ("of", False),
        ("un", False),  # shorter than three letters
        ("2025", False),
        ("1,000", False),
        ("3.5", False),
        ("g20", True),
    ],
)
def test_content_words(word, shown):
    assert is_content_word(word) is shown
