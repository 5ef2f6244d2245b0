"""Which charts a view gets and how each is built: the same for the dashboard and the briefing."""

from __future__ import annotations

import pytest

from speechlens import view_charts
from speechlens.analysis import analyze
from speechlens.catalog import build_catalog
from speechlens.corpus import Corpus, load_default_lexicon
from speechlens.filters import Filters, select
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.view_charts import build_chart, comparison_by, comparison_note, view_charts as charts_of
from tests.conftest import DATA_DIR
from tests.unit.test_catalog import EXTRAS, METAS, speech_documents

MAIN = ("themes", "theme-map", "sentiment", "words")
DISTINCTIVE = ("distinctive-words",)
BY_DOCUMENT = ("themes-by-document", "sentiment-by-document")
BY_DECADE = ("themes-by-decade", "sentiment-by-decade")  # the default comparison beyond 40 documents
MANY_YEARS = range(1980, 2025)  # 45 documents, one a year: more than a chart shows one by one


def many_documents() -> list:
    """One short speech a year; every other one on cybercrime, the others on terrorism."""
    documents = []
    for year in MANY_YEARS:
        topic = "Cybercrime and ransomware threaten us." if year % 2 else "Terrorism and extremism threaten us."
        text = f"{topic}\n\nWe welcome cooperation with every partner in {year}.\n"
        meta = DocumentMeta(f"un-{year}", f"Statement {year}", speaker=f"Speaker {year}", country="Utopia",
                            date=f"{year}-09-20")
        documents.append(parse_document(text, meta))
    return documents


@pytest.fixture(scope="module")
def corpora(seed_analysis) -> dict[str, Corpus]:
    lexicon = load_default_lexicon(DATA_DIR)
    many = analyze(many_documents(), lexicon)
    return {
        "seed": Corpus.of(seed_analysis),
        "five": Corpus.of(analyze(speech_documents(), lexicon), build_catalog(METAS, EXTRAS)),
        "many": Corpus.of(many),
    }


# corpus, filters, how the along-the-text charts draw it, the charts in the order shown
VIEWS = [
    ("seed", Filters(), "paragraph", MAIN),
    ("seed", Filters(themes=("cybercrime",)), "paragraph", MAIN),  # one speech: no rest to set it apart from
    ("five", Filters(), "document", MAIN + BY_DOCUMENT),
    ("five", Filters(countries=("France",)), "document", MAIN + DISTINCTIVE + BY_DOCUMENT),
    ("five", Filters(keyword="cooperation"), "document", MAIN + DISTINCTIVE + BY_DOCUMENT),
    ("five", Filters(documents=("br-2010",)), "paragraph", MAIN + DISTINCTIVE),
    ("many", Filters(), "year", MAIN + BY_DECADE),
    ("many", Filters(themes=("cybercrime",)), "document", MAIN + DISTINCTIVE + BY_DOCUMENT),  # 22 of them
]
VIEW_IDS = ["one speech", "one speech, one theme", "five documents", "one country of five", "a search across five",
            "one document of five", "45 documents", "one theme across 45"]
MAP_TITLES = {
    "paragraph": "Where each theme comes up along the speech",
    "document": "Where each theme comes up, by document: mentions per 1,000 words",
    "year": "Where each theme comes up, by year: mentions per 1,000 words",
}
SENTIMENT_TITLES = {
    "paragraph": "Sentiment per paragraph along the speech",
    "document": "Sentiment by document: mean polarity of the paragraphs",
    "year": "Sentiment by year: mean polarity of the paragraphs",
}


def view(corpora, name, filters):
    corpus = corpora[name]
    return corpus, select(corpus.analysis, filters, corpus.catalog)


def titles(charts) -> dict[str, str]:
    return {chart.name: chart.figure.layout.title.text for chart in charts}


@pytest.mark.parametrize(("name", "filters", "level", "expected"), VIEWS, ids=VIEW_IDS)
def test_a_view_gets_the_charts_its_selection_calls_for(corpora, name, filters, level, expected):
    corpus, selection = view(corpora, name, filters)
    charts = charts_of(corpus, selection)
    assert tuple(chart.name for chart in charts) == expected
    assert view_charts.level(corpus, selection) == level
    assert titles(charts)["theme-map"] == MAP_TITLES[level]
    assert titles(charts)["sentiment"] == SENTIMENT_TITLES[level]


@pytest.mark.parametrize(("name", "filters", "level", "expected"), VIEWS, ids=VIEW_IDS)
def test_the_dashboard_builds_the_very_same_figures(corpora, name, filters, level, expected):
    """build_chart (what the dashboard caches) and view_charts (what the briefing draws) agree."""
    corpus, selection = view(corpora, name, filters)
    charts = {chart.name: chart.figure for chart in charts_of(corpus, selection, measure="rate")}
    options = {"themes": "rate", "theme-map": level, "sentiment": level, "words": "", "distinctive-words": ""}
    for chart, option in options.items():
        if chart in charts:
            assert build_chart(chart, corpus, selection, option).to_json() == charts[chart].to_json(), chart
    if "themes-by-document" in charts:
        compared = build_chart("compare", corpus, selection, "document")
        assert compared.profile.to_json() == charts["themes-by-document"].to_json()
        assert compared.spread.to_json() == charts["sentiment-by-document"].to_json()


@pytest.mark.parametrize(
    ("name", "filters", "source"),
    [
        ("seed", Filters(), "Abdellatif Hammouchi"),
        ("five", Filters(), "5 documents, 1999–2020"),
        ("five", Filters(countries=("France",)), "2 documents, 1999–2001"),
        ("five", Filters(documents=("br-2010",)), "Paulo Souza, 3 May 2010"),
        ("many", Filters(), "45 documents, 1980–2024"),
    ],
)
def test_every_chart_names_the_selections_own_source(corpora, name, filters, source):
    corpus, selection = view(corpora, name, filters)
    for chart in charts_of(corpus, selection):
        assert chart.figure.layout.title.subtitle.text.startswith(source), chart.name


@pytest.mark.parametrize(
    ("name", "filters", "asked", "grouping"),
    [
        ("five", Filters(), "year", "year"),
        ("five", Filters(), "country", "country"),
        ("many", Filters(), "year", "decade"),  # 45 years: compared by decade
        ("many", Filters(), "speaker", "speaker"),
        ("five", Filters(), "document", "document"),
        ("many", Filters(), "document", "decade"),  # 45 documents: by year, as the charts above; then decades
    ],
)
def test_the_comparison_groups_as_asked(corpora, name, filters, asked, grouping):
    corpus, selection = view(corpora, name, filters)
    assert comparison_by(corpus, selection, asked) == grouping
    charts = charts_of(corpus, selection, compare=asked)
    assert [c.name for c in charts if c.part] == [f"themes-by-{grouping}", f"sentiment-by-{grouping}"]
    assert {c.part for c in charts if c.part} == {f"Compare by {grouping}"}
    assert titles(charts)[f"themes-by-{grouping}"].startswith(f"Themes by {grouping}")


def test_the_default_comparison_is_by_document(corpora):
    corpus, selection = view(corpora, "five", Filters())
    assert comparison_by(corpus, selection) == "document"
    assert build_chart("compare", corpus, selection).profile.to_json() == \
        build_chart("compare", corpus, selection, "document").profile.to_json()


def test_the_measure_picks_the_frequency_chart(corpora):
    corpus, selection = view(corpora, "five", Filters())
    assert titles(charts_of(corpus, selection, measure="rate"))["themes"] == "Theme frequency: mentions per 1,000 words"


def test_an_empty_selection_has_no_charts(corpora):
    corpus, selection = view(corpora, "five", Filters(keyword="no paragraph says this"))
    assert charts_of(corpus, selection) == []


def test_an_unknown_chart_is_refused(corpora):
    corpus, selection = view(corpora, "seed", Filters())
    with pytest.raises(ValueError, match="Unknown chart “pie”"):
        build_chart("pie", corpus, selection)


def test_a_selection_is_grouped_and_described_once_for_all_its_charts(corpora, monkeypatch):
    """On a whole corpus grouping and describing take a while: every chart of a view shares them."""
    calls = {"keys": 0, "subtitle": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(view_charts, "group_keys", counted("keys", view_charts.group_keys))
    monkeypatch.setattr(view_charts, "chart_subtitle", counted("subtitle", view_charts.chart_subtitle))
    corpus, selection = view(corpora, "five", Filters(countries=("France",)))
    charts_of(corpus, selection)  # theme map, sentiment and comparison all group by document
    build_chart("theme-map", corpus, selection, "document")
    assert calls == {"keys": 1, "subtitle": 1}
    _, again = view(corpora, "five", Filters(countries=("France",)))  # a new selection is described anew
    charts_of(corpus, again)
    assert calls == {"keys": 2, "subtitle": 2}



@pytest.mark.parametrize(
    ("asked", "used", "note"),
    [
        ("document", "document", ""),
        ("country", "country", ""),
        ("document", "decade", "More than 40 documents: compared by decade, not one by one."),
        ("document", "year", "More than 40 documents: compared by year, not one by one."),
        ("year", "decade", "More than 8 years: compared by decade."),
    ],
)
def test_a_comparison_that_groups_otherwise_than_asked_says_why(asked, used, note):
    assert comparison_note(asked, used) == note
