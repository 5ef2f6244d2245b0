"""What the word cloud needs: word counts of a selection and each word's theme colour."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from speechlens.analysis import Analysis

from speechlens.cloud import STOPWORDS, CloudWord, cloud_figure, layout_cloud
from speechlens.columns import factorize
from speechlens.figures import NO_THEME_COLOR
from speechlens.filters import Selection, match_arrays
from speechlens.model import DocumentMeta
from speechlens.term_totals import term_totals
from speechlens.text import tokenize

# The word cloud as the dashboard and the briefing draw it. It is drawn at its
# true pixel size (Plotly does not scale text with a stretched chart), so the
# canvas must fit a laptop screen beside the sidebar.
CLOUD_WIDTH, CLOUD_HEIGHT = 860, 400
CLOUD_TITLE = "Most frequent words, coloured by theme"
CLOUD_NOTE = (
    "Size: how often a word occurs. Colour: the theme whose terms use the word most (as in the other charts); "
    "grey: other words."
)

CLOUD_MAX_WORDS = 80  # words a cloud draws at most (fewer when they no longer fit legibly)
MIN_THEME_SHARE = 0.5  # of a word's occurrences that must be inside one theme's terms to colour it


def selection_word_counts(analysis: Analysis, selection: Selection, top: int | None = None) -> Counter:
    """Counts of the content words in the selected paragraphs (only the ``top`` most frequent, when given).

    Stopwords, numbers and the speakers' own names and titles are dropped: in a
    press report they are everywhere and say nothing about the subject. Ties
    at the ``top`` boundary are broken alphabetically, as the cloud does.
    """
    return _top_counts(analysis, _content_totals(analysis, selection, _selection_totals(analysis.terms, selection)), top)


def _content_totals(analysis: Analysis, selection: Selection, totals: np.ndarray) -> np.ndarray:
    """``totals`` (occurrences of every vocabulary word) with zero for the words a cloud leaves out."""
    terms = analysis.terms
    totals = np.where(term_totals(terms).content_words(terms), totals, 0)
    ids = terms.term_ids
    totals[[ids[word] for word in speaker_words(analysis.documents[d] for d in selection.doc_ids) if word in ids]] = 0
    return totals


def _selection_totals(terms, selection: Selection) -> np.ndarray:
    """Occurrences of every vocabulary word in the selected paragraphs."""
    return term_totals(terms).over(terms, selection.pids, selection.filters.include_repeats)


def _top_counts(analysis: Analysis, totals: np.ndarray, top: int | None) -> Counter:
    nonzero = np.flatnonzero(totals)
    if top is not None and len(nonzero) > top:
        # Every word tied with the top-th count stays a candidate; the alphabetical tie-break picks among them.
        threshold = np.partition(totals[nonzero], len(nonzero) - top)[len(nonzero) - top]
        nonzero = nonzero[totals[nonzero] >= threshold]
    vocabulary = analysis.terms.vocabulary
    ranked = sorted(((vocabulary[i], int(totals[i])) for i in nonzero), key=lambda wc: (-wc[1], wc[0]))
    return Counter(dict(ranked[:top] if top is not None else ranked))


def speaker_words(metas: Iterable[DocumentMeta]) -> frozenset[str]:
    """Lower-cased words of the speakers' names and the acronyms in their aliases.

    "Abdellatif Hammouchi" and "DGSN-DGST" go; the ordinary words of a title
    ("National Security") stay, since they are also the speech's subject.
    """
    words: set[str] = set()
    # A corpus names the same speaker in many documents: tokenise each name (and its aliases) once.
    for speaker, aliases in {(meta.speaker, meta.speaker_aliases) for meta in metas}:
        words.update(token.lower() for token in tokenize(speaker))
        for alias in aliases:
            words.update(token.lower() for token in tokenize(alias) if _is_acronym(token) or " " not in alias.strip())
    return frozenset(words - STOPWORDS)


def _is_acronym(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def word_theme_colors(
    analysis: Analysis, selection: Selection, words: Iterable[str] | None = None
) -> dict[str, str]:
    """Words used mostly inside one theme's terms, mapped to that theme's colour.

    A word is coloured when at least half of its occurrences in the selection
    fall inside matched terms of one theme ("cybercrime", or "crime" in
    "organized crime"). A common word that only sometimes appears in a theme
    phrase ("security" in "security cooperation") stays grey: colouring it
    would claim the whole word for that theme. ``words`` limits the answer to
    those words (e.g. the ones a cloud draws).
    """
    return _theme_colors(analysis, selection, _selection_totals(analysis.terms, selection), words)


def _theme_colors(analysis: Analysis, selection: Selection, totals: np.ndarray, words: Iterable[str] | None) -> dict:
    match_pids, theme_codes, repeated = match_arrays(analysis)
    surface_codes, surface_tokens = surface_arrays(analysis)
    selected = np.zeros(int(max(match_pids.max(initial=-1), selection.pids.max(initial=-1))) + 1, dtype=bool)
    selected[selection.pids] = True
    keep = selected[match_pids] & (theme_codes >= 0)
    if not selection.filters.include_repeats:
        keep &= ~repeated
    theme_ids = analysis.theme_ids
    pairs = np.bincount(surface_codes[keep] * len(theme_ids) + theme_codes[keep])
    wanted = None if words is None else set(words)
    votes: dict[str, Counter] = defaultdict(Counter)
    for pair in np.flatnonzero(pairs):
        surface, theme = divmod(int(pair), len(theme_ids))
        for word in surface_tokens[surface]:
            if wanted is None or word in wanted:
                votes[word][theme_ids[theme]] += int(pairs[pair])
    ids = analysis.terms.term_ids
    order = {theme_id: i for i, theme_id in enumerate(theme_ids)}
    colors = analysis.lexicon.colors
    coloured = {}
    for word, tally in votes.items():
        theme = max(tally, key=lambda t: (tally[t], -order.get(t, 0)))
        occurrences = int(totals[ids[word]]) if word in ids else 0
        if tally[theme] >= MIN_THEME_SHARE * occurrences:
            coloured[word] = colors[theme]
    return coloured


def surface_arrays(analysis: Analysis) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Each mention's matched text as a code, and the lower-cased words of each distinct text."""

    def arrays() -> tuple[np.ndarray, list[tuple[str, ...]]]:
        codes, surfaces = factorize(analysis.matches["surface"])
        tokens = [tuple(token.lower() for token in tokenize(surface)) for surface in surfaces]
        return codes, tokens

    return analysis.derived("surface_arrays", arrays)


def cloud_inputs(analysis: Analysis, selection: Selection) -> tuple[dict[str, int], dict[str, str]]:
    """The counts and colours of the words a selection's cloud can draw (its CLOUD_MAX_WORDS most frequent)."""
    totals = _selection_totals(analysis.terms, selection)
    content = _content_totals(analysis, selection, totals)
    counts = dict(_top_counts(analysis, content, CLOUD_MAX_WORDS))
    return counts, _theme_colors(analysis, selection, totals, counts)


def lay_out_cloud(counts: dict[str, int], colors: dict[str, str]) -> list[CloudWord]:
    """Place the words on the dashboard's canvas (the slow step; the same input gives the same cloud)."""
    return layout_cloud(
        counts, colors, width=CLOUD_WIDTH, height=CLOUD_HEIGHT, default_color=NO_THEME_COLOR, max_words=CLOUD_MAX_WORDS,
    )


def word_cloud_figure(words: list[CloudWord], subtitle: str) -> go.Figure:
    """The placed words as the dashboard's cloud figure, with its title and note."""
    return cloud_figure(
        words, title=CLOUD_TITLE, subtitle=subtitle, width=CLOUD_WIDTH, height=CLOUD_HEIGHT, note=CLOUD_NOTE
    )
