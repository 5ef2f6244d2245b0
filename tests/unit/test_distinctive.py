"""Distinctive words: the weighted log-odds of a selection against the rest of the corpus."""

from __future__ import annotations

import math

import numpy as np
import pytest

from speechlens.analysis import analyze
from speechlens.corpus import load_default_lexicon
from speechlens.distinctive import (
    DISTINCTIVE_COLUMNS,
    NO_CONTENT_WORDS,
    NO_REST,
    NO_WORDS,
    distinctive_terms,
    pids_with_term,
    weighted_log_odds,
)
from speechlens.filters import Filters, content_mask, select
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.terms import TermIndex, build_term_index
from speechlens.text import tokenize
from tests.conftest import DATA_DIR

# Three short speeches: one about ransomware, one about asylum, one about peace.
SPEECHES = {
    "cyber": [
        "Ransomware gangs attack hospitals and ransomware spreads through every network.",
        "Police forces must share intelligence on ransomware, phishing and botnets.",
        "Together we will protect hospitals, schools and citizens from ransomware.",
    ],
    "border": [
        "Asylum seekers arrive at our borders every day and deserve fair asylum hearings.",
        "Border guards and police must treat every migrant with dignity.",
        "Asylum procedures need resources, interpreters and patience.",
    ],
    "peace": [
        "Peace talks resumed this year and the ceasefire holds along the frontier.",
        "Disarmament and dialogue remain the only road to lasting peace.",
        "Citizens want peace, schools and hospitals, not weapons.",
    ],
}


def build(speeches):
    lexicon = load_default_lexicon(DATA_DIR)
    documents = [
        parse_document("\n\n".join(paragraphs), DocumentMeta(doc_id=doc_id, title=doc_id))
        for doc_id, paragraphs in speeches.items()
    ]
    return analyze(documents, lexicon)


@pytest.fixture(scope="module")
def corpus():
    return build(SPEECHES)


def pids_of(analysis, doc_id):
    paragraphs = analysis.paragraphs
    return paragraphs.index[paragraphs["doc_id"] == doc_id].to_numpy()


def row(result, term):
    table = result.table.set_index("term")
    return table.loc[term]


# ----------------------------------------------------------------------------- the formula


def hand_log_odds(y_i, y_j, alpha, n_i, n_j, alpha_0):
    delta = math.log((y_i + alpha) / (n_i + alpha_0 - y_i - alpha)) - math.log(
        (y_j + alpha) / (n_j + alpha_0 - y_j - alpha)
    )
    return delta, delta / math.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))


@pytest.mark.parametrize(
    ("selection", "rest", "prior"),
    [
        ([3, 1, 0], [1, 5, 4], [0.4, 0.6, 0.4]),
        ([10, 10], [10, 10], [1.0, 1.0]),
        ([0, 7, 2], [3, 0, 9], [0.3, 0.7, 1.1]),
        ([1], [1], [0.01]),
    ],
)
def test_log_odds_match_the_formula_of_monroe_et_al(selection, rest, prior):
    delta, z = weighted_log_odds(selection, rest, prior)
    n_i, n_j, alpha_0 = sum(selection), sum(rest), sum(prior)
    for k in range(len(selection)):
        expected = hand_log_odds(selection[k], rest[k], prior[k], n_i, n_j, alpha_0)
        assert (delta[k], z[k]) == pytest.approx(expected)


def test_log_odds_of_a_tiny_corpus_worked_by_hand():
    # Paragraph 0 (the selection): ransomware x3, police x1. Rest: police x2, border x5.
    terms = build_term_index([["ransomware"] * 3 + ["police"], ["police"] * 2 + ["border"], ["border"] * 4])
    result = distinctive_terms(terms, [0], prior_size=2.0, top=5)
    # Corpus counts 3, 3, 5 of 11 words: α = 6/11, 6/11, 10/11; n_i = 4, n_j = 7, α_0 = 2.
    ransomware = row(result, "ransomware")
    assert ransomware["delta"] == pytest.approx(
        math.log((3 + 6 / 11) / (4 + 2 - 3 - 6 / 11)) - math.log((6 / 11) / (7 + 2 - 6 / 11))
    )
    assert ransomware["delta"] == pytest.approx(3.1086, abs=1e-4)  # log(1.4444) − log(0.064516)
    assert ransomware["z"] == pytest.approx(ransomware["delta"] / math.sqrt(1 / (3 + 6 / 11) + 1 / (6 / 11)))
    assert row(result, "border")["z"] < 0
    assert (result.words_selection, result.words_rest) == (4, 7)


def test_swapping_the_sides_negates_every_score():
    selection, rest, prior = np.array([5, 0, 2, 9]), np.array([1, 4, 2, 3]), np.array([0.5, 0.3, 0.4, 1.2])
    delta, z = weighted_log_odds(selection, rest, prior)
    swapped_delta, swapped_z = weighted_log_odds(rest, selection, prior)
    assert swapped_delta == pytest.approx(-delta)
    assert swapped_z == pytest.approx(-z)


def test_a_speech_and_the_rest_see_each_other_as_mirror_images(corpus):
    cyber = pids_of(corpus, "cyber")
    others = np.setdiff1d(corpus.paragraphs.index.to_numpy(), cyber)
    one = distinctive_terms(corpus.terms, cyber, prior_size=10, top=50)
    other = distinctive_terms(corpus.terms, others, prior_size=10, top=50)
    mine = one.table.set_index("term")["z"]
    theirs = other.table.set_index("term")["z"]
    shared = mine.index.intersection(theirs.index)
    assert len(shared) > 5
    assert theirs[shared].to_numpy() == pytest.approx(-mine[shared].to_numpy())
    assert set(one.over_used["term"]) == set(other.under_used["term"])


# ----------------------------------------------------------------------------- what a user sees


def test_a_word_only_the_selection_uses_gets_a_large_positive_z(corpus):
    # In a corpus of 90 words, four uses are a lot: far ahead of every other word.
    result = distinctive_terms(corpus.terms, pids_of(corpus, "cyber"), prior_size=10)
    top = result.over_used.iloc[0]
    assert top["term"] == "ransomware"
    assert top["count_selection"] == 4 and top["count_rest"] == 0
    assert top["z"] > 1.5
    assert top["z"] > 1.5 * result.over_used.iloc[1]["z"]
    assert {"asylum", "peace"} <= set(result.under_used["term"])
    assert (result.under_used["z"] < 0).all() and (result.over_used["z"] > 0).all()


def test_sides_are_sorted_strongest_first(corpus):
    result = distinctive_terms(corpus.terms, pids_of(corpus, "border"), prior_size=10, top=8)
    assert list(result.table.columns) == DISTINCTIVE_COLUMNS
    assert list(result.over_used["z"]) == sorted(result.over_used["z"], reverse=True)
    assert list(result.under_used["z"]) == sorted(result.under_used["z"])
    assert list(result.table["side"]) == ["selection"] * len(result.over_used) + ["rest"] * len(result.under_used)
    assert len(result.over_used) <= 8 and len(result.under_used) <= 8


def test_counts_and_rates_per_1000_words(corpus):
    border = pids_of(corpus, "border")
    result = distinctive_terms(corpus.terms, border, prior_size=10, top=100)
    selection = select(corpus, Filters())
    words = int(corpus.paragraphs.loc[border, "counted_words"].sum())
    assert result.words_selection == words
    assert result.words_selection + result.words_rest == selection.words
    asylum = row(result, "asylum")
    assert (asylum["count_selection"], asylum["count_rest"]) == (3, 0)
    assert asylum["per_1000_selection"] == pytest.approx(3000 / words)
    assert asylum["per_1000_rest"] == 0


def test_a_frequent_distinctive_word_outranks_a_rare_one():
    # "ransomware": 20 times here and twice elsewhere; "zeroday": twice here only.
    selection = [["ransomware"] * 10 + ["common"] * 30 + ["zeroday"]] * 2
    rest = [["ransomware"] + ["common"] * 40] * 2
    terms = build_term_index(selection + rest)
    result = distinctive_terms(terms, [0, 1], prior_size=50)
    assert list(result.over_used["term"][:2]) == ["ransomware", "zeroday"]


@pytest.mark.parametrize("prior_size", [1.0, 10.0, 100.0, 1000.0])
def test_a_bigger_prior_pulls_the_log_odds_towards_the_corpus_rate(prior_size):
    terms = build_term_index([["rare", "word", "word"], ["word"] * 30 + ["other"] * 30])
    weak = row(distinctive_terms(terms, [0], prior_size=prior_size), "rare")["delta"]
    strong = row(distinctive_terms(terms, [0], prior_size=prior_size * 10), "rare")["delta"]
    assert 0 < strong < weak


@pytest.mark.parametrize(
    "word",
    ["the", "and", "said", "also", "2025", "1,000", "3.5", "of", "we"],
)
def test_common_words_numbers_and_short_words_are_never_reported(word):
    terms = build_term_index([[word] * 20 + ["cyber"], ["peace"] * 20])
    result = distinctive_terms(terms, [0], prior_size=5, top=50)
    assert word not in set(result.table["term"])
    assert "cyber" in set(result.table["term"])
    assert result.words_selection == 21  # excluded words still count as words


def test_excluded_words_are_left_out_in_any_case(corpus):
    result = distinctive_terms(corpus.terms, pids_of(corpus, "cyber"), prior_size=10, top=100,
                               excluded=["Ransomware", "Hospitals"])
    assert not {"ransomware", "hospitals"} & set(result.table["term"])
    assert "phishing" in set(result.table["term"])


# ----------------------------------------------------------------------------- degenerate selections


@pytest.mark.parametrize(
    ("selected", "corpus_pids", "problem"),
    [
        ([], None, NO_WORDS),
        ([99, -3], None, NO_WORDS),  # not paragraphs of the corpus
        ([0, 1, 2], [0, 1, 2], NO_REST),
        (None, None, NO_REST),  # the whole corpus selected
        ([3], [0, 1, 2], NO_WORDS),  # outside the corpus given
    ],
)
def test_degenerate_selections_say_why_nothing_is_compared(selected, corpus_pids, problem):
    terms = build_term_index([["ransomware", "police"], ["asylum"], ["peace"], ["treaty"]])
    if selected is None:
        selected = list(range(4))
    result = distinctive_terms(terms, selected, corpus_pids)
    assert result.problem == problem
    assert result.is_empty
    assert list(result.table.columns) == DISTINCTIVE_COLUMNS


def test_a_selection_of_common_words_only_says_so():
    terms = build_term_index([["the", "and", "of"], ["we", "2025", "said"]])
    result = distinctive_terms(terms, [0])
    assert result.problem == NO_CONTENT_WORDS and result.is_empty


def test_an_empty_corpus_gives_a_clear_result():
    terms = build_term_index([])
    result = distinctive_terms(terms, [0])
    assert result.problem == NO_WORDS and result.is_empty


def test_a_non_positive_prior_is_refused():
    with pytest.raises(ValueError, match="prior_size"):
        distinctive_terms(build_term_index([["a"]]), [0], prior_size=0)


# ----------------------------------------------------------------------------- corpus and repeats


def test_the_rest_is_the_corpus_given_less_the_selection(corpus):
    cyber, border = pids_of(corpus, "cyber"), pids_of(corpus, "border")
    result = distinctive_terms(corpus.terms, cyber, np.concatenate([cyber, border]), prior_size=10, top=100)
    assert "peace" not in set(result.table["term"])  # the peace speech is outside this corpus
    assert result.words_rest == int(corpus.paragraphs.loc[border, "counted_words"].sum())


REPEATING = """Cybercrime threatens every hospital in the region today.

Ransomware crews demand payment from hospitals.

Cybercrime threatens every hospital in the region today. Ransomware payments must stop.
"""


@pytest.mark.parametrize("include_repeats", [False, True])
def test_repeated_sentences_count_only_when_asked(include_repeats):
    lexicon = load_default_lexicon(DATA_DIR)
    documents = [
        parse_document(REPEATING, DocumentMeta(doc_id="repeat", title="repeat")),
        parse_document("Peace and dialogue among nations.", DocumentMeta(doc_id="other", title="other")),
    ]
    analysis = analyze(documents, lexicon)
    filters = Filters(include_repeats=include_repeats)
    selection = select(analysis, filters)
    mine = selection.pids[selection.paragraphs["doc_id"].to_numpy() == "repeat"]
    corpus_pids = analysis.paragraphs.index[content_mask(analysis, filters)]
    result = distinctive_terms(analysis.terms, mine, corpus_pids, include_repeats=include_repeats, top=100)
    cybercrime = row(result, "cybercrime")["count_selection"]
    assert cybercrime == (2 if include_repeats else 1)
    words_column = "words" if include_repeats else "counted_words"
    assert result.words_selection == int(analysis.paragraphs.loc[mine, words_column].sum())


def test_cached_corpus_totals_follow_the_corpus_and_repeat_setting(corpus):
    cyber = pids_of(corpus, "cyber")
    everything = corpus.paragraphs.index.to_numpy()
    first = distinctive_terms(corpus.terms, cyber, everything, prior_size=10, top=100)
    smaller = distinctive_terms(corpus.terms, cyber, everything[:-1], prior_size=10, top=100)
    again = distinctive_terms(corpus.terms, cyber, everything, prior_size=10, top=100)
    assert smaller.words_rest < first.words_rest
    assert again.table.equals(first.table)


def test_big_and_small_selections_and_unordered_indexes_agree():
    rng = np.random.default_rng(7)
    vocabulary = [f"word{i}" for i in range(40)]
    paragraphs = [list(rng.choice(vocabulary, size=rng.integers(0, 30))) for _ in range(200)]
    ordered = build_term_index(paragraphs)
    shuffle = rng.permutation(len(ordered.pid))
    shuffled = TermIndex(ordered.vocabulary, ordered.pid[shuffle], ordered.term[shuffle],
                         ordered.count[shuffle], ordered.repeated[shuffle])
    for selected in (rng.choice(200, 5, replace=False), rng.choice(200, 180, replace=False)):
        expected = ordered.counts_for(selected)
        for terms in (ordered, shuffled):
            result = distinctive_terms(terms, selected, prior_size=5, top=100)
            assert result.words_selection == sum(expected.values())
            for word, count in zip(result.table["term"], result.table["count_selection"], strict=True):
                assert count == expected.get(word, 0)


# ----------------------------------------------------------------------------- back to the paragraphs


@pytest.mark.parametrize(
    ("term", "doc_ids"),
    [("ransomware", {"cyber"}), ("Asylum", {"border"}), ("hospitals", {"cyber", "peace"}), ("nowhere", set())],
)
def test_a_clicked_word_leads_to_the_selected_paragraphs_that_contain_it(corpus, term, doc_ids):
    selection = select(corpus, Filters())
    found = pids_with_term(corpus.terms, selection.pids, term)
    assert set(corpus.paragraphs.loc[found, "doc_id"]) == doc_ids
    words = {pid: {w.lower() for w in tokenize(corpus.paragraphs.loc[pid, "text"])} for pid in selection.pids}
    assert list(found) == [pid for pid in selection.pids if term.lower() in words[pid]]


def test_a_clicked_word_stays_inside_the_selection(corpus):
    cyber = pids_of(corpus, "cyber")
    assert set(pids_with_term(corpus.terms, cyber[:1], "ransomware")) == {cyber[0]}
    assert len(pids_with_term(corpus.terms, pids_of(corpus, "border"), "ransomware")) == 0
