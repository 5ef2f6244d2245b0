"""The dashboard on a whole stored corpus: reopening, filter changes and memory.

    .venv/bin/python bench/corpus_dashboard.py --store DIR

DIR is a store holding the corpus, built once with
``python -m speechlens add FOLDER --store DIR`` (for the UN General Debate,
FOLDER is ``../shared/corpora/ungdc-1946-2024-open.tar.xz`` extracted; see
the README). Without ``--store`` the bench prints how to build one and exits 0.

Prints, on this machine:
  1. reopening: a fresh server (``scripts/serve.py``) on the store opens the corpus
     and draws the opening view as it starts; then a fresh browser page -> every
     chart drawn (target: <= 5 s), median of several starts; also visitors who
     arrive at once, timed from the server's start (median and worst of several
     starts); and the server's peak memory (VmHWM). The store's open cache
     (``speechlens.open_cache``) is written first if it has none, as
     ``python -m speechlens add`` does after adding;
  2. the server time of filter changes on the whole corpus, the word cloud
     included (target: <= 1 s each): the whole script rerun in-process
     (Streamlit's AppTest), each a first visit to that view, so no cached cloud;
  3. the peak memory of that in-process run (target: <= 4 GB overall).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from bench.dashboard_speed import machine  # noqa: E402
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server  # noqa: E402

STARTS = 3
# Charts of the default view of a corpus: theme frequency, theme map, sentiment, word cloud and the
# two comparison charts (distinctive words appear once the view is narrower than the corpus).
DEFAULT_VIEW_CHARTS = 6


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of a process's resident memory (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reopen_timings(store: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import wait_for_app, wait_for_charts_drawn

    charts = DEFAULT_VIEW_CHARTS
    to_health, to_ready, to_charts, cold, memory = [], [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for attempt in range(2 * STARTS):
            port = free_port()
            started = time.perf_counter()
            server = start_server(port, env={"SPEECHLENS_DATA_DIR": str(store)})
            answered = time.perf_counter()
            try:
                page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
                if attempt % 2:
                    # A visitor who arrives as the server starts, before the corpus is open.
                    page.goto(f"http://127.0.0.1:{port}/")
                    wait_for_charts_drawn(page, count=charts, timeout=120_000)
                    cold.append(time.perf_counter() - started)
                    print(f"start {attempt + 1}: a visitor at server start saw all {charts} charts "
                          f"{cold[-1]:.2f} s after the server started", flush=True)
                else:
                    wait_until_ready(server)
                    to_ready.append(time.perf_counter() - started)
                    begin = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{port}/")
                    wait_for_charts_drawn(page, count=charts, timeout=120_000)
                    to_charts.append(time.perf_counter() - begin)
                    to_health.append(answered - started)
                    print(f"start {attempt + 1}: corpus ready {to_ready[-1]:.2f} s after the server started; "
                          f"a page then drew all {charts} charts in {to_charts[-1]:.2f} s", flush=True)
                wait_for_app(page, timeout=120_000)
                memory.append(peak_rss_mb(server.pid))
                page.context.close()
            finally:
                stop_server(server)
        browser.close()
    return {
        f"server start -> health check answers (median of {STARTS})": statistics.median(to_health),
        f"server start -> corpus open, opening view drawn (median of {STARTS})": statistics.median(to_ready),
        f"reopen: page requested -> all {charts} charts drawn (median of {STARTS})": statistics.median(to_charts),
        f"reopen: page requested -> all {charts} charts drawn (max of {STARTS})": max(to_charts),
        f"a visitor at server start: server start -> all {charts} charts drawn (median of {STARTS})":
            statistics.median(cold),
        f"a visitor at server start: server start -> all {charts} charts drawn (max of {STARTS})": max(cold),
        "__server_peak_mb": max(memory),
    }


def wait_until_ready(server, timeout: float = 120.0) -> None:
    """Until scripts/serve.py says it has opened the corpus and drawn the opening view."""
    from scripts.serve import READY

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if READY in Path(server.log_path).read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise RuntimeError(f"the server did not open the corpus within {timeout:.0f} s")


def filter_timings(store: Path) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    os.environ["SPEECHLENS_DATA_DIR"] = str(store)
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=300)
    begin = time.perf_counter()
    at.run()
    first = time.perf_counter() - begin
    assert not at.exception, at.exception
    countries = at.multiselect(key="country").options
    # The Documents filter lists no document of a corpus this large until it is narrowed: an id is typed in.
    from speechlens.store import Store

    documents = [document.doc_id for document in Store(store).list()]

    def reset():
        next(b for b in at.button if b.label == "Reset filters").click().run()

    changes = {
        "a theme (cybercrime)": lambda: at.multiselect(key="theme").set_value(["cybercrime"]),
        "two themes": lambda: at.multiselect(key="theme").set_value(["terrorism", "human-rights"]),
        "a country": lambda: at.multiselect(key="country").set_value([countries[len(countries) // 3]]),
        "three countries, compared by country": lambda: (
            at.multiselect(key="country").set_value(countries[5:8]), at.segmented_control(key="compare").set_value("country")),
        "one document": lambda: at.multiselect(key="doc").set_value([documents[len(documents) // 2]]),
        "years 1990-2000": lambda: at.slider(key="year").set_value((1990, 2000)),
        "keyword search (\"terrorism\")": lambda: at.text_input(key="q").set_value("terrorism"),
        "speaker's words, polarity 0..1": lambda: (at.radio(key="voice").set_value("speaker"),
                                                  at.slider(key="polarity").set_value((0.0, 1.0))),
        "compare by year": lambda: at.segmented_control(key="compare").set_value("year"),
    }
    results = {"in-process first run (load the store, draw everything)": first}
    for name, change in changes.items():
        reset()
        change()
        begin = time.perf_counter()
        at.run()
        results[f"filter change: {name}"] = time.perf_counter() - begin
        assert not at.exception, at.exception
    results["__inprocess_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store holding the corpus")
    args = parser.parse_args()
    if args.store is None or not (args.store / "manifest.json").is_file():
        print("no store given (or not a store): build one with\n"
              "  tar -xJf ../shared/corpora/ungdc-1946-2024-open.tar.xz -C /tmp/ungdc\n"
              "  .venv/bin/python -m speechlens add /tmp/ungdc --store /tmp/ungdc-store\n"
              "then run: .venv/bin/python bench/corpus_dashboard.py --store /tmp/ungdc-store")
        return 0
    from speechlens.store import Store

    from speechlens.corpus import themes_path
    from speechlens.themes import load_lexicon

    store = Store(args.store)
    documents = store.list()
    print(f"machine: {machine()}")
    print(f"store: {args.store} - {len(documents):,} documents, "
          f"{sum(d.paragraphs for d in documents):,} paragraphs, {sum(d.words for d in documents):,} words")
    started = time.perf_counter()
    if store.keep_open_cache(load_lexicon(themes_path(store.path))):
        print(f"wrote the store's open cache in {time.perf_counter() - started:.1f} s")
    rows: dict[str, float] = {}
    if Path(CHROMIUM).exists():
        rows.update(reopen_timings(args.store))
    else:
        print(f"(no Chromium at {CHROMIUM}: reopening in a browser skipped)")
    rows.update(filter_timings(args.store))
    width = max(len(name) for name in rows if not name.startswith("__"))
    for name, seconds in rows.items():
        if not name.startswith("__"):
            print(f"{name:<{width}}  {seconds * 1000:8.0f} ms")
    changes = [v for k, v in rows.items() if k.startswith("filter change")]
    print(f"filter changes: median {statistics.median(changes) * 1000:.0f} ms, max {max(changes) * 1000:.0f} ms")
    if "__server_peak_mb" in rows:
        print(f"peak memory of the server by the time every chart was drawn: {rows['__server_peak_mb']:,.0f} MB")
    print(f"peak memory of the in-process run (one corpus loaded, every change above): "
          f"{rows['__inprocess_peak_mb']:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
