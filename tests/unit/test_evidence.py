"""evidence_items(): the paragraphs behind a number, labelled, scored, highlighted and annotated."""

from __future__ import annotations

import re

import pytest
from textblob import TextBlob

from speechlens.analysis import analyze
from speechlens.corpus import load_default_lexicon, load_documents
from speechlens.evidence import evidence_items
from speechlens.filters import Filters, select
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from tests.conftest import DATA_DIR

REPEATED_OPENING = "Faced with these transnational threats"
SYNTHETIC = """We open with a word about our partnership and the safety of every citizen here today.

Cybercrime and terrorism threaten every nation in this region today. We will answer together with resolve.

We open with a word about our partnership and the safety of every citizen here today.
"""


def all_pids(analysis) -> list[int]:
    return [int(p) for p in analysis.paragraphs.index]


def pid_of(analysis, predicate) -> int:
    return int(next(p for p, text in analysis.paragraphs["text"].items() if predicate(text)))


def covered(spans, start, end) -> bool:
    return any(s <= start and end <= e for s, e in spans)


@pytest.fixture(scope="module")
def synthetic():
    document = parse_document(SYNTHETIC, DocumentMeta(doc_id="synthetic", title="Synthetic"))
    return analyze([document], load_default_lexicon(DATA_DIR))


def test_one_item_per_pid_in_the_order_given(seed_analysis):
    pids = list(reversed(all_pids(seed_analysis)))[:7]
    items = evidence_items(seed_analysis, pids)
    assert [item.pid for item in items] == pids
    for item in items:
        row = seed_analysis.paragraphs.loc[item.pid]
        assert (item.text, item.position, item.kind, item.doc_id) == (
            row["text"], row["position"], row["kind"], row["doc_id"],
        )


def test_no_pids_no_items(seed_analysis):
    assert evidence_items(seed_analysis, []) == []


def test_highlights_cover_every_theme_term(seed_analysis):
    items = evidence_items(seed_analysis, all_pids(seed_analysis))
    matches = seed_analysis.matches
    assert len(matches) > 0
    for item in items:
        mine = matches[matches["pid"] == item.pid]
        for start, end, surface in zip(mine["start"], mine["end"], mine["surface"], strict=True):
            assert covered(item.highlights, start, end), (item.pid, surface)
            assert item.text[start:end] == surface
        if mine.empty:
            assert item.highlights == ()


@pytest.mark.parametrize("keyword", ["security", "SECURITY", "Interpol", "DGSN-DGST (", "a", "  morocco  "])
def test_highlights_cover_every_occurrence_of_the_keyword(seed_analysis, keyword):
    pids = [int(p) for p in select(seed_analysis, Filters(keyword=keyword)).pids]
    items = evidence_items(seed_analysis, pids, keyword=keyword)
    needle = re.compile(re.escape(keyword.strip()), re.IGNORECASE)
    assert items
    for item in items:
        occurrences = [(m.start(), m.end()) for m in needle.finditer(item.text)]
        assert occurrences
        for start, end in occurrences:
            assert covered(item.highlights, start, end), (item.pid, start)


def test_highlights_are_sorted_and_inside_the_text(seed_analysis):
    for item in evidence_items(seed_analysis, all_pids(seed_analysis), keyword="the"):
        assert list(item.highlights) == sorted(set(item.highlights))
        assert all(0 <= s < e <= len(item.text) for s, e in item.highlights)


def test_repeated_sentence_note_names_the_earlier_paragraph(seed_analysis):
    first = pid_of(seed_analysis, lambda t: t.startswith(REPEATED_OPENING))
    later = [p for p, t in seed_analysis.paragraphs["text"].items() if t.startswith(REPEATED_OPENING)][1]
    earlier_position = int(seed_analysis.paragraphs.loc[first, "position"])
    (item,) = evidence_items(seed_analysis, [int(later)])
    assert f"¶{earlier_position}" in item.note
    assert "first sentence" in item.note.lower()
    assert "not counted" in item.note.lower()
    (original,) = evidence_items(seed_analysis, [first])
    assert original.note == ""


def test_post_note(seed_analysis):
    post = pid_of(seed_analysis, lambda t: "(@INTERPOL_HQ)" in t)
    (item,) = evidence_items(seed_analysis, [post])
    assert "post" in item.note.lower()
    assert "not the speaker" in item.note.lower()
    assert "Embedded post" in item.label


def test_plain_paragraphs_have_no_note(seed_analysis):
    paragraphs = seed_analysis.paragraphs
    plain = [
        int(p) for p, row in paragraphs.iterrows()
        if row["kind"] == "body" and not row["text"].startswith(REPEATED_OPENING)
    ]
    assert plain
    assert all(item.note == "" for item in evidence_items(seed_analysis, plain))


def test_full_duplicate_note(synthetic):
    paragraphs = synthetic.paragraphs
    first, copy = [int(p) for p, t in paragraphs["text"].items() if t.startswith("We open with")]
    (item,) = evidence_items(synthetic, [copy])
    assert f"¶{int(paragraphs.loc[first, 'position'])}" in item.note
    assert item.note.startswith("Repeats")
    # its theme terms are still highlighted, although they are not counted
    assert len(item.highlights) == len(synthetic.matches[synthetic.matches["pid"] == copy])
    assert item.themes == ()


def test_label_names_paragraph_voice_and_section(seed_analysis):
    paragraphs = seed_analysis.paragraphs
    for item in evidence_items(seed_analysis, all_pids(seed_analysis)):
        row = paragraphs.loc[item.pid]
        assert item.label.startswith(f"¶{row['position']} ")
        assert f"“{row['section'] or 'Opening'}”" in item.label
        assert seed_analysis.paragraphs.loc[item.pid, "doc_id"] not in item.label  # one document: no id
    reported = next(int(p) for p, v in paragraphs["voice"].items() if v == "reported")
    assert "reported" in evidence_items(seed_analysis, [reported])[0].label


def test_label_names_the_document_when_there_are_several(seed_analysis):
    documents = [*load_documents(DATA_DIR), parse_document(SYNTHETIC, DocumentMeta("synthetic", "Synthetic"))]
    analysis = analyze(documents, seed_analysis.lexicon)
    for item in evidence_items(analysis, all_pids(analysis)):
        assert item.label.startswith(item.doc_id)


def test_scores_are_textblobs(seed_analysis):
    for item in evidence_items(seed_analysis, all_pids(seed_analysis)):
        sentiment = TextBlob(item.text).sentiment
        polarity = sentiment.polarity
        sign = "" if abs(polarity) < 0.005 else ("+" if polarity > 0 else "\u2212")
        assert item.scores == f"polarity {sign}{abs(polarity):.2f} · subjectivity {sentiment.subjectivity:.2f}"


def test_themes_are_labels_of_counted_themes(seed_analysis):
    labels = seed_analysis.lexicon.labels
    order = list(seed_analysis.theme_ids)
    matches = seed_analysis.matches[~seed_analysis.matches["repeated"]]
    for item in evidence_items(seed_analysis, all_pids(seed_analysis)):
        counted = set(matches.loc[matches["pid"] == item.pid, "theme"])
        assert item.themes == tuple(labels[t] for t in order if t in counted)


def test_drivers_name_sentiment_words_found_in_the_text(seed_analysis):
    items = evidence_items(seed_analysis, all_pids(seed_analysis))
    assert any(item.drivers for item in items)
    for item in items:
        for part in filter(None, item.drivers.split("), ")):
            phrase = part.rsplit(" (", 1)[0]
            assert phrase.split()[-1].lower() in item.text.lower()
