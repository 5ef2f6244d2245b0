"""SpeechLens: explore the themes, sentiment and vocabulary of a security-policy speech.

Run with ``streamlit run app.py``. The URL holds every filter, so a copied
link reopens the same view.
"""

from __future__ import annotations


import streamlit as st

from components.charts import LAST_CLICKED
from components.header import render_header, render_notices
from components.reader import reader_page, render_reader, render_reader_heading
from components.share import (
    keep_fingerprint_in_url,
    render_presentation_exit,
    render_presentation_mode,
    render_share_link,
)
from components.sidebar import render_sidebar
from components.views import (
    render_comparison,
    render_distinctive_terms,
    render_sentiment,
    render_theme_frequencies,
    render_theme_map,
    render_word_cloud,
)
from components.corpus import render_corpus_actions, render_upload_result
from speechlens.captions import export_filename
from components.data import current_corpus, current_selection
from speechlens.corpus import Corpus, default_data_dir
from speechlens.evidence import evidence_items
from speechlens.export import paragraph_table, to_csv_bytes
from speechlens.focus import empty_focus_note, focus_pids
from speechlens.markup import escape_markdown
from speechlens.summary import summarize
from speechlens.urlstate import PRESENT, parse_query

st.set_page_config(page_title="SpeechLens", page_icon="🔎", layout="wide")


def link_notices(corpus: Corpus) -> list[str]:
    """Notices about the opening link's parameters, shown on the session's first run only."""
    if st.session_state.get("_link_checked"):
        return []
    st.session_state["_link_checked"] = True
    raw = {name: st.query_params.get_all(name) for name in st.query_params}
    analysis = corpus.analysis
    _, notices = parse_query(
        raw, theme_ids=analysis.lexicon.ids, sections=corpus.sections, fingerprint=analysis.fingerprint,
        corpus=corpus.choices,
    )
    return notices


def main() -> None:
    data_dir = default_data_dir()
    try:
        corpus = current_corpus()
    except (OSError, ValueError) as error:
        st.error(f"SpeechLens could not load its data from {escape_markdown(str(data_dir))}:\n\n{escape_markdown(str(error))}")
        st.stop()

    analysis = corpus.analysis
    notices = link_notices(corpus)
    keep_fingerprint_in_url(analysis)
    with st.sidebar:
        render_corpus_actions(corpus)
    filters = render_sidebar(analysis, corpus.catalog, corpus.choices, corpus.sections)
    share_slot = st.sidebar.container()  # filled last, once every widget of the view has its value
    present = bool(st.session_state.get(PRESENT))
    render_presentation_mode(present)
    selection = current_selection(corpus, filters)
    render_upload_result()
    render_notices(notices)
    render_header(corpus, filters, summarize(analysis, selection))

    if selection.is_empty:
        st.info("No paragraphs match these filters. Loosen them, or press “Reset filters” in the sidebar.", icon="🔎")
        render_presentation_exit(present)
        with share_slot:
            render_share_link(analysis, filters)
        return

    # One chart per row: each is then wide enough to be pasted into a slide as it is.
    focus_themes = render_theme_frequencies(corpus, selection)
    focus_map = render_theme_map(corpus, selection)
    focus_sentiment = render_sentiment(corpus, selection)
    focus_cloud = render_word_cloud(corpus, selection)
    focus_distinctive = render_distinctive_terms(corpus, selection)
    focus_compare = render_comparison(corpus, selection)

    focus = focus_themes or focus_map or focus_sentiment or focus_cloud or focus_distinctive or focus_compare
    pids = focus_pids(analysis, selection, focus, corpus.catalog)
    heading = "Paragraphs behind these numbers"
    if focus is not None:
        heading = f"Paragraphs {focus.describe(analysis.lexicon.labels, analysis.paragraphs['position'], corpus.document_labels)}"
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
    page = reader_page(len(pids))
    items = evidence_items(analysis, list(pids[page]), filters.keyword, corpus.document_labels)
    render_reader(items, count=len(pids), total=len(selection.paragraphs), page=page,
                  empty_note=empty_focus_note(analysis, selection, focus) if not len(pids) else None)
    render_presentation_exit(present)
    with share_slot:
        render_share_link(analysis, filters)


main()
