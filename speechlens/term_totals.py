"""Word totals over a selection of paragraphs, shared by the word cloud and distinctive words.

Both ask the same question of a :class:`~speechlens.terms.TermIndex`: how often
does every vocabulary word occur in these paragraphs? On the whole UN General
Debate that is a pass over 20 million entries, so the answer for the last few
selections is kept, and what depends only on the index (paragraph offsets,
the content-word mask, whole-corpus totals) is computed once per index.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict

import numpy as np
from numpy.typing import ArrayLike

from speechlens.cloud import STOPWORDS
from speechlens.terms import TermIndex, sum_by_term

MIN_WORD_LENGTH = 3


def is_content_word(word: str) -> bool:
    """A word worth showing: three letters or more, not a common English word, not a number."""
    is_number = word.replace(".", "").replace(",", "").isdigit()
    return len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS and not is_number


class TermTotals:
    """Totals of one TermIndex's words over sets of paragraphs; get it with :func:`term_totals`.

    Holds no reference to the index itself, so the index can still be freed.
    Safe to share between the dashboard's sessions (threads).
    """

    KEPT = 4  # totals remembered (the last selections' and corpora's)

    def __init__(self, terms: TermIndex):
        pid = terms.pid
        self.size = int(pid.max()) + 1 if len(pid) else 0
        self.entry_count = len(pid)
        self.vocabulary_size = len(terms.vocabulary)
        self._content: np.ndarray | None = None
        self._kept: OrderedDict[tuple, np.ndarray] = OrderedDict()  # the last selections'
        self._whole: dict[bool, np.ndarray] = {}  # include_repeats -> the whole index's totals: kept for good
        if terms.whole_totals is not None:
            for include_repeats, totals in zip((True, False), terms.whole_totals, strict=True):
                totals.setflags(write=False)
                self._whole[include_repeats] = totals
        self._lock = threading.Lock()
        # Entries come in paragraph order from analyze(), ingest and the store; then a
        # paragraph's entries are one slice and a small selection is summed without
        # touching the rest of the corpus.
        if len(pid) and bool(np.all(pid[1:] >= pid[:-1])):
            # Found by bisection: a bincount would first copy the 20 million pids to int64.
            self.offsets: np.ndarray | None = np.searchsorted(pid, np.arange(self.size + 1, dtype=pid.dtype))
        else:
            self.offsets = None

    def valid_pids(self, pids: ArrayLike | None) -> np.ndarray:
        """``pids`` that the index covers, sorted, each once (every paragraph when None)."""
        if pids is None:
            return np.arange(self.size, dtype=np.int64)
        pids = np.asarray(pids, dtype=np.int64).ravel()
        pids = pids[(pids >= 0) & (pids < self.size)]
        # Sorted and without repeats through a mask: far faster than np.unique on 10^5 pids.
        return np.flatnonzero(self.membership(pids))

    def membership(self, pids: np.ndarray) -> np.ndarray:
        """A mask over every paragraph of the index, true at ``pids``."""
        inside = np.zeros(self.size, dtype=bool)
        inside[pids] = True
        return inside

    def content_words(self, terms: TermIndex) -> np.ndarray:
        """Per vocabulary word: is it a content word (see :func:`is_content_word`)? Read-only."""
        if self._content is None:
            mask = np.fromiter((is_content_word(w) for w in terms.vocabulary), dtype=bool, count=self.vocabulary_size)
            mask.setflags(write=False)
            self._content = mask
        return self._content

    def over(self, terms: TermIndex, pids: ArrayLike | None, include_repeats: bool) -> np.ndarray:
        """Occurrences of every vocabulary word (as floats) over ``pids``; read-only.

        The same paragraphs asked again (the cloud, then the distinctive words
        of one view) cost a hash of their numbers. When they are most of the
        corpus, the paragraphs left out are summed and taken away from the
        whole corpus's totals instead.
        """
        pids = self.valid_pids(pids)
        if len(pids) == self.size:
            return self._whole_totals(terms, include_repeats)
        key = (hashlib.blake2b(pids.tobytes(), digest_size=16).hexdigest(), include_repeats)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        if self._is_most(pids):
            left_out = np.flatnonzero(~self.membership(pids))
            totals = self._whole_totals(terms, include_repeats) - self._sum(terms, left_out, include_repeats)
        else:
            totals = self._sum(terms, pids, include_repeats)
        totals.setflags(write=False)
        with self._lock:
            self._kept[key] = totals
            while len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
        return totals

    def _whole_totals(self, terms: TermIndex, include_repeats: bool) -> np.ndarray:
        totals = self._whole.get(include_repeats)
        if totals is None:
            totals = sum_by_term(terms.term, terms.count, terms.repeated, self.vocabulary_size, include_repeats)
            totals.setflags(write=False)
            self._whole[include_repeats] = totals  # two threads may both compute it: the same value
        return totals

    def _is_most(self, pids: np.ndarray) -> bool:
        if self.offsets is None:
            return len(pids) > self.size / 2
        return int((self.offsets[pids + 1] - self.offsets[pids]).sum()) > self.entry_count / 2

    def _sum(self, terms: TermIndex, pids: np.ndarray, include_repeats: bool) -> np.ndarray:
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
                return sum_by_term(terms.term[entries], terms.count[entries], terms.repeated[entries],
                                   self.vocabulary_size, include_repeats)
        mask = self.membership(pids)[terms.pid]
        if not include_repeats:
            mask &= ~terms.repeated
        return np.bincount(terms.term[mask], weights=terms.count[mask], minlength=self.vocabulary_size)


_ALL: weakref.WeakKeyDictionary[TermIndex, TermTotals] = weakref.WeakKeyDictionary()
_ALL_LOCK = threading.Lock()


def term_totals(terms: TermIndex) -> TermTotals:
    """The :class:`TermTotals` of ``terms``, made on first use and kept while the index lives."""
    with _ALL_LOCK:
        totals = _ALL.get(terms)
        if totals is None:
            totals = _ALL[terms] = TermTotals(terms)
    return totals
