"""Normalising text, splitting sentences and tokenising words."""

from __future__ import annotations

import random
import re
import time

import pytest

from speechlens.text import (
    count_words,
    lower_tokens,
    normalised_text_sha256,
    normalize_again,
    normalize_text,
    split_sentences,
    text_sha256,
    tokenize,
)
from tests.conftest import SEED_TEXT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ufeffHello world.", "Hello world."),
        ("\ufeff\ufeffTwo marks.", "Two marks."),
        ("One.\ufeffTwo.", "One.Two."),
        ("a\r\nb\r\nc", "a\nb\nc"),
        ("a\rb\rc", "a\nb\nc"),
        ("page one\fpage two", "page one\npage two"),
        ("no\u00a0break\u202fspace", "no break space"),
        ("too  many \t\tspaces", "too many spaces"),
        ("trailing   \nspaces \n", "trailing\nspaces"),
        ("First.\n\nSecond.", "First.\n\nSecond."),
        (" indented line", " indented line"),
        ("Marrakech,, he continued.", "Marrakech, he continued."),
        ("stray ;; marks", "stray; marks"),
        ("a word , then a stop .", "a word, then a stop."),
        ("Why ? Because !", "Why? Because!"),
        ("a double stop.. here", "a double stop. here"),
        ("a comma,. here", "a comma. here"),
        ("wait... and see", "wait... and see"),
        ("and ... then", "and ... then"),
        ("growth of .5 per cent", "growth of .5 per cent"),
        ("e.g., this", "e.g., this"),
        ("3.5 per cent", "3.5 per cent"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_text_keeps_every_line_of_the_seed():
    raw = SEED_TEXT.read_text(encoding="utf-8")
    normalised = normalize_text(raw)
    assert ",," not in normalised
    assert normalised.count("\n") == raw.rstrip("\n").count("\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith arrived. He spoke.", ["Mr. Smith arrived.", "He spoke."]),
        (
            "Mrs. Jones and Dr. Brown met at St. Paul's. They talked.",
            ["Mrs. Jones and Dr. Brown met at St. Paul's.", "They talked."],
        ),
        ("Gen. Smith and Prof. Jones spoke. Fine.", ["Gen. Smith and Prof. Jones spoke.", "Fine."]),
        (
            "The U.S. Government and the U.N. Secretariat agreed. Then they left.",
            ["The U.S. Government and the U.N. Secretariat agreed.", "Then they left."],
        ),
        ("The U.K. delegation agreed.", ["The U.K. delegation agreed."]),
        ("Growth slowed in the U.S. The rest of the world grew.",
         ["Growth slowed in the U.S.", "The rest of the world grew."]),
        (
            "See No. 5 and Art. 3 of the Charter. Good.",
            ["See No. 5 and Art. 3 of the Charter.", "Good."],
        ),
        ("No. That is not so.", ["No.", "That is not so."]),
        (
            "Many threats, e.g. drugs, i.e. trafficking, remain. We act.",
            ["Many threats, e.g. drugs, i.e. trafficking, remain.", "We act."],
        ),
        (
            "We discussed trade, aid, etc. and more. Then we ate.",
            ["We discussed trade, aid, etc. and more.", "Then we ate."],
        ),
        ("We discussed trade, aid, etc. Then we ate.", ["We discussed trade, aid, etc.", "Then we ate."]),
        (
            "It ended on Jan. 5 and resumed on Feb. 7. Work continues.",
            ["It ended on Jan. 5 and resumed on Feb. 7.", "Work continues."],
        ),
        ("J. F. Kennedy said so. We agree.", ["J. F. Kennedy said so.", "We agree."]),
        ("Growth was 3.5 per cent. That is good.", ["Growth was 3.5 per cent.", "That is good."]),
        ("We waited... Nothing happened.", ["We waited...", "Nothing happened."]),
        ("We waited… Nothing happened.", ["We waited…", "Nothing happened."]),
        ("We waited... and waited.", ["We waited... and waited."]),
        (
            "He said: “We will win.” Then he left.",
            ["He said: “We will win.”", "Then he left."],
        ),
        ('He said: "We will win." Then he left.', ['He said: "We will win."', "Then he left."]),
        ("(This is an aside.) Next point.", ["(This is an aside.)", "Next point."]),
        ("Why? Because we must! And we will.", ["Why?", "Because we must!", "And we will."]),
        ("“Why?” he asked.", ["“Why?” he asked."]),
        ("2. The Assembly met. It agreed.", ["2. The Assembly met.", "It agreed."]),
        ("It says: «1. We favour peace. 2. We trade.»", ["It says: «1. We favour peace.", "2. We trade.»"]),
        ("Two points: 1. Peace. 2. Trade.", ["Two points: 1. Peace.", "2. Trade."]),
        (
            "The aim of. . . common ends. Next.",
            ["The aim of. . . common ends.", "Next."],
        ),
        ("He said: “. . . Consequently, we act.” Fine.", ["He said: “. . . Consequently, we act.”", "Fine."]),
        ("Nr. Caputo presided. Well.", ["Nr. Caputo presided.", "Well."]),
        ("In 1990. The year of change.", ["In 1990.", "The year of change."]),
        ("IV. Disarmament matters. Next.", ["IV. Disarmament matters.", "Next."]),
        ("Civil. Society matters.", ["Civil.", "Society matters."]),
        ("They fear it more than I. Then we left.", ["They fear it more than I.", "Then we left."]),
        ("One.\n  Two.", ["One.", "Two."]),
        ("No full stop at the end", ["No full stop at the end"]),
        ("", []),
        ("   \n ", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_split_sentences_rejoins_to_the_whitespace_normalised_text():
    for line in normalize_text(SEED_TEXT.read_text(encoding="utf-8")).splitlines():
        sentences = split_sentences(line)
        assert " ".join(sentences) == " ".join(line.split())
        assert all(s == s.strip() and s for s in sentences)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cross-border crime", ["cross-border", "crime"]),
        ("Interpol's role", ["Interpol's", "role"]),
        ("Interpol’s role", ["Interpol's", "role"]),
        ("Côte d’Ivoire", ["Côte", "d'Ivoire"]),
        ("the States' rights", ["the", "States", "rights"]),
        ("non‑aligned", ["non-aligned"]),
        ("3.5 per cent of 1,000 people", ["3.5", "per", "cent", "of", "1,000", "people"]),
        ("Hello, world! (Yes.)", ["Hello", "world", "Yes"]),
        ("— INTERPOL (@INTERPOL_HQ) 24", ["INTERPOL", "INTERPOL", "HQ", "24"]),
        ("the U.S. and e.g. this", ["the", "U.S.", "and", "e.g.", "this"]),
        ("war--peace - and — more", ["war", "peace", "and", "more"]),
        ("Marrakech 🇲🇦", ["Marrakech"]),
        ("... !!! ,,,", []),
    ],
)
def test_tokenize(text, expected):
    assert tokenize(text) == expected
    assert count_words(text) == len(expected)


def test_count_words_is_fast_on_a_million_words():
    seed = SEED_TEXT.read_text(encoding="utf-8")
    text = seed * (1_000_000 // count_words(seed) + 1)
    start = time.perf_counter()
    words = count_words(text)
    elapsed = time.perf_counter() - start
    assert words >= 1_000_000
    assert elapsed < 3.0, f"count_words took {elapsed:.2f}s for {words} words"


# ----------------------------------------------------------------------------- lower-cased tokens, normalising again


@pytest.mark.parametrize(
    "text",
    [
        "Hello, World! The U.S. and 3.5 per cent; don’t stop ‐ cross‑border",
        "Caf\u00e9 CR\u00c8ME br\u00fbl\u00e9e \u2014 Stra\u00dfe \u2160\u2161 \u24b6",
        "\u0130stanbul \u0130Y\u0130",  # dotted capital I lower-cases to two characters
        "\u039f\u0394\u039f\u03a3. \u039f\u0394\u039f\u03a3's \u03a3\u039f\u03a3",  # final sigma depends on its neighbours
        "",
    ],
)
def test_lower_tokens_are_the_tokens_lower_cased(text):
    assert lower_tokens(text) == [token.lower() for token in tokenize(text)]


def test_lower_tokens_on_random_text():
    rng = random.Random(3)
    alphabet = "aZ09.,'-’‐‑ _\n!?é\u0130\u03a3\u03c3x"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert lower_tokens(text) == [token.lower() for token in tokenize(text)], repr(text)


def test_normalising_a_normalised_text_again_changes_only_double_full_stops():
    rng = random.Random(5)
    alphabet = [" ", "\n", "\n", "\r", "\t", ".", ",", ";", ":", "!", "?", "a", "b", '"', "”", ")", "\u00a0", "\ufeff"]
    blank_lines = re.compile(r"\n{3,}")
    for _ in range(50_000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        once = blank_lines.sub("\n\n", normalize_text(raw))  # as formats.extract_text returns it
        assert normalize_again(once) == normalize_text(once), repr(raw)
        assert normalised_text_sha256(once) == text_sha256(once)
    assert normalize_text("a.,. b") == "a.. b" and normalize_again("a.. b") == "a. b"  # ".,." needs a second pass


def test_token_patterns_match_what_the_plain_alternation_would():
    # The token patterns open with a character class so the regex engine can skip ahead;
    # they must find exactly the tokens of the plain "initialism or word" alternation.
    from speechlens.text import _ASCII_LOWER_TOKEN, _TOKEN

    plain = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:(?:['’\-‐‑]|(?<=\d)[.,](?=\d))[^\W_]+)*")
    plain_ascii = re.compile(r"(?:[a-z]\.){2,}|[a-z0-9]+(?:(?:['\-]|(?<=[0-9])[.,](?=[0-9]))[a-z0-9]+)*")
    rng = random.Random(7)
    alphabet = "aZb09.,'-’‐‑ _\n!?é\u00df\u0130\u03a3x"
    for _ in range(30_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert _TOKEN.findall(text) == plain.findall(text), repr(text)
        lowered = text.lower()
        if lowered.isascii():
            assert _ASCII_LOWER_TOKEN.findall(lowered) == plain_ascii.findall(lowered), repr(text)


def test_split_sentences_of_text_with_any_whitespace():
    rng = random.Random(11)
    alphabet = ["a", "B", ".", ". ", "? ", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "\x1c", "\u2028", "Mr."]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        sentences = split_sentences(text)
        assert " ".join(sentences) == " ".join(text.split()), repr(text)
        assert sentences == split_sentences(" ".join(text.split())), repr(text)
