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

# Header columns are sized in characters of their values: a number gets at least
# MIN_METRIC_CHARS; the three numbers share a row with the dominant theme (THEME_CHARS
# wide) when together they need at most MAX_ROW_CHARS.
MIN_METRIC_CHARS = 6
MAX_ROW_CHARS = 24
THEME_CHARS = 18


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

    numbers = {
        "Paragraphs shown": f"{summary.shown:,} / {summary.total:,}",
        "Words": f"{summary.words:,}",
        "Mean polarity": "–" if summary.mean_polarity is None else format_polarity(summary.mean_polarity),
    }
    # Each number gets room for its digits, so that a large corpus's are not cut off ("370,541…");
    # when they need more than a row's share, the dominant theme goes on a row of its own.
    widths = [max(len(text), MIN_METRIC_CHARS) for text in numbers.values()]
    one_row = sum(widths) <= MAX_ROW_CHARS
    shown, words, polarity, *rest = st.columns([*widths, THEME_CHARS] if one_row else widths)
    theme = rest[0] if one_row else st.container()
    shown.metric("Paragraphs shown", numbers["Paragraphs shown"])
    words.metric("Words", numbers["Words"])
    polarity.metric(
        "Mean polarity",
        numbers["Mean polarity"],
        help="Mean of the paragraphs' TextBlob polarity, from −1 (negative) to +1 (positive).",
    )
    theme.metric(
        "Dominant theme",
        summary.dominant_theme_label or "–",
        help="The theme with the most mentions in the paragraphs shown"
        + (f": {summary.dominant_theme_label}." if summary.dominant_theme_label else "."),
    )
