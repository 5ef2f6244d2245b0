"""Plain-words captions: the source, the filters and the coverage a chart shows, and its file name."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from speechlens.captions import (
    chart_subtitle,
    coverage_line,
    describe_filters,
    export_filename,
    format_date,
    source_line,
)
from speechlens.corpus import load_default_lexicon
from speechlens.filters import Filters
from speechlens.model import DocumentMeta
from speechlens.parsing import read_meta
from tests.conftest import DATA_DIR, SEED_META

MINUS = "\u2212"
LABELS = load_default_lexicon(DATA_DIR).labels
SEED = read_meta(SEED_META)
SEED_DOCS = {SEED.doc_id: SEED}
# Characters Windows, macOS or Linux refuse (or treat specially) in a file name.
ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\s]')


def docs(*metas: DocumentMeta) -> dict[str, DocumentMeta]:
    return {meta.doc_id: meta for meta in metas}


def seed_date_in_words() -> str:
    day = dt.date.fromisoformat(SEED.date)
    return f"{day.day} {day.strftime('%b')} {day.year}"


# ----------------------------------------------------------------------------- source_line


def test_source_line_of_the_seed():
    line = source_line(SEED_DOCS)
    expected = f"{SEED.speaker}, {SEED.event}, {SEED.place}, {seed_date_in_words()} (press report)"
    assert line == expected
    assert SEED.date not in line  # the date is written out, not ISO


@pytest.mark.parametrize(
    ("meta", "line"),
    [
        (DocumentMeta("a", "Untitled talk"), "Untitled talk"),
        (DocumentMeta("a", "Talk", speaker="Jane Doe"), "Jane Doe"),
        (DocumentMeta("a", "Talk", speaker="Jane Doe", date="2024-01-02"), "Jane Doe, 2 Jan 2024"),
        (DocumentMeta("a", "Talk", speaker="Jane Doe", event="Summit"), "Jane Doe, Summit"),
        (DocumentMeta("a", "Talk", speaker="Jane Doe", place="Lyon"), "Jane Doe, Lyon"),
        (DocumentMeta("a", "Talk", event="Summit", place="Lyon"), "Summit, Lyon"),
        (DocumentMeta("a", "Talk", speaker="Jane Doe", source_type="press-report"), "Jane Doe (press report)"),
    ],
    ids=["nothing", "speaker", "speaker-date", "speaker-event", "speaker-place", "no-speaker", "press"],
)
def test_source_line_skips_missing_fields(meta, line):
    assert source_line(docs(meta)) == line


def test_source_line_of_a_bare_press_report_names_its_title():
    line = source_line(docs(DocumentMeta("a", "Untitled report", source_type="press-report")))
    assert line == "Untitled report (press report)"


@pytest.mark.parametrize("count", [0, 2, 3])
def test_source_line_of_several_documents(count):
    metas = [DocumentMeta(f"d{i}", f"Speech {i}", speaker=f"Speaker {i}") for i in range(count)]
    assert source_line(docs(*metas)) == f"{count} documents"


# ----------------------------------------------------------------------------- format_date


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("2025-11-24", "24 Nov 2025"),
        ("2024-01-02", "2 Jan 2024"),
        ("1999-12-31", "31 Dec 1999"),
        ("", ""),
        ("garbage", "garbage"),
        ("2025-13-01", "2025-13-01"),
        ("24/11/2025", "24/11/2025"),
    ],
)
def test_format_date(iso, shown):
    assert format_date(iso) == shown


# ----------------------------------------------------------------------------- describe_filters


@pytest.mark.parametrize(
    ("filters", "description"),
    [
        (Filters(), "all paragraphs"),
        (Filters(themes=("cybercrime",)), f"theme: {LABELS['cybercrime']}"),
        (Filters(themes=("cybercrime", "terrorism")), f"theme: {LABELS['cybercrime']} or {LABELS['terrorism']}"),
        (Filters(themes=("cybercrime", "terrorism"), theme_mode="all"),
         f"theme: {LABELS['cybercrime']} and {LABELS['terrorism']}"),
        (Filters(voice="speaker"), "speaker's words only"),
        (Filters(voice="narration"), "reporter's narration only"),
        (Filters(polarity=(-0.5, 0.25)), f"polarity {MINUS}0.50 to +0.25"),
        (Filters(polarity=(-1.0, -0.1)), f"polarity {MINUS}1.00 to {MINUS}0.10"),
        (Filters(polarity=(0.0, 1.0)), "polarity 0.00 to +1.00"),
        (Filters(keyword="  cyber  "), "containing “cyber”"),
        (Filters(keyword="   "), "all paragraphs"),
        (Filters(section="Opening"), "section “Opening”"),
        (Filters(section=""), "section “Opening”"),
        (Filters(section="Cybercrime as a major issue"), "section “Cybercrime as a major issue”"),
        (Filters(include_posts=True), "embedded posts included"),
        (Filters(include_repeats=True), "repeated passages counted"),
        (Filters(themes=("gender",), voice="speaker", keyword="police", include_posts=True),
         f"theme: {LABELS['gender']}; speaker's words only; containing “police”; embedded posts included"),
    ],
    ids=["default", "one-theme", "any", "all", "speaker", "narration", "polarity", "negative", "from-zero",
         "keyword", "blank-keyword", "opening", "opening-empty", "section", "posts", "repeats", "combined"],
)
def test_describe_filters(filters, description):
    assert describe_filters(filters, LABELS) == description


def test_polarity_description_uses_a_true_minus_sign():
    text = describe_filters(Filters(polarity=(-0.3, 0.3)), LABELS)
    assert MINUS in text and "-" not in text


# ----------------------------------------------------------------------------- coverage & subtitle


@pytest.mark.parametrize(
    ("shown", "total", "line"),
    [(1, 1, "1 of 1 paragraph"), (0, 1, "0 of 1 paragraph"), (12, 17, "12 of 17 paragraphs"),
     (1, 17, "1 of 17 paragraphs"), (0, 0, "0 of 0 paragraphs")],
)
def test_coverage_line(shown, total, line):
    assert coverage_line(shown, total) == line


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(themes=("cybercrime",), theme_mode="all", keyword="digital")]
)
def test_chart_subtitle_has_source_then_filters_and_coverage(filters):
    subtitle = chart_subtitle(SEED_DOCS, filters, LABELS, 3, 16)
    lines = subtitle.split("\n")
    assert len(lines) == 2
    assert lines[0] == source_line(SEED_DOCS)
    assert lines[1].startswith("Showing ")
    assert describe_filters(filters, LABELS) in lines[1]
    assert lines[1].endswith(coverage_line(3, 16))


# ----------------------------------------------------------------------------- export_filename


DATED = DocumentMeta("a", "A", date="2024-01-02")
LATER = DocumentMeta("b", "B", date="2025-11-24")
UNDATED = DocumentMeta("c", "C")


@pytest.mark.parametrize(
    ("chart", "filters", "documents", "name"),
    [
        ("themes", Filters(themes=("cybercrime",)), SEED_DOCS, "themes_cybercrime_2025-11-24"),
        ("themes", Filters(), SEED_DOCS, "themes_2025-11-24"),
        ("sentiment", Filters(themes=("cybercrime", "gender")), SEED_DOCS, "sentiment_cybercrime_gender_2025-11-24"),
        ("map", Filters(voice="narration"), SEED_DOCS, "map_narration_2025-11-24"),
        ("themes", Filters(keyword="Organized Crime"), SEED_DOCS, "themes_organized-crime_2025-11-24"),
        ("themes", Filters(keyword="drugs/arms\\guns"), SEED_DOCS, "themes_drugs-arms-guns_2025-11-24"),
        ("themes", Filters(keyword="  a   b  "), SEED_DOCS, "themes_a-b_2025-11-24"),
        ("themes", Filters(keyword="///"), SEED_DOCS, "themes_2025-11-24"),
        ("themes", Filters(themes=("cybercrime",)), {}, "themes_cybercrime"),
        ("themes", Filters(), docs(UNDATED), "themes"),
    ],
    ids=["theme", "default", "two-themes", "voice", "keyword-spaces", "keyword-slashes", "keyword-blank-runs",
         "keyword-only-punctuation", "no-documents", "undated"],
)
def test_export_filename(chart, filters, documents, name):
    assert export_filename(chart, filters, documents) == name


def test_export_filename_of_several_dates_names_the_range():
    name = export_filename("themes", Filters(), docs(LATER, UNDATED, DATED))
    assert name.startswith("themes_")
    assert DATED.date in name and LATER.date in name
    assert name.index(DATED.date) < name.index(LATER.date)


NASTY_KEYWORDS = [
    "sécurité intérieure",
    "Überwachung/Ü",
    "🔒 locked",
    'a<b>c:d"e/f\\g|h?i*j',
    "tab\tnew\nline\x00nul",
    "../../etc/passwd",
    "x" * 500,
    "très " * 80,
]


@pytest.mark.parametrize("keyword", NASTY_KEYWORDS, ids=range(len(NASTY_KEYWORDS)))
def test_export_filename_is_a_safe_slug(keyword):
    name = export_filename("themes", Filters(themes=("cybercrime",), keyword=keyword), SEED_DOCS)
    assert name.startswith("themes_cybercrime_")
    assert not ILLEGAL.search(name)
    assert name == name.lower()
    assert len(name) <= 120
    assert name not in {".", ".."}
    assert not name.startswith(".")


@pytest.mark.parametrize(
    ("keyword", "slug"),
    [("sécurité intérieure", "sécurité-intérieure"), ("🔒 locked", "locked"), ("../../etc/passwd", "..-..-etc-passwd")],
)
def test_export_filename_keyword_slug(keyword, slug):
    name = export_filename("themes", Filters(keyword=keyword), SEED_DOCS)
    assert name == f"themes_{slug}_2025-11-24"


# ----------------------------------------------------------------------------- corpus filters and several documents


DOC_LABELS = {"br-2010": "Brazil · 2010 · Paulo Souza", "ke-2020": "Kenya · 2020 · Amina Odhiambo"}


@pytest.mark.parametrize(
    ("filters", "description"),
    [
        (Filters(documents=("br-2010",)), "document: Brazil · 2010 · Paulo Souza"),
        (Filters(documents=("ke-2020", "br-2010")),
         "document: Kenya · 2020 · Amina Odhiambo, Brazil · 2010 · Paulo Souza"),
        (Filters(documents=("unlabelled",)), "document: unlabelled"),
        (Filters(countries=("France",)), "country: France"),
        (Filters(countries=("France", "Kenya", "Brazil")), "country: France, Kenya, Brazil"),
        (Filters(countries=("France", "Kenya", "Brazil", "Chile", "Peru")),
         "country: France, Kenya, Brazil and 2 more"),
        (Filters(speakers=("Jeanne Martin",)), "speaker: Jeanne Martin"),
        (Filters(years=(1999, 2005)), "years 1999–2005"),
        (Filters(years=(2001, 2001)), "year 2001"),
        (Filters(countries=("France",), years=(1999, 2005), themes=("cybercrime",), voice="speaker"),
         f"country: France; years 1999–2005; theme: {LABELS['cybercrime']}; speaker's words only"),
        (Filters(documents=("br-2010",), countries=("Brazil",), speakers=("Paulo Souza",), years=(2010, 2010)),
         "document: Brazil · 2010 · Paulo Souza; country: Brazil; speaker: Paulo Souza; year 2010"),
    ],
    ids=["document", "documents", "unlabelled", "country", "three", "more", "speaker", "years", "one-year",
         "with-others", "every-corpus-filter"],
)
def test_describe_corpus_filters(filters, description):
    assert describe_filters(filters, LABELS, DOC_LABELS) == description


def test_without_labels_a_document_is_named_by_its_id():
    assert describe_filters(Filters(documents=("br-2010",)), LABELS) == "document: br-2010"


@pytest.mark.parametrize(
    ("count", "years", "line"),
    [
        (3, (1999, 2020), "3 documents, 1999–2020"),
        (3, (2001, 2001), "3 documents, 2001"),
        (3, None, "3 documents"),
        (1200, (1946, 2024), "1,200 documents, 1946–2024"),
    ],
)
def test_source_line_of_several_documents_with_their_years(count, years, line):
    metas = [DocumentMeta(f"d{i}", f"Speech {i}") for i in range(count)]
    assert source_line(docs(*metas), years) == line


def test_source_line_of_one_document_ignores_the_years():
    assert source_line(SEED_DOCS, (1999, 2020)) == source_line(SEED_DOCS)


def test_chart_subtitle_of_a_corpus_view():
    metas = [DocumentMeta(d, label) for d, label in DOC_LABELS.items()] + [DocumentMeta("x", "X")]
    filters = Filters(documents=("br-2010",), years=(2010, 2020))
    subtitle = chart_subtitle(docs(*metas), filters, LABELS, 3, 9, years=(1999, 2020), document_labels=DOC_LABELS)
    assert subtitle == (
        "3 documents, 1999–2020\n"
        f"Showing {describe_filters(filters, LABELS, DOC_LABELS)} · {coverage_line(3, 9)}"
    )
    assert "Brazil · 2010 · Paulo Souza" in subtitle and "br-2010" not in subtitle
