"""Cutting normalised text into readable paragraphs, whatever its layout.

Real speeches arrive as one paragraph per line, blank-line-separated blocks,
numbered paragraphs, text hard-wrapped at ~60 characters with no blank lines
(plus page numbers, UN document codes and words hyphenated across lines), or
a whole speech on one line. :func:`split_paragraphs` handles all of them:

1. Page furniture is dropped: lines that are only a page number, a UN
   document code ("A/PV.2357", "A/48/PV.5") or a print-job footer
   ("3 10-56315"), with the blank lines around them (a page break is not a
   paragraph break: a sentence cut by it is rejoined).
2. The layout is measured: when at least 40% of lines stop without
   sentence-final punctuation the text is *hard-wrapped*, and its wrap width
   is the 90th percentile of line lengths.
3. Consecutive lines are joined unless a new paragraph clearly starts (see
   :func:`_starts_paragraph`). In wrapped text a line that ends a sentence
   ends the paragraph only when the next line's first word would have fitted
   on it (the line was cut short on purpose). Measured on the 153 UNGDC dev
   speeches, mid-paragraph sentence ends fill their line to >= 96% of the
   wrap width, so the test uses 95%.
4. A word hyphenated across a line break is rejoined (see
   :func:`_rejoin_hyphenated`).
5. Paragraphs over ``LONG_PARAGRAPH_WORDS`` words are cut where numbered
   paragraphs run together ("... 4. Let me ... 5. In the ..."), else at sentence
   boundaries into balanced chunks of about ``TARGET_PARAGRAPH_WORDS`` words
   (a run-on sentence too long to be a paragraph by itself is cut after a
   ";", ":" or ",").
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NamedTuple

from speechlens.text import count_words, lower_tokens, split_sentences

__all__ = ["split_paragraphs", "LONG_PARAGRAPH_WORDS", "TARGET_PARAGRAPH_WORDS"]

LONG_PARAGRAPH_WORDS = 300  # longer paragraphs are cut into chunks ...
TARGET_PARAGRAPH_WORDS = 150  # ... of about this many words (3-6 sentences)
MIN_TAIL_WORDS = 50  # a cut paragraph never ends on a scrap shorter than this
WRAPPED_UNTERMINATED_SHARE = 0.4  # share of unpunctuated line ends meaning "hard-wrapped"
WRAP_FIT_SHARE = 0.95  # see module docstring, step 3
RUN_ON_LINE_CHARS = 100  # in one-paragraph-per-line text, an unpunctuated line this long runs on

# "12", "- 12 -", "Page 1|6", "2 of 6"
_PAGE_NUMBER = r"(?:[Pp]age\s+)?[-–—]?\s*\d{1,4}(?:\s*(?:\||/|of)\s*\d{1,4})?\s*[-–—]?"
_DOC_CODE = r"[A-Z]{1,3}(?:/[A-Z0-9][A-Za-z0-9.()-]*)+"
_JOB_NUMBER = r"\d{2}-\d{5}(?:\s*\([A-Z]\))?"
# Running page header of the Official Records: "Forty-eighth session - 11 October 1993 21".
_RUNNING_HEADER = r"[A-Z][a-z]+(?:-[a-z]+)? session\s*[-–—]\s*\d{1,2} [A-Z][a-z]+ [\dl]\d{3}"
_FURNITURE = re.compile(
    rf"(?:{_PAGE_NUMBER}\s+)?(?:{_DOC_CODE}|{_JOB_NUMBER}|{_RUNNING_HEADER})(?:\s+{_PAGE_NUMBER})?"
    rf"|{_PAGE_NUMBER}"
)
# Line-end tests look at characters, not regexes: lines can be 2,000 characters long.
_CLOSERS = "\"'”’»)]*"  # "*": Markdown emphasis, "**Thank you.**"
_SENTENCE_FINAL = ".?!:…"
_RUN_ON_MARKS = ",;([–—/&-"  # a line ending like this continues
_FUNCTION_WORDS = frozenset(
    """the a an of to and or in on for with by from at as that which our their its
    his her my is are was were be will would shall has have""".split()
)
# A salutation on its own line belongs to the paragraph it opens.
_SALUTATION = re.compile(
    r"[-*•\s]*(?:Mr|Mrs|Ms|Madam|Madame|Mister|Monsieur|Your Excellenc\w*|Excellenc\w*|Ladies|"
    r"Distinguished|Dear|Honou?rable|Esteemed|All protocols?)\b"
)
_SENTENCE_INSIDE = re.compile(r"\b[a-z]+[.?!] [A-Z]")  # "challenges. The", not "Mr. President"
_WORD_BEFORE_HYPHEN = re.compile(r"[^\W_]+$")
_FIRST_WORD = re.compile(r"[^\W_]+")
_NUMBERED = re.compile(r"(\d{1,3})\.\s|\(\w{1,3}\)\s")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_ALNUM = re.compile(r"[^\W_]")
_HYPHEN_AT_LINE_END = re.compile(r"-\n[ \n]*[^\W_]+")  # and the rest of the word, on the next line
_CLAUSE_BREAKS = (re.compile(r"(?<=[;:]) "), re.compile(r"(?<=,) "), re.compile(r" "))


# Left halves that make a real compound, so "non-\ngovernmental" keeps its hyphen.
_HYPHEN_PREFIXES = frozenset(
    """all anti best counter cross ex far full half high ill life long low
    mid much multi non north post pre quasi self semi short south well
    twenty thirty forty fifty sixty seventy eighty ninety""".split()
)


class _Line(NamedTuple):  # a tuple: quick to make, and there is one per line of text
    text: str  # stripped
    indented: bool
    after_blank: bool  # a blank line (not page furniture) precedes it


# _Line((text, indented, after_blank)), without the Python-level __new__ of a NamedTuple.
_new_line = functools.partial(tuple.__new__, _Line)


@dataclass(frozen=True)
class _Layout:
    wrapped: bool
    width: int
    indents_mark_paragraphs: bool


def split_paragraphs(text: str) -> list[str]:
    """Split normalised ``text`` into readable paragraphs, in reading order.

    Never returns empty paragraphs, page numbers, document codes or pieces
    cut mid-word; paragraphs longer than ``LONG_PARAGRAPH_WORDS`` words are
    cut at sentence boundaries.
    """
    return split_paragraphs_and_sentences(text)[0]


# A paragraph's sentences and the lower_tokens() of each.
SentencesAndTokens = tuple[list[str], list[list[str]]]


def split_paragraphs_and_sentences(text: str) -> tuple[list[str], dict[str, SentencesAndTokens]]:
    """:func:`split_paragraphs`, and the sentences (``split_sentences``) and their
    tokens (``lower_tokens``) of the paragraphs whose words it had to count, by
    paragraph text, so that the parser need not split and tokenise them again."""
    lines = _content_lines(text)
    if not lines:
        return [], {}
    layout = _measure_layout(lines)
    vocabulary = _Vocabulary(text)
    paragraphs: list[str] = []
    known: dict[str, SentencesAndTokens] = {}
    for block in _group_lines(lines, layout):
        paragraph = _join_block(block, vocabulary)
        if _HAS_LETTER.search(paragraph):
            paragraphs.extend(_cut_long_paragraph(paragraph, known))
    return paragraphs, known


# --- step 1: lines ---------------------------------------------------------


def _content_lines(text: str) -> list[_Line]:
    """Non-blank, non-furniture lines, each knowing whether a blank line precedes it."""
    lines: list[_Line] = []
    blank = False
    after_furniture = False
    for raw in text.replace("\r", "\n").replace("\f", "\n").split("\n"):
        stripped = raw.strip()
        if not (stripped[:1].isalnum() or _HAS_ALNUM.search(stripped)):  # isalnum() is [^\W_], faster
            blank = blank or not after_furniture  # "* * *" and "---" separate like a blank line
            continue
        # Furniture starts with a digit, a capital, "p" (page) or a dash: most lines of a
        # hard-wrapped text start in lower case and need no regex.
        if (not stripped[0].islower() or stripped[0] == "p") and _FURNITURE.fullmatch(stripped):
            blank = False  # blank lines before a page number belong to the page break
            after_furniture = True
            continue
        lines.append(_new_line((stripped, raw[:1].isspace(), blank)))
        blank = after_furniture = False
    return lines


# --- step 2: layout ----------------------------------------------------------


def _measure_layout(lines: list[_Line]) -> _Layout:
    lengths = sorted(len(line.text) for line in lines)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    unterminated = sum(1 for line in lines if not _ends_sentence(line.text))
    wrapped = len(lines) >= 6 and unterminated >= WRAPPED_UNTERMINATED_SHARE * len(lines)
    indented = sum(1 for line in lines[1:] if line.indented)
    # Indents mean something only when a minority of lines have them.
    indents_mark = 0 < indented <= 0.5 * (len(lines) - 1)
    return _Layout(wrapped, width, indents_mark)


# --- step 3: grouping lines into paragraphs ---------------------------------


def _group_lines(lines: list[_Line], layout: _Layout) -> Iterable[list[str]]:
    block = [lines[0].text]
    for previous, line in zip(lines, lines[1:]):
        if _starts_paragraph(previous, line, layout):
            yield block
            block = []
        block.append(line.text)
    yield block


def _starts_paragraph(previous: _Line, line: _Line, layout: _Layout) -> bool:
    """Whether ``line`` opens a new paragraph rather than continuing ``previous``."""
    prev = previous.text
    carries_on = prev.rstrip("*")[-1:] in _RUN_ON_MARKS  # "Mr. President," too
    if carries_on or _ends_with_word_hyphen(prev) or line.text[0].islower():
        return False
    indent_break = layout.indents_mark_paragraphs and line.indented
    if not _ends_sentence(prev):
        if layout.wrapped:
            return indent_break
        # One paragraph per line: a short unpunctuated line is a heading or a
        # title, unless it is visibly unfinished.
        return not _looks_unfinished(prev)
    if not layout.wrapped or line.after_blank or indent_break or _NUMBERED.match(line.text):
        return True
    next_word = _FIRST_WORD.match(line.text)
    next_len = len(next_word.group()) if next_word else 1
    return len(prev) + 1 + next_len < WRAP_FIT_SHARE * layout.width


def _ends_sentence(line: str) -> bool:
    last = line.rstrip(_CLOSERS)[-1:]
    return bool(last) and last in _SENTENCE_FINAL


def _ends_with_word_hyphen(line: str) -> bool:
    """ "co-" at the end of a line, not a dash " -"."""
    return line.endswith("-") and len(line) > 1 and line[-2].isalnum()


def _looks_unfinished(line: str) -> bool:
    """An unpunctuated line that cannot be a heading: long, a salutation, ending
    on "the", or with an unclosed quote/bracket or a sentence end inside it."""
    return (
        len(line) >= RUN_ON_LINE_CHARS
        or bool(_SALUTATION.match(line))
        or line.rsplit(" ", 1)[-1] in _FUNCTION_WORDS
        or bool(_SENTENCE_INSIDE.search(line))
        or line.count("(") > line.count(")")
        or line.count("“") > line.count("”")
    )


# --- step 4: joining lines and rejoining hyphenated words --------------------


class _Vocabulary:
    """Lower-case words of the text, ignoring words split across lines (built lazily)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: frozenset[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = frozenset(lower_tokens(_without_split_words(self._text)))
        return word.lower() in self._words


def _without_split_words(text: str) -> str:
    r"""``text`` with every word hyphenated across a line break ("co-\noperation") replaced
    by a space: ``re.sub(r"[^\W_]+-\n[ \n]*[^\W_]+", " ", text)``, but searched from each
    "-\n" (rare) rather than from every letter."""
    parts, done = [], 0  # the text before `done` is handled
    for match in _HYPHEN_AT_LINE_END.finditer(text):
        start = hyphen = match.start()
        while start > done and text[start - 1].isalnum():  # isalnum() is [^\W_]
            start -= 1
        if start < hyphen:  # a word part before the hyphen: the whole word goes
            parts += (text[done:start], " ")
            done = match.end()
    parts.append(text[done:])
    return "".join(parts)


@functools.cache
def _english_words() -> frozenset[str]:
    """English word forms from the lexicon shipped with TextBlob (Brill's tagger
    lexicon, ~94k forms), read without importing TextBlob; empty if it is absent."""
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    lexicon = Path(next(iter(spec.submodule_search_locations))) / "en" / "en-lexicon.txt"
    try:
        lines = lexicon.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    # Case kept: "Ment" (a name) must not make "ment" a word.
    return frozenset(line.split(" ", 1)[0] for line in lines if not line.startswith(";"))


def _is_word(part: str, vocabulary: _Vocabulary) -> bool:
    return len(part) > 1 and (part in vocabulary or part.lower() in _english_words())


def _join_block(block: list[str], vocabulary: _Vocabulary) -> str:
    parts = [block[0]]
    for line in block[1:]:
        last = parts[-1]
        if _ends_with_word_hyphen(last):
            left = _WORD_BEFORE_HYPHEN.search(last, max(0, len(last) - 60), len(last) - 1)
            joint = _rejoin_hyphenated(left.group() if left else "", line, vocabulary)
            parts[-1] = last[:-1] + joint
            parts.append(line)
        else:
            parts.extend((" ", line))
    return "".join(parts)


def _rejoin_hyphenated(left: str, line: str, vocabulary: _Vocabulary) -> str:
    """Return "-" to keep the hyphen between ``left`` and ``line``, "" to close it.

    In order: keep it when the next part is capitalised or a number
    ("Secretary-\\nGeneral", "post-\\n2015"); keep it when the hyphenated form
    occurs elsewhere in the text; close it when the closed form does
    ("co-\\noperation" + "cooperation" elsewhere); keep it after a compound
    prefix ("non-", "self-", "twenty-") or when both halves are words (in the
    text or in TextBlob's English lexicon: "decision-\\nmaking"); otherwise the
    word was only split to fit the line ("settle-\\nment" -> "settlement").
    """
    match = _FIRST_WORD.match(line)
    right = match.group() if match else ""
    if not left or not right or not right[0].islower() or not left[-1].isalpha():
        return "-"
    if f"{left}-{right}" in vocabulary:
        return "-"
    if f"{left}{right}" in vocabulary:
        return ""
    if left.lower() in _HYPHEN_PREFIXES:
        return "-"
    if _is_word(left, vocabulary) and _is_word(right, vocabulary):
        return "-"
    return ""


# --- step 5: cutting absurdly long paragraphs --------------------------------


def _cut_long_paragraph(paragraph: str, known: dict[str, SentencesAndTokens]) -> list[str]:
    """The paragraph, or its pieces; ``known`` gets the sentences and tokens of
    a paragraph that was counted and kept whole."""
    if len(paragraph) < 2 * LONG_PARAGRAPH_WORDS:
        return [paragraph]  # too short to hold that many words: skip counting
    # Its words, counted sentence by sentence (tokens never span sentences),
    # since the parser needs the sentences and their tokens anyway.
    sentences = split_sentences(paragraph)
    tokens = [lower_tokens(sentence) for sentence in sentences]
    if sum(map(len, tokens)) <= LONG_PARAGRAPH_WORDS:
        known[paragraph] = (sentences, tokens)
        return [paragraph]
    words = dict(zip(sentences, map(len, tokens)))
    paragraphs = []
    for group in _split_at_inline_numbers(sentences):
        if sum(words[s] for s in group) <= LONG_PARAGRAPH_WORDS:
            paragraphs.append(" ".join(group))
        else:
            units = _reading_units(group)
            paragraphs.extend(_balanced_groups(units, [count_words(unit) for unit in units]))
    return paragraphs


def _split_at_inline_numbers(sentences: list[str]) -> list[list[str]]:
    """Cut where numbered paragraphs run together on one line ("... Assembly.
    4. Let my first words ... 5. In the discharge ..."): at sentences opening
    with the next number in sequence, when there are at least two of them."""
    groups: list[list[str]] = [[]]
    last_number = None
    markers = 0
    for sentence in sentences:
        number = _NUMBERED.match(sentence)
        value = int(number.group(1)) if number and number.group(1) else None
        if value is not None and (last_number is None or value == last_number + 1):
            markers += 1
            last_number = value
            if groups[-1]:
                groups.append([])
        groups[-1].append(sentence)
    return groups if markers >= 2 else [sentences]


def _reading_units(pieces: list[str], level: int = 0) -> list[str]:
    """Sentences; one too long to be a paragraph by itself is cut at clause
    boundaries: after ";" or ":", then after ",", and as a last resort between
    any two words."""
    units: list[str] = []
    for piece in pieces:
        if level == len(_CLAUSE_BREAKS) or count_words(piece) <= LONG_PARAGRAPH_WORDS:
            units.append(piece)
        else:
            units.extend(_reading_units(_CLAUSE_BREAKS[level].split(piece), level + 1))
    return units


def _balanced_groups(units: list[str], sizes: list[int]) -> list[str]:
    """Join consecutive units into paragraphs of about equal size near the target."""
    total = sum(sizes)
    share = total / math.ceil(total / TARGET_PARAGRAPH_WORDS)
    groups: list[str] = []
    current: list[str] = []
    done = 0  # words in finished groups and `current`
    for unit, size in zip(units, sizes):
        # Cut before this unit when its middle would pass the next ideal cut,
        # unless what is left would make a scrap of a paragraph.
        passes_cut = done + size / 2 > share * (len(groups) + 1)
        if current and passes_cut and total - done >= MIN_TAIL_WORDS:
            groups.append(" ".join(current))
            current = []
        current.append(unit)
        done += size
    groups.append(" ".join(current))
    return groups
