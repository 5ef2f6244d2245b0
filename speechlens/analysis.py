"""Annotate parsed documents once: themes, sentiment and terms per paragraph.

The result is a set of flat tables keyed by ``pid`` (a paragraph's row number
in the corpus). Everything the dashboard shows is a slice or an aggregate of
these tables, so a filter change never re-parses or re-scores anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from speechlens.model import Document, DocumentMeta, Paragraph
from speechlens.sentiment import score_text
from speechlens.terms import TermIndex, build_term_index
from speechlens.text import tokenize
from speechlens.themes import Lexicon, find_matches, lexicon_fingerprint

PARAGRAPH_COLUMNS = [
    "doc_id", "position", "section", "kind", "voice", "text", "words",
    "counted_words", "duplicate_of", "full_duplicate", "polarity",
    "subjectivity", "drivers", "themes", "matched_terms", "dominant_theme",
]


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything computed once per corpus and lexicon.

    paragraphs: one row per paragraph (index ``pid``), columns PARAGRAPH_COLUMNS.
    sentences:  one row per sentence: pid, sentence, text, voice, repeated,
                polarity, subjectivity.
    matches:    one row per theme mention: pid, sentence, theme, term, surface,
                start, end (offsets in the paragraph text), repeated.
    terms:      word counts per paragraph (repeated sentences flagged), for word
                clouds and term statistics.
    """

    documents: dict[str, DocumentMeta]
    lexicon: Lexicon
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    matches: pd.DataFrame
    terms: TermIndex
    fingerprint: str = ""  # see data_fingerprint

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(theme.id for theme in self.lexicon.themes)


def analyze(documents: Sequence[Document], lexicon: Lexicon) -> Analysis:
    """Annotate every paragraph of ``documents`` with themes, sentiment and terms."""
    paragraph_rows: list[dict] = []
    sentence_rows: list[dict] = []
    match_rows: list[dict] = []
    token_lists: list[tuple[list[str], list[str]]] = []  # (counted, repeated) tokens
    for document in documents:
        for paragraph in document.paragraphs:
            pid = len(paragraph_rows)
            row, sentences, matches, tokens = _annotate_paragraph(pid, paragraph, lexicon)
            paragraph_rows.append(row)
            sentence_rows.extend(sentences)
            match_rows.extend(matches)
            token_lists.append(tokens)

    paragraphs = pd.DataFrame(paragraph_rows, columns=PARAGRAPH_COLUMNS)
    paragraphs.index.name = "pid"
    paragraphs["duplicate_of"] = paragraphs["duplicate_of"].astype("Int64")
    sentences = pd.DataFrame(
        sentence_rows,
        columns=["pid", "sentence", "text", "voice", "repeated", "polarity", "subjectivity"],
    )
    matches = pd.DataFrame(
        match_rows,
        columns=["pid", "sentence", "theme", "term", "surface", "start", "end", "repeated"],
    )
    return Analysis(
        documents={document.meta.doc_id: document.meta for document in documents},
        lexicon=lexicon,
        paragraphs=paragraphs,
        sentences=sentences,
        matches=matches,
        terms=build_term_index(token_lists),
        fingerprint=data_fingerprint(documents, lexicon),
    )


def data_fingerprint(documents: Sequence[Document], lexicon: Lexicon) -> str:
    """8 hex characters that change when any document's text or metadata, or the lexicon, changes.

    Share links carry it, so a link opened on other data can say that its
    figures may differ.
    """
    digest = hashlib.sha256(lexicon_fingerprint(lexicon).encode())
    for document in sorted(documents, key=lambda d: d.meta.doc_id):
        digest.update(b"\0doc\0")
        digest.update(json.dumps(asdict(document.meta), sort_keys=True, ensure_ascii=False).encode())
        digest.update(document.text.encode("utf-8"))
    return digest.hexdigest()[:8]


def _annotate_paragraph(pid: int, paragraph: Paragraph, lexicon: Lexicon):
    text = paragraph.text
    spans = list(sentence_spans(text, [s.text for s in paragraph.sentences]))
    repeated_flags = [s.repeat_of is not None for s in paragraph.sentences]

    sentence_rows = []
    counted_words = 0
    for index, sentence in enumerate(paragraph.sentences):
        score = score_text(sentence.text)
        if not repeated_flags[index]:
            counted_words += len(tokenize(sentence.text))
        sentence_rows.append(
            {
                "pid": pid, "sentence": index, "text": sentence.text, "voice": sentence.voice,
                "repeated": repeated_flags[index], "polarity": score.polarity,
                "subjectivity": score.subjectivity,
            }
        )
    if not paragraph.sentences:
        counted_words = paragraph.words

    match_rows = []
    counted_mentions: dict[str, int] = {}
    matched_terms: list[str] = []
    for match in find_matches(text, lexicon):
        sentence_index = _sentence_at(spans, match.start)
        repeated = sentence_index is not None and repeated_flags[sentence_index]
        for theme_id in match.theme_ids:
            match_rows.append(
                {
                    "pid": pid, "sentence": -1 if sentence_index is None else sentence_index,
                    "theme": theme_id, "term": match.term, "surface": match.surface,
                    "start": match.start, "end": match.end, "repeated": repeated,
                }
            )
            if not repeated:
                counted_mentions[theme_id] = counted_mentions.get(theme_id, 0) + 1
                label = f"{theme_id}: {match.term}"
                if label not in matched_terms:
                    matched_terms.append(label)

    theme_order = {theme_id: i for i, theme_id in enumerate(lexicon.ids)}
    themes = tuple(sorted(counted_mentions, key=lambda t: theme_order.get(t, len(theme_order))))
    dominant = max(themes, key=lambda t: (counted_mentions[t], -theme_order.get(t, 0)), default="")

    score = score_text(text)
    row = {
        "doc_id": paragraph.doc_id,
        "position": paragraph.position,
        "section": paragraph.section,
        "kind": paragraph.kind,
        "voice": paragraph.voice,
        "text": text,
        "words": paragraph.words,
        "counted_words": counted_words,
        "duplicate_of": paragraph.duplicate_of,
        "full_duplicate": paragraph.is_full_duplicate,
        "polarity": score.polarity,
        "subjectivity": score.subjectivity,
        "drivers": tuple((d.phrase, d.polarity) for d in score.drivers),
        "themes": themes,
        "matched_terms": tuple(matched_terms),
        "dominant_theme": dominant,
    }
    if paragraph.sentences:
        counted = [s.text for s, repeated in zip(paragraph.sentences, repeated_flags, strict=True) if not repeated]
        repeats = [s.text for s, repeated in zip(paragraph.sentences, repeated_flags, strict=True) if repeated]
    else:
        counted, repeats = [text], []
    tokens = (_lower_tokens(counted), _lower_tokens(repeats))
    return row, sentence_rows, match_rows, tokens


def _lower_tokens(texts: Iterable[str]) -> list[str]:
    return [token.lower() for text in texts for token in tokenize(text)]


def sentence_spans(text: str, sentences: Iterable[str]) -> Iterable[tuple[int, int]]:
    """Character span of each sentence within ``text``, searched in order."""
    cursor = 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:  # sentence text was normalised differently: fall back to the cursor
            start = cursor
        end = start + len(sentence)
        yield start, end
        cursor = end


def _sentence_at(spans: Sequence[tuple[int, int]], offset: int) -> int | None:
    for index, (start, end) in enumerate(spans):
        if start <= offset < end:
            return index
    for index in range(len(spans) - 1, -1, -1):
        if spans[index][0] <= offset:
            return index
    return None


def theme_mention_matrix(analysis: Analysis, pids: np.ndarray, include_repeats: bool) -> pd.DataFrame:
    """Mentions per paragraph (rows, ``pid``) and theme (columns, lexicon order)."""
    matches = analysis.matches
    matches = matches[matches["pid"].isin(pids)]
    if not include_repeats:
        matches = matches[~matches["repeated"]]
    table = pd.crosstab(matches["pid"], matches["theme"]) if len(matches) else pd.DataFrame()
    return table.reindex(index=pids, columns=list(analysis.theme_ids), fill_value=0)
