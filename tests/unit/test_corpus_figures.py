"""Figures for many documents: readable alone in a slide, and every mark leads back to paragraphs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from speechlens.aggregates import pids_in_groups, sentiment_by_group, theme_rates_by_group
from speechlens.analysis import Analysis, analyze
from speechlens.compare import compare_groups
from speechlens.corpus import load_default_lexicon
from speechlens.corpus_figures import (
    DISTINCTIVE_TITLE,
    MAX_DOTS_PER_GROUP,
    MIN_LABEL_PX,
    distinctive_terms_figure,
    group_sentiment_figure,
    group_theme_map_figure,
    sentiment_distribution_figure,
    theme_profile_figure,
)
from speechlens.distinctive import NO_REST, distinctive_terms
from speechlens.filters import Filters, Selection, select
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.terms import build_term_index
from tests.conftest import DATA_DIR

SOURCE = "UN General Debate, 6 speeches, 1990–2001"
SUBTITLE = f"{SOURCE}\nShowing all paragraphs · 14 of 14 paragraphs"

SPEECHES = {
    ("fra", 1990): [
        "Cybercrime and ransomware threaten hospitals and banks everywhere.",
        "International cooperation against cybercrime is excellent and growing.",
        "Ransomware gangs must be stopped by police cooperation.",
    ],
    ("gbr", 1990): [
        "Terrorism is a terrible threat to peace and to every citizen.",
        "We mourn the victims of terrorism with deep sadness.",
    ],
    ("ind", 1995): [
        "Peace and disarmament are our happy and shared goal.",
        "Human rights and the rule of law protect all people.",
    ],
    ("bra", 1995): [
        "Migration across borders needs fair rules.",
        "Asylum seekers deserve dignity at the border.",
    ],
    ("ken", 2001): [
        "Technology and innovation help every citizen.",
        "Public trust in the police is the basis of security.",
    ],
    ("<b>x</b> & co", 2001): [
        "Terrorism struck our cities. It was an awful and evil day.",
    ],
}


@pytest.fixture(scope="module")
def corpus():
    documents = [
        parse_document("\n\n".join(paragraphs), DocumentMeta(doc_id=doc_id, title=doc_id))
        for (doc_id, _), paragraphs in SPEECHES.items()
    ]
    analysis = analyze(documents, load_default_lexicon(DATA_DIR))
    selection = select(analysis, Filters())
    years = analysis.paragraphs["doc_id"].map({doc_id: year for doc_id, year in SPEECHES})
    return analysis, selection, analysis.paragraphs["doc_id"].copy(), years


def all_figures(corpus, subtitle=SUBTITLE):
    analysis, selection, documents, years = corpus
    fra = selection.pids[selection.paragraphs["doc_id"].to_numpy() == "fra"]
    many = compare_groups(analysis, selection, documents, top=5)
    few = compare_groups(analysis, selection, documents, top=3, rest="drop")
    order = [1990, 1993, 1995, 2001]
    lexicon = analysis.lexicon
    return {
        "distinctive": distinctive_terms_figure(distinctive_terms(analysis.terms, fra, prior_size=10),
                                                subtitle=subtitle),
        "profile-heatmap": theme_profile_figure(many.profile, lexicon, subtitle=subtitle, note=many.grouped.note),
        "profile-panels": theme_profile_figure(few.profile, lexicon, subtitle=subtitle, note=few.grouped.note),
        "distribution": sentiment_distribution_figure(many.polarity, many.summary, subtitle=subtitle,
                                                      note=many.grouped.note),
        "theme-map": group_theme_map_figure(theme_rates_by_group(analysis, selection, years, order),
                                            analysis.lexicon, subtitle=subtitle, group_name="year"),
        "sentiment": group_sentiment_figure(sentiment_by_group(analysis, selection, years, order),
                                            analysis.lexicon, subtitle=subtitle, group_name="year"),
    }


def empty_figures(corpus):
    analysis, _, documents, years = corpus
    empty = select(analysis, Filters(keyword="no paragraph says this"))
    comparison = compare_groups(analysis, empty, documents)
    everything = analysis.paragraphs.index
    return {
        "distinctive": distinctive_terms_figure(distinctive_terms(analysis.terms, everything), subtitle=SUBTITLE),
        "profile": theme_profile_figure(comparison.profile, analysis.lexicon, subtitle=SUBTITLE),
        "distribution": sentiment_distribution_figure(comparison.polarity, comparison.summary, subtitle=SUBTITLE),
        "theme-map": group_theme_map_figure(theme_rates_by_group(analysis, empty, years), analysis.lexicon,
                                            subtitle=SUBTITLE),
        "sentiment": group_sentiment_figure(sentiment_by_group(analysis, empty, years), analysis.lexicon,
                                            subtitle=SUBTITLE),
    }


def tables_only(lexicon, paragraphs) -> Analysis:
    """An Analysis of made-up paragraphs: all the group charts read besides the selection."""
    return Analysis(documents={}, lexicon=lexicon, paragraphs=paragraphs, sentences=pd.DataFrame(),
                    matches=pd.DataFrame(), terms=build_term_index([]))


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


def first_values(fig):
    """customdata[0] of every mark that has customdata (None for marks that lead nowhere)."""
    values = []
    for trace in fig.data:
        if trace.customdata is not None:
            values.extend(row[0] for row in trace.customdata)
    return values


# ----------------------------------------------------------------------------- every figure


@pytest.mark.parametrize("kind", ["full", "empty"])
def test_every_figure_has_a_title_a_subtitle_with_the_source_and_readable_text(corpus, kind):
    figures = all_figures(corpus) if kind == "full" else empty_figures(corpus)
    for name, fig in figures.items():
        layout = fig.to_plotly_json()["layout"]
        assert layout["title"]["text"].strip(), name
        assert SOURCE in layout["title"]["subtitle"]["text"], name
        sizes = font_sizes(fig.to_plotly_json())
        assert sizes and min(sizes) >= 12, (name, sorted(sizes))


def test_subtitles_and_group_names_are_escaped(corpus):
    hostile = 'Speeches by <b>someone</b> & <script>alert("x")</script>\nSecond line'
    for name, fig in all_figures(corpus, subtitle=hostile).items():
        text = fig.layout.title.subtitle.text
        assert "<script" not in text and "&lt;script&gt;" in text, name
        ticks = " ".join(str(t) for t in (fig.layout.yaxis.ticktext or ()))
        assert "<b>x</b>" not in ticks, name
    analysis, selection, documents, _ = corpus
    every = compare_groups(analysis, selection, documents, top=6)
    for fig in (theme_profile_figure(every.profile, analysis.lexicon, subtitle=SUBTITLE),
                sentiment_distribution_figure(every.polarity, every.summary, subtitle=SUBTITLE)):
        assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in " ".join(fig.layout.yaxis.ticktext)


def test_every_mark_leads_back_to_paragraphs(corpus):
    """customdata[0] of each bar, cell, box or dot selects exactly the paragraphs the mark counts."""
    analysis, selection, documents, years = corpus
    figures = all_figures(corpus)
    comparison = compare_groups(analysis, selection, documents, top=5)
    for name, fig in figures.items():
        if name == "distinctive":
            continue
        marks = 0
        for trace in fig.data:
            if trace.customdata is None:
                continue
            for row in trace.customdata:
                if row[0] is None:  # the strip of theme colours leads nowhere
                    continue
                if name in ("theme-map", "sentiment"):
                    behind = pids_in_groups(years, selection, [row[0]])
                elif name == "profile-panels":
                    behind = pids_in_groups(documents, selection, [row[0]])
                else:
                    behind = comparison.grouped.pids_of(row[0])
                if name in ("theme-map", "profile-heatmap", "profile-panels"):
                    assert len(behind) == row[5], (name, row)  # cell: the group's paragraphs
                elif len(row) == 3:
                    assert row[1] in behind, (name, row)  # dot: one paragraph of the group
                else:
                    assert len(behind) == row[1], (name, row)  # box or mean: the group's paragraphs
                marks += 1
        assert marks, name
    words = {row[0] for trace in figures["distinctive"].data for row in trace.customdata}
    assert "ransomware" in words


@pytest.mark.parametrize("name", ["profile-heatmap", "profile-panels", "theme-map"])
def test_theme_charts_show_every_theme(corpus, name):
    analysis = corpus[0]
    fig = all_figures(corpus)[name]
    themes = {row[1] for trace in fig.data if trace.customdata is not None for row in trace.customdata}
    assert set(analysis.theme_ids) <= themes


# ----------------------------------------------------------------------------- distinctive words


def test_distinctive_words_diverge_from_zero(corpus):
    analysis, selection, *_ = corpus
    fra = selection.pids[selection.paragraphs["doc_id"].to_numpy() == "fra"]
    result = distinctive_terms(analysis.terms, fra, prior_size=10)
    fig = distinctive_terms_figure(result, subtitle=SUBTITLE)
    assert fig.layout.title.text == DISTINCTIVE_TITLE
    assert "Monroe" in fig.layout.title.subtitle.text
    bars = [trace for trace in fig.data if trace.type == "bar"]
    over, under = bars
    assert all(z > 0 for z in over.x) and all(z < 0 for z in under.x)
    assert max(over.y) < min(under.y)  # over-used words on top (the axis is reversed)
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]
    words = [t for trace in fig.data if trace.type == "scatter" for t in trace.text]
    assert words == list(result.table["term"])
    assert "ransomware" in words[: len(over.x)]
    low, high = fig.layout.xaxis.range
    assert low < min(under.x) and high > max(over.x)
    # counts behind every bar, for the hover
    row = next(r for r in over.customdata if r[0] == "ransomware")
    assert (row[2], row[3]) == (2, 0)


def test_a_selection_without_a_rest_says_so(corpus):
    fig = empty_figures(corpus)["distinctive"]
    assert len(fig.data) == 0
    assert [a.text for a in fig.layout.annotations] == [NO_REST]


def test_only_over_used_words_still_make_a_chart():
    terms = build_term_index([["ransomware"] * 5 + ["police"], ["police"] * 5])
    result = distinctive_terms(terms, [0], prior_size=2)
    fig = distinctive_terms_figure(result)
    assert [trace.type for trace in fig.data].count("bar") == 2
    assert fig.layout.xaxis.range[0] < 0 < fig.layout.xaxis.range[1]


# ----------------------------------------------------------------------------- group comparison


def test_few_groups_are_drawn_as_panels_in_the_theme_colours(corpus):
    analysis = corpus[0]
    fig = all_figures(corpus)["profile-panels"]
    bars = [trace for trace in fig.data if trace.type == "bar"]
    assert len(bars) == 3
    colors = [theme.color for theme in analysis.lexicon.themes]
    for trace in bars:
        assert list(trace.marker.color) == colors
        assert len({row[0] for row in trace.customdata}) == 1  # one group per panel
    titles = [a.text for a in fig.layout.annotations]
    assert {"fra", "gbr", "ind"} <= set(titles)


def test_many_groups_are_a_heatmap_with_one_cell_per_group_and_theme(corpus):
    analysis = corpus[0]
    fig = all_figures(corpus)["profile-heatmap"]
    [cells] = [trace for trace in fig.data if trace.type == "bar" and trace.customdata[0][0] is not None]
    rows = [tuple(row[:2]) for row in cells.customdata]  # (group, theme) of each cell
    groups = list(dict.fromkeys(group for group, _ in rows))
    assert groups[-1] == "Other" and len(groups) == 6
    assert sorted(rows, key=str) == sorted(((g, t) for g in groups for t in analysis.theme_ids), key=str)


def test_the_sentiment_spread_has_a_zero_line_and_boxes_per_group(corpus):
    analysis, selection, documents, _ = corpus
    fig = all_figures(corpus)["distribution"]
    assert any(shape.x0 == 0 and shape.x1 == 0 for shape in fig.layout.shapes)
    boxes = next(trace for trace in fig.data if trace.type == "bar")
    shown = compare_groups(analysis, selection, documents, top=5).grouped.groups
    assert [row[0] for row in boxes.customdata] == list(shown)
    assert shown[0] == "fra" and shown[-1] == "Other"
    assert list(fig.layout.yaxis.ticktext) == list(shown)


def test_big_groups_show_a_spread_of_dots_and_pin_the_extremes():
    size = 5_000
    rng = np.random.default_rng(5)
    polarity = np.clip(rng.normal(0.1, 0.1, size), -1, 1)
    polarity[:3] = [-1.0, 1.0, -0.95]
    paragraphs = pd.DataFrame({"polarity": polarity, "counted_words": 20}, index=pd.RangeIndex(size, name="pid"))
    selection = Selection(Filters(), paragraphs, pd.DataFrame(index=paragraphs.index), size)
    lexicon = load_default_lexicon(DATA_DIR)
    analysis = tables_only(lexicon, paragraphs)
    comparison = compare_groups(analysis, selection, pd.Series(np.arange(size) % 2, index=paragraphs.index))
    fig = sentiment_distribution_figure(comparison.polarity, comparison.summary, subtitle=SUBTITLE)
    dots = [trace for trace in fig.data if trace.type == "scatter" and trace.customdata is not None
            and len(trace.customdata[0]) == 3]
    per_group = pd.Series([row[0] for trace in dots for row in trace.customdata]).value_counts()
    assert (per_group == MAX_DOTS_PER_GROUP).all()
    low, high = fig.layout.xaxis.range
    assert -0.9 < low and high < 0.9  # zoomed on the bulk
    assert all(low <= x <= high for trace in dots for x in trace.x)
    symbols = {trace.marker.symbol: trace for trace in dots}
    assert set(symbols) == {"circle", "triangle-left", "triangle-right"}
    # the extremes are kept, drawn at the edge, and still say their true value
    assert "−1.00" in [row[2] for row in symbols["triangle-left"].customdata]
    assert "+1.00" in [row[2] for row in symbols["triangle-right"].customdata]
    assert set(symbols["triangle-left"].x) == {low} and set(symbols["triangle-right"].x) == {high}
    assert "Arrows at the edge" in fig.layout.title.subtitle.text


# ----------------------------------------------------------------------------- per-group aggregates


def test_the_theme_map_keeps_the_order_given_with_the_first_group_on_top(corpus):
    fig = all_figures(corpus)["theme-map"]
    assert list(fig.layout.yaxis.ticktext) == ["1990", "1993", "1995", "2001"]
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]
    cell = next(trace for trace in fig.data if trace.type == "bar" and trace.customdata[0][0] is not None)
    first_theme = cell.customdata[0][1]
    assert [row[0] for row in cell.customdata if row[1] == first_theme] == [1990, 1993, 1995, 2001]
    assert "Blank: no paragraphs in that year" in fig.layout.title.subtitle.text


def test_group_sentiment_dots_sit_on_their_mean_with_their_interval(corpus):
    analysis, selection, _, years = corpus
    table = sentiment_by_group(analysis, selection, years, [1990, 1993, 1995, 2001]).set_index("group")
    fig = all_figures(corpus)["sentiment"]
    seen = set()
    for trace in fig.data:
        for x, y, row, plus, minus in zip(trace.x, trace.y, trace.customdata, trace.error_x.array,
                                          trace.error_x.arrayminus, strict=True):
            group = row[0]
            seen.add(group)
            assert x == pytest.approx(table.loc[group, "mean_polarity"])
            assert y == [1990, 1993, 1995, 2001].index(group)
            if np.isfinite(table.loc[group, "high"]):
                assert x + plus == pytest.approx(table.loc[group, "high"])
                assert x - minus == pytest.approx(table.loc[group, "low"])
        assert trace.marker.color in {*analysis.lexicon.colors.values(), "#858585"}
    assert seen == {1990, 1995, 2001}  # 1993 has no paragraphs: its row stays, without a dot
    assert fig.layout.showlegend  # the colours are explained, even when there is only one
    assert any(shape.x0 == 0 and shape.x1 == 0 for shape in fig.layout.shapes)


def eighty_groups():
    size = 8_000
    rng = np.random.default_rng(9)
    lexicon = load_default_lexicon(DATA_DIR)
    paragraphs = pd.DataFrame({"polarity": rng.uniform(-0.5, 0.6, size), "counted_words": rng.integers(5, 90, size)},
                              index=pd.RangeIndex(size, name="pid"))
    mentions = pd.DataFrame(rng.poisson(0.3, (size, len(lexicon.ids))), index=paragraphs.index,
                            columns=list(lexicon.ids))
    selection = Selection(Filters(), paragraphs, mentions, size)
    analysis = tables_only(lexicon, paragraphs)
    years = pd.Series(1945 + np.arange(size) % 80, index=paragraphs.index)
    return analysis, selection, years


@pytest.mark.parametrize("chart", ["theme-map", "sentiment"])
def test_eighty_groups_get_thinned_labels_that_never_overlap(chart):
    analysis, selection, years = eighty_groups()
    order = list(range(1945, 2025))
    if chart == "theme-map":
        fig = group_theme_map_figure(theme_rates_by_group(analysis, selection, years, order), analysis.lexicon,
                                     subtitle=SUBTITLE, group_name="year")
    else:
        fig = group_sentiment_figure(sentiment_by_group(analysis, selection, years, order), analysis.lexicon,
                                     subtitle=SUBTITLE, group_name="year")
    axis = fig.layout.yaxis
    ticks = list(axis.tickvals)
    assert ticks[0] == 0 and len(ticks) < 80
    step = ticks[1] - ticks[0]
    assert all(b - a == step for a, b in zip(ticks, ticks[1:], strict=False))
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot_px / 80 * step >= MIN_LABEL_PX * 0.9
    assert list(axis.ticktext) == [str(year) for year in order[::step]]
    assert min(font_sizes(fig.to_plotly_json())) >= 12
    assert fig.layout.height <= 1000  # still fits a slide


@pytest.mark.parametrize("kind", ["full", "empty"])
def test_every_figure_passes_plotlys_checks(corpus, kind):
    """Traces are built without Plotly's per-value checks (for speed): rebuilt with the
    checks on, every figure must come out the same, so nothing invalid reaches the browser."""
    figures = all_figures(corpus) if kind == "full" else empty_figures(corpus)
    for name, fig in figures.items():
        checked = go.Figure(fig.to_dict())  # raises on an unknown property or a bad value
        assert json.loads(checked.to_json()) == json.loads(fig.to_json()), name
