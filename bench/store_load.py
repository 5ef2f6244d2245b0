"""How long reopening a corpus store takes, and how much memory the process that loads it needs.

    .venv/bin/python bench/store_load.py STORE [--build FOLDER] [--runs N] [--themes FILE]

``--build FOLDER`` first adds the speeches in FOLDER to STORE with ``python -m speechlens add``
when STORE holds nothing yet (e.g. the UN General Debate archive extracted to a folder).

Each run loads the store in a fresh process (``Store(STORE).load(lexicon)``, what the
dashboard does when it opens the store) and prints the time the load took and the
peak RSS of that process, two ways in the same run: from the Parquet segments
(the open cache ignored) and from the open cache (``speechlens.open_cache``; the
bench writes it first when the store is large enough to have one). The first run
of each may read its files from disk, the others find them in the page cache
("warm"). Prints the store's size (documents, paragraphs, sentences, matches,
term entries) and the best and worst warm run of each way, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

DEFAULT_THEMES = PROJECT_DIR / "data" / "themes.toml"


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss
    survives exec, so a child would report its parent's peak."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_once(store: Path, themes: Path, segments_only: bool) -> dict:
    """Load the store in this process; what the parent prints."""
    import speechlens.store as store_module
    from speechlens.store import Store
    from speechlens.themes import load_lexicon

    if segments_only:
        store_module._open_cached = lambda *_args: None
    lexicon = load_lexicon(themes)
    started = time.perf_counter()
    analysis = Store(store).load(lexicon)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "documents": len(analysis.documents),
        "paragraphs": len(analysis.paragraphs),
        "sentences": len(analysis.sentences),
        "matches": len(analysis.matches),
        "terms": len(analysis.terms.pid),
        "stale_segments": len(Store(store).stale_segments()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path)
    parser.add_argument("--build", type=Path, metavar="FOLDER", help="add these speeches first if the store is empty")
    parser.add_argument("--runs", type=int, default=3, help="loads, each in a fresh process (default 3)")
    parser.add_argument("--themes", type=Path, default=DEFAULT_THEMES)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--segments-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(load_once(args.store, args.themes, args.segments_only)))
        return 0

    if not (args.store / "manifest.json").is_file():
        if args.build is None:
            print(f"{args.store} holds no store; give --build FOLDER to make one")
            return 0
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "speechlens", "add", str(args.build), "--store", str(args.store)],
                       cwd=PROJECT_DIR, check=False, stdout=subprocess.DEVNULL)
        print(f"built {args.store} from {args.build} in {time.perf_counter() - started:.1f} s")

    from speechlens.store import Store
    from speechlens.themes import load_lexicon

    started = time.perf_counter()
    if Store(args.store).keep_open_cache(load_lexicon(args.themes)):
        print(f"wrote the open cache in {time.perf_counter() - started:.1f} s "
              f"(a load from the segments, then the save)")
    warm = {}
    for way, flags in (("segments", ["--segments-only"]), ("open cache", [])):
        results = []
        for run in range(1, args.runs + 1):
            output = subprocess.run(
                [sys.executable, __file__, str(args.store), "--themes", str(args.themes), "--child", *flags],
                cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            print(f"{way}, run {run}: load {result['seconds']:.2f} s, peak RSS of the loading process "
                  f"{result['peak_rss_mb']:,.0f} MB")
        warm[way] = results[1:] or results
    last = results[-1]
    print(f"store: {last['documents']:,} documents, {last['paragraphs']:,} paragraphs, "
          f"{last['sentences']:,} sentences, {last['matches']:,} theme matches, {last['terms']:,} term entries; "
          f"{last['stale_segments']} stale segment(s)")
    for way, runs in warm.items():
        print(f"warm, {way}: load {min(r['seconds'] for r in runs):.2f}-{max(r['seconds'] for r in runs):.2f} s, "
              f"peak RSS {max(r['peak_rss_mb'] for r in runs):,.0f} MB")
    median = {way: statistics.median(r["seconds"] for r in runs) for way, runs in warm.items()}
    print(f"open cache against segments (warm medians): {median['segments'] / median['open cache']:.1f}x faster")
    return 0

if __name__ == "__main__":
    sys.exit(main())
