"""The annotated paragraph table and the files it is written to."""

from __future__ import annotations

import pandas as pd
import pytest

from speechlens.export import EXPORT_COLUMNS, paragraph_table, to_csv_bytes, write_table


def read_csv_back(path) -> pd.DataFrame:
    """Read an exported CSV the way an analyst would, keeping empty text as ''."""
    table = pd.read_csv(path, keep_default_na=False, na_values={"duplicate_of": [""]})
    table["duplicate_of"] = table["duplicate_of"].astype("Int64")
    return table


@pytest.fixture(scope="module")
def table(seed_analysis):
    return paragraph_table(seed_analysis)


def test_columns_are_exactly_the_documented_ones(table):
    assert list(table.columns) == list(EXPORT_COLUMNS)


def test_one_row_per_paragraph_in_reading_order(seed_analysis, table):
    paragraphs = seed_analysis.paragraphs
    assert len(table) == len(paragraphs)
    assert table["paragraph"].tolist() == paragraphs["position"].tolist()
    assert table["text"].tolist() == paragraphs["text"].tolist()
    assert table["kind"].tolist() == paragraphs["kind"].tolist()
    assert list(table.index) == list(range(len(table)))


def test_rows_name_their_document_speaker_and_date(seed_analysis, table):
    meta = next(iter(seed_analysis.documents.values()))
    assert set(table["document"]) == {meta.doc_id}
    assert set(table["speaker"]) == {meta.speaker}
    assert set(table["date"]) == {meta.date}


def test_themes_and_terms_are_semicolon_lists(seed_analysis, table):
    for (_, row), themes, terms in zip(
        table.iterrows(), seed_analysis.paragraphs["themes"], seed_analysis.paragraphs["matched_terms"], strict=True
    ):
        assert row["themes"] == ";".join(themes)
        assert row["matched_terms"] == ";".join(terms)
        assert (row["themes"] == "") == (row["dominant_theme"] == "")
        if row["dominant_theme"]:
            assert row["dominant_theme"] in row["themes"].split(";")


def test_repeat_columns(table):
    repeating = table[table["text"].str.startswith("Faced with these transnational threats")]
    first, second = repeating.iloc[0], repeating.iloc[1]
    assert pd.isna(first["duplicate_of"])
    assert second["duplicate_of"] == first["paragraph"]
    assert second["counted_words"] < second["words"]
    assert table["duplicate_of"].notna().sum() == 1


def test_sentiment_words_appear_in_the_text(table):
    assert (table["sentiment_words"] != "").any()
    for text, words in zip(table["text"], table["sentiment_words"], strict=True):
        for part in filter(None, words.split("), ")):
            assert part.rsplit(" (", 1)[0].split()[-1].lower() in text.lower()


def test_a_subset_of_paragraphs_in_the_order_given(seed_analysis):
    pids = [5, 0, 11]
    subset = paragraph_table(seed_analysis, pids)
    assert list(subset.columns) == list(EXPORT_COLUMNS)
    assert subset["paragraph"].tolist() == [int(seed_analysis.paragraphs.loc[p, "position"]) for p in pids]
    assert list(subset.index) == [0, 1, 2]
    assert paragraph_table(seed_analysis, []).empty


@pytest.mark.parametrize("name", ["table.csv", "TABLE.CSV"])
def test_csv_reads_back_equal(table, tmp_path, name):
    path = tmp_path / name
    write_table(table, path)
    pd.testing.assert_frame_equal(read_csv_back(path), table, check_dtype=False)


@pytest.mark.parametrize("name", ["table.parquet", "Table.Parquet"])
def test_parquet_reads_back_equal(table, tmp_path, name):
    path = tmp_path / name
    write_table(table, path)
    pd.testing.assert_frame_equal(pd.read_parquet(path), table)


def test_csv_bytes_are_the_csv_file(table, tmp_path):
    path = tmp_path / "table.csv"
    write_table(table, path)
    assert to_csv_bytes(table) == path.read_bytes()


@pytest.mark.parametrize("name", ["table.json", "table.xlsx", "table.csv.gz", "table"])
def test_other_suffixes_are_refused_with_a_clear_message(table, tmp_path, name):
    path = tmp_path / name
    with pytest.raises(ValueError) as error:
        write_table(table, path)
    message = str(error.value)
    assert ".csv" in message and ".parquet" in message
    suffix = path.suffix or name
    assert suffix in message
    assert not path.exists()
