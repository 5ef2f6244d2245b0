"""The paragraph reader: the evidence behind every number, escaped, never HTML."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from speechlens.evidence import EvidenceItem
from speechlens.markup import escape_markdown, highlight_spans

PAGE_SIZE = 50


def render_reader(items: Sequence[EvidenceItem], *, heading: str, total: int) -> None:
    """List ``items`` (already filtered and focused) with their labels, scores and highlights."""
    st.subheader(heading, anchor=False)
    if not items:
        st.info("No paragraphs match. Clear the chart selection or loosen the filters.", icon="🔎")
        return
    shown = items[:PAGE_SIZE]
    if len(items) > PAGE_SIZE:
        st.caption(f"Showing the first {PAGE_SIZE} of {len(items)} paragraphs; narrow the filters to see others.")
    elif total:
        st.caption(f"{len(items)} of {total} paragraphs.")
    for item in shown:
        with st.container(border=True, key=f"paragraph_{item.pid}"):
            st.caption(escape_markdown(item.label) + " · " + escape_markdown(item.scores))
            st.markdown(highlight_spans(item.text, item.highlights))
            details = []
            if item.themes:
                details.append("**Themes:** " + escape_markdown(", ".join(item.themes)))
            if item.drivers:
                details.append("**Sentiment words:** " + escape_markdown(item.drivers))
            if item.note:
                details.append("*" + escape_markdown(item.note) + "*")
            if details:
                st.caption("  \n".join(details))
