"""Finding sentences and paragraphs that repeat earlier ones almost word for word."""

from __future__ import annotations

import itertools
import random
import time

import pytest

import numpy as np

from speechlens.duplicates import (
    MIN_WORDS,
    THRESHOLD,
    find_near_duplicates,
    find_repeated_sentences,
    find_repeats,
    jaccard,
    repeats_of_codes,
)
from speechlens.text import tokenize

BASE = "States can no longer afford to act alone against criminal networks that cross borders."


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        ("a b c", "a b c", 1.0),
        ("a b c d", "a b c e", 0.6),
        ("a b", "c d", 0.0),
        ("", "", 0.0),
    ],
)
def test_jaccard(a, b, score):
    assert jaccard(frozenset(a.split()), frozenset(b.split())) == pytest.approx(score)


@pytest.mark.parametrize(
    ("later", "repeats"),
    [
        (BASE, True),
        (BASE.upper(), True),  # case does not matter
        (BASE.replace("criminal", "organized"), True),  # 13 shared of 15 distinct words: 0.87
        (BASE + " They must cooperate.", True),  # 14 of 17: 0.82
        (BASE.replace("States", "Countries").replace("alone", "separately"), False),  # 12 of 16: 0.75
        (BASE + " They must cooperate and share intelligence.", False),  # 14 of 20: 0.7
        ("Something entirely different is being said in this sentence now.", False),
    ],
    ids=["same", "case", "one-word", "three-more", "two-words", "six-more", "different"],
)
def test_near_duplicate_sentences(later, repeats):
    texts = [BASE, "An unrelated sentence sits between them in the text.", later]
    assert find_near_duplicates(texts) == ({2: 0} if repeats else {})


def test_short_sentences_are_never_flagged():
    short = "Thank you, Mr. President."
    assert len(tokenize(short)) < MIN_WORDS
    assert find_near_duplicates([short, short, short]) == {}


def test_a_repeat_points_at_the_first_occurrence_and_the_closest_wins():
    first = "the quick brown fox jumps over the lazy dog near the river bank"
    exact_copy = first
    variant = first.replace("river", "lake")
    assert find_near_duplicates([first, variant, exact_copy]) == {1: 0, 2: 0}
    # Here the copy of the variant is closer to the variant than to `first`.
    assert find_near_duplicates([first, "unrelated words only here now and then", variant, variant]) == {
        2: 0,
        3: 0,
    }


def test_find_repeated_sentences_gives_paragraph_and_sentence_indexes():
    paragraphs = [
        ["An opening sentence with nothing special in it at all.", BASE],
        ["Short one.", "Another sentence that is new and says something else entirely."],
        ["A fresh start to this paragraph with different words.", BASE.replace("criminal", "organized")],
    ]
    assert find_repeated_sentences(paragraphs) == {(2, 1): (0, 1)}


def naive_near_duplicates(texts: list[str]) -> dict[int, int]:
    """The obvious quadratic version, as a reference."""
    sets = [frozenset(t.lower() for t in tokenize(x)) if len(tokenize(x)) >= MIN_WORDS else None for x in texts]
    repeats: dict[int, int] = {}
    for i, later in enumerate(sets):
        if later is None:
            continue
        scores = [(jaccard(later, sets[j]), -j) for j in range(i) if sets[j] is not None]
        best = max(scores, default=(0.0, 0))
        if best[0] >= THRESHOLD:
            repeats[i] = repeats.get(-best[1], -best[1])
    return repeats


def test_prefix_filtering_finds_exactly_what_comparing_all_pairs_finds():
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(60)]
    originals = [" ".join(rng.sample(vocabulary, rng.randint(6, 14))) for _ in range(80)]
    texts = []
    for _ in range(400):
        words = rng.choice(originals).split()
        for _ in range(rng.randint(0, 2)):  # mutate a word or two
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        texts.append(" ".join(words))
    expected = naive_near_duplicates(texts)
    assert len(expected) > 100  # the data really has repeats
    assert find_near_duplicates(texts) == expected


def test_long_texts_take_about_linear_time():
    rng = random.Random(1)
    vocabulary = ["".join(letters) for letters in itertools.product("abcdefghij", repeat=4)]
    sentences = [" ".join(rng.choices(vocabulary, k=15)) for _ in range(6000)]  # 90,000 words
    start = time.perf_counter()
    repeats = find_near_duplicates(sentences + sentences[:100])
    elapsed = time.perf_counter() - start
    assert repeats == {6000 + i: i for i in range(100)}
    # Comparing all 18 million pairs takes ~20 s; the index takes well under a second.
    assert elapsed < 3.0, f"{elapsed:.2f}s"


def test_two_searches_in_one_find_what_each_finds_alone():
    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(30)]
    sentences = [[rng.choice(vocabulary) for _ in range(rng.randint(4, 12))] for _ in range(60)]
    sentences += sentences[:10]
    paragraphs = [sum(sentences[i:i + 3], []) for i in range(0, len(sentences), 3)]
    ids: dict[str, int] = {}
    codes = np.array([ids.setdefault(t, len(ids)) for s in sentences for t in s])
    sizes = [len(s) for s in sentences]
    words = [sum(sizes[i:i + 3]) for i in range(0, len(sizes), 3)]
    both = repeats_of_codes(np.concatenate([codes, codes]), np.array(sizes + words), len(ids), apart_from=len(sizes))
    assert {i: j for i, j in both.items() if i < len(sizes)} == find_repeats(sentences)
    assert {i - len(sizes): j - len(sizes) for i, j in both.items() if i >= len(sizes)} == find_repeats(paragraphs)
    assert find_repeats(sentences)  # the data has repeats


@pytest.mark.parametrize("threshold", [0.5, 0.75, 0.9, 1.0])
@pytest.mark.parametrize("min_words", [0, 1, 3])
def test_other_thresholds_and_lengths_match_the_naive_search(threshold, min_words):
    rng = random.Random(int(threshold * 100) + min_words)
    vocabulary = [f"w{i}" for i in range(12)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 9))) for _ in range(150)]
    sets = [frozenset(t.lower() for t in tokenize(x)) if len(tokenize(x)) >= min_words else None for x in texts]
    expected: dict[int, int] = {}
    for i, later in enumerate(sets):
        if not later:
            continue
        scores = [(jaccard(later, sets[j]), -j) for j in range(i) if sets[j]]
        best = max(scores, default=(0.0, 0))
        if best[0] >= threshold:
            expected[i] = expected.get(-best[1], -best[1])
    assert find_near_duplicates(texts, threshold, min_words) == expected
