"""The corpus catalogue: one row per document, the values the corpus filters offer, and what they keep."""

from __future__ import annotations

import pandas as pd
import pytest

from speechlens.catalog import (
    LABEL_LIMIT,
    CorpusChoices,
    build_catalog,
    document_choices,
    corpus_choices,
    distinct_values,
    document_year,
    matching_documents,
    year_bounds,
)
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document

# A small corpus of our own, shared by the corpus tests (filters, grouping, focus, captions):
# two countries share a speaker, one speech knows only its year, one knows neither date nor year.
SPEECHES = (
    (
        DocumentMeta("fr-2001", "Address on terrorism", speaker="Jeanne Martin", country="France", date="2001-09-20"),
        "Terrorism threatens every nation and we will answer with cooperation.\n\n"
        "Our police forces share information with partners across Europe.\n",
    ),
    (
        DocumentMeta("br-2010", "Cybercrime and the digital economy", speaker="Paulo Souza", country="Brazil",
                     date="2010-05-03"),
        "Cybercrime costs our economy billions every year.\n\n"
        "Ransomware gangs attack hospitals and schools.\n\n"
        "We invest in digital forensics and training.\n",
    ),
    (
        DocumentMeta("ke-2020", "Borders and migration", speaker="Amina Odhiambo", country="Kenya", date="2020-11-02"),
        "Our borders are long and our neighbours are friends.\n\n"
        "Migration must be safe, orderly and humane.\n\n"
        "Trafficking networks exploit the most vulnerable people.\n\n"
        "We thank our partners for their support and cooperation.\n",
    ),
    (
        DocumentMeta("fr-1999", "Remarks on organized crime", speaker="Jeanne Martin", country="France"),
        "Organized crime corrupts institutions and ruins lives.\n\n"
        "We will seize the assets of criminal networks.\n\n"
        "Judges and police must work hand in hand against terrorism.\n\n"
        "No country can win this fight alone.\n\n"
        "I thank you.\n",
    ),
    (
        DocumentMeta("note", "An undated note"),
        "A short note on cooperation between agencies, with no speaker, country or date.\n",
    ),
)
EXTRAS = {"fr-1999": {"year": "1999", "session": "54"}}
METAS = tuple(meta for meta, _ in SPEECHES)
BY_ID = {meta.doc_id: meta for meta in METAS}


def speech_documents():
    return [parse_document(text, meta) for meta, text in SPEECHES]


def expected_year(meta: DocumentMeta) -> int | None:
    if meta.date:
        return int(meta.date[:4])
    year = EXTRAS.get(meta.doc_id, {}).get("year")
    return int(year) if year else None


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return build_catalog(METAS, EXTRAS)


# ----------------------------------------------------------------------------- build_catalog


def test_one_row_per_document_in_the_order_given(catalog):
    assert list(catalog.index) == [meta.doc_id for meta in METAS]
    assert catalog.index.name == "doc_id"
    for meta in METAS:
        row = catalog.loc[meta.doc_id]
        for column in ("title", "speaker", "post", "country", "event", "date", "language"):
            assert row[column] == getattr(meta, column), (meta.doc_id, column)


def test_year_comes_from_the_date_else_from_the_extra_metadata(catalog):
    assert catalog["year"].dtype == "Int64"
    for meta in METAS:
        year = catalog.loc[meta.doc_id, "year"]
        if expected_year(meta) is None:
            assert pd.isna(year), meta.doc_id
        else:
            assert int(year) == expected_year(meta), meta.doc_id


def test_without_extras_a_year_only_speech_is_undated():
    catalog = build_catalog(METAS)
    assert pd.isna(catalog.loc["fr-1999", "year"])
    assert int(catalog.loc["fr-2001", "year"]) == 2001


@pytest.mark.parametrize(
    ("date", "extra", "year"),
    [
        ("2001-09-20", None, 2001),
        ("", {"year": "1999"}, 1999),
        ("2001-09-20", {"year": "1999"}, 2001),  # the date wins
        ("", {"year": " 1999 "}, 1999),
        ("", {"year": "99"}, None),
        ("", {"year": "nineteen"}, None),
        ("", {"year": ""}, None),
        ("", {"session": "54"}, None),
        ("", None, None),
    ],
)
def test_document_year(date, extra, year):
    assert document_year(DocumentMeta("d", "T", date=date), extra) == year


@pytest.mark.parametrize(
    ("meta", "extra", "label"),
    [
        (DocumentMeta("d", "Title", speaker="Jane Doe", country="Chile", date="2004-01-02"), None,
         "Chile · 2004 · Jane Doe"),
        (DocumentMeta("d", "Title", country="Chile"), {"year": "1988"}, "Chile · 1988"),
        (DocumentMeta("d", "Title", speaker="Jane Doe"), None, "Jane Doe"),
        (DocumentMeta("d", "Title", country="Chile"), None, "Chile"),
        (DocumentMeta("d", "Title", date="2004-01-02"), None, "Title"),  # a year alone names nothing
        (DocumentMeta("d", "Title"), None, "Title"),
        (DocumentMeta("just-an-id", ""), None, "just-an-id"),
        (DocumentMeta("d", "A  title\nwrapped   over lines"), None, "A title wrapped over lines"),
    ],
    ids=["country-year-speaker", "year-from-extra", "speaker", "country", "only-date", "title", "doc-id", "spaces"],
)
def test_label_names_a_document_readably(meta, extra, label):
    catalog = build_catalog([meta], {meta.doc_id: extra} if extra else None)
    assert catalog.loc[meta.doc_id, "label"] == label


def test_a_long_label_is_shortened_with_an_ellipsis():
    title = "A very long title about security " * 10
    label = build_catalog([DocumentMeta("d", title)]).loc["d", "label"]
    assert len(label) <= LABEL_LIMIT
    assert label.endswith("…")
    assert " ".join(title.split()).startswith(label[:-1])


def test_labels_that_collide_get_their_doc_id():
    metas = [
        DocumentMeta("a", "One", speaker="Jane Doe", country="Chile", date="2004-01-02"),
        DocumentMeta("b", "Two", speaker="Jane Doe", country="Chile", date="2004-06-30"),
        DocumentMeta("c", "Three", speaker="Jane Doe", country="Chile", date="2005-01-01"),
        DocumentMeta("d", "Same title"),
        DocumentMeta("e", "Same title"),
    ]
    labels = build_catalog(metas)["label"]
    assert labels["a"] == "Chile · 2004 · Jane Doe (a)"
    assert labels["b"] == "Chile · 2004 · Jane Doe (b)"
    assert labels["c"] == "Chile · 2005 · Jane Doe"  # unique: left alone
    assert labels["d"] == "Same title (d)"
    assert labels["e"] == "Same title (e)"
    assert labels.is_unique


def test_the_shared_corpus_has_unique_labels(catalog):
    assert catalog["label"].is_unique
    assert catalog.loc["fr-1999", "label"] == "France · 1999 · Jeanne Martin"


def test_an_empty_catalogue():
    catalog = build_catalog([])
    assert catalog.empty
    assert year_bounds(catalog) is None
    assert distinct_values(catalog, "speaker") == []
    assert corpus_choices(catalog) == CorpusChoices()


# ----------------------------------------------------------------------------- bounds and values


@pytest.mark.parametrize(
    ("dates", "bounds"),
    [
        (["2001-01-01", "1999-05-05", "2020-12-31"], (1999, 2020)),
        (["2001-01-01", ""], (2001, 2001)),
        (["", ""], None),
    ],
)
def test_year_bounds(dates, bounds):
    metas = [DocumentMeta(f"d{i}", "T", date=date) for i, date in enumerate(dates)]
    assert year_bounds(build_catalog(metas)) == bounds


def test_year_bounds_of_the_shared_corpus_count_the_year_from_extras(catalog):
    years = [expected_year(meta) for meta in METAS if expected_year(meta) is not None]
    assert year_bounds(catalog) == (min(years), max(years))


def test_distinct_values_are_sorted_ignoring_case_without_blanks():
    metas = [
        DocumentMeta("a", "T", speaker="bob Stone"),
        DocumentMeta("b", "T", speaker="Alice"),
        DocumentMeta("c", "T", speaker=""),
        DocumentMeta("d", "T", speaker="Alice"),
        DocumentMeta("e", "T", speaker="Carol"),
    ]
    assert distinct_values(build_catalog(metas), "speaker") == ["Alice", "bob Stone", "Carol"]


def test_corpus_choices(catalog):
    choices = corpus_choices(catalog)
    assert choices.documents == {meta.doc_id for meta in METAS}
    assert choices.speakers == {meta.speaker for meta in METAS if meta.speaker}
    assert choices.countries == {meta.country for meta in METAS if meta.country}
    assert choices.years == year_bounds(catalog)


# ----------------------------------------------------------------------------- matching_documents


def expected_matches(documents=(), speakers=(), countries=(), years=None) -> list[str]:
    kept = []
    for meta in METAS:
        year = expected_year(meta)
        if documents and meta.doc_id not in documents:
            continue
        if speakers and meta.speaker not in speakers:
            continue
        if countries and meta.country not in countries:
            continue
        if years and (year is None or not years[0] <= year <= years[1]):
            continue
        kept.append(meta.doc_id)
    return kept


MATCH_CASES = [
    {"documents": ("br-2010",)},
    {"documents": ("ke-2020", "fr-2001")},
    {"speakers": ("Jeanne Martin",)},
    {"speakers": ("Paulo Souza", "Amina Odhiambo")},
    {"countries": ("France",)},
    {"countries": ("France", "Kenya")},
    {"years": (1999, 2001)},
    {"years": (2002, 2019)},
    {"years": (2010, 2010)},
    {"years": (1999, 2020)},  # the whole span still leaves out the undated note
    {"countries": ("France",), "years": (2000, 2020)},
    {"speakers": ("Jeanne Martin",), "documents": ("fr-1999", "br-2010")},
    {"countries": ("Atlantis",)},
    {"documents": ("no-such-doc",)},
]


@pytest.mark.parametrize("given", MATCH_CASES, ids=lambda case: "+".join(f"{k}={v}" for k, v in case.items()))
def test_matching_documents(catalog, given):
    got = matching_documents(catalog, **given)
    assert list(got) == expected_matches(**given)


def test_the_match_table_is_not_vacuous(catalog):
    sizes = {len(matching_documents(catalog, **given)) for given in MATCH_CASES}
    assert 0 in sizes and len(METAS) - 1 in sizes and len(sizes) >= 4


@pytest.mark.parametrize("given", [{}, {"documents": (), "speakers": [], "countries": (), "years": None}])
def test_no_corpus_filter_means_no_restriction(catalog, given):
    assert matching_documents(catalog, **given) is None


def test_undated_documents_pass_when_no_year_range_is_set(catalog):
    kept = matching_documents(catalog, documents=("note", "fr-1999"))
    assert list(kept) == ["fr-1999", "note"]
    assert list(matching_documents(catalog, documents=("note",), years=(1900, 2100))) == []


# ----------------------------------------------------------------------------- the Documents filter's list

ALL_IDS = [meta.doc_id for meta in METAS]


@pytest.mark.parametrize(
    ("chosen", "narrowing", "most", "options", "matching", "listed", "typed"),
    [
        pytest.param((), {}, 10, ALL_IDS, 5, True, False, id="a small corpus is listed whole"),
        pytest.param((), {"countries": ["France"]}, 10, ["fr-2001", "fr-1999"], 2, True, False,
                     id="the other filters narrow the list"),
        pytest.param(("ke-2020",), {"countries": ["France"]}, 10, ["fr-2001", "fr-1999", "ke-2020"], 2, True, False,
                     id="a choice the others leave out stays offered"),
        pytest.param((), {}, 3, [], 5, False, True, id="too many to list: none"),
        pytest.param(("br-2010", "fr-2001"), {}, 3, ["br-2010", "fr-2001"], 5, False, True,
                     id="too many to list: the chosen ones, in the order chosen"),
        pytest.param((), {"years": (2000, 2020)}, 3, ["fr-2001", "br-2010", "ke-2020"], 3, True, True,
                     id="narrowed within reach of a large corpus"),
        pytest.param(("no-such-doc", "note"), {"countries": ["Kenya"]}, 10, ["ke-2020", "note"], 1, True, False,
                     id="unknown ids are not offered"),
    ],
)
def test_document_choices(catalog, chosen, narrowing, most, options, matching, listed, typed):
    offer = document_choices(catalog, chosen, most=most, **narrowing)
    assert offer.options == options
    assert (offer.matching, offer.listed, offer.typed, offer.most) == (matching, listed, typed, most)

