"""A briefing of several documents: the dashboard's per-document charts, what sets a selection apart,
the comparison, the documents named, and evidence that stays short."""

from __future__ import annotations

import html
import json
import re

import pytest

from speechlens.analysis import analyze
from speechlens.briefing import EVIDENCE_PARAGRAPHS, EVIDENCE_THEMES, NAMED_DOCUMENTS, build_briefing
from speechlens.catalog import build_catalog
from speechlens.corpus import Corpus, load_default_lexicon
from speechlens.filters import Filters, select
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from tests.conftest import DATA_DIR
from tests.unit.test_briefing import CHART_DIV, brief, evidence_sections, showing_line, visible_text
from tests.unit.test_catalog import EXTRAS, METAS, SPEECHES, speech_documents
from tests.unit.test_view_charts import MANY_YEARS, many_documents

LEXICON = load_default_lexicon(DATA_DIR)
LABELS = build_catalog(METAS, EXTRAS)["label"].to_dict()
MAIN = ["themes", "theme-map", "sentiment", "words"]
SEED_METHOD = ["Sentiment", "Themes", "Voice", "Repeats"]


@pytest.fixture(scope="module")
def corpora(seed_analysis) -> dict[str, Corpus]:
    three = analyze(speech_documents()[:3], LEXICON)
    return {
        "seed": Corpus.of(seed_analysis),
        "three": Corpus.of(three, build_catalog(METAS[:3])),
        "five": Corpus.of(analyze(speech_documents(), LEXICON), build_catalog(METAS, EXTRAS)),
        "many": Corpus.of(analyze(many_documents(), LEXICON)),
    }


def chart_ids(page: str) -> list[str]:
    return re.findall(r'<div id="chart-([^"]+)" class="plotly-graph-div"', page)


def chart_figures(page: str) -> dict[str, tuple[list, dict]]:
    """Chart name -> (data, layout) handed to Plotly.newPlot."""
    decoder = json.JSONDecoder()
    found = {}
    for call in re.finditer(r'Plotly\.newPlot\(\s*"chart-([^"]+)",\s*', page):
        data, end = decoder.raw_decode(page, call.end())
        layout, _ = decoder.raw_decode(page, re.compile(r"\s*,\s*").match(page, end).end())
        found[call.group(1)] = (data, layout)
    return found


def headings(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]


def masthead_rows(page: str) -> dict[str, str]:
    view = re.search(r'<dl class="view">(.*?)</dl>', page, re.S).group(1)
    return {html.unescape(dt): html.unescape(dd) for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", view)}


def method_notes(page: str) -> list[str]:
    method = re.search(r'<section class="method">(.*?)</section>', page, re.S).group(1)
    return re.findall(r"<li><strong>(.*?)\.</strong>", method)


def group_names(data: list) -> set[str]:
    """Every group a chart's marks stand for (their first customdata value)."""
    names = set()
    for trace in data:
        for point in trace.get("customdata") or []:
            names.add(str(point[0] if isinstance(point, list) else point))
    return names


# ----------------------------------------------------------------------------- which charts, which words

# corpus, filters, charts, headings over the charts, documents the masthead names
BRIEFINGS = [
    ("three", Filters(), MAIN + ["themes-by-document", "sentiment-by-document"], ["Compare by document"],
     ["fr-2001", "br-2010", "ke-2020"]),
    ("five", Filters(countries=("France",)),
     MAIN + ["distinctive-words", "themes-by-document", "sentiment-by-document"],
     ["What sets this selection apart", "Compare by document"], ["fr-2001", "fr-1999"]),
    ("five", Filters(themes=("cybercrime",)), MAIN + ["distinctive-words"], ["What sets this selection apart"],
     ["br-2010"]),
    ("five", Filters(documents=("ke-2020",)), MAIN + ["distinctive-words"], ["What sets this selection apart"],
     ["ke-2020"]),
]
BRIEFING_IDS = ["three documents", "one country of five", "a theme found in one of five", "one document of five"]


@pytest.mark.parametrize(("name", "filters", "charts", "parts", "documents"), BRIEFINGS, ids=BRIEFING_IDS)
def test_a_corpus_briefing_has_the_dashboards_charts_and_names_the_documents(
    corpora, name, filters, charts, parts, documents
):
    page = build_briefing(corpora[name], filters, generated_on="1 Dec 2026")
    assert chart_ids(page) == charts
    assert page.count(CHART_DIV) == len(charts)
    assert headings(page) == [*parts, "Evidence", "Method and limits"]
    rows = masthead_rows(page)
    noun = "Document" if len(documents) == 1 else f"{len(documents)} documents"
    assert rows[noun] == "; ".join(LABELS[doc_id] for doc_id in documents)
    if len(documents) > 1:  # one mark per document, named as the sidebar and the reader name it
        figures = chart_figures(page)
        assert figures["theme-map"][1]["title"]["text"].startswith("Where each theme comes up, by document")
        assert figures["sentiment"][1]["title"]["text"].startswith("Sentiment by document")
        assert group_names(figures["sentiment"][0]) == {LABELS[doc_id] for doc_id in documents}
        assert "Several documents" in method_notes(page)
    else:
        assert chart_figures(page)["sentiment"][1]["title"]["text"].startswith("Sentiment per paragraph")
    assert ("Distinctive words" in method_notes(page)) == ("distinctive-words" in charts)


def test_the_corpus_is_the_source_and_the_filters_name_documents_by_label(corpora):
    page = build_briefing(corpora["five"], Filters(documents=("fr-1999",)))
    assert re.search(r'<p class="source">(.*?)</p>', page).group(1) == "5 documents, 1999–2020"
    assert showing_line(page).startswith(f"document: {LABELS['fr-1999']} · ")


def test_the_comparison_groups_as_asked(corpora):
    page = build_briefing(corpora["five"], Filters(), compare="year")
    assert chart_ids(page)[-2:] == ["themes-by-year", "sentiment-by-year"]
    assert "Compare by year" in headings(page)
    years = build_briefing(corpora["many"], Filters(), compare="year")
    assert chart_ids(years)[-2:] == ["themes-by-decade", "sentiment-by-decade"]  # 45 years: by decade
    with pytest.raises(ValueError, match="Unknown grouping “party”"):
        build_briefing(corpora["five"], Filters(), compare="party")


def test_many_documents_are_charted_by_year_and_counted_beyond_the_first_named(corpora):
    page = build_briefing(corpora["many"], Filters())
    figures = chart_figures(page)
    assert figures["theme-map"][1]["title"]["text"].startswith("Where each theme comes up, by year")
    assert group_names(figures["sentiment"][0]) == {str(year) for year in MANY_YEARS}
    named = masthead_rows(page)[f"{len(MANY_YEARS)} documents"]
    assert named.endswith(f" and {len(MANY_YEARS) - NAMED_DOCUMENTS} more")
    assert named.count("; ") == NAMED_DOCUMENTS - 1


# ----------------------------------------------------------------------------- one speech: as before


def test_a_single_speech_briefing_is_unchanged(corpora, seed_analysis):
    page = build_briefing(seed_analysis, Filters(), generated_on="1 Dec 2026")
    assert page == build_briefing(corpora["seed"], Filters(), generated_on="1 Dec 2026")
    assert chart_ids(page) == MAIN
    assert headings(page) == ["Evidence", "Method and limits"]
    assert list(masthead_rows(page)) == ["Showing", "Generated"]
    assert method_notes(page) == SEED_METHOD
    titles = [layout["title"]["text"] for _, layout in chart_figures(page).values()]
    assert titles[1:3] == ["Where each theme comes up along the speech", "Sentiment per paragraph along the speech"]


# ----------------------------------------------------------------------------- evidence


def expected_evidence(corpus: Corpus, filters: Filters, theme: str) -> list[int]:
    """Counted from the match table: most mentions first, ties in the corpus's reading order."""
    analysis = corpus.analysis
    selection = select(analysis, filters, corpus.catalog)
    matches = analysis.matches
    matches = matches[matches["pid"].isin(selection.pids) & (matches["theme"] == theme) & ~matches["repeated"]]
    counts = matches.groupby("pid").size()
    order = {doc_id: i for i, doc_id in enumerate(corpus.catalog.index)}
    paragraphs = analysis.paragraphs
    key = lambda pid: (-counts[pid], order[paragraphs.at[pid, "doc_id"]], paragraphs.at[pid, "position"])  # noqa: E731
    return sorted(counts.index, key=key)[:EVIDENCE_PARAGRAPHS]


@pytest.mark.parametrize(
    ("name", "filters"),
    [("five", Filters()), ("five", Filters(countries=("France",))), ("many", Filters()),
     ("many", Filters(themes=("cybercrime", "terrorism")))],
    ids=["five documents", "one country of five", "45 documents", "two themes across 45"],
)
def test_evidence_is_the_strongest_paragraphs_labelled_by_document_and_stays_short(corpora, name, filters):
    corpus = corpora[name]
    page = build_briefing(corpus, filters)
    sections = evidence_sections(page)
    assert sections and len(sections) <= max(EVIDENCE_THEMES, len(filters.themes))
    for theme, quoted in sections.items():
        assert [pid for pid, _ in quoted] == expected_evidence(corpus, filters, theme), theme
    labels = re.findall(r'<p class="label"><strong>(.*?)</strong>', page)
    assert 0 < len(labels) <= EVIDENCE_PARAGRAPHS * len(sections)
    pids = [pid for quoted in sections.values() for pid, _ in quoted]
    for label, pid in zip(labels, pids, strict=True):
        doc_id = corpus.analysis.paragraphs.at[pid, "doc_id"]
        assert html.unescape(label).startswith(f"{corpus.document_labels[doc_id]} · ¶"), label


# ----------------------------------------------------------------------------- escaping

HOSTILE_SPEAKER = '<img src=x onerror=alert("speaker")>'
HOSTILE_COUNTRY = "<b>Ruritania</b> & co"


def test_document_names_from_metadata_are_escaped():
    documents = [
        parse_document(text, DocumentMeta(f"doc-{i}", f"<i>Title {i}</i>", speaker=HOSTILE_SPEAKER,
                                          country=HOSTILE_COUNTRY, date=f"200{i}-01-01"))
        for i, (_, text) in enumerate(SPEECHES[:2])
    ]
    page = build_briefing(analyze(documents, LEXICON), Filters())
    for raw in (HOSTILE_SPEAKER, "<b>Ruritania", "<i>Title"):
        assert raw not in page, raw
    assert f"{HOSTILE_COUNTRY} · 2000 · {HOSTILE_SPEAKER}" in visible_text(page)


# ----------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def speech_folder(tmp_path_factory):
    """The first four speeches of the catalogue tests as a folder of .txt and .toml files."""
    folder = tmp_path_factory.mktemp("corpus-speeches")
    for meta, text in SPEECHES[:4]:
        (folder / f"{meta.doc_id}.txt").write_text(text, encoding="utf-8")
        fields = {"doc_id": meta.doc_id, "title": meta.title, "speaker": meta.speaker, "country": meta.country,
                  "date": meta.date, "source_type": "speech", "text_file": f"{meta.doc_id}.txt"}
        (folder / f"{meta.doc_id}.toml").write_text(
            "".join(f"{key} = {json.dumps(value)}\n" for key, value in fields.items() if value), encoding="utf-8",
        )
    return folder


def test_cli_briefs_a_corpus_view_from_a_link_with_its_grouping(speech_folder, tmp_path):
    out = tmp_path / "b.html"
    result = brief("--out", str(out), "--link", "http://127.0.0.1:8501/?country=France&compare=year",
                   env={"SPEECHLENS_DATA_DIR": str(speech_folder)})
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert chart_ids(page) == MAIN + ["distinctive-words", "themes-by-year", "sentiment-by-year"]
    assert showing_line(page).startswith("country: France · ")
    assert 'href="http://127.0.0.1:8501/?country=France&amp;compare=year"' in page


def test_cli_compare_flag_overrides_the_link(speech_folder, tmp_path):
    out = tmp_path / "b.html"
    result = brief("--out", str(out), "--link", "?compare=year", "--compare", "country",
                   env={"SPEECHLENS_DATA_DIR": str(speech_folder)})
    assert result.returncode == 0, result.stderr
    assert chart_ids(out.read_text(encoding="utf-8"))[-2:] == ["themes-by-country", "sentiment-by-country"]
    refused = brief("--out", str(out.with_name("c.html")), "--compare", "party",
                    env={"SPEECHLENS_DATA_DIR": str(speech_folder)})
    assert refused.returncode == 2 and "party" in refused.stderr
    assert not out.with_name("c.html").exists()


@pytest.mark.parametrize(
    ("flags", "link", "showing"),
    [
        (["--country", "France"], "?country=France", "country: France"),
        (["--doc", "br-2010", "--doc", "ke-2020"], "?doc=br-2010&doc=ke-2020", "document: Brazil · 2010"),
        (["--speaker", "Jeanne Martin"], "?speaker=Jeanne+Martin", "speaker: Jeanne Martin"),
        (["--year", "2005", "2020"], "?year=2005&year=2020", "years 2005–2020"),
    ],
    ids=["country", "documents", "speaker", "years"],
)
def test_cli_corpus_flags_brief_the_same_view_as_the_link(speech_folder, tmp_path, flags, link, showing):
    env = {"SPEECHLENS_DATA_DIR": str(speech_folder)}
    by_flags, by_link = tmp_path / "flags.html", tmp_path / "link.html"
    assert brief("--out", str(by_flags), *flags, env=env).returncode == 0
    assert brief("--out", str(by_link), "--link", link, env=env).returncode == 0
    flagged, linked = by_flags.read_text(encoding="utf-8"), by_link.read_text(encoding="utf-8")
    assert showing_line(flagged) == showing_line(linked)
    assert showing_line(flagged).startswith(showing), showing_line(flagged)
    assert chart_ids(flagged) == chart_ids(linked)


def test_cli_refuses_an_unknown_country_and_writes_nothing(speech_folder, tmp_path):
    out = tmp_path / "b.html"
    refused = brief("--out", str(out), "--country", "Atlantis", env={"SPEECHLENS_DATA_DIR": str(speech_folder)})
    assert refused.returncode == 2 and "Atlantis" in refused.stderr
    assert not out.exists()
