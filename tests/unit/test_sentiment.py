"""Sentiment scores are TextBlob's own, with the words that drove them."""

import pytest
from textblob import TextBlob

from speechlens.sentiment import describe_drivers, format_polarity, score_text, stored_drivers

SENTENCES = [
    "The organization plays a crucial role in facilitating international security cooperation.",
    "Cybercrime has become one of the most aggressive threats to States and their stability.",
    "It is encouraging that this General Assembly is addressing new security challenges.",
    "This is not a good outcome.",
    "Crime and terrorism recognize no borders.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_scores_equal_textblob(text):
    score = score_text(text)
    expected = TextBlob(text).sentiment
    assert score.polarity == pytest.approx(expected.polarity)
    assert score.subjectivity == pytest.approx(expected.subjectivity)


def test_drivers_name_the_words_that_moved_the_score():
    score = score_text("This is not a good outcome.")
    assert [d.phrase for d in score.drivers] == ["not good"]
    assert score.drivers[0].polarity < 0


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_neutral(text):
    score = score_text(text)
    assert (score.polarity, score.subjectivity, score.drivers) == (0.0, 0.0, ())


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.25, "+0.25"), (-0.1, "\u22120.10"), (0.0, "0.00"), (0.004, "0.00"), (-1.0, "\u22121.00")],
)
def test_format_polarity(value, shown):
    assert format_polarity(value) == shown


def test_describe_drivers_lists_strongest_first_once_each():
    score = score_text("A good and serious step, a good moment.")
    assert [d.phrase for d in score.drivers].count("good") == 2
    assert describe_drivers(score.drivers) == "good (+0.70), serious (\u22120.33)"


def test_describe_drivers_leaves_out_words_with_no_polarity():
    score = score_text("He added that this orientation is based on the high instructions of the other only one.")
    assert any(abs(d.polarity) < 0.005 for d in score.drivers)
    text = describe_drivers(score.drivers)
    assert "0.00" not in text
    assert "high" in text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ([{"phrase": "very good", "polarity": 0.91}, {"phrase": "serious", "polarity": -0.33}],
         [("very good", 0.91), ("serious", -0.33)]),  # as a stored corpus gives them
        ((("crucial", 0.4),), [("crucial", 0.4)]),  # as pairs
        ([], []),
        (None, []),  # a paragraph with no cell
    ],
)
def test_stored_drivers_read_back_as_the_words_behind_a_score(cell, expected):
    assert [(d.phrase, d.polarity) for d in stored_drivers(cell)] == expected
