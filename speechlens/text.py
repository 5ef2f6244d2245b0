"""Plain-text steps: normalising raw text, splitting sentences, tokenising words.

Every function here is a pure ``str -> str`` or ``str -> list`` step with
precompiled regular expressions, because the corpus pipeline runs them over
tens of millions of words. No NLTK: sentence splitting and tokenising are
rule-based and documented below.
"""

from __future__ import annotations

import hashlib
import re

__all__ = [
    "normalize_text",
    "normalize_again",
    "text_sha256",
    "normalised_text_sha256",
    "split_sentences",
    "tokenize",
    "lower_tokens",
    "count_words",
]

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

# (old, new) pairs; str.replace per pair is much faster than str.translate.
_CHAR_FIXES = (
    ("\ufeff", ""),  # byte-order marks, wherever they ended up
    ("\u200b", ""),  # zero-width space
    ("\f", "\n"),  # form feed (page break)
    ("\v", "\n"),
    ("\x85", "\n"),  # NEL
    ("\u2028", "\n"),  # line separator
    ("\u2029", "\n\n"),  # paragraph separator
    ("\t", " "),
    ("\u00a0", " "),  # no-break space
    ("\u2007", " "),  # figure space
    ("\u202f", " "),  # narrow no-break space
)
# "word ," / "word ." -> "word," / "word." (a lone mark followed by a break,
# so an ellipsis " ..." and a decimal " .5" are left alone).
# ("  *" is " +" with a literal first character, which the regex engine finds fast.)
_SPACE_BEFORE_MARK = re.compile(r"  *(?=[,;:.!?](?:[ \n\"”’)\]]|$))(?<=[^\W_] )")
_REPEATED_MARK = re.compile(r"([,;:])\1+")
_SPACE_THEN_MARK = re.compile(r" [,;:.!?]")  # what _SPACE_BEFORE_MARK needs
# Something at least one of the substitutions below needs.
_NEEDS_WORK = re.compile(r"  | \n| $|,,|;;|::|\.\.|,\.| [,;:.!?]")
_DOUBLE_FULL_STOP = re.compile(r"\.\.(?<!\.\.\.)(?!\.)")  # exactly two; a literal first, so it scans fast
_COMMA_FULL_STOP = re.compile(r",\.(?!\.)")


def normalize_text(raw: str) -> str:
    """Return ``raw`` with uniform line breaks, spaces and punctuation.

    Strips byte-order marks, turns CRLF/CR/form feeds into LF, NBSP and tabs
    into spaces, collapses runs of spaces (a leading indent is kept as one
    space, since it can mark a new paragraph), drops trailing spaces and fixes
    stray punctuation (",," -> ",", "word ." -> "word.", ".." -> ".").
    Newlines are kept, so paragraph structure survives.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
    for old, new in _CHAR_FIXES:
        if old in text:
            text = text.replace(old, new)
    # An already normalised text (parse_document's input, a stored text) needs
    # none of the substitutions: one scan tells, and each runs only when needed.
    if _NEEDS_WORK.search(text) is not None:
        while "  " in text:  # runs of spaces (str.replace is much faster than a regex here)
            text = text.replace("  ", " ")
        if " \n" in text:  # trailing spaces: single ones by now
            text = text.replace(" \n", "\n")
        if text.endswith(" "):
            text = text[:-1]
        if ",," in text or ";;" in text or "::" in text:
            text = _REPEATED_MARK.sub(r"\1", text)
        if ".." in text:
            text = _DOUBLE_FULL_STOP.sub(".", text)
        if ",." in text:
            text = _COMMA_FULL_STOP.sub(".", text)
        if _SPACE_THEN_MARK.search(text) is not None:
            text = _SPACE_BEFORE_MARK.sub("", text)
    return text.strip("\n")


def text_sha256(text: str) -> str:
    """The sha256 (hex) of a text once normalised: equal texts are duplicates."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def normalize_again(normalised: str) -> str:
    """``normalize_text(normalised)`` for a text that :func:`normalize_text` returned
    (runs of blank lines may have been shortened since), without the work when
    that would change nothing.

    A second pass changes a normalised text only where the first pass made
    two full stops meet (",." becomes "." in ".,."), and the second then
    joins them; every other substitution leaves nothing it would act on again.
    So only a run of exactly two full stops calls for it (an ellipsis "..." does not).
    """
    return normalize_text(normalised) if _DOUBLE_FULL_STOP.search(normalised) else normalised


def normalised_text_sha256(normalised: str) -> str:
    """:func:`text_sha256` of a text that :func:`normalize_text` returned (see :func:`normalize_again`)."""
    return hashlib.sha256(normalize_again(normalised).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# Sentence splitting
# --------------------------------------------------------------------------

# Titles and Latin abbreviations that (practically) never end a sentence.
_NEVER_FINAL = frozenset(
    """mr mrs ms messrs mme mmes mlle nr dr st prof gen lt col maj capt cmdr adm sgt
    gov sen rep rev hon amb pres e.g i.e cf viz vs approx""".split()
)
# Abbreviations that do not end a sentence when a number follows ("No. 5").
_BEFORE_NUMBER = frozenset(
    """no nos art arts para paras p pp vol vols ch sect sec fig res op
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# After an initialism ("U.S.") or an initial ("J."), only a word that usually
# opens a sentence makes the full stop a sentence end.
_SENTENCE_OPENERS = frozenset(
    """the this that these those it its we our us i in on at as but and or so yet
    for if there they their he she his her a an to today now what when why how
    let such all many moreover however furthermore finally thus therefore indeed
    nor my your you since while after before although though despite with without
    by from only every each both let's then here one some most never even perhaps
    first second last""".split()
)
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # "u.s", "u.s.s.r" (final dot cut)
_LIST_NUMBER = re.compile(r"\d{1,3}|[IVXLC]{1,4}|[ivxlc]{1,4}|\(?[a-zA-Z0-9]{1,3}\)")
_OPENING_PUNCT = "([{\"'“‘«"
_CANDIDATE_END = re.compile(r"([.?!…]+)([\"'”’»)\]]*) (?=(\S))")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, each stripped of surrounding whitespace.

    ``" ".join(split_sentences(t))`` equals ``t`` with its whitespace runs
    collapsed to single spaces. A sentence ends at ``.``, ``?``, ``!`` or an
    ellipsis (plus any closing quotes/brackets) followed by a space, unless
    the next word starts in lower case, or the full stop belongs to a title
    ("Mr.", "Dr.", "Gen."), a Latin abbreviation ("e.g.", "i.e."), an
    abbreviation before a number ("No. 5", "Art. 3", "Jan. 5"), an initial or
    initialism ("J. F. Kennedy", "the U.S. Government") or a leading list
    number ("2. The ..."). Decimals ("3.5") never split: no space follows.
    """
    flat = text if _is_flat(text) else " ".join(text.split())  # str.split and \s agree on whitespace
    if not flat:
        return []
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE_END.finditer(flat):
        if _ends_sentence(flat, match, start):
            sentences.append(flat[start : match.end(2)])
            start = match.end()
    sentences.append(flat[start:])
    return sentences


def _is_flat(text: str) -> bool:
    """Whether ``" ".join(text.split())`` is ``text`` itself (checked without splitting it).

    Every whitespace character but the space is unprintable, so a printable text
    holds no whitespace but single spaces between its words.
    """
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def _ends_sentence(flat: str, match: re.Match[str], sentence_start: int) -> bool:
    marks, next_char = match.group(1), match.group(3)
    if next_char.islower() or next_char in ".…":
        return False  # "e.g. the", "etc. and", "“Why?” he asked", ". . ."
    if marks != ".":
        return True  # ?, !, ellipsis, or a run of them
    word_start = flat.rfind(" ", 0, match.start(1)) + 1
    raw_word = flat[word_start : match.start(1)]
    word = raw_word.lstrip(_OPENING_PUNCT)
    if not word.strip(".…"):
        return not _opens_with_ellipsis(flat[sentence_start:word_start], raw_word)
    bare = word.lower()
    if bare in _NEVER_FINAL:
        return False
    if next_char.isdigit() and bare in _BEFORE_NUMBER:
        return False
    if len(word) > 5 and "." not in word:
        return True  # too long for a list number, no initialism: the usual case, decided at once
    if _LIST_NUMBER.fullmatch(word):
        before = flat[sentence_start:word_start].strip(_OPENING_PUNCT + " ")
        if not before or before.endswith(":"):
            return False  # "2. The Council ..." opens a numbered paragraph or a list
    if _INITIALISM.fullmatch(word) or (len(word) == 1 and word.isupper()):
        return _next_word(flat, match.end()).lower() in _SENTENCE_OPENERS
    return True


def _opens_with_ellipsis(before: str, raw_word: str) -> bool:
    """A spaced ellipsis ". . ." that opens a sentence or a quotation (“. . . we")."""
    head = before.rstrip(" .…")
    return bool(raw_word) or not head or head[-1] in _OPENING_PUNCT + ":"


def _next_word(flat: str, start: int) -> str:
    end = flat.find(" ", start)
    word = flat[start:] if end < 0 else flat[start:end]
    return word.lstrip(_OPENING_PUNCT).rstrip(",;:.!?\"'”’)")


# --------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------

# A token is a run of letters/digits, optionally joined by internal hyphens or
# apostrophes ("cross-border", "Interpol's" and "don't" are ONE token each),
# or by a decimal point/thousands comma between digits ("3.5", "1,000").
# Initialisms keep their dots ("U.S.", "e.g."). Punctuation is never a token.
# Curly apostrophes and Unicode hyphens count as ' and - (see tokenize()).
#
# Written as "a letter or digit, then the rest of an initialism or of a word", which
# matches exactly what "(?:[^\W\d_]\.){2,}|[^\W_]+(?:…)*" would: a pattern that opens
# with a character class lets the regex engine skip the text between tokens in C.
_TOKEN = re.compile(
    r"[^\W_](?:(?<=[^\W\d_])\.(?:[^\W\d_]\.)+"
    r"|[^\W_]*(?:(?:['’\-‐‑]|(?<=\d)[.,](?=\d))[^\W_]+)*)"
)
_TOKEN_CHAR_FIXES = (("’", "'"), ("‐", "-"), ("‑", "-"))
# _TOKEN for lower-case ASCII text, where its classes are plain ranges (faster to test).
_ASCII_LOWER_TOKEN = re.compile(
    r"[a-z0-9](?:(?<=[a-z])\.(?:[a-z]\.)+|[a-z0-9]*(?:(?:['\-]|(?<=[0-9])[.,](?=[0-9]))[a-z0-9]+)*)"
)


def tokenize(text: str) -> list[str]:
    """Return the word tokens of ``text`` in order, case preserved.

    Internal hyphens and apostrophes stay inside a token; curly apostrophes
    and Unicode hyphens are returned as ``'`` and ``-``.
    """
    for old, new in _TOKEN_CHAR_FIXES:
        if old in text:
            text = text.replace(old, new)
    return _TOKEN.findall(text)


def lower_tokens(text: str) -> list[str]:
    """``[token.lower() for token in tokenize(text)]``, the form the term index and
    the repeat finder use, from text lower-cased once before tokenising when that
    gives the same: lower-casing maps each character to one character of the same
    kind (letter, digit, other), except "İ" (two characters) and "Σ" (which
    depends on the letters around it)."""
    for old, new in _TOKEN_CHAR_FIXES:
        if old in text:
            text = text.replace(old, new)
    if text.isascii():
        return _ASCII_LOWER_TOKEN.findall(text.lower())
    if "\u0130" not in text and "\u03a3" not in text:
        return _TOKEN.findall(text.lower())
    return [token.lower() for token in _TOKEN.findall(text)]


def count_words(text: str) -> int:
    """Number of word tokens in ``text`` (``len(tokenize(text))``, faster)."""
    return len(_TOKEN.findall(text))
