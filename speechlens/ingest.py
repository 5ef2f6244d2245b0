"""Read, parse and analyse many speech files on every core, for the corpus store.

The work of adding a file (reading and extracting its text, parsing it,
scoring every sentence and paragraph, tagging themes, counting terms) is done
in worker processes, a chunk of files at a time; each chunk comes back as one
:class:`~speechlens.analysis.Annotation` (Arrow tables: compact to send, and
what a store segment holds), and the results stream back in the order the
files were given::

    read = functools.partial(read_parsed, tables=..., flags=...)   # path -> (ParsedDocument, extra)
    reports = []                                                    # [(batch, AddReport), ...]
    with StoreWriter(store, lexicon) as writer:                     # commits in a thread of its own
        for prepared in prepare(paths, lexicon, read=read, jobs=None):
            if prepared.error is None:
                reports += writer.add([prepared])                   # a batch of one, or more
        reports += writer.finished()

A batch is committed (one segment, atomically) while the workers go on with
the next files. ``read`` may also return a parsed
:class:`~speechlens.model.Document`; :attr:`Prepared.document` rebuilds it from
the annotation either way. :func:`assemble` and :func:`analyzer_for` give the
:class:`~speechlens.analysis.Analysis` of prepared documents, equal to
``analyze(documents, lexicon)``.

``jobs=1`` does everything in this process (no pool); ``jobs=None`` uses
``os.cpu_count()`` workers.
"""

from __future__ import annotations

import gc
import math
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from speechlens.analysis import Analysis, Annotation, analysis_of, annotate, documents_of
from speechlens.model import Document
from speechlens.parsing import ParsedDocument
from speechlens.store import AddReport, Store
from speechlens.themes import Lexicon

__all__ = ["Prepared", "StoreWriter", "analyzer_for", "assemble", "default_jobs", "prepare"]

# read(source) -> (document, extra), or (document, extra, digest) when the text's digest is known already.
Reader = Callable[[Any], "tuple[Document | ParsedDocument, dict[str, str]] | tuple[Document | ParsedDocument, dict[str, str], str]"]
CHUNK = 16  # files per task sent to a worker, at most: its result is one annotation, so bigger is cheaper
CHUNKS_PER_WORKER = 8  # at least, when there are few files
IN_FLIGHT = 3  # tasks queued per worker, so results stream back while memory stays bounded
WRITES_WAITING = 2  # batches handed to the writer thread and not yet committed, at most


@dataclass
class Prepared:
    """One source after reading and analysis; ``error`` (a message) when it was refused."""

    index: int  # its position in the sources given to prepare()
    source: Any
    extra: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    # The annotation of the source's chunk, and this document's place in it.
    chunk: Annotation | None = field(default=None, repr=False)
    row: int = -1
    _document: Document | None = field(default=None, init=False, repr=False)

    @property
    def annotation(self) -> Annotation | None:
        """This document's annotation (tables keyed by its doc_id)."""
        return None if self.chunk is None else self.chunk.slice(self.row, self.row + 1)

    @property
    def document(self) -> Document | None:
        """The parsed document, rebuilt from the annotation when first asked for."""
        if self._document is None and self.chunk is not None:
            annotation = self.annotation
            [self._document] = documents_of(annotation.documents, annotation.paragraphs, annotation.sentences)
        return self._document


def default_jobs() -> int:
    return os.cpu_count() or 1


def assemble(documents: Sequence[Document], annotations: Sequence[Annotation], lexicon: Lexicon) -> Analysis:
    """The :class:`Analysis` of ``documents`` from their annotations; equals ``analyze(documents, lexicon)``."""
    return analysis_of(Annotation.concat(annotations), {d.meta.doc_id: d.meta for d in documents}, lexicon)


def analyzer_for(prepared: Iterable[Prepared]) -> Callable[..., Analysis]:
    """An ``analyzer`` for :meth:`Store.add <speechlens.store.Store.add>` that uses the annotations
    already made; a document without one is analysed here."""
    known = {id(p.document): p.annotation for p in prepared if p.chunk is not None}

    def analyzer(documents: Sequence[Document], lexicon: Lexicon, *,
                 progress: Callable[[int, int], None] | None = None) -> Analysis:
        annotations = []
        for done, document in enumerate(documents, start=1):
            annotation = known.get(id(document))
            annotations.append(annotation if annotation is not None else annotate([document], lexicon))
            if progress is not None:
                progress(done, len(documents))
        return assemble(documents, annotations, lexicon)

    return analyzer


# ----------------------------------------------------------------------------- workers

_worker_state: dict[str, Any] = {}


def _init_worker(lexicon: Lexicon, read: Reader) -> None:
    _die_with_parent()
    _keep_freed_memory()
    _worker_state["lexicon"] = lexicon
    _worker_state["read"] = read
    # A worker makes millions of short-lived lists and tuples, freed by their reference
    # counts; the cyclic collector need not look at them so often, nor ever at what was
    # loaded before the work starts (measured: 5% less time per file).
    gc.freeze()
    gc.set_threshold(20_000, 20, 50)


def _die_with_parent() -> None:
    """On Linux, have the kernel end this worker when the process that started it dies (e.g. an
    `add` killed with SIGKILL), so no orphan keeps working or holds the terminal's pipes open."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl: the worker may outlive its parent
        pass


# glibc's malloc hands large freed blocks back to the kernel (unmapped, or trimmed off the heap)
# and a worker has the kernel zero and map them again for its next chunk, each chunk as large
# as the last: kept, they are reused (measured: 85% fewer page faults per chunk).
_MMAP_THRESHOLD = 32 * 2**20  # bytes; glibc's largest (M_MMAP_THRESHOLD)
_TRIM_THRESHOLD = 512 * 2**20  # bytes of free heap kept (M_TRIM_THRESHOLD)


def _keep_freed_memory() -> None:
    """On glibc, have malloc keep freed memory in the process (see _MMAP_THRESHOLD)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc: its own defaults
        return
    mallopt(-3, _MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    mallopt(-1, _TRIM_THRESHOLD)  # M_TRIM_THRESHOLD


@dataclass
class _ChunkResult:
    """What a worker sends back for a chunk of sources: compact, one annotation for them all."""

    outcomes: list[tuple[int, Any, dict[str, str], str | None]]  # (index, source, extra, error) per source
    annotation: Annotation  # of the sources without an error, in order; packed (see annotate) from a worker


def _prepare_chunk(
    items: list[tuple[int, Any]], lexicon: Lexicon, read: Reader, packed: bool = False
) -> _ChunkResult:
    parsed, extras, digests, outcomes = [], [], [], []
    for index, source in items:
        try:
            document, extra, *digest = read(source)
        except (ValueError, OSError) as error:  # refused: unreadable, empty, bad metadata ...
            outcomes.append((index, source, {}, str(error)))
            continue
        parsed.append(document)
        extras.append(dict(extra))
        digests.append(digest[0] if digest else None)
        outcomes.append((index, source, dict(extra), None))
    known = digests if digests and all(digest is not None for digest in digests) else None
    return _ChunkResult(outcomes, annotate(parsed, lexicon, extras=extras, digests=known, packed=packed))


def _prepare_chunk_in_worker(items: list[tuple[int, Any]]) -> _ChunkResult:
    return _prepare_chunk(items, _worker_state["lexicon"], _worker_state["read"], packed=True)


def _unpack(result: _ChunkResult) -> list[Prepared]:
    annotation = result.annotation.unpacked()
    prepared, row = [], 0
    for index, source, extra, error in result.outcomes:
        if error is not None:
            prepared.append(Prepared(index, source, error=error))
        else:
            prepared.append(Prepared(index, source, extra, chunk=annotation, row=row))
            row += 1
    return prepared


def prepare(
    sources: Iterable[Any],
    lexicon: Lexicon,
    *,
    read: Reader,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> Iterator[Prepared]:
    """Read and analyse every source with ``read(source) -> (document, extra)`` (a
    :class:`~speechlens.parsing.ParsedDocument` or a parsed Document); yields a
    :class:`Prepared` per source, in the order given, as soon as it (and those before it) are done.

    A source that ``read`` refuses (ValueError or OSError) is yielded with ``error`` set;
    any other exception propagates. ``read`` and ``lexicon`` must be picklable when
    ``jobs`` > 1. ``progress(done)`` is called after each source. Workers take up to
    ``chunk`` sources at a time.
    """
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    items = list(enumerate(sources))
    if jobs > 1:  # a few sources: smaller chunks, so every worker has work until the end
        chunk = min(chunk, math.ceil(len(items) / (jobs * CHUNKS_PER_WORKER)))
    chunk = max(1, chunk)
    chunks = [items[start:start + chunk] for start in range(0, len(items), chunk)]
    done = 0
    if jobs == 1 or len(chunks) <= 1:
        for task in chunks:
            for result in _unpack(_prepare_chunk(task, lexicon, read)):
                done += 1
                yield result
                if progress is not None:
                    progress(done)
        return
    workers = min(jobs, len(chunks))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(lexicon, read)) as pool:
        pending: deque = deque()
        queued = iter(chunks)
        try:
            for task in queued:
                pending.append(pool.submit(_prepare_chunk_in_worker, task))
                if len(pending) >= workers * IN_FLIGHT:
                    break
            while pending:
                results = pending.popleft().result()
                for task in queued:  # keep the workers busy while this chunk is handed on
                    pending.append(pool.submit(_prepare_chunk_in_worker, task))
                    break
                for result in _unpack(results):
                    done += 1
                    yield result
                    if progress is not None:
                        progress(done)
        finally:
            for future in pending:
                future.cancel()


# ----------------------------------------------------------------------------- committing


class StoreWriter:
    """Adds batches of prepared documents to a store in a thread of its own, in order, so
    that writing a segment overlaps the work on the next files.

    ``add(batch)`` returns at once (it waits only while ``WRITES_WAITING`` batches
    are queued) with ``(batch, AddReport)`` for each batch committed meanwhile,
    where ``Duplicate.index`` and ``Refusal.index`` count the batch's documents;
    ``finished()`` waits for the rest. An error raised while committing is
    raised again by the next ``add``, by ``finished()`` or on leaving the
    ``with`` block.
    """

    def __init__(self, store: Store, lexicon: Lexicon) -> None:
        self.store = store
        self.lexicon = lexicon
        self._pending: deque[tuple[list[Prepared], Future]] = deque()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speechlens-store-writer")

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self.finished()
        finally:
            self._thread.shutdown(wait=True, cancel_futures=True)

    def add(self, batch: Sequence[Prepared]) -> list[tuple[list[Prepared], AddReport]]:
        """Queue a batch (sources without an error); returns the batches committed meanwhile."""
        batch = list(batch)
        if batch:
            self._pending.append((batch, self._thread.submit(self._commit, batch)))
        return self._collect(wait_for=max(0, len(self._pending) - WRITES_WAITING))

    def finished(self) -> list[tuple[list[Prepared], AddReport]]:
        """Wait for every queued batch; returns the batches committed since the last call."""
        return self._collect(wait_for=len(self._pending))

    def _collect(self, wait_for: int) -> list[tuple[list[Prepared], AddReport]]:
        collected = []
        while self._pending and (wait_for > 0 or self._pending[0][1].done()):
            batch, future = self._pending.popleft()
            collected.append((batch, future.result()))
            wait_for -= 1
        return collected

    def _commit(self, batch: list[Prepared]) -> AddReport:
        return self.store.add_annotated(_batch_annotation(batch), self.lexicon)


def _batch_annotation(batch: Sequence[Prepared]) -> Annotation:
    """The annotation of a batch's documents, in order, from their chunks' (no copy for whole chunks)."""
    parts: list[Annotation] = []
    rows: list[int] = []
    chunk: Annotation | None = None
    for prepared in batch:
        if prepared.chunk is not chunk:
            if chunk is not None:
                parts.append(chunk.select(rows))
            chunk, rows = prepared.chunk, []
        rows.append(prepared.row)
    if chunk is not None:
        parts.append(chunk.select(rows))
    return Annotation.concat(parts)
