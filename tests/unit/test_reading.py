"""Decoding text files of unknown encoding, and refusing what is not text."""

from __future__ import annotations

import codecs

import pytest

from speechlens.reading import UnreadableTextError, decode_bytes, read_text

SAMPLE = "Security is “a shared responsibility” — Côte d’Ivoire, 5 €.\r\nSecond line."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SAMPLE.encode("utf-8"), SAMPLE),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), SAMPLE),
        (SAMPLE.encode("utf-16"), SAMPLE),  # with the platform's BOM
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), SAMPLE),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), SAMPLE),
        (SAMPLE.encode("utf-32"), SAMPLE),
        (SAMPLE.encode("utf-16-le"), SAMPLE),  # no BOM: recognised by its NUL bytes
        (SAMPLE.encode("utf-16-be"), SAMPLE),
        (SAMPLE.encode("cp1252"), SAMPLE),
        (b"caf\xe9 \x93quoted\x94 \x80 5", "café “quoted” € 5"),
        (b"old\rMac\rline endings", "old\rMac\rline endings"),
    ],
    ids=[
        "utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "utf32",
        "utf16le-no-bom", "utf16be-no-bom", "cp1252", "cp1252-bytes", "cr-kept",
    ],
)  # fmt: skip
def test_decode_bytes(data, expected):
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b" \r\n\t\n", "only whitespace"),
        (codecs.BOM_UTF8, "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"text with a NUL\x00 inside", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        (bytes(range(0x80, 0x100)) * 8, "binary"),
        (b"mostly ascii but \x81 is undefined in cp1252", "cannot be decoded"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "UTF-16"),
        (codecs.BOM_UTF8 + b"bad \xff utf-8", "UTF-8"),
    ],
    ids=[
        "empty", "whitespace", "bom-only", "png", "nul", "controls", "high-bytes",
        "undefined-cp1252", "bad-utf16", "bad-utf8-after-bom",
    ],
)  # fmt: skip
def test_decode_bytes_refuses_what_is_not_text(data, problem):
    with pytest.raises(UnreadableTextError, match=problem):
        decode_bytes(data)


def test_unreadable_text_error_is_a_value_error():
    assert issubclass(UnreadableTextError, ValueError)


def test_read_text_reads_a_file(tmp_path):
    path = tmp_path / "speech.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Hello, Marrakech.\r\n".encode("utf-8"))
    assert read_text(path) == "Hello, Marrakech.\r\n"
    assert read_text(str(path)) == "Hello, Marrakech.\r\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "file not found"), (b"", "empty"), (b"\x00\x01\x02\x03" * 10, "binary")],
    ids=["missing", "empty", "binary"],
)
def test_read_text_names_the_file_and_the_problem(tmp_path, content, problem):
    path = tmp_path / "speech.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableTextError, match=problem) as error:
        read_text(path)
    assert "speech.txt" in str(error.value)


def test_read_text_of_a_directory_is_a_clear_error(tmp_path):
    with pytest.raises(UnreadableTextError, match="cannot be read"):
        read_text(tmp_path)
