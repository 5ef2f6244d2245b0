"""Uploaded speeches: file bytes and a metadata form in, stored documents out, every file with an outcome.

The refusals reuse the fixture builders of test_formats.py; what is tested
here is what the researcher sees (a message per file) and that the store is
left exactly as it was when a file is refused.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from speechlens.corpus import load_default_lexicon
from speechlens.formats import MAX_UPLOAD_ENV, RejectedFile
from speechlens.model import DocumentMeta, is_iso_date
from speechlens.parsing import parse_document
from speechlens.store import MANIFEST, Store
from speechlens.uploads import MAX_FIELD_LENGTH, UploadForm, add_uploads, document_from_upload
from tests.conftest import DATA_DIR
from tests.unit.test_formats import BINARY_NOISE, minimal_pdf, zeros_docx

LEXICON = load_default_lexicon(DATA_DIR)

SPEECH = (
    "Opening remarks\n\n"
    "Cybercrime is a threat to every nation in Côte d’Ivoire and beyond — it costs 5 € a second.\n\n"
    "We will cooperate with our partners, café by café, to defeat terrorism.\n"
)
OTHER_SPEECH = "Borders and migration need cooperation.\n\nTrafficking networks must be stopped.\n"
STORED_SPEECH = "Our police forces share information with partners across the region.\n"


def speech_bytes(n: int) -> bytes:
    """A different small speech for every n (so none is a duplicate of another)."""
    return f"Speech number {n} is about cybercrime and cooperation.\n\nThank you, number {n}.\n".encode()


@pytest.fixture()
def store(tmp_path) -> Store:
    """A store that already holds one speech (so it has a manifest to compare)."""
    store = Store(tmp_path / "store")
    document = parse_document(STORED_SPEECH, DocumentMeta("stored", "Stored speech", speaker="Someone"))
    assert store.add([document], LEXICON).added == ["stored"]
    return store


def snapshot(store: Store) -> tuple[bytes, list[tuple[str, int]]]:
    """The manifest's bytes and every file under the store (path, size)."""
    files = sorted(
        (str(path.relative_to(store.path)), path.stat().st_size) for path in store.path.rglob("*") if path.is_file()
    )
    return (store.path / MANIFEST).read_bytes(), files


def outcome_table(report) -> list[tuple[str, str]]:
    return [(outcome.name, outcome.status) for outcome in report.outcomes]


# ----------------------------------------------------------------------------- the form


@pytest.mark.parametrize(
    ("form", "fragments"),
    [
        (UploadForm(), []),
        (UploadForm(title="Address", speaker="Jane Doe", country="Chile", date="2024-02-29",
                    source_type="press-report"), []),
        (UploadForm(title="A title\nover two lines"), []),  # a line break is whitespace, not a control character
        (UploadForm(date="2025-02-30"), ["Date", "2025-02-30", "YYYY-MM-DD"]),
        (UploadForm(date="24/11/2025"), ["Date", "24/11/2025"]),
        (UploadForm(date="yesterday"), ["Date"]),
        (UploadForm(title="x" * (MAX_FIELD_LENGTH + 1)), ["Title", str(MAX_FIELD_LENGTH)]),
        (UploadForm(speaker="Jane\x00Doe"), ["Speaker", "control characters"]),
        (UploadForm(country="Chile\x1b[31m"), ["Country", "control characters"]),
        (UploadForm(language="e" * (MAX_FIELD_LENGTH + 1)), ["Language"]),
        (UploadForm(source_type="blog"), ["Source type", "speech", "press-report"]),
    ],
    ids=["empty", "full", "newline", "feb-30", "slashes", "word", "long-title", "nul", "escape", "long-language",
         "source-type"],
)
def test_form_problems_say_what_is_wrong(form, fragments):
    problems = form.problems()
    if not fragments:
        assert problems == []
    else:
        assert problems
        text = " ".join(problems)
        for fragment in fragments:
            assert fragment in text, (fragment, problems)


def test_every_problem_of_a_form_is_listed():
    problems = UploadForm(title="x" * (MAX_FIELD_LENGTH + 1), speaker="a\x07", date="soon", source_type="?").problems()
    assert len(problems) == 4


@pytest.mark.parametrize("date", ["20251124", "2025-W47-1"])
def test_a_date_not_written_yyyy_mm_dd_is_a_form_problem(date):
    assert any("Date" in problem for problem in UploadForm(date=date).problems())


def test_a_bad_form_refuses_every_file_and_changes_nothing(store):
    before = snapshot(store)
    form = UploadForm(date="2025-13-01")
    report = add_uploads(store, LEXICON, [("a.txt", speech_bytes(1)), ("b.txt", speech_bytes(2))], form)
    assert outcome_table(report) == [("a.txt", "refused"), ("b.txt", "refused")]
    assert all("2025-13-01" in outcome.message for outcome in report.outcomes)
    assert not report.changed_store
    assert snapshot(store) == before


# ----------------------------------------------------------------------------- refusals


def _bomb(tmp_path: Path) -> bytes:
    return zeros_docx(tmp_path / "bomb.docx", 8)  # 8 MiB of zeros packed into a few KB


BAD_FILES = [
    # id, file name, bytes (or a builder taking tmp_path), words the message must contain
    ("empty", "speech.txt", b"", ["empty"]),
    ("whitespace-only", "speech.md", b"  \n\t\r\n", ["whitespace"]),
    ("pdf-named-txt", "speech.txt", minimal_pdf("Hello, delegates"), ["PDF", "not text"]),
    ("noise-named-txt", "speech.txt", BINARY_NOISE, ["binary"]),
    ("unsupported-type", "speech.exe", b"MZ\x90\x00", [".exe", "not supported", ".txt"]),
    ("old-word", "speech.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", [".docx"]),
    ("pdf-without-text", "scan.pdf", minimal_pdf("12 34", "p. 5"), ["no text layer", "OCR"]),
    ("undecodable", "speech.txt", b"Mostly ASCII, but \x81 is undefined in cp1252.", ["decoded", "0x81"]),
    ("docx-bomb", "speech.docx", _bomb, ["ZIP bomb"]),
]


@pytest.mark.parametrize(("name", "data", "fragments"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_refused_with_a_message_and_the_store_is_unchanged(store, tmp_path, name, data, fragments):
    if callable(data):
        data = data(tmp_path)
    before = snapshot(store)
    report = add_uploads(store, LEXICON, [(name, data)], UploadForm(speaker="Jane Doe"))
    assert outcome_table(report) == [(name, "refused")]
    message = report.outcomes[0].message
    assert name not in message  # the outcome names the file; its message says why
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert not report.changed_store and not report.added
    assert snapshot(store) == before
    assert [stored.doc_id for stored in store.list()] == ["stored"]


def test_a_file_over_the_size_limit_is_refused(store, monkeypatch):
    monkeypatch.setenv(MAX_UPLOAD_ENV, "0.001")  # 1,048 bytes
    small = speech_bytes(1)
    big = b"Cybercrime threatens us all. " * 80  # 2,320 bytes of good text
    assert len(small) < 1048 < len(big)
    before = snapshot(store)
    report = add_uploads(store, LEXICON, [("big.txt", big)], UploadForm())
    assert outcome_table(report) == [("big.txt", "refused")]
    assert "larger than the limit" in report.outcomes[0].message
    assert snapshot(store) == before
    # The limit is what refused it: a small file passes under the same limit.
    assert outcome_table(add_uploads(store, LEXICON, [("small.txt", small)], UploadForm())) == [("small.txt", "added")]


def test_a_refused_upload_of_a_new_store_creates_nothing(tmp_path):
    store = Store(tmp_path / "new-store")
    report = add_uploads(store, LEXICON, [("speech.txt", b"")], UploadForm())
    assert outcome_table(report) == [("speech.txt", "refused")]
    assert not store.path.exists()


def test_document_from_upload_raises_a_message_naming_the_file():
    with pytest.raises(RejectedFile, match=r"^notes\.txt: "):
        document_from_upload("notes.txt", b"", UploadForm())


# ----------------------------------------------------------------------------- encodings


ENCODINGS = [
    ("utf-8", SPEECH.encode("utf-8")),
    ("utf-8-bom", codecs.BOM_UTF8 + SPEECH.encode("utf-8")),
    ("utf-16-le-bom", codecs.BOM_UTF16_LE + SPEECH.encode("utf-16-le")),
    ("utf-16-be-bom", codecs.BOM_UTF16_BE + SPEECH.encode("utf-16-be")),
    ("cp1252", SPEECH.encode("cp1252")),
    ("crlf-cp1252", SPEECH.replace("\n", "\r\n").encode("cp1252")),
]


@pytest.mark.parametrize("data", [c[1] for c in ENCODINGS], ids=[c[0] for c in ENCODINGS])
def test_text_in_any_supported_encoding_is_stored_as_written(store, data):
    report = add_uploads(store, LEXICON, [("remarks.txt", data)], UploadForm())
    assert outcome_table(report) == [("remarks.txt", "added")]
    stored = store.documents([report.outcomes[0].doc_id])[0]
    assert "\ufeff" not in stored.text and "\r" not in stored.text
    paragraphs = [paragraph.text for paragraph in stored.paragraphs]
    assert paragraphs == [block.strip() for block in SPEECH.split("\n\n")]


def test_the_encodings_really_differ():
    """The table above is not vacuous: the bytes differ, the text is the same."""
    assert len({data for _, data in ENCODINGS}) == len(ENCODINGS)
    assert SPEECH.encode("cp1252") != SPEECH.encode("utf-8")


# ----------------------------------------------------------------------------- duplicates, mixed uploads


def test_the_same_text_uploaded_twice_is_stored_once(store):
    first = add_uploads(store, LEXICON, [("speech.txt", speech_bytes(1))], UploadForm())
    assert outcome_table(first) == [("speech.txt", "added")]
    before = snapshot(store)
    again = add_uploads(store, LEXICON, [("copy-of-speech.txt", speech_bytes(1))], UploadForm(title="Other title"))
    assert outcome_table(again) == [("copy-of-speech.txt", "duplicate")]
    assert first.outcomes[0].doc_id in again.outcomes[0].message
    assert not again.changed_store
    assert snapshot(store) == before
    assert len(store) == 2


def test_the_same_text_twice_in_one_upload_is_stored_once(store):
    report = add_uploads(store, LEXICON, [("a.txt", speech_bytes(1)), ("b.md", speech_bytes(1))], UploadForm())
    assert outcome_table(report) == [("a.txt", "added"), ("b.md", "duplicate")]
    assert [stored.doc_id for stored in store.list()] == ["stored", "a"]


def test_text_already_stored_under_another_name_is_a_duplicate(store):
    report = add_uploads(store, LEXICON, [("stored.txt", STORED_SPEECH.encode())], UploadForm())
    assert outcome_table(report) == [("stored.txt", "duplicate")]
    assert "“stored”" in report.outcomes[0].message
    assert len(store) == 1


def test_one_bad_file_does_not_stop_the_good_ones(store):
    files = [("good.txt", speech_bytes(1)), ("empty.txt", b""), ("also-good.md", speech_bytes(2)),
             ("scan.pdf", minimal_pdf("12 34"))]
    report = add_uploads(store, LEXICON, files, UploadForm(speaker="Jane Doe"))
    assert outcome_table(report) == [
        ("good.txt", "added"), ("empty.txt", "refused"), ("also-good.md", "added"), ("scan.pdf", "refused"),
    ]
    assert report.changed_store
    assert [o.doc_id for o in report.added] == ["good", "also-good"]
    assert [stored.doc_id for stored in store.list()] == ["stored", "good", "also-good"]
    assert all(stored.meta.speaker == "Jane Doe" for stored in store.list()[1:])
    assert all(outcome.message for outcome in report.outcomes)


def test_the_good_files_of_one_upload_are_added_in_one_step(store):
    segments_before = {entry["segment"] for entry in store.manifest()["documents"]}
    generation = store.generation
    report = add_uploads(store, LEXICON, [(f"s{n}.txt", speech_bytes(n)) for n in range(3)], UploadForm())
    assert [o.status for o in report.outcomes] == ["added"] * 3
    assert store.generation == generation + 1
    new = {entry["segment"] for entry in store.manifest()["documents"]} - segments_before
    assert len(new) == 1


# ----------------------------------------------------------------------------- doc_ids and titles


def test_a_doc_id_in_use_gets_a_free_numbered_suffix(store):
    ids = []
    for n in range(3):
        report = add_uploads(store, LEXICON, [("Speech.txt", speech_bytes(n))], UploadForm())
        ids.append(report.outcomes[0].doc_id)
    assert ids == ["speech", "speech-2", "speech-3"]
    report = add_uploads(store, LEXICON, [("speech.txt", speech_bytes(10)), ("speech.md", speech_bytes(11))],
                         UploadForm())
    assert [o.doc_id for o in report.outcomes] == ["speech-4", "speech-5"]
    assert len({stored.doc_id for stored in store.list()}) == len(store) == 6


@pytest.mark.parametrize(
    ("files", "title", "titles"),
    [
        ([("remarks.txt", SPEECH)], "", ["Opening remarks"]),  # the file's own heading
        ([("my_speech-final.txt", OTHER_SPEECH)], "", ["my speech final"]),  # no heading: the file name
        ([("remarks.txt", SPEECH)], "  Address to the Assembly ", ["Address to the Assembly"]),
        ([("remarks.txt", SPEECH), ("my_speech-final.txt", OTHER_SPEECH)], "Summit 2024",
         ["Summit 2024: Opening remarks", "Summit 2024: my speech final"]),
        ([("remarks.txt", SPEECH), ("my_speech-final.txt", OTHER_SPEECH)], "",
         ["Opening remarks", "my speech final"]),
    ],
    ids=["heading", "file-name", "typed", "typed-for-many", "many-untitled"],
)
def test_titles_for_one_file_and_for_many(store, files, title, titles):
    report = add_uploads(store, LEXICON, [(name, text.encode()) for name, text in files], UploadForm(title=title))
    assert [o.status for o in report.outcomes] == ["added"] * len(files)
    stored = {s.doc_id: s.meta.title for s in store.list()}
    assert [stored[o.doc_id] for o in report.outcomes] == titles
    assert [o.message for o in report.outcomes] == [f"Added as “{t}”." for t in titles]


def test_form_values_become_the_metadata(store):
    form = UploadForm(title="Address", speaker="  Jane   Doe ", post="Minister", country="Chile", event="Summit",
                      date="2024-02-29", language="es", source_type="press-report")
    report = add_uploads(store, LEXICON, [("a.txt", speech_bytes(1))], form)
    meta = store.list()[-1].meta
    assert report.outcomes[0].doc_id == meta.doc_id == "a"
    assert (meta.title, meta.speaker, meta.post, meta.country, meta.event, meta.date, meta.language,
            meta.source_type) == ("Address", "Jane Doe", "Minister", "Chile", "Summit", "2024-02-29", "es",
                                  "press-report")


@pytest.mark.parametrize(
    ("date", "extra_year"),
    [("", "2020"), ("2020-09-22", None)],
)
def test_a_un_file_name_fills_in_what_the_form_leaves_empty(store, date, extra_year):
    report = add_uploads(store, LEXICON, [("USA_75_2020.txt", speech_bytes(1))], UploadForm(date=date))
    assert outcome_table(report) == [("USA_75_2020.txt", "added")]
    stored = store.list()[-1]
    assert stored.meta.event == "UN General Assembly, 75th session, General Debate"
    assert stored.extra.get("year") == extra_year
    assert stored.extra.get("iso3") == "USA"
    assert stored.year == "2020"


HOSTILE = {
    "title": "<script>alert(1)</script>",
    "speaker": "<img src=x onerror=alert(1)>",
    "post": "**bold** [link](javascript:alert(1))",
    "country": "<b>Atlantis</b>",
    "event": "Summit & \"friends\" 'quoted'",
}


def test_hostile_metadata_is_stored_verbatim_as_data(store):
    report = add_uploads(store, LEXICON, [("hostile.txt", speech_bytes(1))], UploadForm(**HOSTILE))
    assert outcome_table(report) == [("hostile.txt", "added")]
    assert HOSTILE["title"] in report.outcomes[0].message
    for stored in (store.list()[-1].meta, store.documents([report.outcomes[0].doc_id])[0].meta):
        for field, value in HOSTILE.items():
            assert getattr(stored, field) == value, field


def test_a_hostile_file_name_gives_a_plain_doc_id(store):
    name = "<img src=x onerror=alert(1)>.txt"
    report = add_uploads(store, LEXICON, [(name, speech_bytes(1))], UploadForm())
    assert outcome_table(report) == [(name, "added")]
    doc_id = report.outcomes[0].doc_id
    assert doc_id and all(ch.isalnum() or ch == "-" for ch in doc_id)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("2025-11-24", True), ("2024-02-29", True), ("2023-02-29", False), ("2025-13-01", False),
     ("24/11/2025", False), ("2025-11-24T10:00", False), ("2025-1-4", False), ("", False)],
)
def test_dates_are_real_calendar_dates_written_year_month_day(value, valid):
    """The upload form, the store and the metadata files share this one check."""
    assert is_iso_date(value) is valid
