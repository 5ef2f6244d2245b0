"""The paragraphs behind a number, ready to read: labels, scores, highlights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from speechlens.analysis import Analysis
from speechlens.filters import OPENING_SECTION
from speechlens.markup import keyword_spans
from speechlens.sentiment import describe_drivers, format_polarity, stored_drivers

VOICE_NAMES = {
    "direct": "Speaker's own words",
    "reported": "Speaker's words, reported",
    "narration": "Reporter's narration",
}
KIND_NAMES = {"heading": "Subheading", "body": "Paragraph", "post": "Embedded post"}


@dataclass(frozen=True)
class EvidenceItem:
    pid: int
    position: int
    doc_id: str
    kind: str
    text: str
    label: str  # "¶9 · Speaker's words, reported · Section “…”"
    scores: str  # "polarity +0.12 · subjectivity 0.45"
    drivers: str  # "crucial (+0.40), serious (−0.33)"
    themes: tuple[str, ...]  # theme labels
    note: str  # repeats, posts: what a reader should know
    highlights: tuple[tuple[int, int], ...]  # spans of theme terms and the search text


def evidence_items(
    analysis: Analysis, pids: Sequence[int], keyword: str = "", document_labels: Mapping[str, str] | None = None
) -> list[EvidenceItem]:
    """One item per pid, in the order given; with several documents each label names its document.

    ``document_labels`` (doc_id -> a readable name) replaces the doc_id in those labels.
    """
    paragraphs = analysis.paragraphs
    matches = analysis.rows_of("matches", pids)
    spans_by_pid = {
        pid: list(zip(group["start"], group["end"], strict=True))
        for pid, group in matches.groupby("pid")
    }
    repeated_by_pid = _repeated_sentences(analysis, pids)
    labels = analysis.lexicon.labels
    items = []
    for pid in pids:
        row = paragraphs.loc[pid]
        spans = spans_by_pid.get(pid, []) + keyword_spans(row["text"], keyword)
        items.append(
            EvidenceItem(
                pid=int(pid),
                position=int(row["position"]),
                doc_id=row["doc_id"],
                kind=row["kind"],
                text=row["text"],
                label=_label(row, multi_document=len(analysis.documents) > 1, document_labels=document_labels),
                scores=f"polarity {format_polarity(row['polarity'])} · subjectivity {row['subjectivity']:.2f}",
                drivers=describe_drivers(stored_drivers(row["drivers"])),
                themes=tuple(labels.get(t, t) for t in row["themes"]),
                note=_note(row, repeated_by_pid.get(pid, [])),
                highlights=tuple(sorted(set(spans))),
            )
        )
    return items


def _label(row: pd.Series, multi_document: bool, document_labels: Mapping[str, str] | None = None) -> str:
    parts = [f"¶{row['position']}"]
    if multi_document:
        parts.insert(0, (document_labels or {}).get(row["doc_id"], row["doc_id"]))
    if row["kind"] != "body":
        parts.append(KIND_NAMES[row["kind"]])
    parts.append(VOICE_NAMES.get(row["voice"], row["voice"]))
    parts.append(f"section “{row['section'] or OPENING_SECTION}”")
    return " · ".join(parts)


def _note(row: pd.Series, repeated_sentences: list[int]) -> str:
    if row["full_duplicate"] and not pd.isna(row["duplicate_of"]):
        return f"Repeats ¶{int(row['duplicate_of'])} almost word for word; not counted again."
    if repeated_sentences and not pd.isna(row["duplicate_of"]):
        which = ", ".join(_ordinal(i + 1) for i in repeated_sentences)
        noun = "sentence" if len(repeated_sentences) == 1 else "sentences"
        return (
            f"Its {which} {noun} repeat{'s' if len(repeated_sentences) == 1 else ''} "
            f"¶{int(row['duplicate_of'])} almost word for word; not counted again."
        )
    if row["kind"] == "post":
        return "An embedded social-media post, not the speaker's words."
    return ""


def _repeated_sentences(analysis: Analysis, pids: Sequence[int]) -> dict[int, list[int]]:
    sentences = analysis.rows_of("sentences", pids)
    repeated = sentences[sentences["repeated"]]
    return {pid: list(group["sentence"]) for pid, group in repeated.groupby("pid")}


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")
