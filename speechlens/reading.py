"""Reading text files whose encoding nobody wrote down.

Tries, in order: a byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16 without a
mark (recognised by its NUL bytes), strict UTF-8, then Windows-1252. Anything
that is empty, binary or undecodable raises :class:`UnreadableTextError` with
a message naming the problem, ready to show to a user.
"""

from __future__ import annotations

import codecs
from pathlib import Path

__all__ = ["UnreadableTextError", "decode_bytes", "read_text"]

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = b"\t\n\r\f\v\x1b"
# bytes.translate(None, delete) keeps only the bytes we want to count (fast, in C).
_ALL_BUT_BAD_CONTROLS = bytes(b for b in range(256) if b >= 0x20 or b in _TEXT_CONTROLS)
_ASCII = bytes(range(0x80))
_SAMPLE_BYTES = 65536
# Real cp1252 text is mostly ASCII; above this share of high bytes it is junk.
_MAX_HIGH_BYTE_SHARE = 0.3
_MAX_CONTROL_SHARE = 0.05


class UnreadableTextError(ValueError):
    """The bytes are not a text we can read (empty, binary or undecodable)."""


def read_text(path: str | Path) -> str:
    """Read the file at ``path`` and decode it with :func:`decode_bytes`.

    Raises :class:`UnreadableTextError` (naming the file) when it is missing,
    unreadable, empty, binary or undecodable.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise UnreadableTextError(f"{path}: file not found") from error
    except OSError as error:
        raise UnreadableTextError(f"{path}: cannot be read ({error.strerror})") from error
    try:
        return decode_bytes(data)
    except UnreadableTextError as error:
        raise UnreadableTextError(f"{path}: {error}") from error


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` to text (BOM removed); raise UnreadableTextError if impossible."""
    if not data:
        raise UnreadableTextError("the file is empty")
    text = _decode_with_bom(data) or _decode_utf16_without_bom(data) or _decode_plain(data)
    if not text.strip("\ufeff \t\r\n\f\v"):
        raise UnreadableTextError("the file contains only whitespace")
    return text


def _decode_with_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UnreadableTextError(
                    f"starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (byte {error.start})"
                ) from error
    return None


def _decode_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly Latin characters has a NUL in every other byte."""
    sample = data[:_SAMPLE_BYTES]
    if len(sample) < 4 or len(sample) % 2:
        return None
    for encoding, nul_slot in (("utf-16-le", 1), ("utf-16-be", 0)):
        nuls = sample[nul_slot::2].count(0)
        if nuls >= 0.9 * (len(sample) // 2) and sample[1 - nul_slot :: 2].count(0) == 0:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode_plain(data: bytes) -> str:
    sample = data[:_SAMPLE_BYTES]
    if b"\x00" in sample:
        raise UnreadableTextError("looks binary, not text (it contains NUL bytes)")
    controls = len(sample.translate(None, _ALL_BUT_BAD_CONTROLS))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise UnreadableTextError("looks binary, not text (too many control characters)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    high = len(sample.translate(None, _ASCII))
    if high > _MAX_HIGH_BYTE_SHARE * len(sample):
        raise UnreadableTextError(
            "looks binary, not text (mostly non-ASCII bytes that are not UTF-8)"
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableTextError(
            f"cannot be decoded as UTF-8 or Windows-1252 (byte 0x{data[error.start]:02x} "
            f"at offset {error.start})"
        ) from error
