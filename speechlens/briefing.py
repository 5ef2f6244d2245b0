"""A view of the dashboard as one self-contained HTML file, and as a PDF.

The briefing shows what the dashboard shows for the same filters: the source,
the filters in words, the headline numbers and the same charts (built by
:mod:`speechlens.view_charts`, as the dashboard's are), followed by the
strongest paragraphs for each theme and a note on the method. For one
document the charts follow it paragraph by paragraph; for several they show
one mark per document (or year), the words that set a narrower selection
apart, and the documents compared. plotly.js is embedded once, so the file
opens from disk with no network.

Everything that comes from the speech, its metadata or the themes file is
data: it is escaped, never rendered as HTML.
"""

from __future__ import annotations

import html
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from speechlens import figures
from speechlens.analysis import Analysis
from speechlens.captions import coverage_line, describe_filters, export_filename, format_date, source_line
from speechlens.catalog import year_bounds
from speechlens.corpus import Corpus
from speechlens.evidence import EvidenceItem, evidence_items
from speechlens.filters import Filters, Selection, select, theme_frequencies
from speechlens.grouping import MAX_DOCUMENTS_SHOWN
from speechlens.markup import wrap_spans
from speechlens.sentiment import format_polarity
from speechlens.summary import Summary, summarize
from speechlens.urlstate import COMPARE_CHOICES, DEFAULT_COMPARE, MEASURE_CHOICES
from speechlens.view_charts import document_count, view_charts

DEFAULT_TITLE = "SpeechLens briefing"

# Charts are drawn at the width of the dashboard's chart column (in a
# 1440-px window), where their layouts were tuned, and shown at that size on
# screen. In print they are zoomed down to the A4 text block (PAGE_CSS's
# @page margins): Plotly text does not scale with its box, so a chart drawn
# narrower would crowd its labels instead.
CHART_WIDTH = 940  # px
PRINT_WIDTH = 700  # px: 210 mm - 2 x 12 mm is about 703 px

EVIDENCE_PARAGRAPHS = 3  # per theme
EVIDENCE_THEMES = 3  # most-mentioned themes shown when no theme is selected
NAMED_DOCUMENTS = 12  # documents the masthead names; the rest are counted
MARK_TINT = 0.72  # how far a theme's colour is mixed with white behind highlighted terms

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--run-all-compositor-stages-before-draw", "--virtual-time-budget=15000", "--no-pdf-header-footer",
)
NO_CHROMIUM = "PDF needs Chromium; install Debian's chromium package or write .html"


class BriefingError(RuntimeError):
    """A briefing could not be written (e.g. no Chromium for a PDF)."""


@dataclass(frozen=True)
class Chart:
    name: str  # for the element id and the saved-PNG file name
    figure: go.Figure
    part: str = ""  # the heading over it and the charts after it ("" for the main charts)

    @property
    def width(self) -> int:
        return int(self.figure.layout.width or CHART_WIDTH)

    @property
    def print_zoom(self) -> float:
        return min(1.0, PRINT_WIDTH / self.width)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# ----------------------------------------------------------------------------- the page


def build_briefing(
    source: Corpus | Analysis,
    filters: Filters,
    *,
    measure: str = "mentions",
    compare: str = DEFAULT_COMPARE,
    generated_on: str | None = None,
    link: str | None = None,
    catalog: pd.DataFrame | None = None,
) -> str:
    """One self-contained HTML page briefing the view ``filters`` selects.

    ``source`` is a corpus, or an analysis with its ``catalog`` (built from
    the documents' metadata when not given). ``measure`` is the
    theme-frequency chart's link value (mentions, rate or paragraphs) and
    ``compare`` the comparison charts' (document, speaker, country or year);
    ``generated_on`` defaults to today; ``link`` is the dashboard URL of the
    same view, shown when given.
    """
    measure_column(measure)  # refuses an unknown measure before any work
    if compare not in COMPARE_CHOICES:
        raise ValueError(f"Unknown grouping “{compare}”: use {', '.join(COMPARE_CHOICES)}.")
    corpus = source if isinstance(source, Corpus) else Corpus.of(source, catalog)
    analysis = corpus.analysis
    selection = select(analysis, filters, corpus.catalog)
    sections = [
        masthead(corpus, selection, generated_on or format_date(date.today().isoformat()), link),
        headline_numbers(summarize(analysis, selection)),
    ]
    charts: list[Chart] = []
    if selection.is_empty:
        sections.append(
            '<section class="empty"><p>No paragraphs match these filters, so there is nothing to chart '
            "or quote. Loosen the filters and write the briefing again.</p></section>"
        )
    else:
        charts = briefing_charts(corpus, selection, measure, compare)
        sections.append(charts_section(charts, analysis, filters))
        sections.append(evidence_section(analysis, selection, corpus.document_labels))
    sections.append(method_section(
        several_documents=not selection.is_empty and document_count(selection) > 1,
        distinctive_words=any(chart.name == "distinctive-words" for chart in charts),
    ))
    return page(document_title(analysis), _language(analysis), sections, with_plotly=bool(charts))


def measure_column(measure: str) -> str:
    """The frequency table's column for a link's measure value."""
    if measure not in MEASURE_CHOICES:
        raise ValueError(f"Unknown measure “{measure}”: use {' or '.join(MEASURE_CHOICES)}.")
    return MEASURE_CHOICES[measure]


def document_title(analysis: Analysis) -> str:
    if len(analysis.documents) == 1:
        return next(iter(analysis.documents.values())).title or DEFAULT_TITLE
    return DEFAULT_TITLE


def _language(analysis: Analysis) -> str:
    languages = {meta.language for meta in analysis.documents.values()}
    return languages.pop() if len(languages) == 1 and languages != {""} else "en"


def page(title: str, language: str, sections: Sequence[str], *, with_plotly: bool) -> str:
    """The HTML document around the sections; plotly.js inline when there are charts."""
    plotly = ""
    if with_plotly:
        plotly = (
            "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
            f'<script id="plotly-js">{get_plotlyjs()}</script>\n'
        )
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="{_e(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="generator" content="SpeechLens">
<title>{_e(title)} · {DEFAULT_TITLE}</title>
<style>{PAGE_CSS}</style>
{plotly}</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


# Nothing may leave the machine: scripts and styles only inline, images only as data.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:"
)


def masthead(corpus: Corpus, selection: Selection, generated_on: str, link: str | None) -> str:
    """Title, source, the speaker's post, the filters in words, the documents shown, date and link."""
    analysis = corpus.analysis
    documents = analysis.documents
    post = next(iter(documents.values())).post if len(documents) == 1 else ""
    showing = describe_filters(selection.filters, analysis.lexicon.labels, corpus.document_labels)
    coverage = coverage_line(len(selection.paragraphs), selection.total_paragraphs)
    rows = [("Showing", f"{_e(showing)} · {_e(coverage)}")]
    if len(documents) > 1 and not selection.is_empty:
        rows.append(documents_row(corpus, selection))
    rows.append(("Generated", _e(generated_on) + " with SpeechLens"))
    if link:
        rows.append(("In the dashboard", link_markup(link)))
    facts = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f"""<header class="masthead">
<p class="kicker">{DEFAULT_TITLE}</p>
<h1>{_e(document_title(analysis))}</h1>
<p class="source">{_e(source_line(documents, year_bounds(corpus.catalog)))}</p>
{f'<p class="post">{_e(post)}</p>' if post else ''}
<dl class="view">{facts}</dl>
</header>"""


def documents_row(corpus: Corpus, selection: Selection) -> tuple[str, str]:
    """The documents the selection draws on, by their catalogue labels in corpus order (the first few)."""
    present = set(selection.doc_ids)
    labels = [label for doc_id, label in corpus.document_labels.items() if doc_id in present]
    shown = "; ".join(_e(label) for label in labels[:NAMED_DOCUMENTS])
    if len(labels) > NAMED_DOCUMENTS:
        shown += f" and {len(labels) - NAMED_DOCUMENTS:,} more"
    return ("Document" if len(labels) == 1 else f"{len(labels):,} documents", shown)


def link_markup(link: str) -> str:
    """A web link as an anchor showing its address; anything else as plain text."""
    if urlsplit(link).scheme in {"http", "https"}:
        return f'<a href="{_e(link)}">{_e(link)}</a>'
    return f"<code>{_e(link)}</code>"


def headline_numbers(summary: Summary) -> str:
    """Paragraphs shown / total, words, mean polarity, dominant theme (as the dashboard's header)."""
    polarity = "–" if summary.mean_polarity is None else format_polarity(summary.mean_polarity)
    cells = [
        ("Paragraphs shown", f"{summary.shown} / {summary.total}"),
        ("Words", f"{summary.words:,}"),
        ("Mean polarity", polarity),
        ("Dominant theme", summary.dominant_theme_label or "–"),
    ]
    items = "".join(
        f'<div class="number"><dt>{_e(label)}</dt><dd>{_e(value)}</dd></div>' for label, value in cells
    )
    return f'<section class="numbers" aria-label="Headline numbers"><dl>{items}</dl></section>'


# ----------------------------------------------------------------------------- charts


def briefing_charts(corpus: Corpus, selection: Selection, measure: str, compare: str = DEFAULT_COMPARE) -> list[Chart]:
    """The charts the dashboard draws for this selection, built by the same code."""
    return [Chart(chart.name, chart.figure, chart.part)
            for chart in view_charts(corpus, selection, measure=measure, compare=compare)]


def charts_section(charts: Sequence[Chart], analysis: Analysis, filters: Filters) -> str:
    """The charts in order, each part after the main charts under its own heading."""
    blocks, part = [], ""
    for chart in charts:
        if chart.part != part:
            part = chart.part
            blocks.append(f"<h2>{_e(part)}</h2>")
        blocks.append(chart_markup(chart, export_filename(chart.name, filters, analysis.documents)))
    body = "\n".join(blocks)
    return f'<section class="charts" aria-label="Charts">\n{body}\n</section>'


def chart_markup(chart: Chart, filename: str) -> str:
    """One interactive chart; plotly.js itself is in the page's head."""
    config = {
        "displaylogo": False,
        "responsive": False,
        "toImageButtonOptions": {"format": "png", "scale": 3, "filename": filename},
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    }
    div = pio.to_html(
        chart.figure, include_plotlyjs=False, full_html=False, config=config,
        div_id=f"chart-{chart.name}", default_width=f"{CHART_WIDTH}px",
    )
    return (
        f'<figure class="chart chart-{_e(chart.name)}" style="--print-zoom: {chart.print_zoom:.4f}">{div}</figure>'
    )


# ----------------------------------------------------------------------------- evidence


def evidence_themes(analysis: Analysis, selection: Selection) -> list[str]:
    """The selected themes, or else the most-mentioned ones of the selection."""
    selected = [t for t in selection.filters.themes if t in analysis.theme_ids]
    if selected:
        return selected
    table = theme_frequencies(analysis, selection)
    return list(table.loc[table["mentions"] > 0, "theme"][:EVIDENCE_THEMES])


def strongest_paragraphs(selection: Selection, theme_id: str, limit: int = EVIDENCE_PARAGRAPHS) -> list[int]:
    """pids of the selection mentioning ``theme_id`` most, ties in reading order.

    pids run in reading order (document by document, as the corpus lists
    them), so a corpus of any size is ranked with one sort.
    """
    if theme_id not in selection.mentions:
        return []
    counts = selection.mentions[theme_id]
    counts = counts[counts > 0]
    pids, values = counts.index.to_numpy(), counts.to_numpy()
    return [int(pid) for pid in pids[np.lexsort((pids, -values))[:limit]]]


def theme_spans(analysis: Analysis, pids: Sequence[int], theme_id: str) -> dict[int, list[tuple[int, int]]]:
    """pid -> where the theme's terms matched in that paragraph's text, for each of ``pids``."""
    rows = analysis.rows_of("matches", pids)
    rows = rows[rows["theme"] == theme_id]
    spans: dict[int, list[tuple[int, int]]] = {int(pid): [] for pid in pids}
    for pid, start, end in zip(rows["pid"], rows["start"], rows["end"], strict=True):
        spans[int(pid)].append((int(start), int(end)))
    return {pid: sorted(found) for pid, found in spans.items()}


def mark_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, with each span wrapped in <mark>.

    Each piece is cut from the raw text first and escaped after, so a
    highlight can never fall inside an escape such as ``&amp;``.
    """
    return wrap_spans(text, spans, plain=_e, marked=lambda piece: f"<mark>{_e(piece)}</mark>")


def evidence_section(analysis: Analysis, selection: Selection, document_labels: dict[str, str] | None = None) -> str:
    """The strongest paragraphs of each theme: at most EVIDENCE_PARAGRAPHS for each of a few themes."""
    themes = evidence_themes(analysis, selection)
    which = "each selected theme" if selection.filters.themes else f"each of the {len(themes)} most-mentioned themes"
    intro = (
        f"For {which}: the {EVIDENCE_PARAGRAPHS} paragraphs shown that mention it most (ties in reading order), "
        "with that theme's matched terms highlighted."
    )
    blocks = [theme_evidence(analysis, selection, theme_id, document_labels) for theme_id in themes]
    if not blocks:
        blocks = ['<p class="empty">No theme terms occur in these paragraphs.</p>']
    return f'<section class="evidence">\n<h2>Evidence</h2>\n<p class="lead">{_e(intro)}</p>\n' + "\n".join(blocks) + "\n</section>"


def theme_evidence(
    analysis: Analysis, selection: Selection, theme_id: str, document_labels: dict[str, str] | None = None
) -> str:
    theme = analysis.lexicon.get(theme_id)
    pids = strongest_paragraphs(selection, theme_id)
    counts = selection.mentions[theme_id] if theme_id in selection.mentions else pd.Series(dtype=int)
    total, paragraphs = int(counts.sum()), int((counts > 0).sum())
    colors = f"--accent: {_e(theme.color)}; --mark: {_e(figures.fade_color(theme.color, MARK_TINT))}"
    heading = (
        f'<h3><span class="swatch" aria-hidden="true"></span>{_e(theme.label)}'
        f' <span class="tally">{_plural(total, "mention")} in {_plural(paragraphs, "paragraph")}</span></h3>'
    )
    if not pids:
        body = f'<p class="empty">No paragraph shown mentions {_e(theme.label)}.</p>'
    else:
        items = evidence_items(analysis, pids, document_labels=document_labels)
        spans = theme_spans(analysis, pids, theme_id)
        body = "\n".join(evidence_block(item, int(counts[item.pid]), spans[item.pid]) for item in items)
    return f'<section class="theme" data-theme="{_e(theme_id)}" style="{colors}">\n{heading}\n{body}\n</section>'


def evidence_block(item: EvidenceItem, mentions: int, spans: Sequence[tuple[int, int]]) -> str:
    """One paragraph: label and scores, the text with the theme's terms marked, its sentiment words."""
    drivers = item.drivers or "none (no opinion words in TextBlob's lexicon)"
    note = f'<p class="note">{_e(item.note)}</p>' if item.note else ""
    return f"""<article class="paragraph" data-pid="{item.pid}">
<p class="label"><strong>{_e(item.label)}</strong><br>{_e(_plural(mentions, "mention"))} · {_e(item.scores)}</p>
<blockquote>{mark_spans(item.text, spans)}</blockquote>
<p class="drivers">Sentiment words: {_e(drivers)}</p>
{note}</article>"""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


# ----------------------------------------------------------------------------- method


METHOD_NOTES = (
    ("Sentiment", "TextBlob's general-purpose word lexicon scores each paragraph from −1 to +1 "
     "(subjectivity 0 to 1). It knows no policy language: words such as “criminal” or “serious” "
     "pull a paragraph negative whatever the speaker's stance, and a score near zero often means few "
     "opinion words rather than a neutral tone. Check the sentiment words listed under a paragraph "
     "before quoting its score."),
    ("Themes", "A theme is counted only where one of the terms listed for it in the themes lexicon "
     "appears. It is a word list, not a classifier: a passage about a theme in other words is missed, "
     "and the highlighted terms show exactly what was counted."),
    ("Voice", "Whether a sentence is the speaker's own words, his words reported, or the reporter's "
     "narration is a heuristic built on reporting verbs and attributions; it can mislabel a sentence "
     "that carries on reported speech without naming the speaker."),
    ("Repeats", "Sentences of eight words or more that share at least 80% of their distinct words "
     "with an earlier one are near-duplicates and are counted once, unless repeated passages are "
     "included. Embedded social-media posts are left out unless included."),
)


GROUP_NOTE = ("Several documents", "With several documents the charts show one row per document, or per year beyond "
              f"{MAX_DOCUMENTS_SHOWN} documents. A row's rate is theme mentions per 1,000 of its words; its mean "
              "polarity is the mean of its paragraphs' scores, with a 95% interval from Student's t, so a short "
              "speech has a wide interval.")
DISTINCTIVE_NOTE = ("Distinctive words", "Word counts of the selection compared with the rest of the corpus "
                    "(weighted log-odds with an informative Dirichlet prior). They compare counts, not meanings: "
                    "country names and words of the speakers' names often come first.")


def method_section(*, several_documents: bool = False, distinctive_words: bool = False) -> str:
    """The method notes; those on per-document figures and distinctive words only where they are charted."""
    notes = list(METHOD_NOTES)
    if several_documents:
        notes.append(GROUP_NOTE)
    if distinctive_words:
        notes.append(DISTINCTIVE_NOTE)
    items = "".join(f"<li><strong>{_e(name)}.</strong> {_e(text)}</li>" for name, text in notes)
    return f'<section class="method">\n<h2>Method and limits</h2>\n<ul>{items}</ul>\n</section>'


# ----------------------------------------------------------------------------- files


def write_briefing(html_text: str, path: str | Path) -> None:
    """Write the briefing as UTF-8, creating the folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_text, encoding="utf-8")


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, chromium: str | None = None, timeout: float = 60) -> None:
    """Print a briefing to PDF with headless Chromium, after its charts are drawn.

    ``chromium`` defaults to $SPEECHLENS_CHROMIUM or /usr/bin/chromium. The PDF
    is printed into a temporary folder and moved into place only when
    complete, so a failure leaves nothing behind.
    """
    executable = chromium or os.environ.get("SPEECHLENS_CHROMIUM", CHROMIUM)
    if shutil.which(executable) is None:
        raise BriefingError(f"{NO_CHROMIUM} (not found: {executable}).")
    source = Path(html_path).resolve()
    if not source.is_file():
        raise BriefingError(f"Cannot print {source}: no such file.")
    with tempfile.TemporaryDirectory(prefix="speechlens-pdf-") as scratch:
        printed = Path(scratch) / "briefing.pdf"
        command = [
            executable, *CHROMIUM_FLAGS, f"--user-data-dir={Path(scratch) / 'profile'}",
            f"--print-to-pdf={printed}", source.as_uri(),
        ]
        _run_chromium(command, timeout)
        if not printed.is_file() or not printed.read_bytes().startswith(b"%PDF"):
            raise BriefingError(f"Chromium did not print a PDF of {source}.")
        target = Path(pdf_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(printed, target)


def _run_chromium(command: Sequence[str], timeout: float) -> None:
    # A session of its own: on a timeout, Chromium's helper processes are
    # stopped with it (they would otherwise hold the pipes open).
    process = subprocess.Popen(  # noqa: S603 - the configured browser, our own arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(process)
        raise BriefingError(f"Chromium did not finish printing the PDF within {timeout:g} s.") from None
    finally:
        _stop_group(process)
    if process.returncode != 0:
        tail = "\n".join(errors.strip().splitlines()[-5:])
        raise BriefingError(f"Chromium failed to print the PDF (exit {process.returncode}):\n{tail}")


def _stop_group(process: subprocess.Popen) -> None:
    """Stop what is left of the Chromium session this module started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.communicate()


# ----------------------------------------------------------------------------- style

PAGE_CSS = """
@page { size: A4 portrait; margin: 12mm 12mm 14mm 12mm;
  @bottom-left { content: "SpeechLens briefing"; font: 12px system-ui, sans-serif; color: #6a737d; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 12px system-ui, sans-serif; color: #6a737d; }
}
:root { --ink: #1b1f24; --muted: #57606a; --rule: #d8dee4; --panel: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef0f3; color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
/* On screen: a sheet as wide as a dashboard chart; prose keeps a readable line length. */
main { width: 1036px; margin: 32px auto; padding: 44px 48px 40px; background: white;
  box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 8px 24px rgba(0,0,0,.06); }
.masthead, .numbers, .charts > h2, .evidence, .method, .empty { max-width: 780px; }
h1 { font-size: 28px; line-height: 1.25; margin: 4px 0 10px; }
h2 { font-size: 20px; margin: 36px 0 14px; padding-bottom: 6px; border-bottom: 2px solid var(--ink);
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 16px; margin: 24px 0 10px; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 8px; }
a { color: #0a58ca; overflow-wrap: anywhere; }
code { font-size: 13px; overflow-wrap: anywhere; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; font-weight: 600; color: var(--muted); margin: 0; }
.source { font-size: 15px; margin: 0 0 2px; }
.post { font-size: 14px; color: var(--muted); }
.view { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 14px 0 0;
  padding: 12px 14px; background: var(--panel); border-left: 4px solid var(--ink); font-size: 14px; }
.view dt { font-weight: 600; color: var(--muted); }
.view dd { margin: 0; }
.numbers dl { display: grid; grid-template-columns: 1fr 1fr 1fr 2fr; margin: 22px 0 28px; border: 1px solid var(--rule); }
.number { padding: 10px 14px; border-right: 1px solid var(--rule); }
.number:last-child { border-right: 0; }
.number dt { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.number dd { margin: 2px 0 0; font-size: 21px; font-weight: 600; line-height: 1.25; }
.chart { margin: 0 0 24px; padding: 0; break-inside: avoid; page-break-inside: avoid; }
.chart + .chart { border-top: 1px solid var(--rule); padding-top: 16px; }
.lead { color: var(--muted); font-size: 14px; }
.theme h3 { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; background: var(--accent); align-self: center; }
.tally { font-weight: 400; font-size: 14px; color: var(--muted); }
.paragraph { margin: 0 0 14px; padding: 10px 14px; border-left: 4px solid var(--accent); background: var(--panel);
  break-inside: avoid; page-break-inside: avoid; }
.paragraph .label { font-size: 13px; color: var(--muted); margin-bottom: 6px; }
.paragraph .label strong { color: var(--ink); font-weight: 600; }
blockquote { margin: 0 0 6px; font-size: 15px; line-height: 1.55; }
/* The underline in the theme's colour survives greyscale printing; the padding does not move the text. */
mark { background: var(--mark); color: inherit; padding: 0 2px; margin: 0 -2px; border-radius: 2px;
  box-shadow: inset 0 -2px 0 var(--accent);
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.drivers, .note { font-size: 13px; color: var(--muted); margin: 0; }
.note { font-style: italic; }
.empty { padding: 12px 14px; background: var(--panel); border-left: 4px solid var(--muted); }
.method { break-inside: avoid; page-break-inside: avoid; }
.method ul { margin: 0; padding-left: 20px; font-size: 14px; }
.method li { margin-bottom: 6px; break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { background: white; font-size: 13px; }
  /* 1 px inset: the text block is a fraction under 703 px, which clipped right-hand borders. */
  main { width: auto; margin: 0; padding: 0 1px; box-shadow: none; }
  .masthead, .numbers, .charts > h2, .evidence, .method, .empty { max-width: none; }
  h2 { margin-top: 22px; }
  blockquote { font-size: 14px; }
  .chart { zoom: var(--print-zoom, 1); }
  .chart + .chart { padding-top: 10px; }
  .modebar-container { display: none !important; }
  a { color: inherit; }
}
"""
