"""The word cloud in plotly.js: every part of every word answers a hover with its count."""

from __future__ import annotations

import re

import pytest
from PIL import ImageFont
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from speechlens import cloud
from speechlens.cloud import cloud_figure, layout_cloud, word_counts
from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.e2e

HOVER_TEXT = "() => (document.querySelector('.hoverlayer') || {}).textContent || ''"


def test_hovering_any_part_of_a_word_names_it(browser):
    counts = word_counts(re.findall(r"[A-Za-z]+(?:['’-][A-Za-z]+)*", SEED_TEXT.read_text(encoding="utf-8")))
    words = layout_cloud(counts, prefer_horizontal=0.6)
    fig = cloud_figure(words, title="Seed speech")
    left, top = fig.layout.margin.l, fig.layout.margin.t
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.set_content("<style>body{margin:0}</style>" + fig.to_html(include_plotlyjs=True, full_html=False))
    page.wait_for_selector(".annotation")
    misses = []
    for w in words:
        half = ImageFont.truetype(cloud.FONT_PATH, w.font_size).getlength(w.word) / 2
        for frac in (-0.8, 0.0, 0.8):  # near the start, the middle, near the end
            x = left + w.x + (frac * half if w.angle == 0 else 0)
            y = top + w.y - (frac * half if w.angle == 90 else 0)
            page.mouse.move(x, y)
            expected = f"{w.word} — {w.count}"
            try:  # plotly.js throttles hover events, so wait for the label rather than sleep
                page.wait_for_function(f"(want) => ({HOVER_TEXT})().startsWith(want)", arg=expected, timeout=1000)
            except PlaywrightTimeout:
                misses.append((w.word, frac, page.evaluate(HOVER_TEXT)))
    page.close()
    assert misses == []
