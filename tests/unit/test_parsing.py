"""Parsing documents: the seed press report's traps, metadata loading, kinds and voices."""

from __future__ import annotations

import shutil

import pytest

from speechlens.model import Document, DocumentMeta
from speechlens.parsing import MetadataError, ParsedDocument, load_document, parse, parse_document
from speechlens.reading import UnreadableTextError
from speechlens.text import count_words, normalize_text, tokenize
from tests.conftest import SEED_META, SEED_TEXT

HEADING_1 = "Why it became necessary to create an indivisible security architecture"
HEADING_2 = "Cybercrime as a major issue"
POST_TEXT = "The opening ceremony of the 93rd INTERPOL General Assembly is underway in Marrakech 🇲🇦"
POST_ATTRIBUTION = "— INTERPOL (@INTERPOL_HQ) November 24, 2025"
FIRST_FACED = "Faced with these transnational threats, the head of the DGSN-DGST (National Security and"
REPEATED_FACED = "Faced with these transnational threats, the head of the DGSN-DGST (National Security Directorate"


@pytest.fixture(scope="module")
def seed():
    return load_document(SEED_TEXT, SEED_META)


def paragraph_starting(document, prefix):
    matches = [p for p in document.paragraphs if p.text.startswith(prefix)]
    assert len(matches) == 1, f"{len(matches)} paragraphs start with {prefix!r}"
    return matches[0]


# --- the seed press report -----------------------------------------------------


def test_seed_metadata(seed):
    meta = seed.meta
    assert meta.doc_id == "interpol-ga93-hammouchi-2025"
    assert meta.title == "Opening address to the 93rd INTERPOL General Assembly"
    assert meta.speaker == "Abdellatif Hammouchi"
    assert meta.post.startswith("Director General of National Security and Territorial Surveillance")
    assert (meta.country, meta.place, meta.date) == ("Morocco", "Marrakech", "2025-11-24")
    assert meta.event == "Opening of the 93rd INTERPOL General Assembly"
    assert (meta.source_type, meta.language) == ("press-report", "en")
    assert "the head of the DGSN-DGST" in meta.speaker_aliases


def test_seed_loads_from_the_metadata_path_alone(seed):
    assert load_document(meta_path=SEED_META) == seed
    assert load_document(SEED_TEXT) == seed


def test_seed_blank_lines_give_no_empty_paragraphs(seed):
    raw_lines = [line for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(p.text.strip() and p.sentences and p.words > 0 for p in seed.paragraphs)
    # One paragraph per non-blank line, except the post and its attribution: one paragraph.
    assert len(seed.paragraphs) == len(raw_lines) - 1 == 19


def test_seed_positions_are_1_based_in_reading_order(seed):
    assert [p.position for p in seed.paragraphs] == list(range(1, len(seed.paragraphs) + 1))
    assert {p.doc_id for p in seed.paragraphs} == {"interpol-ga93-hammouchi-2025"}


def test_seed_subheadings_are_headings_that_open_sections(seed):
    headings = [p for p in seed.paragraphs if p.kind == "heading"]
    assert [h.text for h in headings] == [HEADING_1, HEADING_2]
    first, second = (h.position for h in headings)
    for paragraph in seed.paragraphs:
        if paragraph.position < first:
            assert paragraph.section == ""
        elif paragraph.position < second:
            assert paragraph.section == HEADING_1
        else:
            assert paragraph.section == HEADING_2
    assert paragraph_starting(seed, FIRST_FACED).section == HEADING_1
    assert paragraph_starting(seed, "It is encouraging").section == HEADING_2


def test_seed_embedded_post_is_one_post_paragraph(seed):
    posts = [p for p in seed.paragraphs if p.kind == "post"]
    assert len(posts) == 1
    post = posts[0]
    assert post.text == f"{POST_TEXT}\n{POST_ATTRIBUTION}"
    assert [s.text for s in post.sentences] == [POST_TEXT, POST_ATTRIBUTION]
    assert post.position == 4
    assert not any(p.text.startswith("—") for p in seed.paragraphs)


def test_seed_everything_else_is_body(seed):
    kinds = [p.kind for p in seed.paragraphs]
    assert kinds.count("body") == len(kinds) - 3


def test_seed_repeated_sentence_and_paragraph_are_flagged(seed):
    original = paragraph_starting(seed, FIRST_FACED)
    repeat = paragraph_starting(seed, REPEATED_FACED)
    assert original.position < repeat.position
    assert repeat.duplicate_of == original.position
    assert repeat.sentences[0].repeat_of == (original.position, 0)
    assert all(s.repeat_of is None for s in repeat.sentences[1:])
    assert len(repeat.sentences) >= 2 and not repeat.is_full_duplicate
    # Nothing else repeats.
    assert [p.position for p in seed.paragraphs if p.duplicate_of is not None] == [repeat.position]
    assert all(s.repeat_of is None for p in seed.paragraphs if p is not repeat for s in p.sentences)


def test_seed_stray_double_comma_is_fixed(seed):
    assert ",," not in seed.text
    assert not any(",," in p.text for p in seed.paragraphs)
    assert paragraph_starting(seed, "If we all aspire").text.endswith("ochre city of Marrakech, he continued.")


def test_seed_words_and_sentences_match_the_text(seed):
    assert seed.text == normalize_text(SEED_TEXT.read_text(encoding="utf-8"))
    for paragraph in seed.paragraphs:
        assert paragraph.words == count_words(paragraph.text)
        if paragraph.kind == "body":
            assert " ".join(s.text for s in paragraph.sentences) == paragraph.text


@pytest.mark.parametrize(
    ("prefix", "sentence_voices", "paragraph_voice"),
    [
        ("From the very first minutes", ["narration", "narration"], "narration"),
        ("The head of the DGSN-DGST division emphasized", ["reported", "narration", "reported", "reported"], "reported"),
        ("He added that this orientation", ["reported"], "reported"),
        (POST_TEXT, ["narration", "narration"], "narration"),
        ("Abdellatif Hammouchi explained", ["reported", "narration"], "reported"),
        (HEADING_1, ["narration"], "narration"),
        (FIRST_FACED, ["reported", "reported"], "reported"),
        ("Achieving our collective security", ["direct", "direct"], "direct"),
        ("While organized crime", ["direct"], "direct"),
        ("The Director General also praised", ["reported"], "reported"),
        ("If we all aspire", ["direct"], "direct"),
        ("It is encouraging", ["direct", "direct"], "direct"),
        ("Similarly, the inclusion", ["direct"], "direct"),
        ("In conclusion to his speech", ["reported"], "reported"),
        ("Abdellatif Hammouchi assured", ["reported"], "reported"),
    ],
)  # fmt: skip
def test_seed_voices(seed, prefix, sentence_voices, paragraph_voice):
    paragraph = paragraph_starting(seed, prefix)
    assert [s.voice for s in paragraph.sentences] == sentence_voices
    assert paragraph.voice == paragraph_voice


# --- parse_document on small texts ---------------------------------------------

SPEECH = DocumentMeta(doc_id="t", title="T", speaker="Jane Doe", source_type="speech")
REPORT = DocumentMeta(doc_id="t", title="T", speaker="Jane Doe", source_type="press-report")


def test_a_transcript_is_all_direct():
    text = "Our shared future\nWe must act together. The minister said that she agreed.\n"
    document = parse_document(text, SPEECH)
    assert [p.kind for p in document.paragraphs] == ["heading", "body"]
    assert {s.voice for p in document.paragraphs for s in p.sentences} == {"direct"}
    assert {p.voice for p in document.paragraphs} == {"direct"}


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("A closing line without a full stop", ["body"]),
        ("Body text comes first.\nA trailing line without a full stop", ["body", "body"]),
        ("Mr. President\nWe meet again.", ["body"]),  # the salutation opens the paragraph
        ("A title\nA subtitle\nThe text begins here.", ["heading", "heading", "body"]),
        ("Real news today 🇲🇦 — INTERPOL (@INTERPOL_HQ) November 24, 2025\nText.", ["post", "body"]),
        ("A post line\n— Someone (@someone) May 1, 2024\nText.", ["post", "body"]),
        ("what follows is lowercase\nText.", ["body", "body"]),
    ],
    ids=["trailing-line", "line-after-body", "salutation", "title-and-subtitle", "post-one-line",
         "post-two-lines", "lowercase"],
)  # fmt: skip
def test_paragraph_kinds(text, kinds):
    assert [p.kind for p in parse_document(text, REPORT).paragraphs] == kinds


def test_a_wholly_repeated_paragraph_is_a_full_duplicate():
    first = "The security of each State depends on the security of all States in the region."
    second = "Every police force must share information quickly and safely with its partners."
    text = f"{first} {second}\nSomething else happens in between these two paragraphs.\n{first} {second}\n"
    paragraphs = parse_document(text, SPEECH).paragraphs
    assert paragraphs[2].duplicate_of == 1
    assert [s.repeat_of for s in paragraphs[2].sentences] == [(1, 0), (1, 1)]
    assert paragraphs[2].is_full_duplicate
    assert paragraphs[0].duplicate_of is None and not paragraphs[0].is_full_duplicate


def test_a_voice_tie_goes_to_the_speakers_own_words():
    paragraph = parse_document("She said that the plan works. The plan works well, she said.", REPORT).paragraphs[0]
    assert [s.voice for s in paragraph.sentences] == ["reported", "direct"]
    assert paragraph.voice == "direct"


def test_an_empty_text_parses_to_no_paragraphs():
    document = parse_document("\n\n \n", SPEECH)
    assert document.paragraphs == () and document.text == ""


# --- loading and validating metadata -------------------------------------------

VALID_TOML = """\
doc_id = "d1"
title = "A title"
speaker = "Jane Doe"
source_type = "speech"
date = "2024-09-24"
text_file = "speech.txt"
"""


@pytest.fixture()
def document_files(tmp_path):
    (tmp_path / "speech.txt").write_text("We must act together.\n", encoding="utf-8")
    meta = tmp_path / "speech.toml"
    meta.write_text(VALID_TOML, encoding="utf-8")
    return tmp_path / "speech.txt", meta


def test_load_document_from_files(document_files):
    text, meta = document_files
    document = load_document(text, meta)
    assert document.meta == DocumentMeta(
        doc_id="d1", title="A title", speaker="Jane Doe", source_type="speech", date="2024-09-24"
    )
    assert [p.text for p in document.paragraphs] == ["We must act together."]
    assert load_document(meta_path=meta) == document == load_document(text)


def test_an_unquoted_toml_date_is_accepted(document_files):
    text, meta = document_files
    meta.write_text(VALID_TOML.replace('"2024-09-24"', "2024-09-24"), encoding="utf-8")
    assert load_document(text, meta).meta.date == "2024-09-24"


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        (VALID_TOML.replace('title = "A title"', 'title = "A title'), "not valid TOML"),
        (VALID_TOML.replace('doc_id = "d1"\n', ""), "missing required field 'doc_id'"),
        (VALID_TOML.replace('title = "A title"\n', ""), "missing required field 'title'"),
        (VALID_TOML.replace('speaker = "Jane Doe"\n', 'speaker = "  "\n'), "missing required field 'speaker'"),
        (VALID_TOML.replace('source_type = "speech"\n', ""), "missing required field 'source_type'"),
        (VALID_TOML.replace('"2024-09-24"', '"2024-13-01"'), "date '2024-13-01' is not a valid"),
        (VALID_TOML.replace('"2024-09-24"', '"24/09/2024"'), "date '24/09/2024' is not a valid"),
        (VALID_TOML.replace('"2024-09-24"', "2024-09-24T10:00:00"), "must be a string"),
        (VALID_TOML.replace('"speech"', '"interview"'), "unknown source_type 'interview'"),
        (VALID_TOML + 'speker = "typo"\n', "unknown field"),
        (VALID_TOML + 'speaker_aliases = "Jane"\n', "speaker_aliases must be a list"),
        (VALID_TOML + "country = 3\n", "'country' must be a string"),
        (VALID_TOML.replace('"speech.txt"', '"other.txt"'), "text_file is 'other.txt'"),
    ],
    ids=[
        "bad-toml", "no-doc_id", "no-title", "blank-speaker", "no-source_type", "bad-month",
        "bad-format", "datetime", "unknown-source_type", "unknown-key", "aliases-not-list",
        "country-not-string", "text_file-mismatch",
    ],
)  # fmt: skip
def test_bad_metadata_is_a_clear_error(document_files, toml, problem):
    text, meta = document_files
    meta.write_text(toml, encoding="utf-8")
    with pytest.raises(MetadataError, match=problem) as error:
        load_document(text, meta)
    assert "speech.toml" in str(error.value)
    assert isinstance(error.value, ValueError)


def test_a_missing_metadata_file_is_a_clear_error(tmp_path):
    text = tmp_path / "lonely.txt"
    text.write_text("Text.", encoding="utf-8")
    with pytest.raises(MetadataError, match="lonely.toml: metadata file not found"):
        load_document(text)


def test_a_missing_text_file_is_a_clear_error(document_files):
    text, meta = document_files
    text.unlink()
    with pytest.raises(UnreadableTextError, match="speech.txt: file not found"):
        load_document(meta_path=meta)


def test_load_document_needs_a_path():
    with pytest.raises(MetadataError, match="needs a text path or a metadata path"):
        load_document()


def test_the_seed_metadata_loads_from_a_copy(tmp_path):
    shutil.copy(SEED_TEXT, tmp_path)
    shutil.copy(SEED_META, tmp_path)
    document = load_document(meta_path=tmp_path / SEED_META.name)
    assert document.meta.doc_id == "interpol-ga93-hammouchi-2025"


# ----------------------------------------------------------------------------- in columns


def test_the_parse_in_columns_is_the_parsed_document(seed):
    text = SEED_TEXT.read_text(encoding="utf-8")
    parsed = parse(text, seed.meta)
    assert parsed.document() == seed
    assert parsed.text_is_normalised
    assert parsed.tokens == [[t.lower() for t in tokenize(s.text)] for p in seed.paragraphs for s in p.sentences]
    assert list(parsed.vocabulary[parsed.codes]) == [t for tokens in parsed.tokens for t in tokens]
    # a normalised text need not be normalised again
    assert parse(normalize_text(text), seed.meta, normalised=True).document() == seed


def test_a_document_turns_into_columns_and_back(seed):
    columns = ParsedDocument.of(seed)
    assert columns.document() == seed
    assert not columns.text_is_normalised
    assert columns.sentence_starts[-1] == len(columns.sentences) == sum(len(p.sentences) for p in seed.paragraphs)


def test_columns_need_paragraphs_numbered_from_one(seed):
    shuffled = Document(seed.meta, (seed.paragraphs[1], seed.paragraphs[0], *seed.paragraphs[2:]), seed.text)
    with pytest.raises(ValueError, match="paragraph 1 must have position 1"):
        ParsedDocument.of(shuffled)
