"""Turning an uploaded file's bytes into speech text, or refusing it clearly.

:func:`extract_text` reads plain text (.txt), Markdown (.md), web pages
(.html/.htm), Word documents (.docx) and PDFs with a text layer (.pdf), and
returns normalised plain text with paragraphs separated by blank lines (PDFs:
see :func:`_pdf_text`), ready for :func:`speechlens.parsing.parse_document`.
Anything it cannot read raises :class:`RejectedFile`, whose message names the
file and the problem and can be shown to the user as is, and whose ``reason``
is one of :data:`REASONS`.

"binary" vs "undecodable": a file is *binary* when its bytes are not text at
all (a known file signature such as PDF, ZIP or PNG; NUL bytes that are not
UTF-16; too many control characters; mostly bytes above 0x7F that are not
UTF-8). It is *undecodable* when it looks like text but some byte is invalid
in every encoding we try (e.g. 0x81, undefined in Windows-1252, in otherwise
ASCII text), or a byte-order mark promises an encoding the bytes then break.

Safety limits (all checked before the expensive step they guard):

* the upload itself: :data:`DEFAULT_MAX_BYTES` (20 MB), or
  ``$SPEECHLENS_MAX_UPLOAD_MB``, or the ``max_bytes`` argument;
* .docx (a ZIP): at most :data:`DOCX_MAX_MEMBERS` parts, read from the ZIP's
  end record before the directory is parsed; a declared unpacked total of at
  most ``min(20 * max_bytes, 200 MB)``; no part over 1 MiB packed more than
  200:1 -- all from the ZIP directory, before anything is decompressed; then
  only ``word/document.xml`` is decompressed, streamed into the XML parser,
  stopping if more bytes come out than were declared. Its XML may not
  declare a DOCTYPE or entities (no entity-expansion bombs, no external
  entities); the standard library's expat parser is used directly, so no
  element tree of the document is ever built;
* .pdf: pypdf's own decompression limits apply (75 MB per stream).

Every step runs in time linear in the input, pathological input included:
Markdown patterns never scan past a character that could end them, and
HTML goes through a linear pass (:func:`_defuse_markup`) before the
standard library's ``html.parser``, whose rescanning of unclosed tags is
quadratic in the Python versions we support.

Nothing here runs or evaluates content: HTML is tokenised by
``html.parser``, scripts and styles are dropped unread.
"""

from __future__ import annotations

import codecs
import html.parser
import io
import os
import re
import statistics
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import PurePath
from typing import Any
from xml.parsers import expat

from speechlens.reading import UnreadableTextError, decode_bytes
from speechlens.text import normalize_text

__all__ = [
    "SUPPORTED",
    "DEFAULT_MAX_BYTES",
    "MAX_UPLOAD_ENV",
    "REASONS",
    "RejectedFile",
    "extract_text",
    "max_upload_bytes",
    "suggest_meta",
]

SUPPORTED = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_ENV = "SPEECHLENS_MAX_UPLOAD_MB"

DOCX_MAX_MEMBERS = 5000
DOCX_MAX_UNPACKED_FACTOR = 20  # the unpacked parts may add up to 20x the upload limit ...
DOCX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # ... and never more than this
DOCX_MAX_RATIO = 200  # a part packed tighter than 200:1 is a bomb, not a document ...
DOCX_RATIO_MIN_BYTES = 1024 * 1024  # ... once it unpacks to at least 1 MiB
PDF_MIN_LETTERS = 20  # fewer letters in the whole PDF: a scan without a text layer

REASONS = (
    "empty",  # no bytes, only whitespace, or no visible text after extraction
    "too-large",  # over the upload limit
    "unsupported-type",  # an extension we do not read (or an old binary .doc)
    "binary",  # a text extension, but the bytes are not text
    "undecodable",  # looks like text, but no supported encoding fits
    "no-text-layer",  # a PDF with (almost) no text: a scan that needs OCR
    "encrypted",  # a password-protected PDF
    "docx-too-large-unpacked",  # a .docx that would unpack too far (a ZIP bomb)
    "corrupt",  # a damaged or malformed .docx/.pdf
)

_TEXT_TYPES = frozenset({".txt", ".md", ".html", ".htm"})
_TYPE_HINTS = {
    ".doc": "old Word (.doc) files are not supported: save it as .docx or PDF",
    ".rtf": "RTF files are not supported: save it as .docx, PDF or plain text",
    ".odt": "OpenDocument files are not supported: save it as .docx or PDF",
    ".pages": "Pages files are not supported: export it as .docx or PDF",
}
# File signatures of formats that are never plain text.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (such as a .docx)"),
    (b"PK\x05\x06", "a ZIP archive (such as a .docx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (such as a .doc)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RejectedFile(ValueError):
    """An uploaded file SpeechLens cannot read; ``str()`` is a message for the user.

    ``name`` is the file name as given, ``reason`` one of :data:`REASONS`,
    ``problem`` the message without the file name.
    """

    def __init__(self, name: str, reason: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.reason = reason
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. across worker processes
        return (type(self), (self.name, self.reason, self.problem))


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def max_upload_bytes(max_bytes: int | None = None) -> int:
    """The upload limit in bytes: ``max_bytes``, else ``$SPEECHLENS_MAX_UPLOAD_MB``
    (a positive number of MiB), else :data:`DEFAULT_MAX_BYTES`.

    Raises ValueError for a limit that is not positive or an unreadable
    environment value: a misconfigured limit should be noticed, not ignored.
    """
    if max_bytes is None:
        raw = os.environ.get(MAX_UPLOAD_ENV, "").strip()
        if not raw:
            return DEFAULT_MAX_BYTES
        try:
            megabytes = float(raw)
        except ValueError:
            megabytes = float("nan")
        if not megabytes > 0 or megabytes == float("inf"):
            raise ValueError(f"{MAX_UPLOAD_ENV} must be a positive number of megabytes, not {raw!r}")
        return int(megabytes * 1024 * 1024)
    if max_bytes <= 0:
        raise ValueError(f"max_bytes must be positive, not {max_bytes}")
    return max_bytes


def extract_text(name: str, data: bytes, *, max_bytes: int | None = None) -> str:
    """Return the speech text in the file ``name`` whose content is ``data``.

    The format comes from the extension of ``name`` (any case); the content is
    checked against it. Raises :class:`RejectedFile` for an unsupported
    extension, an empty or over-size file (before any parsing), bytes that do
    not fit the format, and anything else we cannot read.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise RejectedFile(name, "unsupported-type", _unsupported_problem(suffix))
    if not data:
        raise RejectedFile(name, "empty", "the file is empty")
    if not data.strip():
        raise RejectedFile(name, "empty", "the file contains only whitespace")
    limit = max_upload_bytes(max_bytes)
    if len(data) > limit:
        raise RejectedFile(
            name, "too-large", f"the file is {_size(len(data))}, larger than the limit of {_size(limit)}"
        )
    if suffix in _TEXT_TYPES:
        signature = _signature(data)
        if signature:
            raise RejectedFile(
                name, "binary", f"this is {signature}, not text (is its extension wrong?)"
            )
    if suffix == ".txt":
        raw = _decode(name, data)
    elif suffix == ".md":
        raw = markdown_to_text(_decode(name, data))
    elif suffix in (".html", ".htm"):
        raw = html_to_text(_decode_html(name, data))
    elif suffix == ".docx":
        raw = _docx_text(name, data, limit)
    else:
        raw = _pdf_text(name, data)
    text = normalize_text(raw)
    if "\n\n\n" in text:  # a fast test; the regex would try every position
        text = _EXTRA_BLANK_LINES.sub("\n\n", text)
    if not _ALNUM.search(text):
        raise RejectedFile(name, "empty", "the file contains no text")
    return text


_ALNUM = re.compile(r"[^\W_]")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def _unsupported_problem(suffix: str) -> str:
    supported = ", ".join(sorted(SUPPORTED))
    if not suffix:
        return f"the file name has no extension; SpeechLens reads {supported} files"
    hint = _TYPE_HINTS.get(suffix)
    if hint:
        return hint
    return f"{suffix} files are not supported; SpeechLens reads {supported} files"


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def _brief(error: BaseException) -> str:
    """A library's error message, on one line and short enough for a notice."""
    message = " ".join(str(error).split()) or type(error).__name__
    return message if len(message) <= 120 else message[:117] + "..."


def _signature(data: bytes) -> str | None:
    for magic, description in _SIGNATURES:
        if data.startswith(magic):
            return description
    return None


# --------------------------------------------------------------------------
# Plain text and Markdown
# --------------------------------------------------------------------------


def _decode(name: str, data: bytes) -> str:
    """:func:`speechlens.reading.decode_bytes`, its refusals turned into RejectedFile.

    The reason is read from decode_bytes's messages ("empty", "only
    whitespace", "looks binary", anything else undecodable); the table of
    refusals in tests/unit/test_formats.py pins each of them.
    """
    try:
        return decode_bytes(data)
    except UnreadableTextError as error:
        message = str(error)
        if "empty" in message or "only whitespace" in message:
            reason = "empty"
        elif "binary" in message:
            reason = "binary"
        else:
            reason = "undecodable"
        raise RejectedFile(name, reason, message) from error


# Markdown. Escaped characters are hidden in private-use code points while
# markup is removed, then restored, so "\*" stays a literal asterisk.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_PRIVATE_BASE = 0xF0000
_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# YAML front matter: "---", then "key: value" lines, then "---" or "...".
_MD_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n[A-Za-z_][\w-]*:.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL
)
# Every inline pattern below stops at the next character that could close or
# reopen it (no ".*?" across other markers), so each runs in linear time even
# on a 20 MB line of unmatched markers.
_MD_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_MD_RULE_OR_UNDERLINE = re.compile(r" {0,3}([-*_=])[ \t]*(?:\1[ \t]*){2,}")
_MD_REFERENCE_DEFINITION = re.compile(r" {0,3}\[(?!\^)[^\[\]]+\]:[ \t]*\S")
_MD_QUOTE = re.compile(r" {0,3}(?:>[ \t]?)+")
_MD_BULLET = re.compile(r"[ \t]*[-*+][ \t]+")
_MD_ORDERED = re.compile(r"[ \t]*\d{1,9}[.)][ \t]")
_MD_FOOTNOTE_DEF = re.compile(r" {0,3}\[\^[^\[\]\n]+\]:[ \t]*")
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\](?:\([^()\n]*\)|\[[^\[\]\n]*\])")
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\](?:\([^()\n]*\)|\[[^\[\]\n]*\])")
_MD_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]\n]+\]")
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>")
_MD_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_MD_STRONG_EMPHASIS = re.compile(r"(?<![\w*])\*\*\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*\*\*(?![\w*])")
_MD_STRONG = re.compile(r"(?<![\w*])\*\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*\*(?![\w*])")
_MD_STRONG_UNDERSCORE = re.compile(r"(?<![\w_])__(?=[^\s_])([^_\n]+?)(?<=[^\s_])__(?![\w_])")
_MD_EMPHASIS_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_MD_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")
_MD_STRIKE = re.compile(r"~~(?=[^\s~])([^~\n]+?)(?<=[^\s~])~~")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_MD_INLINE_MARKERS = (  # outermost first: "***x***", then "**x**", then "*x*"
    _MD_STRONG_EMPHASIS, _MD_STRONG, _MD_STRONG_UNDERSCORE, _MD_STRIKE,
    _MD_EMPHASIS_STAR, _MD_EMPHASIS_UNDERSCORE,
)  # fmt: skip
_PRIVATE_CHARS = re.compile("[\U000F0000-\U000F00FF]")


def markdown_to_text(markdown: str) -> str:
    """The prose of a Markdown document, paragraphs separated by blank lines.

    Headings become plain lines (with blank lines around them) without their
    "#" marks or underlines; emphasis (``*``, ``**``, ``_``, ``__``, also
    nested as ``***``), strike-through and code-span markers, link targets,
    images, fenced code blocks, HTML comments and tags, YAML front matter,
    link reference definitions, footnote markers, block-quote ">" and bullet
    markers are removed; backslash escapes are resolved. Numbered-list numbers
    are kept (they can number a speech's paragraphs). Lines of a paragraph
    are joined with spaces (a soft line break is a space in Markdown), except
    after a hard break (two trailing spaces or a backslash); list items and
    table rows keep lines of their own. Tables and indented code blocks are
    otherwise left as they are (indentation is common in plain prose).
    """
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_ESCAPE.sub(lambda m: chr(_PRIVATE_BASE + ord(m.group(1))), text)
    text = _MD_FRONT_MATTER.sub("", text)
    lines: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opener = _MD_FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        lines.append(line)
    # Each output line is a list of source lines that one paragraph line joins:
    # in Markdown a single line break inside a paragraph is only a space.
    out: list[list[str]] = []
    joinable = False  # the last output line is prose that the next prose line continues
    for line in _drop_html_comments("\n".join(lines)).split("\n"):
        heading = _MD_HEADING.match(line)
        if heading:
            out.extend(([], [_heading_text(line[heading.end() :])], []))
            joinable = False
            continue
        if _MD_RULE_OR_UNDERLINE.fullmatch(line.rstrip()) or _MD_REFERENCE_DEFINITION.match(line):
            out.append([])
            joinable = False
            continue
        hard_break = line.endswith(("  ", "\\"))
        for prefix in (_MD_QUOTE, _MD_FOOTNOTE_DEF):
            match = prefix.match(line)
            if match:
                line = line[match.end() :]
        bullet = _MD_BULLET.match(line)
        if bullet:
            line = line[bullet.end() :]
        starts_line = bool(bullet or _MD_ORDERED.match(line)) or line.lstrip().startswith("|")
        line = line.strip().removesuffix("\\").rstrip()
        if not line:
            out.append([])
            joinable = False
        elif joinable and not starts_line:
            out[-1].append(line)
        else:
            out.append([line])
        joinable = bool(line) and not hard_break
    text = "\n".join(" ".join(parts) for parts in out)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_FOOTNOTE_REF.sub("", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_CODE_SPAN.sub(lambda m: m.group(1).strip(), text)
    text = _HTML_TAG.sub("", text)
    for pattern in _MD_INLINE_MARKERS:
        text = pattern.sub(r"\1", text)
    text = _PRIVATE_CHARS.sub(lambda m: chr(ord(m.group()) - _PRIVATE_BASE), text)
    text = "\n".join(line.strip() for line in text.split("\n"))  # indents mean nothing here
    return _EXTRA_BLANK_LINES.sub("\n\n", text)


def _heading_text(rest: str) -> str:
    """An ATX heading's text without its optional closing "#" sequence."""
    rest = rest.strip()
    bare = rest.rstrip("#")
    if bare != rest and (not bare or bare[-1] in " \t"):
        rest = bare.rstrip()
    return rest


def _drop_html_comments(text: str) -> str:
    """Remove ``<!-- ... -->`` (an unclosed one is left as it is), in linear time."""
    parts = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        parts.append(text[position:start])
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

_HTML_HEAD_SCAN = 4096
_META_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
# Python codecs that are not character encodings of web pages.
_NOT_PAGE_ENCODINGS = frozenset({
    "base64", "bz2", "hex", "idna", "punycode", "quopri", "raw-unicode-escape",
    "rot-13", "undefined", "unicode-escape", "utf-7", "uu", "zlib", "mbcs", "oem",
})  # fmt: skip


def _decode_html(name: str, data: bytes) -> str:
    """Decode a web page: a byte-order mark wins, then a ``<meta charset>`` (or
    an XML declaration's encoding), then :func:`_decode`'s UTF-8/Windows-1252."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(name, data)
    encoding = _declared_encoding(data[:_HTML_HEAD_SCAN])
    if encoding and b"\x00" not in data[:_HTML_HEAD_SCAN]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration is wrong: guess as for any text file
    return _decode(name, data)


def _declared_encoding(head: bytes) -> str | None:
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    if name in _NOT_PAGE_ENCODINGS or name.endswith("_codec"):
        return None
    if name in ("ascii", "iso8859-1", "latin-1"):
        return "cp1252"  # as browsers do (WHATWG Encoding Standard)
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a page without a BOM that claims UTF-16 is not UTF-16
    return name


# Elements whose content is never visible speech text.
_HTML_HIDDEN = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "head", "title",
    "iframe", "object", "canvas", "select", "button", "nav", "footer", "aside",
})  # fmt: skip
# Elements that start and end a paragraph.
_HTML_BLOCKS = frozenset({
    "address", "article", "blockquote", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "tfoot", "thead", "tr", "ul", "body", "html", "center",
})  # fmt: skip
_HTML_CELLS = frozenset({"td", "th"})
_HTML_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
})  # fmt: skip
# Elements allowed in <head>; any other start tag means the head has ended.
_HTML_HEAD_CONTENT = frozenset({
    "base", "link", "meta", "noscript", "script", "style", "template", "title",
})  # fmt: skip
_BREAK = "\x00"  # paragraph-break marker in the collected pieces (NUL never survives decoding)
_WHITESPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_BREAK_RUN = re.compile(r"[ \n]*(?:\x00[ \n]*)+")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")


class _VisibleText(html.parser.HTMLParser):
    """Collects the visible text of a page (see :func:`html_to_text`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden: list[str] = []  # open elements inside a hidden one, innermost last
        self._hidden_counts: Counter[str] = Counter()
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden == ["head"] and tag not in _HTML_HEAD_CONTENT:
            self._unhide_all()  # "</head>" is optional: the body has begun
        if tag in _HTML_VOID:
            self._void(tag)
            return
        if self._hidden or tag in _HTML_HIDDEN or any(k == "hidden" for k, _ in attrs):
            self._hidden.append(tag)
            self._hidden_counts[tag] += 1
            return
        self._boundary(tag)
        if tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_VOID:
            self.handle_starttag(tag, attrs)
        # "<div/>", "<svg/>": an empty element, nothing to show or hide.

    def handle_endtag(self, tag: str) -> None:
        if tag in ("body", "html"):
            self._unhide_all()
        if self._hidden:
            if self._hidden_counts[tag]:  # close it and whatever was left open inside it
                while (closed := self._hidden.pop()) != tag:
                    self._hidden_counts[closed] -= 1
                self._hidden_counts[tag] -= 1
            return
        if tag == "br":  # "</br>" is read as <br> by browsers
            self._void(tag)
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        self._boundary(tag)

    def _unhide_all(self) -> None:
        self._hidden.clear()
        self._hidden_counts.clear()

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.pieces.append(data if self._pre else _WHITESPACE_RUN.sub(" ", data))

    def _void(self, tag: str) -> None:
        if self._hidden:
            return
        if tag == "br":
            self.pieces.append("\n")
        elif tag == "hr":
            self.pieces.append(_BREAK)

    def _boundary(self, tag: str) -> None:
        if tag in _HTML_BLOCKS:
            self.pieces.append(_BREAK)
        elif tag in _HTML_CELLS:
            self.pieces.append(" ")


# A complete tag: name, then attributes (quoted values may hold "<" and ">"), then ">".
# Written as an unrolled loop, so a failed match never backtracks.
_COMPLETE_TAG = re.compile(r"""</?([A-Za-z][^\s/<>"']*)[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>""")
_COMPLETE_DECLARATION = re.compile(r"<[!?][^<>]*>")
_RAW_TEXT_END = {name: re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE) for name in ("script", "style")}


def _defuse_markup(page: str) -> str:
    """``page`` with every "<" that opens a tag, comment or declaration that never
    closes written as "&lt;" (so it reads as text, as a browser shows it).

    The standard library's HTMLParser rescans the rest of the page from each
    unclosed construct, which takes quadratic time (CPython gh-135462 and
    gh-153030, fixed only in 2025-2026 patch releases): a 100 KB page of
    "a < b <" takes minutes. After this linear pass every construct it sees
    is complete. The contents of script and style are skipped unchanged.
    """
    out: list[str] = []
    copied = 0  # page[:copied] is in out
    position = 0
    comments_close = True  # False once no "-->" is left in the page
    while (lt := page.find("<", position)) >= 0:
        if page.startswith("<!--", lt):
            end = page.find("-->", lt + 4) if comments_close else -1
            if end >= 0:
                position = end + 3
                continue
            comments_close = False
        else:
            tag = _COMPLETE_TAG.match(page, lt)
            if tag:
                position = tag.end()
                name = tag.group(1).lower()
                if name in _RAW_TEXT_END and page[lt + 1] != "/" and not tag.group().endswith("/>"):
                    closing = _RAW_TEXT_END[name].search(page, position)
                    position = closing.start() if closing else len(page)
                continue
            if _COMPLETE_DECLARATION.match(page, lt):
                position = page.index(">", lt) + 1
                continue
            following = page[lt + 1 : lt + 2]
            if not (following.isascii() and following.isalpha()) and following not in ("/", "!", "?"):
                position = lt + 1  # "a < b": plain text to HTMLParser as well
                continue
        out.extend((page[copied:lt], "&lt;"))
        copied = position = lt + 1
    out.append(page[copied:])
    return "".join(out)


def html_to_text(page: str) -> str:
    """The visible text of an HTML page, paragraphs separated by blank lines.

    Drops the content of script, style, noscript, template, svg, math, head
    and title, iframe/object/canvas, select and button, and of nav, footer
    and aside (site navigation, not speech), elements with a ``hidden``
    attribute, and comments. Block elements (p, div, h1-h6, li, tr, section,
    article, blockquote, ...) end a paragraph; ``<br>`` ends a line (two of
    them in a row end a paragraph); table cells are separated by spaces.
    Whitespace collapses as a browser collapses it, except inside ``<pre>``.
    Entities are unescaped. Nothing is fetched or run.
    """
    parser = _VisibleText()
    parser.feed(_defuse_markup(page.replace("\x00", "")))
    parser.close()
    text = "".join(parser.pieces)
    text = _SPACE_AROUND_NEWLINE.sub("\n", _BREAK_RUN.sub("\n\n", text))
    return _EXTRA_BLANK_LINES.sub("\n\n", text).strip()


# --------------------------------------------------------------------------
# Word (.docx)
# --------------------------------------------------------------------------

_DOCX_MAIN = "word/document.xml"
_W_NAMESPACES = frozenset({
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Strict OOXML
})  # fmt: skip
_MARKUP_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_EOCD = b"PK\x05\x06"
_EOCD_SEARCH = 22 + 65535  # the end record plus the longest ZIP comment
_READ_CHUNK = 64 * 1024


def _docx_text(name: str, data: bytes, limit: int) -> str:
    if data.startswith(_OLE2):
        raise RejectedFile(
            name, "unsupported-type",
            "this is an old Word (.doc) or a password-protected Word file: save it as an "
            "unprotected .docx or PDF",
        )  # fmt: skip
    _check_zip_member_count(name, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_zip_sizes(name, infos, limit)
            try:
                info = archive.getinfo(_DOCX_MAIN)
            except KeyError:
                raise RejectedFile(
                    name, "corrupt", f"this ZIP file is not a Word document (it has no {_DOCX_MAIN})"
                ) from None
            return _read_document_xml(name, archive, info)
    except RejectedFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, zlib.error) as error:  # fmt: skip
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        raise RejectedFile(name, "corrupt", f"the Word file is damaged ({_brief(error)})") from error


def _check_zip_member_count(name: str, data: bytes) -> None:
    """Refuse a ZIP with too many parts before zipfile builds its directory."""
    end = data.rfind(_EOCD, max(0, len(data) - _EOCD_SEARCH))
    if end < 0 or end + 22 > len(data):
        return  # not a ZIP at all: zipfile says so
    (entries,) = struct.unpack_from("<H", data, end + 10)
    if entries > DOCX_MAX_MEMBERS and entries != 0xFFFF:  # 0xFFFF: the count is in ZIP64 fields
        raise _too_many_members(name, entries)


def _too_many_members(name: str, entries: int) -> RejectedFile:
    return RejectedFile(
        name, "docx-too-large-unpacked",
        f"the Word file has {entries:,} parts, more than the {DOCX_MAX_MEMBERS:,} allowed "
        "(a damaged file or a ZIP bomb)",
    )  # fmt: skip


def _check_zip_sizes(name: str, infos: list[zipfile.ZipInfo], limit: int) -> None:
    """Refuse a ZIP bomb from the sizes its directory declares, before unpacking anything."""
    if len(infos) > DOCX_MAX_MEMBERS:
        raise _too_many_members(name, len(infos))
    cap = min(DOCX_MAX_UNPACKED_FACTOR * limit, DOCX_MAX_UNPACKED_BYTES)
    total = sum(info.file_size for info in infos)
    if total > cap:
        raise RejectedFile(
            name, "docx-too-large-unpacked",
            f"the Word file would unpack to {_size(total)}, more than the {_size(cap)} allowed "
            "(a damaged file or a ZIP bomb)",
        )  # fmt: skip
    for info in infos:
        if info.file_size >= DOCX_RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > DOCX_MAX_RATIO:
                raise RejectedFile(
                    name, "docx-too-large-unpacked",
                    f"the Word file's part {info.filename} is compressed {ratio:,.0f}:1, far more "
                    "than any real document (a ZIP bomb)",
                )  # fmt: skip


def _read_document_xml(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    collector = _DocxText()
    parser = collector.parser
    produced = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_CHUNK):
                produced += len(chunk)
                if produced > info.file_size:
                    raise RejectedFile(
                        name, "docx-too-large-unpacked",
                        f"{_DOCX_MAIN} unpacks to more than the {_size(info.file_size)} the ZIP "
                        "declares (a damaged file or a ZIP bomb)",
                    )  # fmt: skip
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _UnsafeXml as error:
        raise RejectedFile(name, "corrupt", f"{_DOCX_MAIN} {error}") from None
    except expat.ExpatError as error:
        raise RejectedFile(
            name, "corrupt", f"the Word file is damaged ({_DOCX_MAIN}: {expat.ErrorString(error.code)}, "
            f"line {error.lineno})",
        ) from None  # fmt: skip
    return "\n\n".join(p for p in collector.paragraphs if p.strip())


class _UnsafeXml(Exception):
    pass


class _DocxText:
    """Streams WordprocessingML through expat and keeps the text of each ``w:p``.

    ``w:t`` is text, ``w:tab`` a tab, ``w:br``/``w:cr`` a line break,
    ``w:noBreakHyphen`` a hyphen. Deleted text (``w:delText``), field codes
    (``w:instrText``) and the fallback copy of alternate content
    (``mc:Fallback``, which repeats ``mc:Choice``) are not text. A paragraph
    nested in a text box is kept as its own paragraph.
    """

    def __init__(self) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_entity
        parser.ExternalEntityRefHandler = self._refuse_external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.buffer_text = True
        self.parser = parser
        self.paragraphs: list[str] = []
        self._open: list[list[str]] = []  # text of the open (possibly nested) paragraphs
        self._parents: list[str] = []  # local names of the open WordprocessingML elements
        self._in_text = 0
        self._fallback = 0

    @staticmethod
    def _refuse_doctype(*_: Any) -> None:
        raise _UnsafeXml("declares a DOCTYPE, which Word never writes: refused as unsafe")

    @staticmethod
    def _refuse_entity(*_: Any) -> None:
        raise _UnsafeXml("declares an XML entity, which Word never writes: refused as unsafe")

    @staticmethod
    def _refuse_external(*_: Any) -> int:
        raise _UnsafeXml("refers to an external entity, which Word never writes: refused as unsafe")

    def _start(self, tag: str, _attrs: dict[str, str]) -> None:
        namespace, _, local = tag.rpartition(" ")
        if namespace == _MARKUP_COMPATIBILITY and local == "Fallback":
            self._fallback += 1
        if namespace not in _W_NAMESPACES:
            return
        parent = self._parents[-1] if self._parents else ""
        self._parents.append(local)
        if self._fallback:
            return
        if local == "p":
            self._open.append([])
        elif local == "t":
            self._in_text += 1
        elif self._open and parent == "r":
            if local == "tab":
                self._open[-1].append("\t")
            elif local in ("br", "cr"):
                self._open[-1].append("\n")
            elif local == "noBreakHyphen":
                self._open[-1].append("-")

    def _end(self, tag: str) -> None:
        namespace, _, local = tag.rpartition(" ")
        if namespace == _MARKUP_COMPATIBILITY and local == "Fallback":
            self._fallback -= 1
        if namespace not in _W_NAMESPACES:
            return
        self._parents.pop()
        if self._fallback:
            return
        if local == "p" and self._open:
            self.paragraphs.append("".join(self._open.pop()).strip())
        elif local == "t":
            self._in_text -= 1

    def _data(self, text: str) -> None:
        if self._in_text and self._open and not self._fallback:
            self._open[-1].append(text)


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------

_PDF_HEADER_SCAN = 1024
_LIGATURES = (
    ("ﬀ", "ff"), ("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬃ", "ffi"), ("ﬄ", "ffl"), ("ﬅ", "st"), ("ﬆ", "st"),
)  # fmt: skip
# A line gap of more than this many times the font size ...
PDF_PARAGRAPH_GAP_EM = 1.6
# ... and more than this many times the page's usual line gap is a paragraph break.
PDF_PARAGRAPH_GAP_LINES = 1.3


def _pdf_text(name: str, data: bytes) -> str:
    """The text of a PDF, page by page (pages joined by a newline, so that a
    sentence cut by a page break is rejoined by the paragraph splitter), with
    a blank line where a page's lines leave a paragraph's gap."""
    if b"%PDF-" not in data[:_PDF_HEADER_SCAN]:
        signature = _signature(data)
        problem = f"this is {signature}, not a PDF" if signature else "this is not a PDF file"
        raise RejectedFile(name, "corrupt", problem + " (no %PDF header)")
    import pypdf  # imported here: only PDF uploads pay for it

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as error:  # noqa: BLE001 - pypdf raises many types on bad input
        raise RejectedFile(name, "corrupt", f"the PDF is damaged ({_brief(error)})") from error
    if encrypted:
        _decrypt_or_refuse(name, reader)
    pages = []
    try:
        count = len(reader.pages)
    except Exception as error:  # noqa: BLE001 - any failure here means a damaged file
        raise RejectedFile(name, "corrupt", f"the PDF is damaged ({_brief(error)})") from error
    if count == 0:
        raise RejectedFile(name, "corrupt", "the PDF has no pages")
    for number in range(count):
        try:
            pages.append(_page_text(reader.pages[number]))
        except Exception as error:  # noqa: BLE001 - pypdf raises many types on bad input
            raise RejectedFile(
                name, "corrupt", f"page {number + 1} of the PDF cannot be read ({_brief(error)})"
            ) from error
    text = "\n".join(page for page in pages if page)
    for ligature, letters in _LIGATURES:
        text = text.replace(ligature, letters)
    if sum(ch.isalpha() for ch in text) < PDF_MIN_LETTERS:
        raise RejectedFile(
            name, "no-text-layer",
            "the PDF has no text layer (it looks like a scanned document): it needs OCR, which "
            "SpeechLens does not do. Run it through an OCR tool (such as OCRmyPDF) and upload the result",
        )  # fmt: skip
    return text


def _decrypt_or_refuse(name: str, reader: Any) -> None:
    """Open a PDF that is only protected against copying or printing (empty user
    password); refuse one that needs a password to open."""
    try:
        opened = bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - e.g. AES without the optional crypto library
        opened = False
        problem = (
            "the PDF is encrypted in a way SpeechLens cannot open: save or print it as an "
            "unprotected PDF and upload that"
        )
    else:
        problem = (
            "the PDF is password-protected: save or print it as an unprotected PDF and upload that"
        )
    if not opened:
        raise RejectedFile(name, "encrypted", problem)


def _page_text(page: Any) -> str:
    """pypdf's plain text of a page, with a blank line at paragraph gaps.

    pypdf reports each piece of text it emits, with its position, to a
    visitor; a line break whose vertical gap is larger than
    PDF_PARAGRAPH_GAP_EM times the font size and than PDF_PARAGRAPH_GAP_LINES
    times the page's median line gap becomes a blank line. If the pieces do
    not add up to pypdf's own text (a pypdf version that reports differently),
    the plain text is returned unchanged.
    """
    pieces: list[str] = []
    # ((piece index, offset) of the line break, vertical gap, smaller font size)
    breaks: list[tuple[tuple[int, int], float, float]] = []
    state: dict[str, Any] = {"last": None, "newline": None}

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, font_size: float) -> None:
        index = len(pieces)
        pieces.append(text)
        if not text.strip():
            if "\n" in text:
                state["newline"] = (index, text.rfind("\n"))
            return
        lead = len(text) - len(text.lstrip())
        if "\n" in text[:lead]:
            state["newline"] = (index, text.rfind("\n", 0, lead))
        y, size = _text_position(cm, tm, font_size)
        if state["newline"] is not None and state["last"] is not None:
            last_y, last_size = state["last"]
            breaks.append((state["newline"], abs(last_y - y), min(size, last_size)))
        state["last"] = (y, size)
        trail = text.rfind("\n")
        state["newline"] = (index, trail) if trail >= len(text.rstrip()) else None

    plain = page.extract_text(visitor_text=visit)
    if "".join(pieces) != plain or not breaks:
        return plain.strip()
    gaps = [gap for _, gap, size in breaks if 0 < gap < 4 * size]
    usual = statistics.median(gaps) if gaps else 0.0
    for (index, offset), gap, size in sorted(breaks, reverse=True):
        if gap > PDF_PARAGRAPH_GAP_EM * size and gap > PDF_PARAGRAPH_GAP_LINES * usual:
            piece = pieces[index]
            pieces[index] = piece[:offset] + "\n" + piece[offset:]
    return "".join(pieces).strip()


def _text_position(cm: list[float], tm: list[float], font_size: float) -> tuple[float, float]:
    """The device-space y of the text origin and the font size on the page."""
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    scale_c = tm[2] * cm[0] + tm[3] * cm[2]
    scale_d = tm[2] * cm[1] + tm[3] * cm[3]
    return y, abs(font_size) * (scale_c * scale_c + scale_d * scale_d) ** 0.5


# --------------------------------------------------------------------------
# Metadata suggestions
# --------------------------------------------------------------------------

# UN General Debate Corpus names: "USA_75_2020.txt" (as released) and
# "USA_2020_UNGA75.txt" (as in the project's ungdc-dev sample).
_UN_SESSION_YEAR = re.compile(r"([A-Z]{2,3})_(\d{1,2})_(\d{4})")  # "EU" is the European Union
_UN_YEAR_SESSION = re.compile(r"([A-Z]{2,3})_(\d{4})_UNGA(\d{1,2})")
_FIRST_UN_YEAR = 1946  # the 1st session
_TITLE_MAX_WORDS = 15
_TITLE_MAX_CHARS = 120
_NOT_TITLE_END = ".,;:!?"
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
# A speech's opening words, not its title.
_SALUTATION = re.compile(
    r"(?:Mr|Mrs|Ms|Madam|Madame|Mister|Monsieur|Your Excellenc\w*|Excellenc\w*|Ladies|"
    r"Distinguished|Dear|Honou?rable|Esteemed|All protocols?|Thank you)\b",
    re.IGNORECASE,
)


def suggest_meta(name: str, text: str) -> dict[str, str]:
    """A best-effort metadata suggestion for the upload form (all values strings).

    Always: ``doc_id`` (a slug of the file name) and ``title``. The title is
    the text's first line when it looks like a heading (followed by a blank
    line, at most 15 words and 120 characters, not ending in punctuation, not
    a salutation such as "Mr. President"), else the file name without
    its extension, underscores and hyphens read as spaces. For UN General
    Debate file names (``USA_75_2020.txt``, ``USA_2020_UNGA75.txt``), also
    ``country_code`` (ISO 3166-1 alpha-3, or "EU"), ``year``, ``session``, ``event``,
    a title like the corpus's, and ``source_type`` "speech"; a session that
    does not match its year (session n is held in 1945 + n) is not taken as
    a UN name.
    """
    stem = PurePath(name).stem
    suggestion = {"doc_id": _SLUG_JUNK.sub("-", stem.lower()).strip("-") or "speech"}
    un = _un_name(stem)
    if un:
        code, session, year = un
        event_session = f"{_ordinal(session)} session"
        event = f"UN General Assembly, {event_session}, General Debate"
        suggestion.update(
            country_code=code, year=str(year), session=str(session), event=event,
            title=f"Statement in the General Debate, UN General Assembly {event_session} ({year})",
            source_type="speech",
        )  # fmt: skip
        return suggestion
    from_name = " ".join(stem.replace("_", " ").replace("-", " ").split())
    suggestion["title"] = _first_heading(text) or from_name or stem
    return suggestion


def _un_name(stem: str) -> tuple[str, int, int] | None:
    match = _UN_SESSION_YEAR.fullmatch(stem)
    if match:
        code, session, year = match.group(1), int(match.group(2)), int(match.group(3))
    else:
        match = _UN_YEAR_SESSION.fullmatch(stem)
        if not match:
            return None
        code, year, session = match.group(1), int(match.group(2)), int(match.group(3))
    if session < 1 or year != _FIRST_UN_YEAR - 1 + session:
        return None
    return code, session, year


def _first_heading(text: str) -> str:
    """The first line, when it stands alone (a blank line or the end follows it)
    and looks like a title rather than the start of the speech."""
    lines = text.lstrip().split("\n", 2)
    line = lines[0].strip()
    stands_alone = len(lines) == 1 or not lines[1].strip()
    if (
        stands_alone
        and line
        and len(line.split()) <= _TITLE_MAX_WORDS
        and len(line) <= _TITLE_MAX_CHARS
        and line[-1] not in _NOT_TITLE_END
        and _ALNUM.search(line)
        and not _SALUTATION.match(line)
    ):
        return line
    return ""


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
