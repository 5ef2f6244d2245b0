"""Links: query parameters to Filters and back, with a notice for anything ignored."""

import pytest

from speechlens.filters import Filters
from speechlens.urlstate import filters_to_query, parse_query, query_string

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
