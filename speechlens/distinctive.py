"""Words that set a selection of paragraphs apart from the rest of the corpus.

The score is the weighted log-odds ratio with an informative Dirichlet prior
of Monroe, Colaresi & Quinn (2008), "Fightin' Words", Political Analysis
16(4). With ``y_i`` a word's count in the selection, ``y_j`` in the rest,
``n_i`` and ``n_j`` all words of each side, and a prior ``α_w`` proportional
to the word's count in the whole corpus (``α_w = corpus count × α_0 / corpus
words``)::

    δ = log((y_i + α_w) / (n_i + α_0 − y_i − α_w)) − log((y_j + α_w) / (n_j + α_0 − y_j − α_w))
    σ² ≈ 1 / (y_i + α_w) + 1 / (y_j + α_w)
    z = δ / σ

A large positive ``z`` marks a word the selection uses more than the rest of
the corpus, a large negative one a word it uses less. The prior pulls rare
words towards the corpus rate, so a word said twice is not ranked above one
said two hundred times. A word the rest never uses has a small ``α_w``, hence
a large variance: it ranks high only when the selection uses it often.

Everything is vectorised over the :class:`~speechlens.terms.TermIndex`
arrays; word totals come from :mod:`speechlens.term_totals`, which the word
cloud shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from speechlens.term_totals import TermTotals, term_totals
from speechlens.terms import TermIndex

# α_0: the prior counts as this many words spread like the whole corpus. It is
# small beside a single speech (a few thousand words), so it steadies rare
# words without hiding real differences.
DEFAULT_PRIOR_SIZE = 1_000.0
DEFAULT_TOP = 15

METHOD_NOTE = "Weighted log-odds with an informative Dirichlet prior (z-score), Monroe, Colaresi & Quinn 2008"

DISTINCTIVE_COLUMNS = [
    "term", "side", "count_selection", "count_rest", "per_1000_selection", "per_1000_rest", "delta", "z",
]
SELECTION_SIDE = "selection"  # over-used in the selection
REST_SIDE = "rest"  # under-used in the selection, i.e. over-used in the rest

NO_WORDS = "No words in this selection to compare."
NO_REST = "The selection covers the whole corpus: there is no rest to compare it with."
NO_CONTENT_WORDS = "No content words to compare (only common words, numbers or excluded names)."


@dataclass(frozen=True, eq=False)
class DistinctiveTerms:
    """The top words on each side, and what they were measured on.

    ``table`` has DISTINCTIVE_COLUMNS: the words over-used in the selection
    (side "selection", highest z first), then the under-used ones (side
    "rest", lowest z first). ``problem`` says in a sentence why nothing
    could be compared; the table is then empty.
    """

    table: pd.DataFrame
    words_selection: int
    words_rest: int
    prior_size: float
    problem: str | None = None

    @property
    def over_used(self) -> pd.DataFrame:
        return self.table[self.table["side"] == SELECTION_SIDE]

    @property
    def under_used(self) -> pd.DataFrame:
        return self.table[self.table["side"] == REST_SIDE]

    @property
    def is_empty(self) -> bool:
        return self.table.empty


def distinctive_terms(
    terms: TermIndex,
    selected_pids: ArrayLike,
    corpus_pids: ArrayLike | None = None,
    *,
    include_repeats: bool = False,
    prior_size: float = DEFAULT_PRIOR_SIZE,
    top: int = DEFAULT_TOP,
    excluded: Iterable[str] = (),
) -> DistinctiveTerms:
    """The ``top`` words over-used and under-used by the selection against the rest of the corpus.

    ``corpus_pids`` are the paragraphs that make up the corpus (all indexed
    paragraphs when None); pass the content paragraphs of the current
    filters (``filters.content_mask``) so headings and full duplicates stay
    out. The rest is the corpus less the selection; selected pids outside
    the corpus are ignored. ``include_repeats`` counts the words of
    sentences that repeat earlier text, as the view's filter says.

    Common English words (the word cloud's stop words), numbers, words
    shorter than three letters and ``excluded`` words (e.g. the speakers'
    names, ``vocabulary.speaker_words``) are not reported; they still count
    in each side's total of words.
    """
    if prior_size <= 0:
        raise ValueError(f"prior_size must be positive, not {prior_size!r}")
    totals = term_totals(terms)
    corpus = totals.valid_pids(corpus_pids)
    selection = totals.valid_pids(selected_pids)
    selection = selection[totals.membership(corpus)[selection]]

    corpus_counts = totals.over(terms, corpus, include_repeats)
    selection_counts = totals.over(terms, selection, include_repeats)
    rest_counts = corpus_counts - selection_counts
    words_selection, words_rest = int(selection_counts.sum()), int(rest_counts.sum())

    def result(table: pd.DataFrame | None = None, problem: str | None = None) -> DistinctiveTerms:
        if table is None:
            table = pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in _COLUMN_DTYPES.items()})
        return DistinctiveTerms(table, words_selection, words_rest, float(prior_size), problem)

    if words_selection == 0:
        return result(problem=NO_WORDS)
    if words_rest == 0:
        return result(problem=NO_REST)

    prior = corpus_counts * (prior_size / corpus_counts.sum())
    scored = (corpus_counts > 0) & _reportable(terms, totals, excluded)
    candidates = np.flatnonzero(scored)
    delta, z = weighted_log_odds(
        selection_counts[candidates], rest_counts[candidates], prior[candidates],
        words_selection=words_selection, words_rest=words_rest, prior_size=prior_size,
    )
    finite = np.isfinite(z)
    candidates, delta, z = candidates[finite], delta[finite], z[finite]
    if not len(candidates):
        return result(problem=NO_CONTENT_WORDS)

    words = np.asarray(terms.vocabulary, dtype=object)[candidates]
    over = _top(z, words, top, positive=True)
    under = _top(z, words, top, positive=False)
    picked = np.concatenate([over, under])
    ids = candidates[picked]
    table = pd.DataFrame(
        {
            "term": words[picked],
            "side": [SELECTION_SIDE] * len(over) + [REST_SIDE] * len(under),
            "count_selection": selection_counts[ids].astype(np.int64),
            "count_rest": rest_counts[ids].astype(np.int64),
            "per_1000_selection": 1000.0 * selection_counts[ids] / words_selection,
            "per_1000_rest": 1000.0 * rest_counts[ids] / words_rest,
            "delta": delta[picked],
            "z": z[picked],
        }
    )
    return result(table.astype(_COLUMN_DTYPES))


def weighted_log_odds(
    count_selection: ArrayLike,
    count_rest: ArrayLike,
    prior: ArrayLike,
    *,
    words_selection: float | None = None,
    words_rest: float | None = None,
    prior_size: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(δ, z) per word from its counts on each side and its prior α_w (Monroe et al. 2008).

    The totals default to the sums of the arrays given, which is right when
    they cover the whole vocabulary. A word with no count anywhere and no
    prior gets NaN.
    """
    y_i = np.asarray(count_selection, dtype=float)
    y_j = np.asarray(count_rest, dtype=float)
    alpha = np.asarray(prior, dtype=float)
    n_i = y_i.sum() if words_selection is None else float(words_selection)
    n_j = y_j.sum() if words_rest is None else float(words_rest)
    alpha_0 = alpha.sum() if prior_size is None else float(prior_size)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log(y_i + alpha) - np.log(n_i + alpha_0 - y_i - alpha)) - (
            np.log(y_j + alpha) - np.log(n_j + alpha_0 - y_j - alpha)
        )
        z = delta / np.sqrt(1.0 / (y_i + alpha) + 1.0 / (y_j + alpha))
    return delta, z


def pids_with_term(
    terms: TermIndex, selected_pids: ArrayLike, term: str, include_repeats: bool = False
) -> np.ndarray:
    """The selected paragraphs that contain ``term`` (any case), in the order given: a clicked word's evidence."""
    selected = np.asarray(selected_pids, dtype=np.int64).ravel()
    found = terms.pids_with([term.lower()], include_repeats)
    return selected[np.isin(selected, found)]


# ----------------------------------------------------------------------------- internals

_COLUMN_DTYPES = {
    "term": object, "side": object, "count_selection": np.int64, "count_rest": np.int64,
    "per_1000_selection": float, "per_1000_rest": float, "delta": float, "z": float,
}


def _top(z: np.ndarray, words: np.ndarray, top: int, *, positive: bool) -> np.ndarray:
    """Positions of the ``top`` strongest scores on one side, strongest first."""
    strength = z if positive else -z
    side = np.flatnonzero(strength > 0)
    if not len(side) or top <= 0:
        return side[:0]
    if len(side) > top:
        # Only words at least as strong as the top-th can make it (ties included).
        threshold = np.partition(strength[side], len(side) - top)[len(side) - top]
        side = side[strength[side] >= threshold]
    # Strongest first; ties in alphabetical order, so the same input gives the same chart.
    order = np.lexsort((words[side].astype(str), -strength[side]))
    return side[order[:top]]


def _reportable(terms: TermIndex, totals: TermTotals, excluded: Iterable[str]) -> np.ndarray:
    """Content words of the vocabulary, less ``excluded`` (any case)."""
    mask = totals.content_words(terms)
    ids = terms.term_ids
    extra = [ids[word] for word in {word.lower() for word in excluded} if word in ids]
    if not extra:
        return mask
    mask = mask.copy()
    mask[extra] = False
    return mask
