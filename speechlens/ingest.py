"""Read, parse and analyse many speech files on every core, for the corpus store.

The work of adding a file (reading and extracting its text, parsing it,
scoring every sentence and paragraph, tagging themes, counting terms) is done
per document in worker processes; the results stream back in the order the
files were given, and :class:`~speechlens.store.Store` commits them as before
(one segment per add, atomically)::

    read = functools.partial(read_speech, tables=..., flags=...)   # path -> (Document, extra)
    results = list(prepare(paths, lexicon, read=read, jobs=None))   # Prepared, in order
    ok = [r for r in results if r.error is None]
    store.add([r.document for r in ok], lexicon,
              extra={r.document.meta.doc_id: r.extra for r in ok},
              analyzer=analyzer_for(ok))

The analysis assembled by :func:`analyzer_for` equals ``analyze(documents,
lexicon)`` (the same tables, dtypes, values and fingerprint): nothing in
``analyze`` depends on another document but the paragraph numbering (``pid``)
and the term vocabulary's order, and both are rebuilt here in document order.

``jobs=1`` does everything in this process (no pool); ``jobs=None`` uses
``os.cpu_count()`` workers.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from speechlens.analysis import (
    MATCH_COLUMNS,
    SENTENCE_COLUMNS,
    Analysis,
    _annotate_paragraph,
    analyze,
    data_fingerprint,
    paragraph_frame,
)
from speechlens.model import Document
from speechlens.terms import TermIndex, build_term_index
from speechlens.themes import Lexicon

__all__ = ["Annotation", "Prepared", "analyzer_for", "annotate", "assemble", "default_jobs", "prepare"]

Reader = Callable[[Any], "tuple[Document, dict[str, str]]"]
CHUNK = 4  # files per task sent to a worker
IN_FLIGHT = 4  # tasks queued per worker, so results stream back while memory stays bounded


@dataclass
class Annotation:
    """One document's analysis rows, numbered from pid 0 (see :func:`assemble`)."""

    paragraphs: list[dict]
    sentences: list[tuple]  # values in SENTENCE_COLUMNS order, "pid" local to the document
    matches: list[tuple]  # values in MATCH_COLUMNS order, "pid" local to the document
    terms: TermIndex  # the document's own term index (pids and vocabulary local to it)


@dataclass
class Prepared:
    """One source after reading and analysis; ``error`` (a message) when it was refused."""

    index: int  # its position in the sources given to prepare()
    source: Any
    document: Document | None = None
    extra: dict[str, str] = field(default_factory=dict)
    annotation: Annotation | None = None
    error: str | None = None


def default_jobs() -> int:
    return os.cpu_count() or 1


def annotate(document: Document, lexicon: Lexicon) -> Annotation:
    """The rows :func:`~speechlens.analysis.analyze` makes for this document alone."""
    paragraphs: list[dict] = []
    sentences: list[tuple] = []
    matches: list[tuple] = []
    tokens: list[tuple[list[str], list[str]]] = []
    for pid, paragraph in enumerate(document.paragraphs):
        row, sentence_rows, match_rows, paragraph_tokens = _annotate_paragraph(pid, paragraph, lexicon)
        paragraphs.append(row)
        sentences.extend(tuple(r[name] for name in SENTENCE_COLUMNS) for r in sentence_rows)
        matches.extend(tuple(r[name] for name in MATCH_COLUMNS) for r in match_rows)
        tokens.append(paragraph_tokens)
    return Annotation(paragraphs, sentences, matches, build_term_index(tokens))


def assemble(documents: Sequence[Document], annotations: Sequence[Annotation], lexicon: Lexicon) -> Analysis:
    """The :class:`Analysis` of ``documents`` from their annotations; equals ``analyze(documents, lexicon)``."""
    paragraph_rows: list[dict] = []
    sentence_rows: list[tuple] = []
    match_rows: list[tuple] = []
    sentence_base: list[int] = []
    match_base: list[int] = []
    for annotation in annotations:
        base = len(paragraph_rows)
        paragraph_rows.extend(annotation.paragraphs)
        sentence_rows.extend(annotation.sentences)
        match_rows.extend(annotation.matches)
        sentence_base.extend([base] * len(annotation.sentences))
        match_base.extend([base] * len(annotation.matches))
    return Analysis(
        documents={document.meta.doc_id: document.meta for document in documents},
        lexicon=lexicon,
        paragraphs=paragraph_frame(paragraph_rows),
        sentences=_renumbered(sentence_rows, SENTENCE_COLUMNS, sentence_base),
        matches=_renumbered(match_rows, MATCH_COLUMNS, match_base),
        terms=_merged_terms([(a.terms, len(a.paragraphs)) for a in annotations]),
        fingerprint=data_fingerprint(documents, lexicon),
    )


def _merged_terms(indexes: Sequence[tuple[TermIndex, int]]) -> TermIndex:
    """The term index of the documents together, as build_term_index would make it from all their
    paragraphs: the vocabulary in order of first appearance, entries in paragraph order."""
    ids: dict[str, int] = {}
    pids, terms = [], []
    base = 0
    for index, paragraphs in indexes:
        mapping = np.fromiter((ids.setdefault(token, len(ids)) for token in index.vocabulary),
                              dtype=np.int32, count=len(index.vocabulary))
        pids.append(index.pid.astype(np.int32) + np.int32(base))
        terms.append(mapping[index.term] if len(index.term) else np.empty(0, np.int32))
        base += paragraphs

    def joined(parts, dtype):
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)
    return TermIndex(
        vocabulary=tuple(ids),
        pid=joined(pids, np.int32),
        term=joined(terms, np.int32),
        count=joined([index.count for index, _ in indexes], np.int32),
        repeated=joined([index.repeated for index, _ in indexes], bool),
    )


def _renumbered(rows: list[tuple], columns: list[str], bases: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    if len(frame):
        frame["pid"] = frame["pid"].to_numpy(dtype=np.int64) + np.asarray(bases, dtype=np.int64)
    return frame


def analyzer_for(prepared: Iterable[Prepared]) -> Callable[..., Analysis]:
    """An ``analyzer`` for :meth:`Store.add <speechlens.store.Store.add>` that uses the annotations
    already made; a document without one is analysed here."""
    known = {id(p.document): p.annotation for p in prepared if p.document is not None and p.annotation is not None}

    def analyzer(documents: Sequence[Document], lexicon: Lexicon, *,
                 progress: Callable[[int, int], None] | None = None) -> Analysis:
        annotations = []
        for done, document in enumerate(documents, start=1):
            annotation = known.get(id(document))
            annotations.append(annotation if annotation is not None else annotate(document, lexicon))
            if progress is not None:
                progress(done, len(documents))
        if not annotations:
            return analyze([], lexicon)
        return assemble(documents, annotations, lexicon)

    return analyzer


# ----------------------------------------------------------------------------- workers

_worker_state: dict[str, Any] = {}


def _init_worker(lexicon: Lexicon, read: Reader) -> None:
    _die_with_parent()
    _worker_state["lexicon"] = lexicon
    _worker_state["read"] = read


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


def _prepare_one(index: int, source: Any, lexicon: Lexicon, read: Reader) -> Prepared:
    try:
        document, extra = read(source)
    except (ValueError, OSError) as error:  # refused: unreadable, empty, bad metadata ...
        return Prepared(index, source, error=str(error))
    return Prepared(index, source, document, dict(extra), annotate(document, lexicon))


def _prepare_chunk(items: list[tuple[int, Any]]) -> list[Prepared]:
    lexicon, read = _worker_state["lexicon"], _worker_state["read"]
    return [_prepare_one(index, source, lexicon, read) for index, source in items]


def prepare(
    sources: Iterable[Any],
    lexicon: Lexicon,
    *,
    read: Reader,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> Iterator[Prepared]:
    """Read and analyse every source with ``read(source) -> (Document, extra)``; yields a
    :class:`Prepared` per source, in the order given, as soon as it (and those before it) are done.

    A source that ``read`` refuses (ValueError or OSError) is yielded with ``error`` set;
    any other exception propagates. ``read`` and ``lexicon`` must be picklable when
    ``jobs`` > 1. ``progress(done)`` is called after each source.
    """
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    items = list(enumerate(sources))
    if jobs == 1 or len(items) <= 1:
        for done, (index, source) in enumerate(items, start=1):
            yield _prepare_one(index, source, lexicon, read)
            if progress is not None:
                progress(done)
        return
    chunks = [items[start:start + chunk] for start in range(0, len(items), max(1, chunk))]
    workers = min(jobs, len(chunks))
    done = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(lexicon, read)) as pool:
        pending: deque = deque()
        queued = iter(chunks)
        try:
            for task in queued:
                pending.append(pool.submit(_prepare_chunk, task))
                if len(pending) >= workers * IN_FLIGHT:
                    break
            while pending:
                results = pending.popleft().result()
                for task in queued:  # keep the workers busy while this chunk is handed on
                    pending.append(pool.submit(_prepare_chunk, task))
                    break
                for result in results:
                    done += 1
                    yield result
                    if progress is not None:
                        progress(done)
        finally:
            for future in pending:
                future.cancel()
