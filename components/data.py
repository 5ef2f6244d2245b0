"""The corpus the dashboard shows, opened once per data version and shared by every session."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from speechlens.corpus import Corpus, data_signature, default_data_dir, is_speech_folder, open_corpus, prepare_data_dir, warm_up
from speechlens.filters import Filters, Selection, select
from speechlens.store import set_huge_pages


# One corpus in memory at a time: the whole UN General Debate takes about 2 GB.
@st.cache_resource(show_spinner="Opening the corpus…", max_entries=1)
def load_corpus(data_dir: str, signature: str) -> Corpus:  # noqa: ARG001 - signature keys the cache
    """Read the stored annotations once (nothing is re-scored); filters only slice the result."""
    set_huge_pages(False)  # for good, in this server process: see its docstring
    corpus = open_corpus(Path(data_dir), keep_open_cache=True)
    warm_up(corpus)
    return corpus


def current_corpus() -> Corpus:
    """The data directory's corpus; a new store is created holding the seed speech first.

    Raises ``OSError`` or ``ValueError`` with a message for the user.
    """
    data_dir = default_data_dir()
    if not is_speech_folder(data_dir):
        prepare_data_dir(data_dir)
    return load_corpus(str(data_dir), data_signature(data_dir))


# A view's selection is kept for the next script run (a click, the reader's page, the
# next visitor): on a whole corpus, selecting takes a few hundred milliseconds.
@st.cache_resource(show_spinner=False, max_entries=4)
def _selection(fingerprint: str, filters: Filters, _corpus: Corpus) -> Selection:  # noqa: ARG001 - keys
    return select(_corpus.analysis, filters, _corpus.catalog)


def current_selection(corpus: Corpus, filters: Filters) -> Selection:
    """The paragraphs and theme mentions of the view ``filters`` describe (shared, not to be changed)."""
    return _selection(corpus.analysis.fingerprint, filters, corpus)
