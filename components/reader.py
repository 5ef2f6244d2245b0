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


READER_PAGE = "reader_page"


def reader_page(count: int) -> slice:
    """The page of the ``count`` paragraphs to show; a page picker when there is more than one."""
    pages = max(1, -(-count // PAGE_SIZE))
    if pages == 1:
        st.session_state.pop(READER_PAGE, None)
        return slice(0, count)
    if st.session_state.get(READER_PAGE, 1) > pages:
        st.session_state[READER_PAGE] = pages
    page = st.number_input(
        f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=READER_PAGE, width=160,
    )
    start = (int(page) - 1) * PAGE_SIZE
    return slice(start, min(start + PAGE_SIZE, count))


def render_reader(
    items: Sequence[EvidenceItem], *, count: int, total: int, page: slice, empty_note: str | None = None,
) -> None:
    """List ``items`` (one page of the ``count`` filtered and focused paragraphs) with labels, scores and highlights.

    ``empty_note`` says why nothing matches, when the caller knows (plain text: it is escaped).
    """
    if not items:
        default = "No paragraphs match. Clear the chart selection or loosen the filters."
        st.info(escape_markdown(empty_note) if empty_note else default, icon="🔎")
        return
    if count > len(items):
        st.caption(f"Paragraphs {page.start + 1:,}–{page.stop:,} of {count:,}, in reading order.")
    else:
        st.caption(f"{count:,} of {total:,} paragraphs.")
    st.markdown("\n\n---\n\n".join(paragraph_markdown(item) for item in items))
