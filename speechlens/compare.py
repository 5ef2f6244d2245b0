"""Groups of paragraphs side by side: their theme profiles and their spread of sentiment.

A grouping is a pandas Series mapping pid -> group label (a speech, a
speaker, a country, a year). Only the ``top`` groups with most words are
shown; the others are folded into one "Other" group or left out, and the
result says which (:attr:`GroupedSelection.note`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from speechlens.aggregates import GroupCodes, group_codes, ordered_groups, pids_in_groups, theme_rates
from speechlens.analysis import Analysis
from speechlens.filters import POLARITY_TOLERANCE, Selection

RestPolicy = Literal["other", "drop"]
REST_POLICIES: tuple[RestPolicy, ...] = ("other", "drop")
DEFAULT_TOP_GROUPS = 8
OTHER_GROUP = "Other"

POLARITY_COLUMNS = ["pid", "group", "polarity"]
SUMMARY_COLUMNS = [
    "group", "paragraphs", "words", "mean", "median", "q1", "q3", "p05", "p95", "min", "max",
    "share_negative", "share_neutral", "share_positive",
]


@dataclass(frozen=True, eq=False)
class GroupedSelection:
    """The selected paragraphs in the groups a comparison shows (made by :func:`top_groups`).

    labels:    pid -> shown group, in reading order (paragraphs of dropped
               groups, and those without a group, are absent).
    groups:    the shown groups: the ``top`` with most words (or in the
               order asked for), then "Other" when groups were folded.
    folded:    the groups beyond the top, folded into "Other" or dropped.
    rest:      "other" or "drop": what was done with the folded groups.
    other:     the label of the folded group ("Other", unless a real group has that name).
    ungrouped: selected paragraphs that have no group at all.
    rows, codes: for each label, its position in ``selection.paragraphs`` and
               its group's position in ``groups`` (what the sums run over).
    """

    labels: pd.Series
    groups: tuple[Hashable, ...]
    folded: tuple[Hashable, ...]
    rest: RestPolicy
    other: str = OTHER_GROUP
    ungrouped: int = 0
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    codes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def note(self) -> str:
        """What was left out or folded, in a sentence ("" when every group is shown)."""
        parts = []
        if self.folded:
            shown = len(self.groups) - (self.rest == "other")
            noun = "group" if len(self.folded) == 1 else "groups"
            what = f"folded into “{self.other}”" if self.rest == "other" else "left out"
            parts.append(f"The {shown} groups with most words; {len(self.folded):,} smaller {noun} {what}.")
        if self.ungrouped:
            noun = "paragraph" if self.ungrouped == 1 else "paragraphs"
            parts.append(f"{self.ungrouped:,} {noun} without a group left out.")
        return " ".join(parts)

    def pids_of(self, group: Hashable) -> np.ndarray:
        """The selected paragraphs behind a shown group (a clicked bar, cell or box), reading order.

        A group given as text ("1990" for the year 1990) matches the group that reads the same.
        """
        matching = [i for i, g in enumerate(self.groups) if g == group] or [
            i for i, g in enumerate(self.groups) if str(g) == str(group)
        ]
        return self.labels.index.to_numpy()[np.isin(self.codes, matching)]

    def numbered(self) -> GroupCodes:
        """The shown groups as :mod:`speechlens.aggregates` sums them."""
        return GroupCodes(rows=self.rows, codes=self.codes, groups=list(self.groups))


@dataclass(frozen=True, eq=False)
class Comparison:
    """Everything the comparison views draw, for one selection and grouping."""

    grouped: GroupedSelection
    profile: pd.DataFrame  # aggregates.GROUP_THEME_COLUMNS: every shown group x every theme
    polarity: pd.DataFrame  # POLARITY_COLUMNS: one row per paragraph shown
    summary: pd.DataFrame  # SUMMARY_COLUMNS: one row per shown group


def top_groups(
    selection: Selection,
    grouping: pd.Series,
    *,
    top: int = DEFAULT_TOP_GROUPS,
    rest: RestPolicy = "other",
    order: Sequence[Hashable] | None = None,
) -> GroupedSelection:
    """Keep the ``top`` groups with most words in the selection; fold or drop the others.

    Shown groups come most words first (ties by label), or in ``order`` when
    given (e.g. years ascending); "Other" is always last.
    """
    if rest not in REST_POLICIES:
        raise ValueError(f"rest must be one of {', '.join(REST_POLICIES)}, not {rest!r}")
    numbered = group_codes(selection, grouping)
    groups = numbered.groups
    words = selection.paragraphs[selection.word_counts_column].to_numpy(dtype=float)[numbered.rows]
    totals = np.bincount(numbered.codes, weights=words, minlength=len(groups))
    # Most words first; ties by label, so the same data always shows the same groups.
    ranked = np.lexsort((np.asarray([str(g) for g in groups], dtype=str), -totals)) if groups else np.empty(0, int)
    count = max(int(top), 0)
    kept, folded = [groups[i] for i in ranked[:count]], [groups[i] for i in ranked[count:]]
    if order is not None:
        keep = set(kept)
        kept = [group for group in ordered_groups(kept, order) if group in keep]
    other = OTHER_GROUP if OTHER_GROUP not in set(groups) else f"{OTHER_GROUP} groups"
    fold = bool(folded) and rest == "other"
    shown = (*kept, other) if fold else tuple(kept)

    # Old group number -> shown group number (-1: left out).
    position = {group: i for i, group in enumerate(kept)}
    mapping = np.asarray([position.get(group, len(kept) if fold else -1) for group in groups], dtype=np.int64)
    codes = mapping[numbered.codes] if len(numbered.codes) else numbered.codes
    inside = codes >= 0
    rows, codes = numbered.rows[inside], codes[inside]
    keys = np.empty(len(shown), dtype=object)
    keys[:] = shown
    # dtype=object: pandas would otherwise copy 10^5 text labels into an Arrow string column.
    labels = pd.Series(keys[codes], index=selection.pids[rows], name=grouping.name, dtype=object)
    return GroupedSelection(
        labels=labels,
        groups=shown,
        folded=tuple(folded),
        rest=rest,
        other=other,
        ungrouped=len(selection.pids) - len(numbered.rows),
        rows=rows,
        codes=codes,
    )


def theme_profile(analysis: Analysis, selection: Selection, grouped: GroupedSelection) -> pd.DataFrame:
    """Mentions per 1,000 words of every theme in every shown group (aggregates.GROUP_THEME_COLUMNS),
    with each group's words and paragraphs. A group with no words has NaN rates.

    ``grouped`` must come from :func:`top_groups` on this selection.
    """
    return theme_rates(analysis, selection, grouped.numbered())


def polarity_values(selection: Selection, grouped: GroupedSelection) -> pd.DataFrame:
    """Each shown paragraph's polarity with its group (POLARITY_COLUMNS), reading order."""
    polarity = selection.paragraphs["polarity"].to_numpy(dtype=float)[grouped.rows]
    return pd.DataFrame(
        {"pid": grouped.labels.index.to_numpy(), "group": pd.Series(grouped.labels.to_numpy(), dtype=object),
         "polarity": polarity},
        columns=POLARITY_COLUMNS,
    )


def polarity_summary(selection: Selection, grouped: GroupedSelection) -> pd.DataFrame:
    """Per shown group (SUMMARY_COLUMNS): paragraphs, words, mean, median, quartiles, 5th and 95th
    percentiles, extremes and the shares of negative, neutral and positive paragraphs.

    A group with no paragraphs has n = 0 and NaN statistics. Quantiles
    interpolate linearly between paragraphs, as ``numpy.quantile`` does.
    """
    size = len(grouped.groups)
    codes = grouped.codes
    polarity = selection.paragraphs["polarity"].to_numpy(dtype=float)[grouped.rows]
    words = selection.paragraphs[selection.word_counts_column].to_numpy(dtype=float)[grouped.rows]
    n = np.bincount(codes, minlength=size)

    # Sorted once by (group, polarity), each group's values are one sorted run.
    # Polarity lies in −1..+1, so code × 4 + polarity orders by group first.
    ordered = polarity[np.argsort(codes * 4.0 + polarity)]
    starts = np.cumsum(n) - n
    last = np.maximum(n - 1, 0)

    def quantile(q: float) -> np.ndarray:
        if not len(ordered):
            return np.full(size, np.nan)
        position = starts + q * last
        below = np.minimum(np.floor(position).astype(int), len(ordered) - 1)
        above = np.minimum(np.minimum(below + 1, starts + last), len(ordered) - 1)
        values = ordered[below] + (position - below) * (ordered[above] - ordered[below])
        return np.where(n > 0, values, np.nan)

    with np.errstate(divide="ignore", invalid="ignore"):
        share_negative = np.bincount(codes, weights=polarity < -POLARITY_TOLERANCE, minlength=size) / n
        share_positive = np.bincount(codes, weights=polarity > POLARITY_TOLERANCE, minlength=size) / n
        mean = np.bincount(codes, weights=polarity, minlength=size) / n
    keys = np.empty(size, dtype=object)
    keys[:] = grouped.groups
    return pd.DataFrame(
        {
            "group": keys,
            "paragraphs": n.astype(np.int64),
            "words": np.bincount(codes, weights=words, minlength=size).astype(np.int64),
            "mean": mean,
            "median": quantile(0.5),
            "q1": quantile(0.25),
            "q3": quantile(0.75),
            "p05": quantile(0.05),
            "p95": quantile(0.95),
            "min": quantile(0.0),
            "max": quantile(1.0),
            "share_negative": share_negative,
            "share_neutral": 1.0 - share_negative - share_positive,
            "share_positive": share_positive,
        },
        columns=SUMMARY_COLUMNS,
    )


def compare_groups(
    analysis: Analysis,
    selection: Selection,
    grouping: pd.Series,
    *,
    top: int = DEFAULT_TOP_GROUPS,
    rest: RestPolicy = "other",
    order: Sequence[Hashable] | None = None,
) -> Comparison:
    """Theme profiles and polarity spreads of the ``top`` groups of the selection (see :func:`top_groups`)."""
    grouped = top_groups(selection, grouping, top=top, rest=rest, order=order)
    return Comparison(
        grouped=grouped,
        profile=theme_profile(analysis, selection, grouped),
        polarity=polarity_values(selection, grouped),
        summary=polarity_summary(selection, grouped),
    )


__all__ = [
    "DEFAULT_TOP_GROUPS", "OTHER_GROUP", "POLARITY_COLUMNS", "REST_POLICIES", "SUMMARY_COLUMNS",
    "Comparison", "GroupedSelection", "RestPolicy", "compare_groups", "pids_in_groups", "polarity_summary",
    "polarity_values", "theme_profile", "top_groups",
]
