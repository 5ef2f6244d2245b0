"""The filter state of a view, and the selection of paragraphs it yields.

``Filters`` is a frozen value built from the sidebar (and so from the URL);
``select`` turns it into the paragraphs and theme mentions every view draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from speechlens.analysis import Analysis
from speechlens.catalog import build_catalog, matching_documents
from speechlens.columns import positions_in

ThemeMode = Literal["any", "all"]
THEME_MODES: tuple[ThemeMode, ...] = ("any", "all")

# The voice filter, in the words a researcher uses.
VoiceChoice = Literal["all", "speaker", "narration"]
VOICE_CHOICES: tuple[VoiceChoice, ...] = ("all", "speaker", "narration")
VOICE_LABELS: dict[str, str] = {
    "all": "All text",
    "speaker": "Speaker's words only",
    "narration": "Reporter's narration only",
}
VOICE_HINTS: dict[str, str] = {
    "all": "quotes, reported speech and narration",
    "speaker": "the speaker's quoted and reported words",
    "narration": "the reporter's own description",
}
SPEAKER_VOICES = ("direct", "reported")

FULL_POLARITY = (-1.0, 1.0)
POLARITY_TOLERANCE = 1e-9

# How the part of a speech before its first subheading is named in the sidebar and links.
OPENING_SECTION = "Opening"


@dataclass(frozen=True)
class Filters:
    """What the user asked to see. The default shows the whole speech."""

    themes: tuple[str, ...] = ()
    theme_mode: ThemeMode = "any"
    voice: VoiceChoice = "all"
    polarity: tuple[float, float] = FULL_POLARITY
    keyword: str = ""
    section: str | None = None  # None: every section; else a label from section_labels()
    include_posts: bool = False
    include_repeats: bool = False
    # Corpus filters: which documents (by doc_id, speaker, country, year range) are shown.
    documents: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    years: tuple[int, int] | None = None

    @property
    def is_default(self) -> bool:
        return self == Filters()

    @property
    def has_corpus_filter(self) -> bool:
        return bool(self.documents or self.speakers or self.countries or self.years)


# Left out of ``Selection.paragraphs``: on a whole corpus, copying the text and
# the sentiment words of every selected paragraph costs more than the rest of a
# selection together. The reader and exports read them from Analysis.paragraphs.
LEFT_OUT_COLUMNS = ("text", "drivers")


@dataclass(frozen=True, eq=False)
class Selection:
    """The paragraphs a view covers and the theme mentions counted in them."""

    filters: Filters
    paragraphs: pd.DataFrame  # rows of Analysis.paragraphs, reading order, without LEFT_OUT_COLUMNS
    mentions: pd.DataFrame  # pid x theme mention counts for those paragraphs
    total_paragraphs: int  # content paragraphs before filtering (headings excluded)
    word_counts_column: str = field(default="counted_words")
    corpus_paragraphs: pd.DataFrame | None = None  # Analysis.paragraphs, for with_text()

    def with_text(self) -> pd.DataFrame:
        """``paragraphs`` with their text (a copy: for the charts of a few paragraphs)."""
        if self.corpus_paragraphs is None or "text" in self.paragraphs:
            return self.paragraphs
        return self.paragraphs.join(self.corpus_paragraphs.loc[self.paragraphs.index, ["text"]])

    @cached_property
    def doc_ids(self):
        """The documents the selected paragraphs come from, in reading order (worked out once:
        on a whole corpus it is a pass over hundreds of thousands of paragraphs)."""
        return self.paragraphs["doc_id"].unique()

    @property
    def pids(self) -> np.ndarray:
        return self.paragraphs.index.to_numpy()

    @property
    def is_empty(self) -> bool:
        return self.paragraphs.empty

    @property
    def words(self) -> int:
        return int(self.paragraphs[self.word_counts_column].sum())


def mention_matrix(analysis: Analysis, pids: np.ndarray, include_repeats: bool) -> pd.DataFrame:
    """Theme mentions per paragraph: rows ``pids`` (in that order), columns the lexicon's themes.

    One ``np.bincount`` over the corpus's mentions, so it costs about the same
    for a speech as for the whole UN General Debate.
    """
    theme_ids = list(analysis.theme_ids)
    pids = np.asarray(pids, dtype=np.int64)
    match_pids, codes, repeated = match_arrays(analysis)
    size = int(max(match_pids.max(initial=-1), pids.max(initial=-1))) + 1
    row_of = np.full(size, -1, dtype=np.int64)
    row_of[pids] = np.arange(len(pids))
    rows = row_of[match_pids]
    keep = (rows >= 0) & (codes >= 0)
    if not include_repeats:
        keep &= ~repeated
    cells = np.bincount(rows[keep] * len(theme_ids) + codes[keep], minlength=len(pids) * len(theme_ids))
    counts = cells.reshape(len(pids), len(theme_ids)).astype(np.int64)
    return pd.DataFrame(counts, index=pd.Index(pids, name="pid"), columns=pd.Index(theme_ids, name="theme"))


def match_arrays(analysis: Analysis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mentions as plain arrays (pid, theme as its lexicon position, repeated), made once per corpus."""

    def arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        matches = analysis.matches
        return (
            matches["pid"].to_numpy(dtype=np.int64),
            positions_in(matches["theme"], analysis.theme_ids),
            matches["repeated"].to_numpy(dtype=bool),
        )

    return analysis.derived("match_arrays", arrays)


def section_labels(analysis: Analysis) -> list[str]:
    """The sections of the corpus in reading order, as the sidebar names them."""
    labels: list[str] = []
    for section in analysis.paragraphs["section"].drop_duplicates():
        label = section or OPENING_SECTION
        if label not in labels:
            labels.append(label)
    return labels


def section_starts(analysis: Analysis, selection: Selection) -> list[tuple[int, str]]:
    """(position, heading) of each subheading, for marking sections along a one-document chart."""
    doc_ids = selection.doc_ids
    if len(doc_ids) != 1:
        return []
    paragraphs = analysis.paragraphs
    headings = paragraphs[(paragraphs["doc_id"] == doc_ids[0]) & (paragraphs["kind"] == "heading")]
    return list(zip(headings["position"].astype(int), headings["text"], strict=True))


def content_mask(analysis: Analysis, filters: Filters) -> pd.Series:
    """Paragraphs that count as the speech's content under these filters (shared: not to be changed)."""

    def mask() -> pd.Series:
        paragraphs = analysis.paragraphs
        kinds = ["body", "post"] if filters.include_posts else ["body"]
        content = paragraphs["kind"].isin(kinds)
        if not filters.include_repeats:
            content &= ~paragraphs["full_duplicate"]
        return content

    # The view's selection and its distinctive words both ask; on a corpus each answer is a pass over it.
    return analysis.derived(f"content_mask posts={filters.include_posts} repeats={filters.include_repeats}", mask)


def select(analysis: Analysis, filters: Filters, catalog: pd.DataFrame | None = None) -> Selection:
    """Apply ``filters`` to the analysed corpus.

    ``catalog`` (see :func:`speechlens.catalog.build_catalog`) resolves the
    speaker, country and year filters; without it they are built from the
    documents' metadata.
    """
    paragraphs = analysis.paragraphs
    base = content_mask(analysis, filters)
    mask = base.copy()

    if filters.has_corpus_filter:
        if catalog is None:
            catalog = build_catalog(analysis.documents.values())
        doc_ids = matching_documents(
            catalog, documents=filters.documents, speakers=filters.speakers,
            countries=filters.countries, years=filters.years,
        )
        mask &= paragraphs["doc_id"].isin(doc_ids)

    if filters.voice == "speaker":
        mask &= paragraphs["voice"].isin(SPEAKER_VOICES)
    elif filters.voice == "narration":
        mask &= paragraphs["voice"] == "narration"

    low, high = filters.polarity
    if (low, high) != FULL_POLARITY:
        # TextBlob leaves float dust (-2.8e-17) on paragraphs shown as 0.00;
        # a range that starts at 0.00 must include them.
        mask &= paragraphs["polarity"].between(low - POLARITY_TOLERANCE, high + POLARITY_TOLERANCE)

    keyword = filters.keyword.strip()
    if keyword:
        mask &= paragraphs["text"].str.contains(keyword, case=False, regex=False)

    if filters.section is not None:
        wanted = "" if filters.section == OPENING_SECTION else filters.section
        mask &= paragraphs["section"] == wanted

    mentions = mention_matrix(analysis, paragraphs.index[mask].to_numpy(), filters.include_repeats)
    known = [t for t in filters.themes if t in mentions.columns]
    if known:
        has_theme = mentions[known] > 0
        keep = has_theme.all(axis=1) if filters.theme_mode == "all" else has_theme.any(axis=1)
        mentions = mentions[keep]
        mask &= paragraphs.index.isin(mentions.index)

    word_column = "words" if filters.include_repeats else "counted_words"
    return Selection(
        filters=filters,
        paragraphs=paragraphs.loc[mask, [c for c in paragraphs.columns if c not in LEFT_OUT_COLUMNS]],
        mentions=mentions,
        total_paragraphs=int(base.sum()),
        word_counts_column=word_column,
        corpus_paragraphs=paragraphs,
    )


def theme_frequencies(analysis: Analysis, selection: Selection) -> pd.DataFrame:
    """Per theme: mentions, paragraphs mentioning it, and mentions per 1,000 words.

    One row per theme of the lexicon, sorted by mentions (most first), so every
    chart shows every theme in its one colour.
    """
    mentions = selection.mentions
    words = selection.words
    rows = []
    for theme in analysis.lexicon.themes:
        column = mentions[theme.id] if theme.id in mentions else pd.Series(dtype=int)
        count = int(column.sum())
        rows.append(
            {
                "theme": theme.id,
                "label": theme.label,
                "color": theme.color,
                "mentions": count,
                "paragraphs": int((column > 0).sum()),
                "per_1000_words": (1000.0 * count / words) if words else 0.0,
            }
        )
    table = pd.DataFrame(rows)
    order = {theme_id: i for i, theme_id in enumerate(analysis.theme_ids)}
    table["order"] = table["theme"].map(order)
    return table.sort_values(["mentions", "order"], ascending=[False, True]).drop(columns="order").reset_index(drop=True)


def dominant_theme(analysis: Analysis, selection: Selection) -> str | None:
    """The most-mentioned theme of the selection, or None when nothing matched."""
    table = theme_frequencies(analysis, selection)
    if table.empty or table.iloc[0]["mentions"] == 0:
        return None
    return str(table.iloc[0]["theme"])
