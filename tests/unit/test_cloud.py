"""The word cloud: wordcloud's layout, drawn as Plotly text with hover and clicks.

Geometry is checked by drawing every ``CloudWord`` the way a browser centres
text (Pillow's "mm" anchor: middle of the advance width, middle of ascent +
descent) with the font the layout was measured with, so overlaps, clipping
and faithfulness to wordcloud are tested on pixels, not on the module's own
arithmetic.  One slower check uses Chromium: the figure rendered by kaleido
lands on those pixels (hovering in plotly.js is tested in tests/e2e).
"""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import plotly.graph_objects as go
import pytest
import wordcloud
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from speechlens import cloud
from speechlens.cloud import (
    EMPTY_NOTE,
    STOPWORDS,
    CloudWord,
    cloud_figure,
    layout_cloud,
    word_counts,
)
from tests.conftest import SEED_TEXT, require_chromium
from tests.e2e.server import CHROMIUM


# Counts shaped like a real speech's: one dominant word, a long tail of ties.
POLICY = {
    "security": 28, "cooperation": 11, "international": 9, "police": 8,
    "interpol": 7, "states": 7, "crime": 6, "terrorism": 6, "cybercrime": 5,
    "transnational": 5, "mechanisms": 5, "regional": 4, "networks": 4,
    "strengthening": 4, "collective": 4, "common": 4, "threats": 4,
    "citizens": 3, "borders": 3, "trafficking": 3, "surveillance": 3,
    "intelligence": 3, "architecture": 3, "global": 3, "stability": 3,
    "drugs": 2, "partnerships": 2, "multilateral": 2, "organized": 2,
    "criminal": 2, "africa": 2, "morocco": 2, "capacity": 2, "data": 2,
    "training": 2, "framework": 2, "joint": 2, "challenges": 2, "digital": 2,
    "justice": 1, "migration": 1, "extremism": 1, "prevention": 1,
    "solidarity": 1, "technology": 1, "exchange": 1, "resilience": 1,
    "sovereignty": 1, "operations": 1, "investigations": 1,
}  # fmt: skip
FOUR = {"security": 5, "crime": 3, "cooperation": 2, "borders": 1}
ONE = {"terrorism": 4}

# (counts, prefer_horizontal): the default all-horizontal look, the classic
# look with vertical words, and the sparse selections a filter can produce.
LAYOUTS = [
    pytest.param(POLICY, 1.0, id="policy"),
    pytest.param(POLICY, 0.6, id="policy-with-vertical-words"),
    pytest.param(FOUR, 1.0, id="four-words"),
    pytest.param(ONE, 1.0, id="one-word"),
]


def seed_counts() -> Counter:
    text = SEED_TEXT.read_text(encoding="utf-8")
    return word_counts(re.findall(r"[A-Za-z]+(?:['’-][A-Za-z]+)*", text))


# --------------------------------------------------------------------------
# Drawing words as a browser would, to test geometry on pixels
# --------------------------------------------------------------------------


def word_mask(w: CloudWord, width: int, height: int, pad: int = 0, scale: int = 1) -> np.ndarray:
    """Ink of one word on a canvas grown by ``pad`` on every side."""
    font = ImageFont.truetype(cloud.FONT_PATH, w.font_size * scale)
    side = int(font.getlength(w.word)) + 2 * w.font_size * scale
    tile = Image.new("L", (side, side))
    ImageDraw.Draw(tile).text((side / 2, side / 2), w.word, fill=255, font=font, anchor="mm")
    if w.angle == 90:
        tile = tile.rotate(90)  # anticlockwise about the centre: reads upwards
    canvas = Image.new("L", ((width + 2 * pad) * scale, (height + 2 * pad) * scale))
    canvas.paste(tile, (round((w.x + pad) * scale - side / 2), round((w.y + pad) * scale - side / 2)))
    return np.asarray(canvas) > 127


def masks(words, width=900, height=450, pad=0, scale=1):
    return [word_mask(w, width, height, pad, scale) for w in words]


def best_overlap(a: np.ndarray, b: np.ndarray, dy: int, dx: int, reach: int = 3) -> float:
    """Intersection over union of a and b, with a moved by about (dy, dx)."""
    best = 0.0
    for sy in range(dy - reach, dy + reach + 1):
        for sx in range(dx - reach, dx + reach + 1):
            moved = np.roll(a, (sy, sx), axis=(0, 1))
            best = max(best, (moved & b).sum() / (moved | b).sum())
    return best


# --------------------------------------------------------------------------
# word_counts and stopwords
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["Security", "security", "SECURITY"], {"security": 3}),
        (["the", "of", "and", "security"], {"security": 1}),  # wordcloud's list
        (["He", "said", "stated", "added", "explained", "crime"], {"crime": 1}),
        (["General", "Assembly", "Mr", "today", "INTERPOL"], {"interpol": 1}),
        (["also", "will", "must", "may", "can", "would", "shall"], {}),
        (["us", "one", "new", "including", "police"], {"police": 1}),
        (["2025", "1,000", "3.5", "40%", "93rd", "G20"], {"93rd": 1, "g20": 1}),
        (["un", "eu", "ai", "cyber"], {"cyber": 1}),  # shorter than 3 letters
        ([" terrorism ", ""], {"terrorism": 1}),
        ([], {}),
    ],
)
def test_word_counts(tokens, expected):
    assert word_counts(tokens) == Counter(expected)


def test_word_counts_options():
    tokens = ["UN", "security", "crime", "crime"]
    assert word_counts(tokens, min_length=2) == Counter({"un": 1, "security": 1, "crime": 2})
    assert word_counts(tokens, stopwords={"Crime"}) == Counter({"security": 1})


@pytest.mark.parametrize("word", sorted(wordcloud.STOPWORDS)[:: len(wordcloud.STOPWORDS) // 12])
def test_stopwords_keep_wordclouds_own(word):
    assert word in STOPWORDS


@pytest.mark.parametrize(
    "word",
    ["security", "crime", "police", "terrorism", "cooperation", "cybercrime",
     "interpol", "borders", "trafficking", "justice", "states", "international"],
)  # fmt: skip
def test_domain_words_are_not_stopwords(word):
    assert word not in STOPWORDS


# --------------------------------------------------------------------------
# layout_cloud
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("counts", "horizontal"), LAYOUTS)
def test_same_input_gives_the_same_layout(counts, horizontal):
    first = layout_cloud(counts, prefer_horizontal=horizontal)
    again = layout_cloud(counts, prefer_horizontal=horizontal)
    shuffled = layout_cloud(dict(reversed(list(counts.items()))), prefer_horizontal=horizontal)
    assert first == again == shuffled
    assert first


def test_seed_changes_the_layout():
    positions = {(w.word, w.x, w.y) for w in layout_cloud(POLICY, seed=7)}
    assert positions != {(w.word, w.x, w.y) for w in layout_cloud(POLICY, seed=8)}


@pytest.mark.parametrize(("counts", "horizontal"), LAYOUTS)
def test_more_mentions_never_means_a_smaller_word(counts, horizontal):
    words = layout_cloud(counts, prefer_horizontal=horizontal)
    for a in words:
        for b in words:
            if a.count > b.count:
                assert a.font_size >= b.font_size, (a, b)
    assert words[0].word == max(counts, key=counts.get)


def test_most_frequent_words_are_kept_and_unreadable_ones_dropped():
    words = layout_cloud(POLICY, max_words=20)
    assert {w.word for w in words} <= set(sorted(POLICY, key=lambda k: (-POLICY[k], k))[:20])
    assert all(w.font_size >= cloud.MIN_FONT_SIZE for w in layout_cloud(POLICY))


def three(security: str, crime: str, cooperation: str) -> dict[str, str]:
    return {"security": security, "crime": crime, "cooperation": cooperation}


@pytest.mark.parametrize(
    ("colors", "default", "expected"),
    [
        (None, "#555555", three("#555555", "#555555", "#555555")),
        ({}, "#9e9e9e", three("#9e9e9e", "#9e9e9e", "#9e9e9e")),
        ({"crime": "#b03a2e"}, "#555555", three("#555555", "#b03a2e", "#555555")),
        (three("#1f4e79", "#b03a2e", "#1e7b4f"), "#9e9e9e", three("#1f4e79", "#b03a2e", "#1e7b4f")),
        # keys are words as counted (lower case); other keys are ignored
        ({"Crime": "#b03a2e", "unused": "#000000"}, "#9e9e9e", three("#9e9e9e", "#9e9e9e", "#9e9e9e")),
    ],
)
def test_colours_follow_the_word_with_a_default(colors, default, expected):
    words = layout_cloud({"security": 5, "crime": 3, "cooperation": 2}, colors, default_color=default)
    assert {w.word: w.color for w in words} == expected
    fig = cloud_figure(words, title="t")
    assert {a.text: a.font.color for a in fig.layout.annotations} == expected


@pytest.mark.parametrize("counts", [{}, Counter(), {"security": 0}, {"   ": 3}])
def test_nothing_to_lay_out(counts):
    assert layout_cloud(counts) == []


def test_a_canvas_too_small_for_any_word_gives_no_words():
    assert layout_cloud({"internationalization": 3}, width=60, height=20) == []


@pytest.mark.parametrize(("counts", "horizontal"), LAYOUTS)
def test_words_sit_where_wordcloud_put_them(counts, horizontal, monkeypatch):
    """Same words, sizes and orientations as wordcloud's layout_, same ink up to
    one translation (the whole cloud is centred on the canvas)."""
    seen = []
    original = wordcloud.WordCloud.generate_from_frequencies

    def spy(self, frequencies, max_font_size=None):
        seen.append(self)
        return original(self, frequencies, max_font_size)

    monkeypatch.setattr(wordcloud.WordCloud, "generate_from_frequencies", spy)
    words = layout_cloud(counts, default_color="#ffffff", prefer_horizontal=horizontal)
    wc = seen[-1]
    assert [(w.word, w.font_size, w.angle == 90) for w in words] == [
        (word, size, orientation is not None) for (word, _), size, _, orientation, _ in wc.layout_
    ]

    wc.scale = 2  # compare at twice the resolution, so thin strokes count
    theirs = np.asarray(wc.to_image().convert("L")) > 127
    ours = np.logical_or.reduce(masks(words, scale=2))
    rows, cols = np.nonzero(theirs)
    our_rows, our_cols = np.nonzero(ours)
    overlap = best_overlap(theirs, ours, our_rows.min() - rows.min(), our_cols.min() - cols.min())
    assert overlap > 0.9, overlap

    # and the cloud is centred: equal white space left/right and above/below,
    # give or take the font's side bearings (a few pixels at 2x)
    assert abs(our_cols.min() - (1799 - our_cols.max())) <= 12
    assert abs(our_rows.min() - (899 - our_rows.max())) <= 12


@pytest.mark.parametrize(("counts", "horizontal"), LAYOUTS)
def test_no_word_is_clipped(counts, horizontal):
    pad = 60
    words = layout_cloud(counts, prefer_horizontal=horizontal)
    ink = np.logical_or.reduce(masks(words, pad=pad))
    inside = np.zeros_like(ink)
    inside[pad:-pad, pad:-pad] = True
    assert ink.any()
    assert not (ink & ~inside).any()


@pytest.mark.parametrize(("counts", "horizontal"), LAYOUTS)
def test_no_two_words_overlap(counts, horizontal):
    words = layout_cloud(counts, prefer_horizontal=horizontal)
    coverage = np.sum(masks(words), axis=0)
    assert coverage.max() == 1


def test_horizontal_word_bodies_do_not_overlap():
    """Sanity check from font sizes alone: the x-height band of every
    horizontal word (baseline up to half an em, over its advance width) is
    solid ink, so no other word may sit in it."""
    words = [w for w in layout_cloud(POLICY, prefer_horizontal=0.6) if w.angle == 0]
    boxes = []
    for w in words:
        font = ImageFont.truetype(cloud.FONT_PATH, w.font_size)
        ascent, descent = font.getmetrics()
        baseline = w.y + (ascent - descent) / 2
        half = font.getlength(w.word) / 2
        boxes.append((w.word, w.x - half, baseline - 0.5 * w.font_size, w.x + half, baseline))
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(boxes):
        for b, bx0, by0, bx1, by1 in boxes[i + 1 :]:
            overlap = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
            smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
            assert overlap <= 0.05 * smaller, (a, b)


# --------------------------------------------------------------------------
# cloud_figure
# --------------------------------------------------------------------------


def words_trace(fig: go.Figure) -> go.Scatter:
    (trace,) = [t for t in fig.data if t.name == "words"]
    return trace


def test_every_word_has_hover_and_click_data_with_its_count():
    words = layout_cloud(POLICY | {"migration": 1234}, prefer_horizontal=0.6)
    trace = words_trace(cloud_figure(words, title="t"))
    hovered = {}
    for (word, count), text in zip(trace.customdata, trace.hovertext, strict=True):
        hovered.setdefault(word, set()).add(text)
        assert count == (POLICY | {"migration": 1234})[word]
    assert set(hovered) == {w.word for w in words}
    for w in words:
        (text,) = hovered[w.word]
        label = "mention" if w.count == 1 else "mentions"
        assert text == f"<b>{w.word}</b> — {w.count:,} {label}"
    assert hovered["migration"] == {"<b>migration</b> — 1,234 mentions"}


@pytest.mark.parametrize(
    ("count", "label", "expected"),
    [
        (1, "mentions", "1 mention"),
        (2, "mentions", "2 mentions"),
        (1234, "mentions", "1,234 mentions"),
        (1, "times", "1 time"),
        (5, "uses", "5 uses"),
    ],
)
def test_hover_label_wording(count, label, expected):
    fig = cloud_figure([CloudWord("crime", count, 100, 100, 30, 0, "#b03a2e")], title="t", hover_label=label)
    assert set(words_trace(fig).hovertext) == {f"<b>crime</b> — {expected}"}


@pytest.mark.parametrize(("counts", "horizontal"), LAYOUTS)
def test_hover_targets_cover_the_whole_word(counts, horizontal):
    """Hover must work at the ends of a word, not only at its centre."""
    words = layout_cloud(counts, prefer_horizontal=horizontal)
    trace = words_trace(cloud_figure(words, title="t"))
    for w in words:
        along = []
        for (word, _), x, y, side in zip(trace.customdata, trace.x, trace.y, trace.marker.size, strict=True):
            if word == w.word:
                centre = x if w.angle == 0 else y
                across = y if w.angle == 0 else x
                assert across == pytest.approx(w.y if w.angle == 0 else w.x)
                along.append((centre - side / 2, centre + side / 2))
        along.sort()
        half = ImageFont.truetype(cloud.FONT_PATH, w.font_size).getlength(w.word) / 2
        middle = w.x if w.angle == 0 else w.y
        assert along[0][0] <= middle - half + 1 and along[-1][1] >= middle + half - 1, w
        assert all(nxt[0] <= prev[1] for prev, nxt in zip(along, along[1:])), w  # no gaps


def test_figure_maps_layout_pixels_to_screen_pixels():
    words = layout_cloud(POLICY, prefer_horizontal=0.6, width=700, height=400)
    fig = cloud_figure(words, title="Vocabulary", subtitle="Seed speech", width=700, height=400)
    lay = fig.layout
    assert lay.width - lay.margin.l - lay.margin.r == 700
    assert lay.height - lay.margin.t - lay.margin.b == 400
    assert tuple(lay.xaxis.range) == (0, 700) and tuple(lay.yaxis.range) == (400, 0)
    assert lay.yaxis.scaleanchor == "x" and lay.yaxis.scaleratio == 1
    assert not lay.xaxis.visible and not lay.yaxis.visible
    assert lay.paper_bgcolor == "white" and lay.plot_bgcolor == "white"
    assert lay.showlegend is False
    drawn = [(a.text, a.x, a.y, a.font.size, a.textangle) for a in lay.annotations]
    assert drawn == [(w.word, w.x, w.y, w.font_size, -w.angle) for w in words]
    for a in lay.annotations:
        assert 0 <= a.x <= 700 and 0 <= a.y <= 400
        assert (a.xanchor, a.yanchor, a.showarrow) == ("center", "middle", False)


@pytest.mark.parametrize(
    ("title", "subtitle"),
    [
        ("Most frequent words", ""),
        ("Most frequent words, coloured by theme", "Seed speech · all themes · 34 of 34 paragraphs"),
        ("A title long enough to need a second line on a nine hundred pixel wide figure, really", "x " * 120),
    ],
)
def test_title_and_subtitle_fit_above_the_cloud(title, subtitle):
    fig = cloud_figure(layout_cloud(FOUR), title=title, subtitle=subtitle)
    title_lines = fig.layout.title.text.split("<br>")
    subtitle_lines = [line for line in (fig.layout.title.subtitle.text or "").split("<br>") if line]
    assert " ".join(title_lines) == title
    assert " ".join(subtitle_lines) == " ".join(subtitle.split())
    font = ImageFont.truetype(cloud.FONT_PATH, 20)
    assert all(font.getlength(line) <= 900 for line in title_lines)
    assert fig.layout.margin.t >= 16 + 26 * len(title_lines) + 18 * len(subtitle_lines)


def test_long_subtitles_break_between_their_parts():
    subtitle = (
        "Abdellatif Hammouchi, Opening of the 93rd INTERPOL General Assembly, Marrakech, "
        "24 Nov 2025 (press report) · theme: Cybercrime, Terrorism · 16 of 34 paragraphs"
    )
    lines = cloud_figure([], title="t", subtitle=subtitle).layout.title.subtitle.text.split("<br>")
    assert len(lines) == 2
    assert lines[1] == "16 of 34 paragraphs"
    font = ImageFont.truetype(cloud.FONT_PATH, 13)
    assert all(font.getlength(line) <= 900 for line in lines)


def test_markup_in_words_and_titles_is_shown_as_text():
    fig = cloud_figure([CloudWord("<b>r&d</b>", 2, 100, 100, 30, 0, "#555555")], title="R&D <i>x</i>")
    assert fig.layout.annotations[0].text == "&lt;b&gt;r&amp;d&lt;/b&gt;"
    assert fig.layout.title.text == "R&amp;D &lt;i&gt;x&lt;/i&gt;"
    assert words_trace(fig).customdata[0][0] == "<b>r&d</b>"  # a click gives back the word


@pytest.mark.parametrize("words", [[], (), layout_cloud({})])
def test_no_words_gives_a_note_not_an_error(words):
    fig = cloud_figure(words, title="Most frequent words", subtitle="No paragraphs match")
    assert [a.text for a in fig.layout.annotations] == [EMPTY_NOTE]
    note = fig.layout.annotations[0]
    assert (note.xref, note.yref, note.x, note.y) == ("paper", "paper", 0.5, 0.5)
    assert fig.data == ()
    assert fig.layout.title.text == "Most frequent words"
    fig.to_json()  # serialisable for Streamlit


# --------------------------------------------------------------------------
# In Chromium: the exported PNG and hovering in plotly.js
# --------------------------------------------------------------------------


@pytest.mark.parametrize("horizontal", [1.0, 0.6])
def test_exported_png_draws_the_layout(horizontal, tmp_path, monkeypatch):
    """kaleido's PNG puts each word's ink where the layout says, at its size
    (and vertical words turned the right way)."""
    require_chromium()
    pytest.importorskip("kaleido")
    monkeypatch.setenv("BROWSER_PATH", CHROMIUM)  # kaleido's Chromium; never download one
    words = layout_cloud(seed_counts(), default_color="#000000", prefer_horizontal=horizontal)
    fig = cloud_figure(words, title="Seed speech", subtitle="All paragraphs")
    path = tmp_path / "cloud.png"
    fig.write_image(path, scale=2)
    png = np.asarray(Image.open(path).convert("L")) < 128
    lay = fig.layout
    assert png.shape == (2 * lay.height, 2 * lay.width)
    plot = png[2 * lay.margin.t : 2 * (lay.margin.t + 450), 2 * lay.margin.l : 2 * (lay.margin.l + 900)]
    # Word by word (at 2x, give or take a pixel of rasterisation): a word
    # turned the wrong way scores about 0.2, one 6% too big about 0.3.
    for w, ours in zip(words, masks(words, scale=2), strict=True):
        rows, cols = np.nonzero(ours)
        box = (
            slice(max(rows.min() - 12, 0), rows.max() + 12),
            slice(max(cols.min() - 12, 0), cols.max() + 12),
        )
        near = np.asarray(Image.fromarray(ours[box]).filter(ImageFilter.MaxFilter(9))) > 0
        assert best_overlap(plot[box] & near, ours[box], 0, 0, reach=2) > 0.6, w


def test_a_note_is_drawn_under_the_canvas_and_every_word_stays():
    counts = {"security": 25, "national": 7, "cooperation": 9, "crime": 4}
    words = layout_cloud(counts, width=600, height=300)
    fig = cloud_figure(words, title="Words", width=600, height=300, note="Size: how often a word occurs.")
    texts = [annotation.text for annotation in fig.layout.annotations]
    assert sorted(t for t in texts if t != "Size: how often a word occurs.") == sorted(w.word for w in words)
    assert "Size: how often a word occurs." in texts
    assert fig.layout.margin.b > cloud_figure(words, title="Words", width=600, height=300).layout.margin.b


@pytest.mark.parametrize("note", ["", "Counted in 12 paragraphs."])
def test_the_figure_passes_plotlys_checks(note):
    """The figure is built without Plotly's per-value checks (for speed): rebuilt with them,
    it must come out the same."""
    words = layout_cloud(POLICY | {"<b>x</b>": 3}, prefer_horizontal=0.6)
    fig = cloud_figure(words, title="Vocabulary", subtitle="Seed speech <i>", note=note)
    checked = go.Figure(fig.to_dict())  # raises on an unknown property or a bad value
    assert json.loads(checked.to_json()) == json.loads(fig.to_json())
