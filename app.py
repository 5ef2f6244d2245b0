"""SpeechLens: explore the themes, sentiment and vocabulary of a security-policy speech.

Run with ``streamlit run app.py``. The URL holds every filter, so a copied
link reopens the same view.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from components.charts import LAST_CLICKED
from components.header import render_header, render_notices
from components.reader import render_reader, render_reader_heading
from components.share import (
    keep_fingerprint_in_url,
    render_presentation_exit,
    render_presentation_mode,
    render_share_link,
)
from components.sidebar import render_sidebar
from components.views import render_sentiment, render_theme_frequencies, render_theme_map, render_word_cloud
from speechlens.analysis import Analysis, analyze
from speechlens.captions import export_filename
from speechlens.corpus import DEFAULT_DATA_DIR, data_signature, load_default_lexicon, load_documents
from speechlens.evidence import evidence_items
from speechlens.export import paragraph_table, to_csv_bytes
from speechlens.filters import section_labels, select
from speechlens.focus import focus_pids
from speechlens.markup import escape_markdown
from speechlens.summary import summarize
from speechlens.urlstate import PRESENT, parse_query

st.set_page_config(page_title="SpeechLens", page_icon="🔎", layout="wide")


@st.cache_resource(show_spinner="Reading and scoring the speech…", max_entries=4)
def load_analysis(data_dir: str, signature: str) -> Analysis:  # noqa: ARG001 - signature keys the cache
    """Parse and score every document once; filters only slice the result."""
    path = Path(data_dir)
    return analyze(load_documents(path), load_default_lexicon(path))


def link_notices(analysis: Analysis) -> list[str]:
    """Notices about the opening link's parameters, shown on the session's first run only."""
    if st.session_state.get("_link_checked"):
        return []
    st.session_state["_link_checked"] = True
    raw = {name: st.query_params.get_all(name) for name in st.query_params}
    _, notices = parse_query(
        raw, theme_ids=analysis.lexicon.ids, sections=section_labels(analysis), fingerprint=analysis.fingerprint
    )
    return notices


def main() -> None:
    data_dir = Path(os.environ.get("SPEECHLENS_DATA_DIR", DEFAULT_DATA_DIR))
    try:
        analysis = load_analysis(str(data_dir), data_signature(data_dir))
    except (OSError, ValueError) as error:
        st.error(f"SpeechLens could not load its data from {escape_markdown(str(data_dir))}:\n\n{escape_markdown(str(error))}")
        st.stop()

    notices = link_notices(analysis)
    keep_fingerprint_in_url(analysis)
    filters = render_sidebar(analysis)
    share_slot = st.sidebar.container()  # filled last, once every widget of the view has its value
    present = bool(st.session_state.get(PRESENT))
    render_presentation_mode(present)
    selection = select(analysis, filters)
    render_notices(notices)
    render_header(analysis, filters, summarize(analysis, selection))

    if selection.is_empty:
        st.info("No paragraphs match these filters. Loosen them, or press “Reset filters” in the sidebar.", icon="🔎")
        render_presentation_exit(present)
        with share_slot:
            render_share_link(analysis, filters)
        return

    # One chart per row: each is then wide enough to be pasted into a slide as it is.
    focus_themes = render_theme_frequencies(analysis, selection)
    focus_map = render_theme_map(analysis, selection)
    focus_sentiment = render_sentiment(analysis, selection)
    focus_cloud = render_word_cloud(analysis, selection)

    focus = focus_themes or focus_map or focus_sentiment or focus_cloud
    pids = focus_pids(analysis, selection, focus)
    heading = "Paragraphs behind these numbers"
    if focus is not None:
        heading = f"Paragraphs {focus.describe(analysis.lexicon.labels, analysis.paragraphs['position'])}"
    render_reader_heading(heading)
    with st.container(horizontal=True, key="reader_tools"):
        if focus is not None and st.button("Show all filtered paragraphs"):
            st.session_state.pop(LAST_CLICKED, None)
            st.rerun()
        st.download_button(
            "Download these paragraphs (CSV)",
            data=lambda: to_csv_bytes(paragraph_table(analysis, list(pids))),
            file_name=export_filename("paragraphs", filters, analysis.documents) + ".csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/table:",
        )
    render_reader(evidence_items(analysis, list(pids), filters.keyword), total=len(selection.paragraphs))
    render_presentation_exit(present)
    with share_slot:
        render_share_link(analysis, filters)


main()
