"""Speeches a researcher uploads: from file bytes and a metadata form to stored documents.

Each file is read (:func:`speechlens.formats.extract_text`), given metadata
(the form's values over what the file name and text suggest) and parsed; the
ones that can be read are then added to the store in one atomic step. Every
file gets an outcome a user can read: added, already stored, or refused and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from speechlens.formats import extract_text, suggest_meta
from speechlens.model import SOURCE_TYPES, Document, DocumentMeta, is_iso_date
from speechlens.parsing import parse_document
from speechlens.store import Store
from speechlens.themes import Lexicon

MAX_FIELD_LENGTH = 300
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class UploadForm:
    """The metadata a researcher typed for the files of one upload; empty fields are left to the files."""

    title: str = ""
    speaker: str = ""
    post: str = ""
    country: str = ""
    event: str = ""
    date: str = ""  # YYYY-MM-DD or ""
    language: str = "en"
    source_type: str = "speech"

    def problems(self) -> list[str]:
        """What is wrong with the form, in words; empty when it can be used."""
        problems = []
        for name in ("title", "speaker", "post", "country", "event", "language"):
            value = getattr(self, name)
            if len(value) > MAX_FIELD_LENGTH:
                problems.append(f"{name.capitalize()} is longer than {MAX_FIELD_LENGTH} characters.")
            if _CONTROL.search(value):
                problems.append(f"{name.capitalize()} contains control characters.")
        if self.date and not is_iso_date(self.date):
            problems.append(f"Date “{self.date}” is not a date of the form YYYY-MM-DD.")
        if self.source_type not in SOURCE_TYPES:
            problems.append(f"Source type must be one of {', '.join(SOURCE_TYPES)}.")
        return problems


Status = Literal["added", "duplicate", "refused"]


@dataclass(frozen=True)
class UploadOutcome:
    """What became of one uploaded file."""

    name: str  # the file's name as uploaded
    status: Status
    message: str  # a sentence for the user
    doc_id: str = ""


@dataclass
class UploadReport:
    outcomes: list[UploadOutcome] = field(default_factory=list)

    @property
    def added(self) -> list[UploadOutcome]:
        return [o for o in self.outcomes if o.status == "added"]

    @property
    def changed_store(self) -> bool:
        return bool(self.added)


def document_from_upload(
    name: str, data: bytes, form: UploadForm, *, taken_ids: set[str] | frozenset[str] = frozenset(), many: bool = False
) -> tuple[Document, dict[str, str]]:
    """The parsed document of one uploaded file and its extra metadata.

    Raises ``ValueError`` (a :class:`~speechlens.formats.RejectedFile` for the
    file's own problems) with a message naming the file. ``taken_ids`` are
    doc_ids in use: the new one gets a numbered suffix instead. With ``many``
    (one form for several files) a typed title is followed by each file's own.
    """
    text = extract_text(name, data)
    suggestion = suggest_meta(name, text)
    doc_id = _free_id(suggestion["doc_id"], taken_ids)
    title = suggestion["title"]
    if form.title.strip():
        title = f"{form.title.strip()}: {title}" if many else form.title.strip()
    values = {
        "doc_id": doc_id,
        "title": _clean(title),
        "speaker": _clean(form.speaker),
        "post": _clean(form.post),
        "country": _clean(form.country),
        "event": _clean(form.event) or suggestion.get("event", ""),
        "date": form.date.strip(),
        "language": _clean(form.language) or "en",
        "source_type": form.source_type if form.source_type in SOURCE_TYPES else "speech",
    }
    extra = {}
    if not values["date"] and suggestion.get("year"):
        extra["year"] = suggestion["year"]
    for key in ("session",):
        if suggestion.get(key):
            extra[key] = suggestion[key]
    if suggestion.get("country_code"):
        extra["iso3"] = suggestion["country_code"]
    return parse_document(text, DocumentMeta(**values)), extra


def add_uploads(store: Store, lexicon: Lexicon, files: Sequence[tuple[str, bytes]], form: UploadForm) -> UploadReport:
    """Read every file and add those that can be read to ``store``, atomically, in one step.

    A refused file changes nothing; files already stored are reported, not stored again.
    """
    report = UploadReport()
    problems = form.problems()
    if problems:
        report.outcomes = [UploadOutcome(name, "refused", " ".join(problems)) for name, _ in files]
        return report
    taken = {stored.doc_id for stored in store.list()}
    documents: list[Document] = []
    extras: dict[str, dict[str, str]] = {}
    names: list[str] = []
    outcomes: dict[int, UploadOutcome] = {}
    for index, (name, data) in enumerate(files):
        try:
            document, extra = document_from_upload(name, data, form, taken_ids=taken, many=len(files) > 1)
        except ValueError as error:
            message = str(error)
            message = message[len(name) + 2:] if message.startswith(f"{name}: ") else message  # named once, by the outcome
            outcomes[index] = UploadOutcome(name, "refused", message)
            continue
        taken.add(document.meta.doc_id)
        outcomes[index] = UploadOutcome(name, "added", "", document.meta.doc_id)  # settled below
        documents.append(document)
        extras[document.meta.doc_id] = extra
        names.append(name)
    if documents:
        added = store.add(documents, lexicon, extra=extras)
        by_doc = {doc_id: name for doc_id, name in zip((d.meta.doc_id for d in documents), names, strict=True)}
        titles = {d.meta.doc_id: d.meta.title for d in documents}
        settled: dict[str, UploadOutcome] = {}
        for doc_id in added.added:
            settled[doc_id] = UploadOutcome(by_doc[doc_id], "added", f"Added as “{titles[doc_id]}”.", doc_id)
        for duplicate in added.duplicates:
            settled[duplicate.doc_id] = UploadOutcome(
                by_doc[duplicate.doc_id], "duplicate",
                f"Not stored again: the same text is already in the corpus as “{duplicate.duplicate_of}”.",
            )
        for refusal in added.refused:
            settled[refusal.doc_id] = UploadOutcome(by_doc[refusal.doc_id], "refused", refusal.message)
        for index, outcome in outcomes.items():
            if outcome.status == "added":
                outcomes[index] = settled[outcome.doc_id]
    report.outcomes = [outcomes[i] for i in sorted(outcomes)]
    return report


def _free_id(wanted: str, taken: set[str] | frozenset[str]) -> str:
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def _clean(value: str) -> str:
    return " ".join(value.split())
