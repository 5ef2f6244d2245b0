"""Adding speeches to the corpus and removing them: the upload form and the corpus list."""

from __future__ import annotations

import streamlit as st

from speechlens.corpus import Corpus
from speechlens.formats import SUPPORTED, max_upload_bytes
from speechlens.markup import escape_markdown
from speechlens.model import SOURCE_TYPES
from speechlens.store import StoreError
from speechlens.uploads import MAX_FIELD_LENGTH, UploadForm, add_uploads

UPLOAD_RESULT = "_upload_result"  # outcomes of the last upload, shown once after the rerun
SOURCE_TYPE_LABELS = {"speech": "Transcript of the speech", "press-report": "Press report about it"}


def render_corpus_actions(corpus: Corpus) -> None:
    """The sidebar buttons that open the upload form and the corpus list."""
    with st.container(horizontal=True, key="corpus_actions"):
        if st.button("Add speeches", icon=":material/upload_file:", disabled=not corpus.can_add,
                     help=None if corpus.can_add else "This data directory is a read-only folder of speeches."):
            upload_dialog(corpus)
        if st.button("Corpus", icon=":material/library_books:", help="List the documents; remove some."):
            corpus_dialog(corpus)


@st.dialog("Add speeches", width="large")
def upload_dialog(corpus: Corpus) -> None:
    limit_mb = max_upload_bytes() / 2**20
    with st.form("upload_form", border=False):
        files = st.file_uploader(
            "Speech files",
            type=sorted(suffix.lstrip(".") for suffix in SUPPORTED),
            accept_multiple_files=True,
            help=f"Plain text, Markdown, HTML, Word (.docx) or PDF with a text layer; up to {limit_mb:.0f} MB each.",
        )
        st.caption("The details below apply to every file of this upload; leave a field empty when unknown. "
                   "Without a title, each file's first heading (or its name) is used.")
        title = st.text_input("Title", max_chars=MAX_FIELD_LENGTH)
        left, right = st.columns(2)
        speaker = left.text_input("Speaker", max_chars=MAX_FIELD_LENGTH)
        post = right.text_input("Post", max_chars=MAX_FIELD_LENGTH, placeholder="e.g. Minister of the Interior")
        country = left.text_input("Country or organisation", max_chars=MAX_FIELD_LENGTH)
        event = right.text_input("Event", max_chars=MAX_FIELD_LENGTH)
        date = left.date_input("Date", value=None, min_value=_date(1900), max_value=_date(2100), format="YYYY-MM-DD")
        language = right.text_input("Language", value="en", max_chars=20)
        source_type = st.radio(
            "The text is", options=list(SOURCE_TYPES), format_func=SOURCE_TYPE_LABELS.get, horizontal=True,
        )
        submitted = st.form_submit_button("Add to the corpus", type="primary")
    if not submitted:
        return
    if not files:
        st.warning("Choose one or more files first.")
        return
    form = UploadForm(
        title=title, speaker=speaker, post=post, country=country, event=event,
        date=date.isoformat() if date else "", language=language, source_type=source_type,
    )
    try:
        noun = "file" if len(files) == 1 else "files"
        with st.spinner(f"Reading, parsing and scoring {len(files)} {noun}…"):
            report = add_uploads(corpus.store, corpus.analysis.lexicon, [(f.name, f.getvalue()) for f in files], form)
    except (StoreError, OSError) as error:
        st.error(f"Nothing was added: {escape_markdown(str(error))}")
        return
    if report.changed_store:
        st.session_state[UPLOAD_RESULT] = report.outcomes
        st.rerun()
    _show_outcomes(report.outcomes)


def render_upload_result() -> None:
    """After an upload that changed the corpus: what became of each file (once)."""
    outcomes = st.session_state.pop(UPLOAD_RESULT, None)
    if outcomes:
        _show_outcomes(outcomes)


def _show_outcomes(outcomes) -> None:
    for outcome in outcomes:
        name = escape_markdown(outcome.name)
        message = escape_markdown(outcome.message)
        if outcome.status == "added":
            st.success(f"**{name}**: {message}", icon=":material/check_circle:")
        elif outcome.status == "duplicate":
            st.info(f"**{name}**: {message}", icon=":material/content_copy:")
        else:
            st.error(f"**{name}** was not added: {message}", icon=":material/block:")


@st.dialog("Corpus", width="large")
def corpus_dialog(corpus: Corpus) -> None:
    catalog = corpus.catalog
    noun = "document" if len(catalog) == 1 else "documents"
    st.caption(f"{len(catalog):,} {noun} in {escape_markdown(str(corpus.path))}.")
    st.dataframe(
        catalog[["title", "speaker", "country", "year", "event"]].reset_index(),
        hide_index=True, width="stretch", height=320,
        column_config={"doc_id": "Id", "title": "Title", "speaker": "Speaker", "country": "Country",
                       "year": st.column_config.NumberColumn("Year", format="%d"), "event": "Event"},
    )
    if not corpus.can_add:
        return
    labels = catalog["label"].to_dict()
    doomed = st.multiselect("Remove documents", options=list(catalog.index), format_func=lambda d: labels.get(d, d),
                            placeholder="Choose documents to remove")
    if doomed and st.button(f"Remove {len(doomed)} document(s) from the corpus", type="primary"):
        try:
            corpus.store.remove(doomed)
        except (StoreError, OSError) as error:
            st.error(f"Nothing was removed: {escape_markdown(str(error))}")
            return
        st.rerun()


def _date(year: int):
    import datetime as dt

    return dt.date(year, 1, 1)
