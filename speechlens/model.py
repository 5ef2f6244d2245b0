"""The values that flow through SpeechLens: documents, paragraphs, sentences.

Every stage is a pure function from these values to new ones, so a parsed
speech can be cached, compared in tests and later stored for a whole corpus.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

# What a paragraph is, structurally.
Kind = Literal["heading", "body", "post"]
KINDS: tuple[Kind, ...] = ("heading", "body", "post")

# Whose words a sentence carries.
#   direct    - the speaker's own words (a quotation, or a transcript of the speech)
#   reported  - the speaker's words as reported by someone else ("He said that ...")
#   narration - the reporter's own description of the scene
Voice = Literal["direct", "reported", "narration"]
VOICES: tuple[Voice, ...] = ("direct", "reported", "narration")

# How the text reached us; decides whether narration is possible at all.
#   speech       - a transcript of the speech itself: every sentence is "direct"
#   press-report - a journalist's account mixing quotes, reported speech and narration
SourceType = Literal["speech", "press-report"]
SOURCE_TYPES: tuple[SourceType, ...] = ("speech", "press-report")


@dataclass(frozen=True)
class DocumentMeta:
    """Who said it, where and when; shown in captions and exports."""

    doc_id: str
    title: str
    speaker: str = ""
    post: str = ""
    country: str = ""
    event: str = ""
    place: str = ""
    date: str = ""  # ISO 8601, YYYY-MM-DD, or "" when unknown
    source_type: SourceType = "speech"
    language: str = "en"
    # Other names the text uses for the speaker ("the Director General", "Hammouchi").
    speaker_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph."""

    text: str
    voice: Voice
    # (paragraph position, sentence index) of the earlier sentence this one repeats
    # almost word for word, or None.
    repeat_of: tuple[int, int] | None = None


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document, as the parser found it."""

    doc_id: str
    position: int  # 1-based, in reading order, headings and posts included
    section: str  # the subheading it falls under; "" before the first one
    kind: Kind
    voice: Voice  # the paragraph's dominant voice (by words)
    text: str
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)
    words: int = 0
    # position of the earlier paragraph this one repeats (wholly or by a sentence)
    duplicate_of: int | None = None

    @property
    def is_full_duplicate(self) -> bool:
        """True when every sentence repeats earlier text."""
        return bool(self.sentences) and all(s.repeat_of is not None for s in self.sentences)


@dataclass(frozen=True)
class Document:
    """A parsed document: its metadata and paragraphs."""

    meta: DocumentMeta
    paragraphs: tuple[Paragraph, ...]
    text: str  # the normalised full text the paragraphs were cut from


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_iso_date(value: str) -> bool:
    """Is ``value`` a real calendar date written YYYY-MM-DD (what DocumentMeta.date holds)?"""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
