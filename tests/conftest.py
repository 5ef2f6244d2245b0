"""Shared test helpers: where the project and the shared corpora live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"
SEED_TEXT = DATA_DIR / "interpol-ga93-hammouchi-2025.txt"
SEED_META = DATA_DIR / "interpol-ga93-hammouchi-2025.toml"


def shared_dir() -> Path:
    """../shared beside the repository, or $SPEECHLENS_SHARED."""
    return Path(os.environ.get("SPEECHLENS_SHARED", PROJECT_DIR.parent / "shared"))


@pytest.fixture(scope="session")
def seed_analysis():
    """The seed speech, parsed and scored once for the whole test session."""
    from speechlens.analysis import analyze
    from speechlens.corpus import load_default_lexicon, load_documents

    return analyze(load_documents(DATA_DIR), load_default_lexicon(DATA_DIR))
