"""Plain-words descriptions of a view: its source, its filters, its coverage.

Charts carry these in their subtitles so a screenshot pasted into a briefing
still says what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from speechlens.filters import FULL_POLARITY, VOICE_LABELS, Filters
from speechlens.model import DocumentMeta
from speechlens.sentiment import format_polarity


def source_line(documents: Mapping[str, DocumentMeta], years: tuple[int, int] | None = None) -> str:
    """Speaker, event, place and date, e.g. "Abdellatif Hammouchi, …, Marrakech, 24 Nov 2025".

    For several documents: how many, and their ``years`` when given ("153 documents, 1946–2024").
    """
    if len(documents) != 1:
        line = f"{len(documents):,} documents"
        if years is not None:
            line += f", {years[0]}" if years[0] == years[1] else f", {years[0]}–{years[1]}"
        return line
    meta = next(iter(documents.values()))
    parts = [meta.speaker, meta.event, meta.place, format_date(meta.date)]
    line = ", ".join(part for part in parts if part) or meta.title
    if meta.source_type == "press-report":
        line += " (press report)"
    return line


def format_date(iso: str) -> str:
    """An ISO date for people: "2025-11-24" -> "24 Nov 2025"; anything else is returned as is."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


def describe_filters(
    filters: Filters, theme_labels: Mapping[str, str], document_labels: Mapping[str, str] | None = None
) -> str:
    """The active filters in words; "all paragraphs" when nothing is filtered."""
    parts: list[str] = []
    if filters.documents:
        labels = [(document_labels or {}).get(d, d) for d in filters.documents]
        parts.append(_listed("document", labels))
    if filters.countries:
        parts.append(_listed("country", filters.countries))
    if filters.speakers:
        parts.append(_listed("speaker", filters.speakers))
    if filters.years is not None:
        low, high = filters.years
        parts.append(f"year {low}" if low == high else f"years {low}–{high}")
    if filters.themes:
        labels = [theme_labels.get(t, t) for t in filters.themes]
        joiner = " and " if filters.theme_mode == "all" else " or "
        parts.append("theme: " + joiner.join(labels))
    if filters.voice != "all":
        parts.append(VOICE_LABELS[filters.voice].lower())
    if filters.polarity != FULL_POLARITY:
        low, high = filters.polarity
        parts.append(f"polarity {format_polarity(low)} to {format_polarity(high)}")
    if filters.keyword.strip():
        parts.append(f"containing “{filters.keyword.strip()}”")
    if filters.section is not None:
        parts.append(f"section “{filters.section or 'Opening'}”")
    if filters.include_posts:
        parts.append("embedded posts included")
    if filters.include_repeats:
        parts.append("repeated passages counted")
    return "; ".join(parts) if parts else "all paragraphs"


def _listed(noun: str, values: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(values[:limit])
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return f"{noun}: {shown}{more}"


def coverage_line(shown: int, total: int) -> str:
    """How much of the speech a view covers, e.g. "12 of 17 paragraphs"."""
    noun = "paragraph" if total == 1 else "paragraphs"
    return f"{shown:,} of {total:,} {noun}"


def chart_subtitle(
    documents: Mapping[str, DocumentMeta],
    filters: Filters,
    theme_labels: Mapping[str, str],
    shown: int,
    total: int,
    *,
    years: tuple[int, int] | None = None,
    document_labels: Mapping[str, str] | None = None,
) -> str:
    """Source on the first line; filters and coverage on the second."""
    return "\n".join(
        [
            source_line(documents, years),
            f"Showing {describe_filters(filters, theme_labels, document_labels)} · {coverage_line(shown, total)}",
        ]
    )


def export_filename(chart: str, filters: Filters, documents: Mapping[str, DocumentMeta]) -> str:
    """A file name for a saved chart, e.g. "themes_cybercrime_2025-11-24" (no extension)."""
    parts = [chart, *filters.themes]
    if filters.voice != "all":
        parts.append(filters.voice)
    if filters.keyword.strip():
        parts.append(filters.keyword.strip())
    dates = sorted({meta.date for meta in documents.values() if meta.date})
    if dates:
        parts.extend([dates[0]] if len(dates) == 1 else [dates[0], "to", dates[-1]])
    name = "_".join(_slug(part) for part in parts if _slug(part))
    return name[:120] or chart


def _slug(text: str) -> str:
    cleaned = "".join(ch.lower() if ch.isalnum() or ch in "-." else "-" for ch in text)
    return "-".join(filter(None, cleaned.split("-")))
