"""Finding text that repeats earlier text almost word for word.

Two texts are near-duplicates when both have at least ``MIN_WORDS`` words and
the Jaccard similarity of their sets of lower-cased word tokens is at least
``THRESHOLD`` (0.8: e.g. 20 shared words out of 22 distinct ones). The seed
speech repeats a sentence with only its parenthesis reworded: 0.91.

Candidates are found with *prefix filtering* (Chaudhuri et al., 2006): order
each token set by how rare its tokens are in the document; two sets with
Jaccard >= t must share one of the first ``|s| - ceil(t*|s|) + 1`` tokens of
each. Only pairs of texts whose prefixes share a token are compared, and the
prefixes are made of rare words, so each text meets a handful of candidates
instead of every earlier text: the work grows about linearly with the length
of the speech, and no repeat above the threshold is missed. (Any one order of
the tokens gives that guarantee; the rarity order only keeps the candidates
few.) The whole search runs as a few array operations over integer token
codes, with no Python loop per token or per pair.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from speechlens.text import tokenize

__all__ = [
    "THRESHOLD",
    "MIN_WORDS",
    "jaccard",
    "find_near_duplicates",
    "find_repeats",
    "find_repeated_sentences",
    "repeats_of_codes",
]

THRESHOLD = 0.8
MIN_WORDS = 8


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b| (0.0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def find_near_duplicates(
    texts: Sequence[str], threshold: float = THRESHOLD, min_words: int = MIN_WORDS
) -> dict[int, int]:
    """Map the index of each text that repeats an earlier one to that earlier index.

    The earlier text is the most similar one (the first on a tie); a repeat of
    a repeat points at the first occurrence.
    """
    return find_repeats([tokenize(text) for text in texts], threshold, min_words)


def find_repeats(
    token_lists: Sequence[Sequence[str]], threshold: float = THRESHOLD, min_words: int = MIN_WORDS
) -> dict[int, int]:
    """:func:`find_near_duplicates` for texts already tokenised (saves a pass)."""
    ids: dict[str, int] = {}
    codes = np.fromiter(
        (ids.setdefault(token.lower(), len(ids)) for tokens in token_lists for token in tokens), dtype=np.int64
    )
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    return repeats_of_codes(codes, lengths, len(ids), threshold, min_words)


def find_repeated_sentences(
    paragraphs: Sequence[Sequence[str]], threshold: float = THRESHOLD, min_words: int = MIN_WORDS
) -> dict[tuple[int, int], tuple[int, int]]:
    """Like :func:`find_near_duplicates` over the sentences of ``paragraphs``.

    Keys and values are ``(paragraph index, sentence index)``, both 0-based.
    """
    places = [(p, s) for p, sentences in enumerate(paragraphs) for s in range(len(sentences))]
    flat = [sentence for sentences in paragraphs for sentence in sentences]
    repeats = find_near_duplicates(flat, threshold, min_words)
    return {places[later]: places[earlier] for later, earlier in repeats.items()}


def repeats_of_codes(
    codes: np.ndarray, lengths: np.ndarray, vocabulary_size: int,
    threshold: float = THRESHOLD, min_words: int = MIN_WORDS, *, apart_from: int | None = None,
) -> dict[int, int]:
    """:func:`find_repeats` for texts given as token codes (equal lower-cased words, equal codes).

    ``codes`` holds the tokens of every text, one text after the other;
    ``lengths[i]`` is how many text ``i`` has (its words, repeats included);
    codes run from 0 to ``vocabulary_size - 1``. With ``apart_from``, the texts
    before that index and those from it on are two separate searches done in
    one (e.g. a speech's sentences, then its paragraphs).
    """
    count = len(lengths)
    lengths = np.asarray(lengths, dtype=np.int64)
    member = np.repeat(np.arange(count, dtype=np.int64), lengths)
    keep = (lengths >= min_words)[member]
    if not keep.any():
        return {}
    width = max(int(vocabulary_size), 1)
    # Each text's distinct tokens, as sorted keys text * width + code.
    entries = _unique(member[keep] * width + np.asarray(codes, dtype=np.int64)[keep])
    text, code = np.divmod(entries, width)
    sizes = np.bincount(text, minlength=count)
    first = np.cumsum(sizes) - sizes  # where each text's entries start
    # Prefixes: each text's rarest tokens (ties by code).
    rank = np.empty(width, dtype=np.int64)
    rank[np.argsort(np.bincount(code, minlength=width), kind="stable")] = np.arange(width)
    text_by_rarity, token_rank = np.divmod(np.sort(text * width + rank[code]), width)
    prefix_sizes = sizes - np.ceil(threshold * sizes).astype(np.int64) + 1
    in_prefix = np.arange(len(entries)) - first[text_by_rarity] < prefix_sizes[text_by_rarity]
    later, earlier = _sharing_pairs(text_by_rarity[in_prefix], token_rank[in_prefix], count)
    if apart_from is not None:
        same_side = (later < apart_from) == (earlier < apart_from)
        later, earlier = later[same_side], earlier[same_side]
    # Sets of very different sizes cannot reach the threshold.
    size_later, size_earlier = sizes[later], sizes[earlier]
    fits = (threshold * size_later <= size_earlier) & (size_earlier <= size_later / threshold)
    later, earlier, size_later, size_earlier = later[fits], earlier[fits], size_later[fits], size_earlier[fits]
    if not len(later):
        return {}
    shared = _shared_counts(entries, code, first, later, earlier, size_later, width)
    score = shared / (size_later + size_earlier - shared)
    similar = score >= threshold
    later, earlier, score = later[similar], earlier[similar], score[similar]
    # Per later text: the most similar earlier text, the first on a tie.
    order = np.lexsort((earlier, -score, later))
    later, earlier = later[order], earlier[order]
    best = _starts_of_runs(later)
    repeats: dict[int, int] = {}
    for i, j in zip(later[best].tolist(), earlier[best].tolist()):
        repeats[i] = repeats.get(j, j)
    return repeats


def _sharing_pairs(texts: np.ndarray, tokens: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (later, earlier) pair of distinct texts listing a common token, once.

    ``texts[k]`` lists ``tokens[k]``; a text lists a token at most once.
    """
    order = np.lexsort((texts, tokens))
    texts, tokens = texts[order], tokens[order]
    starts = np.flatnonzero(_starts_of_runs(tokens))
    group_start = np.repeat(starts, np.diff(np.append(starts, len(tokens))))
    before = np.arange(len(tokens)) - group_start  # texts listing the same token earlier
    total = int(before.sum())
    if total == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    step = np.arange(total) - np.repeat(np.cumsum(before) - before, before)
    later = np.repeat(texts, before)
    earlier = texts[np.repeat(group_start, before) + step]
    pairs = _unique(later * count + earlier)
    return np.divmod(pairs, count)


def _shared_counts(
    entries: np.ndarray, code: np.ndarray, first: np.ndarray, later: np.ndarray, earlier: np.ndarray,
    size_later: np.ndarray, width: int,
) -> np.ndarray:
    """|later ∩ earlier| for each pair: each token of the later text looked up among the earlier's."""
    pair = np.repeat(np.arange(len(later)), size_later)
    step = np.arange(len(pair)) - np.repeat(np.cumsum(size_later) - size_later, size_later)
    wanted = earlier[pair] * width + code[np.repeat(first[later], size_later) + step]
    at = np.minimum(np.searchsorted(entries, wanted), len(entries) - 1)
    return np.bincount(pair, weights=entries[at] == wanted, minlength=len(later))


def _starts_of_runs(values: np.ndarray) -> np.ndarray:
    """True where a run of equal values begins."""
    starts = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def _unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique, without its overhead on small arrays)."""
    values = np.sort(values)
    return values[_starts_of_runs(values)]
