"""Grouping paragraphs by document, speaker, country or year.

When a view spans many documents, per-paragraph charts would pile thousands
of points from different speeches onto one axis; they switch to one mark per
document, or per year when there are too many documents to tell apart.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from speechlens.filters import Selection

Level = Literal["paragraph", "document", "year"]
GroupBy = Literal["document", "speaker", "country", "year", "decade"]
GROUP_NOUNS: dict[str, str] = {
    "document": "document", "speaker": "speaker", "country": "country", "year": "year", "decade": "decade",
}
# Up to this many documents, charts show one mark per document; beyond it, one per year.
MAX_DOCUMENTS_SHOWN = 40
UNKNOWN = {
    "document": "", "speaker": "Speaker not given", "country": "Country not given",
    "year": "Year not known", "decade": "Year not known",
}


def chart_level(selection: Selection, catalog: pd.DataFrame) -> Level:
    """How the along-the-text charts should draw this selection."""
    doc_ids = selection.doc_ids
    if len(doc_ids) <= 1:
        return "paragraph"
    if len(doc_ids) <= MAX_DOCUMENTS_SHOWN:
        return "document"
    years = catalog["year"].reindex(doc_ids)
    return "year" if years.notna().any() else "document"


def group_keys(selection: Selection, catalog: pd.DataFrame, by: GroupBy) -> pd.Series:
    """pid -> the key of its group, for the selection's paragraphs.

    The key is what a chart shows: a document's catalogue label (unique), a
    speaker, a country, a year as text, or a decade ("1990s"). Documents
    without the value get a readable "not given" key of their own.
    """
    doc_ids = selection.paragraphs["doc_id"]
    if by == "document":
        return doc_ids.map(catalog["label"]).fillna(doc_ids).astype(str).rename("group")
    if by == "decade":
        values = (catalog["year"] // 10 * 10).astype("string") + "s"
    else:
        values = catalog[by]
    if by == "year":
        values = values.astype("string")
    values = values.fillna("").astype(str).replace("", UNKNOWN[by])
    return doc_ids.map(values).fillna(UNKNOWN[by]).astype(str).rename("group")


def group_order(keys: pd.Series, catalog: pd.DataFrame, by: GroupBy) -> list[str]:
    """The groups in reading order: documents as the corpus lists them, years ascending, names A–Z.

    The "not known" group comes last.
    """
    present = set(keys.unique())
    if by == "document":
        return [label for label in catalog["label"] if label in present]
    unknown = UNKNOWN[by]
    numeric = {"year": int, "decade": lambda decade: int(decade.rstrip("s"))}
    known = sorted(present - {unknown}, key=numeric.get(by, str.casefold))
    return known + ([unknown] if unknown in present else [])


def comparison_grouping(selection: Selection, catalog: pd.DataFrame, by: GroupBy, most: int) -> GroupBy:
    """The grouping a comparison asked to be ``by`` uses: documents are compared by year beyond
    MAX_DOCUMENTS_SHOWN documents (as the along-the-text charts draw them), and years by decade
    when there are more than ``most`` of them. Eight of ten thousand speeches, or of eighty
    years, picked for their words, would say little."""
    if by == "document" and chart_level(selection, catalog) == "year":
        by = "year"
    if by == "year":
        # Counted over the documents, not the paragraphs; a year not known is a group of its own.
        years = catalog["year"].reindex(selection.doc_ids)
        if years.nunique() + bool(years.isna().any()) > most:
            return "decade"
    return by


def comparison_switch_note(asked: GroupBy, used: GroupBy, most: int) -> str:
    """Why the comparison groups otherwise than asked ("" when it does not)."""
    if asked == used:
        return ""
    if asked == "document":
        return f"More than {MAX_DOCUMENTS_SHOWN} documents: compared by {GROUP_NOUNS[used]}, not one by one."
    return f"More than {most} years: compared by decade."


def pids_in_groups(selection: Selection, catalog: pd.DataFrame, by: GroupBy, keys: list[str] | tuple[str, ...]):
    """The selection's pids whose group is one of ``keys`` (what a clicked group leads to)."""
    grouped = group_keys(selection, catalog, by)
    return grouped.index[grouped.isin(list(keys)).to_numpy()].to_numpy()
