"""Per-group aggregates for views of many documents, where per-paragraph charts get unreadable.

A grouping is a pandas Series mapping pid -> group key (a doc_id, a year, a
country...). Each row of these tables carries its group key, so a click on
it leads back to its paragraphs with :func:`pids_in_groups`. Everything is
one pass of ``np.bincount`` over the selection, whatever its size.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from speechlens.analysis import Analysis
from speechlens.filters import POLARITY_TOLERANCE, Selection

GROUP_THEME_COLUMNS = [
    "group", "group_label", "theme", "theme_label", "color", "mentions", "paragraphs",
    "per_1000_words", "group_words", "group_paragraphs",
]
GROUP_SENTIMENT_COLUMNS = [
    "group", "group_label", "paragraphs", "words", "mean_polarity", "low", "high",
    "share_negative", "share_positive", "dominant_theme",
]
CONFIDENCE = 0.95  # of the interval around each group's mean polarity


@dataclass(frozen=True, eq=False)
class GroupCodes:
    """The selected paragraphs that have a group, as numbers: what every aggregate sums over.

    rows:   positions in ``selection.paragraphs`` of the grouped paragraphs (reading order).
    codes:  each one's group, as a position in ``groups``.
    groups: the group keys, in the order the aggregates list them.
    """

    rows: np.ndarray
    codes: np.ndarray
    groups: list


def group_codes(selection: Selection, grouping: pd.Series, order: Sequence[Hashable] | None = None) -> GroupCodes:
    """Number the groups of the selected paragraphs (see :func:`ordered_groups` for the order).

    Paragraphs missing from ``grouping``, or whose group is missing (NaN), are left out.
    """
    # Positions and factorize rather than reindex and isin: integer keys (years) stay
    # integers, and 10^5 string keys are never compared one by one.
    positions = grouping.index.get_indexer(selection.pids)
    rows = np.flatnonzero(positions >= 0)
    codes, uniques = pd.factorize(grouping.iloc[positions[rows]], sort=False)
    present = np.asarray(codes) >= 0
    rows, codes = rows[present], np.asarray(codes)[present]
    uniques = uniques.tolist()
    groups = ordered_groups(uniques, order)
    position = {group: i for i, group in enumerate(groups)}
    mapping = np.asarray([position[key] for key in uniques], dtype=np.int64)
    return GroupCodes(rows=rows, codes=mapping[codes] if len(codes) else codes.astype(np.int64), groups=groups)


def group_labels(selection: Selection, grouping: pd.Series) -> pd.Series:
    """The group of each selected paragraph (index pid, reading order); paragraphs without one are left out."""
    numbered = group_codes(selection, grouping)
    keys = np.empty(len(numbered.groups), dtype=object)
    keys[:] = numbered.groups
    return pd.Series(keys[numbered.codes], index=selection.pids[numbered.rows], name=grouping.name, dtype=object)


def ordered_groups(present: Iterable[Hashable], order: Sequence[Hashable] | None = None) -> list[Hashable]:
    """``order`` first (groups with no paragraphs included), then any other present group, sorted."""
    ordered = list(dict.fromkeys(order)) if order is not None else []
    known = set(ordered)
    others = [group for group in dict.fromkeys(present) if group not in known]
    try:
        others.sort()
    except TypeError:  # keys of mixed types: sort by their text
        others.sort(key=str)
    return ordered + others


def theme_rates_by_group(
    analysis: Analysis,
    selection: Selection,
    grouping: pd.Series,
    order: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Theme mentions per 1,000 words for each group and theme (GROUP_THEME_COLUMNS).

    One row per group (in ``ordered_groups`` order) and theme (lexicon
    order), so a heatmap has every cell. ``paragraphs`` counts the group's
    paragraphs mentioning the theme. A group with no words counted gets
    NaN for its rate: "no words" is not "no mentions".
    """
    return theme_rates(analysis, selection, group_codes(selection, grouping, order))


def theme_rates(analysis: Analysis, selection: Selection, numbered: GroupCodes) -> pd.DataFrame:
    """:func:`theme_rates_by_group` for groups already numbered by :func:`group_codes`."""
    groups, codes, size = numbered.groups, numbered.codes, len(numbered.groups)
    themes = analysis.lexicon.themes
    count = len(themes)
    words = selection.paragraphs[selection.word_counts_column].to_numpy(dtype=float)[numbered.rows]
    group_words = np.bincount(codes, weights=words, minlength=size)
    group_paragraphs = np.bincount(codes, minlength=size)
    mention_totals, paragraph_totals = _sum_by_group(analysis, selection, numbered)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(group_words[:, None] > 0, 1000.0 * mention_totals / group_words[:, None], np.nan)
    keys = np.empty(size, dtype=object)
    keys[:] = groups
    return pd.DataFrame(
        {
            "group": np.repeat(keys, count),
            "group_label": np.repeat(np.asarray([str(g) for g in groups], dtype=object), count),
            "theme": np.tile(np.asarray([t.id for t in themes], dtype=object), size),
            "theme_label": np.tile(np.asarray([t.label for t in themes], dtype=object), size),
            "color": np.tile(np.asarray([t.color for t in themes], dtype=object), size),
            "mentions": mention_totals.ravel().astype(np.int64),
            "paragraphs": paragraph_totals.ravel().astype(np.int64),
            "per_1000_words": rates.ravel(),
            "group_words": np.repeat(group_words.astype(np.int64), count),
            "group_paragraphs": np.repeat(group_paragraphs.astype(np.int64), count),
        },
        columns=GROUP_THEME_COLUMNS,
    )


def sentiment_by_group(
    analysis: Analysis,
    selection: Selection,
    grouping: pd.Series,
    order: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Mean paragraph polarity of each group with its 95% interval (GROUP_SENTIMENT_COLUMNS).

    The mean is over paragraphs, as in the dashboard's header. The interval
    is mean ± t × standard error (Student's t with n−1 degrees of freedom);
    it is NaN for a group of one paragraph, and the mean too for a group
    with none. ``dominant_theme`` is the group's most-mentioned theme ("" if
    none), for colouring its dot.
    """
    numbered = group_codes(selection, grouping, order)
    groups, codes, size = numbered.groups, numbered.codes, len(numbered.groups)
    polarity = selection.paragraphs["polarity"].to_numpy(dtype=float)[numbered.rows]
    words = selection.paragraphs[selection.word_counts_column].to_numpy(dtype=float)[numbered.rows]
    n = np.bincount(codes, minlength=size).astype(float)
    total = np.bincount(codes, weights=polarity, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, total / n, np.nan)
        squares = np.bincount(codes, weights=(polarity - mean[codes]) ** 2, minlength=size)
        spread = np.sqrt(squares / (n - 1)) / np.sqrt(n)
        half_width = np.where(n > 1, t_quantile_975(np.maximum(n - 1, 1)) * spread, np.nan)
        negative = np.bincount(codes, weights=polarity < -POLARITY_TOLERANCE, minlength=size) / n
        positive = np.bincount(codes, weights=polarity > POLARITY_TOLERANCE, minlength=size) / n

    theme_ids = np.asarray(analysis.theme_ids + ("",), dtype=object)
    per_theme, _ = _sum_by_group(analysis, selection, numbered)
    if per_theme.shape[1]:
        # argmax takes the first of tied themes, i.e. the lexicon's order, as dominant_theme does.
        dominant = np.where(per_theme.max(axis=1) > 0, per_theme.argmax(axis=1), len(analysis.theme_ids))
    else:
        dominant = np.zeros(size, dtype=int)
    keys = np.empty(size, dtype=object)
    keys[:] = groups
    return pd.DataFrame(
        {
            "group": keys,
            "group_label": [str(g) for g in groups],
            "paragraphs": n.astype(np.int64),
            "words": np.bincount(codes, weights=words, minlength=size).astype(np.int64),
            "mean_polarity": mean,
            "low": mean - half_width,
            "high": mean + half_width,
            "share_negative": negative,
            "share_positive": positive,
            "dominant_theme": theme_ids[dominant],
        },
        columns=GROUP_SENTIMENT_COLUMNS,
    )


def pids_in_groups(grouping: pd.Series, selection: Selection, keys: Iterable[Hashable]) -> np.ndarray:
    """The selected paragraphs (reading order) whose group is one of ``keys``.

    Keys may come back from a chart click as text ("1990" for the year
    1990): a key matches a group when they are equal or read the same.
    """
    numbered = group_codes(selection, grouping)
    wanted = list(keys)
    as_text = {str(key) for key in wanted}
    matching = [i for i, group in enumerate(numbered.groups) if group in wanted or str(group) in as_text]
    return selection.pids[numbered.rows[np.isin(numbered.codes, matching)]]


def t_quantile_975(degrees_of_freedom: np.ndarray | float) -> np.ndarray:
    """Student's t quantile for a two-sided 95% interval, for each number of degrees of freedom (≥ 1)."""
    df = np.atleast_1d(np.asarray(degrees_of_freedom, dtype=float))
    table_index = np.clip(np.round(df).astype(int), 1, len(_T_975)) - 1
    # Beyond the table, the Cornish-Fisher expansion around the normal quantile
    # (Abramowitz & Stegun 26.7.5) is accurate to 1e-4.
    z = 1.959963984540054
    with np.errstate(divide="ignore", invalid="ignore"):
        expansion = (
            z
            + (z**3 + z) / (4 * df)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
        )
    return np.where(df <= len(_T_975), _T_975[table_index], expansion)


# t(0.975) for 1 to 30 degrees of freedom.
_T_975 = np.array([
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
])  # fmt: skip


def _mention_matrix(analysis: Analysis, selection: Selection) -> np.ndarray:
    """The selection's mention counts, one row per selected paragraph (reading order), columns in lexicon order."""
    mentions = selection.mentions
    theme_ids = list(analysis.theme_ids)
    if not mentions.index.equals(selection.paragraphs.index) or list(mentions.columns) != theme_ids:
        mentions = mentions.reindex(index=selection.paragraphs.index, columns=theme_ids, fill_value=0)
    return mentions.to_numpy()


def _sum_by_group(analysis: Analysis, selection: Selection, numbered: GroupCodes) -> tuple[np.ndarray, np.ndarray]:
    """Per group and theme (lexicon order): the mentions, and the paragraphs with at least one."""
    mentions = _mention_matrix(analysis, selection)
    size, width = len(numbered.groups), mentions.shape[1]
    if not width:
        return np.zeros((size, 0)), np.zeros((size, 0))
    # Most cells are zero: sum only the others, each into its (group, theme) cell.
    group_of_row = np.full(len(mentions), -1, dtype=np.int64)
    group_of_row[numbered.rows] = numbered.codes
    rows, themes = np.nonzero(mentions)
    grouped = group_of_row[rows] >= 0
    rows, themes = rows[grouped], themes[grouped]
    cells = group_of_row[rows] * width + themes
    totals = np.bincount(cells, weights=mentions[rows, themes], minlength=size * width)
    paragraphs = np.bincount(cells, minlength=size * width)
    return totals.reshape(size, width), paragraphs.reshape(size, width)
