"""The command line (`python -m speechlens analyze ...`) and the data directory's signature."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from speechlens.corpus import data_signature
from speechlens.export import EXPORT_COLUMNS
from tests.conftest import DATA_DIR, PROJECT_DIR, SEED_META, SEED_TEXT

SEED_RELATIVE = SEED_META.relative_to(PROJECT_DIR).as_posix()
OWN_SPEECH = """Distinguished delegates, cybercrime is the defining challenge of our decade.

Our police forces must share information quickly and work in partnership across every border.

I thank you for your attention and wish this conference every success.
"""
OWN_PARAGRAPHS = 3


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "speechlens", *args],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
    )


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False) if path.suffix == ".csv" else pd.read_parquet(path)


@pytest.fixture
def own_speech(tmp_path):
    path = tmp_path / "own-speech.txt"
    path.write_text(OWN_SPEECH, encoding="utf-8")
    return path


def assert_clean_failure(result, *needles: str):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error")
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# ----------------------------------------------------------------------------- successes


def test_analyze_the_seed_metadata(seed_analysis, tmp_path):
    out = tmp_path / "tmp" / "x.csv"
    result = run("analyze", SEED_RELATIVE, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    table = read(out)
    assert list(table.columns) == list(EXPORT_COLUMNS)
    assert len(table) == len(seed_analysis.paragraphs)
    assert table["text"].tolist() == seed_analysis.paragraphs["text"].tolist()
    assert set(table["document"]) == set(seed_analysis.documents)
    assert f"{len(table)} paragraphs" in result.stdout


def test_analyze_the_seed_text_uses_its_metadata(tmp_path):
    out = tmp_path / "x.parquet"
    result = run("analyze", str(SEED_TEXT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = read(out)
    assert set(table["speaker"]) == {"Abdellatif Hammouchi"}
    assert set(table["document"]) == {SEED_META.stem}


def test_analyze_a_bare_text(own_speech, tmp_path):
    out = tmp_path / "own.csv"
    result = run("analyze", str(own_speech), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = read(out)
    assert len(table) == OWN_PARAGRAPHS
    assert set(table["document"]) == {own_speech.stem}
    assert table["paragraph"].tolist() == list(range(1, OWN_PARAGRAPHS + 1))
    assert set(table["voice"]) == {"direct"}  # a transcript: every word is the speaker's
    assert table.loc[0, "dominant_theme"] == "cybercrime"


def test_two_files_give_rows_for_both(seed_analysis, own_speech, tmp_path):
    out = tmp_path / "both.csv"
    result = run("analyze", SEED_RELATIVE, str(own_speech), "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = read(out)["document"].value_counts()
    seed_id = next(iter(seed_analysis.documents))
    assert rows.to_dict() == {seed_id: len(seed_analysis.paragraphs), own_speech.stem: OWN_PARAGRAPHS}
    assert "2 document(s)" in result.stdout


def test_a_custom_themes_file(own_speech, tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text(
        '[[themes]]\nid = "thanks"\nlabel = "Thanks"\ndescription = "d"\ncolor = "#123456"\nterms = ["thank"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "custom.csv"
    result = run("analyze", str(own_speech), "--out", str(out), "--themes", str(themes))
    assert result.returncode == 0, result.stderr
    assert read(out)["themes"].tolist() == ["", "", "thanks"]


# ----------------------------------------------------------------------------- failures


@pytest.mark.parametrize("name", ["x.json", "x.xlsx", "x"])
def test_other_output_suffix_is_refused(tmp_path, name):
    out = tmp_path / name
    result = run("analyze", SEED_RELATIVE, "--out", str(out))
    assert_clean_failure(result, ".csv", ".parquet", name)
    assert not out.exists()


@pytest.mark.parametrize("missing", ["no-such-speech.txt", "no-such-meta.toml"])
def test_missing_input_is_a_clear_error(tmp_path, missing):
    path = tmp_path / missing
    result = run("analyze", str(path), "--out", str(tmp_path / "x.csv"))
    assert_clean_failure(result, str(path), "not found")
    assert not (tmp_path / "x.csv").exists()


def test_empty_input_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run("analyze", str(path), "--out", str(tmp_path / "x.csv"))
    assert_clean_failure(result, str(path), "empty")


MALFORMED_THEMES = [
    ("not-toml", "[[themes]\nid = ", ["invalid TOML"]),
    ("no-label", '[[themes]]\nid = "x"\ndescription = "d"\ncolor = "#123456"\nterms = ["a"]\n', ["'label'"]),
    ("bad-colour", '[[themes]]\nid = "x"\nlabel = "X"\ndescription = "d"\ncolor = "red"\nterms = ["a"]\n', ["'red'"]),
    ("bad-id", '[[themes]]\nid = "Not Kebab"\nlabel = "X"\ndescription = "d"\ncolor = "#123456"\nterms = ["a"]\n',
     ["'Not Kebab'"]),
]


@pytest.mark.parametrize(("name", "text", "needles"), MALFORMED_THEMES, ids=[case[0] for case in MALFORMED_THEMES])
def test_malformed_themes_file_names_the_problem(tmp_path, name, text, needles):
    themes = tmp_path / f"{name}.toml"
    themes.write_text(text, encoding="utf-8")
    result = run("analyze", SEED_RELATIVE, "--out", str(tmp_path / "x.csv"), "--themes", str(themes))
    assert_clean_failure(result, str(themes), *needles)
    assert not (tmp_path / "x.csv").exists()


def test_missing_themes_file(tmp_path):
    themes = tmp_path / "absent.toml"
    result = run("analyze", SEED_RELATIVE, "--out", str(tmp_path / "x.csv"), "--themes", str(themes))
    assert_clean_failure(result, str(themes), "not found")


def test_no_command_shows_usage():
    result = run()
    assert result.returncode != 0
    assert "usage" in result.stderr.lower()
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- data signature


@pytest.fixture
def data_copy(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def test_signature_is_stable(data_copy):
    assert data_signature(data_copy) == data_signature(data_copy)
    assert len(data_signature(data_copy)) >= 8


@pytest.mark.parametrize("name", [SEED_TEXT.name, SEED_META.name, "themes.toml"])
def test_signature_changes_when_a_file_changes(data_copy, name):
    before = data_signature(data_copy)
    path = data_copy / name
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = data_signature(data_copy)
    assert after != before


def test_signature_changes_when_a_typo_is_fixed_in_place(data_copy):
    """A same-length edit ("Marrakech" -> "Marrakesh") still counts as a change."""
    path = data_copy / SEED_TEXT.name
    text = path.read_text(encoding="utf-8")
    assert "Marrakech" in text
    before = data_signature(data_copy)
    path.write_text(text.replace("Marrakech", "Marrakesh"), encoding="utf-8")
    assert data_signature(data_copy) != before


def test_signature_changes_when_a_file_is_added_or_removed(data_copy):
    before = data_signature(data_copy)
    extra = data_copy / "another-speech.txt"
    extra.write_text(OWN_SPEECH, encoding="utf-8")
    added = data_signature(data_copy)
    assert added != before
    extra.unlink()
    assert data_signature(data_copy) == before


def test_signature_changes_when_a_file_is_renamed(data_copy):
    before = data_signature(data_copy)
    (data_copy / SEED_TEXT.name).rename(data_copy / "renamed.txt")
    assert data_signature(data_copy) != before
