"""The corpus catalogue: one row per document, for corpus filters and grouping.

A document's year comes from its date, else from the extra metadata it was
stored with (the UN General Debate files know their year but not the day).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from speechlens.model import DocumentMeta

CATALOG_COLUMNS = ["title", "speaker", "post", "country", "event", "date", "year", "language", "label"]
LABEL_LIMIT = 80
# The Documents filter lists at most this many documents. A list of the whole UN General
# Debate (10,880) would be no help to pick from, and drawing it took a third of a second of
# every page load in the browser; narrowing by country, speaker or year brings it in reach.
MOST_LISTED_DOCUMENTS = 1_000


@dataclass(frozen=True)
class DocumentChoices:
    """What the Documents filter offers, given the other corpus filters."""

    options: list[str]  # doc_ids, in corpus order, then chosen ones the others leave out
    matching: int  # the documents that pass the other corpus filters
    listed: bool  # all of those are among the options (else only the chosen ones are)
    typed: bool  # the corpus is too large to list whole: ids can also be typed in
    most: int  # the most documents listed


def document_year(meta: DocumentMeta, extra: Mapping[str, str] | None = None) -> int | None:
    """The year of a document: its date's, else a four-digit ``year`` in the extra metadata."""
    candidates = [meta.date[:4]] if meta.date else []
    candidates.append(str((extra or {}).get("year", "")).strip())
    for value in candidates:
        if len(value) == 4 and value.isdigit():
            return int(value)
    return None


def build_catalog(metas: Iterable[DocumentMeta], extras: Mapping[str, Mapping[str, str]] | None = None) -> pd.DataFrame:
    """The catalogue of ``metas`` (in their order), indexed by doc_id.

    ``year`` is a nullable integer; ``label`` names a document in a list: its
    country or organisation, year and speaker when known, else its title, and
    its doc_id too when that alone would not tell two documents apart.
    """
    extras = extras or {}
    rows = []
    for meta in metas:
        extra = extras.get(meta.doc_id) or {}
        year = document_year(meta, extra)
        # Without a country name, the ISO 3166 code a UN file name gives (e.g. "UKR") stands in.
        country = meta.country or str(extra.get("iso3", "")).strip()
        parts = [country, "" if year is None else str(year), meta.speaker]
        label = " · ".join(part for part in parts if part) if (country or meta.speaker) else ""
        label = label or meta.title or meta.doc_id
        rows.append({
            "doc_id": meta.doc_id, "title": meta.title, "speaker": meta.speaker, "post": meta.post,
            "country": country, "event": meta.event, "date": meta.date, "year": year,
            "language": meta.language, "label": _shorten(label),
        })
    table = pd.DataFrame(rows, columns=["doc_id", *CATALOG_COLUMNS]).set_index("doc_id")
    table["year"] = table["year"].astype("Int64")
    repeated = table["label"].duplicated(keep=False)
    table.loc[repeated, "label"] = table.loc[repeated, "label"] + " (" + table.index[repeated] + ")"
    return table


def year_bounds(catalog: pd.DataFrame) -> tuple[int, int] | None:
    """(first, last) year of the catalogue's dated documents, or None when none is dated."""
    years = catalog["year"].dropna()
    if years.empty:
        return None
    return int(years.min()), int(years.max())


def distinct_values(catalog: pd.DataFrame, column: str) -> list[str]:
    """The non-empty values of a catalogue column, sorted alphabetically (case-insensitive)."""
    values = catalog[column].dropna().astype(str)
    return sorted({v for v in values if v}, key=str.casefold)


def matching_documents(
    catalog: pd.DataFrame,
    *,
    documents: Iterable[str] = (),
    speakers: Iterable[str] = (),
    countries: Iterable[str] = (),
    years: tuple[int, int] | None = None,
) -> pd.Index | None:
    """The doc_ids that pass every corpus filter given, or None when no corpus filter is set.

    Each filter left empty keeps every document; a year range keeps only dated
    documents within it (both ends included).
    """
    documents, speakers, countries = list(documents), list(speakers), list(countries)
    if not (documents or speakers or countries or years):
        return None
    mask = np.ones(len(catalog), dtype=bool)
    if documents:
        mask &= catalog.index.isin(documents)
    if speakers:
        mask &= catalog["speaker"].isin(speakers).to_numpy()
    if countries:
        mask &= catalog["country"].isin(countries).to_numpy()
    if years:
        low, high = years
        year = catalog["year"]
        mask &= (year.ge(low) & year.le(high)).fillna(False).to_numpy(dtype=bool)
    return catalog.index[mask]


def document_choices(
    catalog: pd.DataFrame,
    chosen: Iterable[str] = (),
    *,
    speakers: Iterable[str] = (),
    countries: Iterable[str] = (),
    years: tuple[int, int] | None = None,
    most: int | None = None,
) -> DocumentChoices:
    """The documents the Documents filter lists: those that pass the other corpus filters,
    when there are at most ``most`` of them. Chosen documents (known ones) are always
    offered, so narrowing the other filters never drops a choice."""
    most = MOST_LISTED_DOCUMENTS if most is None else most
    narrowed = matching_documents(catalog, speakers=speakers, countries=countries, years=years)
    pool = catalog.index if narrowed is None else narrowed
    listed = len(pool) <= most
    options = list(pool) if listed else []
    offered = set(options)
    options += [doc_id for doc_id in dict.fromkeys(chosen) if doc_id in catalog.index and doc_id not in offered]
    return DocumentChoices(options=options, matching=len(pool), listed=listed, typed=len(catalog) > most, most=most)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


@dataclass(frozen=True)
class CorpusChoices:
    """What the corpus filters can be set to: the values a link may name."""

    documents: frozenset[str] = frozenset()
    speakers: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    years: tuple[int, int] | None = None  # first and last year of the dated documents


def corpus_choices(catalog: pd.DataFrame) -> CorpusChoices:
    return CorpusChoices(
        documents=frozenset(catalog.index),
        speakers=frozenset(distinct_values(catalog, "speaker")),
        countries=frozenset(distinct_values(catalog, "country")),
        years=year_bounds(catalog),
    )
