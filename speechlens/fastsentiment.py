"""TextBlob's default sentiment, reimplemented to be exact and much faster.

``TextBlob(text).sentiment`` (the ``PatternAnalyzer``) runs pattern's
``Sentiment.__call__``: ``find_tokens`` splits the text into sentences of
space-separated tokens, every token is lower-cased, and a small state machine
over the tokens collects *assessments* (a known word, optionally with a
preceding modifier such as "very" and/or negation such as "not", boosted by
"!"; emoticons; the sarcasm mark "(!)").  Polarity and subjectivity are the
plain averages of the assessments.

This module does the same thing with the same data (TextBlob's own
``en/en-sentiment.xml``, read from the installed package once, never
downloaded) and the same floating-point operations in the same order, so
``score(text) == tuple(TextBlob(text).sentiment)`` exactly (bit for bit, not
approximately) for every ``str``.  It is fast because:

* each whitespace-separated chunk of text is split into tokens once and
  cached (``"(resolution,"`` -> ``"( resolution ,"``);
* the sentence splitter and the emoticon/sarcasm rewrites, which only matter
  when an emoticon-like or "( ! )" sequence is present (or a blank line), run
  only then: one regex search over the paragraph decides (``_suspect_regex``)
  and the rare paragraphs it flags take the faithful token-by-token path;
* each distinct lower-cased token is classified once (lexicon word, negation,
  "!", emoticon, short word, or "other"), and each distinct chunk maps to the
  combined effect of its tokens, so the state machine mostly does one dict
  lookup and one comparison per chunk.

The rules reproduced (written against TextBlob 0.20.1; tests/unit/
test_fastsentiment.py checks them against whichever TextBlob is installed):

Tokenising (``find_tokens``)
  1. "n't" -> " n't" (case-sensitive).  The other contraction rules ("'s",
     "'ll", ...) only add a space before an apostrophe, which step 2 does
     anyway.
  2. The quotes ``“ ” ‘ ’ ' "`` become separate tokens.  So every ASCII
     apostrophe is a token of its own: "don't" -> "do n ' t", and the
     negation "n't" in the negation list can never occur.
  3. "\\r\\n" -> "\\n"; two or more "\\n" end a sentence (an END-OF-SENTENCE
     marker token, dropped again later - as is the literal text
     "END-OF-SENTENCE").
  4. Each whitespace-separated chunk loses leading punctuation characters
     one by one (``,;:!?()[]{}`'"@#$^&*+-|=~_``; not "." - so ".5" stays),
     then trailing ones: a trailing punctuation character, then "..." (which
     also swallows any further dots: "wait....." -> "wait", "..."), then a
     final "." unless the rest is an abbreviation ("etc.", "e.g.", "U.S.",
     "A.", "Mr.", "Mrs.", "Dr." ...), in which case trailing splitting stops.
  5. Sentences end after ".", "!", "?", "..." or a paragraph break, together
     with any directly following ".", "!", "?", "...", ")", "”", "’".
  6. Per sentence, "( ! )" with optional spaces -> "(!)", and any emoticon
     spelled with optional single spaces between its characters and followed
     by a space or the end of the sentence is glued together - anywhere, even
     across tokens: "(see 8)" -> "( see 8)" (a smile), "Annex D" -> "AnnexD",
     "note: 3" -> "note :3".
  7. Tokens are lower-cased; the Greek final sigma is handled by str.lower().

Scoring (``Sentiment.assessments``), per lower-cased token w
  * A lexicon word (averaged over its senses and parts of speech; adverbs
    "-ly" are added for every adjective, e.g. "terribly" from "terrible",
    "happily" from "happy", overriding what the XML says about them) starts
    an assessment [w] - or, if the previous word was a modifier (a word that
    has an adverb "RB" reading, e.g. "very", "really", "most"), extends that
    previous assessment: p, s = clamp(p*i, s*i) with the modifier's
    intensity i.  A pending negation is put in front, the intensity becomes
    1/i and the assessment is marked negated.
  * "no", "not", "never" (not in the lexicon) set a pending negation; it
    survives tokens that are at most one character long once apostrophes are
    stripped ("not a good" is negated, "not very good" is negated, "not the
    good" is not).  A pending modifier survives unknown tokens of at most two
    characters ("very, good").  A negation directly after a modifier ending
    in "-ly" ("really not") is appended to the modifier's assessment instead.
  * "!" multiplies the polarity of the latest assessment (however far back)
    by 1.25 (clamped to 1).
  * Unknown tokens that are emoticons (after lower-casing, so ":P" counts but
    "XD"/"xD" - all letters - never do) add an assessment (p, 1.0) labelled
    "mood"; the token "(!)" adds (0.0, 1.0) labelled "irony".
  * Finally, a negated assessment's polarity is multiplied by -0.5, and
    polarity/subjectivity are the averages, summed left to right.

Only ``str`` input is supported (TextBlob raises ``TypeError`` for bytes in
the constructor, and so does this module).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.etree import ElementTree

__all__ = ["assessments", "lexicon_path", "lower_tokens", "score", "score_many", "score_with_sentences"]

Assessment = tuple[list[str], float, float, "str | None"]

# --- Data: the lexicon file of the installed TextBlob ---------------------------------------------


def lexicon_path() -> Path:
    """``textblob/en/en-sentiment.xml`` of the installed TextBlob, found without importing it."""
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("textblob is not installed; its en-sentiment.xml lexicon is needed")
    for location in spec.submodule_search_locations:
        path = Path(location) / "en" / "en-sentiment.xml"
        if path.is_file():
            return path
    raise FileNotFoundError("en/en-sentiment.xml not found in the installed textblob package")


def _mean(values: tuple[float, ...]) -> float:
    # Same expression as pattern's avg(): builtin sum (whatever its summation
    # algorithm in this Python version), then one division.
    return sum(values) / float(len(values) or 1)


def _load_lexicon(path: Path) -> tuple[dict[str, tuple[float, float, float]], set[str], dict[str, str]]:
    """(word -> (polarity, subjectivity, intensity) for an untagged word, adverb words, labels)."""
    senses: dict[str, dict[str | None, list[tuple[float, float, float]]]] = {}
    labels: dict[str, str] = {}
    for node in ElementTree.parse(path).getroot().findall("word"):
        attrib = node.attrib
        form = attrib.get("form")
        if not form:
            continue
        psi = (
            float(attrib.get("polarity", 0.0)),
            float(attrib.get("subjectivity", 0.0)),
            float(attrib.get("intensity", 1.0)),
        )
        senses.setdefault(form, {}).setdefault(attrib.get("pos"), []).append(psi)
        label = attrib.get("label")
        if label:
            labels[form] = label
    # Per word: mean over the senses of each part of speech, then the untagged
    # reading (key None) = mean over those per-tag means.
    by_tag: dict[str, dict[str | None, tuple[float, ...]]] = {}
    for form, tags in senses.items():
        means = {tag: tuple(_mean(column) for column in zip(*rows)) for tag, rows in tags.items()}
        means[None] = tuple(_mean(column) for column in zip(*means.values()))
        by_tag[form] = means
    # English adverbs from adjectives (terrible -> terribly, happy -> happily), in
    # file order; a later adjective overrides an earlier one with the same adverb.
    for form, tags in list(by_tag.items()):
        if "JJ" in tags:
            stem = form[:-1] + "i" if form.endswith("y") else form
            if stem.endswith("le"):
                stem = stem[:-2]
            adverb = by_tag.setdefault(stem + "ly", {})
            adverb["RB"] = adverb[None] = tags["JJ"]
    untagged = {form: (tags[None][0], tags[None][1], tags[None][2]) for form, tags in by_tag.items()}
    adverbs = {form for form, tags in by_tag.items() if "RB" in tags}
    return untagged, adverbs, labels


# --- Tokeniser tables (pattern.en's find_tokens) ---------------------------------------------------

_EOS = "END-OF-SENTENCE"
# Pattern's punctuation string (used verbatim for one substring test below) and
# the characters split from the start/end of a chunk (all but ".").
_PUNCTUATION = ".,;:!?()[]{}`''\"@#$^&*+-|=~_"
_SPLIT_CHARS = frozenset(_PUNCTUATION) - {"."}
_TRAILING_CHARS = frozenset(_PUNCTUATION)
# Contraction keys: a chunk equal to one of them is never split (cannot happen
# once apostrophes are spaced out, kept for fidelity).
_CONTRACTIONS = frozenset(("'d", "'m", "'s", "'ll", "'re", "'ve", "n't"))
_ABBREVIATIONS = frozenset(
    "a. adj. adv. al. a.m. c. cf. comp. conf. def. ed. e.g. esp. etc. ex. f. fig. gen. id. i.e. int. "
    "l. m. Med. Mil. Mr. n. n.q. orig. pl. pred. pres. p.m. ref. v. vs. w/".split()
)
_ABBR_LETTER = re.compile(r"[A-Za-z]\.\Z")  # "T."
_ABBR_LETTERS = re.compile(r"(?:[A-Za-z]\.)+\Z")  # "U.S."
# A capital, then lower-case consonants (or "|", an artefact of the original
# character class), then any one character: "Mr.", "Mrs.", "Dr.".
_ABBR_CONSONANTS = re.compile(r"[A-Z][bcdfghjklmnpqrstvwxz|]+.\Z")

_QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019", "'", '"')
_LINEBREAK = re.compile(r"\n{2,}")
# A run of these tokens closes a sentence; it starts with one of _SENTENCE_ENDS.
_SENTENCE_ENDS = frozenset(("...", ".", "!", "?", _EOS))
_SENTENCE_RUN = frozenset(("...", ".", "!", "?", ")", "\u201d", "\u2019", _EOS))

# Emoticons by mood, in pattern's order: (mood, polarity, emoticons).
_MOODS = (
    ("love", +1.00, "<3 \u2665"),
    ("grin", +1.00, ">:D :-D :D =-D =D X-D x-D XD xD 8-D"),
    ("taunt", +0.75, ">:P :-P :P :-p :p :-b :b :c) :o) :^)"),
    ("smile", +0.50, ">:) :-) :) =) =] :] :} :> :3 8) 8-)"),
    ("wink", +0.25, ">;] ;-) ;) ;-] ;] ;D ;^) *-) *)"),
    ("gasp", +0.05, ">:o :-O :O :o :-o o_O o.O \u00b0O\u00b0 \u00b0o\u00b0"),
    ("worry", -0.25, ">:/ :-/ :/ :\\ >:\\ :-. :-s :s :S :-S >.>"),
    ("frown", -0.75, ">:[ :-( :( =( :-[ :[ :{ :-< :c :-c =/"),
    ("cry", -1.00, ":'( :'''( ;'("),
)
_MOOD, _IRONY = "mood", "irony"


def _emoticon_regex() -> re.Pattern[str]:
    """Any emoticon, with an optional space between its characters, then a space or the end.

    pattern tries the emoticons of one mood in set order (which varies with the
    hash seed), mood by mood.  At one position only an emoticon and a longer one
    starting with it can both match (":c" / ":c)", ":o" / ":o)"); the longer one
    always comes first in pattern's mood order, so trying longer ones first is
    the same regex.
    """
    emoticons = sorted({e for _, _, group in _MOODS for e in group.split()}, key=lambda e: (-len(e), e))
    body = "|".join(" ?".join(re.escape(ch) for ch in e) for e in emoticons)
    return re.compile(f"({body})($|\\s)")


_RE_EMOTICON = _emoticon_regex()
_RE_SARCASM = re.compile(r"\( ?! ?\)")


def _emoticon_polarities() -> dict[str, float]:
    """Lower-cased token -> polarity, for tokens pattern scores as emoticons."""
    table: dict[str, float] = {}
    for _, polarity, group in _MOODS:
        for e in group.split():
            e = e.lower()
            # pattern only looks at non-alphabetic tokens of <= 5 characters that
            # are not a substring of its punctuation string; the first mood wins.
            if not e.isalpha() and len(e) <= 5 and e not in _PUNCTUATION:
                table.setdefault(e, polarity)
    return table


_EMOTICON_POLARITY = _emoticon_polarities()


def _is_abbreviation(t: str) -> bool:
    return (
        t in _ABBREVIATIONS
        or _ABBR_LETTER.match(t) is not None
        or _ABBR_LETTERS.match(t) is not None
        or _ABBR_CONSONANTS.match(t) is not None
    )


def _split_chunk(chunk: str) -> str:
    """One whitespace-free chunk -> its tokens joined by single spaces (never empty).

    Works on indexes into ``chunk`` (the kept part is ``chunk[start:end]``), so
    long runs of punctuation cost linear time.
    """
    size = len(chunk)
    start = 0
    while start < size and chunk[start] in _SPLIT_CHARS and (size - start > 3 or chunk[start:] not in _CONTRACTIONS):
        start += 1
    tokens = list(chunk[:start])
    end = size
    tail: list[str] = []
    while (
        end > start
        and chunk[end - 1] in _TRAILING_CHARS
        and (end - start > 3 or chunk[start:end] not in _CONTRACTIONS)
    ):
        if chunk[end - 1] in _SPLIT_CHARS:
            tail.append(chunk[end - 1])
            end -= 1
        if chunk.endswith("...", start, end):
            tail.append("...")
            end -= 3
            while end > start and chunk[end - 1] == ".":  # further dots are dropped
                end -= 1
        if end > start and chunk[end - 1] == ".":
            if _is_abbreviation(chunk[start:end]):
                break
            tail.append(".")
            end -= 1
    if end > start:
        tokens.append(chunk[start:end])
    tokens.extend(reversed(tail))
    return " ".join(tokens)


def _suspect_regex() -> re.Pattern[str]:
    """A cheap over-approximation, on the text, of "an emoticon or sarcasm rewrite can fire".

    Tokenising only inserts single spaces inside a chunk (between the pieces it
    splits off) and joins chunks with one space, so an emoticon that pattern's
    regex finds in the token string is, in the text, the same characters with
    optional whitespace between them.  It must be followed in the token string by
    a space or the end, i.e. in the text by whitespace, the end, or a piece split
    off the chunk (a punctuation character or "."), unless its own last character
    is a punctuation character (split off itself, so followed by anything).  The
    dots "...." loses are never part of a match: they sit before a "..." token,
    and no emoticon holds "..", nor can one end before a "." of "...".
    "( ! )" likewise.  Compiled as a trie whose top-level alternatives all start
    with a literal, so the regex engine skips other start characters quickly.
    """
    trie: dict = {}
    for _, _, group in _MOODS:
        for emoticon in group.split():
            node = trie
            for ch in emoticon:
                node = node.setdefault(ch, {})
            node[""] = {}
    ends_token = "(?![^\\s." + re.escape("".join(sorted(_SPLIT_CHARS))) + "])"

    def branches(node: dict) -> list[str]:
        out = []
        for ch, child in sorted(node.items()):
            if ch == "":
                continue
            options = []
            more = branches(child)
            if more:
                options.append(r"\s*" + (more[0] if len(more) == 1 else "(?:" + "|".join(more) + ")"))
            if "" in child:
                options.append("" if ch in _SPLIT_CHARS else ends_token)
            rest = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
            out.append(re.escape(ch) + rest)
        return out

    return re.compile("|".join([*branches(trie), r"\(\s*!\s*\)"]))


_RE_SUSPECT = _suspect_regex()


def _glue_emoticon(match: re.Match[str]) -> str:
    return match.group(1).replace(" ", "") + match.group(2)


def _rewrite_sentences(joined: str) -> str:
    """pattern's sentence split, then per sentence the sarcasm and emoticon rewrites."""
    tokens = joined.split()
    sentences: list[str] = []
    current: list[str] = []
    k, count = 0, len(tokens)
    while k < count:
        token = tokens[k]
        if token not in _SENTENCE_ENDS:
            current.append(token)
            k += 1
            continue
        # A run of closing tokens; an ASCII quote stops it (pattern checks that
        # quotes are balanced in a list that is always empty at that point).
        while k < count and tokens[k] in _SENTENCE_RUN:
            if tokens[k] != _EOS:
                current.append(tokens[k])
            k += 1
        if current:
            sentences.append(" ".join(current))
        current = []
        if k < count:  # the token that stopped the run opens the next sentence
            current.append(tokens[k])
            k += 1
    if current:
        sentences.append(" ".join(current))
    return " ".join(_RE_EMOTICON.sub(_glue_emoticon, _RE_SARCASM.sub("(!)", s)) for s in sentences)


def _normalise(text: str) -> str:
    """Steps 1-2 of find_tokens: split "n't" and the quotes off."""
    if "n't" in text:
        text = text.replace("n't", " n't")
    for quote in _QUOTES:
        if quote in text:
            text = text.replace(quote, f" {quote} ")
    return text


def _slow_tokens(text: str) -> list[str]:
    """The lower-cased tokens, the long way round (sentences, emoticons, END-OF-SENTENCE).

    ``text`` is normalised already, with "\\r\\n" -> "\\n".
    """
    if "\n\n" in text:
        text = _LINEBREAK.sub(f" {_EOS} ", text)
    joined = " ".join(map(_split_chunk, text.split()))
    if (
        _EOS in joined
        or _RE_EMOTICON.search(joined) is not None
        or ("!" in joined and _RE_SARCASM.search(joined) is not None)
    ):
        # Without END-OF-SENTENCE tokens the sentences are consecutive pieces of
        # ``joined``, and a match inside a piece is one in the whole (a piece's
        # end is followed by a space there); so no match here means none at all.
        joined = _rewrite_sentences(joined)
    return joined.lower().split()


def lower_tokens(text: str) -> list[str]:
    """The lower-cased tokens pattern's Sentiment assesses for ``text`` (for tests and debugging)."""
    return _slow_tokens(_normalise(text).replace("\r\n", "\n"))


# --- Assessments -----------------------------------------------------------------------------------

# Token kinds.  Unknown tokens without a rule of their own are one of three ints:
_OTHER = 0  # resets a pending negation and modifier (length > 2, "'"-stripped length > 1)
_SMALL = 1  # keeps both ("a", ",", "."; at most 1 character once apostrophes are stripped)
_SHORT = 2  # keeps the modifier only ("of", "is": 2 characters)
# Lexicon words: ("k", word, polarity, subjectivity, intensity, is_adverb, negation or None, label)
# Other special unknown tokens (negations, "!", "(!)", emoticons):
#   ("u", word, is_negation, keeps_negation, keeps_modifier, is_bang, is_sarcasm, emoticon polarity or None)
_NEGATIONS = frozenset(("no", "not", "n't", "never"))
_CACHE_LIMIT = 1_000_000  # distinct tokens / chunks remembered


class _Kinds(dict):
    """lower-cased token -> kind, computed on first sight."""

    def __init__(self, words: dict, adverbs: set[str], labels: dict[str, str]) -> None:
        super().__init__()
        self.words, self.adverbs, self.labels = words, adverbs, labels

    def __missing__(self, w: str):
        entry = self.words.get(w)
        if entry is not None:
            p, s, i = entry
            negation = w if w in _NEGATIONS else None
            kind = ("k", w, p, s, i, w in self.adverbs, negation, self.labels.get(w))
        else:
            negation = w in _NEGATIONS
            keeps_negation = len(w.strip("'")) <= 1
            keeps_modifier = len(w) <= 2
            emoticon = None
            if w.isalpha() is False and len(w) <= 5 and w not in _PUNCTUATION:
                emoticon = _EMOTICON_POLARITY.get(w)
            if negation or w == "!" or w == "(!)" or emoticon is not None or (keeps_negation and not keeps_modifier):
                kind = ("u", w, negation, keeps_negation, keeps_modifier, w == "!", w == "(!)", emoticon)
            elif keeps_modifier:
                kind = _SMALL if keeps_negation else _SHORT
            else:
                kind = _OTHER
        if len(self) < _CACHE_LIMIT:
            self[w] = kind
        return kind


class _Groups(dict):
    """Whitespace-separated chunk -> the kinds of its tokens, as one *group*, computed on first sight.

    A group is a tuple of token kinds, or - when the chunk holds no lexicon word
    and no special token - the single int with the same effect: _OTHER if any
    token resets everything, else _SHORT if any resets the negation, else
    _SMALL (no effect).  Collapsing _SMALL to "no effect" is exact because a
    pending negation and a pending "-ly" modifier never meet at a token that is
    not a negation: a negation after such a modifier is attached on the spot,
    and a modifier is only set by a lexicon word, which clears the negation.
    That needs the lexicon to hold no negation word (checked; otherwise chunks
    are never collapsed).
    """

    def __init__(self, kinds: _Kinds) -> None:
        super().__init__()
        self.kinds = kinds
        self.collapse = not any(w in kinds.words for w in _NEGATIONS)

    def __missing__(self, chunk: str):
        kinds = self.kinds
        if chunk[0] in _SPLIT_CHARS or chunk[-1] in _TRAILING_CHARS:
            group = tuple([kinds[w] for w in _split_chunk(chunk).lower().split()])
        else:  # nothing to split off: one token
            group = (kinds[chunk.lower()],)
        if self.collapse and all(kind.__class__ is int for kind in group):
            group = _OTHER if _OTHER in group else _SHORT if _SHORT in group else _SMALL
        if len(self) < _CACHE_LIMIT:
            self[chunk] = group
        return group


class _Model:
    __slots__ = ("groups", "kinds")

    def __init__(self) -> None:
        self.kinds = _Kinds(*_load_lexicon(lexicon_path()))
        self.groups = _Groups(self.kinds)


_model: _Model | None = None


def _get_model() -> _Model:
    global _model
    if _model is None:
        _model = _Model()
    return _model


def _token_groups(text: str, model: _Model) -> Iterable:
    """The groups of ``text``: per chunk from the cache, or per token on the slow path."""
    text = _normalise(text)
    if "\n" in text:
        text = text.replace("\r\n", "\n")
        if "\n\n" in text:
            return _slow_groups(text, model)
    if _EOS in text or _RE_SUSPECT.search(text) is not None:
        return _slow_groups(text, model)
    return map(model.groups.__getitem__, text.split())


def _slow_groups(text: str, model: _Model) -> list:
    """One group per token (a bare int where the chunk cache would collapse it too)."""
    kinds, collapse = model.kinds, model.groups.collapse
    return [
        kind if collapse and kind.__class__ is int else (kind,) for kind in map(kinds.__getitem__, _slow_tokens(text))
    ]


def _assess(groups: Iterable) -> list[list]:
    """pattern's assessment state machine.  Entries: [words, polarity, subjectivity, intensity, negated, label]."""
    return _assess_with_state(groups)[0]


def _assess_with_state(groups: Iterable) -> tuple[list[list], bool, bool]:
    """:func:`_assess`, and what decides whether the text can be scored as part of a longer
    one that starts with it: (entries, a modifier or negation still pending at the end,
    a "!" met before the first entry)."""
    a: list[list] = []
    early_bang = False
    m = None  # pending modifier (a lexicon adverb) or None
    m_ly = False  # ... whether it ends in "-ly"
    n = None  # pending negation or None
    # A group or kind that is an int is one of the three constants themselves, so "is"
    # tells them apart (a tuple compared with "==" to an int is slow).
    for group in groups:
        if group is _OTHER:
            n = m = None
            continue
        if group is _SHORT:
            n = None
            continue
        if group is _SMALL:
            continue
        for kind in group:
            if kind is _OTHER:
                n = m = None
            elif kind is _SMALL:  # keeps both
                if n is not None and m is not None and m_ly:
                    a[-1][0].append(n)
                    a[-1][4] = True
                    n = None
            elif kind is _SHORT:
                n = None
            elif kind[0] == "k":
                _, w, p, s, i, is_adverb, negation, label = kind
                if m is None:
                    last = [[w], p, s, i, False, label]
                    a.append(last)
                else:  # "very good": scale by the modifier's intensity
                    last = a[-1]
                    last[0].append(w)
                    last[1] = max(-1.0, min(p * last[3], +1.0))
                    last[2] = max(-1.0, min(s * last[3], +1.0))
                    last[3] = i
                    last[5] = label
                if n is not None:  # "not good"
                    last[0].insert(0, n)
                    last[3] = 1.0 / last[3]
                    last[4] = True
                if is_adverb:
                    m, m_ly = w, w.endswith("ly")
                else:
                    m = None
                n = negation
            else:
                _, w, negation, keeps_negation, keeps_modifier, bang, sarcasm, emoticon = kind
                if negation:
                    n = w
                elif n and not keeps_negation:
                    n = None
                if n is not None and m is not None and m_ly:  # "really not good"
                    a[-1][0].append(n)
                    a[-1][4] = True
                    n = None
                elif m and not keeps_modifier:
                    m = None
                if bang:
                    if a:
                        last = a[-1]
                        last[0].append("!")
                        last[1] = max(-1.0, min(last[1] * 1.25, +1.0))
                    else:
                        early_bang = True
                if sarcasm:
                    a.append([[w], 0.0, 1.0, 1.0, False, _IRONY])
                if emoticon is not None:
                    a.append([[w], emoticon, 1.0, 1.0, False, _MOOD])
    return a, m is not None or n is not None, early_bang


def _averages(a: list[list]) -> tuple[float, float]:
    # pattern: total += 1 * score, left to right from int 0, then / float(count or 1).
    polarity = subjectivity = 0
    for entry in a:
        polarity += entry[1] * -0.5 if entry[4] else entry[1]
        subjectivity += entry[2]
    count = float(len(a) or 1)
    return polarity / count, subjectivity / count


# --- Public API ------------------------------------------------------------------------------------


def _check(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")


def score(text: str) -> tuple[float, float]:
    """(polarity, subjectivity), exactly ``tuple(TextBlob(text).sentiment)``."""
    _check(text)
    return _averages(_assess(_token_groups(text, _get_model())))


def assessments(text: str) -> list[Assessment]:
    """Exactly ``TextBlob(text).sentiment_assessments.assessments``: (words, polarity, subjectivity, label)."""
    return score_and_assessments(text)[1]


def score_and_assessments(text: str) -> tuple[tuple[float, float], list[Assessment]]:
    """``score`` and ``assessments`` from a single pass over the text."""
    _check(text)
    entries = _assess(_token_groups(text, _get_model()))
    return _averages(entries), _public(entries)


def _public(entries: list[list]) -> list[Assessment]:
    """Assessments as TextBlob gives them: (words, polarity, subjectivity, label)."""
    return [(entry[0], entry[1] * -0.5 if entry[4] else entry[1], entry[2], entry[5]) for entry in entries]


def score_with_sentences(
    text: str, sentences: Sequence[str]
) -> tuple[tuple[float, float], list[Assessment], list[tuple[float, float]]]:
    """``score_and_assessments(text)`` and the ``score`` of each of ``sentences``, bit for bit.

    When the sentences are the text's words in order (as the parser's are),
    the state machine runs once over each sentence and the text's assessments
    are theirs end to end. That is exact unless a sentence ends with a
    modifier or negation pending or opens with "!" before its first
    assessment (then the text is assessed again as a whole); texts that take
    pattern's slow path (emoticons, blank lines) are scored one by one.
    """
    _check(text)
    model = _get_model()
    normalised = _normalise(text)
    # Without "n't" or quotes in the text there are none in its sentences either (when they
    # are its words; if not, _words_in_order says so).
    parts = sentences if normalised is text else [_normalise(sentence) for sentence in sentences]
    if (
        ("\n" in normalised and "\n\n" in normalised.replace("\r\n", "\n"))
        or _EOS in normalised
        or _RE_SUSPECT.search(normalised) is not None
        or not _words_in_order(parts, normalised)
    ):
        return (*score_and_assessments(text), [score(sentence) for sentence in sentences])
    groups = model.groups.__getitem__
    entries: list[list] = []
    scores = []
    pending = joined = False
    for part in parts:
        own, pending_after, early_bang = _assess_with_state(map(groups, part.split()))
        joined = joined or pending or (early_bang and bool(entries))
        scores.append(_averages(own))
        entries.extend(own)
        pending = pending_after
    if joined:  # the sentences' states carry over: assess the text as a whole
        entries = _assess(map(groups, normalised.split()))
    return _averages(entries), _public(entries), scores


def _words_in_order(parts: Sequence[str], whole: str) -> bool:
    """Whether the normalised sentences ``parts`` hold the normalised text ``whole``'s chunks in
    order, and none takes pattern's slow path by itself (a blank line)."""
    if " ".join(parts) == whole:  # the usual case; a blank line in a part is one in the whole
        return True
    return [chunk for part in parts for chunk in part.split()] == whole.split() and not any(
        "\n\n" in part.replace("\r\n", "\n") for part in parts
    )


def score_many(texts: Sequence[str]) -> list[tuple[float, float]]:
    """``score`` of every text, in order (one process; the batch path)."""
    model = _get_model()
    token_groups, assess, averages = _token_groups, _assess, _averages
    results = []
    append = results.append
    for text in texts:
        if text.__class__ is not str:
            _check(text)
        append(averages(assess(token_groups(text, model))))
    return results
