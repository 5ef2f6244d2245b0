"""Adding speeches in a real browser: the upload dialog, the corpus charts, hostile and bad files.

Each test starts its own server on a fresh store (SPEECHLENS_DATA_DIR under
``tmp_path``), since each one adds, or tries to add, documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import PROJECT_DIR
from tests.e2e.helpers import metric_value, wait_for_app, wait_for_charts
from tests.e2e.server import free_port, start_server, stop_server

pytestmark = pytest.mark.e2e

DOCS = PROJECT_DIR / "docs"
CHART = '[data-testid="stPlotlyChart"]'
SIDEBAR = '[data-testid="stSidebar"]'
DOWNLOADS = '[class*="st-key-chart_downloads"]'  # one beside each chart
EVERY_CHART_DRAWN = """(downloads) => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return charts.length > 0 && charts.length === document.querySelectorAll(downloads).length
        && charts.every((chart) => chart.querySelector('.main-svg'));
}"""

# A distinctive word that appears in no other document of the corpus.
MARKER = "Kelpwatch"
ATLANTIS_SPEECH = f"""\
Ministers, colleagues, friends of the sea,

Atlantis faces threats that no single coast guard can meet alone. Transnational organized crime \
moves drugs, weapons and people through our ports, and it exploits every gap between our agencies.

That is why we are launching {MARKER}, a joint operations centre that shares information in real time \
with our neighbours and with INTERPOL. Intelligence sharing is not a favour; it is a duty we owe our citizens.

Cybercrime now reaches every household. Ransomware struck two of our hospitals last winter, and we \
answered with a new cyber unit, better training and stronger cooperation with the private sector.

We will defend human rights and the rule of law while we do this work. Security that tramples rights \
is not security at all, and public trust is the foundation of every police force.

Together we can keep our waters open, our borders safe and our people free. Thank you.
"""
ATLANTIS_PARAGRAPHS = 5  # the salutation, ending in a comma, opens the first paragraph

PWNED = "window.__pwned"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">'
SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
# The .html file's own script and style carry markers: they must be dropped, never shown as text.
SCRIPT_CODE_MARKER = "scriptCodeMustNotShow"
STYLE_CODE_MARKER = "styleCodeMustNotShow"

HOSTILE_TXT = f"""\
Security and trust

Our police cooperate with INTERPOL against organized crime. Someone pasted this into the transcript: \
<script>window.__pwned = 1</script> and it must be read as text, never run.

Cybercrime is a threat to every citizen. A forum post quoted here said {IMG_PAYLOAD} and nothing more.

Information exchange between agencies saves lives, and human rights remain the rule of our work.
"""

HOSTILE_HTML = f"""\
<!doctype html>
<html>
<head>
<title>Hostile page</title>
<style>.{STYLE_CODE_MARKER} {{ color: red }}</style>
<script>window.__pwned = 1; var {SCRIPT_CODE_MARKER} = true;</script>
</head>
<body>
<h1>Terrorism and the rule of law</h1>
<p>Terrorism and violent extremism threaten our cities, and international cooperation is our answer.
<img src=x onerror="window.__pwned=1"></p>
<p>A message seized during the investigation read: &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;
and another: &lt;script&gt;window.__pwned = 1&lt;/script&gt;.</p>
<script>document.write("{SCRIPT_CODE_MARKER}")</script>
<p>Cybercrime and information exchange between police forces must go together with respect for human rights.</p>
</body>
</html>
"""


# ---------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path) -> Iterator[tuple[str, Path]]:
    """A server of its own on a fresh store: (its URL, the store directory)."""
    store = tmp_path / "store"
    port = free_port()
    process = start_server(port, {"SPEECHLENS_DATA_DIR": str(store)})
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        stop_server(process)


def open_upload_dialog(page: Page) -> Locator:
    page.locator(SIDEBAR).get_by_role("button", name="Add speeches").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Add speeches")).to_be_visible()
    wait_for_app(page)
    # The date field is drawn lazily (a skeleton first): wait until the whole form is there.
    expect(dialog.get_by_role("spinbutton", name="year, Date")).to_be_visible()
    return dialog


def choose_files(page: Page, dialog: Locator, paths: list[Path]) -> None:
    """Pick the files and wait until the uploader lists each (it uploads them as soon as they are chosen)."""
    dialog.locator('input[type="file"]').set_input_files([str(path) for path in paths])
    chips = dialog.get_by_test_id("stFileChip")
    expect(chips).to_have_count(len(paths))
    for path in paths:  # a long name is shortened on the chip; its title and the remove button keep it whole
        expect(dialog.get_by_role("button", name=f"Remove {path.name}", exact=True)).to_have_count(1)
    # The submit button stays disabled while a file is still uploading.
    expect(dialog.get_by_role("button", name="Add to the corpus")).to_be_enabled()


def fill(dialog: Locator, label: str, value: str) -> None:
    dialog.get_by_role("textbox", name=label, exact=True).fill(value)


def set_date(dialog: Locator, year: str, month: str, day: str) -> None:
    """Type the date as a keyboard user does: the field moves on by itself from year to month to day."""
    page = dialog.page
    dialog.get_by_role("spinbutton", name="year, Date").focus()
    page.keyboard.type(year + month + day)
    expect(dialog.get_by_role("spinbutton", name="year, Date")).to_have_attribute("aria-valuetext", year)
    expect(dialog.get_by_role("spinbutton", name="day, Date")).to_have_attribute("aria-valuetext", day)
    # Focusing the field opened its calendar over the form; Escape closes the calendar only.
    calendar = page.get_by_role("grid")
    expect(calendar).to_have_count(1)
    page.keyboard.press("Escape")
    expect(calendar).to_have_count(0)
    expect(dialog).to_be_visible()


def submit(page: Page, dialog: Locator) -> None:
    dialog.get_by_role("button", name="Add to the corpus").click()
    wait_for_app(page, timeout=45_000)


def alerts(where: Page | Locator, kind: str) -> Locator:
    """The texts of the alerts of one kind (Success, Info, Error), without their icons."""
    return where.locator(f'[data-testid="stAlertContent{kind}"] [data-testid="stMarkdownContainer"]')


def wait_for_dashboard(page: Page) -> None:
    """Until the script has finished and every chart it drew is on screen.

    How many charts there are depends on the corpus and the filters (the
    comparison and the distinctive words appear with several documents). On a
    fresh page the charts mount only after the script has finished, but each
    chart's "Download chart" container is there at once: count those.
    """
    wait_for_app(page)
    # Elements of the previous run can stand for a moment after the script ends: wait until
    # there are as many drawn charts as download containers, rather than counting once.
    page.wait_for_function(EVERY_CHART_DRAWN, arg=DOWNLOADS, timeout=30_000)
    count = page.locator(DOWNLOADS).count()
    assert count >= 4, page.locator('[data-testid="stMain"]').inner_text()[:2000]
    wait_for_charts(page, count)


def chart(page: Page, title: str) -> Locator:
    return page.locator(CHART).filter(has=page.locator(".gtitle", has_text=title))


def row_labels(chart: Locator) -> list[str]:
    """A chart's row labels as a reader sees them: a label wrapped onto several lines is read as one."""
    return chart.locator(".yaxislayer-above text").evaluate_all(
        """nodes => nodes.map(node => {
            const lines = [...node.querySelectorAll('tspan.line')];
            return lines.length ? lines.map(line => line.textContent).join(' ') : node.textContent;
        })"""
    )


def shown(page: Page) -> tuple[int, int]:
    a, b = metric_value(page, "Paragraphs shown").split(" / ")
    return int(a.replace(",", "")), int(b.replace(",", ""))


def reader_text(page: Page) -> str:
    """The paragraph reader's text (one Markdown block holds the page of paragraphs, each labelled ¶n)."""
    return page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="¶").last.inner_text()


# ---------------------------------------------------------------------------
# 1. A researcher adds a speech of their own
# ---------------------------------------------------------------------------


def add_atlantis_speech(page: Page, speech: Path) -> None:
    dialog = open_upload_dialog(page)
    choose_files(page, dialog, [speech])
    fill(dialog, "Title", "Keeping the sea lanes open")
    fill(dialog, "Speaker", "Marina Coralli")
    fill(dialog, "Country or organisation", "Atlantis")
    set_date(dialog, "2024", "05", "17")
    submit(page, dialog)


def test_an_uploaded_speech_joins_the_charts_and_can_be_filtered_alone(page, app, tmp_path):
    server, _ = app
    speech = tmp_path / "atlantis-coast-guard.txt"
    speech.write_text(ATLANTIS_SPEECH, encoding="utf-8")

    page.goto(server)
    wait_for_charts(page)
    seed_total = shown(page)[1]
    corpus_filters = page.locator(SIDEBAR).get_by_role("heading", name="Corpus")
    expect(corpus_filters).to_have_count(0)  # one document: no corpus filters

    add_atlantis_speech(page, speech)

    expect(page.get_by_role("dialog")).to_have_count(0)
    success = alerts(page, "Success")
    expect(success).to_have_text(f"{speech.name}: Added as “Keeping the sea lanes open”.")
    wait_for_dashboard(page)

    # The charts now draw one row per document, and the new one is among them.
    sentiment = chart(page, "Sentiment by document: mean polarity of the paragraphs")
    expect(sentiment).to_have_count(1)
    sentiment.scroll_into_view_if_needed()
    expect(sentiment.locator(".main-svg").first).to_be_visible()
    theme_map = chart(page, "Where each theme comes up, by document")
    expect(theme_map.locator(".main-svg").first).to_be_visible()
    for labels in (row_labels(sentiment), row_labels(theme_map)):
        # The label is longer than a line: it wraps, and reads as plain words (no "<br>" shown).
        assert "Atlantis · 2024 · Marina Coralli" in labels, labels
        assert not [label for label in labels if "<" in label], labels
    subtitle = sentiment.locator(".gtitle-subtitle").first.text_content()
    assert subtitle.startswith("2 documents, "), subtitle
    a, b = shown(page)
    assert a == b > seed_total  # every paragraph shown, the new ones added to the total
    new_paragraphs = b - seed_total
    assert new_paragraphs == ATLANTIS_PARAGRAPHS
    expect(corpus_filters).to_be_visible()

    # Back to the top, as a user scrolls, so the screenshot shows the message and the header.
    page.mouse.move(800, 500)
    page.mouse.wheel(0, -20_000)
    expect(success).to_be_in_viewport()
    expect(page.locator('[data-testid="stMetric"]').first).to_be_in_viewport()
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "corpus-upload.png"), full_page=False)

    # Filter by the country in the sidebar: only the new speech's paragraphs remain.
    country = page.locator(SIDEBAR).get_by_test_id("stMultiSelect").filter(has_text="Country or organisation")
    country.get_by_role("combobox").click()
    page.get_by_role("option", name="Atlantis", exact=True).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"[?&]country=Atlantis(&|$)"))
    # The rerun has begun once the header shows the filtered count (the URL changes before the
    # rerun starts, so waiting for the script to finish could see the previous run's end).
    shown_metric = page.locator('[data-testid="stMetric"]').filter(has_text="Paragraphs shown")
    expect(shown_metric.locator('[data-testid="stMetricValue"]')).to_have_text(f"{new_paragraphs} / {b}")
    # Then wait for it to end: while it runs, the old charts can stand beside the new ones.
    wait_for_dashboard(page)
    expect(shown_metric.locator('[data-testid="stMetricValue"]')).to_have_text(f"{new_paragraphs} / {b}")
    text = reader_text(page)
    assert MARKER in text
    assert "Hammouchi" not in text  # must not happen: the seed speech's paragraphs in a filter for Atlantis
    expect(page.get_by_text(re.compile(rf"^{new_paragraphs} of {new_paragraphs} paragraphs\.$"))).to_have_count(1)

    # The same view from a link, in a fresh page.
    colleague = page.context.new_page()
    colleague.goto(f"{server}/?country=Atlantis")
    wait_for_dashboard(colleague)
    assert shown(colleague) == (new_paragraphs, b)
    assert MARKER in reader_text(colleague)
    colleague.close()
    assert page.console_errors == []


# ---------------------------------------------------------------------------
# 2. Hostile content is shown as text and never runs
# ---------------------------------------------------------------------------


def assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    assert page.evaluate(f"typeof {PWNED}") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []
    assert page.console_errors == []


def test_hostile_files_and_metadata_are_shown_as_text_and_never_run(page, app, tmp_path):
    server, store = app
    txt = tmp_path / "pasted-transcript.txt"
    txt.write_text(HOSTILE_TXT, encoding="utf-8")
    html = tmp_path / "seized-page.html"
    html.write_text(HOSTILE_HTML, encoding="utf-8")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(server)
    wait_for_charts(page)
    dialog = open_upload_dialog(page)
    choose_files(page, dialog, [txt, html])
    fill(dialog, "Title", IMG_PAYLOAD)
    fill(dialog, "Speaker", SCRIPT_PAYLOAD)
    fill(dialog, "Country or organisation", "Hostile Land")
    set_date(dialog, "2025", "01", "02")
    submit(page, dialog)

    success = alerts(page, "Success")
    expect(success).to_have_count(2)
    # The typed title comes first, literally; each file's own title follows it.
    expect(success.first).to_contain_text(f"{txt.name}: Added as “{IMG_PAYLOAD}: ")
    expect(success.last).to_contain_text(f"{html.name}: Added as “{IMG_PAYLOAD}: ")
    wait_for_dashboard(page)
    assert_nothing_ran(page, dialogs)

    # The dashboard: the speaker's name, literally, in the per-document row labels.
    sentiment = chart(page, "Sentiment by document: mean polarity of the paragraphs")
    sentiment.scroll_into_view_if_needed()
    expect(sentiment.locator(".main-svg").first).to_be_visible()
    assert any(SCRIPT_PAYLOAD in label for label in row_labels(sentiment)), row_labels(sentiment)
    assert_nothing_ran(page, dialogs)

    # Every other view: each document alone, each way of comparing, a search, presentation mode, the corpus list.
    txt_id, html_id = added_ids(store)
    assert (txt_id, html_id) == ("pasted-transcript", "seized-page")
    views = [f"doc={txt_id}", f"doc={html_id}"]
    views += [f"compare={by}" for by in ("speaker", "country", "year")]
    views += ["country=Hostile+Land&q=__pwned", "country=Hostile+Land&present=true"]
    for query in views:
        page.goto(f"{server}/?{query}")
        wait_for_dashboard(page)
        expect(page.locator('[data-testid="stAlert"]')).to_have_count(0)  # every link was understood
        assert_nothing_ran(page, dialogs)
        if query.startswith("doc="):
            # One document: the per-paragraph charts, whose subtitle names the speaker literally.
            subtitle = page.locator(f"{CHART} .gtitle-subtitle").first.text_content()
            assert subtitle.startswith(SCRIPT_PAYLOAD), subtitle
        if query == f"doc={txt_id}":
            text = reader_text(page)
            assert "<script>window.__pwned = 1</script>" in text  # the file's own words, shown as text
            assert IMG_PAYLOAD in text
        if query == f"doc={html_id}":
            text = reader_text(page)
            assert IMG_PAYLOAD in text  # written as &lt;img …&gt; in the page: text, never an element
            assert "Terrorism and violent extremism threaten our cities" in text
            # The page's own <script> and <style> are dropped, not shown as text.
            assert SCRIPT_CODE_MARKER not in page.locator("body").inner_text()
            assert STYLE_CODE_MARKER not in page.locator("body").inner_text()
    page.goto(server)
    wait_for_dashboard(page)
    page.locator(SIDEBAR).get_by_role("button", name="Corpus").click()
    corpus = page.get_by_role("dialog")
    expect(corpus.get_by_text(re.compile(r"^3 documents in "))).to_be_visible()
    wait_for_app(page)
    expect(corpus.get_by_test_id("stDataFrame")).to_be_visible()
    assert_nothing_ran(page, dialogs)


def added_ids(store: Path) -> list[str]:
    """The doc_ids of the uploaded documents (all but the seed speech), from the store's manifest."""
    documents = json.loads((store / "manifest.json").read_text(encoding="utf-8"))["documents"]
    return [entry["doc_id"] for entry in documents[1:]]


# ---------------------------------------------------------------------------
# 3. A file that is not what its name says changes nothing
# ---------------------------------------------------------------------------


def test_a_binary_file_named_txt_is_refused_and_the_corpus_is_unchanged(page, app, tmp_path):
    server, store = app
    fake = tmp_path / "minutes.txt"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(4096))

    page.goto(server)
    wait_for_charts(page)
    before = (store / "manifest.json").read_bytes()
    seed = shown(page)

    dialog = open_upload_dialog(page)
    choose_files(page, dialog, [fake])
    fill(dialog, "Speaker", "Nobody")
    submit(page, dialog)

    # Nothing was added, so the dialog stays open and says which file and why.
    expect(dialog).to_be_visible()
    error = alerts(dialog, "Error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text(f"{fake.name} was not added")
    expect(error).to_contain_text("PNG image, not text")
    expect(alerts(page, "Success")).to_have_count(0)

    assert (store / "manifest.json").read_bytes() == before  # must not happen: any change to the store
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.reload()
    wait_for_charts(page)
    assert shown(page) == seed
    expect(page.locator(SIDEBAR).get_by_role("heading", name="Corpus")).to_have_count(0)  # still one document
    subtitle = page.locator(f"{CHART} .gtitle-subtitle").first.text_content()
    assert not subtitle.startswith("2 documents"), subtitle
    page.locator(SIDEBAR).get_by_role("button", name="Corpus").click()
    expect(page.get_by_role("dialog").get_by_text(re.compile(r"^1 documents? in "))).to_be_visible()
    assert (store / "manifest.json").read_bytes() == before
    assert page.console_errors == []

