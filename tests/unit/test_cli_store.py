"""The corpus store's command line: `python -m speechlens add | list | remove`, run as users run it."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from speechlens.analysis import analyze
from speechlens.cli import Progress
from speechlens.corpus import load_default_lexicon, load_documents
from speechlens.store import MANIFEST, SEGMENTS, Store
from tests.conftest import DATA_DIR, PROJECT_DIR, SEED_TEXT, shared_dir

SEED_ID = "interpol-ga93-hammouchi-2025"
DEV_CORPUS = shared_dir() / "corpora" / "ungdc-dev"


def run(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "speechlens", *args],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=timeout, env=env,
    )


def start(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "speechlens", *args],
        cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env},
    )


def wait_for(condition, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def stored_ids(store_dir: Path) -> list[str]:
    return [d.doc_id for d in Store(store_dir).list()]


WORDS = (
    "security cooperation police border cybercrime peace development nations terrorism trafficking "
    "justice citizens future region partners dialogue crisis rights law trust climate health"
).split()


def speech(rng: random.Random, number: int) -> str:
    paragraphs = []
    for p in range(3):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(10)).capitalize() + "."
            for _ in range(2)
        ]
        paragraphs.append(f"Speech {number}, part {p}: " + " ".join(sentences))
    return "\n\n".join(paragraphs) + "\n"


def generate_speeches(folder: Path, count: int, seed: int = 7, prefix: str = "speech") -> Path:
    """``count`` short speeches of random security words, named prefix-000.txt, prefix-001.txt ..."""
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for number in range(count):
        (folder / f"{prefix}-{number:03d}.txt").write_text(speech(rng, number), encoding="utf-8")
    return folder


@pytest.fixture
def store_dir(tmp_path):
    return tmp_path / "store"


def assert_clean_failure(result, *needles: str):
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# ----------------------------------------------------------------------------- add, list, remove


def test_add_list_and_remove_the_seed_speech(store_dir):
    added = run("add", str(DATA_DIR), "--store", str(store_dir))
    assert added.returncode == 0, added.stderr
    assert f"added 1 document(s) to {store_dir}" in added.stdout
    assert f"skipped {DATA_DIR / 'themes.toml'}: not a supported type (.toml)" in added.stderr
    assert "added 1/1" in added.stderr  # the progress line's final state, even without a terminal
    [stored] = Store(store_dir).list()
    assert stored.meta == load_documents(DATA_DIR)[0].meta  # from the TOML beside the text

    listing = run("list", "--store", str(store_dir))
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["doc_id", "date", "speaker", "country", "paragraphs", "words"]
    assert lines[1].split()[:4] == [SEED_ID, "2025-11-24", "Abdellatif", "Hammouchi"]
    assert lines[1].split()[-2:] == [str(stored.paragraphs), str(stored.words)]
    assert lines[2].startswith("1 document(s)")

    again = run("add", str(SEED_TEXT), "--store", str(store_dir))
    assert again.returncode == 0, again.stderr
    assert f"({SEED_ID}) is already stored; not stored again" in again.stdout

    unknown = run("remove", SEED_ID, "no-such-speech", "--store", str(store_dir))
    assert_clean_failure(unknown, "error: not in the store", "'no-such-speech'", "nothing was changed")
    assert stored_ids(store_dir) == [SEED_ID]

    removed = run("remove", SEED_ID, "--store", str(store_dir))
    assert removed.returncode == 0, removed.stderr
    assert f"removed 1 document(s) from {store_dir}: {SEED_ID}" in removed.stdout
    assert "holds no documents" in run("list", "--store", str(store_dir)).stdout


def test_the_store_directory_comes_from_the_environment(store_dir, tmp_path):
    env = {**os.environ, "SPEECHLENS_DATA_DIR": str(store_dir)}
    assert run("add", str(SEED_TEXT), env=env).returncode == 0
    assert SEED_ID in run("list", env=env).stdout
    assert stored_ids(store_dir) == [SEED_ID]


def test_bad_files_are_refused_and_the_rest_added(store_dir, tmp_path):
    folder = tmp_path / "speeches"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("Cybercrime threatens every citizen.\n\nWe must cooperate.\n")
    (folder / "sub" / "notes.md").write_text("# Notes\n\nTerrorism and *organized crime* are rising.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / ".hidden.txt").write_text("never read")
    explicit = tmp_path / "table.xlsx"
    explicit.write_bytes(b"PK\x03\x04")

    result = run("add", str(folder), str(explicit), "--store", str(store_dir))
    assert_clean_failure(
        result,
        f"refused {folder / 'empty.txt'}: the file is empty",
        f"refused {folder / 'binary.txt'}: ",
        f"refused {explicit}: not a supported type (.xlsx)",
        f"skipped {folder / 'picture.png'}: not a supported type (.png)",
    )
    assert ".hidden" not in result.stderr
    assert "added 2 document(s)" in result.stdout and "3 file(s) refused" in result.stdout
    assert stored_ids(store_dir) == ["good", "notes"]


def test_a_doc_id_clash_is_refused_with_exit_status_1(store_dir, tmp_path):
    for name, text in (("one", "Police cooperation matters."), ("two", "Border security matters.")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "speech.txt").write_text(text)
    assert run("add", str(tmp_path / "one"), "--store", str(store_dir)).returncode == 0
    result = run("add", str(tmp_path / "two"), "--store", str(store_dir))
    assert_clean_failure(result, "speech: the doc_id is already used by a stored document with a different text")
    assert Store(store_dir).documents()[0].text.startswith("Police")


def test_metadata_from_a_csv_beside_the_files_from_metadata_and_from_flags(store_dir, tmp_path):
    folder = tmp_path / "un"
    folder.mkdir()
    rng = random.Random(1)
    for name in ("FRA_2001_UNGA56.txt", "USA_2001_UNGA56.txt"):
        (folder / name).write_text(speech(rng, len(name)), encoding="utf-8")
    rows = [
        {"file": "FRA_2001_UNGA56.txt", "speaker": "Mr. Védrine", "country": "France", "year": "2001",
         "date_if_known": "2001-11-10", "speaker_post": "Minister for Foreign Affairs", "session": "56"},
        {"file": "USA_2001_UNGA56.txt", "speaker": "Mr. Bush", "country": "United States", "year": "2001",
         "date_if_known": "", "speaker_post": "", "session": "56"},
    ]
    with open(folder / "metadata.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    assert run("add", str(folder), "--store", str(store_dir)).returncode == 0
    stored = {d.doc_id: d for d in Store(store_dir).list()}
    france, usa = stored["FRA_2001_UNGA56"], stored["USA_2001_UNGA56"]
    assert (france.meta.speaker, france.meta.country, france.meta.date, france.meta.post) == (
        "Mr. Védrine", "France", "2001-11-10", "Minister for Foreign Affairs")
    assert (usa.meta.speaker, usa.meta.date, usa.year, usa.extra["session"]) == ("Mr. Bush", "", "2001", "56")
    assert usa.meta.title == "Statement in the General Debate, UN General Assembly 56th session (2001)"
    assert usa.meta.event == "UN General Assembly, 56th session, General Debate"
    listing = run("list", "--store", str(store_dir)).stdout
    assert [line.split()[:4] for line in listing.splitlines() if line.startswith("USA")] == [
        ["USA_2001_UNGA56", "2001", "Mr.", "Bush"]]

    other = tmp_path / "other.csv"
    other.write_text("file,speaker,country\nUSA_2001_UNGA56.txt,George W. Bush,USA\n", encoding="utf-8")
    second = tmp_path / "second-store"
    flags = ("--metadata", str(other), "--place", "New York", "--language", "en", "--source-type", "speech")
    assert run("add", str(folder / "USA_2001_UNGA56.txt"), "--store", str(second), *flags).returncode == 0
    [usa] = Store(second).list()
    assert (usa.meta.speaker, usa.meta.country, usa.meta.place) == ("George W. Bush", "USA", "New York")

    third = tmp_path / "third-store"
    assert run("add", str(folder), "--store", str(third), "--speaker", "Anon", "--date", "2001-11-11").returncode == 0
    assert {(d.meta.speaker, d.meta.date) for d in Store(third).list()} == {("Anon", "2001-11-11")}


def test_bad_flags_and_tables_fail_before_anything_is_added(store_dir, tmp_path):
    result = run("add", str(SEED_TEXT), "--store", str(store_dir), "--date", "10/11/2001")
    assert result.returncode == 2 and "not a YYYY-MM-DD date" in result.stderr
    table = tmp_path / "meta.csv"
    table.write_text("name,speaker\nx.txt,Someone\n", encoding="utf-8")
    result = run("add", str(SEED_TEXT), "--store", str(store_dir), "--metadata", str(table))
    assert_clean_failure(result, "needs a 'file' column")
    assert not store_dir.exists()


def test_progress_is_rewritten_in_place_on_a_terminal_and_quiet_otherwise():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    progress = Progress(3, terminal, interval=0)
    for done in (1, 2, 3):
        progress.update(done)
    progress.finish("added 3/3")
    shown = terminal.getvalue()
    assert shown.startswith("\radded 1/3 …") and "\radded 2/3 …" in shown
    assert shown.rstrip().split("\r")[-1].startswith("added 3/3 (") and shown.endswith("\n")

    piped = io.StringIO()
    progress = Progress(3, piped, interval=0)
    for done in (1, 2, 3):
        progress.update(done)
    progress.finish("added 3/3")
    assert piped.getvalue().startswith("added 3/3 (") and piped.getvalue().count("\n") == 1


# ----------------------------------------------------------------------------- crashes and concurrency


def segment_not_in_manifest(store_dir: Path):
    listed = set(json.loads((store_dir / MANIFEST).read_text())["segments"])
    segments = store_dir / SEGMENTS
    return [p for p in segments.iterdir() if not p.name.startswith(".tmp-") and p.name not in listed]


def temporary_segment_with_a_file(store_dir: Path):
    return [p for p in (store_dir / SEGMENTS).glob(".tmp-*") if (p / "documents.parquet").is_file()]


@pytest.mark.parametrize(
    "hook, written",
    [
        ("SPEECHLENS_TEST_PAUSE_IN_SEGMENT", temporary_segment_with_a_file),
        ("SPEECHLENS_TEST_PAUSE_BEFORE_COMMIT", segment_not_in_manifest),
    ],
    ids=["while-writing-the-segment", "after-the-segment-before-the-manifest"],
)
def test_a_killed_add_leaves_the_store_as_it_was(store_dir, tmp_path, hook, written):
    assert run("add", str(SEED_TEXT), "--store", str(store_dir)).returncode == 0
    lexicon = load_default_lexicon(DATA_DIR)
    store = Store(store_dir)
    before_manifest, before_list = (store_dir / MANIFEST).read_bytes(), store.list()
    folder = generate_speeches(tmp_path / "speeches", 200)

    adding = start("add", str(folder), "--store", str(store_dir), **{hook: "60"})
    try:
        [leftover] = wait_for(lambda: written(store_dir), what="the segment write")
        assert adding.poll() is None
        os.kill(adding.pid, signal.SIGKILL)
        adding.wait(timeout=10)
    finally:
        if adding.poll() is None:
            adding.kill()
            adding.wait()
        adding.stdout.close()
        adding.stderr.close()
    assert adding.returncode == -signal.SIGKILL

    # Exactly what it held before: the same manifest, the same listing, the same analysis.
    assert (store_dir / MANIFEST).read_bytes() == before_manifest
    assert store.list() == before_list
    loaded = store.load(lexicon)
    expected = analyze(load_documents(DATA_DIR), lexicon)
    pd.testing.assert_frame_equal(loaded.paragraphs, expected.paragraphs)
    assert leftover.exists()  # ignored, not yet cleaned

    again = run("add", str(folder), "--store", str(store_dir))  # the lock died with the process
    assert again.returncode == 0, again.stderr
    assert "added 200 document(s)" in again.stdout
    assert not leftover.exists()
    assert stored_ids(store_dir) == [SEED_ID] + [f"speech-{n:03d}" for n in range(200)]
    assert len(list((store_dir / SEGMENTS).iterdir())) == 2


def test_a_second_writer_waits_or_fails_clearly(store_dir, tmp_path):
    assert run("add", str(SEED_TEXT), "--store", str(store_dir)).returncode == 0
    first = generate_speeches(tmp_path / "first", 3, seed=1, prefix="first")
    second = generate_speeches(tmp_path / "second", 2, seed=2, prefix="second")
    writer = start("add", str(first), "--store", str(store_dir), SPEECHLENS_TEST_PAUSE_BEFORE_COMMIT="4")
    try:
        wait_for(lambda: segment_not_in_manifest(store_dir), what="the first writer to hold the lock")
        impatient = run("add", str(second), "--store", str(store_dir), "--wait", "0.2")
        assert_clean_failure(impatient, f"error: the store at {store_dir} is being changed by another "
                                        f"process (pid {writer.pid}", "Try again")
        assert stored_ids(store_dir) == [SEED_ID]
        patient = run("add", str(second), "--store", str(store_dir), "--wait", "60")
        assert patient.returncode == 0, patient.stderr
        assert writer.wait(timeout=60) == 0  # the first writer had finished before the second committed
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.communicate()
    assert stored_ids(store_dir) == [SEED_ID, "first-000", "first-001", "first-002", "second-000", "second-001"]


# ----------------------------------------------------------------------------- the 153 real speeches


@pytest.mark.corpus
@pytest.mark.skipif(not (DEV_CORPUS / "metadata.csv").is_file(), reason=f"{DEV_CORPUS} not found")
def test_the_153_dev_speeches_add_with_their_metadata(store_dir):
    result = run("add", str(DEV_CORPUS), "--store", str(store_dir), timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"added 153 document(s) to {store_dir}" in result.stdout
    with open(DEV_CORPUS / "metadata.csv", encoding="utf-8", newline="") as handle:
        rows = {Path(row["file"]).stem: row for row in csv.DictReader(handle)}
    stored = {d.doc_id: d for d in Store(store_dir).list()}
    assert set(stored) == set(rows)
    for doc_id, row in rows.items():
        document = stored[doc_id]
        assert (document.meta.speaker, document.meta.country, document.year) == (
            row["speaker"], row["country"], row["year"]), doc_id
        assert document.meta.post == row["speaker_post"] and document.meta.title == row["title"]
        assert document.extra["session"] == row["session"] and document.extra["iso3"] == row["iso3"]

    listing = run("list", "--store", str(store_dir)).stdout.splitlines()
    assert len(listing) == 1 + 153 + 1 and listing[-1].startswith("153 document(s)")
    assert "USA_2001_UNGA56" in "\n".join(listing)

    store = Store(store_dir)
    lexicon = load_default_lexicon(DATA_DIR)
    loaded, expected = store.load(lexicon), analyze(store.documents(), lexicon)
    for name in ("paragraphs", "sentences", "matches"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(expected, name))
    assert loaded.terms.vocabulary == expected.terms.vocabulary
    assert loaded.fingerprint == expected.fingerprint


def test_reanalyze_rewrites_only_stale_segments(store_dir):
    assert run("add", str(SEED_TEXT), "--store", str(store_dir)).returncode == 0
    result = run("reanalyze", "--store", str(store_dir))
    assert result.returncode == 0 and "up to date; nothing to do" in result.stdout
    manifest = json.loads((store_dir / MANIFEST).read_text())
    [segment] = manifest["segments"]
    manifest["segments"][segment]["analysis"] = -1  # as if an older SpeechLens had written it
    (store_dir / MANIFEST).write_text(json.dumps(manifest))
    result = run("reanalyze", "--store", str(store_dir))
    assert result.returncode == 0, result.stderr
    assert "re-analysed 1 segment(s)" in result.stdout
    assert Store(store_dir).stale_segments() == [] and [d.doc_id for d in Store(store_dir).list()] == [SEED_ID]
    lexicon = load_default_lexicon(DATA_DIR)
    loaded, expected = Store(store_dir).load(lexicon), analyze(load_documents(DATA_DIR), lexicon)
    pd.testing.assert_frame_equal(loaded.paragraphs, expected.paragraphs)


def test_speech_files_are_found_in_path_order_once_each_through_symlinks(tmp_path):
    from speechlens.cli import find_speech_files

    folder = tmp_path / "speeches"
    for name in ("a b/one.txt", "a/two.txt", "a-c/three.txt", "b.txt", "z/Four.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("Text.")
    (folder / "link.txt").symlink_to(folder / "b.txt")  # the same file twice: kept once
    (folder / "linked").symlink_to(folder / "a", target_is_directory=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("Text.")

    given = [folder, folder / "a" / "two.txt", outside, folder / "a" / ".." / "b.txt"]
    files, skipped, refused = find_speech_files(given)
    found = sorted(p for p in folder.rglob("*") if p.suffix == ".txt")  # the order of Path comparisons
    kept, seen = [], set()
    for path in [*found, outside]:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            kept.append(path)
    assert files == kept and (skipped, refused) == ([], [])
    assert folder / "link.txt" not in files and outside in files
