"""The open cache: a large store's loaded tables, memory-mapped on the next opening.

Reopening from it must give exactly what loading the Parquet segments gives, in
every view; a store write must make it stale; damage must never cost data.
"""

from __future__ import annotations

import pytest

import speechlens.store as store_module
from speechlens import cli, open_cache
from speechlens.analysis import analyze
from speechlens.catalog import build_catalog
from speechlens.corpus import Corpus, load_default_lexicon
from speechlens.filters import Filters, select
from speechlens.store import CACHE, Store
from speechlens.themes import parse_lexicon
from speechlens.view_charts import view_charts
from tests.conftest import DATA_DIR
from tests.unit.test_catalog import EXTRAS, METAS, speech_documents
from tests.unit.test_store import (
    PRESS_REPORT,
    UNMATCHED_LEXICON,
    assert_same_analysis,
    documents,  # noqa: F401 - fixture
    lexicon,  # noqa: F401 - fixture
    own_document,
    store,  # noqa: F401 - fixture
)
from tests.unit.test_view_charts import VIEW_IDS, VIEWS, many_documents


@pytest.fixture
def cache_every_store(monkeypatch):
    """Make the test's small stores count as large ones."""
    monkeypatch.setattr(store_module, "OPEN_CACHE_MIN_PARAGRAPHS", 0)


def reopened(analysis, folder):
    open_cache.save(analysis, folder)
    return open_cache.load(folder, analysis.documents, analysis.lexicon)


def cache_folders(store: Store) -> list[str]:
    folder = store.path / CACHE
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def load_and_keep(store: Store, lexicon):
    analysis = store.load(lexicon, keep_open_cache=True)
    if store.open_cache_writer is not None:
        store.open_cache_writer.join()
    return analysis


def reads_no_parquet(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a segment was read")

    monkeypatch.setattr(store_module, "_read", refuse)


# ----------------------------------------------------------------------------- the files


def test_a_reopened_analysis_equals_the_saved_one(documents, lexicon, tmp_path):  # noqa: F811
    analysis = analyze(documents, lexicon)
    assert_same_analysis(reopened(analysis, tmp_path / "cache"), analysis)


def test_an_empty_analysis_and_one_without_mentions_come_back_the_same(documents, tmp_path):  # noqa: F811
    unmatched = parse_lexicon(UNMATCHED_LEXICON)
    for name, analysis in (("empty", analyze([], unmatched)), ("unmatched", analyze(documents, unmatched))):
        assert_same_analysis(reopened(analysis, tmp_path / name), analysis)


def test_the_reopened_tables_cannot_be_changed_by_accident(documents, lexicon, tmp_path):  # noqa: F811
    again = reopened(analyze(documents, lexicon), tmp_path / "cache")
    for array in (again.terms.pid, again.terms.count, again.paragraphs["polarity"].to_numpy()):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1


def test_a_save_that_fails_leaves_no_folder_behind(documents, lexicon, tmp_path, monkeypatch):  # noqa: F811
    written = []

    def write_then_fail(path, table):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(path)

    monkeypatch.setattr(open_cache, "_write", write_then_fail)
    with pytest.raises(OSError, match="No space"):
        open_cache.save(analyze(documents, lexicon), tmp_path / "cache")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def corpora(seed_analysis, tmp_path_factory) -> dict[str, tuple[Corpus, Corpus]]:
    """Each corpus of the chart tests, as analysed and as reopened from an open cache."""
    lexicon = load_default_lexicon(DATA_DIR)
    folder = tmp_path_factory.mktemp("open-cache")
    pairs = {}
    for name, analysis, catalog in (
        ("seed", seed_analysis, None),
        ("five", analyze(speech_documents(), lexicon), build_catalog(METAS, EXTRAS)),
        ("many", analyze(many_documents(), lexicon), None),
    ):
        again = reopened(analysis, folder / name)
        pairs[name] = (Corpus.of(analysis, catalog), Corpus.of(again, catalog))
    return pairs


@pytest.mark.parametrize(("name", "filters", "level", "expected"), VIEWS, ids=VIEW_IDS)
def test_every_view_draws_the_same_charts_from_a_reopened_corpus(corpora, name, filters, level, expected):
    """Selections, word totals, clouds and comparisons run on the mapped, read-only arrays."""
    original, again = corpora[name]
    drawn = [
        {chart.name: chart.figure.to_json() for chart in view_charts(corpus, select(corpus.analysis, filters, corpus.catalog))}
        for corpus in (original, again)
    ]
    assert list(drawn[1]) == list(expected)
    assert drawn[1] == drawn[0]


# ----------------------------------------------------------------------------- in the store


def test_a_large_store_reopens_from_its_open_cache_without_reading_segments(
    store, documents, lexicon, cache_every_store, monkeypatch,  # noqa: F811
):
    store.add(documents, lexicon)
    first = load_and_keep(store, lexicon)
    assert len(cache_folders(store)) == 1
    reads_no_parquet(monkeypatch)
    again = Store(store.path).load(lexicon)
    assert_same_analysis(again, first)
    assert_same_analysis(again, analyze(documents, lexicon))


def test_a_small_store_keeps_no_open_cache(store, documents, lexicon):  # noqa: F811
    store.add(documents, lexicon)
    load_and_keep(store, lexicon)
    assert store.open_cache_writer is None
    assert cache_folders(store) == []


def test_a_write_drops_the_open_cache_and_the_next_load_sees_the_change(
    store, documents, lexicon, cache_every_store,  # noqa: F811
):
    store.add(documents[:2], lexicon)
    load_and_keep(store, lexicon)
    assert cache_folders(store)
    store.add(documents[2:], lexicon)
    assert cache_folders(store) == []
    assert_same_analysis(load_and_keep(store, lexicon), analyze(documents, lexicon))
    store.remove([documents[0].meta.doc_id])
    assert cache_folders(store) == []
    assert_same_analysis(store.load(lexicon), analyze(documents[1:], lexicon))


def test_another_lexicon_gets_its_own_open_cache(store, documents, lexicon, cache_every_store):  # noqa: F811
    store.add(documents, lexicon)
    load_and_keep(store, lexicon)
    unmatched = parse_lexicon(UNMATCHED_LEXICON)
    before = cache_folders(store)
    assert_same_analysis(load_and_keep(store, unmatched), analyze(documents, unmatched))
    after = cache_folders(store)
    assert len(after) == 1 and after != before  # the newest replaces the other
    assert_same_analysis(Store(store.path).load(unmatched), analyze(documents, unmatched))


@pytest.mark.parametrize("damage", ["truncated", "emptied", "info missing"])
def test_a_damaged_open_cache_is_ignored_and_the_segments_are_read(
    store, documents, lexicon, cache_every_store, damage, monkeypatch,  # noqa: F811
):
    store.add(documents, lexicon)
    load_and_keep(store, lexicon)
    folder = store.path / CACHE / cache_folders(store)[0]
    target = folder / ("info.json" if damage == "info missing" else "paragraphs.arrow")
    if damage == "truncated":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "emptied":
        target.write_bytes(b"")
    else:
        target.unlink()
    assert_same_analysis(Store(store.path).load(lexicon), analyze(documents, lexicon))
    assert Store(store.path).keep_open_cache(lexicon) is True  # the next load that keeps one replaces it
    reads_no_parquet(monkeypatch)
    assert_same_analysis(Store(store.path).load(lexicon), analyze(documents, lexicon))


def test_no_open_cache_is_written_while_a_writer_holds_the_store(
    store, documents, lexicon, cache_every_store,  # noqa: F811
):
    store.add(documents, lexicon)
    with Store(store.path)._locked():
        analysis = load_and_keep(store, lexicon)
    assert cache_folders(store) == []
    assert_same_analysis(analysis, analyze(documents, lexicon))


def test_an_open_cache_of_another_format_is_not_used(documents, lexicon, tmp_path):  # noqa: F811
    analysis = analyze(documents, lexicon)
    open_cache.save(analysis, tmp_path / "cache")
    info = tmp_path / "cache" / open_cache.INFO
    info.write_text(info.read_text().replace(f'"format": {open_cache.FORMAT_VERSION}', '"format": 999'))
    with pytest.raises(ValueError, match="another format"):
        open_cache.load(tmp_path / "cache", analysis.documents, lexicon)


def test_a_reopened_store_with_a_duplicate_reads_the_same(store, lexicon, cache_every_store, monkeypatch):  # noqa: F811
    """A press report repeating a paragraph: duplicate_of has values and gaps."""
    documents = [own_document("own-report", PRESS_REPORT, "press-report", speaker="Ana Lopes")]
    store.add(documents, lexicon)
    load_and_keep(store, lexicon)
    reads_no_parquet(monkeypatch)
    again = Store(store.path).load(lexicon)
    assert again.paragraphs["duplicate_of"].notna().any() and again.paragraphs["duplicate_of"].isna().any()
    assert_same_analysis(again, analyze(documents, lexicon))



def test_keeping_the_open_cache_on_demand_writes_it_once(store, documents, lexicon, cache_every_store):  # noqa: F811
    store.add(documents, lexicon)
    assert store.keep_open_cache(lexicon) is True
    assert len(cache_folders(store)) == 1
    assert store.keep_open_cache(lexicon) is False  # it has one


def test_a_small_store_is_not_prepared(store, documents, lexicon):  # noqa: F811
    store.add(documents, lexicon)
    assert store.keep_open_cache(lexicon) is False
    assert cache_folders(store) == []


def test_the_add_command_prepares_a_large_store_for_the_dashboard(tmp_path, cache_every_store, capsys, monkeypatch):
    speech = tmp_path / "speech.txt"
    speech.write_text(PRESS_REPORT, encoding="utf-8")
    store_dir = tmp_path / "store"
    assert cli.main(["add", str(speech), "--store", str(store_dir)]) == 0
    assert "prepared the store for fast opening" in capsys.readouterr().out
    store = Store(store_dir)
    assert len(cache_folders(store)) == 1
    reads_no_parquet(monkeypatch)  # the dashboard's lexicon: the one the cache was kept for
    assert len(store.load(load_default_lexicon(DATA_DIR)).paragraphs) == store.list()[0].paragraphs
