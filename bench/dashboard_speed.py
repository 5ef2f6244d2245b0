"""How fast the dashboard opens and reacts, on this machine.

Prints:
  1. server start -> health check answers, and -> all four charts visible in
     headless Chromium for the first visitor (target: <= 3 s after the server
     answers), over several cold starts of ``scripts/serve.py``;
  2. the server time of a filter change: the whole script rerun in-process
     (Streamlit's AppTest), for several filter changes (target <= 300 ms);
  3. a filter change as the browser sees it: click -> charts redrawn.

Run: make bench   (or .venv/bin/python bench/dashboard_speed.py)
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server  # noqa: E402

REPEATS = 7


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def browser_timings(starts: int = 3) -> dict[str, float]:
    """Cold starts of a fresh server, each opened by a fresh browser page, then a click."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import wait_for_charts, wait_for_charts_drawn

    to_health, to_charts, second_visit, clicks = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for attempt in range(starts):
            port = free_port()
            started = time.perf_counter()
            server = start_server(port)
            answered = time.perf_counter()
            try:
                page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
                begin = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                wait_for_charts_drawn(page, timeout=60_000)
                to_health.append(answered - started)
                to_charts.append(time.perf_counter() - begin)
                wait_for_charts(page)

                again = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
                begin = time.perf_counter()
                again.goto(f"http://127.0.0.1:{port}/")
                wait_for_charts_drawn(again, timeout=60_000)
                second_visit.append(time.perf_counter() - begin)

                if attempt == 0:
                    radios = page.get_by_role("radiogroup", name="Whose words")
                    for label in ["speaker", "narration", "all"] * 2:
                        begin = time.perf_counter()
                        radios.get_by_text(label, exact=True).click()
                        page.wait_for_url(lambda url, label=label: ("voice=" in url) == (label != "all"))
                        wait_for_charts(page)
                        clicks.append(time.perf_counter() - begin)
            finally:
                stop_server(server)
        browser.close()
    return {
        f"server start -> health check answers (median of {starts})": statistics.median(to_health),
        f"first visitor: page requested -> 4 charts drawn (median of {starts})": statistics.median(to_charts),
        f"first visitor: page requested -> 4 charts drawn (max of {starts})": max(to_charts),
        f"later visitor: page requested -> 4 charts drawn (median of {starts})": statistics.median(second_visit),
        "browser: filter click -> URL updated and charts redrawn (median)": statistics.median(clicks),
        "browser: filter click -> URL updated and charts redrawn (max)": max(clicks),
    }


def reset_button(at):
    return next(button for button in at.button if button.label == "Reset filters")


def server_rerun_timings() -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=120)
    begin = time.perf_counter()
    at.run()
    first = time.perf_counter() - begin
    assert not at.exception, at.exception

    changes = {
        "choose a theme": lambda: at.multiselect(key="theme").set_value(["cybercrime"]),
        "two themes": lambda: at.multiselect(key="theme").set_value(["cooperation", "public-trust"]),
        "speaker's words only": lambda: at.radio(key="voice").set_value("speaker"),
        "polarity 0..1": lambda: at.slider(key="polarity").set_value((0.0, 1.0)),
        "keyword search": lambda: at.text_input(key="q").set_value("Interpol"),
        "back to everything": lambda: reset_button(at).click(),
    }
    results = {"server: first script run in a new process (imports + parse + score + draw)": first}
    for name, change in changes.items():
        samples = []
        for _ in range(REPEATS):
            reset_button(at).click().run()  # reset, so each sample is a real change
            change()
            begin = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - begin)
            assert not at.exception, at.exception
        results[f"server rerun: {name} (median of {REPEATS})"] = statistics.median(samples)
        results[f"server rerun: {name} (max)"] = max(samples)
    return results


def main() -> None:
    # A fresh store holding only the seed speech, as on a first start (never the project's own store).
    scratch = tempfile.TemporaryDirectory(prefix="speechlens-bench-")
    os.environ.setdefault("SPEECHLENS_DATA_DIR", str(Path(scratch.name) / "store"))
    print(f"machine: {machine()}")
    rows: dict[str, float] = {}
    # Browser timings first: AppTest leaves Streamlit's runtime threads behind in this process.
    if Path(CHROMIUM).exists():
        rows.update(browser_timings())
    else:
        print(f"(no Chromium at {CHROMIUM}: browser timings skipped)")
    rows.update(server_rerun_timings())
    width = max(len(name) for name in rows)
    for name, seconds in rows.items():
        print(f"{name:<{width}}  {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
