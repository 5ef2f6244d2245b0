"""Links: query parameters to Filters and back, with a notice for anything ignored."""

from urllib.parse import parse_qs, urlsplit

import pytest

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
