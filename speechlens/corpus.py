"""Find and load the documents and lexicon a dashboard shows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from speechlens.model import Document
from speechlens.parsing import load_document
from speechlens.themes import Lexicon, load_lexicon

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_DIR / "data"
THEMES_FILE = "themes.toml"


def metadata_files(data_dir: Path) -> list[Path]:
    """Every document's metadata file in ``data_dir`` (all TOML but the lexicon)."""
    return sorted(p for p in Path(data_dir).glob("*.toml") if p.name != THEMES_FILE)


def load_documents(data_dir: Path = DEFAULT_DATA_DIR) -> list[Document]:
    """Parse every document described in ``data_dir``, in file-name order."""
    return [load_document(meta_path=path) for path in metadata_files(data_dir)]


def load_default_lexicon(data_dir: Path = DEFAULT_DATA_DIR) -> Lexicon:
    return load_lexicon(Path(data_dir) / THEMES_FILE)


def data_signature(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """A short hash of the names, sizes and modification times of the data files.

    Cheap enough to compute on every rerun (no file is read), and it changes
    whenever a file is edited, added or removed, which re-runs the analysis.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).glob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]
