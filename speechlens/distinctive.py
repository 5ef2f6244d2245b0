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
arrays; what depends only on the index (paragraph offsets, the stop-word
mask, whole-corpus totals) is computed once per index and kept beside it.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from speechlens.cloud import STOPWORDS
from speechlens.terms import TermIndex
from speechlens.vocabulary import MIN_WORD_LENGTH

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
    cache = _cache_for(terms)
    corpus = cache.valid_pids(corpus_pids)
    selection = cache.valid_pids(selected_pids)
    selection = selection[cache.membership(corpus)[selection]]

    corpus_counts = cache.corpus_totals(terms, corpus, corpus_pids is None, include_repeats)
    selection_counts = cache.selection_totals(terms, selection, corpus, corpus_counts, include_repeats)
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
    scored = (corpus_counts > 0) & cache.reportable(terms, excluded)
    candidates = np.flatnonzero(scored)
    delta, z = weighted_log_odds(
        selection_counts[candidates], rest_counts[candidates], prior[candidates],
        words_selection=words_selection, words_rest=words_rest, prior_size=prior_size,
    )
    finite = np.isfinite(z)
    candidates, delta, z = candidates[finite], delta[finite], z[finite]
    if not len(candidates):
        return result(problem=NO_CONTENT_WORDS)

    words = cache.vocabulary[candidates]
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


def _is_reportable(word: str) -> bool:
    is_number = word.replace(".", "").replace(",", "").isdigit()
    return len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS and not is_number


class _IndexCache:
    """What scoring one TermIndex needs again and again, computed once.

    It holds no reference to the index itself, so the index (the key of
    ``_CACHES``) can still be freed.
    """

    CORPUS_TOTALS_KEPT = 4

    def __init__(self, terms: TermIndex):
        pid = terms.pid
        self.size = int(pid.max()) + 1 if len(pid) else 0
        self.entry_count = len(pid)
        self.vocabulary = np.asarray(terms.vocabulary, dtype=object)
        self.vocabulary_size = len(terms.vocabulary)
        self._reportable: np.ndarray | None = None
        self._corpus_totals: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        # Entries come in paragraph order from analyze(), ingest and the store; then a
        # paragraph's entries are one slice and a small selection is summed without
        # touching the rest of the corpus.
        if len(pid) and bool(np.all(pid[1:] >= pid[:-1])):
            self.offsets: np.ndarray | None = np.concatenate([[0], np.cumsum(np.bincount(pid, minlength=self.size))])
        else:
            self.offsets = None

    def valid_pids(self, pids: ArrayLike | None) -> np.ndarray:
        if pids is None:
            return np.arange(self.size, dtype=np.int64)
        pids = np.asarray(pids, dtype=np.int64).ravel()
        pids = pids[(pids >= 0) & (pids < self.size)]
        # Sorted and without repeats through a mask: far faster than np.unique on 10^5 pids.
        return np.flatnonzero(self.membership(pids))

    def membership(self, pids: np.ndarray) -> np.ndarray:
        inside = np.zeros(self.size, dtype=bool)
        inside[pids] = True
        return inside

    def reportable(self, terms: TermIndex, excluded: Iterable[str]) -> np.ndarray:
        if self._reportable is None:
            self._reportable = np.fromiter(
                (_is_reportable(word) for word in terms.vocabulary), dtype=bool, count=self.vocabulary_size
            )
        words = {word.lower() for word in excluded}
        if not words:
            return self._reportable
        ids = terms.term_ids
        extra = [ids[word] for word in words if word in ids]
        if not extra:
            return self._reportable
        mask = self._reportable.copy()
        mask[extra] = False
        return mask

    def corpus_totals(self, terms: TermIndex, corpus: np.ndarray, whole: bool, include_repeats: bool) -> np.ndarray:
        whole = whole or len(corpus) == self.size
        key = ("all" if whole else hashlib.blake2b(corpus.tobytes(), digest_size=16).hexdigest(), include_repeats)
        with self._lock:  # the dashboard serves several sessions from threads
            if key in self._corpus_totals:
                self._corpus_totals.move_to_end(key)
                return self._corpus_totals[key]
        if whole:  # every entry counts: no paragraph mask to build
            weights = terms.count if include_repeats else np.where(terms.repeated, 0, terms.count)
            totals = np.bincount(terms.term, weights=weights, minlength=self.vocabulary_size)
        else:
            totals = self.totals(terms, corpus, include_repeats)
        totals.setflags(write=False)
        with self._lock:
            self._corpus_totals[key] = totals
            while len(self._corpus_totals) > self.CORPUS_TOTALS_KEPT:
                self._corpus_totals.popitem(last=False)
        return totals

    def selection_totals(
        self, terms: TermIndex, selection: np.ndarray, corpus: np.ndarray, corpus_totals: np.ndarray,
        include_repeats: bool,
    ) -> np.ndarray:
        """Term totals over ``selection`` (part of ``corpus``).

        When the selection holds most of the corpus, the few paragraphs left
        out are summed and taken away from the corpus totals instead.
        """
        if self.offsets is not None and len(selection) > len(corpus) / 2:
            selected_entries = int((self.offsets[selection + 1] - self.offsets[selection]).sum())
            corpus_entries = int((self.offsets[corpus + 1] - self.offsets[corpus]).sum())
            if selected_entries > corpus_entries / 2:
                left_out = corpus[~self.membership(selection)[corpus]]
                return corpus_totals - self.totals(terms, left_out, include_repeats)
        return self.totals(terms, selection, include_repeats)

    def totals(self, terms: TermIndex, pids: np.ndarray, include_repeats: bool) -> np.ndarray:
        """Occurrences of every term over ``pids`` (unique and valid), as floats."""
        if not len(pids) or not self.entry_count:
            return np.zeros(self.vocabulary_size)
        if self.offsets is not None:
            starts = self.offsets[pids]
            lengths = self.offsets[pids + 1] - starts
            total = int(lengths.sum())
            # Gathering slices pays off while they are a small share of all entries.
            if total * 4 <= self.entry_count:
                # The entry numbers of every selected slice, without a loop: a running
                # count shifted at the start of each slice.
                entries = np.arange(total, dtype=np.int64) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
                weights = terms.count[entries]
                if not include_repeats:
                    weights = np.where(terms.repeated[entries], 0, weights)
                return np.bincount(terms.term[entries], weights=weights, minlength=self.vocabulary_size)
        mask = self.membership(pids)[terms.pid]
        if not include_repeats:
            mask &= ~terms.repeated
        return np.bincount(terms.term[mask], weights=terms.count[mask], minlength=self.vocabulary_size)


_CACHES: weakref.WeakKeyDictionary[TermIndex, _IndexCache] = weakref.WeakKeyDictionary()


_CACHES_LOCK = threading.Lock()


def _cache_for(terms: TermIndex) -> _IndexCache:
    with _CACHES_LOCK:
        cache = _CACHES.get(terms)
        if cache is None:
            cache = _IndexCache(terms)
            _CACHES[terms] = cache
    return cache
