"""The annotated paragraph table, as the dashboard shows it and the CLI writes it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from speechlens.analysis import Analysis
from speechlens.sentiment import describe_drivers, stored_drivers

# Column -> meaning; the README documents the same list.
EXPORT_COLUMNS: dict[str, str] = {
    "document": "document id (the metadata file's doc_id)",
    "speaker": "who gave the speech",
    "date": "date of the speech, YYYY-MM-DD",
    "paragraph": "position in reading order, 1-based, headings and posts included",
    "section": "the subheading the paragraph falls under ('' before the first)",
    "kind": "body, heading or post (an embedded social-media post)",
    "voice": "direct (speaker's own words), reported (speaker's words reported) or narration",
    "text": "the paragraph's text",
    "words": "word count",
    "counted_words": "word count without sentences that repeat earlier text",
    "duplicate_of": "paragraph whose text this one repeats (wholly or a sentence), else empty",
    "themes": "theme ids mentioned, ';'-separated",
    "matched_terms": "'theme: term' pairs that matched, ';'-separated",
    "dominant_theme": "the theme with most mentions in the paragraph",
    "polarity": "TextBlob polarity, -1 to +1",
    "subjectivity": "TextBlob subjectivity, 0 to 1",
    "sentiment_words": "the words that drove the polarity, with their scores",
}


def paragraph_table(analysis: Analysis, pids: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per paragraph with every annotation, in EXPORT_COLUMNS order."""
    rows = analysis.paragraphs if pids is None else analysis.paragraphs.loc[list(pids)]
    metas = analysis.documents
    table = pd.DataFrame(
        {
            "document": rows["doc_id"],
            "speaker": [metas[d].speaker for d in rows["doc_id"]],
            "date": [metas[d].date for d in rows["doc_id"]],
            "paragraph": rows["position"],
            "section": rows["section"],
            "kind": rows["kind"],
            "voice": rows["voice"],
            "text": rows["text"],
            "words": rows["words"],
            "counted_words": rows["counted_words"],
            "duplicate_of": rows["duplicate_of"],
            "themes": [";".join(t) for t in rows["themes"]],
            "matched_terms": [";".join(t) for t in rows["matched_terms"]],
            "dominant_theme": rows["dominant_theme"],
            "polarity": rows["polarity"],
            "subjectivity": rows["subjectivity"],
            "sentiment_words": [
                describe_drivers(stored_drivers(d), limit=50) for d in rows["drivers"]
            ],
        },
        columns=list(EXPORT_COLUMNS),
    )
    return table.reset_index(drop=True)


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write CSV or Parquet, chosen by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".parquet":
        table.to_parquet(path, index=False)
    else:
        raise ValueError(f"Cannot write “{suffix or path}”: use a .csv or .parquet file name.")


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode("utf-8")
