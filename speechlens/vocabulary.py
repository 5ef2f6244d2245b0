"""What the word cloud needs: word counts of a selection and each word's theme colour."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from speechlens.analysis import Analysis
import plotly.graph_objects as go

from speechlens.cloud import STOPWORDS, CloudWord, cloud_figure, layout_cloud
from speechlens.figures import NO_THEME_COLOR
from speechlens.filters import Selection
from speechlens.model import DocumentMeta
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

MIN_WORD_LENGTH = 3
MIN_THEME_SHARE = 0.5  # of a word's occurrences that must be inside one theme's terms to colour it


def selection_word_counts(analysis: Analysis, selection: Selection) -> Counter:
    """Counts of the content words in the selected paragraphs.

    Stopwords, numbers and the speakers' own names and titles are dropped: in a
    press report they are everywhere and say nothing about the subject.
    """
    counts = analysis.terms.counts_for(selection.pids, selection.filters.include_repeats)
    doc_ids = selection.paragraphs["doc_id"].unique()
    excluded = STOPWORDS | speaker_words([analysis.documents[d] for d in doc_ids])
    return Counter(
        {
            word: count
            for word, count in counts.items()
            if len(word) >= MIN_WORD_LENGTH and word not in excluded and not word.replace(".", "").isdigit()
        }
    )


def speaker_words(metas: Iterable[DocumentMeta]) -> frozenset[str]:
    """Lower-cased words of the speakers' names and the acronyms in their aliases.

    "Abdellatif Hammouchi" and "DGSN-DGST" go; the ordinary words of a title
    ("National Security") stay, since they are also the speech's subject.
    """
    words: set[str] = set()
    for meta in metas:
        words.update(token.lower() for token in tokenize(meta.speaker))
        for alias in meta.speaker_aliases:
            words.update(token.lower() for token in tokenize(alias) if _is_acronym(token) or " " not in alias.strip())
    return frozenset(words - STOPWORDS)


def _is_acronym(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def word_theme_colors(analysis: Analysis, selection: Selection) -> dict[str, str]:
    """Words used mostly inside one theme's terms, mapped to that theme's colour.

    A word is coloured when at least half of its occurrences in the selection
    fall inside matched terms of one theme ("cybercrime", or "crime" in
    "organized crime"). A common word that only sometimes appears in a theme
    phrase ("security" in "security cooperation") stays grey: colouring it
    would claim the whole word for that theme.
    """
    matches = analysis.matches
    matches = matches[matches["pid"].isin(selection.pids)]
    if not selection.filters.include_repeats:
        matches = matches[~matches["repeated"]]
    votes: dict[str, Counter] = defaultdict(Counter)
    for surface, theme in zip(matches["surface"], matches["theme"], strict=True):
        for word in tokenize(surface):
            votes[word.lower()][theme] += 1
    occurrences = analysis.terms.counts_for(selection.pids, selection.filters.include_repeats)
    order = {theme_id: i for i, theme_id in enumerate(analysis.theme_ids)}
    colors = analysis.lexicon.colors
    coloured = {}
    for word, tally in votes.items():
        theme = max(tally, key=lambda t: (tally[t], -order.get(t, 0)))
        if tally[theme] >= MIN_THEME_SHARE * occurrences.get(word, 0):
            coloured[word] = colors[theme]
    return coloured


def cloud_inputs(analysis: Analysis, selection: Selection) -> tuple[dict[str, int], dict[str, str]]:
    """The word counts and word colours of a selection's cloud."""
    return dict(selection_word_counts(analysis, selection)), word_theme_colors(analysis, selection)


def lay_out_cloud(counts: dict[str, int], colors: dict[str, str]) -> list[CloudWord]:
    """Place the words on the dashboard's canvas (the slow step; the same input gives the same cloud)."""
    return layout_cloud(counts, colors, width=CLOUD_WIDTH, height=CLOUD_HEIGHT, default_color=NO_THEME_COLOR)


def word_cloud_figure(words: list[CloudWord], subtitle: str) -> go.Figure:
    """The placed words as the dashboard's cloud figure, with its title and note."""
    return cloud_figure(
        words, title=CLOUD_TITLE, subtitle=subtitle, width=CLOUD_WIDTH, height=CLOUD_HEIGHT, note=CLOUD_NOTE
    )
