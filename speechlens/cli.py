"""Command line: ``python -m speechlens analyze PATH... --out FILE.csv``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from speechlens.analysis import analyze
from speechlens.corpus import DEFAULT_DATA_DIR, THEMES_FILE
from speechlens.export import EXPORT_COLUMNS, paragraph_table, write_table
from speechlens.model import SOURCE_TYPES, Document, DocumentMeta
from speechlens.parsing import load_document, parse_document
from speechlens.reading import read_text
from speechlens.themes import load_lexicon


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
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return run_analyze(args)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
