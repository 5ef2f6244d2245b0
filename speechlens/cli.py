"""Command line: ``python -m speechlens analyze PATH... --out FILE.csv`` and
``python -m speechlens brief --out FILE.html|FILE.pdf [filters]``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from speechlens.analysis import Analysis, analyze
from speechlens.briefing import BriefingError, build_briefing, html_to_pdf, write_briefing
from speechlens.captions import coverage_line
from speechlens.corpus import DEFAULT_DATA_DIR, THEMES_FILE, load_default_lexicon, load_documents
from speechlens.export import EXPORT_COLUMNS, paragraph_table, write_table
from speechlens.filters import Filters, section_labels, select
from speechlens.model import SOURCE_TYPES, Document, DocumentMeta
from speechlens.parsing import load_document, parse_document
from speechlens.reading import read_text
from speechlens.themes import load_lexicon
from speechlens.urlstate import (
    KEYWORD, MATCH, MEASURE, POLARITY, POSTS, REPEATS, SECTION, THEME, VOICE, filters_to_query, parse_query,
)

BRIEF_SUFFIXES = (".html", ".pdf")
# Command-line flag (argparse dest) -> the dashboard link parameter it stands for.
BRIEF_FLAGS: dict[str, str] = {
    "theme": THEME, "match": MATCH, "voice": VOICE, "polarity": POLARITY, "q": KEYWORD,
    "section": SECTION, "posts": POSTS, "repeats": REPEATS, "measure": MEASURE,
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
    return parser


def add_brief_parser(commands) -> None:  # commands: the parser's subparsers
    brief = commands.add_parser(
        "brief",
        help="write a one-file HTML (or PDF) briefing of a dashboard view",
        description="Write the dashboard's view as a briefing: source, filters, headline numbers, the four "
        "charts, the strongest paragraphs per theme and a note on the method. The .html file is "
        "self-contained (interactive charts, no network needed); .pdf prints it with headless Chromium.",
        epilog=BRIEF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    brief.add_argument("--out", required=True, type=Path, help="the briefing file: .html, or .pdf (needs Chromium)")
    brief.add_argument("--link", metavar="URL", help="a dashboard link (full URL or query string) to take the filters from")
    brief.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="speeches and themes.toml (default: $SPEECHLENS_DATA_DIR, else the project's data/)")
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


def view_link(link: str | None, filters: Filters, measure: str) -> str | None:
    """The dashboard address of the briefed view, when --link gave the dashboard's address."""
    if not link or "://" not in link:
        return None
    scheme, netloc, path, _, _ = urlsplit(link)
    pairs = filters_to_query(filters) + ([(MEASURE, measure)] if measure != "mentions" else [])
    return urlunsplit((scheme, netloc, path or "/", urlencode(pairs), ""))


def load_analysis(data_dir: Path) -> Analysis:
    documents = load_documents(data_dir)
    lexicon = load_default_lexicon(data_dir)
    if not documents:
        raise ValueError(f"no speeches in {data_dir}: put a metadata .toml beside each .txt")
    return analyze(documents, lexicon)


def run_brief(args: argparse.Namespace) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in BRIEF_SUFFIXES:
        print(f"error: --out must end in .html or .pdf, not “{args.out.name}”", file=sys.stderr)
        return 2
    analysis = load_analysis(args.data_dir or Path(os.environ.get("SPEECHLENS_DATA_DIR", DEFAULT_DATA_DIR)))
    raw = {**link_parameters(args.link), **flag_parameters(args)}  # a flag replaces the link's values
    filters, notices = parse_query(raw, theme_ids=analysis.lexicon.ids, sections=section_labels(analysis))
    if notices:
        print("error: the dashboard would ignore part of this view; nothing was written:", file=sys.stderr)
        print("\n".join(f"  {notice}" for notice in notices), file=sys.stderr)
        return 2
    measure = raw.get(MEASURE, ["mentions"])[-1]
    html_text = build_briefing(analysis, filters, measure=measure, link=view_link(args.link, filters, measure))
    write_brief(html_text, args.out)
    selection = select(analysis, filters)
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return run_analyze(args)
        if args.command == "brief":
            return run_brief(args)
    except BriefingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
