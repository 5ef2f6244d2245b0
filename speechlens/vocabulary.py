"""What the word cloud needs: word counts of a selection and each word's theme colour."""

from __future__ import annotations

from collections import Counter, defaultdict

from speechlens.analysis import Analysis
from speechlens.cloud import STOPWORDS
from speechlens.figures import NO_THEME_COLOR
from speechlens.filters import Selection
from speechlens.text import tokenize

MIN_WORD_LENGTH = 3


def selection_word_counts(analysis: Analysis, selection: Selection) -> Counter:
    """Counts of the content words in the selected paragraphs (stopwords and numbers dropped)."""
    counts = analysis.terms.counts_for(selection.pids)
    return Counter(
        {
            word: count
            for word, count in counts.items()
            if len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS and not word.replace(".", "").isdigit()
        }
    )


def word_theme_colors(analysis: Analysis, selection: Selection) -> dict[str, str]:
    """Each word that occurs inside a theme term, coloured by the theme it serves most often.

    Words never part of a matched theme term are left out (they are drawn grey).
    """
    matches = analysis.matches
    matches = matches[matches["pid"].isin(selection.pids)]
    if not selection.filters.include_repeats:
        matches = matches[~matches["repeated"]]
    votes: dict[str, Counter] = defaultdict(Counter)
    for surface, theme in zip(matches["surface"], matches["theme"], strict=True):
        for word in tokenize(surface):
            votes[word.lower()][theme] += 1
    order = {theme_id: i for i, theme_id in enumerate(analysis.theme_ids)}
    colors = analysis.lexicon.colors
    return {
        word: colors[max(tally, key=lambda t: (tally[t], -order.get(t, 0)))]
        for word, tally in votes.items()
    }


__all__ = ["NO_THEME_COLOR", "selection_word_counts", "word_theme_colors"]
