"""Shared test helpers: where the project and the shared corpora live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"
SEED_TEXT = DATA_DIR / "interpol-ga93-hammouchi-2025.txt"
SEED_META = DATA_DIR / "interpol-ga93-hammouchi-2025.toml"


@pytest.fixture(scope="session", autouse=True)
def isolated_data_dir(tmp_path_factory):
    """Point the app (and every server a test starts) at a fresh store, never the project's own.

    It is created with the seed speech on first use, as a new user's would be.
    Tests that add or remove documents use their own directory instead.
    """
    if os.environ.get("SPEECHLENS_DATA_DIR"):
        yield Path(os.environ["SPEECHLENS_DATA_DIR"])
        return
    path = tmp_path_factory.mktemp("speechlens-data") / "store"
    os.environ["SPEECHLENS_DATA_DIR"] = str(path)
    yield path
    del os.environ["SPEECHLENS_DATA_DIR"]


def require_chromium() -> None:
    """Skip without Chromium, unless SPEECHLENS_REQUIRE_BROWSER=1 (CI), where that is a failure."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("SPEECHLENS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (install Debian's chromium package)")


def shared_dir() -> Path:
    """../shared beside the repository, or $SPEECHLENS_SHARED."""
    return Path(os.environ.get("SPEECHLENS_SHARED", PROJECT_DIR.parent / "shared"))


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run (skipped when absent, except in CI)."""
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def seed_analysis():
    """The seed speech, parsed and scored once for the whole test session."""
    from speechlens.analysis import analyze
    from speechlens.corpus import load_default_lexicon, load_documents

    return analyze(load_documents(DATA_DIR), load_default_lexicon(DATA_DIR))
