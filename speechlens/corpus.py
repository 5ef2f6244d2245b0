"""Find and load the documents and lexicon a dashboard shows.

The dashboard shows a *data directory*: ``$SPEECHLENS_DATA_DIR``, else
``speechlens-data/`` in the project. It is normally a corpus store (see
:mod:`speechlens.store`); a store that does not exist yet is created holding the
seed speech bundled in the project's ``data/``, so a first start shows it and
uploads join it. A plain folder of speeches (``.txt`` files with a metadata
``.toml`` beside each, like ``data/``) can be shown too, read-only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from speechlens.analysis import Analysis, analyze
from speechlens.catalog import CorpusChoices, build_catalog, corpus_choices
from speechlens.filters import section_labels
from speechlens.model import Document
from speechlens.parsing import load_document
from speechlens.store import MANIFEST, AddReport, Store, StoreError, default_store_dir
from speechlens.themes import Lexicon, load_lexicon
from speechlens.vocabulary import speaker_words

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_DIR / "data"  # the bundled seed speech and the default themes file
THEMES_FILE = "themes.toml"


def metadata_files(data_dir: Path) -> list[Path]:
    """Every document's metadata file in ``data_dir`` (all TOML but the lexicon)."""
    return sorted(p for p in Path(data_dir).glob("*.toml") if p.name != THEMES_FILE)


def load_documents(data_dir: Path = DEFAULT_DATA_DIR) -> list[Document]:
    """Parse every document described in ``data_dir``, in file-name order."""
    return [load_document(meta_path=path) for path in metadata_files(data_dir)]


def load_default_lexicon(data_dir: Path = DEFAULT_DATA_DIR) -> Lexicon:
    return load_lexicon(Path(data_dir) / THEMES_FILE)


def themes_path(data_dir: Path) -> Path:
    """The data directory's own ``themes.toml`` when it has one, else the project's."""
    own = Path(data_dir) / THEMES_FILE
    return own if own.is_file() else DEFAULT_DATA_DIR / THEMES_FILE


def data_signature(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """A short hash of the names, sizes and modification times of the data files.

    Cheap enough to compute on every rerun (no file is read), and it changes
    whenever a file is edited, added or removed, which re-runs the analysis.
    For a store only its manifest and the themes file are looked at: every
    change to a store rewrites its manifest.
    """
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    if is_store(data_dir):
        paths = [data_dir / MANIFEST, themes_path(data_dir)]
    else:
        paths = sorted(p for p in data_dir.glob("*") if p.is_file())
    for path in paths:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def is_store(data_dir: Path) -> bool:
    return (Path(data_dir) / MANIFEST).is_file()


def is_speech_folder(data_dir: Path) -> bool:
    """A folder of speeches with their metadata TOML (like the project's data/), not a store."""
    return not is_store(data_dir) and bool(metadata_files(data_dir)) if Path(data_dir).is_dir() else False


def default_data_dir() -> Path:
    """``$SPEECHLENS_DATA_DIR``, else ``speechlens-data/`` in the project."""
    return default_store_dir()


def seed_store(store: Store, lexicon: Lexicon, seed_dir: Path = DEFAULT_DATA_DIR) -> AddReport | None:
    """Create ``store`` holding the seed speeches of ``seed_dir``, unless it exists already.

    Only a store that was never created is seeded: a researcher who removed
    the seed speech does not get it back on the next start.
    """
    if is_store(store.path):
        return None
    return store.add(load_documents(seed_dir), lexicon)


def prepare_data_dir(path: Path, seed_dir: Path = DEFAULT_DATA_DIR, lexicon: Lexicon | None = None) -> Store:
    """The store at ``path``, created holding the seed speeches when it does not exist yet."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a data directory")
    store = Store(path)
    if not is_store(path):
        seed_store(store, lexicon or load_lexicon(themes_path(path)), seed_dir)
    return store


@dataclass(frozen=True, eq=False)
class Corpus:
    """What the dashboard shows: the analysis, a catalogue of its documents, and where it came from."""

    analysis: Analysis
    catalog: pd.DataFrame  # see speechlens.catalog.build_catalog
    path: Path | None = None  # None: analysed in memory, not read from a data directory
    store: Store | None = None  # None for a read-only folder of speeches, or an analysis in memory

    @classmethod
    def of(cls, analysis: Analysis, catalog: pd.DataFrame | None = None) -> Corpus:
        """An analysis held in memory, with its catalogue (built from the documents' metadata when not given)."""
        return cls(analysis, build_catalog(analysis.documents.values()) if catalog is None else catalog)

    @property
    def can_add(self) -> bool:
        return self.store is not None

    @cached_property
    def choices(self) -> CorpusChoices:
        """The documents, speakers, countries and years the corpus filters offer."""
        return corpus_choices(self.catalog)

    @cached_property
    def sections(self) -> list[str]:
        return section_labels(self.analysis)

    @cached_property
    def document_labels(self) -> dict[str, str]:
        return self.catalog["label"].to_dict()

    @cached_property
    def speaker_words(self) -> frozenset[str]:
        """The words of every speaker's name (left out of word lists, as the word cloud does)."""
        return speaker_words(self.analysis.documents.values())


def warm_up(corpus: Corpus) -> None:
    """Build, once, the per-corpus lookups that views otherwise build on their first use.

    On the whole UN General Debate these take about a second together; a server
    does them as it opens the corpus rather than in a visitor's first view.
    """
    from speechlens.filters import match_arrays
    from speechlens.term_totals import term_totals
    from speechlens.vocabulary import surface_arrays

    corpus.choices, corpus.sections, corpus.document_labels, corpus.speaker_words  # noqa: B018 - cached properties
    match_arrays(corpus.analysis)
    surface_arrays(corpus.analysis)
    terms = corpus.analysis.terms
    term_totals(terms).content_words(terms)


def open_corpus(
    data_dir: Path | None = None, *, seed_dir: Path = DEFAULT_DATA_DIR, keep_open_cache: bool = False,
) -> Corpus:
    """Load the data directory (a store, created and seeded when new; or a folder of speeches).

    ``keep_open_cache``: a large store without an open cache gets one written in the
    background, for a fast next opening (see ``Store.load``); for a long-lived process
    such as the dashboard's server.

    Raises ``ValueError`` (``StoreError`` included) or ``OSError`` with a message ready for a user.
    """
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    lexicon = load_lexicon(themes_path(path))
    if is_speech_folder(path):
        documents = load_documents(path)
        analysis = analyze(documents, lexicon)
        return Corpus(analysis, build_catalog(analysis.documents.values()), path, None)
    store = prepare_data_dir(path, seed_dir, lexicon)
    analysis = store.load(lexicon, keep_open_cache=keep_open_cache)
    extras = store.extras()
    return Corpus(analysis, build_catalog(analysis.documents.values(), extras), path, store)
