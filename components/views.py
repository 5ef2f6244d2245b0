"""The four charts of the dashboard, each with its own title and caption."""

from __future__ import annotations

import streamlit as st

from components.charts import render_chart
from speechlens import figures
from speechlens.analysis import Analysis
from speechlens.captions import chart_subtitle, export_filename
from speechlens.filters import Selection, section_starts, theme_frequencies
from speechlens.focus import Focus
from speechlens.urlstate import MEASURE, MEASURE_CHOICES
from speechlens.vocabulary import cloud_inputs, lay_out_cloud, word_cloud_figure



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


# Placing words is the slowest step of a redraw; the same counts give the same cloud.
_cached_cloud_layout = st.cache_data(max_entries=256, show_spinner=False)(lay_out_cloud)


def render_word_cloud(analysis: Analysis, selection: Selection) -> Focus | None:
    words = _cached_cloud_layout(*cloud_inputs(analysis, selection))
    fig = word_cloud_figure(words, _subtitle(analysis, selection))
    return render_chart(
        fig, key="chart_cloud", filename=_filename("words", analysis, selection), focus_kind="word",
        width="content",
    )
