"""Ingest on every core: the same store as one process, and bad files still refused one by one."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pandas as pd
import pytest

from speechlens.analysis import analyze
from speechlens.cli import MetadataTables, main, read_parsed, read_speech
from speechlens.corpus import load_default_lexicon
from speechlens.ingest import StoreWriter, analyzer_for, assemble, prepare
from speechlens.store import Store, StoreError
from tests.conftest import DATA_DIR, SEED_TEXT

WORDS = (
    "security cooperation police border cybercrime peace development nations terrorism trafficking "
    "justice citizens future region partners dialogue crisis rights law trust climate health good "
    "terrible not very hope fear great failure"
).split()


def generate(folder: Path, count: int = 20, seed: int = 11) -> list[Path]:
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        paragraphs = []
        for p in range(rng.randint(2, 6)):
            sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 14))).capitalize() + "."
                         for _ in range(rng.randint(1, 4))]
            paragraphs.append(f"Speech {number}, part {p}: " + " ".join(sentences))
        if number % 5 == 0:  # a repeated paragraph
            paragraphs.append(paragraphs[0])
        path = folder / f"speech-{number:03d}.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def lexicon():
    return load_default_lexicon(DATA_DIR)


@pytest.fixture
def sources(tmp_path) -> list[Path]:
    return [SEED_TEXT, *generate(tmp_path / "speeches")]


def reader():
    return functools.partial(read_speech, tables=MetadataTables(None), flags={})


def ingest(store: Store, sources, lexicon, jobs: int):
    prepared = list(prepare(sources, lexicon, read=reader(), jobs=jobs, chunk=3))
    ok = [p for p in prepared if p.error is None]
    report = store.add([p.document for p in ok], lexicon,
                       extra={p.document.meta.doc_id: p.extra for p in ok}, analyzer=analyzer_for(ok))
    return prepared, report


def assert_same_analysis(left, right):
    pd.testing.assert_frame_equal(left.paragraphs, right.paragraphs)
    pd.testing.assert_frame_equal(left.sentences, right.sentences)
    pd.testing.assert_frame_equal(left.matches, right.matches)
    assert left.terms.vocabulary == right.terms.vocabulary
    for name in ("pid", "term", "count", "repeated"):
        assert (getattr(left.terms, name) == getattr(right.terms, name)).all(), name
    assert left.documents == right.documents
    assert left.fingerprint == right.fingerprint


def test_parallel_ingest_gives_the_store_one_process_gives(tmp_path, sources, lexicon):
    serial, parallel = Store(tmp_path / "serial"), Store(tmp_path / "parallel")
    prepared_1, report_1 = ingest(serial, sources, lexicon, jobs=1)
    prepared_2, report_2 = ingest(parallel, sources, lexicon, jobs=2)
    assert [p.index for p in prepared_2] == list(range(len(sources)))  # in the order given
    assert [p.source for p in prepared_2] == sources
    assert report_1.added == report_2.added and len(report_2.added) == len(sources)
    assert [d.doc_id for d in serial.list()] == [d.doc_id for d in parallel.list()]
    assert_same_analysis(serial.load(lexicon), parallel.load(lexicon))


def test_the_assembled_analysis_equals_analyze(sources, lexicon):
    prepared = list(prepare(sources, lexicon, read=reader(), jobs=2, chunk=2))
    documents = [p.document for p in prepared]
    assert_same_analysis(assemble(documents, [p.annotation for p in prepared], lexicon),
                         analyze(documents, lexicon))
    # a subset (as Store.add asks after screening) numbers its paragraphs from 0 again
    subset = documents[3::2]
    assert_same_analysis(analyzer_for(prepared)(subset, lexicon), analyze(subset, lexicon))


def test_bad_files_are_refused_one_by_one(tmp_path, sources, lexicon):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.txt"
    mixed = [sources[0], empty, *sources[1:5], binary, missing, *sources[5:]]
    store = Store(tmp_path / "store")
    prepared, report = ingest(store, mixed, lexicon, jobs=2)
    refused = {p.source: p.error for p in prepared if p.error is not None}
    assert set(refused) == {empty, binary, missing}
    assert "empty" in refused[empty]
    assert report.refused == [] and len(report.added) == len(sources)
    assert [d.doc_id for d in store.list()] == [p.document.meta.doc_id for p in prepared if p.error is None]


def test_the_add_command_takes_jobs(tmp_path, sources, capsys):
    folder = tmp_path / "speeches"
    (folder / "empty.txt").write_bytes(b"")
    status = main(["add", str(folder), str(SEED_TEXT), "--store", str(tmp_path / "store"), "--jobs", "2",
                   "--batch-size", "7"])
    out, err = capsys.readouterr()
    assert status == 1
    assert f"refused {folder / 'empty.txt'}: the file is empty" in err
    assert "added 21 document(s)" in out and "1 file(s) refused" in out
    again = main(["add", str(folder), "--store", str(tmp_path / "store"), "--jobs", "1"])
    out, _ = capsys.readouterr()
    assert again == 1 and "added 0 document(s)" in out and "20 already stored" in out


def test_the_writer_commits_batches_in_order_while_work_goes_on(tmp_path, sources, lexicon):
    read = functools.partial(read_parsed, tables=MetadataTables(None), flags={})
    prepared = [p for p in prepare([*sources, sources[3]], lexicon, read=read, jobs=2, chunk=4) if p.error is None]
    store = Store(tmp_path / "store")
    reports = []
    with StoreWriter(store, lexicon) as writer:
        for start in range(0, len(prepared), 5):
            reports += writer.add(prepared[start:start + 5])
        reports += writer.finished()
    assert [batch for batch, _ in reports] == [prepared[start:start + 5] for start in range(0, len(prepared), 5)]
    added = [doc_id for _, report in reports for doc_id in report.added]
    assert added == [d.doc_id for d in store.list()] and len(added) == len(sources)
    (batch, last), = reports[-1:]
    assert [(d.doc_id, batch[d.index].source) for d in last.duplicates] == [(sources[3].stem, sources[3])]
    one_process = Store(tmp_path / "one")
    one_process.add([p.document for p in prepared], lexicon, extra={p.document.meta.doc_id: p.extra for p in prepared})
    assert_same_analysis(store.load(lexicon), one_process.load(lexicon))


def test_an_error_while_committing_comes_back(tmp_path, sources, lexicon):
    (tmp_path / "not-a-store").mkdir()
    (tmp_path / "not-a-store" / "thesis.docx").write_bytes(b"mine")
    prepared = list(prepare(sources[:3], lexicon, read=reader(), jobs=1))
    with pytest.raises(StoreError, match="not a SpeechLens store"):
        with StoreWriter(Store(tmp_path / "not-a-store"), lexicon) as writer:
            writer.add(prepared)
            writer.finished()
