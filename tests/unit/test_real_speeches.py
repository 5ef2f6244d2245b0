"""The 153 real UN General Debate speeches of ../shared/corpora/ungdc-dev.

They are read in place (never copied into the repository) from the ``shared``
folder beside the repository, or from ``$SPEECHLENS_SHARED``; the tests skip
cleanly when the folder is absent.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from functools import cache
from pathlib import Path

import pytest

from speechlens.model import DocumentMeta
from speechlens.paragraphs import split_paragraphs
from speechlens.parsing import parse_document
from speechlens.reading import read_text
from speechlens.text import count_words, normalize_text

SHARED = Path(os.environ.get("SPEECHLENS_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))
CORPUS = SHARED / "corpora" / "ungdc-dev"
FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
MAX_PARAGRAPH_WORDS = 400
MAX_WORD_LOSS = 0.02  # page numbers, document codes and closed hyphens only

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not FILES, reason=f"real speeches not found in {CORPUS}"),
]
# Nothing but digits, punctuation or a document code: page furniture.
FURNITURE_ONLY = re.compile(r"[\W\d_]*|[A-Z]{1,3}(?:/[\w.()-]+)+")
ENDS_LIKE_A_SENTENCE = re.compile(r"[.?!:…)][\"'”’»)\]]*$")


@cache
def paragraphs_of(name: str) -> tuple[str, ...]:
    return tuple(split_paragraphs(normalize_text(read_text(CORPUS / name))))


@cache
def metadata() -> dict[str, dict[str, str]]:
    with open(CORPUS / "metadata.csv", encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def names() -> list[str]:
    return [path.name for path in FILES]


def test_all_153_speeches_and_their_metadata_are_there():
    assert len(FILES) == 153
    assert set(metadata()) == set(names())


@pytest.mark.parametrize("name", names())
def test_decoding_handles_the_byte_order_mark_and_line_endings(name):
    row = metadata()[name]
    raw = (CORPUS / name).read_bytes()
    text = read_text(CORPUS / name)
    assert raw.startswith(codecs.BOM_UTF8) == (row["has_bom"] == "1")
    assert not text.startswith("\ufeff")
    line_ending = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}[row["line_endings"]]
    assert line_ending in text
    normalised = normalize_text(text)
    assert "\r" not in normalised and "\ufeff" not in normalised
    # Every line survives (a CR-only file is not one long line).
    nonblank = sum(1 for line in normalised.split("\n") if line.strip())
    assert abs(nonblank - int(row["nonblank_lines"])) <= 1


@pytest.mark.parametrize("name", names())
def test_paragraphs_are_clean(name):
    paragraphs = paragraphs_of(name)
    assert paragraphs
    for i, paragraph in enumerate(paragraphs):
        words = count_words(paragraph)
        assert not FURNITURE_ONLY.fullmatch(paragraph), f"furniture: {paragraph!r}"
        # A paragraph opening in lower case continues a cut word or sentence.
        assert i == 0 or not paragraph[0].islower(), f"cut fragment: {paragraph[:80]!r}"
        assert not re.search(r"\w-$", paragraph), f"ends mid-word: {paragraph[-80:]!r}"
        assert words <= MAX_PARAGRAPH_WORDS, f"{words} words: {paragraph[:80]!r}"
        assert words >= 4 or ENDS_LIKE_A_SENTENCE.search(paragraph), f"fragment: {paragraph!r}"
        assert paragraph == paragraph.strip() and "\n" not in paragraph


@pytest.mark.parametrize("name", names())
def test_words_are_preserved(name):
    raw_words = count_words(normalize_text(read_text(CORPUS / name)))
    kept = sum(count_words(p) for p in paragraphs_of(name))
    assert kept <= raw_words
    assert kept >= (1 - MAX_WORD_LOSS) * raw_words, f"{raw_words} -> {kept}"


def test_hard_wrapped_speeches_are_rejoined_into_real_paragraphs():
    # 1992-2014 speeches are hard-wrapped at ~60 characters: ~9 words a line.
    wrapped = [n for n in names() if 1992 <= int(metadata()[n]["year"]) <= 2014]
    assert len(wrapped) >= 40
    for name in wrapped:
        sizes = sorted(count_words(p) for p in paragraphs_of(name))
        median = sizes[len(sizes) // 2]
        assert 30 <= median <= 200, f"{name}: median paragraph of {median} words"


def test_no_print_footer_or_running_header_survives_inside_a_paragraph():
    # Document codes may stay: speakers cite records "(see A/58/PV.11)".
    leftovers = re.compile(r"\b\d{2}-\d{5}\b|\b[A-Z][a-z]+-[a-z]+ session - \d")
    found = [(n, m.group()) for n in names() for p in paragraphs_of(n) for m in leftovers.finditer(p)]
    assert found == []


@pytest.mark.parametrize("name", names())
def test_the_speech_on_a_single_line_still_gives_readable_paragraphs(name):
    one_line = " ".join(read_text(CORPUS / name).split())
    paragraphs = split_paragraphs(one_line)
    sizes = [count_words(p) for p in paragraphs]
    assert max(sizes) <= MAX_PARAGRAPH_WORDS
    assert len(paragraphs) >= count_words(one_line) // 300
    assert " ".join(paragraphs) == one_line


def test_parsing_the_whole_dev_corpus_keeps_every_paragraph():
    for name in names()[::10]:
        meta = DocumentMeta(doc_id=name, title=name)
        document = parse_document(read_text(CORPUS / name), meta)
        assert [p.text for p in document.paragraphs] == list(paragraphs_of(name))
        assert all(p.sentences for p in document.paragraphs)
