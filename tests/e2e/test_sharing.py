"""Sharing and exporting in a real browser: copied links, images, presentation mode."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import PROJECT_DIR
from tests.e2e.helpers import metric_value, wait_for_charts

pytestmark = pytest.mark.e2e

CHART_FILES = ("themes", "theme-map", "sentiment", "words")


def copied_link(page) -> str:
    page.get_by_text("Copy link to this view").click()
    code = page.locator('[data-testid="stPopoverBody"] code').first
    expect(code).to_be_visible()
    return code.inner_text().strip()


def view_of(page) -> dict:
    """What a colleague compares: the numbers, the active filters and the first chart's subtitle."""
    return {
        "shown": metric_value(page, "Paragraphs shown"),
        "polarity": metric_value(page, "Mean polarity"),
        "themes": page.get_by_test_id("stMultiSelectTagsContainer").inner_text(),
        # SVG text has no layout text (inner_text); text_content reads it.
        "subtitle": page.locator('[data-testid="stPlotlyChart"] .gtitle-subtitle').first.text_content(),
        "measure_axis": page.locator('[data-testid="stPlotlyChart"] .xtitle').first.text_content(),
    }


def test_a_copied_link_opens_the_same_view_in_a_fresh_browser(page, browser, server):
    page.goto(f"{server}/?theme=cybercrime&theme=cooperation&voice=speaker&measure=rate")
    wait_for_charts(page)
    original = view_of(page)
    link = copied_link(page)
    assert link.startswith(server + "/?") and "fp=" in link

    colleague = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    colleague.goto(link)
    wait_for_charts(colleague)
    assert view_of(colleague) == original
    expect(colleague.locator('[data-testid="stAlert"]')).to_have_count(0)  # same data: no notice
    colleague.context.close()


def test_a_link_made_on_other_data_says_the_figures_may_differ(page, server):
    page.goto(f"{server}/?theme=cybercrime&fp=00000000")
    wait_for_charts(page)
    expect(page.locator('[data-testid="stAlert"]').first).to_contain_text("different data")
    expect(page).to_have_url(re.compile(r"fp=(?!00000000)[0-9a-f]{8}"))


def test_the_camera_saves_a_png_three_times_the_chart(page, server):
    page.goto(f"{server}/?theme=cybercrime")
    wait_for_charts(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    chart.hover()
    box = chart.locator(".main-svg").first.bounding_box()
    with page.expect_download() as download:
        chart.locator('.modebar-btn[data-title="Download plot as a PNG"]').click()
    assert download.value.suggested_filename == "themes_cybercrime_2025-11-24.png"
    image = Image.open(download.value.path())
    assert image.size == (round(3 * box["width"]), round(3 * box["height"]))


@pytest.mark.parametrize(("fmt", "signature"), [("PNG", b"\x89PNG"), ("SVG", b"<svg")])
def test_download_chart_gives_a_server_drawn_image(page, server, fmt, signature):
    page.goto(f"{server}/?theme=cybercrime")
    wait_for_charts(page)
    page.get_by_role("button", name=re.compile("Download chart")).first.click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=re.compile(f"Download {fmt}$")).first.click()
    assert download.value.suggested_filename == f"themes_cybercrime_2025-11-24.{fmt.lower()}"
    data = open(download.value.path(), "rb").read()
    assert signature in data[:200]
    if fmt == "PNG":
        width, _ = Image.open(io.BytesIO(data)).size
        assert width >= 3 * 1000  # drawn at 3x for slides
    assert page.console_errors == []


def test_presentation_mode_hides_the_sidebar_and_keeps_the_content(page, server):
    page.goto(f"{server}/?theme=cybercrime&present=true")
    wait_for_charts(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator('[data-testid="stHeader"]')).to_be_hidden()
    downloads = page.locator('[class*="st-key-chart_downloads"]')
    expect(downloads).to_have_count(4)
    for index in range(4):
        expect(downloads.nth(index)).to_be_hidden()
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_contain_text("Cybercrime")

    page.get_by_role("button", name="Leave presentation mode").click()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    expect(page).not_to_have_url(re.compile("present=true"))
    assert page.console_errors == []


def test_each_chart_is_saved_for_the_readme(page, server):
    """The README shows these: each chart as a researcher would paste it."""
    page.goto(f"{server}/?present=true")
    wait_for_charts(page)
    docs = PROJECT_DIR / "docs"
    docs.mkdir(exist_ok=True)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for index, name in enumerate(CHART_FILES):
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).screenshot(path=str(docs / f"chart-{name}.png"))
        assert (docs / f"chart-{name}.png").stat().st_size > 10_000
