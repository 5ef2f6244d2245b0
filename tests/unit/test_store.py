"""The corpus store: add, list, remove, and load == analyze, without re-scoring on reopen."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from speechlens.analysis import analyze
from speechlens.corpus import load_default_lexicon, load_documents
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.store import (
    LOCK,
    MANIFEST,
    SEGMENTS,
    Duplicate,
    Store,
    StoreError,
    StoreLocked,
    default_store_dir,
    metadata_from_row,
    text_sha256,
)
from speechlens.themes import lexicon_fingerprint, parse_lexicon
from tests.conftest import DATA_DIR, PROJECT_DIR

# Small speeches of our own: a transcript, a press report with quotes and a
# repeated paragraph, and one with a heading and no theme at all.
TRANSCRIPT = """\
Distinguished delegates, cybercrime is the defining challenge of our decade.

Ransomware gangs and organized crime networks exploit every gap between our police forces.

We must share information quickly and work in partnership across every border.

I thank you for your attention.
"""
PRESS_REPORT = """\
Minister calls for joint action against terrorism

The Minister of the Interior, Ana Lopes, opened the regional conference on Tuesday.

"Terrorism and trafficking know no borders," she said. "Our answer is cooperation."

She added that extradition requests must be answered within weeks, not years.

"Terrorism and trafficking know no borders," she said. "Our answer is cooperation."
"""
NO_THEMES = """\
A short note on gardens

The roses bloomed late this year, and the apple trees gave a modest harvest.

Next spring we plan to plant tulips along the southern wall.
"""

# A lexicon that shares nothing with the speeches above: every matches table is empty.
UNMATCHED_LEXICON = """
[[themes]]
id = "astronomy"
label = "Astronomy"
description = "stars"
color = "#0072B2"
terms = ["supernova"]
"""


def own_document(doc_id: str, text: str, source_type: str = "speech", **meta) -> object:
    return parse_document(text, DocumentMeta(doc_id=doc_id, title=doc_id, source_type=source_type, **meta))


@pytest.fixture(scope="module")
def lexicon():
    return load_default_lexicon(DATA_DIR)


@pytest.fixture(scope="module")
def documents():
    """The seed speech and three of our own, in the order they are added."""
    return [
        *load_documents(DATA_DIR),
        own_document("own-transcript", TRANSCRIPT, speaker="A. Delegate", country="Utopia", date="2024-05-01"),
        own_document("own-report", PRESS_REPORT, "press-report", speaker="Ana Lopes",
                     speaker_aliases=("the Minister",)),
        own_document("own-gardens", NO_THEMES),
    ]


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store", lock_timeout=5)


def assert_same_analysis(loaded, expected):
    """Every table, the term index and the metadata equal analyze()'s."""
    for name in ("paragraphs", "sentences", "matches"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(expected, name), check_exact=True)
    assert loaded.terms.vocabulary == expected.terms.vocabulary
    for name in ("pid", "term", "count", "repeated"):
        got, want = getattr(loaded.terms, name), getattr(expected.terms, name)
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(got, want, err_msg=name)
    # The whole-corpus totals summed while loading (the word cloud's starting point) are right.
    assert loaded.terms.whole_totals is not None
    for totals, repeats in zip(loaded.terms.whole_totals, (True, False), strict=True):
        expected_totals = expected.terms.counts_for(range(len(expected.paragraphs)), repeats)
        assert {loaded.terms.vocabulary[i]: int(totals[i]) for i in np.flatnonzero(totals)} == dict(expected_totals)
    n = len(expected.paragraphs)
    for pids in (range(n), range(0, n, 2), [n - 1], []):
        for repeats in (False, True):
            assert loaded.terms.counts_for(pids, repeats) == expected.terms.counts_for(pids, repeats)
    for words in (["cybercrime"], ["security", "police"], ["borders"]):
        np.testing.assert_array_equal(loaded.terms.pids_with(words), expected.terms.pids_with(words))
    assert list(loaded.documents.items()) == list(expected.documents.items())
    assert loaded.lexicon == expected.lexicon
    assert loaded.fingerprint == expected.fingerprint


def manifest_bytes(store: Store) -> bytes:
    return (store.path / MANIFEST).read_bytes()


def segment_dirs(store: Store) -> set[str]:
    return {p.name for p in (store.path / SEGMENTS).iterdir()}


# ----------------------------------------------------------------------------- basics


def test_default_store_dir_is_the_project_folder_or_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("SPEECHLENS_DATA_DIR", raising=False)
    assert default_store_dir() == PROJECT_DIR / "speechlens-data"
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(tmp_path))
    assert default_store_dir() == tmp_path
    assert Store().path == tmp_path


def test_a_new_store_is_empty_and_loads_like_analyze_of_nothing(store, lexicon):
    assert store.list() == [] and len(store) == 0
    assert_same_analysis(store.load(lexicon), analyze([], lexicon))
    assert not store.path.exists()  # reading creates nothing


def test_add_list_and_remove(store, documents, lexicon):
    report = store.add(documents, lexicon)
    assert report.added == [d.meta.doc_id for d in documents]
    assert report.duplicates == [] and report.refused == []
    listed = store.list()
    assert [d.doc_id for d in listed] == report.added
    for stored, document in zip(listed, documents):
        assert stored.meta == document.meta
        assert stored.sha256 == text_sha256(document.text)
        assert stored.segment == report.segment
        assert stored.paragraphs == len(document.paragraphs)
        assert stored.words == sum(p.words for p in document.paragraphs)
        assert stored.lexicon == lexicon_fingerprint(lexicon)
        assert time.time() - pd.Timestamp(stored.added_at).timestamp() < 60
    assert listed[1].year == "2024"
    assert "own-report" in store and "nothing" not in store

    folder = store.path / SEGMENTS / report.segment
    assert sorted(p.name for p in folder.iterdir()) == [
        "documents.parquet", "matches.parquet", "paragraphs.parquet", "sentences.parquet", "terms.parquet",
    ]
    manifest = json.loads(manifest_bytes(store))
    assert manifest["version"] == 1 and manifest["documents"][2]["speaker_aliases"] == ["the Minister"]
    assert manifest["segments"][report.segment]["lexicon"] == lexicon_fingerprint(lexicon)

    assert store.remove(["own-gardens", "own-transcript"]) == ["own-transcript", "own-gardens"]
    assert [d.doc_id for d in store.list()] == [documents[0].meta.doc_id, "own-report"]
    assert segment_dirs(store) == {report.segment}  # still holds documents
    store.remove([documents[0].meta.doc_id, "own-report"])
    assert store.list() == [] and segment_dirs(store) == set()  # the segment went with its last document


def test_segments_are_plain_parquet_keyed_by_document_and_position(store, documents, lexicon):
    store.add(documents, lexicon)
    folder = next((store.path / SEGMENTS).iterdir())
    expected = analyze(documents, lexicon)
    for name in ("paragraphs", "sentences", "matches", "terms"):
        table = pq.read_table(folder / f"{name}.parquet")
        assert table.column_names[:2] == ["doc_id", "position"] and "pid" not in table.column_names
    matches = pq.read_table(folder / "matches.parquet").to_pandas()
    assert len(matches) == len(expected.matches)
    assert set(matches["doc_id"]) == {"interpol-ga93-hammouchi-2025", "own-transcript", "own-report"}
    documents_table = pq.read_table(folder / "documents.parquet").to_pandas()
    assert documents_table["text"].tolist() == [d.text for d in documents]


# ----------------------------------------------------------------------------- load == analyze


def test_load_equals_analyze_over_several_adds_and_a_removal(store, documents, lexicon):
    store.add(documents[:2], lexicon)
    store.add(documents[2:], lexicon)
    assert_same_analysis(store.load(lexicon), analyze(documents, lexicon))
    store.remove(["own-transcript"])  # its segment keeps the seed speech
    rest = [d for d in documents if d.meta.doc_id != "own-transcript"]
    assert_same_analysis(store.load(lexicon), analyze(rest, lexicon))
    # removed, then added again: the new copy is the one loaded, last in order
    store.add([documents[1]], lexicon)
    assert_same_analysis(store.load(lexicon), analyze([*rest, documents[1]], lexicon))


def test_load_equals_analyze_when_nothing_matches(store, documents, lexicon):
    unmatched = parse_lexicon(UNMATCHED_LEXICON)
    store.add(documents, unmatched)
    expected = analyze(documents, unmatched)
    assert expected.matches.empty
    assert_same_analysis(store.load(unmatched), expected)


def test_stored_documents_are_the_documents_added(store, documents, lexicon):
    store.add(documents, lexicon)
    assert store.documents() == documents
    assert store.documents(["own-report"]) == [documents[2]]


# ----------------------------------------------------------------------------- duplicates and clashes


def test_the_same_text_is_not_stored_twice(store, documents, lexicon):
    store.add(documents[:2], lexicon)
    before = manifest_bytes(store)
    transcript = documents[1]
    same_text_other_id = own_document("copy", transcript.text)
    crlf = parse_document(transcript.text.replace("\n", "\r\n"), DocumentMeta(doc_id="crlf-copy", title="x"))
    report = store.add([transcript, same_text_other_id, crlf], lexicon)
    assert report.added == [] and report.refused == []
    assert report.duplicates == [
        Duplicate("own-transcript", "own-transcript", 0),
        Duplicate("copy", "own-transcript", 1),
        Duplicate("crlf-copy", "own-transcript", 2),
    ]
    assert manifest_bytes(store) == before  # nothing written at all


def test_duplicates_within_one_add(store, documents, lexicon):
    report_doc = documents[2]
    twin = own_document("twin", report_doc.text, "press-report")
    report = store.add([report_doc, twin, report_doc], lexicon)
    assert report.added == ["own-report"]
    assert [(d.doc_id, d.duplicate_of) for d in report.duplicates] == [("twin", "own-report"),
                                                                        ("own-report", "own-report")]


def test_a_doc_id_taken_by_another_text_is_refused(store, documents, lexicon):
    store.add(documents, lexicon)
    before, loaded = manifest_bytes(store), store.load(lexicon)
    impostor = own_document("own-transcript", "A different speech about cybercrime and policing.")
    fresh = own_document("fresh", "A brand new speech on terrorism.")
    report = store.add([impostor, fresh], lexicon)
    assert report.added == ["fresh"]
    [refusal] = report.refused
    assert refusal.doc_id == "own-transcript" and refusal.index == 0
    assert "already used by a stored document with a different text" in refusal.message
    assert "remove" in refusal.message
    stored = {d.doc_id: d for d in store.list()}
    assert stored["own-transcript"].sha256 == text_sha256(documents[1].text)
    assert_same_analysis(store.load(lexicon), analyze([*documents, fresh], lexicon))
    assert before != manifest_bytes(store)
    assert len(loaded.paragraphs) < len(store.load(lexicon).paragraphs)


def test_invalid_documents_are_refused(store, documents, lexicon):
    bad_date = own_document("bad-date", "Some text about security.", date="2024-13-01")
    blank_id = own_document(" ", "Other text about security.")
    report = store.add([bad_date, blank_id, documents[1]], lexicon)
    assert report.added == ["own-transcript"]
    messages = [r.message for r in report.refused]
    assert "not a valid YYYY-MM-DD date" in messages[0] and "doc_id must be non-empty" in messages[1]


# ----------------------------------------------------------------------------- remove


def test_removing_an_unknown_doc_id_changes_nothing(store, documents, lexicon):
    store.add(documents, lexicon)
    before = manifest_bytes(store)
    with pytest.raises(StoreError, match=r"not in the store .*'nope'.*nothing was changed"):
        store.remove(["own-transcript", "nope"])
    assert manifest_bytes(store) == before
    assert [d.doc_id for d in store.list()] == [d.meta.doc_id for d in documents]


def test_removing_from_a_missing_store_creates_nothing(tmp_path):
    with pytest.raises(StoreError, match="nope"):
        Store(tmp_path / "absent").remove(["nope"])
    assert not (tmp_path / "absent").exists()


# ----------------------------------------------------------------------------- crash leftovers and safety


def test_leftovers_of_a_crash_are_ignored_then_cleaned(store, documents, lexicon):
    store.add(documents[:2], lexicon)
    listed, expected = store.list(), analyze(documents[:2], lexicon)
    segments = store.path / SEGMENTS
    (segments / ".tmp-0123").mkdir()
    (segments / ".tmp-0123" / "documents.parquet").write_bytes(b"half a file")
    orphan = segments / "20990101T000000Z-deadbeef"
    orphan.mkdir()
    (orphan / "paragraphs.parquet").write_bytes(b"not listed")
    (store.path / f"{MANIFEST}.tmp-42").write_text("{half")
    assert store.list() == listed
    assert_same_analysis(store.load(lexicon), expected)
    store.add(documents[2:], lexicon)  # the next successful write cleans up
    assert not (segments / ".tmp-0123").exists() and not orphan.exists()
    assert not (store.path / f"{MANIFEST}.tmp-42").exists()
    assert_same_analysis(store.load(lexicon), analyze(documents, lexicon))


def test_a_damaged_or_newer_manifest_is_reported_clearly(store, documents, lexicon):
    store.add(documents[:1], lexicon)
    manifest = json.loads(manifest_bytes(store))
    (store.path / MANIFEST).write_text(json.dumps({**manifest, "version": 99}))
    with pytest.raises(StoreError, match="format version 99.*upgrade SpeechLens"):
        store.list()
    (store.path / MANIFEST).write_text("{not json")
    with pytest.raises(StoreError, match="damaged"):
        store.list()


def test_a_missing_segment_is_reported_as_damage(store, documents, lexicon):
    report = store.add(documents[:1], lexicon)
    (store.path / SEGMENTS / report.segment / "terms.parquet").unlink()
    with pytest.raises(StoreError, match="damaged"):
        store.load(lexicon)


def test_a_folder_with_other_files_is_not_taken_over(tmp_path, documents, lexicon):
    (tmp_path / "thesis.docx").write_bytes(b"mine")
    with pytest.raises(StoreError, match="not a SpeechLens store"):
        Store(tmp_path).add(documents[:1], lexicon)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]


def test_a_second_writer_waits_for_the_lock_or_fails_clearly(store, documents, lexicon):
    store.add(documents[:1], lexicon)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import fcntl, os, sys, time
            fd = os.open({str(store.path / LOCK)!r}, os.O_RDWR)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.pwrite(fd, b"pid %d, test holder" % os.getpid(), 0)
            print("locked", flush=True)
            time.sleep(float(sys.argv[1]))
        """), "1.5"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        impatient = Store(store.path, lock_timeout=0.2)
        with pytest.raises(StoreLocked, match=r"being changed by another process \(pid \d+, test holder\)"):
            impatient.add(documents[1:2], lexicon)
        with pytest.raises(StoreLocked):
            impatient.remove([documents[0].meta.doc_id])
        assert len(store) == 1
        started = time.monotonic()
        patient = Store(store.path, lock_timeout=30)
        assert patient.add(documents[1:2], lexicon).added == ["own-transcript"]  # waited for the holder
        assert time.monotonic() - started > 0.5
    finally:
        holder.kill()
        holder.wait()
    assert len(store) == 2


def test_progress_is_reported_per_document(store, documents, lexicon):
    store.add(documents[:1], lexicon)
    calls = []
    store.add(documents, lexicon, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (1, 4)  # the stored one counts as done at once
    assert calls[-1] == (4, 4) and len(calls) == 4


def test_metadata_rows_map_to_fields_and_extra():
    row = {
        "file": "BEL_1946_UNGA1.txt", "speaker_or_country": "Mr. X (Belgium)", "year": "1946",
        "date_if_known": "", "title": "Statement  in the General Debate", "country": "Belgium",
        "iso3": "BEL", "session": "1", "speaker": "Mr. Van Langenhove", "speaker_post": "",
        "license": "CC0", "speaker_aliases": "Van Langenhove; the delegate",
    }
    values, extra = metadata_from_row(row)
    assert values == {
        "title": "Statement in the General Debate", "speaker": "Mr. Van Langenhove", "country": "Belgium",
        "speaker_aliases": ("Van Langenhove", "the delegate"),
    }
    assert extra == {"year": "1946", "session": "1", "iso3": "BEL"}


# ----------------------------------------------------------------------------- reopening in a new process

# Runs in a fresh interpreter: every way to score sentiment raises, then the store is loaded.
NO_SCORING = """
import pickle, sys
import speechlens.analysis, speechlens.fastsentiment, speechlens.sentiment

def refuse(*args, **kwargs):
    raise AssertionError("sentiment was scored again")

speechlens.sentiment.score_text = speechlens.analysis.score_text = refuse
speechlens.sentiment.polarity_subjectivity = speechlens.analysis.polarity_subjectivity = refuse
speechlens.fastsentiment.score = speechlens.fastsentiment.assessments = refuse
speechlens.fastsentiment.score_and_assessments = refuse

from speechlens.store import Store
from speechlens.themes import load_lexicon
analysis = Store(sys.argv[1]).load(load_lexicon(sys.argv[2]))
with open(sys.argv[3], "wb") as handle:
    pickle.dump(analysis, handle)
"""


def load_without_scoring(store: Store, themes: Path, out: Path):
    result = subprocess.run(
        [sys.executable, "-c", NO_SCORING, str(store.path), str(themes), str(out)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return pickle.loads(out.read_bytes())


def test_reopening_in_a_new_process_reads_the_scores_back(store, documents, lexicon, tmp_path):
    store.add(documents, lexicon)
    loaded = load_without_scoring(store, DATA_DIR / "themes.toml", tmp_path / "loaded.pickle")
    assert_same_analysis(loaded, analyze(documents, lexicon))


def test_a_changed_lexicon_retags_without_rescoring(store, documents, lexicon, tmp_path):
    store.add(documents, lexicon)
    themes = tmp_path / "themes.toml"
    original = (DATA_DIR / "themes.toml").read_text(encoding="utf-8")
    # "tulip" joins the first theme: the gardens note now has a mention
    themes.write_text(original.replace("terms = [", 'terms = ["tulip", ', 1), encoding="utf-8")
    edited = parse_lexicon(themes.read_text(encoding="utf-8"))
    assert lexicon_fingerprint(edited) != lexicon_fingerprint(lexicon)
    first_theme = edited.themes[0].id

    loaded = load_without_scoring(store, themes, tmp_path / "retagged.pickle")
    assert_same_analysis(loaded, analyze(documents, edited))
    tulips = loaded.matches[loaded.matches["term"] == "tulip"]
    assert len(tulips) == 1 and tulips["theme"].iloc[0] == first_theme
    gardens = loaded.paragraphs.loc[tulips["pid"].iloc[0]]
    assert gardens["doc_id"] == "own-gardens" and gardens["themes"] == (first_theme,)

    # The re-tagging was saved beside the segment; the next load reads it.
    [segment] = segment_dirs(store)
    cache = store.path / SEGMENTS / segment / "tags" / lexicon_fingerprint(edited)
    assert sorted(p.name for p in cache.iterdir()) == ["matches.parquet", "themes.parquet"]
    again = load_without_scoring(store, themes, tmp_path / "again.pickle")
    assert_same_analysis(again, analyze(documents, edited))
    # and the original lexicon still loads the stored tagging
    assert_same_analysis(store.load(lexicon), analyze(documents, lexicon))


def test_retagging_is_not_cached_while_a_writer_holds_the_store(store, documents, lexicon):
    store.add(documents, lexicon)
    edited = parse_lexicon(UNMATCHED_LEXICON)
    with store._locked():
        assert_same_analysis(store.load(edited), analyze(documents, edited))
    [segment] = segment_dirs(store)
    assert not (store.path / SEGMENTS / segment / "tags").exists()
    assert_same_analysis(store.load(edited, cache_tags=False), analyze(documents, edited))


def test_the_environment_hooks_are_off_by_default():
    assert "SPEECHLENS_TEST_PAUSE_BEFORE_COMMIT" not in os.environ
    assert "SPEECHLENS_TEST_PAUSE_IN_SEGMENT" not in os.environ


# ----------------------------------------------------------------------------- reopening reads no text; analysis versions


def test_loading_reads_no_document_text(store, documents, lexicon, monkeypatch):
    store.add(documents, lexicon)
    read_table = pq.read_table

    def no_documents(source, *args, **kwargs):
        assert "documents.parquet" not in str(source), "load read the documents' texts"
        return read_table(source, *args, **kwargs)

    monkeypatch.setattr(pq, "read_table", no_documents)
    assert_same_analysis(store.load(lexicon), analyze(documents, lexicon))


def test_segments_record_their_analysis_version(store, documents, lexicon):
    from speechlens.analysis import ANALYSIS_VERSION

    report = store.add(documents, lexicon)
    assert store.manifest()["segments"][report.segment]["analysis"] == ANALYSIS_VERSION
    assert store.stale_segments() == []
    manifest = json.loads(manifest_bytes(store))
    del manifest["segments"][report.segment]["analysis"]  # as stores written before versions were recorded
    (store.path / MANIFEST).write_text(json.dumps(manifest))
    assert store.stale_segments() == ([] if ANALYSIS_VERSION == 1 else [report.segment])


def make_stale(store: Store, segment: str) -> None:
    """Mark a segment as written by an analysis version that is not this one."""
    manifest = json.loads(manifest_bytes(store))
    manifest["segments"][segment]["analysis"] = -1
    (store.path / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("jobs", [1, 2], ids=["one process", "two workers"])
def test_stale_segments_load_as_stored_and_reanalyse_in_place(store, documents, lexicon, jobs):
    first = store.add(documents[:2], lexicon).segment
    second = store.add(documents[2:], lexicon).segment
    make_stale(store, first)
    assert store.stale_segments() == [first]
    assert_same_analysis(store.load(lexicon), analyze(documents, lexicon))  # loaded as stored
    before = {d.doc_id: d for d in store.list()}

    calls = []
    assert store.reanalyze(lexicon, progress=lambda done, total: calls.append((done, total)), jobs=jobs) == [first]
    assert calls == [(1, 1)] and store.stale_segments() == []
    after = store.list()
    assert [d.doc_id for d in after] == [d.meta.doc_id for d in documents]  # same order
    replaced = {d.segment for d in after[:2]}
    assert len(replaced) == 1 and first not in replaced and after[2].segment == second
    for stored in after:
        old = before[stored.doc_id]
        assert (stored.meta, stored.sha256, stored.added_at, stored.extra) == (old.meta, old.sha256, old.added_at, old.extra)
    assert segment_dirs(store) == {*replaced, second}  # the stale segment went
    assert_same_analysis(store.load(lexicon), analyze(documents, lexicon))
    assert store.documents() == documents
    assert store.reanalyze(lexicon, jobs=jobs) == []  # nothing stale any more


def test_a_segment_another_writer_changes_during_a_reanalysis_is_left_as_it_was(store, documents, lexicon):
    first = store.add(documents[:2], lexicon).segment
    second = store.add(documents[2:], lexicon).segment
    make_stale(store, first)
    make_stale(store, second)

    def another_writer(done, _total):
        if done == 1:  # after the first segment is replaced, before the second is
            Store(store.path).remove([documents[3].meta.doc_id])

    with pytest.raises(StoreError, match="changed while segment .* was re-analysed"):
        store.reanalyze(lexicon, progress=another_writer, jobs=2)
    assert store.stale_segments() == [second]  # the first was replaced, the second is as it was
    assert_same_analysis(store.load(lexicon), analyze(documents[:3], lexicon))


def test_annotated_documents_are_added_like_documents(store, documents, lexicon):
    from speechlens.analysis import annotate

    report = store.add_annotated(annotate(documents[:2], lexicon), lexicon)
    assert report.added == [d.meta.doc_id for d in documents[:2]]
    copy = own_document("copy", documents[1].text)
    report = store.add_annotated(annotate([documents[1], documents[2], copy, documents[3]], lexicon), lexicon)
    assert report.added == [documents[2].meta.doc_id, documents[3].meta.doc_id]
    assert report.duplicates == [Duplicate("own-transcript", "own-transcript", 0), Duplicate("copy", "own-transcript", 2)]
    assert_same_analysis(store.load(lexicon), analyze(documents, lexicon))
    assert [d.words for d in store.list()] == [sum(p.words for p in d.paragraphs) for d in documents]


def test_extras_are_the_listed_documents_extra_columns(store, documents, lexicon):
    store.add(documents[:2], lexicon, extra={documents[1].meta.doc_id: {"year": "2024", "session": "79"}})
    assert store.extras() == {stored.doc_id: stored.extra for stored in store.list()}
    assert store.extras()[documents[1].meta.doc_id] == {"year": "2024", "session": "79"}
    assert store.extras()[documents[0].meta.doc_id] == {}
