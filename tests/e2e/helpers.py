"""Waiting on Streamlit the way a user does: for the script to finish and charts to draw."""

from __future__ import annotations

from playwright.sync_api import Page, expect

SCRIPT_DONE = '[data-test-script-state="notRunning"]'
CHART = '[data-testid="stPlotlyChart"] .main-svg'


def wait_for_app(page: Page, timeout: float = 30_000) -> None:
    """Until the app's script has run to the end and no rerun is pending."""
    expect(page.locator(SCRIPT_DONE)).to_have_count(1, timeout=timeout)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout)


CHARTS_DRAWN = """(count) => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter((chart) => chart.querySelector('.main-svg')).length >= count"""


def wait_for_charts_drawn(page: Page, count: int = 4, timeout: float = 30_000) -> None:
    """Until ``count`` Plotly charts are drawn (the script may still be finishing).

    Checked on every animation frame, so a benchmark measures the moment itself,
    not the back-off of a polling assertion.
    """
    page.wait_for_function(CHARTS_DRAWN, arg=count, polling="raf", timeout=timeout)


def wait_for_charts(page: Page, count: int = 4, timeout: float = 30_000) -> None:
    """Until the script has finished and ``count`` charts are drawn."""
    wait_for_app(page, timeout)
    wait_for_charts_drawn(page, count, timeout)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    expect(charts).to_have_count(count, timeout=timeout)
    for index in range(count):
        expect(charts.nth(index).locator(".main-svg").first).to_be_visible(timeout=timeout)


def metric_value(page: Page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()
