"""The dashboard's charts, each with its own title and caption.

With one document the along-the-text charts draw every paragraph; with
several they draw one mark per document, or per year (see
:func:`speechlens.grouping.chart_level`), and a click still leads to the
paragraphs behind the mark.
"""

from __future__ import annotations

import weakref

import streamlit as st

from components.charts import render_chart
from speechlens import corpus_figures, figures
from speechlens.aggregates import sentiment_by_group, theme_rates_by_group
from speechlens.captions import chart_subtitle, export_filename
from speechlens.catalog import year_bounds
from speechlens.compare import DEFAULT_TOP_GROUPS, compare_groups
from speechlens.corpus import Corpus
from speechlens.distinctive import distinctive_terms
from speechlens.filters import Filters, Selection, section_starts, select, theme_frequencies
from speechlens.focus import Focus
from speechlens.grouping import chart_level, comparison_grouping, group_keys, group_order
from speechlens.urlstate import COMPARE, COMPARE_CHOICES, DEFAULT_COMPARE, MEASURE, MEASURE_CHOICES
from speechlens.vocabulary import cloud_inputs, lay_out_cloud, word_cloud_figure

_subtitles: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # selection -> its charts' subtitle
# On a whole corpus even grouping 370,000 paragraphs takes a while: once per selection and grouping.
_per_selection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(selection: Selection, key: tuple, compute):
    cached = _per_selection.setdefault(selection, {})
    if key not in cached:
        cached[key] = compute()
    return cached[key]


def _level(corpus: Corpus, selection: Selection):
    return _memo(selection, ("level",), lambda: chart_level(selection, corpus.catalog))


def _keys(corpus: Corpus, selection: Selection, by: str):
    return _memo(selection, ("keys", by), lambda: group_keys(selection, corpus.catalog, by))


def _document_count(selection: Selection) -> int:
    return _memo(selection, ("documents",), lambda: int(selection.paragraphs["doc_id"].nunique()))


def _subtitle(corpus: Corpus, selection: Selection) -> str:
    """Every chart of a view shares it; on a whole corpus it takes a while, so once per selection."""
    if selection not in _subtitles:
        _subtitles[selection] = _describe(corpus, selection)
    return _subtitles[selection]


def _describe(corpus: Corpus, selection: Selection) -> str:
    doc_ids = selection.paragraphs["doc_id"].unique()
    documents = {doc_id: corpus.analysis.documents[doc_id] for doc_id in doc_ids}
    return chart_subtitle(
        documents or corpus.analysis.documents, selection.filters, corpus.analysis.lexicon.labels,
        len(selection.paragraphs), selection.total_paragraphs,
        years=year_bounds(corpus.catalog.loc[doc_ids]) if len(doc_ids) > 1 else None,
        document_labels=corpus.document_labels,
    )


def _filename(chart: str, corpus: Corpus, selection: Selection) -> str:
    return export_filename(chart, selection.filters, corpus.analysis.documents)


def render_theme_frequencies(corpus: Corpus, selection: Selection) -> Focus | None:
    measure = st.segmented_control(
        "Measure",
        options=list(MEASURE_CHOICES),
        default="mentions",
        key=MEASURE,
        bind="query-params",
        required=True,
        help="mentions: how often; rate: mentions per 1,000 words; paragraphs: how many paragraphs mention it.",
    ) or "mentions"
    fig = _figure("themes", corpus, selection, measure)
    return render_chart(fig, key="chart_themes", filename=_filename("themes", corpus, selection), focus_kind="theme")


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_figure(chart: str, option: str, fingerprint: str, filters, _corpus: Corpus, _selection: Selection):
    """A chart of a view, built once per data version, filters and chart option.

    The filters and the data's fingerprint decide the selection, so they key the
    cache; the corpus and the selection themselves are not hashed. Going back
    to a view, or a rerun that changes no filter (a click, the page of the
    reader), then costs no rebuilding.
    """
    return _BUILDERS[chart](_corpus, _selection, option)


def _figure(chart: str, corpus: Corpus, selection: Selection, option: str = ""):
    return _cached_figure(chart, option, corpus.analysis.fingerprint, selection.filters, corpus, selection)


def _build_theme_map(corpus: Corpus, selection: Selection, level: str):
    analysis = corpus.analysis
    if level == "paragraph":
        return figures.theme_map_figure(
            selection.paragraphs, selection.mentions, analysis.lexicon, subtitle=_subtitle(corpus, selection),
            sections=section_starts(analysis, selection),
        )
    keys = _keys(corpus, selection, level)
    return corpus_figures.group_theme_map_figure(
        theme_rates_by_group(analysis, selection, keys, group_order(keys, corpus.catalog, level)),
        analysis.lexicon, subtitle=_subtitle(corpus, selection), group_name=level,
    )


def _build_sentiment(corpus: Corpus, selection: Selection, level: str):
    analysis = corpus.analysis
    if level == "paragraph":
        return figures.sentiment_figure(
            selection.paragraphs, analysis.lexicon, subtitle=_subtitle(corpus, selection),
            sections=section_starts(analysis, selection),
        )
    keys = _keys(corpus, selection, level)
    return corpus_figures.group_sentiment_figure(
        sentiment_by_group(analysis, selection, keys, group_order(keys, corpus.catalog, level)),
        analysis.lexicon, subtitle=_subtitle(corpus, selection), group_name=level,
    )


def render_theme_map(corpus: Corpus, selection: Selection) -> Focus | None:
    level = _level(corpus, selection)
    fig = _figure("theme-map", corpus, selection, level)
    return render_chart(fig, key="chart_map", filename=_filename("theme-map", corpus, selection), focus_kind=level)


def render_sentiment(corpus: Corpus, selection: Selection) -> Focus | None:
    level = _level(corpus, selection)
    fig = _figure("sentiment", corpus, selection, level)
    return render_chart(fig, key="chart_sentiment", filename=_filename("sentiment", corpus, selection), focus_kind=level)


DISTINCTIVE_WORDS = 10  # per side: the chart then fits a slide

# Placing words is the slowest step of a redraw; the same counts give the same cloud.
_cached_cloud_layout = st.cache_data(max_entries=256, show_spinner=False)(lay_out_cloud)


def _build_word_cloud(corpus: Corpus, selection: Selection, _: str):
    words = _cached_cloud_layout(*cloud_inputs(corpus.analysis, selection))
    return word_cloud_figure(words, _subtitle(corpus, selection))


def render_word_cloud(corpus: Corpus, selection: Selection) -> Focus | None:
    fig = _figure("words", corpus, selection)
    return render_chart(
        fig, key="chart_cloud", filename=_filename("words", corpus, selection), focus_kind="word",
        width="content",
    )


def render_distinctive_terms(corpus: Corpus, selection: Selection) -> Focus | None:
    """The words that set the selection apart from the rest of the corpus (only when there is a rest)."""
    analysis = corpus.analysis
    if len(analysis.documents) < 2:
        return None
    st.subheader("What sets this selection apart", anchor=False)
    if len(selection.paragraphs) >= selection.total_paragraphs:
        st.caption("Narrow the view (a document, country, year range, theme or search) to see which words "
                   "set it apart from the rest of the corpus.")
        return None
    fig = _figure("distinctive-words", corpus, selection)
    return render_chart(fig, key="chart_distinctive", filename=_filename("distinctive-words", corpus, selection),
                        focus_kind="word")


def render_comparison(corpus: Corpus, selection: Selection) -> Focus | None:
    """Groups of the selection side by side: theme profile per 1,000 words and the spread of sentiment."""
    if len(corpus.analysis.documents) < 2:
        return None
    st.subheader("Compare", anchor=False)
    if _document_count(selection) < 2:
        st.caption("The paragraphs shown come from one document: choose two or more to compare them.")
        return None
    by = st.segmented_control(
        "Compare by", options=list(COMPARE_CHOICES), default=DEFAULT_COMPARE,
        key=COMPARE, bind="query-params", required=True,
        help="Each group's paragraphs among those shown; the groups with most words are drawn, the rest folded into “Other”.",
    ) or DEFAULT_COMPARE
    by = comparison_grouping(selection, corpus.catalog, by, DEFAULT_TOP_GROUPS)
    profile, spread, other, folded = _figure("compare", corpus, selection, by)
    focus = render_chart(profile, key="chart_compare_themes", filename=_filename(f"themes-by-{by}", corpus, selection),
                         focus_kind=by)
    focus = render_chart(spread, key="chart_compare_sentiment",
                         filename=_filename(f"sentiment-by-{by}", corpus, selection), focus_kind=by) or focus
    if focus is not None and folded and other in focus.values:
        # "Other" stands for the folded groups: lead to their paragraphs.
        values = [v for v in focus.values if v != other] + list(folded)
        focus = Focus(focus.kind, tuple(values))
    return focus


def _build_comparison(corpus: Corpus, selection: Selection, by: str):
    """The two comparison charts, and the folded groups "Other" stands for."""
    keys = _keys(corpus, selection, by)
    order = group_order(keys, corpus.catalog, by) if by in ("year", "decade") else None
    # Every decade of a corpus fits (the UN General Debate spans nine); other groupings show the biggest.
    top = max(DEFAULT_TOP_GROUPS, len(order)) if by == "decade" else DEFAULT_TOP_GROUPS
    comparison = compare_groups(corpus.analysis, selection, keys, order=order, top=top)
    subtitle = _subtitle(corpus, selection)
    grouped = comparison.grouped
    profile = corpus_figures.theme_profile_figure(
        comparison.profile, corpus.analysis.lexicon, subtitle=subtitle, note=grouped.note, group_name=by,
    )
    spread = corpus_figures.sentiment_distribution_figure(
        comparison.polarity, comparison.summary, subtitle=subtitle, note=grouped.note, group_name=by,
    )
    return profile, spread, grouped.other, tuple(str(g) for g in grouped.folded)


def _build_distinctive_terms(corpus: Corpus, selection: Selection, _: str):
    result = distinctive_terms(corpus.analysis.terms, selection.pids, _corpus_pids(corpus, selection),
                               include_repeats=selection.filters.include_repeats, top=DISTINCTIVE_WORDS,
                               excluded=corpus.speaker_words)
    return corpus_figures.distinctive_terms_figure(result, subtitle=_subtitle(corpus, selection))


def _build_theme_frequencies(corpus: Corpus, selection: Selection, measure: str):
    return figures.theme_frequency_figure(
        theme_frequencies(corpus.analysis, selection),
        measure=MEASURE_CHOICES[measure],
        subtitle=_subtitle(corpus, selection),
        highlight=selection.filters.themes,
    )


_BUILDERS = {
    "themes": _build_theme_frequencies,
    "theme-map": _build_theme_map,
    "sentiment": _build_sentiment,
    "words": _build_word_cloud,
    "distinctive-words": _build_distinctive_terms,
    "compare": _build_comparison,
}


def _corpus_pids(corpus: Corpus, selection: Selection):
    """The paragraphs the selection is compared with: every content paragraph of the corpus."""
    from speechlens.filters import content_mask

    return corpus.analysis.paragraphs.index[content_mask(corpus.analysis, selection.filters)].to_numpy()


def warm_default_view(corpus: Corpus) -> None:
    """Draw the opening view's charts into the chart cache, so the first visitor finds them ready."""
    selection = select(corpus.analysis, Filters(), corpus.catalog)
    if selection.is_empty:
        return
    level = chart_level(selection, corpus.catalog)
    for chart, option in (("themes", "mentions"), ("theme-map", level), ("sentiment", level), ("words", "")):
        _figure(chart, corpus, selection, option)
    if len(corpus.analysis.documents) > 1 and selection.paragraphs["doc_id"].nunique() > 1:
        _figure("compare", corpus, selection, comparison_grouping(selection, corpus.catalog, DEFAULT_COMPARE, DEFAULT_TOP_GROUPS))
