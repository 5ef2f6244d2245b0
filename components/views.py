"""The dashboard's charts, each with its own title and caption.

Which charts a selection gets and how each is built is in
:mod:`speechlens.view_charts` (the briefing draws the same); this module adds
the widgets, the chart cache and the click that leads to the paragraphs
behind a mark.
"""

from __future__ import annotations

import streamlit as st

from components.charts import render_chart
from components.data import current_selection
from speechlens import opening_view, view_charts
from speechlens.captions import export_filename
from speechlens.corpus import Corpus
from speechlens.filters import Filters, Selection
from speechlens.focus import Focus
from speechlens.urlstate import COMPARE, COMPARE_CHOICES, DEFAULT_COMPARE, MEASURE, MEASURE_CHOICES
from speechlens.vocabulary import lay_out_cloud


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


# Placing words is the slowest step of a redraw; the same counts give the same cloud.
_cached_cloud_layout = st.cache_data(max_entries=256, show_spinner=False)(lay_out_cloud)


# A resource cache, not a data cache: cache_data would pickle each figure and unpickle it on
# every page, and unpickling a Plotly figure checks every value again (a third of a page's
# server time). The figures are shared by all sessions and never changed after they are built.
@st.cache_resource(max_entries=128, show_spinner=False)
def _cached_figure(chart: str, option: str, fingerprint: str, filters, _corpus: Corpus, _selection: Selection):
    """A chart of a view, built once per data version, filters and chart option.

    The filters and the data's fingerprint decide the selection, so they key the
    cache; the corpus and the selection themselves are not hashed. Going back
    to a view, or a rerun that changes no filter (a click, the page of the
    reader), then costs no rebuilding. The opening view's charts may come from the
    store, as an earlier server drew them (see :mod:`speechlens.opening_view`).
    """
    if filters == Filters():
        kept = _kept_opening_view(_corpus).get((chart, option))
        if kept is not None:
            return kept
    return view_charts.build_chart(chart, _corpus, _selection, option, lay_out=_cached_cloud_layout)


def _kept_opening_view(corpus: Corpus) -> dict:
    folder = corpus.store.open_cache_folder if corpus.store is not None else None
    return corpus.analysis.derived("kept opening view", lambda: opening_view.kept(folder))


def _figure(chart: str, corpus: Corpus, selection: Selection, option: str = ""):
    return _cached_figure(chart, option, corpus.analysis.fingerprint, selection.filters, corpus, selection)


def render_theme_map(corpus: Corpus, selection: Selection) -> Focus | None:
    level = view_charts.level(corpus, selection)
    fig = _figure("theme-map", corpus, selection, level)
    return render_chart(fig, key="chart_map", filename=_filename("theme-map", corpus, selection), focus_kind=level)


def render_sentiment(corpus: Corpus, selection: Selection) -> Focus | None:
    level = view_charts.level(corpus, selection)
    fig = _figure("sentiment", corpus, selection, level)
    return render_chart(fig, key="chart_sentiment", filename=_filename("sentiment", corpus, selection), focus_kind=level)


def render_word_cloud(corpus: Corpus, selection: Selection) -> Focus | None:
    fig = _figure("words", corpus, selection)
    return render_chart(
        fig, key="chart_cloud", filename=_filename("words", corpus, selection), focus_kind="word",
        width="content",
    )


def render_distinctive_terms(corpus: Corpus, selection: Selection) -> Focus | None:
    """The words that set the selection apart from the rest of the corpus (only when there is a rest)."""
    if len(corpus.analysis.documents) < 2:
        return None
    st.subheader(view_charts.DISTINCTIVE_HEADING, anchor=False)
    if not view_charts.shows_distinctive_terms(corpus, selection):
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
    st.subheader(view_charts.COMPARE_HEADING, anchor=False)
    if not view_charts.shows_comparison(corpus, selection):
        st.caption("The paragraphs shown come from one document: choose two or more to compare them.")
        return None
    by = st.segmented_control(
        "Compare by", options=list(COMPARE_CHOICES), default=DEFAULT_COMPARE,
        key=COMPARE, bind="query-params", required=True,
        help="Each group's paragraphs among those shown; the groups with most words are drawn, the rest folded into “Other”.",
    ) or DEFAULT_COMPARE
    asked, by = by, view_charts.comparison_by(corpus, selection, by)
    if note := view_charts.comparison_note(asked, by):
        st.caption(note)
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


def warm_default_view(corpus: Corpus) -> dict:
    """Draw the opening view's charts into the chart cache, so the first visitor finds them ready;
    returns them, by (chart, option)."""
    selection = current_selection(corpus, Filters())
    if selection.is_empty:
        return {}
    level = view_charts.level(corpus, selection)
    drawn = {}
    for chart, option in (("themes", "mentions"), ("theme-map", level), ("sentiment", level), ("words", "")):
        drawn[(chart, option)] = _figure(chart, corpus, selection, option)
    if view_charts.shows_comparison(corpus, selection):
        by = view_charts.comparison_by(corpus, selection)
        drawn[("compare", by)] = _figure("compare", corpus, selection, by)
    return drawn


def keep_opening_view(corpus: Corpus, drawn: dict) -> bool:
    """Keep the opening view's charts with a large store's open cache, for the next server
    start (once that cache is written); True when kept. For a background thread: it may wait."""
    store = corpus.store
    if store is None or store.open_cache_folder is None or not drawn:
        return False
    if store.open_cache_writer is not None:
        store.open_cache_writer.join()
    return opening_view.keep(store.open_cache_folder, drawn)
