"""Command line: ``python -m speechlens analyze PATH... --out FILE.csv``,
``python -m speechlens brief --out FILE.html|FILE.pdf [filters]``, and the corpus
store: ``python -m speechlens add PATH...``, ``list``, ``remove DOC_ID...`` and ``reanalyze``."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from speechlens.analysis import Analysis, analyze
from speechlens.briefing import BriefingError, build_briefing, html_to_pdf, write_briefing
from speechlens.captions import coverage_line
from speechlens.corpus import (
    DEFAULT_DATA_DIR, THEMES_FILE, Corpus, load_default_lexicon, load_documents, open_corpus, themes_path,
)
from speechlens.export import EXPORT_COLUMNS, paragraph_table, write_table
from speechlens.filters import Filters, section_labels, select
from speechlens.model import SOURCE_TYPES, Document, DocumentMeta
from speechlens.parsing import MetadataError, ParsedDocument, load_document, parse, parse_document, read_meta
from speechlens.reading import read_text
from speechlens.themes import load_lexicon
from speechlens.urlstate import (
    COMPARE, COUNTRY, DEFAULT_COMPARE, DOCUMENT, KEYWORD, MATCH, MEASURE, POLARITY, POSTS, REPEATS, SECTION,
    SPEAKER, THEME, VOICE, YEAR, filters_to_query, parse_query,
)

if TYPE_CHECKING:
    from speechlens.store import Store

BRIEF_SUFFIXES = (".html", ".pdf")
# Command-line flag (argparse dest) -> the dashboard link parameter it stands for.
BRIEF_FLAGS: dict[str, str] = {
    "theme": THEME, "match": MATCH, "voice": VOICE, "polarity": POLARITY, "q": KEYWORD,
    "section": SECTION, "posts": POSTS, "repeats": REPEATS, "measure": MEASURE, "compare": COMPARE,
    "doc": DOCUMENT, "country": COUNTRY, "speaker": SPEAKER, "year": YEAR,
}
BRIEF_EPILOG = """\
The filter flags are the dashboard link's parameters under the same names, so
  --theme cybercrime --voice speaker
is the view of http://…/?theme=cybercrime&voice=speaker. --link takes such a
link (the full address copied from the browser, or just "?theme=…&voice=…");
flags given as well override its values. A value the dashboard would ignore
(an unknown theme, section or parameter, a bad polarity range) is an error
here: the notice is printed and nothing is written.

examples:
  python -m speechlens brief --out brief.html --theme cybercrime --theme terrorism --match all
  python -m speechlens brief --out brief.pdf --link "http://127.0.0.1:8501/?theme=cybercrime&voice=speaker"
  python -m speechlens brief --out brief.html --link "?country=France&country=Brazil" --compare year
  python -m speechlens brief --out brief.html --country FRA --year 1990 2000 --theme terrorism
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m speechlens", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_cmd = commands.add_parser(
        "analyze",
        help="write the annotated paragraph table of one or more speeches",
        description="Parse, tag and score speeches; write one row per paragraph. Columns: "
        + "; ".join(f"{name}: {meaning}" for name, meaning in EXPORT_COLUMNS.items()),
    )
    analyze_cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                             help="a .txt speech, or a metadata .toml that names one")
    analyze_cmd.add_argument("--out", required=True, type=Path, help="output file, .csv or .parquet")
    analyze_cmd.add_argument("--themes", type=Path, default=DEFAULT_DATA_DIR / THEMES_FILE,
                             help="themes lexicon (default: data/themes.toml)")
    analyze_cmd.add_argument("--source-type", choices=SOURCE_TYPES, default="speech",
                             help="for .txt files without metadata: a transcript (speech) or a press report")
    add_brief_parser(commands)
    add_store_parsers(commands)
    return parser


def add_brief_parser(commands) -> None:  # commands: the parser's subparsers
    brief = commands.add_parser(
        "brief",
        help="write a one-file HTML (or PDF) briefing of a dashboard view",
        description="Write the dashboard's view as a briefing: source, filters, headline numbers, the "
        "dashboard's charts (for several documents: one mark per document or year, the words that set a "
        "narrower view apart, and the documents compared), the strongest paragraphs per theme and a note "
        "on the method. The .html file is self-contained (interactive charts, no network needed); .pdf "
        "prints it with headless Chromium.",
        epilog=BRIEF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    brief.add_argument("--out", required=True, type=Path, help="the briefing file: .html, or .pdf (needs Chromium)")
    brief.add_argument("--link", metavar="URL", help="a dashboard link (full URL or query string) to take the filters from")
    brief.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="the data directory: a corpus store or a folder of speeches "
                       "(default: $SPEECHLENS_DATA_DIR, else speechlens-data/ in the project)")
    view = brief.add_argument_group("filters (link parameter in brackets)")
    view.add_argument("--theme", action="append", metavar="ID", help="a theme id of themes.toml; repeat for several [theme]")
    view.add_argument("--match", metavar="any|all", help="paragraphs mention any (default) or all chosen themes [match]")
    view.add_argument("--voice", metavar="all|speaker|narration", help="whose words: all (default), the speaker's, "
                      "or the reporter's narration [voice]")
    view.add_argument("--polarity", nargs=2, metavar=("LOW", "HIGH"), help="paragraph polarity range, −1 to 1 [polarity]")
    view.add_argument("--q", metavar="TEXT", help="only paragraphs containing TEXT, ignoring case [q]")
    view.add_argument("--section", metavar="NAME", help="a subheading's exact text, or Opening [section]")
    view.add_argument("--posts", action=argparse.BooleanOptionalAction, help="include embedded social-media posts [posts]")
    view.add_argument("--repeats", action=argparse.BooleanOptionalAction,
                      help="count repeated passages again [repeats]")
    view.add_argument("--measure", metavar="mentions|rate|paragraphs",
                      help="what the theme-frequency chart counts (default mentions) [measure]")
    view.add_argument("--compare", metavar="document|speaker|country|year",
                      help="how the Compare charts group several documents (default document) [compare]")
    corpus = brief.add_argument_group("corpus filters, for a data directory of several documents (link parameter in brackets)")
    corpus.add_argument("--doc", action="append", metavar="ID", help="a document id, as `list` shows it; repeat for several [doc]")
    corpus.add_argument("--country", action="append", metavar="NAME", help="a country or organisation; repeat for several [country]")
    corpus.add_argument("--speaker", action="append", metavar="NAME", help="a speaker; repeat for several [speaker]")
    corpus.add_argument("--year", nargs=2, metavar=("FIRST", "LAST"), help="documents of these years, both included [year]")


def load_path(path: Path, source_type: str) -> Document:
    """A document from a metadata .toml, from a .txt with a .toml beside it, or from a bare .txt."""
    if path.suffix.lower() == ".toml":
        return load_document(meta_path=path)
    sidecar = path.with_suffix(".toml")
    if sidecar.is_file():
        return load_document(meta_path=sidecar)
    meta = DocumentMeta(doc_id=path.stem, title=path.stem, source_type=source_type)
    return parse_document(read_text(path), meta)


def run_analyze(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() not in {".csv", ".parquet"}:
        print(f"error: --out must end in .csv or .parquet, not “{args.out.name}”", file=sys.stderr)
        return 2
    lexicon = load_lexicon(args.themes)
    documents = []
    for path in args.paths:
        documents.append(load_path(path, args.source_type))
    table = paragraph_table(analyze(documents, lexicon))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_table(table, args.out)
    print(f"wrote {len(table)} paragraphs from {len(documents)} document(s) to {args.out}")
    return 0


def link_parameters(link: str | None) -> dict[str, list[str]]:
    """The query parameters of a dashboard link: a full URL, "?a=1&b=2" or "a=1&b=2"."""
    if not link:
        return {}
    query = urlsplit(link).query if "://" in link else link.split("#", 1)[0].removeprefix("?")
    return parse_qs(query, keep_blank_values=True)


def flag_parameters(args: argparse.Namespace) -> dict[str, list[str]]:
    """The filter flags given on the command line, as link parameters."""
    given: dict[str, list[str]] = {}
    for dest, name in BRIEF_FLAGS.items():
        value = getattr(args, dest)
        if value is None:
            continue
        if isinstance(value, bool):
            given[name] = ["true" if value else "false"]
        else:
            given[name] = [str(v) for v in value] if isinstance(value, list) else [value]
    return given


def view_link(link: str | None, filters: Filters, measure: str, compare: str = DEFAULT_COMPARE) -> str | None:
    """The dashboard address of the briefed view, when --link gave the dashboard's address."""
    if not link or "://" not in link:
        return None
    scheme, netloc, path, _, _ = urlsplit(link)
    pairs = filters_to_query(filters) + ([(MEASURE, measure)] if measure != "mentions" else [])
    if compare != DEFAULT_COMPARE:
        pairs.append((COMPARE, compare))
    return urlunsplit((scheme, netloc, path or "/", urlencode(pairs), ""))


def load_corpus(data_dir: Path | None) -> Corpus:
    """The data directory's corpus: a store (created with the seed speech when new) or a folder of speeches."""
    corpus = open_corpus(data_dir)
    if corpus.analysis.paragraphs.empty:
        raise ValueError(f"no speeches in {corpus.path}: add some with `python -m speechlens add`")
    return corpus


def run_brief(args: argparse.Namespace) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in BRIEF_SUFFIXES:
        print(f"error: --out must end in .html or .pdf, not “{args.out.name}”", file=sys.stderr)
        return 2
    corpus = load_corpus(args.data_dir)
    analysis = corpus.analysis
    raw = {**link_parameters(args.link), **flag_parameters(args)}  # a flag replaces the link's values
    filters, notices = parse_query(
        raw, theme_ids=analysis.lexicon.ids, sections=corpus.sections, corpus=corpus.choices,
    )
    if notices:
        print("error: the dashboard would ignore part of this view; nothing was written:", file=sys.stderr)
        print("\n".join(f"  {notice}" for notice in notices), file=sys.stderr)
        return 2
    measure = raw.get(MEASURE, ["mentions"])[-1]
    compare = raw.get(COMPARE, [DEFAULT_COMPARE])[-1]
    html_text = build_briefing(
        corpus, filters, measure=measure, compare=compare, link=view_link(args.link, filters, measure, compare),
    )
    write_brief(html_text, args.out)
    selection = select(analysis, filters, corpus.catalog)
    print(f"wrote a briefing of {coverage_line(len(selection.paragraphs), selection.total_paragraphs)} to {args.out}")
    return 0


def write_brief(html_text: str, out: Path) -> None:
    """Write the briefing as .html, or print it to .pdf."""
    if out.suffix.lower() != ".pdf":
        write_briefing(html_text, out)
        return
    with tempfile.TemporaryDirectory(prefix="speechlens-brief-") as scratch:
        html_path = Path(scratch) / "briefing.html"
        write_briefing(html_text, html_path)
        html_to_pdf(html_path, out)


# ----------------------------------------------------------------------------- the corpus store

STORE_EPILOG = """\
Metadata, later sources overriding earlier ones:
  1. guessed from the file: doc_id = the file name without extension, a title,
     and for UN General Debate names (USA_2020_UNGA75.txt) the event, year and session;
  2. a TOML beside the file with the same name (as in data/), if there is one;
  3. the file's row (column "file" = its name) in --metadata CSV, else in a
     metadata.csv in the file's folder. Columns used: doc_id, title, speaker,
     post or speaker_post, country, event, place, date or date_if_known,
     source_type, language, speaker_aliases (";"-separated), and year, session,
     iso3, party, corpus kept as extra metadata;
  4. the flags below, applied to every file.

A file whose text is already stored is not stored again; a file that cannot be
read, or whose doc_id is taken by another stored text, is refused and the rest
are added. Files are added in batches (--batch-size); each batch is committed
atomically, so an interrupted run keeps the batches it finished and running it
again adds the rest. Exit status: 0, or 1 if any file was refused.

examples:
  python -m speechlens add ../shared/corpora/ungdc-dev
  python -m speechlens add speech.docx --speaker "Jürgen Stock" --date 2024-11-05 --source-type press-report
  python -m speechlens list
  python -m speechlens remove AFG_1993_UNGA48
"""
# Flags of `add` (argparse dest) that set a DocumentMeta field.
META_FLAGS = ("title", "speaker", "post", "country", "event", "place", "date", "language", "source_type")
DEFAULT_BATCH = 500


def add_store_parsers(commands) -> None:  # commands: the parser's subparsers
    def store_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--store", type=Path, metavar="DIR",
                             help="the store directory (default: $SPEECHLENS_DATA_DIR, else speechlens-data/ "
                             "in the project)")

    def wait_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                             help="how long to wait for another process writing to the store (default 30)")

    add = commands.add_parser(
        "add", help="add speeches (files or folders) to the corpus store",
        description="Read, parse, score and tag speeches once and keep them in the store, "
        "so the corpus reopens without re-analysis. Reads .txt, .md, .html, .docx and .pdf; "
        "folders are searched recursively and other files are listed as skipped.",
        epilog=STORE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a speech file or a folder of them")
    store_option(add)
    add.add_argument("--themes", type=Path, default=DEFAULT_DATA_DIR / THEMES_FILE,
                     help="themes lexicon to tag with (default: data/themes.toml)")
    add.add_argument("--metadata", type=Path, metavar="CSV",
                     help="a metadata table with a 'file' column (default: a metadata.csv beside the files)")
    meta = add.add_argument_group("metadata for every file added (overrides the files' own)")
    for name, text in (
        ("title", "title"), ("speaker", "speaker's name"), ("post", "speaker's post"), ("country", "country"),
        ("event", "event"), ("place", "place"), ("language", "language code, e.g. en"),
    ):
        meta.add_argument(f"--{name}", metavar="TEXT", help=text)
    meta.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="date of the speech")
    meta.add_argument("--source-type", choices=SOURCE_TYPES,
                      help="a transcript of the speech, or a press report about it (default: speech)")
    add.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH, metavar="N",
                     help=f"documents analysed and committed together (default {DEFAULT_BATCH})")
    add.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                     help="processes reading and analysing files at once (default: every core)")
    wait_option(add)

    listing = commands.add_parser("list", help="list the documents in the corpus store")
    store_option(listing)

    remove = commands.add_parser("remove", help="remove documents from the corpus store by doc_id")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    store_option(remove)
    wait_option(remove)

    reanalyze = commands.add_parser(
        "reanalyze", help="analyse again the stored speeches an older SpeechLens analysed",
        description="Parse, score and tag again, from their stored text, the documents of every segment "
        "written by another analysis version than this SpeechLens's; each segment is replaced "
        "atomically. A store written by this version is left as it is.",
    )
    store_option(reanalyze)
    reanalyze.add_argument("--themes", type=Path, default=DEFAULT_DATA_DIR / THEMES_FILE,
                           help="themes lexicon to tag with (default: data/themes.toml)")
    reanalyze.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                           help="processes analysing documents at once (default: every core)")
    wait_option(reanalyze)


def iso_date(value: str) -> str:
    try:
        if len(value) != 10:
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None
    return value


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return number


class Progress:
    """A one-line progress report on ``stream``: "added 120/153 …", rewritten in place.

    When the stream is not a terminal, nothing is written but the final line.
    """

    def __init__(self, total: int, stream=None, interval: float = 0.1):
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval
        self.started = time.monotonic()
        self.shown = 0.0
        self.width = 0

    def update(self, done: int, verb: str = "added") -> None:
        now = time.monotonic()
        if not self.live or (now - self.shown < self.interval and done < self.total):
            return
        self.shown = now
        elapsed = now - self.started
        left = f", about {elapsed / done * (self.total - done):.0f} s left" if 0 < done < self.total else ""
        self._write(f"{verb} {done}/{self.total} … {elapsed:.0f} s{left}")

    def finish(self, line: str) -> None:
        self._write(f"{line} ({time.monotonic() - self.started:.1f} s)")
        self.stream.write("\n")
        self.stream.flush()

    def _write(self, text: str) -> None:
        if self.live:
            self.stream.write("\r" + text.ljust(self.width))
        else:
            self.stream.write(text)
        self.width = len(text)
        self.stream.flush()


def supported_suffixes() -> frozenset[str]:
    try:
        from speechlens.formats import SUPPORTED
    except ImportError:  # pragma: no cover - formats.py not there yet
        return frozenset({".txt"})
    return SUPPORTED


def extract(path: Path) -> str:
    """The text of a speech file, normalised (:func:`~speechlens.text.normalize_text`); ValueError
    (with a message naming it) when it cannot be read."""
    try:
        from speechlens.formats import extract_text, max_upload_bytes
    except ImportError:  # pragma: no cover - formats.py not there yet
        if path.suffix.lower() != ".txt":
            raise ValueError(f"{path}: only .txt files can be read") from None
        from speechlens.text import normalize_text

        return normalize_text(read_text(path))
    size, limit = path.stat().st_size, max_upload_bytes()
    if size > limit:  # refuse before reading it into memory
        raise ValueError(
            f"{path}: the file is {size / 2**20:.1f} MB, larger than the limit of {limit / 2**20:.0f} MB "
            f"(set $SPEECHLENS_MAX_UPLOAD_MB to change it)"
        )
    return extract_text(path.name, path.read_bytes())


def suggested_meta(path: Path, text: str) -> tuple[dict, dict]:
    """(DocumentMeta fields, extra) guessed from the file's name and text."""
    values: dict = {"doc_id": path.stem, "title": path.stem}
    extra: dict = {}
    try:
        from speechlens.formats import suggest_meta
    except ImportError:  # pragma: no cover
        return values, extra
    suggestion = suggest_meta(path.name, text)
    for name in ("title", "event", "source_type"):
        if suggestion.get(name):
            values[name] = suggestion[name]
    for name, key in (("year", "year"), ("session", "session"), ("country_code", "iso3")):
        if suggestion.get(name):
            extra[key] = suggestion[name]
    return values, extra


def find_speech_files(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]], list[tuple[Path, str]]]:
    """(files to read, (path, why) skipped, (path, message) refused) for the given files and folders.

    Folders are searched recursively, hidden files and folders left out; their
    files of other types are skipped (metadata.csv and TOML sidecars silently).
    A file named explicitly must be of a supported type, or it is refused.
    """
    supported = supported_suffixes()
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    refused: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    real_folders: dict[Path, Path] = {}

    def take(path: Path) -> None:
        resolved = _real_path(path, real_folders)
        if resolved not in seen:
            seen.add(resolved)
            files.append(path)

    for path in paths:
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if not any(part.startswith(".") for part in p.relative_to(path).parts)),
                key=lambda p: p.parts,  # the order Path comparisons give, without a Python call per comparison
            )
            speech_stems = {(p.parent, p.stem) for p in found if p.suffix.lower() in supported}
            for candidate in found:
                if not candidate.is_file():
                    continue
                suffix = candidate.suffix.lower()
                if suffix in supported:
                    take(candidate)
                elif candidate.name == "metadata.csv" or (
                    suffix == ".toml" and (candidate.parent, candidate.stem) in speech_stems
                ):
                    continue  # metadata of the speeches beside it
                else:
                    skipped.append((candidate, f"not a supported type ({suffix or 'no extension'})"))
        elif path.is_file():
            if path.suffix.lower() in supported:
                take(path)
            else:
                refused.append((path, f"{path}: not a supported type ({path.suffix or 'no extension'}); "
                                      f"SpeechLens reads {', '.join(sorted(supported))}"))
        else:
            refused.append((path, f"{path}: no such file or folder"))
    return files, skipped, refused


def _real_path(path: Path, real_folders: dict[Path, Path]) -> Path:
    """``path.resolve()``, each folder resolved once (``real_folders`` keeps them): a file that
    is not a symlink is its folder's real path and its name."""
    if path.is_symlink():
        return path.resolve()
    folder = path.parent
    if folder not in real_folders:
        real_folders[folder] = folder.resolve()
    return real_folders[folder] / path.name


class MetadataTables:
    """Rows of metadata CSVs by file name: --metadata, else a metadata.csv in each file's folder."""

    def __init__(self, given: Path | None):
        self.given = self._read(given) if given is not None else None
        self.beside: dict[Path, dict[str, dict[str, str]] | None] = {}

    def row(self, path: Path) -> dict[str, str] | None:
        if self.given is not None:
            return self.given.get(path.name)
        folder = path.parent
        if folder not in self.beside:
            candidate = folder / "metadata.csv"
            self.beside[folder] = self._read(candidate) if candidate.is_file() else None
        table = self.beside[folder]
        return None if table is None else table.get(path.name)

    @staticmethod
    def _read(path: Path) -> dict[str, dict[str, str]]:
        """file name -> row; MetadataError for a missing or malformed table."""
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames is None or "file" not in reader.fieldnames:
                    raise MetadataError(f"{path}: a metadata table needs a 'file' column (the file names)")
                return {Path(row["file"].strip()).name: row for row in reader if row.get("file")}
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise MetadataError(f"{path}: cannot read the metadata table ({error})") from error


def read_speech(path: Path, tables: MetadataTables, flags: dict[str, str]) -> tuple[Document, dict[str, str]]:
    """The parsed document of a speech file and its extra metadata; ValueError when refused."""
    text, meta, extra = read_source(path, tables, flags)
    return parse_document(text, meta), extra


def read_parsed(
    path: Path, tables: MetadataTables, flags: dict[str, str]
) -> tuple[ParsedDocument, dict[str, str]]:
    """:func:`read_speech`, the document parsed into columns (what the ingest annotates)."""
    text, meta, extra = read_source(path, tables, flags)
    return parse(text, meta, normalised=True), extra  # extract() gives normalised text


def read_source(
    path: Path, tables: MetadataTables, flags: dict[str, str]
) -> tuple[str, DocumentMeta, dict[str, str]]:
    """The text of a speech file, its metadata and its extra metadata; ValueError when refused."""
    from speechlens.store import metadata_from_row

    text = extract(path)
    values, extra = suggested_meta(path, text)
    sidecar = path.with_suffix(".toml")
    if sidecar.is_file() and path.suffix.lower() != ".toml":
        values.update(asdict(read_meta(sidecar)))
    row = tables.row(path)
    if row is not None:
        from_row, extra_from_row = metadata_from_row(row)
        values.update(from_row)
        extra.update(extra_from_row)
    values.update(flags)
    if values.get("date"):
        extra.pop("year", None)  # the date says it
    try:
        meta = DocumentMeta(**values)
    except TypeError as error:  # pragma: no cover - a field name typo in a sidecar
        raise MetadataError(f"{path}: {error}") from error
    if meta.source_type not in SOURCE_TYPES:
        raise MetadataError(f"{path}: unknown source_type {meta.source_type!r} "
                            f"(expected one of: {', '.join(SOURCE_TYPES)})")
    if meta.date:
        try:
            iso_date(meta.date)
        except argparse.ArgumentTypeError:
            raise MetadataError(f"{path}: date {meta.date!r} is not a valid YYYY-MM-DD date") from None
    return text, meta, extra


def run_add(args: argparse.Namespace) -> int:
    import functools

    from speechlens.ingest import Prepared, StoreWriter, prepare
    from speechlens.store import AddReport, Store, default_store_dir

    lexicon = load_lexicon(args.themes)
    store = Store(args.store or default_store_dir(), lock_timeout=args.wait)
    tables = MetadataTables(args.metadata)
    flags = {name: getattr(args, name) for name in META_FLAGS if getattr(args, name) is not None}
    files, skipped, refused = find_speech_files(args.paths)
    if files:
        store.create()  # a folder that is not a store is refused before any work
    for path, why in skipped:
        print(f"skipped {path}: {why}", file=sys.stderr)
    for _, message in refused:
        print(f"refused {message}", file=sys.stderr)
    progress = Progress(len(files))
    added: list[str] = []
    duplicates: list[str] = []
    handled = 0
    batch: list[Prepared] = []

    def committed(reports: list[tuple[list[Prepared], AddReport]]) -> None:
        for done, report in reports:
            added.extend(report.added)
            for duplicate in report.duplicates:
                path = done[duplicate.index].source
                same = "is already stored" if duplicate.duplicate_of == duplicate.doc_id else (
                    f"has the same text as {duplicate.duplicate_of!r}")
                duplicates.append(f"{path} ({duplicate.doc_id}) {same}; not stored again")
            for refusal in report.refused:
                path = done[refusal.index].source
                refused.append((path, f"{path}: {refusal.message}"))
                print(f"refused {path}: {refusal.message}", file=sys.stderr)

    try:
        # Files are read and analysed in worker processes; each batch is committed in a
        # thread while the workers go on.
        read = functools.partial(read_parsed, tables=tables, flags=flags)
        with StoreWriter(store, lexicon) as writer:
            for prepared in prepare(files, lexicon, read=read, jobs=args.jobs):
                handled += 1
                progress.update(handled, "added")
                if prepared.error is not None:  # RejectedFile, UnreadableTextError, MetadataError
                    path = prepared.source
                    message = file_message(path, ValueError(prepared.error))
                    refused.append((path, message))
                    print(f"refused {message}", file=sys.stderr)
                    continue
                batch.append(prepared)
                if len(batch) >= args.batch_size:
                    committed(writer.add(batch))
                    batch = []
            committed(writer.add(batch))
            committed(writer.finished())
    finally:
        progress.finish(f"added {len(added)}/{len(files)}")
    for line in duplicates:
        print(f"duplicate: {line}")
    summary = f"added {len(added)} document(s) to {store.path}"
    if duplicates:
        summary += f"; {len(duplicates)} already stored"
    if skipped:
        summary += f"; {len(skipped)} other file(s) skipped"
    if refused:
        summary += f"; {len(refused)} file(s) refused"
    print(summary)
    if added:
        prepare_for_opening(store)
    return 1 if refused else 0


def prepare_for_opening(store: Store) -> None:
    """Write the open cache the dashboard reads a large store from (see ``Store.load``), with
    the lexicon the dashboard uses, so that its next start does not do it."""
    started = time.perf_counter()
    if store.keep_open_cache(load_lexicon(themes_path(store.path))):
        print(f"prepared the store for fast opening in {time.perf_counter() - started:.1f} s")


def file_message(path: Path, error: Exception) -> str:
    """The error's message, starting with the file's path (not just its name)."""
    message = str(error)
    for prefix in (f"{path}: ", f"{path.name}: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
            break
    return f"{path}: {message}"


def run_list(args: argparse.Namespace) -> int:
    from speechlens.store import Store, default_store_dir

    store = Store(args.store or default_store_dir())
    documents = store.list()
    if not documents:
        print(f"the store at {store.path} holds no documents (add some: python -m speechlens add PATH...)")
        return 0
    header = ("doc_id", "date", "speaker", "country", "paragraphs", "words")
    rows = [
        (d.doc_id, d.meta.date or d.year, d.meta.speaker, d.meta.country, f"{d.paragraphs:,}", f"{d.words:,}")
        for d in documents
    ]
    print(format_table(header, rows, right=(4, 5)))
    paragraphs = sum(d.paragraphs for d in documents)
    words = sum(d.words for d in documents)
    print(f"{len(documents)} document(s), {paragraphs:,} paragraphs, {words:,} words in {store.path}")
    return 0


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = (),
                 max_width: int = 32) -> str:
    """A plain-text table; cells longer than ``max_width`` are cut with "…"."""
    def cut(cell: str) -> str:
        cell = " ".join(str(cell).split())
        return cell if len(cell) <= max_width else cell[: max_width - 1] + "…"

    cells = [[cut(c) for c in header]] + [[cut(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def run_remove(args: argparse.Namespace) -> int:
    from speechlens.store import Store, default_store_dir

    store = Store(args.store or default_store_dir(), lock_timeout=args.wait)
    removed = store.remove(args.doc_ids)
    print(f"removed {len(removed)} document(s) from {store.path}: {', '.join(removed)}")
    if removed:
        prepare_for_opening(store)
    return 0


def run_reanalyze(args: argparse.Namespace) -> int:
    from speechlens.store import Store, default_store_dir

    store = Store(args.store or default_store_dir(), lock_timeout=args.wait)
    stale = store.stale_segments()
    if not stale:
        print(f"every segment of the store at {store.path} is up to date; nothing to do")
        return 0
    progress = Progress(len(stale))
    finished = [0]

    def report(done: int, _: int) -> None:
        finished[0] = done
        progress.update(done, "re-analysed")

    try:
        store.reanalyze(load_lexicon(args.themes), segments=stale, progress=report, jobs=args.jobs)
    finally:
        progress.finish(f"re-analysed {finished[0]}/{len(stale)} segment(s)")
    print(f"re-analysed {finished[0]} segment(s) of the store at {store.path}")
    prepare_for_opening(store)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return run_analyze(args)
        if args.command == "brief":
            return run_brief(args)
        if args.command == "add":
            return run_add(args)
        if args.command == "list":
            return run_list(args)
        if args.command == "remove":
            return run_remove(args)
        if args.command == "reanalyze":
            return run_reanalyze(args)
    except BriefingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `list | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
