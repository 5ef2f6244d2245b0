"""Ingest throughput vs the naive TextBlob loop, measured in one run on the same paragraphs.

    .venv/bin/python bench/ingest_speed.py [FOLDER] [--archive UN.tar.xz] [--jobs N]

FOLDER defaults to ../shared/corpora/ungdc-dev (a message and exit status 0 when it is absent).
``--archive`` extracts a .tar.xz (e.g. the UN General Debate corpus) to a temporary folder first.

  (a) every file is read and parsed as `add` does; on the paragraphs the parser
      produces, the naive single-process loop ``TextBlob(p).sentiment`` is timed;
  (b) the full ingest - find files, read, parse, themes, sentiment, terms and the
      store write (``python -m speechlens add --jobs N``, run in this process before
      anything else, so the workers it forks start as small as the command's) - into
      a temporary store, on every core by default. On a large corpus the command then
      writes the store's open cache for the dashboard; that step is timed apart
      (the command prints its time) and the ratio given both without and with it.

Prints paragraphs, words, both throughputs (paragraphs/s, words/s), their ratio, the
CPU time the ingest took (all its processes), the peak RSS of this process and of
its largest worker during the ingest, and the number of stored paragraphs whose
polarity or subjectivity differs from TextBlob's, read back from the store's files
(must be 0; exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import resource
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from speechlens.cli import MetadataTables, find_speech_files, main as cli_main, read_speech  # noqa: E402
from speechlens.store import SEGMENTS, Store  # noqa: E402

DEFAULT_FOLDER = PROJECT_DIR.parent / "shared" / "corpora" / "ungdc-dev"


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def collect(folder: Path):
    """[(doc_id, position, text, words)] of every paragraph the parser produces, in file order."""
    files, _, _ = find_speech_files([folder])
    read = functools.partial(read_speech, tables=MetadataTables(None), flags={})
    paragraphs, refused = [], 0
    for path in files:
        try:
            document, _ = read(path)
        except (ValueError, OSError):
            refused += 1
            continue
        paragraphs.extend((p.doc_id, p.position, p.text, p.words) for p in document.paragraphs)
    return files, paragraphs, refused


def stored_scores(store: Store) -> dict[tuple[str, int], tuple[float, float]]:
    """(doc_id, position) -> (polarity, subjectivity) of every paragraph the store lists."""
    scores = {}
    listed = {document.doc_id for document in store.list()}
    for segment in store.manifest()["segments"]:
        table = pq.read_table(store.path / SEGMENTS / segment / "paragraphs.parquet",
                              columns=["doc_id", "position", "polarity", "subjectivity"])
        for doc_id, position, polarity, subjectivity in zip(*(table[name].to_pylist() for name in table.column_names)):
            if doc_id in listed:
                scores[(doc_id, position)] = (polarity, subjectivity)
    return scores


def run(folder: Path, jobs: int | None) -> int:
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as temp:
        # (b) first, while this process holds nothing else: the workers it forks start small,
        # as those of `python -m speechlens add` do.
        store_dir = Path(temp) / "store"
        argv = ["add", str(folder), "--store", str(store_dir)]
        if jobs is not None:
            argv += ["--jobs", str(jobs)]
        output = io.StringIO()
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        with contextlib.redirect_stdout(output):
            status = cli_main(argv)
        ingest = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
        ingest_rss = (peak_rss_mb(resource.RUSAGE_SELF), peak_rss_mb(resource.RUSAGE_CHILDREN))
        lines = output.getvalue().strip().splitlines()
        summary = [line for line in lines if line.startswith("added ")][-1:] or [""]
        # A large store is then prepared for the dashboard (its open cache written): timed apart,
        # since the ingest the target speaks of ends with the store write.
        prepared = [float(line.split(" in ")[-1].rstrip(" s")) for line in lines
                    if line.startswith("prepared the store for fast opening")]
        preparation = prepared[0] if prepared else 0.0

        started = time.perf_counter()
        files, paragraphs, refused = collect(folder)
        parse_seconds = time.perf_counter() - started
        words = sum(w for *_, w in paragraphs)
        print(f"corpus: {folder} - {len(files)} files ({refused} refused), {len(paragraphs):,} paragraphs, "
              f"{words:,} words (collected in {parse_seconds:.1f} s)")

        # (a) the naive loop
        from textblob import TextBlob

        started = time.perf_counter()
        expected = [TextBlob(text).sentiment for _, _, text, _ in paragraphs]
        naive = time.perf_counter() - started
        print(f"(a) naive TextBlob(p).sentiment, 1 process: {naive:.2f} s = "
              f"{len(paragraphs) / naive:,.0f} paragraphs/s, {words / naive:,.0f} words/s")

        used = jobs if jobs is not None else os.cpu_count()
        command = ingest
        ingest -= preparation
        print(f"(b) full ingest (read, parse, themes, sentiment, terms, store write), {used} processes: "
              f"{ingest:.2f} s = {len(paragraphs) / ingest:,.0f} paragraphs/s, {words / ingest:,.0f} words/s "
              f"[{summary[0]}; exit {status}]")
        print(f"    CPU time of the ingest, all processes: {cpu:.1f} s = {cpu / command:.2f} cores busy on average")
        print(f"ratio (b)/(a): {naive / ingest:.2f}x")
        if preparation:
            print(f"then the open cache for the dashboard: {preparation:.1f} s; the whole add command "
                  f"{command:.2f} s, ratio {naive / command:.2f}x")
        print(f"peak RSS during the ingest: this process {ingest_rss[0]:,.0f} MB, "
              f"largest worker {ingest_rss[1]:,.0f} MB")

        # every stored paragraph against TextBlob, bit for bit
        scores = stored_scores(Store(store_dir))
        missing = mismatches = 0
        for (doc_id, position, _, _), sentiment in zip(paragraphs, expected, strict=True):
            got = scores.get((doc_id, int(position)))
            if got is None:
                missing += 1
            elif not (got[0] == sentiment.polarity and got[1] == sentiment.subjectivity
                      and repr(got) == repr((sentiment.polarity, sentiment.subjectivity))):
                mismatches += 1
        print(f"stored paragraphs: {len(scores):,}; sentiment mismatches vs TextBlob: {mismatches}; "
              f"paragraphs not stored: {missing}")
    return 0 if mismatches == 0 and missing == 0 else 1


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (user and system)."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--archive", type=Path, help="a .tar.xz of speeches, extracted to a temporary folder")
    parser.add_argument("--jobs", type=int, default=None, help="processes for the ingest (default: every core)")
    args = parser.parse_args()
    if args.archive is not None:
        if not args.archive.is_file():
            print(f"{args.archive} not found; nothing to measure")
            return 0
        with tempfile.TemporaryDirectory(prefix="ingest-archive-") as temp:
            started = time.perf_counter()
            with tarfile.open(args.archive, "r:*") as archive:
                archive.extractall(temp, filter="data")
            print(f"extracted {args.archive} in {time.perf_counter() - started:.1f} s")
            return run(Path(temp), args.jobs)
    if not args.folder.is_dir():
        print(f"{args.folder} not found; nothing to measure (give a folder of speeches, or --archive)")
        return 0
    return run(args.folder, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
