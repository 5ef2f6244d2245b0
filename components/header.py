"""The page header: what is shown, from where, and the headline numbers."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from speechlens.captions import describe_filters, source_line
from speechlens.filters import Filters
from speechlens.markup import escape_markdown
from speechlens.catalog import year_bounds
from speechlens.corpus import Corpus
from speechlens.sentiment import format_polarity
from speechlens.summary import Summary


def render_notices(notices: Sequence[str]) -> None:
    """Tell the user which link parameters were ignored (the view uses the rest)."""
    if notices:
        st.warning(
            "About this link (anything it asked for that could not be used was left at its default):\n\n"
            + "\n".join(f"- {escape_markdown(n)}" for n in notices),
            icon="⚠️",
        )


def render_header(corpus: Corpus, filters: Filters, summary: Summary) -> None:
    """Title, source and the four headline numbers."""
    analysis = corpus.analysis
    documents = analysis.documents
    if len(documents) == 1:
        meta = next(iter(documents.values()))
        st.title(escape_markdown(meta.title), anchor=False)
        st.caption(escape_markdown(source_line(documents)) + (f" · {escape_markdown(meta.post)}" if meta.post else ""))
    else:
        st.title("SpeechLens", anchor=False)
        st.caption(escape_markdown(source_line(documents, year_bounds(corpus.catalog))))
    described = describe_filters(filters, analysis.lexicon.labels, corpus.document_labels)
    st.markdown("**Showing:** " + escape_markdown(described))

    shown, words, polarity, theme = st.columns([1, 1, 1, 3])
    shown.metric("Paragraphs shown", f"{summary.shown:,} / {summary.total:,}")
    words.metric("Words", f"{summary.words:,}")
    polarity.metric(
        "Mean polarity",
        "–" if summary.mean_polarity is None else format_polarity(summary.mean_polarity),
        help="Mean of the paragraphs' TextBlob polarity, from −1 (negative) to +1 (positive).",
    )
    theme.metric(
        "Dominant theme",
        summary.dominant_theme_label or "–",
        help="The theme with the most mentions in the paragraphs shown"
        + (f": {summary.dominant_theme_label}." if summary.dominant_theme_label else "."),
    )
