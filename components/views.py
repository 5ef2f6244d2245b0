"""The four charts of the dashboard, each with its own title and caption."""

from __future__ import annotations

import streamlit as st

from components.charts import render_chart
from speechlens import figures
from speechlens.analysis import Analysis
from speechlens.captions import chart_subtitle, export_filename
from speechlens.cloud import CloudWord, cloud_figure, layout_cloud
from speechlens.filters import Selection, section_starts, theme_frequencies
from speechlens.focus import Focus
from speechlens.urlstate import MEASURE, MEASURE_CHOICES
from speechlens.vocabulary import selection_word_counts, word_theme_colors



def _subtitle(analysis: Analysis, selection: Selection) -> str:
    return chart_subtitle(
        analysis.documents, selection.filters, analysis.lexicon.labels,
        len(selection.paragraphs), selection.total_paragraphs,
    )


def _filename(chart: str, analysis: Analysis, selection: Selection) -> str:
    return export_filename(chart, selection.filters, analysis.documents)


def render_theme_frequencies(analysis: Analysis, selection: Selection) -> Focus | None:
    measure = st.segmented_control(
        "Measure",
        options=list(MEASURE_CHOICES),
        default="mentions",
        key=MEASURE,
        bind="query-params",
        required=True,
        help="mentions: how often; rate: mentions per 1,000 words; paragraphs: how many paragraphs mention it.",
    ) or "mentions"
    fig = figures.theme_frequency_figure(
        theme_frequencies(analysis, selection),
        measure=MEASURE_CHOICES[measure],
        subtitle=_subtitle(analysis, selection),
        highlight=selection.filters.themes,
    )
    return render_chart(fig, key="chart_themes", filename=_filename("themes", analysis, selection), focus_kind="theme")


def render_theme_map(analysis: Analysis, selection: Selection) -> Focus | None:
    fig = figures.theme_map_figure(
        selection.paragraphs, selection.mentions, analysis.lexicon, subtitle=_subtitle(analysis, selection),
        sections=section_starts(analysis, selection),
    )
    return render_chart(fig, key="chart_map", filename=_filename("theme-map", analysis, selection), focus_kind="paragraph")


def render_sentiment(analysis: Analysis, selection: Selection) -> Focus | None:
    fig = figures.sentiment_figure(
        selection.paragraphs, analysis.lexicon, subtitle=_subtitle(analysis, selection),
        sections=section_starts(analysis, selection),
    )
    return render_chart(fig, key="chart_sentiment", filename=_filename("sentiment", analysis, selection), focus_kind="paragraph")


# The cloud is drawn at its true pixel size (Plotly does not scale text with a
# stretched chart), so the canvas must fit a laptop screen beside the sidebar.
CLOUD_WIDTH, CLOUD_HEIGHT = 860, 400


@st.cache_data(max_entries=256, show_spinner=False)
def _cloud_layout(counts: dict[str, int], colors: dict[str, str]) -> list[CloudWord]:
    # Placing words is the slowest step of a redraw; the same counts give the same cloud.
    return layout_cloud(counts, colors, width=CLOUD_WIDTH, height=CLOUD_HEIGHT, default_color=figures.NO_THEME_COLOR)


def render_word_cloud(analysis: Analysis, selection: Selection) -> Focus | None:
    words = _cloud_layout(
        dict(selection_word_counts(analysis, selection)), word_theme_colors(analysis, selection)
    )
    fig = cloud_figure(
        words,
        title="Most frequent words, coloured by theme",
        subtitle=_subtitle(analysis, selection),
        width=CLOUD_WIDTH,
        height=CLOUD_HEIGHT,
        note="Size: how often a word occurs. Colour: the theme whose terms use the word most (as in the other charts); "
        "grey: other words.",
    )
    return render_chart(
        fig, key="chart_cloud", filename=_filename("words", analysis, selection), focus_kind="word",
        width="content",
    )
