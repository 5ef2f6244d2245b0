"""The one-file briefing: what it says, what it embeds, what it escapes, and its command line."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from plotly.offline import get_plotlyjs

from speechlens.analysis import analyze
from speechlens.briefing import BriefingError, build_briefing, html_to_pdf, mark_spans, write_briefing
from speechlens.corpus import load_default_lexicon, load_documents
from speechlens.filters import Filters, section_labels, select
from speechlens.urlstate import parse_query
from tests.conftest import DATA_DIR, PROJECT_DIR, require_chromium

PLOTLY_JS = get_plotlyjs()
CHART_DIV = 'class="plotly-graph-div"'
NOWHERE = "no-such-words-anywhere"


# ----------------------------------------------------------------------------- helpers


class _VisibleText(HTMLParser):
    """The text a reader sees: character references decoded, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def without_library(page: str) -> str:
    """The page with plotly.js's own source taken out (it mentions CDNs it never loads for these charts)."""
    return page.replace(PLOTLY_JS, "")


def showing_line(page: str) -> str:
    match = re.search(r"<dt>Showing</dt><dd>(.*?)</dd>", page)
    assert match, "no Showing line"
    return html.unescape(match.group(1))


def evidence_sections(page: str) -> dict[str, list[tuple[int, str]]]:
    """theme id -> [(pid, blockquote markup)] in the order the briefing gives them."""
    found = {}
    for theme, body in re.findall(r'<section class="theme" data-theme="([^"]+)"[^>]*>(.*?)</section>', page, re.S):
        found[theme] = [
            (int(pid), quote)
            for pid, quote in re.findall(r'<article class="paragraph" data-pid="(\d+)">.*?<blockquote>(.*?)</blockquote>', body, re.S)
        ]
    return found


def chart_layouts(page: str) -> dict[str, dict]:
    """Chart div id -> the layout handed to Plotly.newPlot."""
    decoder = json.JSONDecoder()
    layouts = {}
    for call in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', page):
        _, end = decoder.raw_decode(page, call.end())
        layout, _ = decoder.raw_decode(page, re.compile(r"\s*,\s*").match(page, end).end())
        layouts[call.group(1)] = layout
    return layouts


def theme_matches(analysis, pids, theme, include_repeats):
    matches = analysis.matches
    matches = matches[matches["pid"].isin(pids) & (matches["theme"] == theme)]
    return matches if include_repeats else matches[~matches["repeated"]]


def expected_top_paragraphs(analysis, filters, theme, limit=3) -> list[int]:
    """Counted straight from the match table: most mentions of the theme first, ties in reading order."""
    selection = select(analysis, filters)
    counts = theme_matches(analysis, selection.pids, theme, filters.include_repeats).groupby("pid").size()
    position = analysis.paragraphs["position"]
    return [int(pid) for pid in sorted(counts.index, key=lambda pid: (-counts[pid], position[pid]))[:limit]]


def expected_top_themes(analysis, filters, limit=3) -> list[str]:
    selection = select(analysis, filters)
    counts = {t: len(theme_matches(analysis, selection.pids, t, filters.include_repeats)) for t in analysis.theme_ids}
    order = sorted((t for t in counts if counts[t]), key=lambda t: (-counts[t], analysis.theme_ids.index(t)))
    return order[:limit]


# ----------------------------------------------------------------------------- filters in words


FILTER_STATES = [
    (Filters(), "all paragraphs"),
    (Filters(themes=("cybercrime",)), "theme: Cybercrime & digital threats"),
    (Filters(themes=("cooperation", "organized-crime"), theme_mode="all"),
     "theme: International cooperation and Organized crime"),
    (Filters(voice="speaker"), "speaker's words only"),
    (Filters(voice="narration", polarity=(0.0, 1.0)), "reporter's narration only; polarity 0.00 to +1.00"),
    (Filters(keyword="Interpol"), "containing “Interpol”"),
    (Filters(section="Cybercrime as a major issue"), "section “Cybercrime as a major issue”"),
    (Filters(include_posts=True, include_repeats=True), "embedded posts included; repeated passages counted"),
]


@pytest.fixture(scope="module")
def default_briefing(seed_analysis) -> str:
    return build_briefing(seed_analysis, Filters(), generated_on="24 Nov 2025")


@pytest.mark.parametrize(("filters", "words"), FILTER_STATES, ids=[w for _, w in FILTER_STATES])
def test_names_the_filters_and_coverage_and_draws_four_charts(seed_analysis, filters, words):
    selection = select(seed_analysis, filters)
    assert not selection.is_empty
    page = build_briefing(seed_analysis, filters)
    coverage = f"{len(selection.paragraphs)} of {selection.total_paragraphs} paragraphs"
    assert f"Showing {words} · {coverage}" in visible_text(page)
    assert showing_line(page) == f"{words} · {coverage}"
    assert page.count(CHART_DIV) == 4
    assert f"Paragraphs shown {len(selection.paragraphs)} / {selection.total_paragraphs}" in visible_text(page)


def test_embeds_plotly_once_and_loads_nothing(default_briefing):
    assert default_briefing.count(PLOTLY_JS) == 1
    own = without_library(default_briefing)
    for external in ('src="http', "src='http", "https://cdn", "http://cdn", "<link", "@import", "url(http"):
        assert external not in own, external
    assert own.count("<script") == 6  # PlotlyConfig, plotly.js, 4 charts
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\';' in own


def test_header_numbers_and_method(seed_analysis, default_briefing):
    text = visible_text(default_briefing)
    meta = next(iter(seed_analysis.documents.values()))
    assert f"<h1>{html.escape(meta.title)}</h1>" in default_briefing
    assert "Abdellatif Hammouchi, Opening of the 93rd INTERPOL General Assembly, Marrakech, 24 Nov 2025" in text
    assert meta.post in text
    assert "Generated 24 Nov 2025" in text
    assert "Mean polarity +0.06" in text
    assert "Dominant theme International cooperation" in text
    assert "Method and limits" in text
    for topic in ("TextBlob", "lexicon", "heuristic", "near-duplicates"):
        assert topic in text, topic
    assert "In the dashboard" not in text  # no link given


def test_each_chart_keeps_its_title_and_subtitle(default_briefing):
    layouts = chart_layouts(default_briefing)
    assert {name: layout["title"]["text"] for name, layout in layouts.items()} == {
        "chart-themes": "Theme frequency: mentions",
        "chart-theme-map": "Where each theme comes up along the speech",
        "chart-sentiment": "Sentiment per paragraph along the speech",
        "chart-words": "Most frequent words, coloured by theme",
    }
    for layout in layouts.values():
        subtitle = layout["title"]["subtitle"]["text"]
        assert "Abdellatif Hammouchi" in subtitle and "Showing all paragraphs · 16 of 16 paragraphs" in subtitle


@pytest.mark.parametrize(("measure", "title"), [("rate", "mentions per 1,000 words"), ("paragraphs", "paragraphs mentioning the theme")])
def test_measure_picks_the_frequency_chart(seed_analysis, measure, title):
    layouts = chart_layouts(build_briefing(seed_analysis, Filters(), measure=measure))
    assert layouts["chart-themes"]["title"]["text"] == f"Theme frequency: {title}"


def test_unknown_measure_is_refused(seed_analysis):
    with pytest.raises(ValueError, match="mentions or rate or paragraphs"):
        build_briefing(seed_analysis, Filters(), measure="per_1000_words")


@pytest.mark.parametrize(
    ("link", "markup"),
    [
        ("http://127.0.0.1:8501/?theme=cybercrime&voice=speaker",
         '<a href="http://127.0.0.1:8501/?theme=cybercrime&amp;voice=speaker">'),
        ('javascript:alert("x")', "<code>javascript:alert(&quot;x&quot;)</code>"),
    ],
)
def test_link_is_shown_and_only_web_links_are_anchors(seed_analysis, link, markup):
    page = build_briefing(seed_analysis, Filters(), link=link)
    assert markup in page
    assert "href=\"javascript" not in page


# ----------------------------------------------------------------------------- evidence


EVIDENCE_STATES = [
    Filters(themes=("cooperation",)),
    Filters(themes=("public-trust", "organized-crime")),
    Filters(themes=("cooperation",), include_repeats=True, include_posts=True),
    Filters(themes=("cooperation",), voice="speaker"),
    Filters(themes=("cybercrime",), section="Cybercrime as a major issue"),
]


@pytest.mark.parametrize("filters", EVIDENCE_STATES, ids=repr)
def test_evidence_is_the_top_paragraphs_by_the_themes_mentions(seed_analysis, filters):
    sections = evidence_sections(build_briefing(seed_analysis, filters))
    assert list(sections) == list(filters.themes)
    for theme in filters.themes:
        assert [pid for pid, _ in sections[theme]] == expected_top_paragraphs(seed_analysis, filters, theme)


def test_ranking_is_by_mentions_then_reading_order(seed_analysis):
    """Known answer: cooperation has 4 mentions in ¶3, then 3 each in ¶8, ¶10 and ¶12 (ties go in reading order)."""
    page = build_briefing(seed_analysis, Filters(themes=("cooperation",)))
    pids = [pid for pid, _ in evidence_sections(page)["cooperation"]]
    assert seed_analysis.paragraphs.loc[pids, "position"].tolist() == [3, 8, 10]


@pytest.mark.parametrize("filters", [Filters(), Filters(voice="speaker"), Filters(include_repeats=True)], ids=repr)
def test_without_a_theme_evidence_covers_the_three_most_mentioned(seed_analysis, filters):
    sections = evidence_sections(build_briefing(seed_analysis, filters))
    themes = expected_top_themes(seed_analysis, filters)
    assert list(sections) == themes and len(themes) == 3
    for theme in themes:
        assert [pid for pid, _ in sections[theme]] == expected_top_paragraphs(seed_analysis, filters, theme)


@pytest.mark.parametrize("filters", [Filters(), *EVIDENCE_STATES], ids=repr)
def test_marks_wrap_exactly_the_themes_matched_surfaces(seed_analysis, filters):
    sections = evidence_sections(build_briefing(seed_analysis, filters))
    checked = 0
    for theme, items in sections.items():
        for pid, quote in items:
            matches = seed_analysis.matches
            matches = matches[(matches["pid"] == pid) & (matches["theme"] == theme)].sort_values("start")
            marked = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", quote)]
            assert marked == matches["surface"].tolist()
            plain = re.sub(r"</?mark>", "", quote)
            assert "<" not in plain
            assert html.unescape(plain) == seed_analysis.paragraphs.loc[pid, "text"]
            checked += 1
    assert checked


def test_evidence_names_scores_and_sentiment_words(seed_analysis):
    page = build_briefing(seed_analysis, Filters(themes=("cybercrime",)))
    text = visible_text(page)
    assert "¶16 · Speaker's own words · section “Cybercrime as a major issue”" in text
    assert re.search(r"\d mentions? · polarity [+−]?\d\.\d\d · subjectivity \d\.\d\d", text)
    assert "Sentiment words: greater (+0.50)" in text


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("R&D <b> cyber", [(0, 3)], "<mark>R&amp;D</mark> &lt;b&gt; cyber"),
        ("a&b", [(1, 2)], "a<mark>&amp;</mark>b"),
        ("one two three", [(4, 7), (0, 3)], "<mark>one</mark> <mark>two</mark> three"),
        ("overlap", [(0, 4), (2, 7)], "<mark>overlap</mark>"),
        ("short", [(3, 99), (-2, 1), (2, 2)], "<mark>s</mark>ho<mark>rt</mark>"),
        ('"q" \'s\'', [], "&quot;q&quot; &#x27;s&#x27;"),
    ],
)
def test_mark_spans_never_splits_an_escape(text, spans, expected):
    assert mark_spans(text, spans) == expected


# ----------------------------------------------------------------------------- empty and hostile


def test_an_empty_selection_says_so(seed_analysis):
    page = build_briefing(seed_analysis, Filters(keyword=NOWHERE))
    text = visible_text(page)
    assert "No paragraphs match these filters" in text
    assert "Paragraphs shown 0 / 16" in text
    assert "Mean polarity –" in text
    assert page.count(CHART_DIV) == 0
    assert PLOTLY_JS not in page
    assert "Method and limits" in text


def test_a_selected_theme_absent_from_the_selection_says_so(seed_analysis):
    page = build_briefing(seed_analysis, Filters(themes=("cybercrime", "gender"), section="Opening"))
    sections = evidence_sections(page)
    assert len(sections["cybercrime"]) == 1 and sections["gender"] == []
    assert "No paragraph shown mentions Women &amp; gender." in page


HOSTILE_TEXT = """Cybercrime <script>alert("speech-xss")</script> is the threat of our time & cybercrime grows.

Terrorism <img src=x onerror=alert("img-xss")> must meet cooperation & resolve, and cooperation & trust.

We thank R&D teams: 3 < 4 and "cyber-crime" > 'crime' today.
"""
HOSTILE_TITLE = '<script>alert("title-xss")</script> & Co'
HOSTILE_SPEAKER = '<img src=x onerror=alert("speaker-xss")>'
HOSTILE_POST = '</p><b onmouseover=alert("post-xss")>Chief</b>'
HOSTILE_META = f"""doc_id = "hostile"
title = '{HOSTILE_TITLE}'
speaker = '{HOSTILE_SPEAKER}'
post = '{HOSTILE_POST}'
event = "Opening <i>session</i>"
place = "Nowhere"
date = "2025-11-24"
source_type = "speech"
text_file = "hostile.txt"
"""
PAYLOADS = ('<script>alert("speech-xss")', '<img src=x onerror=alert("img-xss")', HOSTILE_TITLE, HOSTILE_SPEAKER,
            HOSTILE_POST, "<i>session</i>")


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-data")
    (folder / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (folder / "hostile.toml").write_text(HOSTILE_META, encoding="utf-8")
    shutil.copy(DATA_DIR / "themes.toml", folder / "themes.toml")
    return folder


@pytest.fixture(scope="module")
def hostile_briefing(hostile_dir):
    analysis = analyze(load_documents(hostile_dir), load_default_lexicon(hostile_dir))
    return build_briefing(analysis, Filters(), link="https://example.org/?q=<b>")


def test_hostile_text_title_and_speaker_are_escaped(hostile_briefing):
    own = without_library(hostile_briefing)
    for payload in PAYLOADS:
        assert payload not in hostile_briefing, payload
    assert own.count("<script") == 6
    for tag in ("<img", "<b ", "<b>", "<i>"):
        assert tag not in own, tag
    text = visible_text(hostile_briefing)
    for shown in (HOSTILE_TITLE, HOSTILE_SPEAKER, HOSTILE_POST, '<script>alert("speech-xss")</script>',
                  '<img src=x onerror=alert("img-xss")>'):
        assert shown in text, shown
    title = re.search(r"<title>(.*?)</title>", hostile_briefing).group(1)
    assert html.unescape(title) == f"{HOSTILE_TITLE} · SpeechLens briefing"


def test_hostile_paragraphs_are_quoted_as_text_with_marks(hostile_briefing):
    sections = evidence_sections(hostile_briefing)
    assert "cybercrime" in sections
    quote = sections["cybercrime"][0][1]
    assert quote.startswith("<mark>Cybercrime</mark> &lt;script&gt;alert(&quot;speech-xss&quot;)&lt;/script&gt;")
    assert "time &amp; <mark>cybercrime</mark> grows." in quote


def test_multi_document_briefing_has_the_generic_title(hostile_dir):
    documents = load_documents(DATA_DIR) + load_documents(hostile_dir)
    page = build_briefing(analyze(documents, load_default_lexicon(DATA_DIR)), Filters(keyword=NOWHERE))
    assert "<h1>SpeechLens briefing</h1>" in page
    assert "2 documents" in visible_text(page)


def test_write_briefing_creates_the_folder(tmp_path):
    path = tmp_path / "new" / "brief.html"
    write_briefing("<p>é</p>", path)
    assert path.read_bytes() == "<p>é</p>".encode()


def test_pdf_without_chromium_is_a_clear_error(tmp_path):
    source = tmp_path / "b.html"
    source.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(BriefingError, match="PDF needs Chromium; install Debian's chromium package or write .html"):
        html_to_pdf(source, tmp_path / "b.pdf", chromium=str(tmp_path / "no-chromium"))
    assert not (tmp_path / "b.pdf").exists()


# ----------------------------------------------------------------------------- command line


def brief(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "speechlens", "brief", *args],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})},
    )


def without_generated_date(page: str) -> str:
    return re.sub(r"<dt>Generated</dt><dd>.*?</dd>", "", page)


def test_cli_writes_an_html_briefing(tmp_path):
    out = tmp_path / "out" / "brief.html"
    result = brief("--out", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout and "16 of 16 paragraphs" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert page.count(CHART_DIV) == 4
    assert showing_line(page) == "all paragraphs · 16 of 16 paragraphs"


def test_cli_link_equals_the_same_flags(tmp_path):
    by_link, by_flags = tmp_path / "link.html", tmp_path / "flags.html"
    first = brief("--out", str(by_link), "--link", "?theme=cybercrime&voice=speaker")
    second = brief("--out", str(by_flags), "--theme", "cybercrime", "--voice", "speaker")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    link_page, flags_page = (p.read_text(encoding="utf-8") for p in (by_link, by_flags))
    assert showing_line(link_page) == showing_line(flags_page)
    assert showing_line(link_page).startswith("theme: Cybercrime & digital threats; speaker's words only · ")
    assert without_generated_date(link_page) == without_generated_date(flags_page)


def test_cli_flags_override_a_full_link_and_the_briefing_links_the_view(tmp_path):
    out = tmp_path / "b.html"
    result = brief("--out", str(out), "--link", "http://127.0.0.1:8501/?theme=cybercrime&voice=speaker&measure=rate",
                   "--voice", "narration", "--theme", "cooperation")
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert showing_line(page).startswith("theme: International cooperation; reporter's narration only · ")
    assert 'href="http://127.0.0.1:8501/?theme=cooperation&amp;voice=narration&amp;measure=rate"' in page
    assert chart_layouts(page)["chart-themes"]["title"]["text"] == "Theme frequency: mentions per 1,000 words"


BAD_VIEWS = [
    (["--theme", "nope"], {"theme": ["nope"]}),
    (["--link", "http://127.0.0.1:8501/?theme=cybercrime&theme=nope"], {"theme": ["cybercrime", "nope"]}),
    (["--voice", "loud"], {"voice": ["loud"]}),
    (["--polarity", "0.5", "-0.5"], {"polarity": ["0.5", "-0.5"]}),
    (["--section", "Nowhere"], {"section": ["Nowhere"]}),
    (["--measure", "words"], {"measure": ["words"]}),
    (["--link", "?colour=red"], {"colour": ["red"]}),
]


@pytest.mark.parametrize(("args", "raw"), BAD_VIEWS, ids=[" ".join(a) for a, _ in BAD_VIEWS])
def test_cli_refuses_what_the_dashboard_would_ignore(seed_analysis, tmp_path, args, raw):
    out = tmp_path / "b.html"
    result = brief("--out", str(out), *args)
    _, notices = parse_query(raw, theme_ids=seed_analysis.lexicon.ids, sections=section_labels(seed_analysis))
    assert notices
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for notice in notices:
        assert notice in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["brief.docx", "brief.htm", "brief"])
def test_cli_refuses_other_formats(tmp_path, name):
    out = tmp_path / name
    result = brief("--out", str(out))
    assert result.returncode == 2
    assert ".html or .pdf" in result.stderr and name in result.stderr
    assert not out.exists()


def test_cli_reads_the_data_dir_from_the_environment(hostile_dir, tmp_path):
    out = tmp_path / "b.html"
    result = brief("--out", str(out), env={"SPEECHLENS_DATA_DIR": str(hostile_dir)})
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert HOSTILE_TITLE not in page
    assert html.escape(HOSTILE_TITLE) in page


def test_cli_pdf_without_chromium_writes_nothing(tmp_path):
    out = tmp_path / "b.pdf"
    result = brief("--out", str(out), env={"SPEECHLENS_CHROMIUM": str(tmp_path / "no-chromium")})
    assert result.returncode == 1
    assert "PDF needs Chromium" in result.stderr
    assert not out.exists()


def test_cli_writes_a_pdf(tmp_path):
    require_chromium()
    out = tmp_path / "brief.pdf"
    result = brief("--out", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 100_000
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 3  # header and charts, evidence, method
