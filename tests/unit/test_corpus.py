"""Opening the data directory the dashboard shows: a store (seeded when new) or a read-only folder of speeches."""

from __future__ import annotations

import shutil

import pytest

from speechlens.corpus import (
    DEFAULT_DATA_DIR,
    data_signature,
    is_speech_folder,
    is_store,
    load_default_lexicon,
    load_documents,
    metadata_files,
    open_corpus,
    prepare_data_dir,
    seed_store,
)
from speechlens.parsing import parse_document, read_meta
from speechlens.store import MANIFEST, Store, StoreError
from tests.conftest import DATA_DIR
from tests.unit.test_catalog import EXTRAS, SPEECHES, speech_documents

LEXICON = load_default_lexicon(DATA_DIR)
SEED_IDS = [read_meta(path).doc_id for path in metadata_files(DATA_DIR)]


def test_the_project_data_holds_a_seed_speech():
    assert SEED_IDS
    assert DEFAULT_DATA_DIR == DATA_DIR


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A store created by the dashboard's first start (one seed analysis for the module)."""
    path = tmp_path_factory.mktemp("seeded") / "store"
    prepare_data_dir(path)
    return path


def copy_store(seeded, tmp_path):
    path = tmp_path / "store"
    shutil.copytree(seeded, path)
    return path


# ----------------------------------------------------------------------------- a new store


@pytest.mark.parametrize("exists", [False, True], ids=["missing", "empty-folder"])
def test_a_new_data_directory_becomes_a_store_holding_the_seed(tmp_path, exists):
    path = tmp_path / "data"
    if exists:
        path.mkdir()
    store = prepare_data_dir(path)
    assert is_store(path)
    assert [stored.doc_id for stored in store.list()] == SEED_IDS
    corpus = open_corpus(path)
    assert list(corpus.catalog.index) == SEED_IDS
    assert corpus.can_add and corpus.store is not None
    seed = load_documents(DATA_DIR)[0]
    assert corpus.analysis.documents[seed.meta.doc_id] == seed.meta


def test_open_corpus_creates_and_seeds_a_missing_store(tmp_path):
    corpus = open_corpus(tmp_path / "fresh")
    assert list(corpus.catalog.index) == SEED_IDS
    assert corpus.path == tmp_path / "fresh"


def test_an_existing_store_is_not_seeded_again(seeded, tmp_path):
    path = copy_store(seeded, tmp_path)
    before = (path / MANIFEST).read_bytes()
    assert seed_store(Store(path), LEXICON) is None
    prepare_data_dir(path)
    open_corpus(path)
    assert (path / MANIFEST).read_bytes() == before


def test_a_store_whose_seed_was_removed_stays_without_it(seeded, tmp_path):
    path = copy_store(seeded, tmp_path)
    Store(path).remove(SEED_IDS)
    corpus = open_corpus(path)
    assert corpus.catalog.empty
    assert corpus.analysis.paragraphs.empty
    assert len(Store(path)) == 0
    prepare_data_dir(path)
    assert len(Store(path)) == 0


def test_a_store_keeps_what_was_added_and_the_extra_year(seeded, tmp_path):
    path = copy_store(seeded, tmp_path)
    Store(path).add(speech_documents(), LEXICON, extra=EXTRAS)
    corpus = open_corpus(path)
    assert list(corpus.catalog.index) == SEED_IDS + [meta.doc_id for meta, _ in SPEECHES]
    assert int(corpus.catalog.loc["fr-1999", "year"]) == 1999
    assert corpus.choices.documents == set(corpus.catalog.index)
    assert "France" in corpus.choices.countries
    assert corpus.document_labels["fr-1999"] == corpus.catalog.loc["fr-1999", "label"]


# ----------------------------------------------------------------------------- a folder of speeches


def speech_folder(tmp_path):
    folder = tmp_path / "speeches"
    folder.mkdir()
    for path in [*metadata_files(DATA_DIR), *DATA_DIR.glob("*.txt")]:
        shutil.copy(path, folder / path.name)
    return folder


def test_a_plain_folder_of_speeches_is_shown_read_only(tmp_path):
    folder = speech_folder(tmp_path)
    files_before = sorted(p.name for p in folder.iterdir())
    assert is_speech_folder(folder) and not is_store(folder)
    corpus = open_corpus(folder)
    assert not corpus.can_add
    assert corpus.store is None
    assert list(corpus.catalog.index) == SEED_IDS
    assert not corpus.analysis.paragraphs.empty
    assert sorted(p.name for p in folder.iterdir()) == files_before  # nothing written into it


def test_the_project_data_folder_is_a_speech_folder_not_a_store():
    assert is_speech_folder(DATA_DIR)
    assert not is_store(DATA_DIR)


@pytest.mark.parametrize("kind", ["missing", "store", "file", "empty"])
def test_what_is_not_a_speech_folder(tmp_path, seeded, kind):
    path = tmp_path / "x"
    if kind == "store":
        path = copy_store(seeded, tmp_path)
    elif kind == "file":
        path.write_text("not a folder")
    elif kind == "empty":
        path.mkdir()
    assert not is_speech_folder(path)


def test_a_file_is_not_a_data_directory(tmp_path):
    path = tmp_path / "data"
    path.write_text("oops")
    with pytest.raises(StoreError, match="is a file"):
        prepare_data_dir(path)
    with pytest.raises(ValueError):
        open_corpus(path)
    assert path.read_text() == "oops"


def test_a_folder_of_something_else_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "shopping.md").write_text("milk, eggs")
    with pytest.raises(ValueError, match="not a SpeechLens store"):
        open_corpus(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["shopping.md"]


# ----------------------------------------------------------------------------- data_signature


def test_the_signature_is_stable_while_nothing_changes(seeded):
    assert data_signature(seeded) == data_signature(seeded)


def test_the_signature_changes_when_the_store_changes(seeded, tmp_path):
    path = copy_store(seeded, tmp_path)
    store = Store(path)
    signatures = [data_signature(path)]
    document = speech_documents()[0]
    store.add([document], LEXICON)
    signatures.append(data_signature(path))
    store.remove([document.meta.doc_id])
    signatures.append(data_signature(path))
    assert len(set(signatures)) == 3


def test_the_signature_changes_when_the_stores_themes_file_changes(seeded, tmp_path):
    path = copy_store(seeded, tmp_path)
    before = data_signature(path)
    shutil.copy(DATA_DIR / "themes.toml", path / "themes.toml")  # the store's own lexicon now
    assert data_signature(path) != before


def test_the_signature_of_a_speech_folder_follows_its_files(tmp_path):
    folder = speech_folder(tmp_path)
    before = data_signature(folder)
    text = next(folder.glob("*.txt"))
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    assert data_signature(folder) != before


def test_a_store_may_carry_its_own_themes_file(seeded, tmp_path):
    path = copy_store(seeded, tmp_path)
    (path / "themes.toml").write_text(
        '[[themes]]\nid = "astronomy"\nlabel = "Astronomy"\ndescription = "stars"\ncolor = "#0072B2"\n'
        'terms = ["supernova"]\n',
        encoding="utf-8",
    )
    corpus = open_corpus(path)
    assert corpus.analysis.lexicon.ids == ("astronomy",)


def test_a_document_added_is_parsed_like_the_seed(seeded, tmp_path):
    """A sanity check of the fixture corpus: parse_document gives the stored documents back."""
    path = copy_store(seeded, tmp_path)
    documents = speech_documents()
    Store(path).add(documents, LEXICON, extra=EXTRAS)
    stored = {document.meta.doc_id: document for document in Store(path).documents()}
    for meta, text in SPEECHES:
        assert stored[meta.doc_id] == parse_document(text, meta)
