"""The headline numbers of a view."""

from __future__ import annotations

from dataclasses import dataclass

from speechlens.analysis import Analysis
from speechlens.filters import Selection, dominant_theme


@dataclass(frozen=True)
class Summary:
    shown: int  # paragraphs in the selection
    total: int  # content paragraphs of the corpus (headings excluded)
    words: int
    mean_polarity: float | None  # None when nothing is shown
    dominant_theme: str | None  # theme id
    dominant_theme_label: str | None


def summarize(analysis: Analysis, selection: Selection) -> Summary:
    """Paragraphs shown / total, words, mean polarity and dominant theme."""
    paragraphs = selection.paragraphs
    theme = dominant_theme(analysis, selection)
    return Summary(
        shown=len(paragraphs),
        total=selection.total_paragraphs,
        words=selection.words,
        mean_polarity=float(paragraphs["polarity"].mean()) if len(paragraphs) else None,
        dominant_theme=theme,
        dominant_theme_label=analysis.lexicon.get(theme).label if theme else None,
    )
