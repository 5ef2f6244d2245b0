"""The briefing opened from disk in Chromium: every chart drawn, no errors, no network."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from speechlens.briefing import build_briefing, write_briefing
from speechlens.filters import Filters

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/speechlens-briefing.png"
PRINT_SCREENSHOT = "/tmp/speechlens-briefing-print.png"
CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll('.plotly-graph-div')];
  return charts.length > 0 && charts.every(chart => chart.querySelector('.main-svg'));
}"""


@pytest.fixture
def briefing_url(seed_analysis, tmp_path) -> str:
    path = tmp_path / "briefing.html"
    filters = Filters(themes=("cooperation", "cybercrime"))
    write_briefing(build_briefing(seed_analysis, filters, link="http://127.0.0.1:8501/?theme=cooperation"), path)
    return path.as_uri()


def test_the_briefing_draws_every_chart_offline(page, briefing_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(briefing_url)
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)

    assert page.locator(".plotly-graph-div .main-svg").first.is_visible()
    assert page.evaluate("document.querySelectorAll('.plotly-graph-div').length") == 4
    assert page.evaluate("[...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('.main-svg')).length") == 4
    assert page.console_errors == []
    assert {urlsplit(url).scheme for url in requests} == {"file"}, requests
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_in_print_every_chart_fits_the_page_width(page, briefing_url):
    page.goto(briefing_url)
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 1000})  # A4 text block at 96 px per inch
    widths = page.evaluate("[...document.querySelectorAll('.chart')].map(c => c.querySelector('.main-svg').getBoundingClientRect().width)")
    body = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert len(widths) == 4
    assert all(0.9 * body <= width <= body + 0.5 for width in widths), (widths, body)  # zoomed to fit, not shrunk away
    assert page.console_errors == []
    page.screenshot(path=PRINT_SCREENSHOT, full_page=True)
