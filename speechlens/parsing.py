"""From raw text and metadata to a parsed :class:`~speechlens.model.Document`.

:func:`parse_document` normalises the text, cuts it into paragraphs, finds
headings and embedded social-media posts, splits sentences, gives each a
voice, and flags sentences and paragraphs that repeat earlier ones.
:func:`parse` gives the same in columns (:class:`ParsedDocument`), as the
corpus ingest uses it. :func:`load_document` parses a text file with its
metadata TOML.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from speechlens.duplicates import repeats_of_codes
from speechlens.model import SOURCE_TYPES, Document, DocumentMeta, Kind, Paragraph, Sentence, Voice, is_iso_date
from speechlens.paragraphs import split_paragraphs_and_sentences
from speechlens.reading import read_text
from speechlens.text import count_words, lower_tokens, normalize_again, normalize_text, split_sentences
from speechlens.voice import classify_voice, speaker_names

__all__ = [
    "MetadataError",
    "ParsedDocument",
    "parse",
    "parse_document",
    "load_document",
    "read_meta",
    "meta_from_mapping",
]

HEADING_MAX_WORDS = 15
HEADING_MAX_CHARS = 120

# "— INTERPOL (@INTERPOL_HQ) November 24, 2025": the signature of an embedded post.
_POST_ATTRIBUTION = re.compile(r"(?<!\S)[—–-]{1,2}\s*[^\n()]{1,80}\(@\w{1,30}\)[^\n]{0,40}$")
_ENDS_LIKE_PROSE = re.compile(r"[.?!:;,…][\"'”’)\]]*$")
# Speaker's own voice wins ties: direct > reported > narration.
_VOICE_RANK: dict[Voice, int] = {"direct": 0, "reported": 1, "narration": 2}

_REQUIRED_FIELDS = ("doc_id", "title", "speaker", "source_type")
_STRING_FIELDS = tuple(f.name for f in fields(DocumentMeta) if f.name != "speaker_aliases")


class MetadataError(ValueError):
    """The metadata file is missing, is not valid TOML, or has a missing or bad field."""


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def parse_document(text: str, meta: DocumentMeta) -> Document:
    """Parse raw ``text`` of the document described by ``meta``.

    Paragraph positions are 1-based over all paragraphs (headings and posts
    included). A heading's ``section`` is its own text; paragraphs before the
    first heading have section "". An embedded post keeps its text and its
    attribution line as one paragraph, joined by a newline. Sentence
    ``repeat_of`` is ``(paragraph position, sentence index)`` with a 0-based
    sentence index, pointing at the first occurrence.
    """
    return parse(text, meta).document()


@dataclass(frozen=True, eq=False)
class ParsedDocument:
    """A parsed document in columns, as :func:`parse` makes it: the values of its
    paragraphs and sentences, and each sentence's lower-cased tokens.

    :meth:`document` builds the :class:`Document` that :func:`parse_document`
    returns; the corpus ingest annotates the columns without building it.
    Paragraph ``i`` (position ``i + 1``) holds sentences
    ``sentence_starts[i]`` to ``sentence_starts[i + 1] - 1``.
    """

    meta: DocumentMeta
    text: str  # normalised
    paragraphs: list[str]
    sections: list[str]
    kinds: list[Kind]
    voices: list[Voice]
    words: list[int]
    duplicate_of: list[int | None]
    sentence_starts: list[int]  # one more than there are paragraphs
    sentences: list[str]
    sentence_voices: list[Voice]
    repeat_of: list[tuple[int, int] | None]
    tokens: list[list[str]]  # lower_tokens() of each sentence
    codes: np.ndarray  # every token of every sentence, in order, as a number: its index in ...
    vocabulary: np.ndarray  # ... the distinct tokens, in order of first appearance
    text_is_normalised: bool = False  # text is what normalize_text returned

    def document(self) -> Document:
        doc_id, starts = self.meta.doc_id, self.sentence_starts
        paragraphs = []
        for i, text in enumerate(self.paragraphs):
            sentences = tuple(
                Sentence(self.sentences[k], self.sentence_voices[k], self.repeat_of[k])
                for k in range(starts[i], starts[i + 1])
            )
            paragraphs.append(Paragraph(
                doc_id=doc_id, position=i + 1, section=self.sections[i], kind=self.kinds[i],
                voice=self.voices[i], text=text, sentences=sentences, words=self.words[i],
                duplicate_of=self.duplicate_of[i],
            ))  # fmt: skip
        return Document(meta=self.meta, paragraphs=tuple(paragraphs), text=self.text)

    @classmethod
    def of(cls, document: Document) -> ParsedDocument:
        """The columns of a :class:`Document` (its sentences are tokenised again).

        ValueError when its paragraphs are not numbered 1, 2, 3 … or belong to another doc_id.
        """
        paragraphs = document.paragraphs
        for index, paragraph in enumerate(paragraphs, start=1):
            if paragraph.position != index or paragraph.doc_id != document.meta.doc_id:
                raise ValueError(
                    f"{document.meta.doc_id}: paragraph {index} must have position {index} and doc_id "
                    f"{document.meta.doc_id!r} (it has {paragraph.position} and {paragraph.doc_id!r})"
                )
        sentences = [sentence for paragraph in paragraphs for sentence in paragraph.sentences]
        tokens = [lower_tokens(s.text) for s in sentences]
        codes, vocabulary = _encode(tokens)
        return cls(
            meta=document.meta,
            text=document.text,
            paragraphs=[p.text for p in paragraphs],
            sections=[p.section for p in paragraphs],
            kinds=[p.kind for p in paragraphs],
            voices=[p.voice for p in paragraphs],
            words=[p.words for p in paragraphs],
            duplicate_of=[p.duplicate_of for p in paragraphs],
            sentence_starts=list(itertools.accumulate((len(p.sentences) for p in paragraphs), initial=0)),
            sentences=[s.text for s in sentences],
            sentence_voices=[s.voice for s in sentences],
            repeat_of=[s.repeat_of for s in sentences],
            tokens=tokens,
            codes=codes,
            vocabulary=vocabulary,
        )


def parse(text: str, meta: DocumentMeta, *, normalised: bool = False) -> ParsedDocument:
    """:func:`parse_document`, in columns (see :class:`ParsedDocument`).

    ``normalised``: ``text`` is what :func:`~speechlens.text.normalize_text` returned
    (as ``formats.extract_text`` returns it), so it is normalised again only when
    that could change it (:func:`~speechlens.text.normalize_again`).
    """
    clean = normalize_again(text) if normalised else normalize_text(text)
    paragraphs, known = split_paragraphs_and_sentences(clean)
    texts = _merge_posts(paragraphs)
    kinds = _classify_kinds(texts)
    per_paragraph: list[list[str]] = []
    tokens: list[list[str]] = []
    for paragraph_text, kind in zip(texts, kinds):
        if kind == "body" and paragraph_text in known:  # split and tokenised already
            paragraph_sentences, paragraph_tokens = known[paragraph_text]
        else:
            paragraph_sentences = _sentences_of(paragraph_text, kind)
            paragraph_tokens = [lower_tokens(sentence) for sentence in paragraph_sentences]
        per_paragraph.append(paragraph_sentences)
        tokens.extend(paragraph_tokens)
    voices_per_paragraph = _voices(per_paragraph, kinds, meta)
    starts = list(itertools.accumulate(map(len, per_paragraph), initial=0))
    sentences = [sentence for paragraph in per_paragraph for sentence in paragraph]
    sentence_voices = [voice for paragraph in voices_per_paragraph for voice in paragraph]
    sizes = list(map(len, tokens))
    words = [sum(sizes[starts[i]:starts[i + 1]]) for i in range(len(texts))]

    # Repeats among sentences, and among paragraphs (a paragraph's tokens are its sentences').
    codes, vocabulary = _encode(tokens)
    both = repeats_of_codes(
        np.concatenate([codes, codes]), np.array(sizes + words, dtype=np.int64), len(vocabulary),
        apart_from=len(sizes),
    )
    apart = len(sizes)
    sentence_repeats = {later: earlier for later, earlier in both.items() if later < apart}
    paragraph_repeats = {later - apart: earlier - apart for later, earlier in both.items() if later >= apart}
    repeat_of: list[tuple[int, int] | None] = [None] * len(sentences)
    for later, earlier in sentence_repeats.items():
        paragraph = bisect.bisect_right(starts, earlier) - 1
        repeat_of[later] = (paragraph + 1, earlier - starts[paragraph])

    sections, paragraph_voices, duplicate_of = [], [], []
    section = ""
    for i, (paragraph_text, kind) in enumerate(zip(texts, kinds)):
        if kind == "heading":
            section = paragraph_text
        sections.append(section)
        span = slice(starts[i], starts[i + 1])
        paragraph_voices.append(_dominant_voice(sentence_voices[span], sizes[span]))
        duplicate_of.append(_duplicate_of(i, repeat_of[span], sizes[span], paragraph_repeats))
    return ParsedDocument(
        meta=meta, text=clean, paragraphs=texts, sections=sections, kinds=kinds,
        voices=paragraph_voices, words=words, duplicate_of=duplicate_of, sentence_starts=starts,
        sentences=sentences, sentence_voices=sentence_voices, repeat_of=repeat_of, tokens=tokens,
        codes=codes, vocabulary=vocabulary, text_is_normalised=True,
    )  # fmt: skip


def _encode(tokens: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Every token, sentence after sentence, as its index in the distinct tokens (in order of
    first appearance), and those."""
    codes, vocabulary = pd.factorize(np.array(list(itertools.chain.from_iterable(tokens)), dtype=object))
    return codes.astype(np.int64, copy=False), vocabulary


def _merge_posts(paragraphs: list[str]) -> list[str]:
    """Join a lone attribution line ("— INTERPOL (@INTERPOL_HQ) ...") to the post above."""
    merged: list[str] = []
    for paragraph in paragraphs:
        if merged and _POST_ATTRIBUTION.fullmatch(paragraph) and not _is_post(merged[-1]):
            merged[-1] = f"{merged[-1]}\n{paragraph}"
        else:
            merged.append(paragraph)
    return merged


def _is_post(paragraph: str) -> bool:
    return _post_parts(paragraph) is not None


def _post_parts(paragraph: str) -> tuple[str, str] | None:
    """(post text, attribution line) of an embedded post, on one line or two."""
    if "(@" not in paragraph:  # what every attribution holds: a quick test before the search
        return None
    attribution = _POST_ATTRIBUTION.search(paragraph)
    if attribution is None or attribution.start() == 0:
        return None
    return paragraph[: attribution.start()].strip(), attribution.group().strip()


def _classify_kinds(paragraphs: list[str]) -> list[Kind]:
    kinds: list[Kind] = ["post" if _is_post(p) else "body" for p in paragraphs]
    # Backwards, so a title directly above a subheading is a heading too.
    followed_by_text = False
    for i in range(len(paragraphs) - 1, -1, -1):
        if kinds[i] == "post":
            followed_by_text = False
            continue
        if _looks_like_heading(paragraphs[i]) and followed_by_text:
            kinds[i] = "heading"
        else:
            followed_by_text = kinds[i] == "body"
    return kinds


def _looks_like_heading(paragraph: str) -> bool:
    """Short, unpunctuated and capitalised ("Cybercrime as a major issue")."""
    return (
        len(paragraph) <= HEADING_MAX_CHARS
        and count_words(paragraph) <= HEADING_MAX_WORDS
        and (paragraph[0].isupper() or paragraph[0].isdigit())
        and not _ENDS_LIKE_PROSE.search(paragraph)
    )


def _sentences_of(paragraph: str, kind: Kind) -> list[str]:
    if kind == "heading":
        return [paragraph]
    parts = _post_parts(paragraph) if kind == "post" else None
    if parts is not None:
        post, attribution = parts
        return [*split_sentences(post), attribution]
    return split_sentences(paragraph)


def _voices(sentences: list[list[str]], kinds: list[Kind], meta: DocumentMeta) -> list[list[Voice]]:
    if meta.source_type == "speech":
        return [["direct"] * len(s) for s in sentences]
    names = speaker_names(meta)
    voices: list[list[Voice]] = []
    for paragraph, kind in zip(sentences, kinds):
        if kind == "body":
            voices.append(_extend_quote([classify_voice(s, names) for s in paragraph]))
        else:  # headings and posts are the reporter's layout, not the speaker's words
            voices.append(["narration"] * len(paragraph))
    return voices


def _extend_quote(voices: list[Voice]) -> list[Voice]:
    """A paragraph that opens with unmarked sentences and then a direct one is one
    quotation attributed at its end ("It is encouraging ... . The launch ..., he
    stated."): the opening sentences are direct too."""
    first_marked = next((i for i, v in enumerate(voices) if v != "narration"), None)
    if first_marked is None or voices[first_marked] != "direct":
        return voices
    return ["direct"] * first_marked + voices[first_marked:]


def _dominant_voice(voices: Sequence[Voice], sizes: Sequence[int]) -> Voice:
    """The voice with most words; ties go to the speaker's own (direct > reported)."""
    if not voices:
        return "narration"
    if voices.count(voices[0]) == len(voices):  # one voice throughout, e.g. a transcript
        return voices[0]
    words: Counter[Voice] = Counter()
    for voice, size in zip(voices, sizes):
        words[voice] += size
    return min(words, key=lambda voice: (-words[voice], _VOICE_RANK[voice]))


def _duplicate_of(
    index: int,
    repeat_of: Sequence[tuple[int, int] | None],
    sizes: Sequence[int],
    paragraph_repeats: dict[int, int],
) -> int | None:
    """Position of the paragraph this one repeats: as a whole, or else the one
    its repeated sentences come from (most repeated words; earliest on a tie)."""
    if index in paragraph_repeats:
        return paragraph_repeats[index] + 1
    if repeat_of.count(None) == len(repeat_of):
        return None
    words: Counter[int] = Counter()
    for place, size in zip(repeat_of, sizes):
        if place is not None:
            words[place[0]] += size
    return min(words, key=lambda position: (-words[position], position))


# --------------------------------------------------------------------------
# Loading from files
# --------------------------------------------------------------------------


def load_document(
    text_path: str | Path | None = None, meta_path: str | Path | None = None
) -> Document:
    """Read and parse a document from its text file and its metadata TOML.

    Give either path or both: the metadata defaults to the text's name with a
    ``.toml`` suffix; the text defaults to the metadata's ``text_file`` (or its
    own name with ``.txt``), next to the metadata file.

    Raises :class:`MetadataError` for a missing or invalid metadata file and
    :class:`~speechlens.reading.UnreadableTextError` for a missing or
    unreadable text; both are ``ValueError`` subclasses naming the file and
    the problem.
    """
    if text_path is None and meta_path is None:
        raise MetadataError("load_document needs a text path or a metadata path")
    meta_path = Path(text_path).with_suffix(".toml") if meta_path is None else Path(meta_path)
    meta, text_file = _read_meta_and_text_file(meta_path)
    if text_path is None:
        text_path = meta_path.parent / (text_file or meta_path.with_suffix(".txt").name)
    text_path = Path(text_path)
    if text_file is not None and text_file != text_path.name:
        raise MetadataError(
            f"{meta_path}: text_file is {text_file!r} "
            f"but the text being loaded is {text_path.name!r}"
        )
    return parse_document(read_text(text_path), meta)


def read_meta(meta_path: str | Path) -> DocumentMeta:
    """Read and validate a metadata TOML file (see :func:`meta_from_mapping`)."""
    return _read_meta_and_text_file(Path(meta_path))[0]


def meta_from_mapping(data: dict[str, Any], source: str = "metadata") -> DocumentMeta:
    """Validate ``data`` (a parsed TOML table) and build a :class:`DocumentMeta`.

    Required: doc_id, title, speaker, source_type ("speech" or "press-report").
    Optional strings: post, country, event, place, language, date (YYYY-MM-DD),
    text_file; optional list of strings: speaker_aliases. Unknown keys are
    rejected so that a typo does not silently drop a field.
    """
    data = dict(data)
    if type(data.get("date")) is dt.date:  # an unquoted TOML date
        data["date"] = data["date"].isoformat()
    allowed = {f.name for f in fields(DocumentMeta)} | {"text_file"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MetadataError(f"{source}: unknown field(s) {', '.join(unknown)}")
    for name in _REQUIRED_FIELDS:
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise MetadataError(f"{source}: missing required field {name!r}")
    for name in (*_STRING_FIELDS, "text_file"):
        if name in data and not isinstance(data[name], str):
            raise MetadataError(f"{source}: field {name!r} must be a string")
    if data["source_type"] not in SOURCE_TYPES:
        raise MetadataError(
            f"{source}: unknown source_type {data['source_type']!r} "
            f"(expected one of: {', '.join(SOURCE_TYPES)})"
        )
    _check_date(data.get("date", ""), source)
    aliases = data.get("speaker_aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise MetadataError(f"{source}: speaker_aliases must be a list of non-empty strings")
    values = {name: data[name].strip() for name in _STRING_FIELDS if name in data}
    return DocumentMeta(**values, speaker_aliases=tuple(a.strip() for a in aliases))


def _read_meta_and_text_file(meta_path: Path) -> tuple[DocumentMeta, str | None]:
    try:
        raw = meta_path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise MetadataError(f"{meta_path}: metadata file not found") from error
    except (OSError, UnicodeDecodeError) as error:
        raise MetadataError(f"{meta_path}: cannot read metadata file ({error})") from error
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise MetadataError(f"{meta_path}: not valid TOML ({error})") from error
    meta = meta_from_mapping(data, str(meta_path))
    return meta, data.get("text_file")


def _check_date(value: str, source: str) -> None:
    if value and not is_iso_date(value):
        raise MetadataError(f"{source}: date {value!r} is not a valid YYYY-MM-DD date")
