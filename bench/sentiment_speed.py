"""Sentiment throughput: the naive TextBlob loop vs speechlens.fastsentiment.score_many.

On the same paragraphs - every non-blank line of the 153 dev speeches in
../shared/corpora/ungdc-dev (one paragraph per line there), or, when that
folder is absent, the seed speech's paragraphs repeated - prints:

  1. paragraphs/second of ``[tuple(TextBlob(p).sentiment) for p in paragraphs]``;
  2. paragraphs/second of ``score_many(paragraphs)`` in a fresh process
     ("cold": includes loading the lexicon and filling the token caches) and
     again ("warm": best of a few runs), with the speed-up over (1) - by wall
     clock and by CPU time of this process (steadier on a busy machine);
  3. the number of paragraphs whose score differs from TextBlob's (compared
     with == and repr, i.e. bit for bit); it must be 0 (exit status 1 if not).

Single process, no multiprocessing.  Run: .venv/bin/python bench/sentiment_speed.py
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from speechlens.fastsentiment import score_many  # noqa: E402

SHARED = Path(os.environ.get("SPEECHLENS_SHARED", PROJECT_DIR.parent / "shared"))
CORPUS = SHARED / "corpora" / "ungdc-dev"
SEED_TEXT = PROJECT_DIR / "data" / "interpol-ga93-hammouchi-2025.txt"
SEED_REPEAT = 1000
WARM_RUNS = 3


def load_paragraphs() -> tuple[list[str], str]:
    speeches = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    if speeches:
        paragraphs = [
            line
            for path in speeches
            for line in path.read_bytes().decode("utf-8", errors="replace").split("\n")
            if line.strip()
        ]
        return paragraphs, f"every non-blank line of {len(speeches)} speeches in {CORPUS}"
    seed = [line for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    return seed * SEED_REPEAT, f"{CORPUS} absent: the seed speech's {len(seed)} paragraphs x {SEED_REPEAT}"


def timed(work):
    """(result, (wall seconds, CPU seconds of this process))."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, (time.perf_counter() - wall, time.process_time() - cpu)


def rate(count: int, seconds: tuple[float, float]) -> str:
    wall, cpu = seconds
    return f"{count / wall:>10,.0f} paragraphs/s ({wall * 1e6 / count:7.2f} us each, {wall:5.2f} s)   {cpu:8.2f} s CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="use only the first N paragraphs")
    args = parser.parse_args()

    paragraphs, source = load_paragraphs()
    if args.limit:
        paragraphs = paragraphs[: args.limit]
    count = len(paragraphs)
    words = sum(len(p.split()) for p in paragraphs)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"Python {platform.python_version()}, TextBlob {version('textblob')}, {machine}")
    print(f"{count:,} paragraphs ({words:,} words): {source}\n")

    # The naive loop first, on a clean heap (TextBlob builds a namedtuple class per
    # call, so it is sensitive to how many objects the garbage collector tracks).
    from textblob import TextBlob

    TextBlob("warm up").sentiment  # TextBlob loads its lexicon lazily; keep that out of the loop
    # Kept as plain tuples: holding the Sentiment namedtuples would keep one class
    # per paragraph alive and slow the loop down (a flattering baseline).
    naive, naive_time = timed(lambda: [tuple(TextBlob(p).sentiment) for p in paragraphs])
    gc.collect()

    # Cold: the first call in this process loads the lexicon and fills the caches.
    fast, cold_time = timed(lambda: score_many(paragraphs))
    warm_time = (float("inf"), float("inf"))
    for _ in range(WARM_RUNS):
        again, seconds = timed(lambda: score_many(paragraphs))
        assert again == fast
        warm_time = min(warm_time, seconds)

    print(f"TextBlob(p).sentiment loop     {rate(count, naive_time)}")
    print(f"score_many, cold               {rate(count, cold_time)}")
    print(f"score_many, warm (best of {WARM_RUNS})   {rate(count, warm_time)}")
    print(
        f"speed-up over the naive loop:  cold x{naive_time[0] / cold_time[0]:.1f} wall, "
        f"x{naive_time[1] / cold_time[1]:.1f} CPU;  warm x{naive_time[0] / warm_time[0]:.1f} wall, "
        f"x{naive_time[1] / warm_time[1]:.1f} CPU"
    )

    mismatched = [
        (p, expected, got)
        for p, expected, got in zip(paragraphs, naive, fast, strict=True)
        if not (expected == got and repr(expected) == repr(got))
    ]
    print(f"\nmismatches vs TextBlob (== and repr): {len(mismatched)} of {count:,}")
    for text, expected, got in mismatched[:10]:
        print(f"  TextBlob {expected!r} != fast {got!r}: {text[:200]!r}")
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
