"""Links: query parameters to Filters and back, with a notice for anything ignored."""

from urllib.parse import parse_qs, urlsplit

import pytest

from speechlens.catalog import CorpusChoices
from speechlens.filters import Filters
from speechlens.urlstate import filters_to_query, parse_query, query_string, view_link

THEMES = ("organized-crime", "terrorism", "cybercrime")
SECTIONS = ("Opening", "Cybercrime as a major issue")


def parse(raw):
    return parse_query(raw, theme_ids=THEMES, sections=SECTIONS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({}, Filters()),
        ({"theme": ["cybercrime"]}, Filters(themes=("cybercrime",))),
        ({"theme": ["cybercrime", "terrorism"], "match": ["all"]},
         Filters(themes=("cybercrime", "terrorism"), theme_mode="all")),
        ({"theme": ["terrorism", "terrorism"]}, Filters(themes=("terrorism",))),
        ({"voice": ["speaker"]}, Filters(voice="speaker")),
        ({"voice": ["narration"]}, Filters(voice="narration")),
        ({"polarity": ["-0.5", "0.25"]}, Filters(polarity=(-0.5, 0.25))),
        ({"q": ["Interpol"]}, Filters(keyword="Interpol")),
        ({"section": ["Cybercrime as a major issue"]}, Filters(section="Cybercrime as a major issue")),
        ({"posts": ["true"], "repeats": ["TRUE"]}, Filters(include_posts=True, include_repeats=True)),
        ({"embed": ["true"]}, Filters()),
        ({"measure": ["rate"]}, Filters()),
    ],
)
def test_valid_links_give_their_filters_without_notices(raw, expected):
    filters, notices = parse(raw)
    assert filters == expected
    assert notices == []


@pytest.mark.parametrize(
    ("raw", "expected", "notice_fragment"),
    [
        ({"theme": ["cybercrime", "nonsense"]}, Filters(themes=("cybercrime",)), "nonsense"),
        ({"theme": ["<script>alert(1)</script>"]}, Filters(), "theme"),
        ({"match": ["most"]}, Filters(), "match=most"),
        ({"voice": ["everyone"]}, Filters(), "voice=everyone"),
        ({"polarity": ["abc", "1"]}, Filters(), "polarity"),
        ({"polarity": ["0.5"]}, Filters(), "polarity"),
        ({"polarity": ["0.5", "-0.5"]}, Filters(), "lowest first"),
        ({"polarity": ["-3", "0"]}, Filters(), "polarity"),
        ({"polarity": ["nan", "nan"]}, Filters(), "polarity"),
        ({"section": ["No such section"]}, Filters(), "No such section"),
        ({"posts": ["maybe"]}, Filters(), "posts=maybe"),
        ({"measure": ["volume"]}, Filters(), "measure=volume"),
        ({"q": ["x" * 500]}, Filters(), "longer than"),
        ({"utm_source": ["mail"]}, Filters(), "utm_source"),
        ({"voice": ["speaker", "narration"]}, Filters(voice="narration"), "2 times"),
    ],
)
def test_bad_values_are_ignored_with_a_notice(raw, expected, notice_fragment):
    filters, notices = parse(raw)
    assert filters == expected
    assert any(notice_fragment in notice for notice in notices), notices


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(themes=("cybercrime", "terrorism"), theme_mode="all"),
        Filters(voice="speaker", polarity=(-0.25, 0.5), keyword="Interpol & co"),
        Filters(section="Opening", include_posts=True, include_repeats=True),
    ],
)
def test_filters_survive_a_round_trip_through_the_query(filters):
    raw: dict[str, list[str]] = {}
    for name, value in filters_to_query(filters):
        raw.setdefault(name, []).append(value)
    assert parse(raw) == (filters, [])


def test_default_filters_make_an_empty_query():
    assert query_string(Filters()) == ""
    assert query_string(Filters(themes=("cybercrime",), voice="speaker")) == "theme=cybercrime&voice=speaker"


@pytest.mark.parametrize(
    ("linked", "current", "warned"),
    [("ab12cd34", "ab12cd34", False), ("ab12cd34", "ffff0000", True), (None, "ffff0000", False)],
)
def test_a_link_made_on_other_data_says_so(linked, current, warned):
    raw = {"theme": ["cybercrime"]} | ({"fp": [linked]} if linked else {})
    filters, notices = parse_query(raw, theme_ids=THEMES, sections=SECTIONS, fingerprint=current)
    assert filters == Filters(themes=("cybercrime",))
    assert any("different data" in notice for notice in notices) == warned


@pytest.mark.parametrize(
    ("base", "filters", "options", "expected"),
    [
        ("http://127.0.0.1:8501/", Filters(), {}, "http://127.0.0.1:8501/"),
        ("http://127.0.0.1:8501/", Filters(themes=("cybercrime",)), {"fingerprint": "ab12cd34"},
         "http://127.0.0.1:8501/?theme=cybercrime&fp=ab12cd34"),
        ("http://h/app?old=1", Filters(voice="speaker"), {"measure": "rate", "present": True},
         "http://h/app?voice=speaker&measure=rate&present=true"),
        (None, Filters(keyword="a&b c"), {}, "?q=a%26b+c"),
        ("http://127.0.0.1:8501", Filters(voice="narration"), {}, "http://127.0.0.1:8501/?voice=narration"),
    ],
)
def test_view_link_carries_the_whole_view(base, filters, options, expected):
    assert view_link(base, filters, **options) == expected


def test_a_view_link_parses_back_to_its_filters_without_notices():
    filters = Filters(themes=("cybercrime", "terrorism"), theme_mode="all", voice="speaker", keyword="Interpol")
    link = view_link("http://127.0.0.1:8501/", filters, measure="rate", present=True, fingerprint="ab12cd34")
    raw = parse_qs(urlsplit(link).query)
    assert parse_query(raw, theme_ids=THEMES, sections=SECTIONS, fingerprint="ab12cd34") == (filters, [])


# ----------------------------------------------------------------------------- corpus parameters


CORPUS = CorpusChoices(
    documents=frozenset({"fr-2001", "br-2010", "ke-2020", "fr-1999"}),
    speakers=frozenset({"Jeanne Martin", "Paulo Souza", "Amina Odhiambo"}),
    countries=frozenset({"France", "Brazil", "Kenya"}),
    years=(1999, 2020),
)


def parse_corpus(raw, corpus=CORPUS):
    return parse_query(raw, theme_ids=THEMES, sections=SECTIONS, corpus=corpus)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"doc": ["br-2010"]}, Filters(documents=("br-2010",))),
        ({"doc": ["ke-2020", "fr-2001", "ke-2020"]}, Filters(documents=("ke-2020", "fr-2001"))),
        ({"speaker": ["Jeanne Martin"]}, Filters(speakers=("Jeanne Martin",))),
        ({"country": ["France", "Kenya"]}, Filters(countries=("France", "Kenya"))),
        ({"year": ["2000", "2010"]}, Filters(years=(2000, 2010))),
        ({"year": ["2005", "2005"]}, Filters(years=(2005, 2005))),
        ({"year": ["1999", "2020"]}, Filters()),  # the whole span is no filter
        ({"compare": ["country"]}, Filters()),
        ({"country": ["Brazil"], "theme": ["cybercrime"], "voice": ["speaker"]},
         Filters(countries=("Brazil",), themes=("cybercrime",), voice="speaker")),
    ],
)
def test_valid_corpus_links_give_their_filters_without_notices(raw, expected):
    assert parse_corpus(raw) == (expected, [])


@pytest.mark.parametrize(
    ("raw", "expected", "fragments"),
    [
        ({"doc": ["nope"]}, Filters(), ["document", "“nope”"]),
        ({"doc": ["br-2010", "nope"]}, Filters(documents=("br-2010",)), ["“nope”"]),
        ({"speaker": ["Nobody"]}, Filters(), ["speaker", "“Nobody”"]),
        ({"country": ["Atlantis", "France"]}, Filters(countries=("France",)), ["country", "“Atlantis”"]),
        ({"country": ["france"]}, Filters(), ["“france”"]),  # names are exact
        ({"country": ["<script>alert(1)</script>"]}, Filters(), ["country"]),
        ({"year": ["2020", "1999"]}, Filters(), ["year", "earliest first", "1999", "2020"]),
        ({"year": ["2005"]}, Filters(), ["year", "“2005”"]),
        ({"year": ["2000", "2005", "2010"]}, Filters(), ["year"]),
        ({"year": ["1800", "1900"]}, Filters(), ["year", "between 1999 and 2020"]),
        ({"year": ["1998", "2005"]}, Filters(), ["year"]),
        ({"year": ["abc", "2000"]}, Filters(), ["“abc”"]),
        ({"year": ["2000.5", "2010"]}, Filters(), ["year"]),
        ({"compare": ["party"]}, Filters(), ["compare=party"]),
    ],
)
def test_bad_corpus_values_are_ignored_with_a_notice(raw, expected, fragments):
    filters, notices = parse_corpus(raw)
    assert filters == expected
    assert len(notices) == 1, notices
    for fragment in fragments:
        assert fragment in notices[0], (fragment, notices)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"doc": ["br-2010"]}, "“br-2010”"),
        ({"country": ["France"]}, "“France”"),
        ({"year": ["2000", "2010"]}, "no dated documents"),
    ],
)
def test_without_corpus_choices_nothing_can_be_named(raw, fragment):
    filters, notices = parse(raw)
    assert filters == Filters()
    assert any(fragment in notice for notice in notices), notices


def test_a_year_range_in_a_corpus_without_dates_says_so():
    filters, notices = parse_corpus({"year": ["2000", "2010"]}, CorpusChoices(documents=frozenset({"a"})))
    assert filters == Filters()
    assert "no dated documents" in notices[0]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(documents=("br-2010", "fr-1999")),
        Filters(speakers=("Jeanne Martin", "Paulo Souza")),
        Filters(countries=("Kenya",)),
        Filters(years=(2001, 2010)),
        Filters(years=(2005, 2005)),
        Filters(documents=("ke-2020",), countries=("Kenya",), speakers=("Amina Odhiambo",), years=(2020, 2020),
                themes=("cybercrime",), keyword="borders"),
    ],
)
def test_corpus_filters_survive_a_round_trip_through_the_query(filters):
    raw: dict[str, list[str]] = {}
    for name, value in filters_to_query(filters):
        raw.setdefault(name, []).append(value)
    assert parse_corpus(raw) == (filters, [])


@pytest.mark.parametrize(
    ("filters", "query"),
    [
        (Filters(documents=("br-2010",)), "doc=br-2010"),
        (Filters(speakers=("Jeanne Martin",)), "speaker=Jeanne+Martin"),
        (Filters(countries=("France", "Kenya")), "country=France&country=Kenya"),
        (Filters(years=(1999, 2001)), "year=1999&year=2001"),
    ],
)
def test_corpus_filters_in_the_query_string(filters, query):
    assert query_string(filters) == query


@pytest.mark.parametrize(("compare", "in_link"), [("document", False), ("speaker", True), ("year", True)])
def test_view_link_carries_the_comparison_when_not_the_default(compare, in_link):
    link = view_link("http://h/", Filters(countries=("France",)), compare=compare)
    assert ("compare=" + compare in link) is in_link
    assert "country=France" in link


def test_a_corpus_view_link_parses_back_without_notices():
    filters = Filters(documents=("fr-2001", "fr-1999"), speakers=("Jeanne Martin",), countries=("France",),
                      years=(1999, 2005), voice="speaker")
    link = view_link("http://127.0.0.1:8501/", filters, compare="year", fingerprint="ab12cd34")
    raw = parse_qs(urlsplit(link).query)
    assert raw["compare"] == ["year"]
    assert parse_query(raw, theme_ids=THEMES, sections=SECTIONS, fingerprint="ab12cd34", corpus=CORPUS) == (filters, [])
