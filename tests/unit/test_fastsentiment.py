"""speechlens.fastsentiment gives exactly TextBlob's default sentiment.

Every comparison is ``==`` *and* ``repr`` equality (so -0.0 vs 0.0 or a last-bit
difference would fail too): the scores must be bit-identical, not close.
Mismatches are reported with their text.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from textblob import TextBlob
from textblob import _text as pattern_text
from textblob.en import sentiment as pattern_sentiment

from speechlens import fastsentiment as fs
from tests.conftest import SEED_TEXT, shared_dir

CORPUS = shared_dir() / "corpora" / "ungdc-dev"
SPEECHES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


def textblob_score(text: str) -> tuple[float, float]:
    return tuple(TextBlob(text).sentiment)


def textblob_assessments(text: str) -> list:
    return TextBlob(text).sentiment_assessments.assessments


def identical(a, b) -> bool:
    return a == b and repr(a) == repr(b)


def mismatches(texts: list[str], with_assessments: bool = True) -> list[str]:
    """Texts where score_many / score / assessments differ from TextBlob, described."""
    found = []
    batch = fs.score_many(texts)
    for text, mine in zip(texts, batch, strict=True):
        expected = textblob_score(text)
        if not identical(mine, expected):
            found.append(f"score_many({text!r}) = {mine!r}, TextBlob: {expected!r}")
        elif not identical(fs.score(text), expected):
            found.append(f"score({text!r}) = {fs.score(text)!r}, TextBlob: {expected!r}")
        elif with_assessments:
            mine_a, expected_a = fs.assessments(text), textblob_assessments(text)
            if not identical(mine_a, expected_a):
                found.append(f"assessments({text!r}) = {mine_a!r}, TextBlob: {expected_a!r}")
    return found


def assert_no_mismatches(texts: list[str], with_assessments: bool = True) -> None:
    found = mismatches(texts, with_assessments)
    assert not found, f"{len(found)} of {len(texts)} texts differ from TextBlob:\n" + "\n".join(found[:20])


# --- (a) hand-written cases, one or more per rule ---------------------------------------------------

TRICKY = {
    # empty, blank, punctuation only
    "empty": "",
    "spaces": "   \t ",
    "blank lines": "\n\n\n",
    "period": ".",
    "bangs": "!!!",
    "question bang": "?!",
    "ellipsis": "...",
    "unicode ellipsis": "\u2026 good\u2026",
    "punctuation soup": ".,;:!?()[]{}`'\"@#$^&*+-|=~_",
    # plain words, case, averaging
    "one word": "good",
    "capitalised": "Good",
    "upper": "GOOD NEWS, BAD NEWS",
    "two words average": "a good and a terrible day",
    "neutral lexicon word": "the 21st century",
    "profanity label": "this is crap, f*cking great",
    # modifiers / intensifiers
    "very good": "very good",
    "very very good": "very very good",
    "really bad": "really bad",
    "extremely important": "extremely important",
    "most serious": "the most serious threat",
    "too": "too bad",
    "modifier over comma": "very, good",
    "modifier over two-letter word": "very of good",
    "modifier lost over long word": "very the good",
    "modifier alone": "very",
    "adverb from adjective": "terribly sorry, happily ever after",
    # negation
    "not good": "not good",
    "not bad": "not bad",
    "no good": "no good",
    "never good": "never good",
    "negation over small word": "not a good idea",
    "negation lost over word": "not the good idea",
    "negation lost over two-letter word": "not of good",
    "not very good": "not very good",
    "really not good": "really not good",
    "very not good": "very not good",
    "really no good": "really no good",
    "negation then bang": "not ! good",
    "negation at end": "that is good, or not",
    "double negation": "not not good",
    "uppercase negation": "NOT GOOD",
    "contraction n't": "I don't like bad things",
    "isn't": "it isn't bad",
    "curly contraction": "it didn\u2019t look good",
    "n't upper": "DON'T be sad",
    # exclamation marks
    "bang": "good!",
    "bangs boost": "good!!!!!!",
    "spaced bang": "good !",
    "bang far after": "good people everywhere!",
    "bang first": "! good",
    "bang on negated": "not good!",
    "bang on emoticon": "great :-) !",
    # emoticons and sarcasm
    "smile": "nice :)",
    "smile nose": "nice :-)",
    "spaced smile": "nice : )",
    "grin": "ha :D",
    "lower d is not an emoticon": "ha :d",
    "XD all letters": "XD xD",
    "x D glued": "Annex D of the report",
    "taunt": ":P :p :-b",
    "love": "<3 \u2665",
    "cry": "so sad :'(",
    "wink": "sure ;)",
    "gasp": "o_O o.O \u00b0O\u00b0",
    "worry": "hmm :-/ :\\",
    "frown": ">:( :c",
    "taunt before frown": ":c) :o)",
    "number then paren": "(see paragraph 8)",
    "year in parens": "resolution 435 (1978) was adopted",
    "colon digit": "note: 3 points",
    "time": "at 10:30 today",
    "emoticon across sentences": ": \n\n )",
    "emoticon at sentence break": "good. ) :)",
    "emoticon glued to word": "yes:) and no:(",
    "sarcasm": "Great work (!)",
    "spaced sarcasm": "Great work ( ! )",
    "sarcasm with text": "(!) good",
    "half sarcasm": "(! good)",
    # abbreviations, periods
    "abbreviations": "e.g. good, i.e. bad, etc. U.S. policy, Mr. Good, Mrs. Bad, Dr. Nice.",
    "letter abbreviation": "Plan A. Good.",
    "abbreviation with paren": "(U.S.A.) good.",
    "four dots": "good.... bad",
    "many dots": "wait..... good",
    "dots only": ".....",
    "period then paren": "good.) bad).",
    "decimal": "3.5 good .5 bad",
    # hyphens, apostrophes, numbers
    "hyphenated lexicon word": "a well-off and open-minded first-string team",
    "leading hyphen": "-good- --bad--",
    "hyphen joined": "good-bad",
    "quotes": "'good' \"bad\" \u201cnice\u201d \u2018sad\u2019",
    "possessive": "it's the world's best",
    "numbers": "13th 1,000 good $5 50% 2nd",
    # line breaks and the END-OF-SENTENCE marker
    "paragraph break": "good\n\nbad",
    "crlf paragraph": "good\r\n\r\nbad",
    "negation across break": "not\n\ngood",
    "single newline": "not\ngood",
    "literal marker": "END-OF-SENTENCE good",
    "literal marker in parens": "(END-OF-SENTENCE) :)",
    "lower marker": "end-of-sentence good",
    # non-ASCII and odd whitespace
    "accents": "caf\u00e9 na\u00efve good",
    "greek sigma": "\u039f\u0394\u039f\u03a3 \u03a3 good",
    "dotted I": "\u0130yi good",
    "ligature": "\ufb01ne good",
    "fullwidth": "\uff47\uff4f\uff4f\uff44",
    "emoji": "\U0001f600 good \U0001f622",
    "nbsp": "\u00a0good\u00a0bad\u2003nice",
    "file separator": "good\x1cbad",
    "bom": "\ufeffgood",
    "dashes": "good\u2014bad \u2013 nice",
}


@pytest.mark.parametrize("text", list(TRICKY.values()), ids=list(TRICKY))
def test_tricky_case_equals_textblob(text):
    assert identical(fs.score(text), textblob_score(text))
    assert identical(fs.score_many([text]), [textblob_score(text)])
    assert identical(fs.assessments(text), textblob_assessments(text))


def test_surprising_rules_hold():
    """A few of TextBlob's rules, spelt out (they are what TextBlob does, checked above)."""
    assert fs.lower_tokens("don't") == ["do", "n", "'", "t"]  # "n't" never reaches the negation list
    assert fs.score("(8)") == (0.5, 1.0)  # "8)" is a smile
    assert fs.lower_tokens("Annex D") == ["annexd"]  # "x D" is glued as an emoticon, then is not one
    assert fs.assessments("XD") == []  # all-letter emoticons are never scored
    assert fs.assessments("good people everywhere!") == [(["good", "!"], 0.875, 0.6000000000000001, None)]
    assert fs.lower_tokens("wait.....") == ["wait", "..."]  # extra dots vanish


def test_empty_and_batch_api():
    assert fs.score("") == (0.0, 0.0)
    assert fs.assessments("") == []
    assert fs.score_many([]) == []
    texts = ["good", "bad", "", "not good :)"]
    assert fs.score_many(texts) == [fs.score(t) for t in texts]
    assert fs.score_many(tuple(texts)) == fs.score_many(texts)
    with pytest.raises(TypeError):
        fs.score(b"good")
    with pytest.raises(TypeError):
        fs.score_many(["good", None])


def test_tables_and_lexicon_match_the_installed_textblob():
    assert fs._PUNCTUATION == pattern_text.PUNCTUATION
    assert fs._ABBREVIATIONS == pattern_text.ABBREVIATIONS
    assert set(pattern_text.replacements) == fs._CONTRACTIONS
    moods = {(mood, polarity): set(group.split()) for mood, polarity, group in fs._MOODS}
    assert list(moods.items()) == [(key, set(value)) for key, value in pattern_text.EMOTICONS.items()]
    words, adverbs, labels = fs._load_lexicon(fs.lexicon_path())
    pattern_sentiment.load() if dict.__len__(pattern_sentiment) == 0 else None
    expected = dict(dict.items(pattern_sentiment))
    assert set(words) == set(expected)
    assert {w: words[w] for w in words} == {w: tuple(tags[None]) for w, tags in expected.items()}
    assert adverbs == {w for w, tags in expected.items() if "RB" in tags}
    assert labels == pattern_sentiment.labeler


def test_importing_loads_neither_textblob_nor_nltk():
    code = (
        "import sys, speechlens.fastsentiment as f\n"
        "f.score('good')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textblob', 'nltk'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- (b) the seed speech ---------------------------------------------------------------------------


def test_seed_speech_paragraphs_lines_and_whole_equal_textblob():
    text = SEED_TEXT.read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]  # blank-line blocks
    lines = text.splitlines()  # the seed holds one paragraph per line
    assert len(paragraphs) >= 2 and len(lines) > 10
    assert_no_mismatches([text, *paragraphs, *lines])


# --- (c) the 153 real UN speeches ------------------------------------------------------------------

WHOLE_SPEECHES = 30  # also compared as one text each (line breaks, blank lines, "\r")


@pytest.mark.corpus
@pytest.mark.skipif(not SPEECHES, reason=f"real speeches not found in {CORPUS}")
def test_every_line_of_the_dev_corpus_equals_textblob():
    texts = [path.read_bytes().decode("utf-8", errors="replace") for path in SPEECHES]
    lines = [line for text in texts for line in text.split("\n")]
    assert len(lines) > 10_000
    assert_no_mismatches(lines)
    assert_no_mismatches(texts[:WHOLE_SPEECHES], with_assessments=False)


# --- (d) random strings ----------------------------------------------------------------------------


def _random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    words, adverbs, _ = fs._load_lexicon(fs.lexicon_path())
    lexicon, modifiers = sorted(words), sorted(adverbs)
    emoticons = [e for _, _, group in fs._MOODS for e in group.split()]
    specials = (
        "not no never n't don't isn't NOT Never ! !! (!) ( ! ) ... .... . , ; : ? ( ) [ ] ' \" - -- \u2014 "
        "e.g. i.e. U.S. Mr. Mrs. etc. a. A. vs. w/ 8 (8) 8) (1978) 3 10:30 Annex D x o O X xD XD "
        "END-OF-SENTENCE \u201c \u201d \u2018 \u2019 don\u2019t \u039f\u0394\u039f\u03a3 caf\u00e9 "
        "well-off f*cking 13th "
        "a I is of to the very really extremely most too so quite"
    ).split()
    separators = [" "] * 12 + ["", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0"]
    chars = "ab oOxXD8:;-_.()!'\"?=<>3^*/\\[]{}\u00b0\u2665\n"

    def token() -> str:
        roll = rng.random()
        if roll < 0.35:
            w = rng.choice(lexicon)
        elif roll < 0.45:
            w = rng.choice(modifiers)
        elif roll < 0.75:
            w = rng.choice(specials)
        elif roll < 0.85:
            w = rng.choice(emoticons)
            if rng.random() < 0.4:  # spaced out: ": - )"
                w = " ".join(w)
        else:
            w = "".join(rng.choice(chars) for _ in range(rng.randint(1, 4)))
        roll = rng.random()
        if roll < 0.08:
            w = w.upper()
        elif roll < 0.15:
            w = w.capitalize()
        if rng.random() < 0.1:
            w = rng.choice("\"'([\u201c-") + w
        if rng.random() < 0.15:
            w += rng.choice([".", ",", "!", "?", ")", "...", ".)", ").", "'", "\u201d", ":"])
        return w

    texts = []
    for i in range(count):
        if i % 4 == 0:  # character soup
            texts.append("".join(rng.choice(chars) for _ in range(rng.randint(0, 20))))
        else:
            n = rng.choice([1, 2, 3, 5, 8, 13, 30])
            texts.append("".join(token() + rng.choice(separators) for _ in range(n)))
    return texts


def test_random_strings_equal_textblob():
    assert_no_mismatches(_random_texts(seed=20250923, count=4000))


def test_random_prose_equals_textblob():
    """Mostly lexicon words, modifiers, negations and punctuation: the fast (cached chunk) path."""
    rng = random.Random(7)
    words, adverbs, _ = fs._load_lexicon(fs.lexicon_path())
    pool = sorted(words)[::3] + sorted(adverbs) + ["not", "no", "never", "a", "the", "of", "is", "and", "people"] * 20
    punct = ["", "", "", "", ",", ".", "!", ";", ":", ")", "'s"]
    texts = [
        " ".join(rng.choice(pool) + rng.choice(punct) for _ in range(rng.randint(1, 40))) for _ in range(3000)
    ]
    assert_no_mismatches(texts)


# ----------------------------------------------------------------------------- a paragraph and its sentences in one pass


def separately(text: str, sentences: list[str]):
    return fs.score(text), fs.assessments(text), [fs.score(sentence) for sentence in sentences]


def cut_at_spaces(text: str, rng: random.Random) -> list[str]:
    words = text.split(" ")
    cuts = sorted(rng.sample(range(1, len(words)), min(len(words) - 1, rng.randint(0, 4)))) if len(words) > 1 else []
    return [" ".join(words[start:end]) for start, end in zip([0, *cuts], [*cuts, len(words)])]


@pytest.mark.parametrize("text", list(TRICKY.values()), ids=list(TRICKY))
def test_a_paragraph_and_its_sentences_score_as_they_do_one_by_one(text):
    rng = random.Random(len(text))
    for _ in range(5):
        sentences = cut_at_spaces(text, rng)
        assert identical(fs.score_with_sentences(text, sentences), separately(text, sentences))


def test_state_carried_across_sentences_is_handled():
    cases = [
        ("It is very. Good work.", ["It is very.", "Good work."]),  # a modifier pending at the end
        ("We said no. Good.", ["We said no.", "Good."]),  # a negation pending
        ("A good idea. ! Indeed.", ["A good idea.", "! Indeed."]),  # "!" before the second's first word
        ("Really not good.", ["Really not good."]),
        ("good bad", ["GOOD", "BAD"]),  # not the text's words: scored one by one
        ("good :) bad", ["good :)", "bad"]),  # an emoticon: pattern's slow path
        ("good\n\nbad", ["good", "bad"]),  # a blank line: another sentence for pattern
        ("good", []),
    ]
    for text, sentences in cases:
        assert identical(fs.score_with_sentences(text, sentences), separately(text, sentences)), text


def test_random_prose_cut_into_sentences_scores_as_one_by_one():
    rng = random.Random(17)
    words = ["good", "not", "very", "really", "bad", "!", "no", "never", "the", "well", ".", "great!", ":)",
             "don't", "'", '"', "most", "terribly", "happy.", "very.", "not.", "!good", "?", ",", "Good", "NOT"]
    for _ in range(20_000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 14)))
        sentences = cut_at_spaces(text, rng)
        assert identical(fs.score_with_sentences(text, sentences), separately(text, sentences)), (text, sentences)
