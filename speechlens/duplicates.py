"""Finding text that repeats earlier text almost word for word.

Two texts are near-duplicates when both have at least ``MIN_WORDS`` words and
the Jaccard similarity of their sets of lower-cased word tokens is at least
``THRESHOLD`` (0.8: e.g. 20 shared words out of 22 distinct ones). The seed
speech repeats a sentence with only its parenthesis reworded: 0.91.

Candidates are found with *prefix filtering* (Chaudhuri et al., 2006): order
each token set by how rare its tokens are in the document; two sets with
Jaccard >= t must share one of the first ``|s| - ceil(t*|s|) + 1`` tokens of
each. Only those prefixes are indexed, and they are made of rare words, so
each text meets a handful of candidates instead of every earlier text: the
work grows about linearly with the length of the speech, and no repeat above
the threshold is missed.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

from speechlens.text import tokenize

__all__ = [
    "THRESHOLD",
    "MIN_WORDS",
    "jaccard",
    "find_near_duplicates",
    "find_repeats",
    "find_repeated_sentences",
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
    token_sets = [
        frozenset(t.lower() for t in tokens) if len(tokens) >= min_words else frozenset()
        for tokens in token_lists
    ]
    rank = _rarity_ranks(token_sets)
    index: dict[str, list[int]] = {}
    repeats: dict[int, int] = {}
    for i, tokens in enumerate(token_sets):
        if not tokens:
            continue
        prefix = sorted(tokens, key=rank.__getitem__)
        del prefix[len(prefix) - math.ceil(threshold * len(prefix)) + 1 :]
        best = _most_similar(tokens, prefix, index, token_sets, threshold)
        if best is not None:
            repeats[i] = repeats.get(best, best)
        for token in prefix:
            index.setdefault(token, []).append(i)
    return repeats


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


def _rarity_ranks(token_sets: list[frozenset[str]]) -> dict[str, int]:
    """One global order of tokens, rarest first (ties alphabetical)."""
    counts = Counter(token for tokens in token_sets for token in tokens)
    ordered = sorted(counts, key=lambda token: (counts[token], token))
    return {token: rank for rank, token in enumerate(ordered)}


def _most_similar(
    tokens: frozenset[str],
    prefix: list[str],
    index: dict[str, list[int]],
    token_sets: list[frozenset[str]],
    threshold: float,
) -> int | None:
    candidates = sorted({j for token in prefix for j in index.get(token, ())})
    best, best_score = None, threshold
    for j in candidates:
        other = token_sets[j]
        # Sets of very different sizes cannot reach the threshold.
        if not threshold * len(tokens) <= len(other) <= len(tokens) / threshold:
            continue
        score = jaccard(tokens, other)
        if score > best_score or (best is None and score >= threshold):
            best, best_score = j, score
    return best
