"""Speech text made safe for Streamlit's Markdown, with theme terms highlighted.

Speech text is data: every character that Markdown or HTML could read as
markup is escaped, so a paragraph containing ``<script>`` or ``[x](y)`` shows
exactly those characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# Characters with a meaning in CommonMark, GitHub-flavoured Markdown, Streamlit's
# directives (":blue[...]"), emoji shortcodes and LaTeX ("$").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$>])")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

HIGHLIGHT = "orange-background"


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders to exactly ``text`` (whitespace folded)."""
    text = " ".join(text.split())
    text = "".join(_HTML_SPECIAL.get(ch, ch) for ch in text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def highlight_spans(text: str, spans: Iterable[tuple[int, int]], style: str = HIGHLIGHT) -> str:
    """Escaped Markdown of ``text`` with each (start, end) span in a highlight.

    Overlapping or out-of-range spans are merged or clipped; text outside the
    spans is left as it is.
    """
    return wrap_spans(
        text, spans, plain=_escape_keep_edges, marked=lambda piece: f":{style}[**{escape_markdown(piece)}**]"
    )


def wrap_spans(
    text: str, spans: Iterable[tuple[int, int]], *, plain: Callable[[str], str], marked: Callable[[str], str]
) -> str:
    """``text`` cut at the (merged) spans; pieces outside go through ``plain``, inside through ``marked``.

    Cutting the raw text first and escaping each piece after means a mark can
    never fall inside an escape such as ``&amp;``.
    """
    pieces: list[str] = []
    cursor = 0
    for start, end in merge_spans(spans, len(text)):
        pieces.append(plain(text[cursor:start]))
        pieces.append(marked(text[start:end]))
        cursor = end
    pieces.append(plain(text[cursor:]))
    return "".join(pieces)


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to ``[0, length)``, empty ones dropped, overlapping ones merged, in order."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def keyword_spans(text: str, keyword: str) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of ``keyword`` in ``text``."""
    keyword = keyword.strip()
    if not keyword:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(keyword), text, flags=re.IGNORECASE)]


def _escape_keep_edges(text: str) -> str:
    # escape_markdown folds whitespace, which would glue a highlight to its neighbours.
    if not text:
        return ""
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() and len(text.strip()) else ""
    body = escape_markdown(text)
    return f"{lead}{body}{trail}" if body else " "
