"""From a clicked chart element back to the paragraphs behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from speechlens.analysis import Analysis
from speechlens.catalog import build_catalog
from speechlens.filters import Selection
from speechlens.grouping import pids_in_groups

FocusKind = Literal["theme", "paragraph", "word", "document", "speaker", "country", "year", "decade"]
GROUP_KINDS = ("document", "speaker", "country", "year", "decade")
_GROUP_PHRASES = {"document": "of", "speaker": "by speaker", "country": "from", "year": "from", "decade": "from the"}


@dataclass(frozen=True)
class Focus:
    """What the user clicked: a theme bar, paragraph dots, a word, or a group (document, year …)."""

    kind: FocusKind
    values: tuple[str, ...]  # theme ids, pids (as text), words, or group keys

    def describe(
        self,
        theme_labels: Mapping[str, str],
        positions: Mapping[int, int] | pd.Series,
        document_labels: Mapping[str, str] | None = None,
    ) -> str:
        """In words, e.g. "mentioning Cybercrime" or "paragraph ¶7"; ``positions`` maps pid -> ¶."""
        if self.kind == "theme":
            return "mentioning " + " or ".join(theme_labels.get(v, v) for v in self.values)
        if self.kind == "word":
            return "containing " + " or ".join(f"“{v}”" for v in self.values)
        if self.kind in GROUP_KINDS:
            names = [(document_labels or {}).get(v, v) if self.kind == "document" else v for v in self.values]
            more = f" and {len(names) - 3} more" if len(names) > 4 else ""
            return f"{_GROUP_PHRASES[self.kind]} " + " or ".join(names[:3] if more else names) + more
        numbers = sorted(positions.get(int(v), int(v)) for v in self.values)
        return "paragraph " + ", ".join(f"¶{n}" for n in numbers)


def focus_pids(
    analysis: Analysis, selection: Selection, focus: Focus | None, catalog: pd.DataFrame | None = None
) -> np.ndarray:
    """The pids of the selection that the focus points at (all of them without a focus).

    A group focus (document, speaker, country, year) needs the corpus ``catalog``.
    """
    pids = selection.pids
    if focus is None or not focus.values:
        return pids
    if focus.kind in GROUP_KINDS:
        if catalog is None:
            catalog = build_catalog(analysis.documents.values())
        return pids_in_groups(selection, catalog, focus.kind, focus.values)
    if focus.kind == "theme":
        wanted = [v for v in focus.values if v in selection.mentions.columns]
        if not wanted:
            return pids[:0]
        hits = selection.mentions.loc[:, wanted].sum(axis=1)
        return hits.index[hits.to_numpy() > 0].to_numpy()
    if focus.kind == "paragraph":
        wanted_pids = {int(v) for v in focus.values if str(v).lstrip("-").isdigit()}
        return pids[np.isin(pids, list(wanted_pids))]
    return pids[np.isin(pids, _pids_using(analysis, selection, focus.values))]


def _pids_using(analysis: Analysis, selection: Selection, words) -> np.ndarray:
    """Every paragraph of the corpus that uses any of ``words`` (as the selection counts words)."""
    return analysis.terms.pids_with({word.lower() for word in words}, selection.filters.include_repeats)


def empty_focus_note(analysis: Analysis, selection: Selection, focus: Focus | None) -> str | None:
    """Why a clicked word leads to no paragraph, when it is one the selection uses less than the
    rest of the corpus: how many paragraphs outside the filters use it. None otherwise."""
    if focus is None or focus.kind != "word" or not focus.values:
        return None
    using = _pids_using(analysis, selection, focus.values)
    inside = int(np.isin(using, selection.pids).sum())
    if inside:
        return None
    elsewhere = len(using)
    quoted = " or ".join(f"“{word}”" for word in focus.values)
    if not elsewhere:
        return f"No paragraph of the corpus uses {quoted}. Clear the chart selection."
    return (
        f"None of the paragraphs shown uses {quoted}: this selection uses "
        f"{'it' if len(focus.values) == 1 else 'them'} less than the rest of the "
        f"corpus, where {elsewhere:,} paragraph{'' if elsewhere == 1 else 's'} "
        f"{'does' if elsewhere == 1 else 'do'}. Loosen the filters to read "
        f"{'it' if elsewhere == 1 else 'them'}, or clear the chart selection."
    )

