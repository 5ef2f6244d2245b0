"""A researcher's own corpus, kept on disk: analyse each speech once, reopen instantly.

A store is a plain directory; there is no server. Speeches are parsed,
scored and tagged once, when they are added; reopening the store reads those
annotations back (sentiment is never re-scored), so a corpus of thousands of
speeches opens in seconds::

    store = Store("speechlens-data")
    report = store.add(documents, lexicon)      # AddReport: added, duplicates, refused
    store.list()                                # [StoredDocument, ...]
    analysis = store.load(lexicon)              # the same Analysis analyze() would give
    store.remove(["AFG_1993_UNGA48"])

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
the fingerprint of the lexicon its segment was tagged with.

Crash safety: an add writes its segment into ``segments/.tmp-<uuid>/`` (every
file flushed and fsynced), renames it to its final name, then writes the new
manifest to a temporary file, fsyncs it and ``os.replace``-s it over the old
one (and fsyncs the directory). Until that replace the old manifest is intact
and is what every reader sees; a segment or temporary directory that the
manifest does not list is ignored, and deleted by the next successful write.
One writer at a time: writers hold an exclusive ``flock`` on ``.lock`` while
they change the store; another writer waits up to ``lock_timeout`` seconds and
then fails with :class:`StoreLocked`. Readers take no lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from speechlens import __version__
from speechlens.analysis import (
    MATCH_COLUMNS,
    PARAGRAPH_COLUMNS,
    SENTENCE_COLUMNS,
    THEME_COLUMNS,
    Analysis,
    analyze,
    paragraph_frame,
    sentence_spans,
    tag_paragraph,
    texts_fingerprint,
)
from speechlens.model import SOURCE_TYPES, Document, DocumentMeta, Paragraph, Sentence
from speechlens.terms import TermIndex
from speechlens.text import normalize_text
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
TMP_PREFIX = ".tmp-"
DEFAULT_LOCK_TIMEOUT = 30.0
KEEP_TAGGINGS = 3  # cached re-taggings kept per segment (the newest)

# Test-only hooks: sleep this many seconds at a point of a write, so a test can kill it there.
PAUSE_BEFORE_COMMIT_ENV = "SPEECHLENS_TEST_PAUSE_BEFORE_COMMIT"  # segment renamed, manifest not yet
PAUSE_IN_SEGMENT_ENV = "SPEECHLENS_TEST_PAUSE_IN_SEGMENT"  # first segment file written, more to come

_META_FIELDS = tuple(f.name for f in fields(DocumentMeta))
_STRING_META_FIELDS = tuple(name for name in _META_FIELDS if name != "speaker_aliases")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# ----------------------------------------------------------------------------- schemas

_KEY = [pa.field("doc_id", pa.string()), pa.field("position", pa.int64())]
_DRIVER = pa.struct([pa.field("phrase", pa.string()), pa.field("polarity", pa.float64())])
_STRINGS = pa.list_(pa.string())

DOCUMENTS_SCHEMA = pa.schema(
    [pa.field("doc_id", pa.string())]
    + [pa.field(name, pa.string()) for name in _STRING_META_FIELDS if name != "doc_id"]
    + [
        pa.field("speaker_aliases", _STRINGS),
        pa.field("extra", pa.string()),  # JSON object of strings
        pa.field("sha256", pa.string()),
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
        pa.field("drivers", pa.list_(_DRIVER)),
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
THEMES_SCHEMA = pa.schema(
    _KEY
    + [
        pa.field("themes", _STRINGS),
        pa.field("matched_terms", _STRINGS),
        pa.field("dominant_theme", pa.string()),
    ]
)
SEGMENT_FILES = {
    "documents.parquet": DOCUMENTS_SCHEMA,
    "paragraphs.parquet": PARAGRAPHS_SCHEMA,
    "sentences.parquet": SENTENCES_SCHEMA,
    "matches.parquet": MATCHES_SCHEMA,
    "terms.parquet": TERMS_SCHEMA,
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


def default_store_dir() -> Path:
    """``$SPEECHLENS_DATA_DIR``, else ``speechlens-data/`` in the project directory."""
    configured = os.environ.get(STORE_DIR_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_STORE_DIR


def text_sha256(text: str) -> str:
    """The sha256 (hex) of a document's normalised text: equal texts are duplicates."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


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

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ------------------------------------------------------------------ reading

    def manifest(self) -> dict:
        """The current manifest (an empty one when the store does not exist yet)."""
        path = self.path / MANIFEST
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return _empty_manifest()
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror}") from error
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
        return [_stored_document(entry) for entry in self.manifest()["documents"]]

    def __len__(self) -> int:
        return len(self.manifest()["documents"])

    def __contains__(self, doc_id: object) -> bool:
        return any(entry["doc_id"] == doc_id for entry in self.manifest()["documents"])

    @property
    def generation(self) -> int:
        """Counts the changes made to the store."""
        return int(self.manifest().get("generation", 0))

    @property
    def fingerprint(self) -> str:
        """12 hex characters that change when a document is added or removed (a cache key).

        Unlike :attr:`Analysis.fingerprint <speechlens.analysis.Analysis.fingerprint>` it does
        not depend on the lexicon, and it is computed from the manifest alone.
        """
        digest = hashlib.sha256(FORMAT.encode())
        for entry in self.manifest()["documents"]:
            digest.update(b"\0doc\0")
            digest.update(json.dumps(_meta_dict(entry), sort_keys=True, ensure_ascii=False).encode())
            digest.update(entry["sha256"].encode())
        return digest.hexdigest()[:12]

    def load(self, lexicon: Lexicon, *, cache_tags: bool = True) -> Analysis:
        """All stored documents as one :class:`~speechlens.analysis.Analysis`.

        The result equals ``analyze(documents, lexicon)`` for the stored
        documents in manifest order (the same tables, columns, dtypes, values,
        pids, term index and fingerprint), but nothing is re-scored: the stored
        annotations are read back. Segments tagged with another lexicon are
        re-tagged from the stored paragraph text and sentences (matches and the
        theme columns only); with ``cache_tags`` the re-tagging is saved beside
        the segment, when no writer holds the store, so the next load is fast.
        """
        for attempt in range(3):
            manifest = self.manifest()
            try:
                return self._load(manifest, lexicon, cache_tags)
            except FileNotFoundError as error:
                # A writer may have removed a segment after we read the manifest: read it again.
                if attempt == 2 or self.manifest().get("generation") == manifest.get("generation"):
                    raise StoreError(f"the store at {self.path} is damaged: {error}") from error
            except (KeyError, TypeError, pa.ArrowException) as error:
                raise StoreError(f"the store at {self.path} is damaged: {error!r}") from error
        raise AssertionError("unreachable")

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
        :func:`~speechlens.analysis.analyze` (and must return what it would), e.g. to
        reuse an analysis made in worker processes (see :mod:`speechlens.ingest`).

        The analysis runs without the lock; the lock is taken to check the
        documents again against the manifest of that moment and to commit.
        """
        documents = list(documents)
        extra = extra or {}
        total = len(documents)
        report = AddReport()
        digests: dict[int, str] = {}  # index -> text_sha256, computed once
        indices = self._screen(documents, range(total), self.manifest(), extra, report, digests)
        accepted = [documents[i] for i in indices]
        skipped = total - len(accepted)
        if progress is not None and skipped:
            progress(skipped, total)
        if not accepted:
            return report

        def analysed(done: int, _: int) -> None:
            if progress is not None:
                progress(skipped + done, total)

        analysis = (analyzer or analyze)(accepted, lexicon, progress=analysed)
        hashes = {documents[i].meta.doc_id: digests[i] for i in indices}
        tables = _segment_tables(accepted, analysis, hashes, extra)
        lexicon_fp = lexicon_fingerprint(lexicon)

        with self._locked():
            manifest = self.manifest()
            # Check again: another writer may have added some of these meanwhile.
            indices = self._screen(documents, indices, manifest, extra, report, digests)
            if len(indices) < len(accepted):
                accepted = [documents[i] for i in indices]
                still = {document.meta.doc_id for document in accepted}
                tables = {name: _only_docs(table, still) for name, table in tables.items()}
            if not accepted:
                return report
            segment = _new_segment_id()
            self._write_segment(segment, tables)
            now = _now()
            manifest = dict(manifest)
            manifest["segments"] = {
                **manifest["segments"],
                segment: {
                    "created_at": now, "lexicon": lexicon_fp, "documents": len(accepted),
                    "speechlens": __version__,
                },
            }  # fmt: skip
            manifest["documents"] = manifest["documents"] + [
                _manifest_entry(document, hashes[document.meta.doc_id], segment, now, lexicon_fp,
                                extra.get(document.meta.doc_id, {}))
                for document in accepted
            ]
            _pause(PAUSE_BEFORE_COMMIT_ENV)
            self._commit(manifest)
        report.added = [document.meta.doc_id for document in accepted]
        report.segment = segment
        return report

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

    # ------------------------------------------------------------------ internals: writing

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
        for index, (name, table) in enumerate(tables.items()):
            _write_parquet(table, tmp / name)
            if index == 0:
                _pause(PAUSE_IN_SEGMENT_ENV)
        _fsync_dir(tmp)
        os.rename(tmp, segments / segment)
        _fsync_dir(segments)

    def _commit(self, manifest: dict) -> None:
        """Replace the manifest atomically, then delete what it no longer lists."""
        manifest["generation"] = int(manifest.get("generation", 0)) + 1
        manifest["updated_at"] = _now()
        tmp = self.path / f"{MANIFEST}{TMP_PREFIX}{uuid.uuid4().hex}"
        with open(tmp, "wb") as handle:
            handle.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
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
        segments = self.path / SEGMENTS
        for path in segments.iterdir():
            if path.name not in live:
                _delete(path)
            elif (path / TAGS).is_dir():
                for tagging in (path / TAGS).iterdir():
                    if tagging.name.startswith(TMP_PREFIX):
                        _delete(tagging)

    def _screen(
        self, documents: Sequence[Document], indices: Iterable[int], manifest: dict,
        extra: Mapping[str, Mapping[str, str]], report: AddReport, digests: dict[int, str],
    ) -> list[int]:
        """The indices of the ``documents[i]`` to store, of those ``indices`` lists; the others
        go into ``report`` as duplicates or refusals."""
        stored_by_id = {entry["doc_id"]: entry["sha256"] for entry in manifest["documents"]}
        stored_by_hash = {entry["sha256"]: entry["doc_id"] for entry in manifest["documents"]}
        batch_by_id: dict[str, str] = {}
        batch_by_hash: dict[str, str] = {}
        accepted = []
        for index in indices:
            document = documents[index]
            doc_id = document.meta.doc_id
            problem = _document_problem(document, extra.get(doc_id))
            if problem:
                report.refused.append(Refusal(doc_id, problem, index))
                continue
            if index not in digests:
                digests[index] = text_sha256(document.text)
            digest = digests[index]
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

    def _load(self, manifest: dict, lexicon: Lexicon, cache_tags: bool) -> Analysis:
        entries = manifest["documents"]
        if not entries:
            return analyze([], lexicon)
        lexicon_fp = lexicon_fingerprint(lexicon)
        # pid of a paragraph = first pid of its document + position - 1, documents in manifest order.
        first_pid: dict[str, int] = {}
        next_pid = 0
        for entry in entries:
            first_pid[entry["doc_id"]] = next_pid
            next_pid += int(entry["paragraphs"])
        parts = {name: _Rows() for name in ("paragraphs", "sentences", "matches", "terms")}
        texts: dict[str, str] = {}
        for segment, live in _segments_of(entries).items():
            folder = self._segment_dir(segment)
            bases = {doc_id: first_pid[doc_id] for doc_id in live}
            paragraphs = _read(folder / "paragraphs.parquet")
            if manifest["segments"][segment]["lexicon"] == lexicon_fp:
                matches = _read(folder / "matches.parquet")
            else:
                paragraphs, matches = self._retagged(segment, paragraphs, lexicon, lexicon_fp, cache_tags)
            parts["paragraphs"].add(*_with_pid(paragraphs, bases, keep_key=True))
            parts["matches"].add(*_with_pid(matches, bases))
            parts["sentences"].add(*_with_pid(_read(folder / "sentences.parquet"), bases))
            parts["terms"].add(*_with_pid(_read(folder / "terms.parquet", "token"), bases))
            documents = pq.read_table(folder / "documents.parquet", columns=["doc_id", "text"])
            for doc_id, text in zip(documents["doc_id"].to_pylist(), documents["text"].to_pylist(), strict=True):
                if doc_id in bases:
                    texts[doc_id] = text
        tables = {name: rows.table() for name, rows in parts.items()}
        if tables["paragraphs"].num_rows != next_pid or set(texts) != set(first_pid):
            raise StoreError(f"the store at {self.path} is damaged: its segments do not match its manifest")
        metas = {entry["doc_id"]: _meta_from_entry(entry) for entry in entries}
        return Analysis(
            documents=metas,
            lexicon=lexicon,
            paragraphs=_paragraphs_frame(tables["paragraphs"]),
            sentences=_frame(tables["sentences"], SENTENCE_COLUMNS),
            matches=_frame(tables["matches"], MATCH_COLUMNS),
            terms=_term_index(tables["terms"], parts["terms"].pid),
            fingerprint=texts_fingerprint(((metas[doc_id], texts[doc_id]) for doc_id in metas), lexicon),
        )

    def _retagged(
        self, segment: str, paragraphs: pa.Table, lexicon: Lexicon, lexicon_fp: str, cache_tags: bool
    ) -> tuple[pa.Table, pa.Table]:
        """The segment's paragraphs with theme columns for ``lexicon``, and its matches."""
        folder = self._segment_dir(segment)
        cached = folder / TAGS / lexicon_fp
        try:
            themes, matches = _read(cached / "themes.parquet"), _read(cached / "matches.parquet")
        except FileNotFoundError:
            columns = ["doc_id", "position", "text", "repeated"]
            themes, matches = _retag(paragraphs, pq.read_table(folder / "sentences.parquet", columns=columns), lexicon)
            if cache_tags:
                self._cache_tagging(segment, lexicon_fp, {"themes.parquet": themes, "matches.parquet": matches})
        return _replace_themes(paragraphs, themes), matches

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

    def _segment_documents(self, segment: str, live: Sequence[str]) -> dict[str, Document]:
        folder = self._segment_dir(segment)
        keep = set(live)
        documents = [row for row in pq.read_table(folder / "documents.parquet").to_pylist() if row["doc_id"] in keep]
        sentences: dict[tuple[str, int], list[Sentence]] = {}
        for row in pq.read_table(folder / "sentences.parquet").to_pylist():
            if row["doc_id"] in keep:
                repeat_of = None
                if row["repeat_of_position"] is not None:
                    repeat_of = (row["repeat_of_position"], row["repeat_of_sentence"])
                sentences.setdefault((row["doc_id"], row["position"]), []).append(
                    Sentence(row["text"], row["voice"], repeat_of)
                )
        paragraphs: dict[str, list[Paragraph]] = {}
        columns = ["doc_id", "position", "section", "kind", "voice", "text", "words", "duplicate_of"]
        for row in pq.read_table(folder / "paragraphs.parquet", columns=columns).to_pylist():
            if row["doc_id"] in keep:
                key = (row["doc_id"], row["position"])
                paragraphs.setdefault(row["doc_id"], []).append(
                    Paragraph(sentences=tuple(sentences.get(key, ())), **row)
                )
        built = {}
        for row in documents:
            meta = _meta_from_entry({**row, "speaker_aliases": row["speaker_aliases"] or []})
            built[row["doc_id"]] = Document(meta, tuple(paragraphs.get(row["doc_id"], ())), row["text"])
        return built


# ----------------------------------------------------------------------------- manifest helpers


def _empty_manifest() -> dict:
    return {"format": FORMAT, "version": FORMAT_VERSION, "generation": 0, "segments": {}, "documents": []}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _new_segment_id() -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


def _meta_dict(entry: Mapping) -> dict:
    return {name: entry.get(name, "") for name in _META_FIELDS if name != "speaker_aliases"} | {
        "speaker_aliases": list(entry.get("speaker_aliases") or [])
    }


def _meta_from_entry(entry: Mapping) -> DocumentMeta:
    values = {name: entry[name] for name in _STRING_META_FIELDS if entry.get(name) is not None}
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


def _manifest_entry(
    document: Document, digest: str, segment: str, now: str, lexicon_fp: str, extra: Mapping[str, str]
) -> dict:
    return {
        **_meta_dict(asdict(document.meta)),
        "extra": dict(extra),
        "sha256": digest,
        "segment": segment,
        "paragraphs": len(document.paragraphs),
        "words": sum(paragraph.words for paragraph in document.paragraphs),
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


def _document_problem(document: Document, extra: Mapping[str, str] | None) -> str:
    """Why the document cannot be stored, or ""."""
    meta = document.meta
    name = meta.doc_id or "(no doc_id)"
    if not meta.doc_id.strip() or meta.doc_id != meta.doc_id.strip() or _CONTROL.search(meta.doc_id):
        return f"{name!r}: a doc_id must be non-empty, without surrounding spaces or control characters"
    for field_name in _STRING_META_FIELDS:
        if not isinstance(getattr(meta, field_name), str):
            return f"{name}: metadata field {field_name!r} must be a string"
    if meta.source_type not in SOURCE_TYPES:
        return f"{name}: unknown source_type {meta.source_type!r} (expected one of: {', '.join(SOURCE_TYPES)})"
    if meta.date:
        try:
            if not _ISO_DATE.fullmatch(meta.date):
                raise ValueError
            dt.date.fromisoformat(meta.date)
        except ValueError:
            return f"{name}: date {meta.date!r} is not a valid YYYY-MM-DD date"
    if extra is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
        return f"{name}: extra metadata must map strings to strings"
    for index, paragraph in enumerate(document.paragraphs, start=1):
        if paragraph.doc_id != meta.doc_id:
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
    with open(path, "wb") as handle:
        pq.write_table(table, handle, compression="zstd")
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


def _segment_tables(
    documents: Sequence[Document], analysis: Analysis, hashes: Mapping[str, str],
    extra: Mapping[str, Mapping[str, str]],
) -> dict[str, pa.Table]:
    """The Parquet tables of one segment, from the documents and their analysis."""
    paragraphs = analysis.paragraphs
    doc_of_pid = paragraphs["doc_id"].to_numpy(dtype=object)
    position_of_pid = paragraphs["position"].to_numpy(dtype=np.int64)

    def keyed(pids: np.ndarray) -> dict[str, np.ndarray]:
        pids = np.asarray(pids, dtype=np.int64)
        return {"doc_id": doc_of_pid[pids], "position": position_of_pid[pids]}

    documents_table = pa.Table.from_pydict(
        {
            **{name: [getattr(d.meta, name) for d in documents] for name in _STRING_META_FIELDS},
            "speaker_aliases": [list(d.meta.speaker_aliases) for d in documents],
            "extra": [json.dumps(dict(extra.get(d.meta.doc_id, {})), ensure_ascii=False) for d in documents],
            "sha256": [hashes[d.meta.doc_id] for d in documents],
            "text": [d.text for d in documents],
        },
        schema=DOCUMENTS_SCHEMA,
    )
    paragraphs_table = pa.Table.from_pydict(
        {
            **{name: paragraphs[name].tolist() for name in PARAGRAPH_COLUMNS if name != "duplicate_of"},
            "duplicate_of": [None if pd.isna(v) else int(v) for v in paragraphs["duplicate_of"]],
        },
        schema=PARAGRAPHS_SCHEMA,
    )
    repeats = [
        sentence.repeat_of
        for document in documents for paragraph in document.paragraphs for sentence in paragraph.sentences
    ]  # fmt: skip
    sentences = analysis.sentences
    if len(repeats) != len(sentences):
        raise AssertionError("the analysis does not list every sentence of the documents")
    sentences_table = pa.Table.from_pydict(
        {
            **keyed(sentences["pid"].to_numpy()),
            **{name: sentences[name].tolist() for name in SENTENCE_COLUMNS if name != "pid"},
            "repeat_of_position": [None if r is None else r[0] for r in repeats],
            "repeat_of_sentence": [None if r is None else r[1] for r in repeats],
        },
        schema=SENTENCES_SCHEMA,
    )
    matches = analysis.matches
    matches_table = pa.Table.from_pydict(
        {
            **keyed(matches["pid"].to_numpy(dtype=np.int64) if len(matches) else np.empty(0, np.int64)),
            **{name: matches[name].tolist() for name in MATCH_COLUMNS if name != "pid"},
        },
        schema=MATCHES_SCHEMA,
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
        schema=TERMS_SCHEMA,
    )
    return {
        "documents.parquet": documents_table,
        "paragraphs.parquet": paragraphs_table,
        "sentences.parquet": sentences_table,
        "matches.parquet": matches_table,
        "terms.parquet": terms_table,
    }


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
    themes_rows: dict[str, list] = {name: [] for name in THEMES_SCHEMA.names}
    match_rows: dict[str, list] = {name: [] for name in MATCHES_SCHEMA.names}
    cursor = 0
    for doc_id, position, text in zip(p_doc, p_position, p_text, strict=True):
        start = cursor
        while cursor < len(s_doc) and s_doc[cursor] == doc_id and s_position[cursor] == position:
            cursor += 1
        spans = list(sentence_spans(text, s_text[start:cursor]))
        mentions, themes, matched_terms, dominant = tag_paragraph(text, spans, s_repeated[start:cursor], lexicon)
        for values in ((doc_id, position, list(themes), list(matched_terms), dominant),):
            for name, value in zip(THEMES_SCHEMA.names, values, strict=True):
                themes_rows[name].append(value)
        for mention in mentions:
            for name, value in zip(MATCHES_SCHEMA.names, (doc_id, position, *mention), strict=True):
                match_rows[name].append(value)
    if cursor != len(s_doc):
        raise StoreError("a segment's sentences are not in paragraph order: the store is damaged")
    return (
        pa.Table.from_pydict(themes_rows, schema=THEMES_SCHEMA),
        pa.Table.from_pydict(match_rows, schema=MATCHES_SCHEMA),
    )


def _replace_themes(paragraphs: pa.Table, themes: pa.Table) -> pa.Table:
    if themes.num_rows != paragraphs.num_rows or not themes["position"].equals(paragraphs["position"]):
        raise StoreError("a segment's re-tagging does not fit its paragraphs: the store is damaged")
    for name in THEME_COLUMNS:
        paragraphs = paragraphs.set_column(paragraphs.schema.get_field_index(name), name, themes[name])
    return paragraphs


# ----------------------------------------------------------------------------- segment tables (reading)


def _with_pid(table: pa.Table, bases: Mapping[str, int], keep_key: bool = False) -> tuple[pa.Table, np.ndarray]:
    """The rows of the listed documents, with ``pid`` as first column (doc_id and position
    dropped unless ``keep_key``), and their pids.

    ``bases`` maps each listed doc_id to the pid of its first paragraph; rows of
    other doc_ids (documents removed from this segment) are dropped.
    """
    firsts = []
    for chunk in _dictionary_chunks(table["doc_id"]):
        base = np.array([bases.get(name, -1) for name in chunk.dictionary.to_pylist()] + [-1], dtype=np.int64)
        firsts.append(base[chunk.indices.to_numpy(zero_copy_only=False)])
    first = np.concatenate(firsts) if firsts else np.empty(0, dtype=np.int64)
    positions = table["position"].to_numpy()
    pid = np.where(first >= 0, first + positions - 1, -1)
    if not keep_key:
        table = table.drop_columns(["doc_id", "position"])
    table = table.add_column(0, "pid", pa.array(pid, pa.int64()))
    if (pid < 0).any():
        keep = pid >= 0
        table, pid = table.filter(pa.array(keep)), pid[keep]
    return table, pid


def _read(path: Path, *dictionary_columns: str) -> pa.Table:
    """A segment table, its doc_id column (and ``dictionary_columns``) dictionary-encoded."""
    return pq.read_table(path, read_dictionary=["doc_id", *dictionary_columns])


def _dictionary_chunks(column: pa.ChunkedArray) -> list[pa.DictionaryArray]:
    if pa.types.is_dictionary(column.type):
        return list(column.chunks)
    return list(pc.dictionary_encode(column).chunks)


class _Rows:
    """One table's rows gathered segment by segment, then put in pid order.

    Segments are read in manifest order, so the rows usually are in order
    already; that is checked per segment, and only otherwise are they sorted
    (stably, keeping the stored order within a paragraph).
    """

    def __init__(self) -> None:
        self.tables: list[pa.Table] = []
        self.pids: list[np.ndarray] = []
        self.ordered = True
        self.last = -1
        self.pid = np.empty(0, dtype=np.int64)

    def add(self, table: pa.Table, pid: np.ndarray) -> None:
        self.tables.append(table)
        self.pids.append(pid)
        if len(pid):
            if pid[0] < self.last or not (pid[1:] >= pid[:-1]).all():
                self.ordered = False
            self.last = max(self.last, int(pid.max()) if not self.ordered else int(pid[-1]))

    def table(self) -> pa.Table:
        table = pa.concat_tables(self.tables)
        self.pid = np.concatenate(self.pids)
        if not self.ordered:
            order = np.argsort(self.pid, kind="stable")
            table, self.pid = table.take(pa.array(order)), self.pid[order]
        return table


def _frame(table: pa.Table, columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with exactly the columns and dtypes analyze() gives."""
    if table.num_rows == 0:
        return pd.DataFrame([], columns=columns)
    return pd.DataFrame({name: _plain_column(table[name]) for name in columns})


def _plain_column(column: pa.ChunkedArray):
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.to_pandas()
    return column.to_numpy()


def _paragraphs_frame(table: pa.Table) -> pd.DataFrame:
    if table.num_rows == 0:
        return paragraph_frame([])
    data = {}
    for name in PARAGRAPH_COLUMNS:
        column = table[name]
        if name == "duplicate_of":
            data[name] = pd.array(column.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), dtype="Int64")
        elif name == "drivers":
            data[name] = pd.Series(_drivers(column), dtype=object)
        elif name in ("themes", "matched_terms"):
            data[name] = pd.Series(_tuples(column), dtype=object)
        else:
            data[name] = _plain_column(column)
    frame = pd.DataFrame(data)
    frame.index.name = "pid"
    return frame


def _list_bounds(column: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """The flattened values of a list column and the end offset of every row's list."""
    column = column.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False)
    return pc.list_flatten(column), np.cumsum(lengths)


def _tuples(column: pa.ChunkedArray) -> list[tuple]:
    values, ends = _list_bounds(column)
    flat = values.to_pylist()
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    return [tuple(flat[start:end]) for start, end in zip(starts, ends.tolist())]


def _drivers(column: pa.ChunkedArray) -> list[tuple]:
    values, ends = _list_bounds(column)
    pairs = list(zip(
        pc.struct_field(values, "phrase").to_pylist(),
        pc.struct_field(values, "polarity").to_numpy(zero_copy_only=False).tolist(),
    ))  # fmt: skip
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    return [tuple(pairs[start:end]) for start, end in zip(starts, ends.tolist())]


def _term_index(table: pa.Table, pid: np.ndarray) -> TermIndex:
    """The TermIndex analyze() builds: the vocabulary in order of first appearance.

    Each Parquet row group has its own dictionary of tokens. Its tokens, in the
    order they first appear in the rows, are concatenated over all row groups
    and dictionary-encoded once more: that numbers every token by its first
    appearance in the whole table, without a Python loop over the rows.
    """
    codes: list[np.ndarray] = []  # per chunk: each row's local token number (first appearance)
    tokens: list[pa.Array] = []  # per chunk: its tokens in order of first appearance
    for chunk in _dictionary_chunks(table["token"]):
        local, uniques = pd.factorize(chunk.indices.to_numpy(zero_copy_only=False))
        codes.append(local)
        tokens.append(chunk.dictionary.take(pa.array(uniques, pa.int64())))
    if codes:
        encoded = pc.dictionary_encode(pa.concat_arrays(tokens))
        global_ids = encoded.indices.to_numpy(zero_copy_only=False)
        starts = np.cumsum([0] + [len(t) for t in tokens])
        term = np.concatenate([global_ids[start:][local] for start, local in zip(starts, codes)])
        vocabulary = tuple(encoded.dictionary.to_pylist())
    else:
        term, vocabulary = np.empty(0, dtype=np.int32), ()
    return TermIndex(
        vocabulary=vocabulary,
        pid=pid.astype(np.int32),
        term=term.astype(np.int32),
        count=table["count"].to_numpy().astype(np.int32),
        repeated=table["repeated"].to_numpy().astype(bool),
    )
