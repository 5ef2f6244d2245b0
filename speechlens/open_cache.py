"""A loaded corpus kept as uncompressed Arrow files, reopened by memory-mapping them.

Opening a store decodes its Parquet segments and assembles the tables of an
:class:`~speechlens.analysis.Analysis`: on the whole UN General Debate, 1.6 to
3 s and 1.8 GB of fresh memory. The assembled tables, written once in Arrow's
IPC format without compression, open again in a fraction of a second: numbers
and strings are used where they lie in the file (the operating system pages
them in on first use), and only the few columns of Python objects are rebuilt.

    save(analysis, folder)               # folder must not exist; written whole or not at all
    analysis = load(folder, documents, lexicon)

The files are a cache, not the store: they can be deleted at any time, and the
store decides when they are current (see ``Store.load``).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from speechlens.analysis import Analysis, nullable_int64, string_tuples
from speechlens.model import DocumentMeta
from speechlens.terms import TermIndex
from speechlens.themes import Lexicon

FORMAT_VERSION = 1
INFO = "info.json"
_FRAMES = ("paragraphs", "sentences", "matches")
_TUPLE_COLUMNS = ("themes", "matched_terms")  # tuples of strings: stored as codes into one table of tuples


def save(analysis: Analysis, folder: Path) -> None:
    """Write ``analysis``'s tables into ``folder`` (a new directory), all or nothing.

    The files go into a temporary sibling directory that is renamed to ``folder``
    once complete, so a reader never sees half of them.
    """
    folder = Path(folder)
    temporary = folder.with_name(f".tmp-{folder.name}-{uuid.uuid4().hex[:8]}")
    temporary.mkdir(parents=True)
    try:
        uniques: dict[tuple, int] = {}
        for name in _FRAMES:
            _write(temporary / f"{name}.arrow", _frame_table(getattr(analysis, name), uniques))
        _write(temporary / "tuples.arrow", pa.table({"tuple": pa.array(list(uniques), pa.list_(pa.string()))}))
        _write(temporary / "terms.arrow", _terms_table(analysis.terms))
        _write(temporary / "vocabulary.arrow", _vocabulary_table(analysis.terms))
        info = {"format": FORMAT_VERSION, "fingerprint": analysis.fingerprint,
                "paragraphs_index": analysis.paragraphs.index.name}
        (temporary / INFO).write_text(json.dumps(info), encoding="utf-8")
        os.replace(temporary, folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def load(folder: Path, documents: Mapping[str, DocumentMeta], lexicon: Lexicon) -> Analysis:
    """The :class:`Analysis` saved in ``folder``, its arrays memory-mapped (read-only).

    ``documents`` and ``lexicon`` must be those of the saved analysis: the caller
    knows which folder belongs to which (the store names it after its manifest
    and lexicon). Raises ``ValueError`` when the folder holds another format,
    ``OSError``, ``KeyError`` or ``pyarrow.ArrowException`` when it is damaged.
    """
    folder = Path(folder)
    info = json.loads((folder / INFO).read_text(encoding="utf-8"))
    if info.get("format") != FORMAT_VERSION:
        raise ValueError(f"{folder} holds another format")
    shared = string_tuples(_read(folder / "tuples.arrow")["tuple"])
    frames = {name: _frame(_read(folder / f"{name}.arrow"), shared) for name in _FRAMES}
    frames["paragraphs"].index.name = info.get("paragraphs_index")
    return Analysis(
        documents=dict(documents),
        lexicon=lexicon,
        paragraphs=frames["paragraphs"],
        sentences=frames["sentences"],
        matches=frames["matches"],
        terms=_terms(_read(folder / "terms.arrow"), _read(folder / "vocabulary.arrow")),
        fingerprint=info["fingerprint"],
    )


# ----------------------------------------------------------------------------- writing


def _write(path: Path, table: pa.Table) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
        sink.flush()
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _frame_table(frame: pd.DataFrame, uniques: dict[tuple, int]) -> pa.Table:
    """The frame as an Arrow table; each column's kind (how to make it a pandas column
    again) goes into the schema's metadata."""
    columns, kinds = {}, {}
    for name in frame.columns:
        series = frame[name]
        if name in _TUPLE_COLUMNS:
            kinds[name] = "tuples"
            codes = np.fromiter((uniques.setdefault(value, len(uniques)) for value in series), np.int32, len(series))
            columns[name] = pa.array(codes)
        elif series.dtype == bool:
            kinds[name] = "bool"
            columns[name] = pa.array(series.to_numpy().view(np.uint8))  # bytes, so they map as numpy bools
        elif isinstance(series.dtype, pd.Int64Dtype):
            kinds[name] = "Int64"
            columns[name] = pa.array(series.array, pa.int64())
        elif isinstance(series.dtype, pd.StringDtype):
            kinds[name] = "str"
            columns[name] = pa.array(series.array, pa.large_string())
        elif isinstance(series.dtype, pd.ArrowDtype):
            kinds[name] = "arrow"
            columns[name] = pa.array(series.array)
        else:
            kinds[name] = "numbers"
            columns[name] = pa.array(series.to_numpy())
    table = pa.table(columns) if columns else pa.table({})
    return table.replace_schema_metadata({"kinds": json.dumps(kinds)})


def _terms_table(terms: TermIndex) -> pa.Table:
    return pa.table({
        "pid": terms.pid.astype(np.int32, copy=False),
        "term": terms.term.astype(np.int32, copy=False),
        "count": terms.count.astype(np.int32, copy=False),
        "repeated": terms.repeated.view(np.uint8),
    })  # fmt: skip


def _vocabulary_table(terms: TermIndex) -> pa.Table:
    columns = {"word": pa.array(list(terms.vocabulary), pa.string())}
    if terms.whole_totals is not None:
        columns["total"], columns["countable_total"] = terms.whole_totals
    return pa.table(columns)


# ----------------------------------------------------------------------------- reading


def _read(path: Path) -> pa.Table:
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _frame(table: pa.Table, shared: np.ndarray) -> pd.DataFrame:
    kinds = json.loads(table.schema.metadata[b"kinds"])
    data = {}
    for name, column in zip(table.column_names, table.columns):
        kind = kinds[name]
        if kind == "tuples":
            data[name] = shared[_numbers(column)]
        elif kind == "bool":
            data[name] = _numbers(column).view(bool)
        elif kind == "Int64":
            data[name] = nullable_int64(column)
        elif kind == "str":
            data[name] = column.to_pandas()  # pandas' Arrow-backed str, over the mapped strings
        elif kind == "arrow":
            data[name] = pd.arrays.ArrowExtensionArray(column)
        else:
            data[name] = _numbers(column)
    return pd.DataFrame(data, copy=False)


def _numbers(column: pa.ChunkedArray) -> np.ndarray:
    """The column's values where they lie (one chunk, no nulls): no copy."""
    if column.num_chunks == 1:
        return column.chunk(0).to_numpy(zero_copy_only=True)
    return column.to_numpy()


def _terms(table: pa.Table, vocabulary: pa.Table) -> TermIndex:
    totals = None
    if "total" in vocabulary.column_names:
        totals = (_numbers(vocabulary["total"]), _numbers(vocabulary["countable_total"]))
    return TermIndex(
        vocabulary=tuple(vocabulary["word"].to_pylist()),
        pid=_numbers(table["pid"]),
        term=_numbers(table["term"]),
        count=_numbers(table["count"]),
        repeated=_numbers(table["repeated"]).view(bool),
        whole_totals=totals,
    )
