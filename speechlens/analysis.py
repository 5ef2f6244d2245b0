"""Annotate parsed documents once: themes, sentiment and terms per paragraph.

The result is a set of flat tables keyed by ``pid`` (a paragraph's row number
in the corpus). Everything the dashboard shows is a slice or an aggregate of
these tables, so a filter change never re-parses or re-scores anything.

The annotation is made in columns: :func:`annotate` turns documents into an
:class:`Annotation`, Arrow tables keyed by (doc_id, paragraph position) that
the corpus store writes as they are, and :func:`analysis_of` turns such tables
into an :class:`Analysis`. :func:`analyze` is the two in a row, and the store's
``load`` runs the second on the tables it reads back, so both give the same
frames, dtypes and values.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from speechlens import fastsentiment
from speechlens.model import Document, DocumentMeta, Paragraph, Sentence
from speechlens.parsing import ParsedDocument
from speechlens.terms import TermIndex, build_term_index, sum_by_term
from speechlens.text import lower_tokens, normalised_text_sha256, text_sha256
from speechlens.themes import Lexicon, find_matches, find_matches_in, lexicon_fingerprint

# Bump when a change to parsing or annotation changes what is stored for a
# document (not for a new column with a default): a store then lists the
# segments written before as stale (see Store.stale_segments).
ANALYSIS_VERSION = 1

PARAGRAPH_COLUMNS = [
    "doc_id", "position", "section", "kind", "voice", "text", "words",
    "counted_words", "duplicate_of", "full_duplicate", "polarity",
    "subjectivity", "drivers", "themes", "matched_terms", "dominant_theme",
]
SENTENCE_COLUMNS = ["pid", "sentence", "text", "voice", "repeated", "polarity", "subjectivity"]
MATCH_COLUMNS = ["pid", "sentence", "theme", "term", "surface", "start", "end", "repeated"]
# The paragraph columns that depend on the lexicon (see tag_paragraph).
THEME_COLUMNS = ["themes", "matched_terms", "dominant_theme"]
META_FIELDS = tuple(f.name for f in fields(DocumentMeta))
STRING_META_FIELDS = tuple(name for name in META_FIELDS if name != "speaker_aliases")


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
    # Lookups derived from the tables, made on first use (see ``derived``).
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(theme.id for theme in self.lexicon.themes)

    def rows_of(self, table: str, pids: Iterable[int]) -> pd.DataFrame:
        """The rows of ``sentences`` or ``matches`` that belong to ``pids`` (few, e.g. a reader's page).

        Both tables come in pid order, so each paragraph's rows are found by
        bisection rather than by a pass over the whole table.
        """
        frame = getattr(self, table)

        def pid_column() -> tuple[np.ndarray, bool]:
            column = frame["pid"].to_numpy(dtype=np.int64)
            return column, not bool((column[1:] < column[:-1]).any())

        row_pids, in_order = self.derived(f"{table}_pids", pid_column)
        wanted = np.unique(np.fromiter(pids, dtype=np.int64))
        if not in_order:
            return frame[np.isin(row_pids, wanted)]
        starts, ends = np.searchsorted(row_pids, wanted, "left"), np.searchsorted(row_pids, wanted, "right")
        positions = [np.arange(start, end) for start, end in zip(starts, ends) if end > start]
        return frame.iloc[np.concatenate(positions)] if positions else frame.iloc[:0]

    def derived(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, made once per analysis and kept with it (it must depend only on the analysis).

        Two threads asking at once may both compute it; the value is the same.
        """
        try:
            return self._derived[name]
        except KeyError:
            return self._derived.setdefault(name, compute())


# ----------------------------------------------------------------------------- table schemas

_KEY = [pa.field("doc_id", pa.string()), pa.field("position", pa.int64())]
DRIVER_TYPE = pa.struct([pa.field("phrase", pa.string()), pa.field("polarity", pa.float64())])
_STRINGS = pa.list_(pa.string())

DOCUMENTS_SCHEMA = pa.schema(
    [pa.field("doc_id", pa.string())]
    + [pa.field(name, pa.string()) for name in STRING_META_FIELDS if name != "doc_id"]
    + [
        pa.field("speaker_aliases", _STRINGS),
        pa.field("extra", pa.string()),  # JSON object of strings
        pa.field("sha256", pa.string()),  # text_sha256 of the text
        pa.field("text", pa.string()),
    ]
)
PARAGRAPHS_SCHEMA = pa.schema(
    _KEY
    + [
        pa.field("section", pa.string()),
        pa.field("kind", pa.string()),
        pa.field("voice", pa.string()),
        pa.field("text", pa.string()),
        pa.field("words", pa.int64()),
        pa.field("counted_words", pa.int64()),
        pa.field("duplicate_of", pa.int64()),
        pa.field("full_duplicate", pa.bool_()),
        pa.field("polarity", pa.float64()),
        pa.field("subjectivity", pa.float64()),
        pa.field("drivers", pa.list_(DRIVER_TYPE)),
        pa.field("themes", _STRINGS),
        pa.field("matched_terms", _STRINGS),
        pa.field("dominant_theme", pa.string()),
    ]
)
SENTENCES_SCHEMA = pa.schema(
    _KEY
    + [
        pa.field("sentence", pa.int64()),
        pa.field("text", pa.string()),
        pa.field("voice", pa.string()),
        pa.field("repeated", pa.bool_()),
        pa.field("polarity", pa.float64()),
        pa.field("subjectivity", pa.float64()),
        pa.field("repeat_of_position", pa.int64()),
        pa.field("repeat_of_sentence", pa.int64()),
    ]
)
MATCHES_SCHEMA = pa.schema(
    _KEY
    + [
        pa.field("sentence", pa.int64()),
        pa.field("theme", pa.string()),
        pa.field("term", pa.string()),
        pa.field("surface", pa.string()),
        pa.field("start", pa.int64()),
        pa.field("end", pa.int64()),
        pa.field("repeated", pa.bool_()),
    ]
)
TERMS_SCHEMA = pa.schema(
    _KEY
    + [
        pa.field("token", pa.string()),
        pa.field("count", pa.int32()),
        pa.field("repeated", pa.bool_()),
    ]
)
# TERMS_SCHEMA with its repeated strings dictionary-encoded: an annotation sent from one
# process to another (see annotate's ``packed`` and Annotation.unpacked).
_PACKED_TERMS_SCHEMA = pa.schema(
    [field.with_type(pa.dictionary(pa.int32(), pa.string())) if field.name in ("doc_id", "token") else field
     for field in TERMS_SCHEMA]
)
THEMES_SCHEMA = pa.schema(
    _KEY
    + [
        pa.field("themes", _STRINGS),
        pa.field("matched_terms", _STRINGS),
        pa.field("dominant_theme", pa.string()),
    ]
)
TABLES = ("documents", "paragraphs", "sentences", "matches", "terms")
SCHEMAS = {
    "documents": DOCUMENTS_SCHEMA,
    "paragraphs": PARAGRAPHS_SCHEMA,
    "sentences": SENTENCES_SCHEMA,
    "matches": MATCHES_SCHEMA,
    "terms": TERMS_SCHEMA,
}
KEYED_TABLES = ("paragraphs", "sentences", "matches", "terms")  # keyed by paragraph; Annotation.rows' columns


@dataclass(frozen=True, eq=False)
class Annotation:
    """The analysis of some documents as Arrow tables (see SCHEMAS), rows in document
    order and keyed by (doc_id, paragraph position): exactly what a store segment holds.

    ``rows[i]`` counts document ``i``'s rows in paragraphs, sentences, matches and terms.
    """

    documents: pa.Table
    paragraphs: pa.Table
    sentences: pa.Table
    matches: pa.Table
    terms: pa.Table
    rows: np.ndarray  # int64, shape (documents, 4)

    def __len__(self) -> int:
        return self.documents.num_rows

    def tables(self) -> dict[str, pa.Table]:
        return {name: getattr(self, name) for name in TABLES}

    def select(self, indices: Sequence[int]) -> Annotation:
        """The annotation of the documents at ``indices`` (in that order)."""
        indices = list(indices)
        if indices == list(range(len(self))):
            return self
        return Annotation.concat([self.slice(i, i + 1) for i in indices]) if indices else _empty_annotation()

    def slice(self, start: int, stop: int) -> Annotation:
        """The annotation of documents ``start`` to ``stop - 1`` (no copy)."""
        ends = np.vstack([np.zeros((1, 4), dtype=np.int64), np.cumsum(self.rows, axis=0)])
        parts = {
            name: getattr(self, name).slice(int(ends[start, k]), int(ends[stop, k] - ends[start, k]))
            for k, name in enumerate(KEYED_TABLES)
        }
        return Annotation(self.documents.slice(start, stop - start), **parts, rows=self.rows[start:stop])

    @staticmethod
    def concat(annotations: Sequence[Annotation]) -> Annotation:
        if not annotations:
            return _empty_annotation()
        if len(annotations) == 1:
            return annotations[0]
        return Annotation(
            **{name: pa.concat_tables([getattr(a, name) for a in annotations]) for name in TABLES},
            rows=np.concatenate([a.rows for a in annotations]),
        )

    def digests(self) -> list[str]:
        return self.documents["sha256"].to_pylist()

    def unpacked(self) -> Annotation:
        """This annotation with its tables in the form of :data:`SCHEMAS` (see annotate's ``packed``)."""
        if self.terms.schema.equals(TERMS_SCHEMA):
            return self
        terms = self.terms
        for name in ("doc_id", "token"):
            terms = terms.set_column(terms.schema.get_field_index(name), name, terms[name].cast(pa.string()))
        return Annotation(self.documents, self.paragraphs, self.sentences, self.matches, terms, self.rows)


def documents_of(documents: pa.Table, paragraphs: pa.Table, sentences: pa.Table) -> list[Document]:
    """The :class:`Document` values annotation tables (or a store segment's) were made from,
    in the order of the ``documents`` table."""
    sentences_of: dict[tuple[str, int], list[Sentence]] = {}
    names = ("doc_id", "position", "text", "voice", "repeat_of_position", "repeat_of_sentence")
    for doc_id, position, text, voice, of_position, of_sentence in zip(*(sentences[n].to_pylist() for n in names)):
        repeat_of = None if of_position is None else (of_position, of_sentence)
        sentences_of.setdefault((doc_id, position), []).append(Sentence(text, voice, repeat_of))
    paragraphs_of: dict[str, list[Paragraph]] = {}
    names = ("doc_id", "position", "section", "kind", "voice", "text", "words", "duplicate_of")
    for values in zip(*(paragraphs[n].to_pylist() for n in names)):
        row = dict(zip(names, values))
        key = (row["doc_id"], row["position"])
        paragraphs_of.setdefault(row["doc_id"], []).append(Paragraph(sentences=tuple(sentences_of.get(key, ())), **row))
    built = []
    for row in documents.to_pylist():
        meta = DocumentMeta(
            **{name: row[name] for name in STRING_META_FIELDS}, speaker_aliases=tuple(row["speaker_aliases"] or ())
        )
        built.append(Document(meta, tuple(paragraphs_of.get(row["doc_id"], ())), row["text"]))
    return built


def _empty_annotation() -> Annotation:
    return Annotation(
        **{name: schema.empty_table() for name, schema in SCHEMAS.items()}, rows=np.zeros((0, 4), dtype=np.int64)
    )


# ----------------------------------------------------------------------------- analyze


def analyze(
    documents: Sequence[Document],
    lexicon: Lexicon,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Annotate every paragraph of ``documents`` with themes, sentiment and terms.

    ``progress(done, total)``, when given, is called after each document.
    """
    annotation = annotate(documents, lexicon, progress=progress)
    metas = {document.meta.doc_id: document.meta for document in documents}
    return analysis_of(annotation, metas, lexicon)


def analysis_of(annotation: Annotation, documents: Mapping[str, DocumentMeta], lexicon: Lexicon) -> Analysis:
    """The :class:`Analysis` of an annotation; ``documents`` gives the metadata by doc_id.

    Paragraph ``pid``s number the paragraphs in the annotation's order.
    """
    metas = [documents[doc_id] for doc_id in annotation.documents["doc_id"].to_pylist()]
    fingerprint = digests_fingerprint(zip(metas, annotation.digests()), lexicon)
    rows = annotation.rows
    first_pid = np.cumsum(rows[:, 0]) - rows[:, 0]
    builder = AnalysisBuilder()
    for k, name in enumerate(KEYED_TABLES):
        table = getattr(annotation, name)
        builder.add(name, table, np.repeat(first_pid, rows[:, k]) + table["position"].to_numpy() - 1)
    return builder.build({meta.doc_id: meta for meta in metas}, lexicon, fingerprint)


def data_fingerprint(documents: Sequence[Document], lexicon: Lexicon) -> str:
    """8 hex characters that change when any document's text or metadata, or the lexicon, changes.

    Share links carry it, so a link opened on other data can say that its
    figures may differ.
    """
    return digests_fingerprint(((d.meta, text_sha256(d.text)) for d in documents), lexicon)


def digests_fingerprint(items: Iterable[tuple[DocumentMeta, str]], lexicon: Lexicon) -> str:
    """:func:`data_fingerprint` from (metadata, :func:`~speechlens.text.text_sha256` of the text)
    pairs: what the store keeps in its manifest, so reopening it reads no text."""
    digest = hashlib.sha256(lexicon_fingerprint(lexicon).encode())
    for meta, text_digest in sorted(items, key=lambda item: item[0].doc_id):
        digest.update(b"\0doc\0")
        digest.update(json.dumps(vars(meta), sort_keys=True, ensure_ascii=False).encode())
        digest.update(text_digest.encode())
    return digest.hexdigest()[:8]


def _empty_analysis(
    lexicon: Lexicon, documents: dict[str, DocumentMeta] | None = None, fingerprint: str | None = None,
) -> Analysis:
    return Analysis(
        documents=documents or {},
        lexicon=lexicon,
        paragraphs=paragraph_frame([]),
        sentences=pd.DataFrame([], columns=SENTENCE_COLUMNS),
        matches=pd.DataFrame([], columns=MATCH_COLUMNS),
        terms=build_term_index([]),
        fingerprint=digests_fingerprint([], lexicon) if fingerprint is None else fingerprint,
    )


def paragraph_frame(rows: Sequence[dict]) -> pd.DataFrame:
    """The paragraphs table built from one dict per paragraph (PARAGRAPH_COLUMNS)."""
    paragraphs = pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)
    paragraphs.index.name = "pid"
    paragraphs["duplicate_of"] = paragraphs["duplicate_of"].astype("Int64")
    return paragraphs


# ----------------------------------------------------------------------------- tables -> frames


class AnalysisBuilder:
    """An :class:`Analysis` from tables in the form of :data:`SCHEMAS`, given part by part
    (e.g. a store's segments), each with the ``pid`` of its rows.

    Each part is converted at once, so what it needs of its Arrow tables only
    is kept: strings stay Arrow strings (pandas' ``str`` dtype is Arrow-backed),
    numbers become numpy arrays, lists of strings become tuples, equal ones
    one shared object, and the sentiment drivers stay in Arrow. Parts may come in any pid order
    (rows of one paragraph keep their order).
    """

    def __init__(self) -> None:
        self.paragraphs = _FrameParts(PARAGRAPH_COLUMNS)
        self.sentences = _FrameParts(SENTENCE_COLUMNS)
        self.matches = _FrameParts(MATCH_COLUMNS)
        self.terms = _TermParts()
        self.shared: dict[str, dict] = {"tuples": {}}  # tuples made so far

    def add(self, name: str, table: pa.Table, pid: np.ndarray) -> None:
        """Rows of the ``paragraphs``, ``sentences``, ``matches`` or ``terms`` table."""
        parts = getattr(self, name)
        if name == "terms":
            parts.add(table, pid)
        else:
            parts.add(table, pid, self.shared)

    def build(self, documents: dict[str, DocumentMeta], lexicon: Lexicon, fingerprint: str) -> Analysis:
        if not self.paragraphs.rows:
            return _empty_analysis(lexicon, documents, fingerprint)
        paragraphs = self.paragraphs.frame()
        if not np.array_equal(self.paragraphs.pid, np.arange(len(paragraphs))):
            raise ValueError("the paragraphs' pids do not run 0, 1, 2 …")
        paragraphs.index.name = "pid"
        return Analysis(
            documents=documents,
            lexicon=lexicon,
            paragraphs=paragraphs,
            sentences=self.sentences.frame(),
            matches=self.matches.frame(),
            terms=self.terms.index(),
            fingerprint=fingerprint,
        )


class _FrameParts:
    """The columns of one frame, gathered part by part. Strings stay in Arrow (pandas'
    ``str`` dtype is Arrow-backed), so no Python string is made for them."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.values: dict[str, list] = {name: [] for name in self.columns}
        self.pids: list[np.ndarray] = []
        self.rows = 0
        self.pid = np.empty(0, dtype=np.int64)

    def add(self, table: pa.Table, pid: np.ndarray, shared: dict[str, dict]) -> None:
        if not table.num_rows:
            return
        self.pids.append(np.asarray(pid, dtype=np.int64))
        self.rows += table.num_rows
        for name in self.columns:
            if name == "pid":
                continue
            column = table[name]
            if name in ("duplicate_of", "drivers"):
                # Made at the end: nullable Int64; drivers stay in Arrow (only the reader and
                # exports look at them, a few paragraphs at a time), which spares making a
                # Python tuple per paragraph when a corpus is opened.
                values = column
            elif name in ("themes", "matched_terms"):
                values = string_tuples(column, shared["tuples"])
            elif _is_text(column.type):
                values = column.cast(pa.large_string())  # what pandas' str dtype holds
            else:
                values = column.to_numpy()
            self.values[name].append(values)

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return pd.DataFrame([], columns=self.columns)
        self.pid = np.concatenate(self.pids)
        order = None
        if len(self.pid) > 1 and (self.pid[1:] < self.pid[:-1]).any():
            order = np.argsort(self.pid, kind="stable")
            self.pid = self.pid[order]
        data = {}
        for name in self.columns:
            parts = self.values[name]
            if name == "pid":
                values = self.pid
            elif parts and isinstance(parts[0], pa.ChunkedArray):
                chunked = pa.chunked_array([chunk for part in parts for chunk in part.chunks], parts[0].type)
                if order is not None:
                    chunked = chunked.take(pa.array(order))
                if name == "duplicate_of":
                    values = nullable_int64(chunked)
                elif name == "drivers":
                    values = pd.arrays.ArrowExtensionArray(chunked)  # a cell reads as [{"phrase", "polarity"}, ...]
                else:
                    values = chunked.to_pandas()  # pandas' Arrow-backed str: no Python strings
            else:
                values = np.concatenate(parts)
                if order is not None:
                    values = values[order]
            data[name] = values
            self.values[name] = []  # freed as we go
        return pd.DataFrame(data)


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


class _TermParts:
    """The term index, gathered part by part: each part's tokens are numbered in order of
    first appearance, then all parts' numberings are merged into one."""

    def __init__(self) -> None:
        self.pids: list[np.ndarray] = []
        self.codes: list[np.ndarray] = []  # per chunk: each row's token, numbered within the chunk
        self.tokens: list[pa.Array] = []  # per chunk: its tokens in order of first appearance
        self.counts: list[np.ndarray] = []
        self.repeated: list[np.ndarray] = []
        self.totals: list[np.ndarray] = []  # per chunk: each of its tokens' total
        self.countable_totals: list[np.ndarray] = []  # the same, without repeated sentences

    def add(self, table: pa.Table, pid: np.ndarray) -> None:
        if not table.num_rows:
            return
        self.pids.append(np.asarray(pid, dtype=np.int32))
        counts = table["count"].to_numpy().astype(np.int32, copy=False)
        repeated = table["repeated"].to_numpy()
        start = 0
        for chunk in dictionary_chunks(table["token"]):
            local, uniques = pd.factorize(chunk.indices.to_numpy(zero_copy_only=False))
            self.codes.append(local.astype(np.int32, copy=False))
            self.tokens.append(chunk.dictionary.take(pa.array(uniques, pa.int64())))
            # Whole-corpus totals, summed while the part is at hand (later it is a pass over every entry).
            stop = start + len(local)
            for include_repeats, totals in ((True, self.totals), (False, self.countable_totals)):
                totals.append(sum_by_term(local, counts[start:stop], repeated[start:stop], len(uniques), include_repeats))
            start = stop
        self.counts.append(counts)
        self.repeated.append(repeated)

    def index(self) -> TermIndex:
        if not self.pids:
            return build_term_index([])
        encoded = pc.dictionary_encode(pa.concat_arrays(self.tokens))
        global_ids = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        starts = np.cumsum([0] + [len(tokens) for tokens in self.tokens])
        term = np.concatenate([global_ids[start:][local] for start, local in zip(starts, self.codes)])
        vocabulary = encoded.dictionary.to_pylist()
        whole = tuple(
            np.bincount(global_ids, weights=np.concatenate(parts), minlength=len(vocabulary))
            for parts in (self.totals, self.countable_totals)
        )
        pid = np.concatenate(self.pids)
        count, repeated = np.concatenate(self.counts), np.concatenate(self.repeated).astype(bool, copy=False)
        if len(pid) > 1 and (pid[1:] < pid[:-1]).any():  # parts out of pid order: sort, and number again
            order = np.argsort(pid, kind="stable")
            pid, term, count, repeated = pid[order], term[order], count[order], repeated[order]
            distinct, first = np.unique(term, return_index=True)
            by_appearance = distinct[np.argsort(first)]
            renumbered = np.empty(len(vocabulary), dtype=np.int32)
            renumbered[by_appearance] = np.arange(len(by_appearance), dtype=np.int32)
            term, vocabulary = renumbered[term], [vocabulary[i] for i in by_appearance]
            whole = tuple(totals[by_appearance] for totals in whole)
        return TermIndex(vocabulary=tuple(vocabulary), pid=pid, term=term, count=count, repeated=repeated,
                         whole_totals=whole)


def _decoded(column: pa.ChunkedArray) -> np.ndarray:
    """A dictionary column's values, one Python object per distinct value."""
    if column.null_count or not column.num_chunks:
        return column.cast(column.type.value_type).to_numpy(zero_copy_only=False)
    parts = []
    for chunk in column.chunks:
        values = np.empty(len(chunk.dictionary), dtype=object)
        values[:] = chunk.dictionary.to_pylist()
        parts.append(values[chunk.indices.to_numpy(zero_copy_only=False)])
    return np.concatenate(parts)


def _list_rows(column: pa.ChunkedArray) -> tuple[pa.Array, list[int]]:
    """The flattened values of a list column, and where each row's list starts and ends in them."""
    column = column.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False)
    return pc.list_flatten(column), np.concatenate([[0], np.cumsum(lengths)]).tolist()


def string_tuples(column: pa.ChunkedArray, shared: dict[tuple, tuple] | None = None) -> np.ndarray:
    """A list<string> column as an object array of tuples of strings; equal tuples are one
    object (kept in ``shared``, which several columns may share)."""
    shared = {} if shared is None else shared
    values, bounds = _list_rows(column)
    flat = _decoded(pa.chunked_array([pc.dictionary_encode(values)])).tolist() if len(values) else []
    intern = shared.setdefault
    rows = np.empty(len(bounds) - 1, dtype=object)
    rows[:] = [() if start == end else intern(row := tuple(flat[start:end]), row)
               for start, end in zip(bounds, bounds[1:])]
    return rows


def nullable_int64(column: pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    """An int64 column with gaps as pandas' nullable Int64 (as ``duplicate_of`` is held)."""
    return pd.array(column.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), dtype="Int64")


def dictionary_chunks(column: pa.ChunkedArray) -> list[pa.DictionaryArray]:
    """The column's chunks, dictionary-encoded (as they are when read that way)."""
    if pa.types.is_dictionary(column.type):
        return list(column.chunks)
    return list(pc.dictionary_encode(column).chunks)


# ----------------------------------------------------------------------------- annotate


def annotate(
    documents: Sequence[Document | ParsedDocument],
    lexicon: Lexicon,
    *,
    extras: Sequence[Mapping[str, str]] | None = None,
    digests: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    packed: bool = False,
) -> Annotation:
    """Annotate documents (parsed ones, or their columns from :func:`~speechlens.parsing.parse`).

    ``extras`` gives each document's metadata beyond DocumentMeta's fields
    (stored as they are); ``digests`` the :func:`~speechlens.text.text_sha256`
    of each text, when known already. ``progress(done, total)`` is called
    after each document. ``packed``: the terms table keeps its doc_id and token
    columns dictionary-encoded (a sixth less to send to another process, which
    calls :meth:`Annotation.unpacked`; this process skips making the strings).
    """
    builder = _TableBuilder(lexicon)
    for done, document in enumerate(documents, start=1):
        parsed = document if isinstance(document, ParsedDocument) else ParsedDocument.of(document)
        if digests is not None:
            digest = digests[done - 1]
        else:
            digest = normalised_text_sha256(parsed.text) if parsed.text_is_normalised else text_sha256(parsed.text)
        builder.add(parsed, extras[done - 1] if extras is not None else {}, digest)
        if progress is not None:
            progress(done, len(documents))
    return builder.finish(packed)


class _TableBuilder:
    """Columns of the annotation tables, filled document by document."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.theme_order = {theme_id: i for i, theme_id in enumerate(lexicon.ids)}
        self.documents: dict[str, list] = {name: [] for name in DOCUMENTS_SCHEMA.names}
        self.paragraphs: dict[str, list] = {name: [] for name in PARAGRAPHS_SCHEMA.names if name != "drivers"}
        self.driver_counts: list[int] = []
        self.driver_phrases: list[str] = []
        self.driver_polarities: list[float] = []
        self.sentences: dict[str, list] = {name: [] for name in SENTENCES_SCHEMA.names}
        self.sentences_per_paragraph: list[np.ndarray] = []
        self.mentions: list[tuple] = []  # the values of a matches row after doc_id
        # Per document: its token codes, each token's group (see _add_terms), its vocabulary,
        # and whether the tokens must be sorted by group; turned into rows of terms by finish().
        self.terms: list[tuple[np.ndarray, np.ndarray, np.ndarray, bool]] = []
        self.rows: list[tuple[int, int, int, int]] = []  # the count of terms rows is set by finish()

    def add(self, parsed: ParsedDocument, extra: Mapping[str, str], digest: str) -> None:
        meta = parsed.meta
        for name in STRING_META_FIELDS:
            self.documents[name].append(getattr(meta, name))
        self.documents["speaker_aliases"].append(list(meta.speaker_aliases))
        self.documents["extra"].append(json.dumps(dict(extra), ensure_ascii=False))
        self.documents["sha256"].append(digest)
        self.documents["text"].append(parsed.text)

        # doc_id and the positions are filled in by finish().
        texts, starts = parsed.paragraphs, parsed.sentence_starts
        repeated = [place is not None for place in parsed.repeat_of]
        count = len(texts)
        paragraphs, sentences = self.paragraphs, self.sentences
        paragraphs["section"].extend(parsed.sections)
        paragraphs["kind"].extend(parsed.kinds)
        paragraphs["voice"].extend(parsed.voices)
        paragraphs["text"].extend(texts)
        paragraphs["words"].extend(parsed.words)
        paragraphs["duplicate_of"].extend(parsed.duplicate_of)

        sentence_count = len(parsed.sentences)
        self.sentences_per_paragraph.append(np.diff(np.asarray(starts, dtype=np.int64)))
        sentences["text"].extend(parsed.sentences)
        sentences["voice"].extend(parsed.sentence_voices)
        sentences["repeated"].extend(repeated)
        sentences["repeat_of_position"].extend(None if p is None else p[0] for p in parsed.repeat_of)
        sentences["repeat_of_sentence"].extend(None if p is None else p[1] for p in parsed.repeat_of)
        sentence_scores: list[tuple[float, float]] = []
        for i, text in enumerate(texts):
            lo, hi = starts[i], starts[i + 1]
            (polarity, subjectivity), assessed, scores = fastsentiment.score_with_sentences(
                text, parsed.sentences[lo:hi]
            )
            sentence_scores += scores
            paragraphs["polarity"].append(polarity)
            paragraphs["subjectivity"].append(subjectivity)
            paragraphs["full_duplicate"].append(hi > lo and all(repeated[lo:hi]))
            self.driver_counts.append(len(assessed))
            self.driver_phrases.extend(" ".join(words) for words, _, _, _ in assessed)
            self.driver_polarities.extend(driver_polarity for _, driver_polarity, _, _ in assessed)
        if sentence_scores:
            sentence_polarities, sentence_subjectivities = zip(*sentence_scores)
            sentences["polarity"] += sentence_polarities
            sentences["subjectivity"] += sentence_subjectivities

        match_count = self._add_matches(parsed, repeated)
        self._add_terms(parsed, repeated)
        self.rows.append((count, sentence_count, match_count, 0))

    def _add_matches(self, parsed: ParsedDocument, repeated: list[bool]) -> int:
        """The theme columns of the document's paragraphs and its rows of matches."""
        starts = parsed.sentence_starts
        tags = tag_paragraphs(
            parsed.paragraphs,
            [parsed.sentences[starts[i]:starts[i + 1]] for i in range(len(parsed.paragraphs))],
            [repeated[starts[i]:starts[i + 1]] for i in range(len(parsed.paragraphs))],
            self.lexicon,
        )
        paragraphs = self.paragraphs
        before = len(self.mentions)
        for i, (mentions, themes, matched_terms, dominant) in enumerate(tags):
            paragraphs["themes"].append(themes)
            paragraphs["matched_terms"].append(matched_terms)
            paragraphs["dominant_theme"].append(dominant)
            self.mentions += [(i + 1, *mention) for mention in mentions]
        return len(self.mentions) - before

    def _add_terms(self, parsed: ParsedDocument, repeated: list[bool]) -> None:
        """The counted words of the document's paragraphs, and what its rows of terms are made of.

        The rows are those of :func:`~speechlens.terms.build_term_index` over the
        paragraphs: per paragraph, the tokens of its sentences that repeat no
        earlier text, then those of the ones that do, each in order of first
        appearance; a paragraph without sentences counts its own tokens.
        """
        count = len(parsed.paragraphs)
        starts = np.asarray(parsed.sentence_starts, dtype=np.int64)
        sizes = np.fromiter(map(len, parsed.tokens), dtype=np.int64, count=len(parsed.tokens))
        again = np.asarray(repeated, dtype=bool)
        # Each token's group: 2 * paragraph for counted words, 2 * paragraph + 1 for repeated ones.
        sentence_group = 2 * np.repeat(np.arange(count, dtype=np.int64), np.diff(starts)) + again
        group = np.repeat(sentence_group, sizes)
        codes, vocabulary = parsed.codes, parsed.vocabulary
        counted = np.bincount(sentence_group // 2, weights=sizes * ~again, minlength=count).astype(np.int64)
        without_sentences = np.flatnonzero(starts[1:] == starts[:-1])
        if len(without_sentences):  # only in documents not made by the parser
            index = {token: i for i, token in enumerate(vocabulary)}
            own = [[index.setdefault(token, len(index)) for token in lower_tokens(parsed.paragraphs[i])]
                   for i in without_sentences]
            codes = np.concatenate([codes, np.array([c for cs in own for c in cs], dtype=np.int64)])
            group = np.concatenate([group, np.repeat(2 * without_sentences, [len(cs) for cs in own])])
            vocabulary = np.array(list(index), dtype=object)
            counted[without_sentences] = np.asarray(parsed.words, dtype=np.int64)[without_sentences]
        self.paragraphs["counted_words"].extend(counted.tolist())
        self.terms.append((codes, group, vocabulary, bool(again.any() or len(without_sentences))))

    def finish(self, packed: bool = False) -> Annotation:
        paragraphs, sentences = dict(self.paragraphs), dict(self.sentences)
        offsets = np.concatenate([[0], np.cumsum(self.driver_counts)]).astype(np.int32)
        drivers = pa.StructArray.from_arrays(
            [pa.array(self.driver_phrases, pa.string()), pa.array(self.driver_polarities, pa.float64())],
            fields=list(DRIVER_TYPE),
        )
        paragraphs["drivers"] = pa.ListArray.from_arrays(pa.array(offsets), drivers)
        rows = np.array(self.rows, dtype=np.int64).reshape(-1, 4)
        doc_ids = self.documents["doc_id"]
        terms, rows[:, 3] = self._terms_columns(doc_ids, rows[:, 0], packed)
        columns = list(zip(*self.mentions)) if self.mentions else [[] for _ in MATCHES_SCHEMA.names[1:]]
        matches = dict(zip(MATCHES_SCHEMA.names[1:], columns))
        for k, table in enumerate((paragraphs, sentences, matches)):
            table["doc_id"] = _repeated_strings(doc_ids, np.repeat(np.arange(len(doc_ids)), rows[:, k]))
        # Positions count from 1 in each document; sentences from 0 in each paragraph.
        positions = _counting_up(rows[:, 0]) + 1
        per_paragraph = np.concatenate(self.sentences_per_paragraph) if self.rows else np.empty(0, np.int64)
        paragraphs["position"] = positions
        sentences["position"] = np.repeat(positions, per_paragraph)
        sentences["sentence"] = _counting_up(per_paragraph)
        return Annotation(
            documents=pa.Table.from_pydict(self.documents, schema=DOCUMENTS_SCHEMA),
            paragraphs=pa.Table.from_pydict(paragraphs, schema=PARAGRAPHS_SCHEMA),
            sentences=pa.Table.from_pydict(sentences, schema=SENTENCES_SCHEMA),
            matches=pa.Table.from_pydict(matches, schema=MATCHES_SCHEMA),
            terms=pa.Table.from_pydict(terms, schema=_PACKED_TERMS_SCHEMA if packed else TERMS_SCHEMA),
            rows=rows,
        )

    def _terms_columns(
        self, doc_ids: Sequence[str], paragraphs: np.ndarray, packed: bool = False
    ) -> tuple[dict, np.ndarray]:
        """The columns of the rows of terms of every document (each has ``paragraphs[i]``
        paragraphs), and how many rows each has; doc_id and token dictionary-encoded when ``packed``.

        A row per distinct (group, token) of a document, in order of first appearance
        once its tokens are sorted by group (when some repeat earlier text). Done for
        all the documents at once: their groups and tokens are numbered apart.
        """
        if not self.terms:
            return {name: [] for name in TERMS_SCHEMA.names}, np.zeros(len(paragraphs), dtype=np.int64)
        codes, groups, vocabularies, unsorted = zip(*self.terms)
        first_code = np.cumsum([0] + [len(vocabulary) for vocabulary in vocabularies[:-1]])
        first_group = 2 * (np.cumsum(paragraphs) - paragraphs)
        code = np.concatenate([c + first for c, first in zip(codes, first_code)])
        group = np.concatenate([g + first for g, first in zip(groups, first_group)])
        if any(unsorted):  # documents follow each other, so one stable sort sorts each
            order = np.argsort(group, kind="stable")
            code, group = code[order], group[order]
        width = max(int(first_code[-1]) + len(vocabularies[-1]), 1)
        entries, keys = pd.factorize(group * width + code)  # (group, token) in order of first appearance
        key_group, term = np.divmod(keys, width)
        document = np.searchsorted(first_group, key_group, side="right") - 1
        strings = _indexed_strings if packed else _repeated_strings
        columns = {
            "doc_id": strings(doc_ids, document),
            "position": (key_group - first_group[document]) // 2 + 1,
            "token": strings(np.concatenate(vocabularies), term),
            "count": np.bincount(entries).astype(np.int32),
            "repeated": key_group % 2 == 1,
        }
        return columns, np.bincount(document, minlength=len(paragraphs))


def _counting_up(counts: np.ndarray) -> np.ndarray:
    """0, 1, … counts[0] - 1, 0, 1, … counts[1] - 1, …"""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def _repeated_strings(values: Sequence[str], indices: np.ndarray) -> pa.Array:
    """The string array ``values[indices]``, built in Arrow (faster than from Python objects)."""
    return _indexed_strings(values, indices).cast(pa.string())


def _indexed_strings(values: Sequence[str], indices: np.ndarray) -> pa.DictionaryArray:
    """``values[indices]`` dictionary-encoded (int32 indices; ``values`` may repeat)."""
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values, pa.string()))


def tag_paragraphs(
    texts: Sequence[str], sentences: Sequence[Sequence[str]], repeated: Sequence[Sequence[bool]], lexicon: Lexicon
) -> list[tuple[list[tuple], tuple[str, ...], tuple[str, ...], str]]:
    """:func:`tag_paragraph` of each paragraph of a document (its texts, the sentences of
    each and whether each sentence repeats earlier text), from one scan of the texts."""
    theme_order = {theme_id: i for i, theme_id in enumerate(lexicon.ids)}
    found: list[list] = [[] for _ in texts]
    for index, match in find_matches_in(texts, lexicon):
        found[index].append(match)
    tags = []
    for text, matches, paragraph_sentences, flags in zip(texts, found, sentences, repeated):
        if not matches:
            tags.append(_UNTAGGED)
            continue
        span_starts = [start for start, _ in sentence_spans(text, paragraph_sentences)]
        tags.append(_tag(matches, span_starts, flags, theme_order))
    return tags


_UNTAGGED: tuple[list[tuple], tuple[str, ...], tuple[str, ...], str] = ([], (), (), "")


def _tag(
    found: Sequence, span_starts: Sequence[int], repeated_flags: Sequence[bool], theme_order: Mapping[str, int]
) -> tuple[list[tuple], tuple[str, ...], tuple[str, ...], str]:
    """:func:`tag_paragraph` from the paragraph's matches and the start of each sentence."""
    mentions: list[tuple] = []
    counted_mentions: dict[str, int] = {}
    matched_terms: list[str] = []
    for match in found:
        # The sentence holding the match: the last to start at or before it (spans never overlap).
        sentence_index = bisect.bisect_right(span_starts, match.start) - 1
        repeated = sentence_index >= 0 and repeated_flags[sentence_index]
        for theme_id in match.theme_ids:
            mentions.append((sentence_index, theme_id, match.term, match.surface, match.start, match.end, repeated))
            if not repeated:
                counted_mentions[theme_id] = counted_mentions.get(theme_id, 0) + 1
                label = f"{theme_id}: {match.term}"
                if label not in matched_terms:
                    matched_terms.append(label)
    themes = tuple(sorted(counted_mentions, key=lambda t: theme_order.get(t, len(theme_order))))
    dominant = max(themes, key=lambda t: (counted_mentions[t], -theme_order.get(t, 0)), default="")
    return mentions, themes, tuple(matched_terms), dominant


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
    theme_order = {theme_id: i for i, theme_id in enumerate(lexicon.ids)}
    return _tag(find_matches(text, lexicon), [start for start, _ in spans], repeated_flags, theme_order)


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


def theme_mention_matrix(analysis: Analysis, pids: np.ndarray, include_repeats: bool) -> pd.DataFrame:
    """Mentions per paragraph (rows, ``pid``) and theme (columns, lexicon order)."""
    matches = analysis.matches
    matches = matches[matches["pid"].isin(pids)]
    if not include_repeats:
        matches = matches[~matches["repeated"]]
    table = pd.crosstab(matches["pid"], matches["theme"]) if len(matches) else pd.DataFrame()
    return table.reindex(index=pids, columns=list(analysis.theme_ids), fill_value=0)
