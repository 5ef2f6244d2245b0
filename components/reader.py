"""The paragraph reader: the evidence behind every number, escaped, never HTML."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from speechlens.evidence import EvidenceItem
from speechlens.markup import escape_markdown, highlight_spans

PAGE_SIZE = 50


def paragraph_markdown(item: EvidenceItem) -> str:
    """One paragraph as Markdown: a grey label line, the highlighted text, then its details.

    One Markdown element per paragraph keeps the page light: the browser draws
    a few dozen elements, not a few hundred.
    """
    lines = [f":gray[:small[{escape_markdown(item.label)} · {escape_markdown(item.scores)}]]", ""]
    lines.append(highlight_spans(item.text, item.highlights))
    details = []
    if item.themes:
        details.append("**Themes:** " + escape_markdown(", ".join(item.themes)))
    if item.drivers:
        details.append("**Sentiment words:** " + escape_markdown(item.drivers))
    if item.note:
        details.append("*" + escape_markdown(item.note) + "*")
    if details:
        lines += ["", ":gray[:small[" + " · ".join(details) + "]]"]
    return "\n".join(lines)


def render_reader_heading(heading: str) -> None:
    st.subheader(heading, anchor=False)


def render_reader(items: Sequence[EvidenceItem], *, total: int) -> None:
    """List ``items`` (already filtered and focused) with their labels, scores and highlights."""
    if not items:
        st.info("No paragraphs match. Clear the chart selection or loosen the filters.", icon="🔎")
        return
    if len(items) > PAGE_SIZE:
        st.caption(f"Showing the first {PAGE_SIZE} of {len(items)} paragraphs; narrow the filters to see others.")
    else:
        st.caption(f"{len(items)} of {total} paragraphs.")
    st.markdown("\n\n---\n\n".join(paragraph_markdown(item) for item in items[:PAGE_SIZE]))
