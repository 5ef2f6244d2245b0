"""Per-group aggregates: theme rates and mean sentiment per document or year, and the way back to paragraphs."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest

from speechlens.aggregates import (
    GROUP_SENTIMENT_COLUMNS,
    GROUP_THEME_COLUMNS,
    ordered_groups,
    pids_in_groups,
    sentiment_by_group,
    t_quantile_975,
    theme_rates_by_group,
)
from speechlens.analysis import Analysis, analyze
from speechlens.corpus import load_default_lexicon
from speechlens.filters import Filters, Selection, select, theme_frequencies
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.terms import build_term_index
from tests.conftest import DATA_DIR

# Four speeches in three years; 1990 has two.
SPEECHES = {
    ("a", 1990): [
        "Cybercrime is a terrible threat and cybercrime grows every year.",
        "We welcome international cooperation with our good neighbours.",
        "Terrorism is a horrible crime against innocent people.",
    ],
    ("b", 1990): [
        "Peace and disarmament are the wonderful goals of this assembly.",
        "Our cooperation on migration and borders is strong.",
    ],
    ("c", 1995): [
        "Human rights and the rule of law protect every citizen.",
    ],
    ("d", 2001): [
        "Terrorism struck our cities and terrorism must be defeated.",
        "The attacks were a sad and awful day for the whole world.",
        "We stand united in grief and resolve.",
        "Cooperation against terrorism is our duty.",
    ],
}


@pytest.fixture(scope="module")
def corpus():
    documents = [
        parse_document("\n\n".join(paragraphs), DocumentMeta(doc_id=doc_id, title=doc_id))
        for (doc_id, _), paragraphs in SPEECHES.items()
    ]
    analysis = analyze(documents, load_default_lexicon(DATA_DIR))
    years = {doc_id: year for doc_id, year in SPEECHES}
    return analysis, select(analysis, Filters()), analysis.paragraphs["doc_id"].map(years)


def sub_selection(selection: Selection, pids) -> Selection:
    """The same view restricted to some paragraphs, as if only they had been selected."""
    return Selection(
        filters=selection.filters,
        paragraphs=selection.paragraphs.loc[pids],
        mentions=selection.mentions.loc[pids],
        total_paragraphs=selection.total_paragraphs,
        word_counts_column=selection.word_counts_column,
    )


# ----------------------------------------------------------------------------- theme rates


def test_every_group_has_every_theme_in_lexicon_order(corpus):
    analysis, selection, years = corpus
    table = theme_rates_by_group(analysis, selection, years)
    assert list(table.columns) == GROUP_THEME_COLUMNS
    assert len(table) == 3 * len(analysis.theme_ids)
    for year in (1990, 1995, 2001):
        assert list(table.loc[table["group"] == year, "theme"]) == list(analysis.theme_ids)
    colors = analysis.lexicon.colors
    assert all(colors[t] == c for t, c in zip(table["theme"], table["color"], strict=True))


@pytest.mark.parametrize("year", [1990, 1995, 2001])
def test_a_groups_rates_match_the_theme_chart_of_that_group_alone(corpus, year):
    analysis, selection, years = corpus
    pids = selection.pids[(years.loc[selection.pids] == year).to_numpy()]
    alone = theme_frequencies(analysis, sub_selection(selection, pids)).set_index("theme")
    rows = theme_rates_by_group(analysis, selection, years).set_index(["group", "theme"]).loc[year]
    for theme in analysis.theme_ids:
        assert rows.loc[theme, "mentions"] == alone.loc[theme, "mentions"]
        assert rows.loc[theme, "paragraphs"] == alone.loc[theme, "paragraphs"]
        assert rows.loc[theme, "per_1000_words"] == pytest.approx(alone.loc[theme, "per_1000_words"])
    assert (rows["group_paragraphs"] == len(pids)).all()
    assert (rows["group_words"] == selection.paragraphs.loc[pids, "counted_words"].sum()).all()


def test_terrorism_is_counted_where_it_is_said(corpus):
    analysis, selection, years = corpus
    table = theme_rates_by_group(analysis, selection, years).set_index(["group", "theme"])
    assert table.loc[(2001, "terrorism"), "mentions"] == 3
    assert table.loc[(2001, "terrorism"), "paragraphs"] == 2
    assert table.loc[(1995, "terrorism"), "mentions"] == 0
    assert table.loc[(1995, "terrorism"), "per_1000_words"] == 0.0


def test_a_group_with_no_words_has_no_rate_rather_than_zero(corpus):
    analysis, selection, years = corpus
    paragraphs = selection.paragraphs.copy()
    paragraphs.loc[(years.loc[paragraphs.index] == 2001).to_numpy(), "counted_words"] = 0
    silent = Selection(selection.filters, paragraphs, selection.mentions, selection.total_paragraphs)
    table = theme_rates_by_group(analysis, silent, years).set_index(["group", "theme"])
    assert table.loc[2001, "per_1000_words"].isna().all()
    assert table.loc[(2001, "terrorism"), "mentions"] == 3  # the mentions are still there
    assert table.loc[1990, "per_1000_words"].notna().all()


@pytest.mark.parametrize(
    ("present", "order", "expected"),
    [
        ([2001, 1990, 1995], None, [1990, 1995, 2001]),
        ([2001, 1990, 1995], [2001, 1990], [2001, 1990, 1995]),
        ([1990, 2001], [1985, 1990, 1995, 2001], [1985, 1990, 1995, 2001]),
        (["b", 3, "a"], None, [3, "a", "b"]),  # mixed keys sort by their text
        ([], None, []),
    ],
)
def test_groups_come_in_the_order_asked_then_sorted(present, order, expected):
    assert ordered_groups(present, order) == expected


def test_a_year_with_no_paragraphs_keeps_its_row(corpus):
    analysis, selection, years = corpus
    order = list(range(1990, 2002))
    table = theme_rates_by_group(analysis, selection, years, order=order)
    assert list(dict.fromkeys(table["group"])) == order
    empty = table[table["group"] == 1993]
    assert (empty["group_paragraphs"] == 0).all() and empty["per_1000_words"].isna().all()
    sentiment = sentiment_by_group(analysis, selection, years, order=order).set_index("group")
    assert sentiment.loc[1993, "paragraphs"] == 0 and np.isnan(sentiment.loc[1993, "mean_polarity"])


def test_integer_keys_stay_integers_and_paragraphs_without_a_group_are_left_out(corpus):
    analysis, selection, years = corpus
    partial = years[years != 1995]  # doc c has no year
    table = theme_rates_by_group(analysis, selection, partial)
    assert list(dict.fromkeys(table["group"])) == [1990, 2001]
    assert list(dict.fromkeys(table["group_label"])) == ["1990", "2001"]
    assert all(isinstance(group, (int, np.integer)) for group in table["group"])


def test_an_empty_selection_gives_rows_only_for_the_groups_asked(corpus):
    analysis, _, years = corpus
    empty = select(analysis, Filters(keyword="no paragraph says this"))
    assert theme_rates_by_group(analysis, empty, years).empty
    table = theme_rates_by_group(analysis, empty, years, order=[1990])
    assert len(table) == len(analysis.theme_ids) and table["per_1000_words"].isna().all()
    assert sentiment_by_group(analysis, empty, years).empty


# ----------------------------------------------------------------------------- sentiment


def test_mean_polarity_and_interval_per_group(corpus):
    analysis, selection, years = corpus
    table = sentiment_by_group(analysis, selection, years).set_index("group")
    assert list(table.reset_index().columns) == GROUP_SENTIMENT_COLUMNS
    for year, t in ((1990, 2.7764), (2001, 3.1824)):  # n = 5 and 4: t(0.975) with 4 and 3 degrees of freedom
        values = selection.paragraphs.loc[(years.loc[selection.pids] == year).to_numpy(), "polarity"].tolist()
        mean = statistics.fmean(values)
        half = t * statistics.stdev(values) / len(values) ** 0.5
        row = table.loc[year]
        assert row["paragraphs"] == len(values)
        assert row["mean_polarity"] == pytest.approx(mean)
        assert (row["low"], row["high"]) == pytest.approx((mean - half, mean + half), abs=1e-4)
        assert row["share_negative"] == pytest.approx(sum(v < -1e-9 for v in values) / len(values))
        assert row["share_positive"] == pytest.approx(sum(v > 1e-9 for v in values) / len(values))


def test_a_single_paragraph_has_a_mean_but_no_interval(corpus):
    analysis, selection, years = corpus
    row = sentiment_by_group(analysis, selection, years).set_index("group").loc[1995]
    assert row["paragraphs"] == 1
    assert row["mean_polarity"] == pytest.approx(selection.paragraphs.loc[(years == 1995)[selection.pids].to_numpy(),
                                                                         "polarity"].iloc[0])
    assert np.isnan(row["low"]) and np.isnan(row["high"])


def test_each_group_is_coloured_by_its_most_mentioned_theme(corpus):
    analysis, selection, years = corpus
    table = sentiment_by_group(analysis, selection, years).set_index("group")
    assert table.loc[2001, "dominant_theme"] == "terrorism"
    assert table.loc[1995, "dominant_theme"] == "human-rights"
    nothing = select(analysis, Filters(keyword="grief"))  # a paragraph with no theme
    assert list(sentiment_by_group(analysis, nothing, years)["dominant_theme"]) == [""]


@pytest.mark.parametrize(
    ("degrees", "expected"),
    [(1, 12.706), (2, 4.303), (4, 2.776), (10, 2.228), (30, 2.042), (31, 2.040), (40, 2.021), (60, 2.000),
     (120, 1.980), (10_000, 1.960)],
)
def test_t_quantiles(degrees, expected):
    assert t_quantile_975(degrees)[0] == pytest.approx(expected, abs=1.5e-3)


# ----------------------------------------------------------------------------- back to the paragraphs


@pytest.mark.parametrize(
    ("keys", "doc_ids"),
    [([1990], {"a", "b"}), (["1990"], {"a", "b"}), ([2001, "1995"], {"c", "d"}), ([1980], set()), ([], set())],
)
def test_an_aggregate_leads_back_to_exactly_its_paragraphs(corpus, keys, doc_ids):
    analysis, selection, years = corpus
    pids = pids_in_groups(years, selection, keys)
    paragraphs = analysis.paragraphs
    expected = [p for p in selection.pids if paragraphs.loc[p, "doc_id"] in doc_ids]
    assert list(pids) == expected


def test_leading_back_stays_inside_the_selection(corpus):
    analysis, _, years = corpus
    terrorism = select(analysis, Filters(themes=("terrorism",)))
    pids = pids_in_groups(years, terrorism, [2001])
    assert set(pids) <= set(terrorism.pids)
    assert len(pids) == 2


def test_the_rows_a_chart_draws_lead_back_to_their_counts(corpus):
    analysis, selection, years = corpus
    for row in sentiment_by_group(analysis, selection, years).itertuples():
        assert len(pids_in_groups(years, selection, [row.group])) == row.paragraphs


def test_grouping_by_document(corpus):
    analysis, selection, _ = corpus
    by_document = analysis.paragraphs["doc_id"]
    table = sentiment_by_group(analysis, selection, by_document, order=["d", "c", "b", "a"])
    assert list(table["group"]) == ["d", "c", "b", "a"]
    assert list(table["paragraphs"]) == [4, 1, 2, 3]
    assert list(pids_in_groups(by_document, selection, ["c"])) == list(
        analysis.paragraphs.index[analysis.paragraphs["doc_id"] == "c"]
    )


def test_large_selections_are_summed_without_loops():
    """A smoke test of scale: 50,000 paragraphs in 500 groups, checked against pandas."""
    rng = np.random.default_rng(3)
    size = 50_000
    paragraphs = pd.DataFrame({
        "counted_words": rng.integers(1, 200, size), "polarity": rng.uniform(-1, 1, size),
    }, index=pd.RangeIndex(size, name="pid"))
    lexicon = load_default_lexicon(DATA_DIR)
    mentions = pd.DataFrame(rng.poisson(0.2, (size, len(lexicon.ids))), index=paragraphs.index,
                            columns=list(lexicon.ids))
    selection = Selection(Filters(), paragraphs, mentions, size)

    analysis = Analysis(documents={}, lexicon=lexicon, paragraphs=paragraphs, sentences=pd.DataFrame(),
                        matches=pd.DataFrame(), terms=build_term_index([]))
    grouping = pd.Series(rng.integers(0, 500, size), index=paragraphs.index)
    table = theme_rates_by_group(analysis, selection, grouping).set_index(["group", "theme"])
    words = paragraphs.groupby(grouping)["counted_words"].sum()
    counts = mentions.groupby(grouping).sum()
    expected = 1000 * counts["cooperation"] / words
    assert table.xs("cooperation", level="theme")["per_1000_words"].to_numpy() == pytest.approx(expected.to_numpy())
    means = sentiment_by_group(analysis, selection, grouping).set_index("group")["mean_polarity"]
    assert means.to_numpy() == pytest.approx(paragraphs.groupby(grouping)["polarity"].mean().to_numpy())
