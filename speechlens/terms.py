"""Word counts per paragraph, stored sparsely so any selection sums fast.

A corpus-wide vocabulary maps each lower-cased token to an integer id; the
counts are parallel arrays (paragraph, term, count, repeated). Summing the
counts of a selection of paragraphs is one ``np.bincount``, whatever the
corpus size. Words of sentences that repeat earlier text are kept apart
(``repeated``), so they are counted only when the user asks for it.
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
    repeated: np.ndarray  # bool, the occurrences are in sentences that repeat earlier text
    # Every term's total over the whole index: (all occurrences, those outside repeated
    # sentences), as floats; a loader that has them at hand passes them, else None.
    whole_totals: tuple[np.ndarray, np.ndarray] | None = None

    @cached_property
    def term_ids(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.vocabulary)}

    def _entries(self, pids: Iterable[int], include_repeats: bool) -> np.ndarray:
        selected = np.zeros(int(self.pid.max()) + 1, dtype=bool)
        pids = np.fromiter(pids, dtype=np.int64)
        selected[pids[(pids >= 0) & (pids < len(selected))]] = True
        mask = selected[self.pid]
        if not include_repeats:
            mask &= ~self.repeated
        return mask

    def counts_for(self, pids: Iterable[int], include_repeats: bool = False) -> Counter:
        """Total occurrences of every term over the given paragraphs."""
        if not len(self.pid):
            return Counter()
        mask = self._entries(pids, include_repeats)
        totals = np.bincount(self.term[mask], weights=self.count[mask], minlength=len(self.vocabulary))
        return Counter({self.vocabulary[i]: int(totals[i]) for i in np.flatnonzero(totals)})

    def pids_with(self, words: Iterable[str], include_repeats: bool = False) -> np.ndarray:
        """Paragraphs that contain any of ``words`` (lower-cased tokens)."""
        wanted = [self.term_ids[w] for w in words if w in self.term_ids]
        if not wanted:
            return np.empty(0, dtype=np.int64)
        mask = np.isin(self.term, wanted)
        if not include_repeats:
            mask &= ~self.repeated
        return np.unique(self.pid[mask]).astype(np.int64)


def sum_by_term(
    term: np.ndarray, count: np.ndarray, repeated: np.ndarray, size: int, include_repeats: bool
) -> np.ndarray:
    """Occurrences of each of ``size`` terms (as floats) over index entries given as parallel
    arrays; entries of repeated sentences count only when ``include_repeats``."""
    return np.bincount(term, weights=count if include_repeats else np.where(repeated, 0, count), minlength=size)


def build_term_index(token_lists: Sequence[Sequence[str] | tuple[Sequence[str], Sequence[str]]]) -> TermIndex:
    """Index the tokens of each paragraph, in pid order.

    Each item is a paragraph's tokens, or a pair (counted tokens, tokens of
    sentences that repeat earlier text).
    """
    ids: dict[str, int] = {}
    columns: tuple[list[int], list[int], list[int], list[bool]] = ([], [], [], [])
    for pid, item in enumerate(token_lists):
        counted, repeats = item if isinstance(item, tuple) else (item, ())
        for tokens, repeated in ((counted, False), (repeats, True)):
            for token, count in Counter(tokens).items():
                columns[0].append(pid)
                columns[1].append(ids.setdefault(token, len(ids)))
                columns[2].append(count)
                columns[3].append(repeated)
    term = np.asarray(columns[1], dtype=np.int32)
    count = np.asarray(columns[2], dtype=np.int32)
    repeated = np.asarray(columns[3], dtype=bool)
    return TermIndex(
        vocabulary=tuple(ids),
        pid=np.asarray(columns[0], dtype=np.int32),
        term=term,
        count=count,
        repeated=repeated,
        whole_totals=(
            sum_by_term(term, count, repeated, len(ids), include_repeats=True),
            sum_by_term(term, count, repeated, len(ids), include_repeats=False),
        ),
    )
