"""analyze(): every paragraph annotated once with sentiment, themes, counted words and terms."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from textblob import TextBlob

from speechlens.analysis import PARAGRAPH_COLUMNS, analyze, sentence_spans, theme_mention_matrix
from speechlens.corpus import load_default_lexicon, load_documents
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.themes import parse_lexicon
from tests.conftest import DATA_DIR, SEED_META, SEED_TEXT

# A word as a reader counts it: letters/digits, joined by inner hyphens or apostrophes.
WORD = re.compile(r"[^\W_]+(?:['’\-‐‑][^\W_]+)*")
REPEATED_OPENING = "Faced with these transnational threats"

# Two single-word themes, so mentions can be counted with a plain regex.
WORD_LEXICON = """
[[themes]]
id = "security-word"
label = "Security"
description = "the word security"
color = "#0072B2"
terms = ["security"]

[[themes]]
id = "interpol-word"
label = "Interpol"
description = "the word Interpol"
color = "#D55E00"
terms = ["interpol"]
"""
WORD_PATTERNS = {"security-word": r"\bsecurity\b", "interpol-word": r"\binterpol\b"}


def words_in(text: str) -> int:
    return len(WORD.findall(text))


def repeated_paragraphs(analysis):
    """The paragraphs that open with the sentence the report repeats, in reading order."""
    paragraphs = analysis.paragraphs
    return paragraphs[paragraphs["text"].str.startswith(REPEATED_OPENING)]


def first_sentence(text: str) -> str:
    """Up to the first full stop followed by a space (the repeated sentence has no other)."""
    return text.split(". ", 1)[0] + "."


@pytest.fixture(scope="module")
def word_analysis():
    """The seed speech analysed with the two one-word themes."""
    return analyze(load_documents(DATA_DIR), parse_lexicon(WORD_LEXICON))


def one_paragraph_analysis(text: str):
    document = parse_document(text, DocumentMeta(doc_id="one", title="One paragraph"))
    return analyze([document], load_default_lexicon(DATA_DIR))


# ----------------------------------------------------------------------------- sentiment


def test_every_paragraph_scores_equal_textblob(seed_analysis):
    paragraphs = seed_analysis.paragraphs
    assert len(paragraphs) > 0
    for text, polarity, subjectivity in zip(
        paragraphs["text"], paragraphs["polarity"], paragraphs["subjectivity"], strict=True
    ):
        expected = TextBlob(text).sentiment
        assert polarity == pytest.approx(expected.polarity, abs=1e-12), text[:60]
        assert subjectivity == pytest.approx(expected.subjectivity, abs=1e-12), text[:60]


def test_every_sentence_scores_equal_textblob(seed_analysis):
    for text, polarity in zip(seed_analysis.sentences["text"], seed_analysis.sentences["polarity"], strict=True):
        assert polarity == pytest.approx(TextBlob(text).sentiment.polarity, abs=1e-12), text[:60]


# ----------------------------------------------------------------------------- structure


def test_table_has_the_documented_columns(seed_analysis):
    assert list(seed_analysis.paragraphs.columns) == PARAGRAPH_COLUMNS
    assert list(seed_analysis.paragraphs.index) == list(range(len(seed_analysis.paragraphs)))


def test_headings_posts_and_body_paragraphs_are_told_apart(seed_analysis):
    lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
    headings = {"Why it became necessary to create an indivisible security architecture", "Cybercrime as a major issue"}
    assert headings <= set(lines), "the expected subheadings are lines of the seed text"
    attribution = next(i for i, line in enumerate(lines) if "(@INTERPOL_HQ)" in line)

    paragraphs = seed_analysis.paragraphs
    kinds = dict(zip(paragraphs["text"], paragraphs["kind"], strict=True))
    assert {text for text, kind in kinds.items() if kind == "heading"} == headings
    posts = [text for text, kind in kinds.items() if kind == "post"]
    assert len(posts) == 1
    assert lines[attribution - 1] in posts[0] and lines[attribution] in posts[0]
    body = [text for text, kind in kinds.items() if kind == "body"]
    assert len(body) == len(paragraphs) - len(headings) - 1
    assert all(not text.startswith("Why it became") and "(@INTERPOL_HQ)" not in text for text in body)


def test_section_is_the_last_heading_above(seed_analysis):
    current = ""
    for kind, text, section in zip(
        seed_analysis.paragraphs["kind"], seed_analysis.paragraphs["text"], seed_analysis.paragraphs["section"],
        strict=True,
    ):
        if kind == "heading":
            current = text
        assert section == current


# ----------------------------------------------------------------------------- counted words


def test_counted_words_leave_out_the_repeated_sentence(seed_analysis):
    first, second = (row for _, row in repeated_paragraphs(seed_analysis).iterrows())
    repeated = first_sentence(second["text"])
    assert words_in(repeated) >= 8
    assert second["counted_words"] == second["words"] - words_in(repeated)
    assert first["counted_words"] == first["words"]


def test_counted_words_equal_words_everywhere_else(seed_analysis):
    repeating = set(repeated_paragraphs(seed_analysis).index[1:])
    others = seed_analysis.paragraphs.drop(index=list(repeating))
    assert (others["counted_words"] == others["words"]).all()


def test_words_count_the_paragraph_text(seed_analysis):
    for text, words in zip(seed_analysis.paragraphs["text"], seed_analysis.paragraphs["words"], strict=True):
        assert words == words_in(text), text[:60]


# ----------------------------------------------------------------------------- matches


def test_match_offsets_point_at_the_surface(seed_analysis):
    matches = seed_analysis.matches
    assert len(matches) > 0
    texts = seed_analysis.paragraphs["text"]
    for pid, start, end, surface in zip(matches["pid"], matches["start"], matches["end"], matches["surface"], strict=True):
        assert texts[pid][start:end] == surface


def test_every_regex_mention_is_a_match(word_analysis):
    """Each occurrence of the one-word terms is found, at its own offsets."""
    for theme_id, pattern in WORD_PATTERNS.items():
        matches = word_analysis.matches[word_analysis.matches["theme"] == theme_id]
        for pid, text in word_analysis.paragraphs["text"].items():
            expected = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
            found = matches[matches["pid"] == pid]
            assert sorted(zip(found["start"], found["end"], strict=True)) == expected


def test_matches_in_the_repeated_sentence_are_flagged(word_analysis):
    second_pid = repeated_paragraphs(word_analysis).index[1]
    text = word_analysis.paragraphs.loc[second_pid, "text"]
    repeated_end = len(first_sentence(text))
    inside = len(re.findall(r"\bsecurity\b", text[:repeated_end], flags=re.IGNORECASE))
    assert inside >= 1, "the repeated sentence names security"

    matches = word_analysis.matches
    mine = matches[matches["pid"] == second_pid]
    assert mine["repeated"].tolist() == [start < repeated_end for start in mine["start"]]
    assert int(mine["repeated"].sum()) == inside
    # nowhere else is anything flagged
    assert not matches[matches["pid"] != second_pid]["repeated"].any()


def test_repeated_flags_follow_sentence_repeats(seed_analysis):
    sentences = seed_analysis.sentences
    flagged = sentences[sentences["repeated"]]
    assert len(flagged) == 1
    assert flagged["text"].iloc[0].startswith(REPEATED_OPENING)
    assert flagged["pid"].iloc[0] == repeated_paragraphs(seed_analysis).index[1]


def counted_mentions(analysis, pid):
    matches = analysis.matches
    mine = matches[(matches["pid"] == pid) & ~matches["repeated"]]
    return mine["theme"].value_counts().to_dict()


def test_dominant_theme_has_the_most_counted_mentions(seed_analysis):
    order = list(seed_analysis.theme_ids)
    assert (seed_analysis.paragraphs["dominant_theme"] != "").any()
    for pid, row in seed_analysis.paragraphs.iterrows():
        counts = counted_mentions(seed_analysis, pid)
        if not counts:
            assert row["dominant_theme"] == ""
            assert row["themes"] == ()
            continue
        best = max(counts.values())
        leaders = [t for t in order if counts.get(t) == best]
        assert row["dominant_theme"] == leaders[0]
        assert row["themes"] == tuple(t for t in order if t in counts)


def test_dominant_theme_ignores_mentions_in_a_repeated_sentence(word_analysis):
    """In the repeating paragraph security is named twice in the repeated sentence only."""
    second_pid = repeated_paragraphs(word_analysis).index[1]
    row = word_analysis.paragraphs.loc[second_pid]
    rest = row["text"][len(first_sentence(row["text"])):]
    expected = len(re.findall(r"\bsecurity\b", rest, flags=re.IGNORECASE))
    assert counted_mentions(word_analysis, second_pid).get("security-word", 0) == expected
    assert ("security-word" in row["themes"]) == (expected > 0)


# ----------------------------------------------------------------------------- mention matrix


@pytest.mark.parametrize("include_repeats", [False, True])
def test_mention_matrix_shape_and_columns(seed_analysis, include_repeats):
    pids = seed_analysis.paragraphs.index.to_numpy()[::2]
    matrix = theme_mention_matrix(seed_analysis, pids, include_repeats)
    assert matrix.shape == (len(pids), len(seed_analysis.lexicon.themes))
    assert list(matrix.columns) == [theme.id for theme in seed_analysis.lexicon.themes]
    assert list(matrix.index) == list(pids)


@pytest.mark.parametrize("include_repeats", [False, True])
def test_mention_matrix_counts_regex_mentions(word_analysis, include_repeats):
    pids = word_analysis.paragraphs.index.to_numpy()
    matrix = theme_mention_matrix(word_analysis, pids, include_repeats)
    repeating = repeated_paragraphs(word_analysis).index[1]
    for pid, text in word_analysis.paragraphs["text"].items():
        if pid == repeating and not include_repeats:
            text = text[len(first_sentence(text)):]
        for theme_id, pattern in WORD_PATTERNS.items():
            assert matrix.loc[pid, theme_id] == len(re.findall(pattern, text, flags=re.IGNORECASE))


def test_mention_matrix_of_no_paragraphs(seed_analysis):
    matrix = theme_mention_matrix(seed_analysis, np.array([], dtype=int), include_repeats=False)
    assert matrix.shape == (0, len(seed_analysis.theme_ids))


# ----------------------------------------------------------------------------- small inputs


def test_analyze_nothing():
    analysis = analyze([], load_default_lexicon(DATA_DIR))
    assert analysis.paragraphs.empty and analysis.sentences.empty and analysis.matches.empty
    assert list(analysis.paragraphs.columns) == PARAGRAPH_COLUMNS
    assert analysis.documents == {}
    assert analysis.terms.counts_for([0]) == {}
    assert theme_mention_matrix(analysis, np.array([], dtype=int), False).shape == (0, len(analysis.theme_ids))


def test_analyze_one_paragraph():
    text = "Cybercrime and ransomware attacks are a serious and growing danger for every police force."
    analysis = one_paragraph_analysis(text)
    assert len(analysis.paragraphs) == 1
    row = analysis.paragraphs.iloc[0]
    assert (row["kind"], row["position"], row["text"], row["words"], row["counted_words"]) == (
        "body", 1, text, words_in(text), words_in(text),
    )
    assert row["polarity"] == pytest.approx(TextBlob(text).sentiment.polarity)
    assert row["dominant_theme"] == "cybercrime"
    assert sorted(analysis.matches["surface"]) == ["Cybercrime", "ransomware"]
    assert analysis.terms.counts_for([0])["cybercrime"] == 1
    assert list(analysis.documents) == ["one"]


def test_paragraph_without_theme_terms():
    analysis = one_paragraph_analysis("The weather in the city was pleasant all week long.")
    row = analysis.paragraphs.iloc[0]
    assert row["themes"] == () and row["matched_terms"] == () and row["dominant_theme"] == ""
    assert analysis.matches.empty


# ----------------------------------------------------------------------------- sentence_spans


@pytest.mark.parametrize(
    ("text", "sentences", "spans"),
    [
        ("One. Two.", ["One.", "Two."], [(0, 4), (5, 9)]),
        ("Yes. Yes. Yes.", ["Yes.", "Yes.", "Yes."], [(0, 4), (5, 9), (10, 14)]),
        ("No. No way. No.", ["No.", "No way.", "No."], [(0, 3), (4, 11), (12, 15)]),
        ("A post 🇲🇦\n— INTERPOL (@INTERPOL_HQ) 2025", ["A post 🇲🇦", "— INTERPOL (@INTERPOL_HQ) 2025"],
         [(0, 9), (10, 40)]),
        ("Only one sentence here.", ["Only one sentence here."], [(0, 23)]),
        ("Nothing to find.", [], []),
        # not found verbatim (spacing differs): starts where the previous sentence ended
        ("A  b. C.", ["A b.", "C."], [(0, 4), (6, 8)]),
    ],
    ids=["two", "identical", "prefix-of-later", "post-with-attribution", "one", "none", "not-verbatim"],
)
def test_sentence_spans(text, sentences, spans):
    found = list(sentence_spans(text, sentences))
    assert found == spans
    for (start, end), sentence in zip(found, sentences, strict=True):
        if sentence in text:
            assert text[start:end] == sentence


def test_sentence_spans_of_the_seed_cover_their_sentences(seed_analysis):
    sentences = seed_analysis.sentences
    for pid, text in seed_analysis.paragraphs["text"].items():
        mine = sentences[sentences["pid"] == pid]["text"].tolist()
        spans = list(sentence_spans(text, mine))
        assert [text[s:e] for s, e in spans] == mine
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


# ----------------------------------------------------------------------------- fingerprint


def _fingerprint_of(text: str, themes_toml: str, **meta_changes) -> str:
    from dataclasses import replace as replace_meta

    from speechlens.analysis import data_fingerprint
    from speechlens.parsing import parse_document, read_meta
    from speechlens.themes import parse_lexicon

    meta = replace_meta(read_meta(SEED_META), **meta_changes)
    return data_fingerprint([parse_document(text, meta)], parse_lexicon(themes_toml))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda text, themes: (text.replace("Marrakech", "Rabat", 1), themes, {}), id="a word of the text"),
        pytest.param(lambda text, themes: (text + "\nOne more paragraph.", themes, {}), id="an added paragraph"),
        pytest.param(lambda text, themes: (text, themes.replace('"ransomware"', '"ransom-ware"', 1), {}), id="a theme term"),
        pytest.param(lambda text, themes: (text, themes, {"date": "2025-11-25"}), id="the date"),
    ],
)
def test_the_fingerprint_changes_with_the_text_the_themes_or_the_metadata(change):
    text = SEED_TEXT.read_text(encoding="utf-8")
    themes = (DATA_DIR / "themes.toml").read_text(encoding="utf-8")
    original = _fingerprint_of(text, themes)
    assert original == _fingerprint_of(text, themes)  # stable for the same data
    changed_text, changed_themes, meta_changes = change(text, themes)
    assert changed_themes != themes or changed_text != text or meta_changes
    assert _fingerprint_of(changed_text, changed_themes, **meta_changes) != original
    assert len(original) == 8


def test_the_fingerprint_is_made_of_each_documents_metadata_and_text_digest():
    from speechlens.analysis import data_fingerprint, digests_fingerprint
    from speechlens.text import text_sha256

    documents = load_documents(DATA_DIR)
    lexicon = load_default_lexicon(DATA_DIR)
    assert data_fingerprint(documents, lexicon) == digests_fingerprint(
        [(d.meta, text_sha256(d.text)) for d in documents], lexicon
    )


# ----------------------------------------------------------------------------- tables in parts


def test_tables_given_in_parts_and_out_of_order_give_the_same_analysis():
    from speechlens.analysis import AnalysisBuilder, annotate

    documents = [
        *load_documents(DATA_DIR),
        parse_document("Cybercrime is rising.\n\nWe must cooperate against terrorism. Not bad at all!",
                       DocumentMeta(doc_id="two", title="Two")),
        parse_document("A speech about peace and borders.", DocumentMeta(doc_id="three", title="Three")),
    ]
    lexicon = load_default_lexicon(DATA_DIR)
    expected = analyze(documents, lexicon)
    annotation = annotate(documents, lexicon)
    first_pid = np.cumsum(annotation.rows[:, 0]) - annotation.rows[:, 0]
    builder = AnalysisBuilder()
    for index in (2, 0, 1):  # documents in another order than their pids
        part = annotation.slice(index, index + 1)
        for name in ("terms", "matches", "sentences", "paragraphs"):
            table = getattr(part, name)
            builder.add(name, table, first_pid[index] + table["position"].to_numpy() - 1)
    built = builder.build(expected.documents, lexicon, expected.fingerprint)
    for name in ("paragraphs", "sentences", "matches"):
        pd.testing.assert_frame_equal(getattr(built, name), getattr(expected, name), check_exact=True)
    assert built.terms.vocabulary == expected.terms.vocabulary
    for name in ("pid", "term", "count", "repeated"):
        np.testing.assert_array_equal(getattr(built.terms, name), getattr(expected.terms, name))


def test_a_packed_annotation_unpacks_to_the_same_tables():
    import pickle

    from speechlens.analysis import SCHEMAS, annotate

    documents = [
        *load_documents(DATA_DIR),
        parse_document("", DocumentMeta(doc_id="empty", title="Empty")),
        parse_document("Cybercrime is rising. Cybercrime is rising.\n\nWe cooperate.",
                       DocumentMeta(doc_id="two", title="Two")),
    ]
    lexicon = load_default_lexicon(DATA_DIR)
    for chosen in (documents, documents[-2:-1], []):
        plain = annotate(chosen, lexicon)
        packed = annotate(chosen, lexicon, packed=True)
        assert packed.terms.num_rows == plain.terms.num_rows and not packed.terms.schema.equals(SCHEMAS["terms"])
        unpacked = pickle.loads(pickle.dumps(packed)).unpacked()  # as a worker sends it
        np.testing.assert_array_equal(unpacked.rows, plain.rows)
        for name, table in plain.tables().items():
            assert getattr(unpacked, name).schema.equals(SCHEMAS[name]) and getattr(unpacked, name).equals(table), name
        assert plain.unpacked() is plain


@pytest.mark.parametrize("table", ["sentences", "matches"])
@pytest.mark.parametrize("pick", ["first", "some", "none", "unknown"])
def test_rows_of_a_few_paragraphs_are_the_rows_a_full_scan_finds(seed_analysis, table, pick):
    frame = getattr(seed_analysis, table)
    every = sorted(set(frame["pid"]))
    pids = {"first": every[:1], "some": every[::3] + every[1:2], "none": [], "unknown": [10**6]}[pick]
    expected = frame[frame["pid"].isin(pids)]
    pd.testing.assert_frame_equal(seed_analysis.rows_of(table, pids), expected)
