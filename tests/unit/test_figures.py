"""Plotly figures: one colour per theme, titled and subtitled, readable, and safe with any text."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from speechlens.analysis import analyze
from speechlens.corpus import load_default_lexicon
from speechlens.figures import (
    MEASURES,
    excerpt,
    fade_color,
    sentiment_figure,
    theme_frequency_figure,
    theme_map_figure,
    wrap_label,
)
from speechlens.filters import Filters, select, theme_frequencies
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from tests.conftest import DATA_DIR

SUBTITLE = "Abdellatif Hammouchi, Marrakech\nShowing all paragraphs · 16 of 16 paragraphs"
HOSTILE = """Cybercrime is a grave danger to every nation & must be fought together with determination.

<script>alert("owned")</script> Terrorism is an <b>awful</b> threat to the peace of the whole region.

The weather was pleasant and the delegates were happy to meet again in the city.
"""


@pytest.fixture(scope="module")
def seed_view(seed_analysis):
    return seed_analysis, select(seed_analysis, Filters())


@pytest.fixture(scope="module")
def hostile():
    document = parse_document(HOSTILE, DocumentMeta(doc_id="hostile", title="Hostile text"))
    analysis = analyze([document], load_default_lexicon(DATA_DIR))
    return analysis, select(analysis, Filters())


def all_figures(analysis, selection, subtitle=SUBTITLE):
    frequencies = theme_frequencies(analysis, selection)
    figures = {
        f"frequency-{measure}": theme_frequency_figure(frequencies, measure=measure, subtitle=subtitle)
        for measure in MEASURES
    }
    figures["frequency-highlight"] = theme_frequency_figure(frequencies, subtitle=subtitle, highlight=("cooperation",))
    figures["map"] = theme_map_figure(selection.with_text(), selection.mentions, analysis.lexicon, subtitle=subtitle)
    figures["sentiment"] = sentiment_figure(selection.with_text(), analysis.lexicon, subtitle=subtitle)
    return figures


def empty_figures(analysis, subtitle=SUBTITLE):
    selection = select(analysis, Filters(keyword="no paragraph says this"))
    assert selection.is_empty
    return {f"empty-{name}": fig for name, fig in all_figures(analysis, selection, subtitle).items()}


def font_sizes(node, under_font=False):
    """Every size given to a font anywhere in a figure's JSON (layout and traces)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "size" and under_font:
                found.extend(value if isinstance(value, list) else [value])
            found.extend(font_sizes(value, under_font=key in ("font", "textfont", "tickfont", "titlefont",
                                                                "insidetextfont", "outsidetextfont")))
    elif isinstance(node, list):
        for item in node:
            found.extend(font_sizes(item, under_font))
    return found


def hover_strings(fig) -> str:
    """All hover text, custom data and trace names of a figure, as one string."""
    parts = []
    for trace in fig.data:
        parts.append(str(getattr(trace, "hovertemplate", "") or ""))
        parts.append(str(getattr(trace, "name", "") or ""))
        custom = getattr(trace, "customdata", None)
        if custom is not None:
            parts.extend(str(value) for row in custom for value in np.atleast_1d(row))
    return "\n".join(parts)


# ----------------------------------------------------------------------------- every figure


@pytest.mark.parametrize("source", ["seed", "hostile", "empty"])
def test_every_figure_has_a_title_a_subtitle_and_readable_fonts(seed_view, hostile, source):
    if source == "empty":
        figures = empty_figures(seed_view[0])
    else:
        figures = all_figures(*(seed_view if source == "seed" else hostile))
    for name, fig in figures.items():
        layout = fig.to_plotly_json()["layout"]
        assert layout["title"]["text"].strip(), name
        assert "Hammouchi" in layout["title"]["subtitle"]["text"], name
        sizes = font_sizes(fig.to_plotly_json())
        assert sizes, name
        assert min(sizes) >= 12, (name, sorted(sizes))


def test_font_walk_finds_small_fonts(seed_view):
    """The font check above would notice a small font."""
    fig = all_figures(*seed_view)["map"]
    fig.update_layout(legend={"font": {"size": 9}})
    assert min(font_sizes(fig.to_plotly_json())) == 9


def test_subtitles_are_escaped(seed_view):
    hostile_subtitle = 'Speech by <b>someone</b> & <script>alert("x")</script>\nSecond line'
    for name, fig in all_figures(*seed_view, subtitle=hostile_subtitle).items():
        text = fig.layout.title.subtitle.text
        assert "<script" not in text and "<b>" not in text, name
        assert "&lt;script&gt;" in text and "&amp;" in text, name
        assert text.count("<br>") >= 1, name  # the two lines stay two lines


# ----------------------------------------------------------------------------- theme frequency


def bars(fig):
    trace = fig.data[0]
    themes = [row[0] for row in trace.customdata]
    return trace, themes


def test_one_bar_per_theme_in_its_colour(seed_view):
    analysis, selection = seed_view
    fig = theme_frequency_figure(theme_frequencies(analysis, selection))
    assert len(fig.data) == 1
    trace, themes = bars(fig)
    assert sorted(themes) == sorted(analysis.theme_ids)
    assert len(trace.y) == len(analysis.theme_ids)
    colors = analysis.lexicon.colors
    assert list(trace.marker.color) == [colors[t] for t in themes]
    labels = analysis.lexicon.labels
    assert list(trace.y) == [wrap_label(labels[t]) for t in themes]


def test_largest_bar_is_at_the_top(seed_view):
    analysis, selection = seed_view
    frequencies = theme_frequencies(analysis, selection)
    trace, themes = bars(theme_frequency_figure(frequencies))
    values = list(trace.x)
    assert values == sorted(values)  # plotly draws the first category at the bottom
    assert themes[-1] == frequencies.loc[frequencies["mentions"].idxmax(), "theme"]


@pytest.mark.parametrize("highlight", [("cooperation",), ("cybercrime", "gender"), ()])
def test_highlighted_themes_stand_out(seed_view, highlight):
    analysis, selection = seed_view
    trace, themes = bars(theme_frequency_figure(theme_frequencies(analysis, selection), highlight=highlight))
    colors = dict(zip(themes, trace.marker.color, strict=True))
    for theme, color in colors.items():
        own = analysis.lexicon.colors[theme]
        if not highlight or theme in highlight:
            assert color.lower() == own.lower(), theme
        else:
            assert color.lower() == fade_color(own).lower() != own.lower(), theme


@pytest.mark.parametrize(
    ("color", "amount", "expected"),
    [("#000000", 0.5, "#808080"), ("#0072B2", 0.0, "#0072b2"), ("#0072B2", 1.0, "#ffffff"), ("#D55E00", 0.6, "#eebf99")],
)
def test_fade_color_mixes_with_white(color, amount, expected):
    assert fade_color(color, amount) == expected


@pytest.mark.parametrize("measure", list(MEASURES))
def test_measure_switch_changes_axis_and_values(seed_view, measure):
    analysis, selection = seed_view
    frequencies = theme_frequencies(analysis, selection).set_index("theme")
    fig = theme_frequency_figure(frequencies.reset_index(), measure=measure)
    assert fig.layout.xaxis.title.text == MEASURES[measure]
    trace, themes = bars(fig)
    expected = [frequencies.loc[t, measure] for t in themes]
    assert list(trace.x) == pytest.approx(expected)


def test_measures_have_distinct_axis_titles(seed_view):
    analysis, selection = seed_view
    frequencies = theme_frequencies(analysis, selection)
    titles = {theme_frequency_figure(frequencies, measure=m).layout.xaxis.title.text for m in MEASURES}
    assert len(titles) == len(MEASURES)


def test_no_mentions_gives_a_message_not_empty_bars(seed_analysis):
    frequencies = theme_frequencies(seed_analysis, select(seed_analysis, Filters(keyword="zzz-nothing")))
    fig = theme_frequency_figure(frequencies, subtitle=SUBTITLE)
    assert len(fig.data) == 0
    messages = [a.text for a in fig.layout.annotations]
    assert len(messages) == 1 and messages[0].strip()
    assert fig.layout.title.text


# ----------------------------------------------------------------------------- theme map


def test_theme_map_markers_sit_where_the_theme_is_mentioned(seed_view):
    analysis, selection = seed_view
    fig = theme_map_figure(selection.with_text(), selection.mentions, analysis.lexicon)
    matches = analysis.matches[analysis.matches["pid"].isin(selection.pids) & ~analysis.matches["repeated"]]
    position = analysis.paragraphs["position"]
    by_label = {trace.name: trace for trace in fig.data}
    drawn = 0
    for theme in analysis.lexicon.themes:
        trace = by_label[theme.label]
        expected = sorted({int(position[p]) for p in matches.loc[matches["theme"] == theme.id, "pid"]})
        assert sorted(int(x) for x in trace.x) == expected, theme.id
        assert trace.marker.color == theme.color
        drawn += len(trace.x)
    assert drawn == len(matches.groupby(["pid", "theme"]))


def test_theme_map_points_carry_their_paragraph(seed_view):
    analysis, selection = seed_view
    fig = theme_map_figure(selection.with_text(), selection.mentions, analysis.lexicon)
    position = analysis.paragraphs["position"]
    theme_traces = [trace for trace in fig.data if trace.name in analysis.lexicon.labels.values()]
    assert theme_traces
    for trace in theme_traces:
        for x, row in zip(trace.x, trace.customdata, strict=True):
            assert position[int(row[0])] == x


def test_theme_map_keeps_a_row_for_every_theme(seed_analysis):
    selection = select(seed_analysis, Filters(section="Cybercrime as a major issue"))
    fig = theme_map_figure(selection.with_text(), selection.mentions, seed_analysis.lexicon)
    rows = {label for trace in fig.data for label in trace.y}
    assert len(rows) == len(seed_analysis.lexicon.themes)


def test_theme_map_without_mentions_says_so(seed_analysis):
    selection = select(seed_analysis, Filters(keyword="no paragraph says this"))
    fig = theme_map_figure(selection.with_text(), selection.mentions, seed_analysis.lexicon, subtitle=SUBTITLE)
    assert len(fig.data) == 0
    assert len(fig.layout.annotations) == 1


# ----------------------------------------------------------------------------- sentiment


def marker_traces(fig):
    return [trace for trace in fig.data if "markers" in (trace.mode or "")]


def test_one_sentiment_marker_per_paragraph(seed_view):
    analysis, selection = seed_view
    fig = sentiment_figure(selection.with_text(), analysis.lexicon)
    points = [(int(x), y) for trace in marker_traces(fig) for x, y in zip(trace.x, trace.y, strict=True)]
    assert len(points) == len(selection.paragraphs)
    expected = sorted(zip(selection.paragraphs["position"].astype(int), selection.paragraphs["polarity"], strict=True))
    got = sorted(points)
    assert [x for x, _ in got] == [x for x, _ in expected]
    assert [y for _, y in got] == pytest.approx([y for _, y in expected])


def test_sentiment_markers_are_coloured_by_dominant_theme(seed_view):
    analysis, selection = seed_view
    fig = sentiment_figure(selection.with_text(), analysis.lexicon)
    dominant = analysis.paragraphs["dominant_theme"]
    colors = analysis.lexicon.colors
    for trace in marker_traces(fig):
        themes = {dominant[int(row[0])] for row in trace.customdata}
        assert len(themes) == 1
        theme = themes.pop()
        if theme:
            assert trace.marker.color == colors[theme]
        else:
            assert trace.marker.color not in colors.values()


def test_sentiment_has_a_zero_line(seed_view):
    analysis, selection = seed_view
    fig = sentiment_figure(selection.with_text(), analysis.lexicon)
    zero_lines = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == 0 and s.y1 == 0]
    assert len(zero_lines) == 1


def test_hover_text_is_escaped(hostile):
    analysis, selection = hostile
    assert selection.with_text()["text"].str.contains("<script>", regex=False).any()
    for name, fig in all_figures(analysis, selection).items():
        hover = hover_strings(fig)
        assert "<script" not in hover, name
        assert "<b>awful" not in hover, name
    sentiment = hover_strings(sentiment_figure(selection.with_text(), analysis.lexicon))
    assert "&lt;script&gt;" in sentiment
    assert "&amp; must" in sentiment


def test_empty_sentiment_figure_has_a_message(seed_analysis):
    selection = select(seed_analysis, Filters(keyword="no paragraph says this"))
    fig = sentiment_figure(selection.with_text(), seed_analysis.lexicon, subtitle=SUBTITLE)
    assert len(fig.data) == 0
    assert [a.text for a in fig.layout.annotations] != []


def test_figures_are_json_serialisable(seed_view):
    for name, fig in all_figures(*seed_view).items():
        assert json.loads(fig.to_json())["layout"]["title"]["text"], name


# ----------------------------------------------------------------------------- labels and excerpts


@pytest.mark.parametrize(
    ("text", "width", "wrapped"),
    [
        ("Organized crime", 24, "Organized crime"),
        ("Information exchange & joint operations", 24, "Information exchange &<br>joint operations"),
        ("Sovereignty & national leadership", 24, "Sovereignty & national<br>leadership"),
        ("International cooperation", 24, "International<br>cooperation"),
        ("a b c d", 3, "a b<br>c d"),
        ("", 24, ""),
    ],
)
def test_wrap_label(text, width, wrapped):
    assert wrap_label(text, width) == wrapped


@pytest.mark.parametrize("label", ["Peace, conflict & arms control", "Women & gender", "x " * 40])
def test_wrap_label_lines_fit(label):
    lines = wrap_label(label, 12).split("<br>")
    assert all(len(line) <= 12 for line in lines)
    assert " ".join(lines) == " ".join(label.split())


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("Short and sweet.", 160, "Short and sweet."),
        ("Too   many\n spaces  here.", 160, "Too many spaces here."),
        ("one two three four five six", 14, "one two three…"),
        ("A < B & C > D", 160, "A &lt; B &amp; C &gt; D"),
        ("", 160, ""),
    ],
)
def test_excerpt(text, limit, shown):
    assert excerpt(text, limit) == shown


def test_long_excerpt_is_cut_at_a_word_and_wrapped():
    text = " ".join(f"word{i}" for i in range(100))
    result = excerpt(text)
    lines = result.split("<br>")
    assert len(lines) > 1 and all(len(line) <= 60 for line in lines)
    flat = " ".join(lines)
    assert flat.endswith("…")
    assert len(flat) <= 161
    assert text.startswith(flat[:-1])
    assert flat[:-1].split()[-1] in text.split()  # no word cut in half


def test_excerpt_never_splits_an_html_entity():
    url = "https://x.org/?q=a&b=c&d=e&f=g&hh=iii&jjjj=kkkkk&l=mmmmmm&n=o&p=q&r=s"
    assert len(url) > 60
    result = excerpt(f"see {url}")
    assert all(re.match(r"&(amp|lt|gt);", result[i:]) for i in range(len(result)) if result[i] == "&")
