"""summarize(): the headline numbers of a view."""

from __future__ import annotations

import re
from statistics import fmean

import pytest
from textblob import TextBlob

from speechlens.filters import OPENING_SECTION, Filters, select
from speechlens.summary import summarize

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

FILTER_STATES = [
    Filters(),
    Filters(voice="speaker"),
    Filters(voice="narration"),
    Filters(themes=("cooperation",)),
    Filters(themes=("cybercrime", "technology"), theme_mode="all"),
    Filters(section=OPENING_SECTION),
    Filters(section="Cybercrime as a major issue"),
    Filters(include_posts=True),
    Filters(include_repeats=True),
    Filters(polarity=(0.1, 1.0), keyword="security"),
]


def content_paragraphs(analysis, filters):
    paragraphs = analysis.paragraphs
    kinds = {"body", "post"} if filters.include_posts else {"body"}
    return paragraphs[paragraphs["kind"].isin(kinds)]


def counted_words(analysis, pid, include_repeats) -> int:
    sentences = analysis.sentences
    mine = sentences[sentences["pid"] == pid]
    if not include_repeats:
        mine = mine[~mine["repeated"]]
    return sum(len(WORD.findall(text)) for text in mine["text"])


def expected_dominant(analysis, pids, include_repeats):
    matches = analysis.matches[analysis.matches["pid"].isin(pids)]
    if not include_repeats:
        matches = matches[~matches["repeated"]]
    counts = matches["theme"].value_counts()
    if counts.empty:
        return None
    best = counts.max()
    return next(t for t in analysis.theme_ids if counts.get(t, 0) == best)


@pytest.mark.parametrize("filters", FILTER_STATES)
def test_summary(seed_analysis, filters):
    selection = select(seed_analysis, filters)
    summary = summarize(seed_analysis, selection)
    texts = selection.with_text()["text"].tolist()
    assert texts, "every state in the table shows something"

    assert summary.shown == len(texts)
    assert summary.total == len(content_paragraphs(seed_analysis, filters))
    assert summary.shown <= summary.total
    assert summary.words == sum(counted_words(seed_analysis, p, filters.include_repeats) for p in selection.pids)
    assert summary.mean_polarity == pytest.approx(fmean(TextBlob(t).sentiment.polarity for t in texts))
    dominant = expected_dominant(seed_analysis, selection.pids, filters.include_repeats)
    assert summary.dominant_theme == dominant
    assert summary.dominant_theme_label == (seed_analysis.lexicon.labels[dominant] if dominant else None)


def test_default_summary_covers_every_body_paragraph(seed_analysis):
    summary = summarize(seed_analysis, select(seed_analysis, Filters()))
    assert summary.shown == summary.total
    assert summary.dominant_theme is not None


def test_counting_repeats_adds_the_repeated_sentence_words(seed_analysis):
    plain = summarize(seed_analysis, select(seed_analysis, Filters()))
    counted = summarize(seed_analysis, select(seed_analysis, Filters(include_repeats=True)))
    repeated = seed_analysis.sentences[seed_analysis.sentences["repeated"]]["text"]
    assert counted.words - plain.words == sum(len(WORD.findall(t)) for t in repeated) > 0


@pytest.mark.parametrize(
    "filters",
    [Filters(keyword="zzz-nothing"), Filters(themes=("cybercrime", "gender"), theme_mode="all"),
     Filters(section="No such section"), Filters(polarity=(0.9, 1.0))],
)
def test_empty_selection(seed_analysis, filters):
    summary = summarize(seed_analysis, select(seed_analysis, filters))
    assert summary.shown == 0
    assert summary.total == len(content_paragraphs(seed_analysis, filters))
    assert summary.words == 0
    assert summary.mean_polarity is None
    assert summary.dominant_theme is None
    assert summary.dominant_theme_label is None


def test_paragraphs_without_themes_have_no_dominant_theme(seed_analysis):
    first_words = "From the very first minutes of the inaugural session"
    selection = select(seed_analysis, Filters(keyword=first_words))
    assert len(selection.paragraphs) == 1
    summary = summarize(seed_analysis, selection)
    assert summary.dominant_theme is None and summary.dominant_theme_label is None
    assert summary.mean_polarity == pytest.approx(TextBlob(selection.with_text()["text"].iloc[0]).sentiment.polarity)
