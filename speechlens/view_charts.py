"""The charts of a view: which ones a selection gets, and each figure, built without any UI.

With one document the along-the-text charts draw every paragraph; with
several they draw one mark per document, or per year (see
:func:`speechlens.grouping.chart_level`). A selection narrower than a corpus
of several documents also gets the words that set it apart, and a selection
spanning several documents gets the comparison charts. The dashboard
(``components/views.py``) and the briefing both draw from here, so they
show the same figures.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import plotly.graph_objects as go

from speechlens import corpus_figures, figures
from speechlens.aggregates import sentiment_by_group, theme_rates_by_group
from speechlens.captions import chart_subtitle
from speechlens.catalog import year_bounds
from speechlens.cloud import CloudWord
from speechlens.compare import DEFAULT_TOP_GROUPS, compare_groups
from speechlens.corpus import Corpus
from speechlens.distinctive import distinctive_terms
from speechlens.filters import Selection, content_mask, section_starts, theme_frequencies
from speechlens.grouping import (
    GroupBy, Level, chart_level, comparison_grouping, comparison_switch_note, group_keys, group_order,
)
from speechlens.urlstate import DEFAULT_COMPARE, MEASURE_CHOICES
from speechlens.vocabulary import cloud_inputs, lay_out_cloud, word_cloud_figure

DISTINCTIVE_WORDS = 10  # per side: the chart then fits a slide
DISTINCTIVE_HEADING = "What sets this selection apart"
COMPARE_HEADING = "Compare"

CloudLayout = Callable[[dict[str, int], dict[str, str]], list[CloudWord]]

# On a whole corpus even grouping 370,000 paragraphs takes a while: once per selection and grouping.
_per_selection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(selection: Selection, key: tuple, compute):
    cached = _per_selection.setdefault(selection, {})
    if key not in cached:
        cached[key] = compute()
    return cached[key]


# ----------------------------------------------------------------------------- what a view shows


def level(corpus: Corpus, selection: Selection) -> Level:
    """How the along-the-text charts draw this selection: per paragraph, document or year."""
    return _memo(selection, ("level",), lambda: chart_level(selection, corpus.catalog))


def document_count(selection: Selection) -> int:
    """How many documents the selected paragraphs come from."""
    return len(selection.doc_ids)


def shows_distinctive_terms(corpus: Corpus, selection: Selection) -> bool:
    """Whether there is a rest of the corpus to set the selection apart from."""
    return len(corpus.analysis.documents) > 1 and 0 < len(selection.paragraphs) < selection.total_paragraphs


def shows_comparison(corpus: Corpus, selection: Selection) -> bool:
    """Whether the selection spans two documents or more, so its groups can be compared."""
    return len(corpus.analysis.documents) > 1 and document_count(selection) > 1


def comparison_by(corpus: Corpus, selection: Selection, by: str = DEFAULT_COMPARE) -> GroupBy:
    """The grouping the comparison charts use when ``by`` is asked for (many documents are
    compared by year, many years by decade)."""
    return _memo(selection, ("compare-by", by), lambda: comparison_grouping(selection, corpus.catalog, by, DEFAULT_TOP_GROUPS))


def comparison_note(asked: str, used: str) -> str:
    """Why the comparison groups otherwise than asked ("" when it does not)."""
    return comparison_switch_note(asked, used, DEFAULT_TOP_GROUPS)


def subtitle(corpus: Corpus, selection: Selection) -> str:
    """The subtitle every chart of the view shares: the selection's source, its filters, its coverage."""
    return _memo(selection, ("subtitle",), lambda: _describe(corpus, selection))


def _describe(corpus: Corpus, selection: Selection) -> str:
    doc_ids = selection.doc_ids
    documents = {doc_id: corpus.analysis.documents[doc_id] for doc_id in doc_ids}
    return chart_subtitle(
        documents or corpus.analysis.documents, selection.filters, corpus.analysis.lexicon.labels,
        len(selection.paragraphs), selection.total_paragraphs,
        years=year_bounds(corpus.catalog.loc[doc_ids]) if len(doc_ids) > 1 else None,
        document_labels=corpus.document_labels,
    )


def _keys(corpus: Corpus, selection: Selection, by: str):
    return _memo(selection, ("keys", by), lambda: group_keys(selection, corpus.catalog, by))


# ----------------------------------------------------------------------------- the figures


def theme_frequency_chart(corpus: Corpus, selection: Selection, measure: str = "mentions") -> go.Figure:
    """One bar per theme; ``measure`` is a link value: mentions, rate or paragraphs."""
    return figures.theme_frequency_figure(
        theme_frequencies(corpus.analysis, selection),
        measure=MEASURE_CHOICES[measure],
        subtitle=subtitle(corpus, selection),
        highlight=selection.filters.themes,
    )


def theme_map_chart(corpus: Corpus, selection: Selection, at: Level | None = None) -> go.Figure:
    """Where each theme comes up: per paragraph for one document, else per document or year (``at``)."""
    analysis, at = corpus.analysis, at or level(corpus, selection)
    if at == "paragraph":
        return figures.theme_map_figure(
            selection.with_text(), selection.mentions, analysis.lexicon, subtitle=subtitle(corpus, selection),
            sections=section_starts(analysis, selection),
        )
    keys = _keys(corpus, selection, at)
    return corpus_figures.group_theme_map_figure(
        theme_rates_by_group(analysis, selection, keys, group_order(keys, corpus.catalog, at)),
        analysis.lexicon, subtitle=subtitle(corpus, selection), group_name=at,
    )


def sentiment_chart(corpus: Corpus, selection: Selection, at: Level | None = None) -> go.Figure:
    """Polarity per paragraph for one document, else the mean per document or year (``at``)."""
    analysis, at = corpus.analysis, at or level(corpus, selection)
    if at == "paragraph":
        return figures.sentiment_figure(
            selection.with_text(), analysis.lexicon, subtitle=subtitle(corpus, selection),
            sections=section_starts(analysis, selection),
        )
    keys = _keys(corpus, selection, at)
    return corpus_figures.group_sentiment_figure(
        sentiment_by_group(analysis, selection, keys, group_order(keys, corpus.catalog, at)),
        analysis.lexicon, subtitle=subtitle(corpus, selection), group_name=at,
    )


def word_cloud_chart(corpus: Corpus, selection: Selection, lay_out: CloudLayout = lay_out_cloud) -> go.Figure:
    """The selection's most frequent words; ``lay_out`` places them (the dashboard passes a cached one)."""
    return word_cloud_figure(lay_out(*cloud_inputs(corpus.analysis, selection)), subtitle(corpus, selection))


def distinctive_terms_chart(corpus: Corpus, selection: Selection) -> go.Figure:
    """The words the selection over- and under-uses against the rest of the corpus."""
    analysis = corpus.analysis
    everything = analysis.paragraphs.index[content_mask(analysis, selection.filters)].to_numpy()
    result = distinctive_terms(analysis.terms, selection.pids, everything,
                               include_repeats=selection.filters.include_repeats, top=DISTINCTIVE_WORDS,
                               excluded=corpus.speaker_words)
    return corpus_figures.distinctive_terms_figure(result, subtitle=subtitle(corpus, selection))


class ComparisonCharts(NamedTuple):
    """The two comparison figures, and the folded groups their "Other" stands for."""

    profile: go.Figure
    spread: go.Figure
    other: str
    folded: tuple[str, ...]


def comparison_charts(corpus: Corpus, selection: Selection, by: GroupBy) -> ComparisonCharts:
    """Theme profile per 1,000 words and the spread of sentiment, per group ``by`` (see :func:`comparison_by`)."""
    keys = _keys(corpus, selection, by)
    order = group_order(keys, corpus.catalog, by) if by in ("year", "decade") else None
    # Every decade of a corpus fits (the UN General Debate spans nine); other groupings show the biggest.
    top = max(DEFAULT_TOP_GROUPS, len(order)) if by == "decade" else DEFAULT_TOP_GROUPS
    comparison = compare_groups(corpus.analysis, selection, keys, order=order, top=top)
    shared = subtitle(corpus, selection)
    grouped = comparison.grouped
    profile = corpus_figures.theme_profile_figure(
        comparison.profile, corpus.analysis.lexicon, subtitle=shared, note=grouped.note, group_name=by,
    )
    spread = corpus_figures.sentiment_distribution_figure(
        comparison.polarity, comparison.summary, subtitle=shared, note=grouped.note, group_name=by,
    )
    return ComparisonCharts(profile, spread, grouped.other, tuple(str(g) for g in grouped.folded))


CHARTS = ("themes", "theme-map", "sentiment", "words", "distinctive-words", "compare")


def build_chart(chart: str, corpus: Corpus, selection: Selection, option: str = "", *,
                lay_out: CloudLayout = lay_out_cloud):
    """One of :data:`CHARTS` by name; ``compare`` gives :class:`ComparisonCharts`.

    ``option`` is the chart's one setting: the measure of "themes", the level
    of "theme-map" and "sentiment" (its own when empty), the grouping of
    "compare". With the data version and the filters it decides the figure,
    which is what the dashboard caches a chart by.
    """
    if chart == "themes":
        return theme_frequency_chart(corpus, selection, option or "mentions")
    if chart == "theme-map":
        return theme_map_chart(corpus, selection, option or None)
    if chart == "sentiment":
        return sentiment_chart(corpus, selection, option or None)
    if chart == "words":
        return word_cloud_chart(corpus, selection, lay_out)
    if chart == "distinctive-words":
        return distinctive_terms_chart(corpus, selection)
    if chart == "compare":
        return comparison_charts(corpus, selection, option or comparison_by(corpus, selection))
    raise ValueError(f"Unknown chart “{chart}”: use one of {', '.join(CHARTS)}.")


# ----------------------------------------------------------------------------- a whole view


@dataclass(frozen=True)
class ViewChart:
    name: str  # the chart's file-name stem: "themes", "theme-map", "themes-by-document", ...
    figure: go.Figure
    part: str = ""  # the heading of the part of the view it belongs to; "" for the main charts


def view_charts(
    corpus: Corpus,
    selection: Selection,
    *,
    measure: str = "mentions",
    compare: str = DEFAULT_COMPARE,
    lay_out: CloudLayout = lay_out_cloud,
) -> list[ViewChart]:
    """Every chart the dashboard draws for this selection, in its order (none for an empty selection)."""
    if selection.is_empty:
        return []
    at = level(corpus, selection)
    charts = [
        ViewChart("themes", theme_frequency_chart(corpus, selection, measure)),
        ViewChart("theme-map", theme_map_chart(corpus, selection, at)),
        ViewChart("sentiment", sentiment_chart(corpus, selection, at)),
        ViewChart("words", word_cloud_chart(corpus, selection, lay_out)),
    ]
    if shows_distinctive_terms(corpus, selection):
        charts.append(ViewChart("distinctive-words", distinctive_terms_chart(corpus, selection), DISTINCTIVE_HEADING))
    if shows_comparison(corpus, selection):
        by = comparison_by(corpus, selection, compare)
        compared = comparison_charts(corpus, selection, by)
        part = f"{COMPARE_HEADING} by {by}"
        charts.append(ViewChart(f"themes-by-{by}", compared.profile, part))
        charts.append(ViewChart(f"sentiment-by-{by}", compared.spread, part))
    return charts
