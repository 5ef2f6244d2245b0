"""A researcher in a real browser: shared links, filters in the URL, reloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PROJECT_DIR
from tests.e2e.helpers import metric_value, wait_for_app, wait_for_charts

pytestmark = pytest.mark.e2e

DOCS = PROJECT_DIR / "docs"


def shown(page) -> tuple[int, int]:
    a, b = metric_value(page, "Paragraphs shown").split(" / ")
    return int(a), int(b)


def test_the_dashboard_opens_on_the_seed_speech_with_every_chart(page, server):
    page.goto(server)
    wait_for_charts(page)
    expect(page.get_by_role("heading", name=re.compile("INTERPOL General Assembly"))).to_be_visible()
    a, b = shown(page)
    assert a == b > 10
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "dashboard.png"), full_page=False)
    assert page.console_errors == []


def test_a_shared_link_opens_with_its_filters_applied(page, server):
    page.goto(f"{server}/?theme=cybercrime&voice=speaker")
    wait_for_charts(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_test_id("stMultiSelectTagsContainer").get_by_text("cybercrime", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("radio", name=re.compile("^speaker"))).to_be_checked()
    a, b = shown(page)
    assert 0 < a < b
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_contain_text("theme: Cybercrime")
    assert page.console_errors == []


def test_changing_a_filter_updates_the_url_and_a_reload_keeps_it(page, server):
    page.goto(server)
    wait_for_charts(page)
    before = shown(page)

    page.locator('[data-testid="stSidebar"]').get_by_text("narration", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]voice=narration"))
    # The URL changes before the rerun ends: wait for the new count itself, then for the run to end.
    shown_metric = page.locator('[data-testid="stMetric"]').filter(has_text="Paragraphs shown")
    expect(shown_metric.locator('[data-testid="stMetricValue"]')).not_to_have_text(f"{before[0]} / {before[1]}")
    wait_for_charts(page)
    after = shown(page)
    assert after[0] < before[0]

    page.reload()
    wait_for_charts(page)
    expect(page).to_have_url(re.compile(r"[?&]voice=narration"))
    expect(page.locator('[data-testid="stSidebar"]').get_by_role("radio", name=re.compile("^narration"))).to_be_checked()
    assert shown(page) == after
    assert page.console_errors == []


def test_a_garbage_link_shows_a_notice_and_the_whole_speech(page, server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/?theme=%3Cscript%3Ealert(1)%3C/script%3E&polarity=zz&voice=everyone")
    wait_for_charts(page)
    expect(page.locator('[data-testid="stAlert"]').first).to_contain_text("could not be used")
    a, b = shown(page)
    assert a == b
    assert dialogs == [], "text from the link must never run as script"
    assert page.console_errors == []


def test_clicking_a_bar_shows_the_paragraphs_behind_it(page, server):
    page.goto(server)
    wait_for_charts(page)
    theme_chart = page.locator('[data-testid="stPlotlyChart"]').first
    # Plotly's drag layer sits above the bars, so click where the bar is drawn, as a user does.
    bars = theme_chart.locator(".barlayer .point path")
    bars.last.scroll_into_view_if_needed()
    bar = bars.last.bounding_box()  # the top bar: the most-mentioned theme
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    wait_for_app(page)
    heading = page.get_by_role("heading", name=re.compile("^Paragraphs mentioning "))
    expect(heading).to_be_visible()
    wait_for_app(page)  # the heading shows the rerun has begun; the old list stays until it ends
    caption = page.get_by_text(re.compile(r"^\d+ of \d+ paragraphs\.$"))
    expect(caption).to_have_count(1)
    shown_now, total = (int(n) for n in re.findall(r"\d+", caption.inner_text()))
    assert 0 < shown_now < total

    page.get_by_role("button", name="Show all filtered paragraphs").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Paragraphs behind these numbers")).to_be_visible()
    assert page.console_errors == []
