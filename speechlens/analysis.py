"""Annotate parsed documents once: themes, sentiment and terms per paragraph.

The result is a set of flat tables keyed by ``pid`` (a paragraph's row number
in the corpus). Everything the dashboard shows is a slice or an aggregate of
these tables, so a filter change never re-parses or re-scores anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from speechlens.model import Document, DocumentMeta, Paragraph
from speechlens.sentiment import polarity_subjectivity, score_text
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


SENTENCE_COLUMNS = ["pid", "sentence", "text", "voice", "repeated", "polarity", "subjectivity"]
MATCH_COLUMNS = ["pid", "sentence", "theme", "term", "surface", "start", "end", "repeated"]
# The paragraph columns that depend on the lexicon (see tag_paragraph).
THEME_COLUMNS = ["themes", "matched_terms", "dominant_theme"]


def analyze(
    documents: Sequence[Document],
    lexicon: Lexicon,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Annotate every paragraph of ``documents`` with themes, sentiment and terms.

    ``progress(done, total)``, when given, is called after each document.
    """
    paragraph_rows: list[dict] = []
    sentence_rows: list[dict] = []
    match_rows: list[dict] = []
    token_lists: list[tuple[list[str], list[str]]] = []  # (counted, repeated) tokens
    for done, document in enumerate(documents, start=1):
        for paragraph in document.paragraphs:
            pid = len(paragraph_rows)
            row, sentences, matches, tokens = _annotate_paragraph(pid, paragraph, lexicon)
            paragraph_rows.append(row)
            sentence_rows.extend(sentences)
            match_rows.extend(matches)
            token_lists.append(tokens)
        if progress is not None:
            progress(done, len(documents))

    return Analysis(
        documents={document.meta.doc_id: document.meta for document in documents},
        lexicon=lexicon,
        paragraphs=paragraph_frame(paragraph_rows),
        sentences=pd.DataFrame(sentence_rows, columns=SENTENCE_COLUMNS),
        matches=pd.DataFrame(match_rows, columns=MATCH_COLUMNS),
        terms=build_term_index(token_lists),
        fingerprint=data_fingerprint(documents, lexicon),
    )


def paragraph_frame(rows: Sequence[dict]) -> pd.DataFrame:
    """The paragraphs table built from one dict per paragraph, as :func:`analyze` builds it."""
    paragraphs = pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)
    paragraphs.index.name = "pid"
    paragraphs["duplicate_of"] = paragraphs["duplicate_of"].astype("Int64")
    return paragraphs


def data_fingerprint(documents: Sequence[Document], lexicon: Lexicon) -> str:
    """8 hex characters that change when any document's text or metadata, or the lexicon, changes.

    Share links carry it, so a link opened on other data can say that its
    figures may differ.
    """
    return texts_fingerprint(((document.meta, document.text) for document in documents), lexicon)


def texts_fingerprint(items: Iterable[tuple[DocumentMeta, str]], lexicon: Lexicon) -> str:
    """:func:`data_fingerprint` from (metadata, normalised text) pairs, for stored documents."""
    digest = hashlib.sha256(lexicon_fingerprint(lexicon).encode())
    for meta, text in sorted(items, key=lambda item: item[0].doc_id):
        digest.update(b"\0doc\0")
        digest.update(json.dumps(asdict(meta), sort_keys=True, ensure_ascii=False).encode())
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:8]


def _annotate_paragraph(pid: int, paragraph: Paragraph, lexicon: Lexicon):
    text = paragraph.text
    spans = list(sentence_spans(text, [s.text for s in paragraph.sentences]))
    repeated_flags = [s.repeat_of is not None for s in paragraph.sentences]

    sentence_rows = []
    counted_tokens: list[str] = []
    repeated_tokens: list[str] = []
    for index, sentence in enumerate(paragraph.sentences):
        # Sentences need only their scores; the words behind them are shown per paragraph.
        polarity, subjectivity = polarity_subjectivity(sentence.text)
        lowered = [token.lower() for token in tokenize(sentence.text)]
        (repeated_tokens if repeated_flags[index] else counted_tokens).extend(lowered)
        sentence_rows.append(
            {
                "pid": pid, "sentence": index, "text": sentence.text, "voice": sentence.voice,
                "repeated": repeated_flags[index], "polarity": polarity,
                "subjectivity": subjectivity,
            }
        )
    if paragraph.sentences:
        counted_words = len(counted_tokens)
    else:
        counted_words = paragraph.words
        counted_tokens = [token.lower() for token in tokenize(text)]

    mentions, themes, matched_terms, dominant = tag_paragraph(text, spans, repeated_flags, lexicon)
    match_rows = [dict(zip(MATCH_COLUMNS, (pid, *mention))) for mention in mentions]

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
        "matched_terms": matched_terms,
        "dominant_theme": dominant,
    }
    return row, sentence_rows, match_rows, (counted_tokens, repeated_tokens)


def tag_paragraph(
    text: str, spans: Sequence[tuple[int, int]], repeated_flags: Sequence[bool], lexicon: Lexicon
) -> tuple[list[tuple], tuple[str, ...], tuple[str, ...], str]:
    """The lexicon-dependent part of a paragraph's annotation; no sentiment is scored.

    ``spans`` are the paragraph's sentence spans (see :func:`sentence_spans`)
    and ``repeated_flags`` whether each sentence repeats earlier text. Returns
    (mentions, themes, matched_terms, dominant_theme), where each mention is
    the values of a ``matches`` row after ``pid``: (sentence, theme, term,
    surface, start, end, repeated). A stored corpus re-tags its paragraphs
    with this when the lexicon changes, without re-scoring them.
    """
    mentions: list[tuple] = []
    counted_mentions: dict[str, int] = {}
    matched_terms: list[str] = []
    for match in find_matches(text, lexicon):
        sentence_index = _sentence_at(spans, match.start)
        repeated = sentence_index is not None and repeated_flags[sentence_index]
        for theme_id in match.theme_ids:
            mentions.append(
                (
                    -1 if sentence_index is None else sentence_index,
                    theme_id, match.term, match.surface, match.start, match.end, repeated,
                )
            )
            if not repeated:
                counted_mentions[theme_id] = counted_mentions.get(theme_id, 0) + 1
                label = f"{theme_id}: {match.term}"
                if label not in matched_terms:
                    matched_terms.append(label)

    theme_order = {theme_id: i for i, theme_id in enumerate(lexicon.ids)}
    themes = tuple(sorted(counted_mentions, key=lambda t: theme_order.get(t, len(theme_order))))
    dominant = max(themes, key=lambda t: (counted_mentions[t], -theme_order.get(t, 0)), default="")
    return mentions, themes, tuple(matched_terms), dominant


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
