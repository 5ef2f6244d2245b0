"""How long reopening a corpus store takes, and how much memory the process that loads it needs.

    .venv/bin/python bench/store_load.py STORE [--build FOLDER] [--runs N] [--themes FILE]

``--build FOLDER`` first adds the speeches in FOLDER to STORE with ``python -m speechlens add``
when STORE holds nothing yet (e.g. the UN General Debate archive extracted to a folder).

Each run loads the store in a fresh process (``Store(STORE).load(lexicon)``, what the
dashboard does when it opens the store) and prints the time the load took and the
peak RSS of that process; the first run may read the files from disk, the others
find them in the page cache ("warm"). Prints the store's size (documents,
paragraphs, sentences, matches, term entries) and the best and worst warm run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

DEFAULT_THEMES = PROJECT_DIR / "data" / "themes.toml"


def load_once(store: Path, themes: Path) -> dict:
    """Load the store in this process; what the parent prints."""
    from speechlens.store import Store
    from speechlens.themes import load_lexicon

    lexicon = load_lexicon(themes)
    started = time.perf_counter()
    analysis = Store(store).load(lexicon)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
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
    args = parser.parse_args()
    if args.child:
        print(json.dumps(load_once(args.store, args.themes)))
        return 0

    if not (args.store / "manifest.json").is_file():
        if args.build is None:
            print(f"{args.store} holds no store; give --build FOLDER to make one")
            return 0
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "speechlens", "add", str(args.build), "--store", str(args.store)],
                       cwd=PROJECT_DIR, check=False, stdout=subprocess.DEVNULL)
        print(f"built {args.store} from {args.build} in {time.perf_counter() - started:.1f} s")

    results = []
    for run in range(1, args.runs + 1):
        output = subprocess.run(
            [sys.executable, __file__, str(args.store), "--themes", str(args.themes), "--child"],
            cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        results.append(result)
        print(f"run {run}: load {result['seconds']:.2f} s, peak RSS of the loading process "
              f"{result['peak_rss_mb']:,.0f} MB")
    last = results[-1]
    print(f"store: {last['documents']:,} documents, {last['paragraphs']:,} paragraphs, "
          f"{last['sentences']:,} sentences, {last['matches']:,} theme matches, {last['terms']:,} term entries; "
          f"{last['stale_segments']} stale segment(s)")
    warm = results[1:] or results
    print(f"warm: load {min(r['seconds'] for r in warm):.2f}-{max(r['seconds'] for r in warm):.2f} s, "
          f"peak RSS {max(r['peak_rss_mb'] for r in warm):,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
