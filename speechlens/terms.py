"""Word counts per paragraph, stored sparsely so any selection sums fast.

A corpus-wide vocabulary maps each lower-cased token to an integer id; the
counts are three parallel arrays (paragraph, term, count). Summing the counts
of a selection of paragraphs is one ``np.bincount``, whatever the corpus size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True, eq=False)
class TermIndex:
    vocabulary: tuple[str, ...]
    pid: np.ndarray  # int32, paragraph row of each entry
    term: np.ndarray  # int32, index into vocabulary
    count: np.ndarray  # int32, occurrences of that term in that paragraph

    @cached_property
    def term_ids(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.vocabulary)}

    def counts_for(self, pids: Iterable[int]) -> Counter:
        """Total occurrences of every term over the given paragraphs."""
        if not len(self.pid):
            return Counter()
        selected = np.zeros(int(self.pid.max()) + 1, dtype=bool)
        pids = np.fromiter(pids, dtype=np.int64)
        selected[pids[(pids >= 0) & (pids < len(selected))]] = True
        mask = selected[self.pid]
        totals = np.bincount(self.term[mask], weights=self.count[mask], minlength=len(self.vocabulary))
        return Counter({self.vocabulary[i]: int(totals[i]) for i in np.flatnonzero(totals)})

    def pids_with(self, words: Iterable[str]) -> np.ndarray:
        """Paragraphs that contain any of ``words`` (lower-cased tokens)."""
        wanted = [self.term_ids[w] for w in words if w in self.term_ids]
        if not wanted:
            return np.empty(0, dtype=np.int64)
        return np.unique(self.pid[np.isin(self.term, wanted)]).astype(np.int64)


def build_term_index(token_lists: Sequence[Sequence[str]]) -> TermIndex:
    """Index the tokens of each paragraph (one list per paragraph, in pid order)."""
    ids: dict[str, int] = {}
    pid_column: list[int] = []
    term_column: list[int] = []
    count_column: list[int] = []
    for pid, tokens in enumerate(token_lists):
        for token, count in Counter(tokens).items():
            pid_column.append(pid)
            term_column.append(ids.setdefault(token, len(ids)))
            count_column.append(count)
    return TermIndex(
        vocabulary=tuple(ids),
        pid=np.asarray(pid_column, dtype=np.int32),
        term=np.asarray(term_column, dtype=np.int32),
        count=np.asarray(count_column, dtype=np.int32),
    )
