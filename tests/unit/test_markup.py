"""Speech text is shown as text: Markdown and HTML in it never take effect."""

import pytest

from speechlens.markup import escape_markdown, highlight_spans, keyword_spans


def unescaped_specials(markdown: str) -> list[str]:
    """Markdown-significant characters not preceded by a backslash."""
    found, index = [], 0
    while index < len(markdown):
        if markdown[index] == "\\":
            index += 2
            continue
        if markdown[index] in "`*_[]()#+-.!|~:$":
            found.append(markdown[index])
        index += 1
    return found


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "[click me](javascript:alert(1))",
        "**bold** _it_ `code` # heading",
        ":red[coloured] :material/home: $x^2$",
        "1. not a list",
        "- not a bullet",
        "a | b | c",
    ],
)
def test_escaped_text_has_no_live_markup(text):
    escaped = escape_markdown(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescaped_specials(escaped) == []
    # every original character is still there, in order
    assert escaped.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_highlight_wraps_each_span_and_escapes_everything():
    text = "Cybercrime is a <b>major</b> issue."
    marked = highlight_spans(text, [(0, 10)])
    assert marked.startswith(":orange-background[**Cybercrime**]")
    assert "<b>" not in marked and "&lt;b&gt;" in marked


@pytest.mark.parametrize(
    ("spans", "highlighted"),
    [
        ([(0, 4), (2, 8)], ["gang war"]),  # overlapping spans merge
        ([(9, 14), (0, 4)], ["gang", "trade"]),  # out of order
        ([(-5, 4), (9, 99)], ["gang", "trade"]),  # clipped to the text
        ([(3, 3)], []),  # empty
    ],
)
def test_highlight_spans_merge_and_clip(spans, highlighted):
    marked = highlight_spans("gang war trade", spans)
    assert marked.count(":orange-background[") == len(highlighted)
    for word in highlighted:
        assert f"[**{word}**]" in marked.replace("\\", "")


def test_keyword_spans_are_case_insensitive_and_literal():
    text = "Interpol (INTERPOL) and interpol."
    assert keyword_spans(text, "interpol") == [(0, 8), (10, 18), (24, 32)]
    assert keyword_spans(text, "(INTERPOL)") == [(9, 19)]
    assert keyword_spans(text, "  ") == []
