"""Comparing groups side by side: the top groups, "Other", theme profiles and sentiment spreads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from speechlens.analysis import analyze
from speechlens.compare import (
    OTHER_GROUP,
    GroupedSelection,
    POLARITY_COLUMNS,
    SUMMARY_COLUMNS,
    compare_groups,
    polarity_summary,
    top_groups,
)
from speechlens.corpus import load_default_lexicon
from speechlens.filters import Filters, Selection, select
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from tests.conftest import DATA_DIR

# Five speakers; the paragraphs get shorter from one speaker to the next, so
# the ranking by words is known: Ana > Ben > Cleo > Dev > Eve.
SPEECHES = {
    "ana": [
        "Cybercrime and ransomware threaten hospitals, banks and schools in every region of the world today.",
        "International cooperation between police forces is the only real answer to cybercrime.",
        "We are proud of the excellent work of our wonderful partners.",
        "Terrorism remains a terrible and dangerous threat to peace.",
    ],
    "ben": [
        "Migration across our borders needs humane and orderly rules for everyone.",
        "Human rights and the rule of law guide our border police.",
        "The situation is bad and getting worse.",
    ],
    "cleo": [
        "Peace and disarmament are our shared and happy goal.",
        "Cooperation with neighbours brings peace.",
    ],
    "dev": [
        "Terrorism is an awful and evil crime.",
        "Citizens trust their police.",
    ],
    "eve": [
        "Technology helps every citizen.",
    ],
}


@pytest.fixture(scope="module")
def corpus():
    documents = [
        parse_document("\n\n".join(paragraphs), DocumentMeta(doc_id=speaker, title=speaker, speaker=speaker))
        for speaker, paragraphs in SPEECHES.items()
    ]
    analysis = analyze(documents, load_default_lexicon(DATA_DIR))
    return analysis, select(analysis, Filters()), analysis.paragraphs["doc_id"].copy()


def pids_of(analysis, *doc_ids):
    return list(analysis.paragraphs.index[analysis.paragraphs["doc_id"].isin(doc_ids)])


def test_the_groups_are_ranked_by_words(corpus):
    _, selection, speakers = corpus
    words = selection.paragraphs.groupby(speakers)["counted_words"].sum().sort_values(ascending=False)
    assert list(words.index) == ["ana", "ben", "cleo", "dev", "eve"]


# ----------------------------------------------------------------------------- top groups and "Other"


@pytest.mark.parametrize(
    ("top", "rest", "groups", "folded", "note"),
    [
        (2, "other", ("ana", "ben", OTHER_GROUP), ("cleo", "dev", "eve"),
         "The 2 groups with most words; 3 smaller groups folded into “Other”."),
        (2, "drop", ("ana", "ben"), ("cleo", "dev", "eve"), "The 2 groups with most words; 3 smaller groups left out."),
        (4, "other", ("ana", "ben", "cleo", "dev", OTHER_GROUP), ("eve",),
         "The 4 groups with most words; 1 smaller group folded into “Other”."),
        (5, "other", ("ana", "ben", "cleo", "dev", "eve"), (), ""),
        (50, "drop", ("ana", "ben", "cleo", "dev", "eve"), (), ""),
    ],
)
def test_top_groups_fold_or_drop_the_rest_and_say_so(corpus, top, rest, groups, folded, note):
    _, selection, speakers = corpus
    grouped = top_groups(selection, speakers, top=top, rest=rest)
    assert grouped.groups == groups
    assert grouped.folded == folded
    assert grouped.rest == rest
    assert grouped.note == note


@pytest.mark.parametrize("rest", ["other", "drop"])
def test_every_shown_group_leads_back_to_exactly_its_paragraphs(corpus, rest):
    analysis, selection, speakers = corpus
    grouped = top_groups(selection, speakers, top=2, rest=rest)
    assert list(grouped.pids_of("ana")) == pids_of(analysis, "ana")
    assert list(grouped.pids_of("ben")) == pids_of(analysis, "ben")
    if rest == "other":
        assert list(grouped.pids_of(OTHER_GROUP)) == pids_of(analysis, "cleo", "dev", "eve")
        assert list(grouped.labels.index) == list(selection.pids)
    else:
        assert len(grouped.pids_of(OTHER_GROUP)) == 0
        assert list(grouped.labels.index) == pids_of(analysis, "ana", "ben")
    assert len(grouped.pids_of("nobody")) == 0


def test_the_order_asked_for_wins_and_other_comes_last(corpus):
    _, selection, speakers = corpus
    grouped = top_groups(selection, speakers, top=3, order=["cleo", "ben", "zed", "ana"])
    assert grouped.groups == ("cleo", "ben", "ana", OTHER_GROUP)


def test_a_real_group_called_other_is_not_merged_with_the_folded_ones(corpus):
    analysis, selection, speakers = corpus
    renamed = speakers.replace({"ana": OTHER_GROUP})
    grouped = top_groups(selection, renamed, top=2)
    assert grouped.groups == (OTHER_GROUP, "ben", "Other groups")
    assert list(grouped.pids_of(OTHER_GROUP)) == pids_of(analysis, "ana")
    assert "folded into “Other groups”" in grouped.note


def test_paragraphs_without_a_group_are_counted_in_the_note(corpus):
    _, selection, speakers = corpus
    grouped = top_groups(selection, speakers[speakers != "eve"], top=10)
    assert grouped.ungrouped == 1
    assert grouped.note == "1 paragraph without a group left out."


def test_ties_in_words_are_broken_by_label(corpus):
    _, selection, _ = corpus
    # Every paragraph its own group, all with the same words.
    flat = selection.paragraphs.assign(counted_words=10)
    same = Selection(selection.filters, flat, selection.mentions, selection.total_paragraphs)
    names = pd.Series([f"g{pid:02d}" for pid in flat.index], index=flat.index)
    grouped = top_groups(same, names, top=3, rest="drop")
    assert grouped.groups == tuple(sorted(names)[:3])


def test_an_unknown_policy_for_the_rest_is_refused(corpus):
    _, selection, speakers = corpus
    with pytest.raises(ValueError, match="rest must be one of"):
        top_groups(selection, speakers, rest="merge")


# ----------------------------------------------------------------------------- theme profile


def test_the_profile_has_every_theme_for_every_shown_group(corpus):
    analysis, selection, speakers = corpus
    comparison = compare_groups(analysis, selection, speakers, top=2)
    profile = comparison.profile
    assert list(dict.fromkeys(profile["group"])) == ["ana", "ben", OTHER_GROUP]
    for group in comparison.grouped.groups:
        assert list(profile.loc[profile["group"] == group, "theme"]) == list(analysis.theme_ids)


def test_other_pools_the_folded_groups_words_and_mentions(corpus):
    analysis, selection, speakers = corpus
    profile = compare_groups(analysis, selection, speakers, top=2).profile.set_index(["group", "theme"])
    folded = pids_of(analysis, "cleo", "dev", "eve")
    words = selection.paragraphs.loc[folded, "counted_words"].sum()
    for theme in ("peace-security", "terrorism", "cooperation", "technology"):
        mentions = selection.mentions.loc[folded, theme].sum()
        row = profile.loc[(OTHER_GROUP, theme)]
        assert row["mentions"] == mentions
        assert row["per_1000_words"] == pytest.approx(1000 * mentions / words)
        assert row["group_words"] == words and row["group_paragraphs"] == len(folded)


def test_the_profile_follows_the_filters(corpus):
    analysis, _, speakers = corpus
    terrorism = select(analysis, Filters(themes=("terrorism",)))
    comparison = compare_groups(analysis, terrorism, speakers, top=8)
    assert comparison.grouped.groups == ("ana", "dev")
    profile = comparison.profile.set_index(["group", "theme"])
    assert profile.loc[("dev", "terrorism"), "paragraphs"] == 1
    assert profile.loc[("dev", "terrorism"), "group_paragraphs"] == 1


# ----------------------------------------------------------------------------- sentiment spread


def test_polarity_values_are_one_row_per_shown_paragraph(corpus):
    analysis, selection, speakers = corpus
    comparison = compare_groups(analysis, selection, speakers, top=2, rest="drop")
    values = comparison.polarity
    assert list(values.columns) == POLARITY_COLUMNS
    assert list(values["pid"]) == pids_of(analysis, "ana", "ben")
    assert list(values["polarity"]) == list(analysis.paragraphs.loc[values["pid"], "polarity"])
    assert set(values["group"]) == {"ana", "ben"}


def test_the_summary_matches_numpy(corpus):
    analysis, selection, speakers = corpus
    comparison = compare_groups(analysis, selection, speakers, top=3)
    summary = comparison.summary.set_index("group")
    assert list(comparison.summary.columns) == SUMMARY_COLUMNS
    for group in comparison.grouped.groups:
        values = comparison.polarity.loc[comparison.polarity["group"] == group, "polarity"].to_numpy()
        row = summary.loc[group]
        assert row["paragraphs"] == len(values)
        assert row["mean"] == pytest.approx(values.mean())
        for column, q in (("median", 0.5), ("q1", 0.25), ("q3", 0.75), ("p05", 0.05), ("p95", 0.95),
                          ("min", 0.0), ("max", 1.0)):
            assert row[column] == pytest.approx(np.quantile(values, q)), (group, column)
        assert row["share_negative"] + row["share_neutral"] + row["share_positive"] == pytest.approx(1.0)
        assert row["share_negative"] == pytest.approx(np.mean(values < -1e-9))


def test_the_bad_news_speaker_reads_more_negative(corpus):
    analysis, selection, speakers = corpus
    summary = compare_groups(analysis, selection, speakers, top=5).summary.set_index("group")
    assert summary.loc["ben", "share_negative"] > 0
    assert summary.loc["ben", "median"] <= summary.loc["cleo", "median"]


def test_quantiles_of_many_groups_at_once():
    rng = np.random.default_rng(11)
    size = 20_000
    paragraphs = pd.DataFrame({"polarity": rng.uniform(-1, 1, size), "counted_words": 10},
                              index=pd.RangeIndex(size, name="pid"))
    selection = Selection(Filters(), paragraphs, pd.DataFrame(index=paragraphs.index), size)
    groups = pd.Series(rng.integers(0, 40, size), index=paragraphs.index)
    grouped = top_groups(selection, groups, top=40)
    summary = polarity_summary(selection, grouped).set_index("group")
    expected = paragraphs.groupby(groups)["polarity"].quantile(0.25)
    assert summary.loc[expected.index, "q1"].to_numpy() == pytest.approx(expected.to_numpy())


def test_an_empty_selection_compares_nothing(corpus):
    analysis, _, speakers = corpus
    empty = select(analysis, Filters(keyword="no paragraph says this"))
    comparison = compare_groups(analysis, empty, speakers)
    assert comparison.grouped.groups == ()
    assert comparison.profile.empty and comparison.polarity.empty and comparison.summary.empty
    assert comparison.grouped.note == ""


def test_large_counts_in_the_note_have_thousands_separators():
    grouped = GroupedSelection(labels=pd.Series(dtype=object), groups=("a", "b", OTHER_GROUP),
                               folded=tuple(f"d{i}" for i in range(10_872)), rest="other", ungrouped=1_234)
    assert "10,872 smaller groups" in grouped.note
    assert "1,234 paragraphs without a group" in grouped.note
