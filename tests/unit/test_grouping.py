"""Grouping paragraphs by document, speaker, country or year, and how charts draw a many-document view."""

from __future__ import annotations

import pandas as pd
import pytest

from speechlens.analysis import analyze
from speechlens.catalog import build_catalog
from speechlens.corpus import load_default_lexicon
from speechlens.filters import Filters, Selection, select
from speechlens.grouping import (
    MAX_DOCUMENTS_SHOWN,
    UNKNOWN,
    chart_level,
    group_keys,
    group_order,
    pids_in_groups,
)
from speechlens.model import DocumentMeta
from tests.conftest import DATA_DIR
from tests.unit.test_catalog import EXTRAS, METAS, expected_year, speech_documents

BY_ID = {meta.doc_id: meta for meta in METAS}
LABELS = build_catalog(METAS, EXTRAS)["label"].to_dict()


@pytest.fixture(scope="module")
def analysis():
    return analyze(speech_documents(), load_default_lexicon(DATA_DIR))


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(METAS, EXTRAS)


def expected_key(doc_id: str, by: str) -> str:
    meta = BY_ID[doc_id]
    if by == "document":
        return LABELS[doc_id]  # what the chart shows: the document's readable, unique label
    if by == "year":
        year = expected_year(meta)
        return UNKNOWN["year"] if year is None else str(year)
    return getattr(meta, by) or UNKNOWN[by]


def fake_selection(doc_ids: list[str]) -> Selection:
    """A selection of one paragraph per document (chart_level only looks at which documents)."""
    paragraphs = pd.DataFrame({"doc_id": doc_ids, "counted_words": 1})
    return Selection(Filters(), paragraphs, pd.DataFrame(index=paragraphs.index), len(doc_ids))


# ----------------------------------------------------------------------------- chart_level


@pytest.mark.parametrize(
    ("documents", "dated", "level"),
    [
        (1, True, "paragraph"),
        (2, True, "document"),
        (MAX_DOCUMENTS_SHOWN, True, "document"),
        (MAX_DOCUMENTS_SHOWN + 1, True, "year"),
        (MAX_DOCUMENTS_SHOWN + 1, False, "document"),  # no year to group by
        (0, True, "paragraph"),
    ],
)
def test_chart_level(documents, dated, level):
    metas = [DocumentMeta(f"d{i}", f"Speech {i}", date=f"{1950 + i}-01-01" if dated else "") for i in range(documents)]
    assert chart_level(fake_selection([m.doc_id for m in metas]), build_catalog(metas)) == level


def test_chart_level_follows_the_filters(analysis, catalog):
    assert chart_level(select(analysis, Filters()), catalog) == "document"
    assert chart_level(select(analysis, Filters(documents=("br-2010",))), catalog) == "paragraph"
    assert chart_level(select(analysis, Filters(countries=("France",))), catalog) == "document"


def test_a_year_grouping_needs_only_one_dated_document():
    metas = [DocumentMeta(f"d{i}", "T", date="2001-01-01" if i == 0 else "") for i in range(MAX_DOCUMENTS_SHOWN + 1)]
    assert chart_level(fake_selection([m.doc_id for m in metas]), build_catalog(metas)) == "year"


# ----------------------------------------------------------------------------- group_keys


@pytest.mark.parametrize("by", ["document", "speaker", "country", "year"])
@pytest.mark.parametrize("filters", [Filters(), Filters(countries=("France",)), Filters(themes=("cooperation",))])
def test_group_keys_give_every_paragraph_its_group(analysis, catalog, by, filters):
    selection = select(analysis, filters, catalog)
    keys = group_keys(selection, catalog, by)
    assert list(keys.index) == list(selection.pids)
    for pid, key in keys.items():
        assert key == expected_key(selection.paragraphs.loc[pid, "doc_id"], by), (pid, by)


@pytest.mark.parametrize("by", ["speaker", "country", "year"])
def test_a_document_without_the_value_gets_a_readable_group(analysis, catalog, by):
    selection = select(analysis, Filters(documents=("note",)), catalog)
    assert set(group_keys(selection, catalog, by)) == {UNKNOWN[by]}
    assert UNKNOWN[by]  # said in words, not left blank


def test_year_keys_come_from_the_extra_metadata(analysis, catalog):
    selection = select(analysis, Filters(documents=("fr-1999",)), catalog)
    assert set(group_keys(selection, catalog, "year")) == {"1999"}


# ----------------------------------------------------------------------------- group_order and labels


@pytest.mark.parametrize(
    ("by", "order"),
    [
        ("document", [LABELS[m.doc_id] for m in METAS]),
        ("speaker", ["Amina Odhiambo", "Jeanne Martin", "Paulo Souza", UNKNOWN["speaker"]]),
        ("country", ["Brazil", "France", "Kenya", UNKNOWN["country"]]),
        ("year", ["1999", "2001", "2010", "2020", UNKNOWN["year"]]),
    ],
)
def test_group_order(analysis, catalog, by, order):
    keys = group_keys(select(analysis, Filters(), catalog), catalog, by)
    assert group_order(keys, catalog, by) == order


def test_group_order_sorts_names_ignoring_case_and_puts_the_unknown_group_last():
    catalog = build_catalog([DocumentMeta("a", "T")])
    by_speaker = pd.Series(["bob", UNKNOWN["speaker"], "Alice", "Zoe", "bob"])
    assert group_order(by_speaker, catalog, "speaker") == ["Alice", "bob", "Zoe", UNKNOWN["speaker"]]
    by_year = pd.Series(["2010", UNKNOWN["year"], "1999", "2001"])
    assert group_order(by_year, catalog, "year") == ["1999", "2001", "2010", UNKNOWN["year"]]


def test_group_order_keeps_only_groups_present(analysis, catalog):
    selection = select(analysis, Filters(countries=("France",)), catalog)
    keys = group_keys(selection, catalog, "document")
    assert group_order(keys, catalog, "document") == [LABELS["fr-2001"], LABELS["fr-1999"]]
    assert group_order(group_keys(selection, catalog, "year"), catalog, "year") == ["1999", "2001"]


def test_document_keys_tell_documents_apart_by_label():
    metas = [DocumentMeta("a", "Same"), DocumentMeta("b", "Same"), DocumentMeta("c", "Other")]
    catalog = build_catalog(metas)
    selection = fake_selection(["a", "b", "c", "a"])
    keys = group_keys(selection, catalog, "document")
    assert list(keys) == ["Same (a)", "Same (b)", "Other", "Same (a)"]
    assert group_order(keys, catalog, "document") == ["Same (a)", "Same (b)", "Other"]


# ----------------------------------------------------------------------------- pids_in_groups


@pytest.mark.parametrize(
    ("by", "keys"),
    [
        ("document", (LABELS["br-2010"],)),
        ("document", (LABELS["fr-2001"], LABELS["ke-2020"])),
        ("speaker", ("Jeanne Martin",)),
        ("country", ("Kenya", "Brazil")),
        ("year", ("1999",)),
        ("year", (UNKNOWN["year"],)),
        ("country", ("Atlantis",)),
    ],
)
@pytest.mark.parametrize("filters", [Filters(), Filters(themes=("cooperation",))])
def test_pids_in_groups(analysis, catalog, by, keys, filters):
    selection = select(analysis, filters, catalog)
    got = [int(p) for p in pids_in_groups(selection, catalog, by, keys)]
    doc_ids = selection.paragraphs["doc_id"]
    expected = [int(pid) for pid in selection.pids if expected_key(doc_ids[pid], by) in keys]
    assert got == expected


def test_pids_in_groups_finds_a_strict_subset(analysis, catalog):
    selection = select(analysis, Filters(), catalog)
    got = pids_in_groups(selection, catalog, "speaker", ["Jeanne Martin"])
    assert 0 < len(got) < len(selection.pids)
    assert set(analysis.paragraphs.loc[got, "doc_id"]) == {"fr-2001", "fr-1999"}


def test_years_are_compared_by_decade_when_there_are_more_than_can_be_drawn():
    from speechlens.grouping import comparison_grouping

    selection, catalog = _decades_fixture()
    assert comparison_grouping(selection, catalog, "year", most=8) == "decade"
    assert comparison_grouping(selection, catalog, "year", most=50) == "year"
    assert comparison_grouping(selection, catalog, "country", most=2) == "country"
    keys = group_keys(selection, catalog, "decade")
    assert group_order(keys, catalog, "decade") == ["1940s", "1950s", "1960s", "1970s", "1980s", "1990s",
                                                     "2000s", "2010s", "2020s"]


def _decades_fixture():
    import pandas as pd

    from speechlens.catalog import build_catalog
    from speechlens.filters import Filters, Selection
    from speechlens.model import DocumentMeta

    years = list(range(1946, 2025, 3))
    metas = [DocumentMeta(doc_id=f"d{year}", title="t", date=f"{year}-09-20") for year in years]
    catalog = build_catalog(metas)
    paragraphs = pd.DataFrame({"doc_id": [m.doc_id for m in metas], "counted_words": 10})
    return Selection(Filters(), paragraphs, pd.DataFrame(index=paragraphs.index), len(paragraphs)), catalog


@pytest.mark.parametrize(
    ("known_years", "undated", "grouping"),
    [(8, 0, "year"), (8, 1, "decade"), (9, 0, "decade"), (7, 3, "year")],
)
def test_the_decade_switch_counts_the_years_of_the_selection_an_unknown_year_as_one(known_years, undated, grouping):
    """As many groups as the comparison would draw: each year, and "Year not known" once."""
    import pandas as pd

    from speechlens.catalog import build_catalog
    from speechlens.filters import Filters, Selection
    from speechlens.grouping import comparison_grouping
    from speechlens.model import DocumentMeta

    metas = [DocumentMeta(doc_id=f"d{year}", title="t", date=f"{year}-09-20") for year in range(2000, 2000 + known_years)]
    metas += [DocumentMeta(doc_id=f"u{i}", title="t") for i in range(undated)]
    paragraphs = pd.DataFrame({"doc_id": [m.doc_id for m in metas for _ in range(2)], "counted_words": 10})
    selection = Selection(Filters(), paragraphs, pd.DataFrame(index=paragraphs.index), len(paragraphs))
    catalog = build_catalog(metas)
    assert comparison_grouping(selection, catalog, "year", most=8) == grouping
    # The same answer as counting the year groups of every paragraph.
    assert (group_keys(selection, catalog, "year").nunique() > 8) == (grouping == "decade")
