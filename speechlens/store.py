"""A researcher's own corpus, kept on disk: analyse each speech once, reopen instantly.

A store is a plain directory; there is no server. Speeches are parsed,
scored and tagged once, when they are added; reopening the store reads those
annotations back (sentiment is never re-scored, no document text is read), so
a corpus of thousands of speeches opens in seconds::

    store = Store("speechlens-data")
    report = store.add(documents, lexicon)      # AddReport: added, duplicates, refused
    store.list()                                # [StoredDocument, ...]
    analysis = store.load(lexicon)              # the same Analysis analyze() would give
    store.remove(["AFG_1993_UNGA48"])
    store.stale_segments()                      # segments another analysis version wrote
    store.reanalyze(lexicon)                    # ... analysed again

Layout::

    <store>/
      manifest.json            what the store holds (the only file a reader trusts)
      .lock                    taken (fcntl.flock) by the one process writing
      segments/<segment-id>/   the documents of one add, never modified afterwards
        documents.parquet      doc_id, metadata, sha256, text
        paragraphs.parquet     doc_id, position, ... (analysis.PARAGRAPH_COLUMNS)
        sentences.parquet      doc_id, position, sentence, text, voice, repeated,
                               polarity, subjectivity, repeat_of_position, repeat_of_sentence
        matches.parquet        doc_id, position, sentence, theme, term, surface, start, end, repeated
        terms.parquet          doc_id, position, token, count, repeated
        tags/<lexicon-fp>/     optional cache of a re-tagging with another lexicon:
                               matches.parquet and themes.parquet (doc_id, position,
                               themes, matched_terms, dominant_theme)
      cache/open-<key>/        optional: a large store's loaded tables as uncompressed
                               Arrow files, memory-mapped by the next load
                               (see speechlens.open_cache); deleted by every write

Every table is plain Parquet (zstd) keyed by (doc_id, paragraph position), never
by a global row number, so DuckDB, Spark, Dask or pandas can read the segments
directly, without conversion: e.g. in DuckDB
``SELECT theme, count(*) FROM 'speechlens-data/segments/*/matches.parquet' GROUP BY theme``.
To be exact, read only the segments ``manifest.json`` lists, and in them only
the doc_ids it lists: until the next write, a segment directory may also hold
documents since removed, and ``segments/`` the leftovers of an interrupted add.
``manifest.json`` lists every stored document in order: doc_id, the
:class:`~speechlens.model.DocumentMeta` fields, ``extra`` (metadata without a
DocumentMeta field, e.g. a UN speech's year and session), the sha256 of the
normalised text, its segment, paragraph and word counts, when it was added and
the fingerprint of the lexicon its segment was tagged with. Each segment's
entry records that lexicon fingerprint too, and the ``analysis`` version
(:data:`~speechlens.analysis.ANALYSIS_VERSION`) that wrote it; a segment
without one was written by version 1. The metadata and text digests in the
manifest are all :attr:`Analysis.fingerprint <speechlens.analysis.Analysis.fingerprint>`
needs, so loading reads no document text.

Crash safety: an add writes its segment into ``segments/.tmp-<uuid>/`` (every
file flushed and fsynced), renames it to its final name, then writes the new
manifest to a temporary file, fsyncs it and ``os.replace``-s it over the old
one (and fsyncs the directory). Until that replace the old manifest is intact
and is what every reader sees; a segment or temporary directory that the
manifest does not list is ignored, and deleted by the next successful write.
Re-analysing a segment is the same: a new segment, then one manifest replace.
One writer at a time: writers hold an exclusive ``flock`` on ``.lock`` while
they change the store; another writer waits up to ``lock_timeout`` seconds and
then fails with :class:`StoreLocked`. Readers take no lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import itertools
import json
import os
import re
import shutil
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from speechlens import __version__, open_cache
from speechlens.analysis import (
    ANALYSIS_VERSION,
    KEYED_TABLES,
    MATCH_COLUMNS,
    MATCHES_SCHEMA,
    META_FIELDS,
    PARAGRAPH_COLUMNS,
    SCHEMAS,
    SENTENCE_COLUMNS,
    STRING_META_FIELDS,
    THEME_COLUMNS,
    THEMES_SCHEMA,
    Analysis,
    AnalysisBuilder,
    Annotation,
    annotate,
    dictionary_chunks,
    digests_fingerprint,
    documents_of,
    tag_paragraphs,
)
from speechlens.model import SOURCE_TYPES, Document, DocumentMeta, is_iso_date
from speechlens.parsing import ParsedDocument, parse
from speechlens.text import text_sha256
from speechlens.themes import Lexicon, lexicon_fingerprint

__all__ = [
    "AddReport",
    "Duplicate",
    "Refusal",
    "Store",
    "StoreError",
    "StoreLocked",
    "StoredDocument",
    "default_store_dir",
    "metadata_from_row",
    "text_sha256",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent
STORE_DIR_ENV = "SPEECHLENS_DATA_DIR"
DEFAULT_STORE_DIR = PROJECT_DIR / "speechlens-data"

FORMAT = "speechlens-store"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SEGMENTS = "segments"
LOCK = ".lock"
TAGS = "tags"
CACHE = "cache"
# A store with at least this many paragraphs keeps its loaded tables as an open cache.
# Smaller ones load from Parquet in well under a second; the cache would only cost disk.
OPEN_CACHE_MIN_PARAGRAPHS = 20_000
TMP_PREFIX = ".tmp-"
DEFAULT_LOCK_TIMEOUT = 30.0
KEEP_TAGGINGS = 3  # cached re-taggings kept per segment (the newest)
UNVERSIONED_ANALYSIS = 1  # the analysis version of a segment whose manifest entry has none

# Test-only hooks: sleep this many seconds at a point of a write, so a test can kill it there.
PAUSE_BEFORE_COMMIT_ENV = "SPEECHLENS_TEST_PAUSE_BEFORE_COMMIT"  # segment renamed, manifest not yet
PAUSE_IN_SEGMENT_ENV = "SPEECHLENS_TEST_PAUSE_IN_SEGMENT"  # first segment file written, more to come

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Columns written with Parquet dictionary encoding: few distinct values. (Long
# texts are not: building a dictionary for them is wasted work.)
_DICTIONARY_COLUMNS = [
    "doc_id", "position", "section", "kind", "voice", "dominant_theme", "themes", "matched_terms",
    "theme", "term", "surface", "sentence", "token", "count", "repeated", "full_duplicate",
    "language", "source_type", "event", "country", "place",
]
# What load() reads of each table (sentences: not where a repeat comes from).
_LOAD_COLUMNS = {
    "paragraphs": PARAGRAPH_COLUMNS,
    "sentences": ["doc_id", "position", *SENTENCE_COLUMNS[1:]],
    "matches": ["doc_id", "position", *MATCH_COLUMNS[1:]],
    "terms": ["doc_id", "position", "token", "count", "repeated"],
}
# Columns read dictionary-encoded: repeated strings become one Python object each.
_READ_DICTIONARY = {
    "paragraphs": ["doc_id", "section", "kind", "voice", "dominant_theme"],
    "sentences": ["doc_id", "voice"],
    "matches": ["doc_id", "theme", "term", "surface"],
    "terms": ["doc_id", "token"],
}

# ----------------------------------------------------------------------------- values


class StoreError(ValueError):
    """The store cannot do what was asked; the message says why, ready for a user."""


class StoreLocked(StoreError):
    """Another process is writing to the store and did not finish in time."""


@dataclass(frozen=True)
class StoredDocument:
    """One document as the manifest lists it."""

    meta: DocumentMeta
    sha256: str  # of the normalised text
    segment: str
    paragraphs: int
    words: int
    added_at: str  # ISO 8601, UTC
    lexicon: str  # fingerprint of the lexicon its segment was tagged with
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    @property
    def year(self) -> str:
        """The year of the date, else the ``year`` given in the extra metadata, else ""."""
        return self.meta.date[:4] if self.meta.date else str(self.extra.get("year", ""))


@dataclass(frozen=True)
class Duplicate:
    """A document not stored because its text is already stored (or earlier in the same add)."""

    doc_id: str
    duplicate_of: str  # the doc_id of the stored (or earlier) document with the same text
    index: int = -1  # its position in the documents given to add()


@dataclass(frozen=True)
class Refusal:
    """A document not stored because of a problem; ``message`` names it and says what to do."""

    doc_id: str
    message: str
    index: int = -1  # its position in the documents given to add()


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    segment: str | None = None  # the segment written, None when nothing was added


@dataclass(frozen=True)
class _Candidate:
    """What deciding whether to store a document needs: not its text, nor its analysis."""

    meta: DocumentMeta
    extra: Mapping[str, str]
    problem: str  # why it cannot be stored, or ""
    digest: Callable[[], str]  # text_sha256 of its text (only asked for when there is no problem)
    paragraphs: int
    words: int


def default_store_dir() -> Path:
    """``$SPEECHLENS_DATA_DIR``, else ``speechlens-data/`` in the project directory."""
    configured = os.environ.get(STORE_DIR_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_STORE_DIR


# A metadata table's column -> the DocumentMeta field it fills (first non-empty wins).
# Columns are those of ../shared/corpora/ungdc-dev/metadata.csv and of DocumentMeta itself.
METADATA_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "doc_id": ("doc_id", "id"),
    "title": ("title",),
    "speaker": ("speaker",),
    "post": ("post", "speaker_post"),
    "country": ("country",),
    "event": ("event",),
    "place": ("place",),
    "date": ("date", "date_if_known"),
    "source_type": ("source_type",),
    "language": ("language",),
}
# Columns kept as extra metadata (StoredDocument.extra), which DocumentMeta has no field for.
EXTRA_COLUMNS = ("year", "session", "iso3", "party", "corpus")


def metadata_from_row(row: Mapping[str, str | None]) -> tuple[dict[str, str | tuple[str, ...]], dict[str, str]]:
    """(DocumentMeta fields, extra metadata) from one row of a metadata table; empty cells are left out.

    ``speaker_aliases`` may list several names separated by ";".
    """
    def cell(name: str) -> str:
        value = row.get(name)
        return " ".join(value.split()) if isinstance(value, str) else ""

    values: dict[str, str | tuple[str, ...]] = {}
    for field_name, columns in METADATA_COLUMNS.items():
        found = next((cell(column) for column in columns if cell(column)), "")
        if found:
            values[field_name] = found
    aliases = tuple(alias.strip() for alias in cell("speaker_aliases").split(";") if alias.strip())
    if aliases:
        values["speaker_aliases"] = aliases
    extra = {name: cell(name) for name in EXTRA_COLUMNS if cell(name)}
    return values, extra


# ----------------------------------------------------------------------------- the store


class Store:
    """A corpus in the directory ``path`` (created on the first add)."""

    def __init__(self, path: str | Path | None = None, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.path = Path(path) if path is not None else default_store_dir()
        self.lock_timeout = lock_timeout
        # The thread writing an open cache after load(keep_open_cache=True), if one was started.
        self.open_cache_writer: threading.Thread | None = None
        self.open_cache_saved: Path | None = None  # the open cache that thread wrote, once written
        # The open cache folder of the last load's manifest and lexicon (it may not exist, or not yet):
        # where what else is derived from that data may be kept (see speechlens.opening_view).
        self.open_cache_folder: Path | None = None
        self._last_manifest: tuple[tuple, dict] | None = None  # (file version, parsed): see _read_manifest

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ------------------------------------------------------------------ reading

    def manifest(self) -> dict:
        """The current manifest (an empty one when the store does not exist yet); the caller's to change."""
        path = self.path / MANIFEST
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return _empty_manifest()
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror}") from error
        return self._parsed(raw, path)

    def _read_manifest(self) -> dict:
        """The current manifest, shared between readers: never to be changed.

        Parsed once per version of the file (a write replaces it, so a new file
        means a new version): on the UN General Debate, parsing takes 65 ms,
        and opening the dashboard used to do it twice.
        """
        path = self.path / MANIFEST
        try:
            with open(path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                version = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
                if self._last_manifest is not None and self._last_manifest[0] == version:
                    return self._last_manifest[1]
                raw = handle.read()
        except FileNotFoundError:
            return _empty_manifest()
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror}") from error
        manifest = self._parsed(raw, path)
        self._last_manifest = (version, manifest)
        return manifest

    @staticmethod
    def _parsed(raw: bytes, path: Path) -> dict:
        try:
            manifest = json.loads(raw)
        except ValueError as error:
            raise StoreError(f"{path} is damaged (not valid JSON: {error})") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise StoreError(f"{path} is not a SpeechLens store manifest")
        version = manifest.get("version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise StoreError(
                f"{path} has store format version {version!r}; this SpeechLens reads version "
                f"{FORMAT_VERSION} or older: upgrade SpeechLens"
            )
        return manifest

    def list(self) -> list[StoredDocument]:
        """Every stored document, in the order they were added."""
        return [_stored_document(entry) for entry in self._read_manifest()["documents"]]

    def extras(self) -> dict[str, dict[str, str]]:
        """doc_id -> the extra metadata columns stored with it (cheaper than ``list`` on a large store)."""
        return {entry["doc_id"]: dict(entry.get("extra") or {}) for entry in self._read_manifest()["documents"]}

    def __len__(self) -> int:
        return len(self._read_manifest()["documents"])

    def __contains__(self, doc_id: object) -> bool:
        return any(entry["doc_id"] == doc_id for entry in self._read_manifest()["documents"])

    @property
    def generation(self) -> int:
        """Counts the changes made to the store."""
        return int(self._read_manifest().get("generation", 0))

    @property
    def fingerprint(self) -> str:
        """12 hex characters that change when a document is added or removed (a cache key).

        Unlike :attr:`Analysis.fingerprint <speechlens.analysis.Analysis.fingerprint>` it does
        not depend on the lexicon, and it is computed from the manifest alone.
        """
        digest = hashlib.sha256(FORMAT.encode())
        for entry in self._read_manifest()["documents"]:
            digest.update(b"\0doc\0")
            digest.update(json.dumps(_meta_dict(entry), sort_keys=True, ensure_ascii=False).encode())
            digest.update(entry["sha256"].encode())
        return digest.hexdigest()[:12]

    def stale_segments(self) -> list[str]:
        """The segments written by another analysis version than this one's
        (:data:`~speechlens.analysis.ANALYSIS_VERSION`), in manifest order; see :meth:`reanalyze`."""
        return [
            segment for segment, info in self._read_manifest()["segments"].items()
            if info.get("analysis", UNVERSIONED_ANALYSIS) != ANALYSIS_VERSION
        ]  # fmt: skip

    def load(self, lexicon: Lexicon, *, cache_tags: bool = True, keep_open_cache: bool = False) -> Analysis:
        """All stored documents as one :class:`~speechlens.analysis.Analysis`.

        The result equals ``analyze(documents, lexicon)`` for the stored
        documents in manifest order (the same tables, columns, dtypes, values,
        pids, term index and fingerprint), but nothing is re-scored: the stored
        annotations are read back, and no document text is read. Segments tagged
        with another lexicon are re-tagged from the stored paragraph text and
        sentences (matches and the theme columns only); with ``cache_tags`` the
        re-tagging is saved beside the segment, when no writer holds the store,
        so the next load is fast.

        Segments written by another analysis version (:meth:`stale_segments`)
        are loaded as they were stored: their values are what that version
        computed, so they may differ from what ``analyze`` gives today until
        :meth:`reanalyze` (``python -m speechlens reanalyze``) rewrites them.

        A store of :data:`OPEN_CACHE_MIN_PARAGRAPHS` paragraphs or more opens in a
        fraction of a second from its open cache (:mod:`speechlens.open_cache`),
        if it has one for this manifest and lexicon. With ``keep_open_cache``, a
        load without one writes one in a background thread
        (:attr:`open_cache_writer`), when no writer holds the store.
        """
        for attempt in range(3):
            manifest = self._read_manifest()
            try:
                with _ordinary_pages():
                    return self._load(manifest, lexicon, cache_tags, keep_open_cache)
            except FileNotFoundError as error:
                # A writer may have removed a segment after we read the manifest: read it again.
                if attempt == 2 or self._read_manifest().get("generation") == manifest.get("generation"):
                    raise StoreError(f"the store at {self.path} is damaged: {error}") from error
            except (KeyError, TypeError, pa.ArrowException) as error:
                raise StoreError(f"the store at {self.path} is damaged: {error!r}") from error
        raise AssertionError("unreachable")

    def keep_open_cache(self, lexicon: Lexicon) -> bool:
        """Write the store's open cache for ``lexicon`` now, waiting for it, if the store is
        large enough to have one and has none yet; True when one was written.

        What the dashboard's first opening after a change would otherwise do in the
        background, while its first visitor waits; ``python -m speechlens add`` calls it.
        """
        if sum(int(entry["paragraphs"]) for entry in self._read_manifest()["documents"]) < OPEN_CACHE_MIN_PARAGRAPHS:
            return False
        self.open_cache_writer = self.open_cache_saved = None
        self.load(lexicon, keep_open_cache=True)
        if self.open_cache_writer is None:
            return False
        self.open_cache_writer.join()
        return self.open_cache_saved is not None

    def documents(self, doc_ids: Iterable[str] | None = None) -> list[Document]:
        """The stored documents as :class:`~speechlens.model.Document` values, in manifest order.

        They equal the documents that were added (so they can be analysed
        again, e.g. after the analysis itself has changed).
        """
        manifest = self.manifest()
        entries = manifest["documents"]
        if doc_ids is not None:
            wanted = set(doc_ids)
            _check_known(wanted, {entry["doc_id"] for entry in entries}, self.path)
            entries = [entry for entry in entries if entry["doc_id"] in wanted]
        built: dict[str, Document] = {}
        for segment, live in _segments_of(entries).items():
            built.update(self._segment_documents(segment, live))
        return [built[entry["doc_id"]] for entry in entries]

    # ------------------------------------------------------------------ writing

    def add(
        self,
        documents: Sequence[Document],
        lexicon: Lexicon,
        *,
        extra: Mapping[str, Mapping[str, str]] | None = None,
        progress: Callable[[int, int], None] | None = None,
        analyzer: Callable[..., Analysis] | None = None,
    ) -> AddReport:
        """Analyse ``documents`` and store them, as one new segment, atomically.

        A document whose normalised text is already stored (or comes earlier in
        ``documents``) is not stored again: the report lists it under
        ``duplicates`` with the doc_id it duplicates. A document whose doc_id is
        taken by a stored document with another text, or whose values are
        invalid, is refused (``refused``, with a message). ``extra`` gives
        metadata beyond DocumentMeta's fields per doc_id (e.g. {"year": "1946"}).
        ``progress(done, total)`` is called as documents are analysed.
        ``analyzer(documents, lexicon, progress=...)``, when given, replaces
        :func:`~speechlens.analysis.analyze` (and must return what it would).

        The analysis runs without the lock; the lock is taken to check the
        documents again against the manifest of that moment and to commit.
        """
        documents = list(documents)
        extra = extra or {}
        candidates = [_document_candidate(document, extra.get(document.meta.doc_id)) for document in documents]
        report = AddReport()
        total = len(documents)
        indices = self._screen(candidates, range(total), self.manifest(), report)
        accepted = [documents[i] for i in indices]
        skipped = total - len(accepted)
        if progress is not None and skipped:
            progress(skipped, total)
        if not accepted:
            return report

        def analysed(done: int, _: int) -> None:
            if progress is not None:
                progress(skipped + done, total)

        digests = [candidates[i].digest() for i in indices]
        if analyzer is None:
            extras = [extra.get(document.meta.doc_id, {}) for document in accepted]
            annotation = annotate(accepted, lexicon, extras=extras, digests=digests, progress=analysed)
        else:
            analysis = analyzer(accepted, lexicon, progress=analysed)
            annotation = _annotation_of_analysis(accepted, analysis, digests, extra)
        return self._commit_annotation(annotation, indices, candidates, indices, lexicon, report)

    def add_annotated(self, annotation: Annotation, lexicon: Lexicon) -> AddReport:
        """Store documents already annotated with ``lexicon`` (see :func:`~speechlens.analysis.annotate`),
        as :meth:`add` does; ``Duplicate.index`` and ``Refusal.index`` count its documents."""
        candidates = _annotation_candidates(annotation)
        everything = range(len(candidates))
        if not candidates:
            return AddReport()
        # Screened under the lock only: the analysis is done already.
        return self._commit_annotation(annotation, everything, candidates, everything, lexicon, AddReport())

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Remove documents by doc_id; returns the ids removed, in manifest order.

        Unknown ids raise :class:`StoreError` naming them, and nothing is
        removed. Only the manifest is rewritten; a segment is deleted once none
        of its documents is listed any more.
        """
        wanted = list(dict.fromkeys(doc_ids))
        if not wanted:
            return []
        # Checked before taking the lock too, so a mistyped id never creates a store directory.
        _check_known(set(wanted), {entry["doc_id"] for entry in self.manifest()["documents"]}, self.path)
        with self._locked():
            manifest = self.manifest()
            entries = manifest["documents"]
            _check_known(set(wanted), {entry["doc_id"] for entry in entries}, self.path)
            removed = [entry["doc_id"] for entry in entries if entry["doc_id"] in set(wanted)]
            kept = [entry for entry in entries if entry["doc_id"] not in set(wanted)]
            live_segments = {entry["segment"] for entry in kept}
            manifest = dict(manifest)
            manifest["documents"] = kept
            manifest["segments"] = {
                segment: info for segment, info in manifest["segments"].items() if segment in live_segments
            }
            self._commit(manifest)
        return removed

    def reanalyze(
        self, lexicon: Lexicon, *, segments: Iterable[str] | None = None,
        progress: Callable[[int, int], None] | None = None, jobs: int | None = 1,
    ) -> list[str]:
        """Analyse the documents of stale segments (:meth:`stale_segments`, or the ``segments``
        given) again from their stored text, with this version's parser and analysis and
        ``lexicon``; returns the segments replaced.

        Each segment is replaced atomically by a new one (a crash leaves it as
        it was); its documents keep their place, metadata, digest and added time.
        ``progress(done, total)`` is called after each segment. ``jobs``: the
        processes that parse and analyse (None: every core). With more than one,
        the documents are analysed in worker processes outside the writer lock,
        and a segment that another writer changes meanwhile is left as it is,
        with a :class:`StoreError` (run it again).
        """
        todo = self.stale_segments() if segments is None else list(dict.fromkeys(segments))
        lexicon_fp = lexicon_fingerprint(lexicon)
        if jobs is None or jobs > 1:
            return self._reanalyze_in_workers(todo, lexicon, lexicon_fp, jobs, progress)
        replaced = []
        for done, segment in enumerate(todo, start=1):
            with self._locked():
                manifest = self.manifest()
                entries = self._segment_entries(manifest, segment)
                texts = self._segment_texts(segment, [entry["doc_id"] for entry in entries])
                annotation = annotate(
                    [parse(texts[entry["doc_id"]], _meta_from_entry(entry)) for entry in entries], lexicon,
                    extras=[entry.get("extra") or {} for entry in entries],
                    digests=[entry["sha256"] for entry in entries],
                )
                self._replace_segment(manifest, segment, entries, annotation, lexicon_fp)
            replaced.append(segment)
            if progress is not None:
                progress(done, len(todo))
        return replaced

    def _reanalyze_in_workers(
        self, todo: Sequence[str], lexicon: Lexicon, lexicon_fp: str, jobs: int | None,
        progress: Callable[[int, int], None] | None,
    ) -> list[str]:
        from speechlens.ingest import prepare  # ingest builds on this module

        manifest = self.manifest()
        plan = []
        sources = []
        for segment in todo:
            entries = self._segment_entries(manifest, segment)
            texts = self._segment_texts(segment, [entry["doc_id"] for entry in entries])
            plan.append((segment, entries))
            sources += [(texts[entry["doc_id"]], entry) for entry in entries]
        prepared = prepare(sources, lexicon, read=_stored_source, jobs=jobs)
        try:
            return self._replace_prepared(plan, prepared, lexicon_fp, progress)
        finally:
            prepared.close()  # stops the workers at once if a segment failed

    def _replace_prepared(
        self, plan: Sequence[tuple[str, list[dict]]], prepared: Iterator, lexicon_fp: str,
        progress: Callable[[int, int], None] | None,
    ) -> list[str]:
        from speechlens.ingest import _batch_annotation  # ingest builds on this module

        replaced = []
        for done, (segment, entries) in enumerate(plan, start=1):
            batch = list(itertools.islice(prepared, len(entries)))
            refused = [item for item in batch if item.error is not None]
            if refused:
                raise StoreError(f"the store at {self.path} holds a text that no longer parses: {refused[0].error}")
            with self._locked():
                current = self.manifest()
                now = [entry for entry in current["documents"] if entry["segment"] == segment]
                if segment not in current["segments"] or [e["doc_id"] for e in now] != [e["doc_id"] for e in entries]:
                    raise StoreError(
                        f"the store at {self.path} changed while segment {segment} was re-analysed; "
                        f"it is left as it was: run reanalyze again"
                    )
                self._replace_segment(current, segment, now, _batch_annotation(batch), lexicon_fp)
            replaced.append(segment)
            if progress is not None:
                progress(done, len(plan))
        return replaced

    def _segment_entries(self, manifest: Mapping, segment: str) -> list[dict]:
        if segment not in manifest["segments"]:
            raise StoreError(f"the store at {self.path} has no segment {segment!r}")
        return [entry for entry in manifest["documents"] if entry["segment"] == segment]

    def _replace_segment(
        self, manifest: dict, segment: str, entries: Sequence[Mapping], annotation: Annotation, lexicon_fp: str,
    ) -> None:
        """Write ``annotation`` (of ``entries``, in order) as a new segment in place of ``segment``
        and commit (holding the lock)."""
        new_segment = _new_segment_id()
        self._write_segment(new_segment, annotation.tables())
        manifest = dict(manifest)
        manifest["segments"] = {
            (new_segment if name == segment else name): (
                _segment_info(_now(), lexicon_fp, len(entries)) if name == segment else info
            )
            for name, info in manifest["segments"].items()
        }
        rows = dict(zip([entry["doc_id"] for entry in entries], annotation.rows[:, 0].tolist()))
        words = _words_per_document(annotation)
        manifest["documents"] = [
            {**entry, "segment": new_segment, "lexicon": lexicon_fp, "paragraphs": rows[entry["doc_id"]],
             "words": words[entry["doc_id"]]} if entry["segment"] == segment else entry
            for entry in manifest["documents"]
        ]  # fmt: skip
        self._commit(manifest)

    # ------------------------------------------------------------------ internals: writing

    def _commit_annotation(
        self, annotation: Annotation, annotated: Iterable[int], candidates: Sequence[_Candidate],
        indices: Sequence[int], lexicon: Lexicon, report: AddReport,
    ) -> AddReport:
        """Store ``candidates[i]`` for ``i`` in ``indices`` as a new segment, once checked again
        under the lock; ``annotation`` holds the documents of the candidates ``annotated`` lists."""
        lexicon_fp = lexicon_fingerprint(lexicon)
        position_of = {index: k for k, index in enumerate(annotated)}
        with self._locked():
            manifest = self.manifest()
            # Check again: another writer may have added some of these meanwhile.
            kept = self._screen(candidates, indices, manifest, report)
            if not kept:
                return report
            annotation = annotation.select([position_of[index] for index in kept])
            segment = _new_segment_id()
            self._write_segment(segment, annotation.tables())
            now = _now()
            manifest = dict(manifest)
            manifest["segments"] = {**manifest["segments"], segment: _segment_info(now, lexicon_fp, len(kept))}
            manifest["documents"] = manifest["documents"] + [
                _manifest_entry(candidates[index], segment, now, lexicon_fp) for index in kept
            ]
            _pause(PAUSE_BEFORE_COMMIT_ENV)
            self._commit(manifest)
        report.added = [candidates[index].meta.doc_id for index in kept]
        report.segment = segment
        return report

    @contextmanager
    def _locked(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's exclusive writer lock, waiting up to ``timeout`` seconds for it."""
        self._prepare_directory()
        timeout = self.lock_timeout if timeout is None else timeout
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                        raise StoreLocked(
                            f"the store at {self.path} is being changed by another process"
                            f"{f' ({holder})' if holder else ''}; waited {timeout:g} s. "
                            f"Try again when it has finished."
                        ) from None
                    time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, since {_now()}\n".encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def create(self) -> None:
        """Make the store's directory if need be; StoreError when it is a folder of something else."""
        self._prepare_directory()

    def _prepare_directory(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a store directory")
        if self.path.is_dir() and not (self.path / MANIFEST).exists():
            others = [p.name for p in self.path.iterdir() if p.name not in (LOCK, SEGMENTS)]
            if others:
                raise StoreError(
                    f"{self.path} is not a SpeechLens store (it has no {MANIFEST}) and is not empty; "
                    f"choose an empty or new directory"
                )
        (self.path / SEGMENTS).mkdir(parents=True, exist_ok=True)

    def _write_segment(self, segment: str, tables: Mapping[str, pa.Table]) -> None:
        segments = self.path / SEGMENTS
        tmp = segments / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        tmp.mkdir()
        (first, table), *others = tables.items()
        _write_parquet(table, tmp / f"{first}.parquet")
        _pause(PAUSE_IN_SEGMENT_ENV)
        # Parquet encoding runs without the GIL: the other files are written side by side.
        with ThreadPoolExecutor(max_workers=len(others) or 1, thread_name_prefix="speechlens-parquet") as pool:
            list(pool.map(lambda item: _write_parquet(item[1], tmp / f"{item[0]}.parquet"), others))
        _fsync_dir(tmp)
        os.rename(tmp, segments / segment)
        _fsync_dir(segments)

    def _commit(self, manifest: dict) -> None:
        """Replace the manifest atomically, then delete what it no longer lists."""
        manifest["generation"] = int(manifest.get("generation", 0)) + 1
        manifest["updated_at"] = _now()
        tmp = self.path / f"{MANIFEST}{TMP_PREFIX}{uuid.uuid4().hex}"
        with open(tmp, "wb") as handle:
            handle.write(json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path / MANIFEST)
        _fsync_dir(self.path)
        try:
            self._clean(manifest)
        except OSError:
            pass  # committed all the same; the next write tries again

    def _clean(self, manifest: dict) -> None:
        """Delete segments and temporary files the manifest does not list (holding the lock)."""
        live = set(manifest["segments"])
        for path in self.path.iterdir():
            if path.name.startswith(MANIFEST + TMP_PREFIX):
                path.unlink(missing_ok=True)
        _clear_cache(self.path / CACHE)  # every open cache belongs to an earlier manifest
        segments = self.path / SEGMENTS
        for path in segments.iterdir():
            if path.name not in live:
                _delete(path)
            elif (path / TAGS).is_dir():
                for tagging in (path / TAGS).iterdir():
                    if tagging.name.startswith(TMP_PREFIX):
                        _delete(tagging)

    def _screen(
        self, candidates: Sequence[_Candidate], indices: Iterable[int], manifest: dict, report: AddReport,
    ) -> list[int]:
        """The indices of the ``candidates[i]`` to store, of those ``indices`` lists; the others
        go into ``report`` as duplicates or refusals."""
        stored_by_id = {entry["doc_id"]: entry["sha256"] for entry in manifest["documents"]}
        stored_by_hash = {entry["sha256"]: entry["doc_id"] for entry in manifest["documents"]}
        batch_by_id: dict[str, str] = {}
        batch_by_hash: dict[str, str] = {}
        accepted = []
        for index in indices:
            candidate = candidates[index]
            doc_id = candidate.meta.doc_id
            if candidate.problem:
                report.refused.append(Refusal(doc_id, candidate.problem, index))
                continue
            digest = candidate.digest()
            if doc_id in stored_by_id:
                if stored_by_id[doc_id] == digest:
                    report.duplicates.append(Duplicate(doc_id, doc_id, index))
                else:
                    report.refused.append(Refusal(doc_id, (
                        f"{doc_id}: the doc_id is already used by a stored document with a different text; "
                        f"remove that one first (python -m speechlens remove {doc_id}) or give this one "
                        f"another doc_id"
                    ), index))  # fmt: skip
            elif digest in stored_by_hash:
                report.duplicates.append(Duplicate(doc_id, stored_by_hash[digest], index))
            elif doc_id in batch_by_id:
                if batch_by_id[doc_id] == digest:
                    report.duplicates.append(Duplicate(doc_id, doc_id, index))
                else:
                    report.refused.append(Refusal(doc_id, (
                        f"{doc_id}: another document being added has the same doc_id and a different "
                        f"text; give one of them another doc_id"
                    ), index))  # fmt: skip
            elif digest in batch_by_hash:
                report.duplicates.append(Duplicate(doc_id, batch_by_hash[digest], index))
            else:
                batch_by_id[doc_id] = digest
                batch_by_hash[digest] = doc_id
                accepted.append(index)
        return accepted

    # ------------------------------------------------------------------ internals: reading

    def _segment_dir(self, segment: str) -> Path:
        return self.path / SEGMENTS / segment

    def _load(self, manifest: dict, lexicon: Lexicon, cache_tags: bool, keep_open_cache: bool) -> Analysis:
        entries = manifest["documents"]
        metas = {entry["doc_id"]: _meta_from_entry(entry) for entry in entries}
        lexicon_fp = lexicon_fingerprint(lexicon)
        # pid of a paragraph = first pid of its document + position - 1, documents in manifest order.
        first_pid: dict[str, int] = {}
        next_pid = 0
        for entry in entries:
            first_pid[entry["doc_id"]] = next_pid
            next_pid += int(entry["paragraphs"])
        cached_at = self.path / CACHE / _open_cache_name(manifest, lexicon_fp)
        large = next_pid >= OPEN_CACHE_MIN_PARAGRAPHS
        self.open_cache_folder = cached_at if large else None
        if large:
            cached = _open_cached(cached_at, metas, lexicon, next_pid)
            if cached is not None:
                return cached
        fingerprint = digests_fingerprint(((metas[entry["doc_id"]], entry["sha256"]) for entry in entries), lexicon)

        def read(segment: str) -> dict[str, pa.Table]:
            folder = self._segment_dir(segment)
            tables = {name: _read(folder, name) for name in ("paragraphs", "sentences", "terms")}
            if manifest["segments"][segment]["lexicon"] == lexicon_fp:
                tables["matches"] = _read(folder, "matches")
            else:
                tables["paragraphs"], tables["matches"] = self._retagged(
                    segment, tables["paragraphs"], lexicon, lexicon_fp, cache_tags
                )
            return tables

        builder = AnalysisBuilder()
        segments = _segments_of(entries)
        for segment, tables in _read_ahead(segments, read):
            bases = {doc_id: first_pid[doc_id] for doc_id in segments[segment]}
            for name in KEYED_TABLES:
                builder.add(name, *_with_pid(tables.pop(name), bases, keep_key=name == "paragraphs"))
        damaged = StoreError(f"the store at {self.path} is damaged: its segments do not match its manifest")
        if builder.paragraphs.rows != next_pid:
            raise damaged
        try:
            analysis = builder.build(metas, lexicon, fingerprint)
        except ValueError as error:  # paragraphs missing or twice
            raise damaged from error
        if keep_open_cache and large:
            self.open_cache_writer = threading.Thread(
                target=self._keep_open_cache, args=(analysis, cached_at, manifest.get("generation")),
                name="speechlens-open-cache", daemon=True,
            )
            self.open_cache_writer.start()
        return analysis

    def _keep_open_cache(self, analysis: Analysis, folder: Path, generation: object) -> None:
        """Save ``analysis`` as the open cache ``folder``, in place of any other (older ones,
        or this one if it could not be read), if no writer holds the store and it is still
        at ``generation``; best effort. Sets :attr:`open_cache_saved` when done."""
        try:
            with self._locked(timeout=0):
                if self._read_manifest().get("generation") != generation:
                    return
                _clear_cache(folder.parent)
                folder.parent.mkdir(exist_ok=True)
                open_cache.save(analysis, folder)
                self.open_cache_saved = folder
        except (OSError, ValueError, pa.ArrowException):  # StoreLocked included
            return  # a read-only store, a full disk, or one being changed: the next load tries again

    def _retagged(
        self, segment: str, paragraphs: pa.Table, lexicon: Lexicon, lexicon_fp: str, cache_tags: bool
    ) -> tuple[pa.Table, pa.Table]:
        """The segment's paragraphs with theme columns for ``lexicon``, and its matches."""
        folder = self._segment_dir(segment)
        cached = folder / TAGS / lexicon_fp
        try:
            themes = pq.read_table(cached / "themes.parquet", read_dictionary=["doc_id"])
            matches = pq.read_table(cached / "matches.parquet", read_dictionary=_READ_DICTIONARY["matches"])
        except FileNotFoundError:
            columns = ["doc_id", "position", "text", "repeated"]
            themes, matches = _retag(paragraphs, pq.read_table(folder / "sentences.parquet", columns=columns), lexicon)
            if cache_tags:
                self._cache_tagging(segment, lexicon_fp, {"themes.parquet": themes, "matches.parquet": matches})
        return _replace_themes(paragraphs, themes), _dictionary_encoded(matches, _READ_DICTIONARY["matches"])

    def _cache_tagging(self, segment: str, lexicon_fp: str, tables: Mapping[str, pa.Table]) -> None:
        """Save a re-tagging beside its segment, if no writer holds the store; best effort."""
        try:
            with self._locked(timeout=0):
                folder = self._segment_dir(segment) / TAGS
                folder.mkdir(exist_ok=True)
                target = folder / lexicon_fp
                if target.exists():
                    return
                tmp = folder / f"{TMP_PREFIX}{uuid.uuid4().hex}"
                tmp.mkdir()
                for name, table in tables.items():
                    _write_parquet(table, tmp / name)
                _fsync_dir(tmp)
                os.rename(tmp, target)
                _fsync_dir(folder)
                taggings = sorted(
                    (p for p in folder.iterdir() if not p.name.startswith(TMP_PREFIX)),
                    key=lambda p: p.stat().st_mtime_ns, reverse=True,
                )
                for old in taggings[KEEP_TAGGINGS:]:
                    if old != target:
                        _delete(old)
        except (OSError, StoreError):  # StoreLocked included
            return  # a read-only store, or one being changed: the next load re-tags again

    def _segment_texts(self, segment: str, doc_ids: Sequence[str]) -> dict[str, str]:
        table = pq.read_table(self._segment_dir(segment) / "documents.parquet", columns=["doc_id", "text"])
        table = _only_docs(table, set(doc_ids))
        return dict(zip(table["doc_id"].to_pylist(), table["text"].to_pylist()))

    def _segment_documents(self, segment: str, live: Sequence[str]) -> dict[str, Document]:
        folder = self._segment_dir(segment)
        keep = set(live)
        tables = [_only_docs(pq.read_table(folder / f"{name}.parquet"), keep)
                  for name in ("documents", "paragraphs", "sentences")]
        return {document.meta.doc_id: document for document in documents_of(*tables)}


# ----------------------------------------------------------------------------- manifest helpers


def _empty_manifest() -> dict:
    return {"format": FORMAT, "version": FORMAT_VERSION, "generation": 0, "segments": {}, "documents": []}


def _stored_source(source: tuple[str, Mapping]) -> tuple[ParsedDocument, dict[str, str], str]:
    """A stored document, for :func:`speechlens.ingest.prepare`: parsed again, with its extra
    metadata and its stored digest (reanalyze keeps it)."""
    text, entry = source
    return parse(text, _meta_from_entry(entry)), dict(entry.get("extra") or {}), entry["sha256"]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _new_segment_id() -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


def _segment_info(now: str, lexicon_fp: str, documents: int) -> dict:
    return {
        "created_at": now, "lexicon": lexicon_fp, "documents": documents, "speechlens": __version__,
        "analysis": ANALYSIS_VERSION,
    }  # fmt: skip


def _meta_dict(entry: Mapping) -> dict:
    return {name: entry.get(name, "") for name in META_FIELDS if name != "speaker_aliases"} | {
        "speaker_aliases": list(entry.get("speaker_aliases") or [])
    }


def _meta_from_entry(entry: Mapping) -> DocumentMeta:
    values = {name: entry[name] for name in STRING_META_FIELDS if entry.get(name) is not None}
    return DocumentMeta(**values, speaker_aliases=tuple(entry.get("speaker_aliases") or ()))


def _stored_document(entry: Mapping) -> StoredDocument:
    return StoredDocument(
        meta=_meta_from_entry(entry),
        sha256=entry["sha256"],
        segment=entry["segment"],
        paragraphs=int(entry["paragraphs"]),
        words=int(entry["words"]),
        added_at=entry["added_at"],
        lexicon=entry["lexicon"],
        extra=dict(entry.get("extra") or {}),
    )


def _manifest_entry(candidate: _Candidate, segment: str, now: str, lexicon_fp: str) -> dict:
    return {
        **_meta_dict(vars(candidate.meta)),
        "extra": dict(candidate.extra),
        "sha256": candidate.digest(),
        "segment": segment,
        "paragraphs": candidate.paragraphs,
        "words": candidate.words,
        "added_at": now,
        "lexicon": lexicon_fp,
    }


def _segments_of(entries: Sequence[Mapping]) -> dict[str, list[str]]:
    """Segment id -> its listed doc_ids, segments in order of first appearance."""
    segments: dict[str, list[str]] = {}
    for entry in entries:
        segments.setdefault(entry["segment"], []).append(entry["doc_id"])
    return segments


def _check_known(wanted: set[str], known: set[str], path: Path) -> None:
    unknown = sorted(wanted - known)
    if unknown:
        listed = ", ".join(repr(doc_id) for doc_id in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise StoreError(
            f"not in the store at {path}: {listed}; nothing was changed "
            f"(python -m speechlens list shows the stored doc_ids)"
        )


# ----------------------------------------------------------------------------- candidates


def _document_candidate(document: Document, extra: Mapping[str, str] | None) -> _Candidate:
    digest: list[str] = []

    def text_digest() -> str:  # computed once, when first asked for
        if not digest:
            digest.append(text_sha256(document.text))
        return digest[0]

    return _Candidate(
        meta=document.meta,
        extra=dict(extra or {}),
        problem=_meta_problem(document.meta, extra) or _paragraphs_problem(document),
        digest=text_digest,
        paragraphs=len(document.paragraphs),
        words=sum(paragraph.words for paragraph in document.paragraphs),
    )


def _annotation_candidates(annotation: Annotation) -> list[_Candidate]:
    """A candidate per annotated document (numbered 1, 2, 3 … by annotate: only its metadata is checked)."""
    rows = annotation.documents.drop_columns(["text"]).to_pylist()
    words = _words_per_document(annotation)
    candidates = []
    for row, paragraphs in zip(rows, annotation.rows[:, 0].tolist()):
        meta = _meta_from_entry({**row, "speaker_aliases": row["speaker_aliases"] or []})
        extra = json.loads(row["extra"])
        candidates.append(_Candidate(
            meta=meta, extra=extra, problem=_meta_problem(meta, extra), digest=lambda digest=row["sha256"]: digest,
            paragraphs=paragraphs, words=words[meta.doc_id],
        ))  # fmt: skip
    return candidates


def _words_per_document(annotation: Annotation) -> dict[str, int]:
    counts = annotation.rows[:, 0]
    document = np.repeat(np.arange(len(counts)), counts)
    totals = np.bincount(document, weights=annotation.paragraphs["words"].to_numpy(), minlength=len(counts))
    return dict(zip(annotation.documents["doc_id"].to_pylist(), totals.astype(np.int64).tolist()))


def _meta_problem(meta: DocumentMeta, extra: Mapping[str, str] | None) -> str:
    """Why a document with this metadata cannot be stored, or ""."""
    name = meta.doc_id or "(no doc_id)"
    if not meta.doc_id.strip() or meta.doc_id != meta.doc_id.strip() or _CONTROL.search(meta.doc_id):
        return f"{name!r}: a doc_id must be non-empty, without surrounding spaces or control characters"
    for field_name in STRING_META_FIELDS:
        if not isinstance(getattr(meta, field_name), str):
            return f"{name}: metadata field {field_name!r} must be a string"
    if meta.source_type not in SOURCE_TYPES:
        return f"{name}: unknown source_type {meta.source_type!r} (expected one of: {', '.join(SOURCE_TYPES)})"
    if meta.date and not is_iso_date(meta.date):
        return f"{name}: date {meta.date!r} is not a valid YYYY-MM-DD date"
    if extra is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
        return f"{name}: extra metadata must map strings to strings"
    return ""


def _paragraphs_problem(document: Document) -> str:
    name = document.meta.doc_id or "(no doc_id)"
    for index, paragraph in enumerate(document.paragraphs, start=1):
        if paragraph.doc_id != document.meta.doc_id:
            return f"{name}: paragraph {index} belongs to {paragraph.doc_id!r}, not to this document"
        if paragraph.position != index:
            return f"{name}: paragraph positions must run 1, 2, 3 … (paragraph {index} has {paragraph.position})"
    return ""


def _pause(variable: str) -> None:
    """Test hook: sleep ``$variable`` seconds, when set."""
    seconds = os.environ.get(variable, "").strip()
    if seconds:
        time.sleep(float(seconds))


# ----------------------------------------------------------------------------- files


def _write_parquet(table: pa.Table, path: Path) -> None:
    dictionary = [name for name in table.column_names if name in _DICTIONARY_COLUMNS]
    keys = [name for name in ("doc_id", "position") if name in table.column_names]  # min/max for filtering
    with open(path, "wb") as handle:
        pq.write_table(table, handle, compression="zstd", use_dictionary=dictionary, write_statistics=keys)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _delete(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- segment tables (writing)


def _annotation_of_analysis(
    documents: Sequence[Document], analysis: Analysis, digests: Sequence[str], extra: Mapping[str, Mapping[str, str]],
) -> Annotation:
    """The annotation tables of ``documents`` from their :class:`Analysis` (given by an ``analyzer``)."""
    paragraphs = analysis.paragraphs
    doc_of_pid = paragraphs["doc_id"].to_numpy(dtype=object)
    position_of_pid = paragraphs["position"].to_numpy(dtype=np.int64)
    document_of_pid = np.repeat(np.arange(len(documents)), [len(d.paragraphs) for d in documents])
    if len(document_of_pid) != len(paragraphs):
        raise AssertionError("the analysis does not list every paragraph of the documents")

    def keyed(pids: np.ndarray) -> dict[str, np.ndarray]:
        pids = np.asarray(pids, dtype=np.int64)
        return {"doc_id": doc_of_pid[pids], "position": position_of_pid[pids]}

    def rows_per_document(pids: np.ndarray) -> np.ndarray:
        return np.bincount(document_of_pid[np.asarray(pids, dtype=np.int64)], minlength=len(documents))

    documents_table = pa.Table.from_pydict(
        {
            **{name: [getattr(d.meta, name) for d in documents] for name in STRING_META_FIELDS},
            "speaker_aliases": [list(d.meta.speaker_aliases) for d in documents],
            "extra": [json.dumps(dict(extra.get(d.meta.doc_id, {})), ensure_ascii=False) for d in documents],
            "sha256": list(digests),
            "text": [d.text for d in documents],
        },
        schema=SCHEMAS["documents"],
    )
    paragraphs_table = pa.Table.from_pydict(
        {
            **{name: paragraphs[name].tolist() for name in PARAGRAPH_COLUMNS if name != "duplicate_of"},
            "duplicate_of": [None if pd.isna(v) else int(v) for v in paragraphs["duplicate_of"]],
        },
        schema=SCHEMAS["paragraphs"],
    )
    repeats = [
        sentence.repeat_of
        for document in documents for paragraph in document.paragraphs for sentence in paragraph.sentences
    ]  # fmt: skip
    sentences = analysis.sentences
    if len(repeats) != len(sentences):
        raise AssertionError("the analysis does not list every sentence of the documents")
    sentence_pids = sentences["pid"].to_numpy(dtype=np.int64) if len(sentences) else np.empty(0, np.int64)
    sentences_table = pa.Table.from_pydict(
        {
            **keyed(sentence_pids),
            **{name: sentences[name].tolist() for name in SENTENCE_COLUMNS if name != "pid"},
            "repeat_of_position": [None if r is None else r[0] for r in repeats],
            "repeat_of_sentence": [None if r is None else r[1] for r in repeats],
        },
        schema=SCHEMAS["sentences"],
    )
    matches = analysis.matches
    match_pids = matches["pid"].to_numpy(dtype=np.int64) if len(matches) else np.empty(0, np.int64)
    matches_table = pa.Table.from_pydict(
        {**keyed(match_pids), **{name: matches[name].tolist() for name in MATCH_COLUMNS if name != "pid"}},
        schema=SCHEMAS["matches"],
    )
    terms = analysis.terms
    vocabulary = np.asarray(terms.vocabulary, dtype=object)
    terms_table = pa.Table.from_pydict(
        {
            **keyed(terms.pid),
            "token": vocabulary[terms.term] if len(terms.term) else np.empty(0, dtype=object),
            "count": terms.count,
            "repeated": terms.repeated,
        },
        schema=SCHEMAS["terms"],
    )
    rows = np.column_stack([
        rows_per_document(np.arange(len(paragraphs))), rows_per_document(sentence_pids),
        rows_per_document(match_pids), rows_per_document(terms.pid),
    ])  # fmt: skip
    return Annotation(documents_table, paragraphs_table, sentences_table, matches_table, terms_table, rows)


def _only_docs(table: pa.Table, doc_ids: set[str]) -> pa.Table:
    return table.filter(pc.is_in(table["doc_id"], value_set=pa.array(sorted(doc_ids), pa.string())))


# ----------------------------------------------------------------------------- re-tagging


def _retag(paragraphs: pa.Table, sentences: pa.Table, lexicon: Lexicon) -> tuple[pa.Table, pa.Table]:
    """Themes (one row per paragraph) and matches of a segment for ``lexicon``; no scoring."""
    p_doc = paragraphs["doc_id"].to_pylist()
    p_position = paragraphs["position"].to_pylist()
    p_text = paragraphs["text"].to_pylist()
    s_doc = sentences["doc_id"].to_pylist()
    s_position = sentences["position"].to_pylist()
    s_text = sentences["text"].to_pylist()
    s_repeated = sentences["repeated"].to_pylist()
    # Each paragraph's sentences, then paragraphs grouped by document.
    sentence_runs: list[tuple[int, int]] = []
    cursor = 0
    for doc_id, position in zip(p_doc, p_position, strict=True):
        start = cursor
        while cursor < len(s_doc) and s_doc[cursor] == doc_id and s_position[cursor] == position:
            cursor += 1
        sentence_runs.append((start, cursor))
    if cursor != len(s_doc):
        raise StoreError("a segment's sentences are not in paragraph order: the store is damaged")
    themes_rows: dict[str, list] = {name: [] for name in THEMES_SCHEMA.names}
    match_rows: dict[str, list] = {name: [] for name in MATCHES_SCHEMA.names}
    start = 0
    while start < len(p_doc):
        stop = start
        while stop < len(p_doc) and p_doc[stop] == p_doc[start]:
            stop += 1
        runs = sentence_runs[start:stop]
        tags = tag_paragraphs(
            p_text[start:stop], [s_text[a:b] for a, b in runs], [s_repeated[a:b] for a, b in runs], lexicon
        )
        for k, (mentions, themes, matched_terms, dominant) in enumerate(tags):
            doc_id, position = p_doc[start + k], p_position[start + k]
            values = (doc_id, position, list(themes), list(matched_terms), dominant)
            for name, value in zip(THEMES_SCHEMA.names, values):
                themes_rows[name].append(value)
            for mention in mentions:
                for name, value in zip(MATCHES_SCHEMA.names, (doc_id, position, *mention)):
                    match_rows[name].append(value)
        start = stop
    return (
        pa.Table.from_pydict(themes_rows, schema=THEMES_SCHEMA),
        pa.Table.from_pydict(match_rows, schema=MATCHES_SCHEMA),
    )


def _replace_themes(paragraphs: pa.Table, themes: pa.Table) -> pa.Table:
    if themes.num_rows != paragraphs.num_rows or not themes["position"].equals(paragraphs["position"]):
        raise StoreError("a segment's re-tagging does not fit its paragraphs: the store is damaged")
    for name in THEME_COLUMNS:
        index = paragraphs.schema.get_field_index(name)
        paragraphs = paragraphs.set_column(index, name, themes[name].cast(paragraphs.schema.field(index).type))
    return paragraphs


# ----------------------------------------------------------------------------- segment tables (reading)


def _open_cache_name(manifest: Mapping, lexicon_fp: str) -> str:
    """The open cache of this version of the manifest (every write makes a new generation,
    stamped with its time), this lexicon and the code's table layout."""
    key = json.dumps([
        open_cache.FORMAT_VERSION, ANALYSIS_VERSION, manifest.get("generation"), manifest.get("updated_at"),
        lexicon_fp, PARAGRAPH_COLUMNS, SENTENCE_COLUMNS, MATCH_COLUMNS,
    ])  # fmt: skip
    return "open-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _open_cached(folder: Path, metas: dict[str, DocumentMeta], lexicon: Lexicon, paragraphs: int) -> Analysis | None:
    """The analysis saved in the open cache ``folder``; None when there is none or it is unusable."""
    if not folder.is_dir():
        return None
    try:
        analysis = open_cache.load(folder, metas, lexicon)
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None  # damaged or foreign: the segments are the truth
    return analysis if len(analysis.paragraphs) == paragraphs else None


def _clear_cache(folder: Path) -> None:
    if folder.is_dir():
        for path in folder.iterdir():
            _delete(path)


def _read(folder: Path, name: str) -> pa.Table:
    """A segment table, the columns load() needs, its repeated strings dictionary-encoded."""
    return pq.read_table(
        folder / f"{name}.parquet", columns=_LOAD_COLUMNS[name], read_dictionary=_READ_DICTIONARY[name]
    )


def _with_pid(table: pa.Table, bases: Mapping[str, int], keep_key: bool = False) -> tuple[pa.Table, np.ndarray]:
    """The rows of the listed documents (doc_id and position dropped unless ``keep_key``),
    and the ``pid`` of each.

    ``bases`` maps each listed doc_id to the pid of its first paragraph; rows of
    other doc_ids (documents removed from this segment) are dropped.
    """
    # int32 throughout: the terms table of a large corpus has tens of millions of rows,
    # and every fresh array of them costs time to allocate, not just to fill.
    firsts = []
    for chunk in dictionary_chunks(table["doc_id"]):
        base = np.array([bases.get(name, -1) for name in chunk.dictionary.to_pylist()] + [-1], dtype=np.int32)
        firsts.append(base[chunk.indices.to_numpy(zero_copy_only=False)])
    first = firsts[0] if len(firsts) == 1 else np.concatenate(firsts) if firsts else np.empty(0, dtype=np.int32)
    listed = first >= 0
    pid = first
    pid += table["position"].to_numpy().astype(np.int32, copy=False)
    pid -= 1
    if not keep_key:
        table = table.drop_columns(["doc_id", "position"])
    if not listed.all():
        table, pid = table.filter(pa.array(listed)), pid[listed]
    return table, pid


def _dictionary_encoded(table: pa.Table, columns: Sequence[str]) -> pa.Table:
    """``table`` with ``columns`` dictionary-encoded, as :func:`_read` gives them."""
    for name in columns:
        index = table.schema.get_field_index(name)
        if not pa.types.is_dictionary(table.schema.field(index).type):
            table = table.set_column(index, name, pc.dictionary_encode(table[name]))
    return table


def set_huge_pages(wanted: bool) -> bool:
    """Whether NumPy advises the kernel to back its large arrays with huge pages; returns the old setting.

    Where the kernel compacts memory to find huge pages on demand
    (``transparent_hugepage/defrag`` set to ``madvise``), every fresh large
    array can stall: a 1.9 s load of the UN General Debate took 3 s, and the
    first word totals of a view 1 s instead of 0.2 s. A server that makes and
    drops such arrays on every filter change is better off without them.
    A no-op (returning ``wanted``) where NumPy has no such setting.
    """
    multiarray = getattr(getattr(np, "_core", np), "multiarray", None)
    advise = getattr(multiarray, "_set_madvise_hugepage", None)
    return bool(advise(wanted)) if advise is not None else wanted


@contextmanager
def _ordinary_pages() -> Iterator[None]:
    """No huge pages for NumPy while in the block (see :func:`set_huge_pages`); put back after."""
    before = set_huge_pages(False)
    try:
        yield
    finally:
        set_huge_pages(before)


def _read_ahead(items: Iterable[str], read: Callable[[str], dict], ahead: int = 2) -> Iterator[tuple[str, dict]]:
    """``(item, read(item))`` for each item in order, the next ``ahead`` read meanwhile in a
    thread (Parquet decoding runs without the GIL, so it overlaps the conversion)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="speechlens-read") as pool:
        items = iter(items)
        pending = deque((item, pool.submit(read, item)) for item in itertools.islice(items, ahead))
        while pending:
            item, future = pending.popleft()
            pending.extend((following, pool.submit(read, following)) for following in itertools.islice(items, 1))
            yield item, future.result()
