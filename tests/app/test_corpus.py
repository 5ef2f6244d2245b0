"""The dashboard on a corpus of several speeches (Streamlit's AppTest): corpus filters, links, reset, uploads.

Each test points SPEECHLENS_DATA_DIR at a store built here from small
speeches of our own (tests/unit/test_catalog.py): France (2001, and 1999 known
only by its year), Brazil (2010) and Kenya (2020); one speaker gave both
French speeches.
"""

from __future__ import annotations

import json
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from speechlens.catalog import build_catalog
from speechlens.corpus import load_default_lexicon, load_documents, metadata_files
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.store import Store
from tests.app.test_dashboard import button, run_app, share_link, shown_and_total
from tests.conftest import DATA_DIR
from tests.unit.test_catalog import EXTRAS, SPEECHES, expected_matches

LEXICON = load_default_lexicon(DATA_DIR)
CORPUS = SPEECHES[:4]  # four speeches with a country, a speaker and a year each
METAS = [meta for meta, _ in CORPUS]
LABELS = build_catalog(METAS, EXTRAS)["label"].to_dict()
YEARS = (1999, 2020)
CORPUS_KEYS = ("doc", "country", "speaker")


def body_paragraphs(doc_ids) -> int:
    """How many paragraphs of these speeches the dashboard counts (body paragraphs)."""
    total = 0
    for meta, text in CORPUS:
        if meta.doc_id in doc_ids:
            total += sum(p.kind == "body" and not p.is_full_duplicate for p in parse_document(text, meta).paragraphs)
    return total


def expected_shown(**filters) -> int:
    return body_paragraphs(set(expected_matches(**filters)))


TOTAL = body_paragraphs({meta.doc_id for meta in METAS})


def make_store(path, speeches, extra=None) -> Store:
    store = Store(path)
    report = store.add([parse_document(text, meta) for meta, text in speeches], LEXICON, extra=extra)
    assert len(report.added) == len(speeches), report
    return store


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("corpus") / "store", CORPUS, EXTRAS).path


@pytest.fixture()
def corpus_app(corpus_store, monkeypatch):
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(corpus_store))
    return corpus_store


def link_query(at) -> dict[str, list[str]]:
    return parse_qs(urlsplit(share_link(at)).query)


def notices(at) -> str:
    return " ".join(w.value.replace("\\", "") for w in at.warning)


def sidebar_headers(at) -> list[str]:
    return [h.value for h in at.sidebar.header]


# ----------------------------------------------------------------------------- the corpus filters


def test_the_corpus_filters_offer_the_corpus(corpus_app):
    at = run_app()
    assert not at.exception
    assert "Corpus" in sidebar_headers(at)
    documents = at.multiselect(key="doc").options
    assert len(documents) == len(METAS)
    for option, meta in zip(documents, METAS, strict=True):  # one option per speech, in corpus order
        assert option in (meta.doc_id, LABELS[meta.doc_id]), option
    assert sorted(at.multiselect(key="country").options) == sorted({m.country for m in METAS})
    assert sorted(at.multiselect(key="speaker").options) == sorted({m.speaker for m in METAS})
    year = at.slider(key="year")
    assert (year.min, year.max) == YEARS and year.value == YEARS
    assert shown_and_total(at) == (TOTAL, TOTAL)
    assert not at.warning


def set_widget(at, key, value):
    if key == "year":
        at.slider(key="year").set_range(*value)
    else:
        for item in value:
            at.multiselect(key=key).select(item)
    return at.run()


# (widget key, value given to the widget, the same in a link, the filters it means)
FILTER_CASES = [
    pytest.param("country", ["France"], {"country": ["France"]}, {"countries": ("France",)}, id="country"),
    pytest.param("country", ["Brazil", "Kenya"], {"country": ["Brazil", "Kenya"]}, {"countries": ("Brazil", "Kenya")},
                 id="two-countries"),
    pytest.param("speaker", ["Jeanne Martin"], {"speaker": ["Jeanne Martin"]}, {"speakers": ("Jeanne Martin",)},
                 id="speaker"),
    pytest.param("year", (2000, 2020), {"year": ["2000", "2020"]}, {"years": (2000, 2020)}, id="years"),
    pytest.param("year", (1999, 2005), {"year": ["1999", "2005"]}, {"years": (1999, 2005)}, id="years-from-extra"),
    pytest.param("doc", ["br-2010"], {"doc": ["br-2010"]}, {"documents": ("br-2010",)}, id="document"),
    pytest.param("doc", ["ke-2020", "fr-1999"], {"doc": ["ke-2020", "fr-1999"]},
                 {"documents": ("ke-2020", "fr-1999")}, id="two-documents"),
]


@pytest.mark.parametrize(("key", "value", "query", "filters"), FILTER_CASES)
def test_a_corpus_filter_narrows_the_view_and_its_link_restores_it(corpus_app, key, value, query, filters):
    by_widget = set_widget(run_app(), key, value)
    assert not by_widget.exception
    expected = expected_shown(**filters)
    assert 0 < expected < TOTAL
    assert shown_and_total(by_widget) == (expected, TOTAL)
    assert link_query(by_widget)[key] == [str(v) for v in value]

    by_link = run_app(query)
    assert not by_link.exception
    assert not by_link.warning
    assert shown_and_total(by_link) == (expected, TOTAL)
    widget = by_link.slider(key=key) if key == "year" else by_link.multiselect(key=key)
    assert widget.value == (tuple(value) if key == "year" else list(value))
    assert share_link(by_link) == share_link(by_widget)


def test_the_header_says_which_corpus_filters_are_on(corpus_app):
    at = run_app({"country": ["Kenya"], "year": ["2001", "2020"]})
    showing = next(m.value for m in at.markdown if m.value.startswith("**Showing:**")).replace("\\", "")
    assert "country: Kenya" in showing and "years 2001–2020" in showing


def test_a_document_filter_is_named_in_the_header_by_country_year_and_speaker(corpus_app):
    at = set_widget(run_app(), "doc", ["br-2010"])
    meta = next(m for m in METAS if m.doc_id == "br-2010")
    showing = next(m.value for m in at.markdown if m.value.startswith("**Showing:**")).replace("\\", "")
    assert f"document: {meta.country} · 2010 · {meta.speaker}" in showing


def test_corpus_filters_combine_with_each_other_and_with_themes(corpus_app):
    at = run_app({"country": ["France"], "year": ["2000", "2020"]})
    assert shown_and_total(at) == (expected_shown(countries=("France",), years=(2000, 2020)), TOTAL)
    france = shown_and_total(run_app({"country": ["France"]}))[0]
    assert shown_and_total(at)[0] < france
    themed = run_app({"country": ["France"], "theme": ["organized-crime"]})
    assert 0 < shown_and_total(themed)[0] < france


def test_filters_that_match_nothing_say_so(corpus_app):
    at = run_app({"country": ["Brazil"], "speaker": ["Jeanne Martin"]})
    assert not at.exception
    assert shown_and_total(at) == (0, TOTAL)
    assert any("No paragraphs match" in info.value for info in at.info)


# ----------------------------------------------------------------------------- bad links


@pytest.mark.parametrize(
    ("query", "mentioned", "kept"),
    [
        ({"country": ["Atlantis"]}, "Atlantis", {}),
        ({"doc": ["no-such-speech"]}, "no-such-speech", {}),
        ({"speaker": ["Nobody Known"]}, "Nobody Known", {}),
        ({"country": ["France", "Atlantis"]}, "Atlantis", {"countries": ("France",)}),
        ({"country": ["<script>alert(1)</script>"]}, "country", {}),
    ],
    ids=["country", "document", "speaker", "one-of-two", "script"],
)
def test_an_unknown_name_in_a_link_gives_a_notice_and_the_rest_of_the_view(corpus_app, query, mentioned, kept):
    at = run_app(query)
    assert not at.exception
    assert mentioned in notices(at)
    assert shown_and_total(at) == (expected_shown(**kept) if kept else TOTAL, TOTAL)
    assert "<script>" not in " ".join(w.value for w in at.warning)


@pytest.mark.parametrize(
    "years",
    [
        pytest.param(["1800", "1900"], id="before-the-corpus"),
        pytest.param(["1998", "2005"], id="starts-too-early"),
        pytest.param(["abc", "2000"], id="not-a-number"),
        pytest.param(["2005"], id="one-year"),
        pytest.param(["2000", "2005", "2010"], id="three-years"),
        pytest.param(["2020", "1999"], id="reversed"),
        pytest.param(["2000.0", "2010"], id="float"),
    ],
)
def test_a_bad_year_range_gives_a_notice_and_the_whole_span(corpus_app, years):
    at = run_app({"year": years})
    assert not at.exception
    assert "year range" in notices(at)
    assert shown_and_total(at) == (TOTAL, TOTAL)
    assert "year=" not in share_link(at)


def test_a_year_range_covering_everything_is_no_filter_and_no_notice(corpus_app):
    at = run_app({"year": [str(YEARS[0]), str(YEARS[1])]})
    assert not at.warning
    assert shown_and_total(at) == (TOTAL, TOTAL)
    assert "year=" not in share_link(at)


# ----------------------------------------------------------------------------- reset and the share link


def test_reset_clears_the_corpus_filters(corpus_app):
    at = run_app({"country": ["France"], "speaker": ["Jeanne Martin"], "year": ["2000", "2020"]})
    at = set_widget(at, "doc", ["fr-2001"])
    assert shown_and_total(at)[0] < TOTAL
    button(at, "Reset filters").click().run()
    assert not at.exception
    assert shown_and_total(at) == (TOTAL, TOTAL)
    for key in CORPUS_KEYS:
        assert at.multiselect(key=key).value == [], key
    assert at.slider(key="year").value == YEARS
    query = link_query(at)
    assert not set(query) & {"doc", "country", "speaker", "year"}, query


def test_the_share_link_carries_every_corpus_filter(corpus_app):
    at = run_app()
    for key, value in (("doc", ["fr-2001", "fr-1999"]), ("country", ["France"]), ("speaker", ["Jeanne Martin"]),
                       ("year", (2000, 2020))):
        at = set_widget(at, key, value)
    assert not at.exception
    assert shown_and_total(at) == (expected_shown(documents=("fr-2001", "fr-1999"), countries=("France",),
                                                  speakers=("Jeanne Martin",), years=(2000, 2020)), TOTAL)
    query = link_query(at)
    assert query["doc"] == ["fr-2001", "fr-1999"]
    assert query["country"] == ["France"]
    assert query["speaker"] == ["Jeanne Martin"]
    assert query["year"] == ["2000", "2020"]
    assert query["fp"]


def test_a_shared_link_without_documents_reopens_the_same_view(corpus_app):
    at = run_app()
    for key, value in (("country", ["France", "Kenya"]), ("speaker", ["Jeanne Martin"]), ("year", (1999, 2010))):
        at = set_widget(at, key, value)
    reopened = run_app({k: v for k, v in link_query(at).items()})
    assert not reopened.warning
    assert shown_and_total(reopened) == shown_and_total(at)
    assert share_link(reopened) == share_link(at)


# ----------------------------------------------------------------------------- one document, no document


def test_with_one_document_there_are_no_corpus_filters(tmp_path, monkeypatch):
    make_store(tmp_path / "store", CORPUS[1:2])
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(tmp_path / "store"))
    at = run_app()
    assert not at.exception
    assert "Corpus" not in sidebar_headers(at)
    keys = {ms.key for ms in at.multiselect} | {s.key for s in at.slider}
    assert not keys & {"doc", "country", "speaker", "year"}, keys
    assert at.title[0].value == CORPUS[1][0].title
    assert shown_and_total(at) == (body_paragraphs({CORPUS[1][0].doc_id}), body_paragraphs({CORPUS[1][0].doc_id}))


def test_the_seed_store_alone_has_no_corpus_filters(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(tmp_path / "new-store"))
    at = run_app()
    assert not at.exception
    assert "Corpus" not in sidebar_headers(at)
    assert not {ms.key for ms in at.multiselect} & set(CORPUS_KEYS)
    seed = load_documents(DATA_DIR)[0]
    assert at.title[0].value == seed.meta.title
    assert [stored.doc_id for stored in Store(tmp_path / "new-store").list()] == [seed.meta.doc_id]


def test_a_store_whose_speeches_were_all_removed_opens_empty(tmp_path, monkeypatch):
    store = make_store(tmp_path / "store", CORPUS[:2])
    store.remove([meta.doc_id for meta, _ in CORPUS[:2]])
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(store.path))
    at = run_app()
    assert not at.exception
    assert shown_and_total(at) == (0, 0)
    assert len(store) == 0  # not seeded again


def test_a_speech_added_to_the_store_appears_on_the_next_run(tmp_path, monkeypatch):
    store = make_store(tmp_path / "store", CORPUS[:2])
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(store.path))
    at = run_app()
    before = shown_and_total(at)
    assert "Kenya" not in at.multiselect(key="country").options
    meta, text = CORPUS[2]
    store.add([parse_document(text, meta)], LEXICON)
    at.run()
    assert not at.exception
    assert "Kenya" in at.multiselect(key="country").options
    added = body_paragraphs({meta.doc_id})
    assert shown_and_total(at) == (before[0] + added, before[1] + added)


# ----------------------------------------------------------------------------- adding speeches


def test_add_speeches_opens_the_upload_form(corpus_app):
    at = run_app()
    add = button(at, "Add speeches")
    assert not add.disabled
    add.click().run()
    assert not at.exception
    uploader = next(f for f in at.get("file_uploader") if f.label == "Speech files")
    assert uploader.accept_multiple_files
    assert {"txt", "md", "html", "docx", "pdf"} <= set(t.lstrip(".") for t in uploader.allowed_type)
    labels = {t.label for t in at.text_input}
    assert {"Title", "Speaker", "Country or organisation", "Event"} <= labels
    assert any(b.label == "Add to the corpus" for b in at.button)


def test_a_read_only_folder_of_speeches_cannot_take_uploads(tmp_path, monkeypatch):
    folder = tmp_path / "speeches"
    folder.mkdir()
    for path in [*metadata_files(DATA_DIR), *DATA_DIR.glob("*.txt")]:
        shutil.copy(path, folder / path.name)
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(folder))
    at = run_app()
    assert not at.exception
    assert button(at, "Add speeches").disabled
    assert shown_and_total(at)[1] > 0


# ----------------------------------------------------------------------------- hostile metadata


HOSTILE_SPEECHES = (
    (DocumentMeta("h1", "<script>alert(1)</script>", speaker="<img src=x onerror=alert(1)>",
                  country="<b>Bold</b>land", date="2001-01-01", event="[click](javascript:alert(1))"),
     "Terrorism threatens us all.\n\nCooperation is the answer.\n"),
    (DocumentMeta("h2", "<img src=x onerror=alert(2)>", speaker="<script>alert(2)</script>", country="Norway",
                  date="2005-01-01", post="<script>alert(3)</script>"),
     "Cybercrime grows every year.\n\nWe invest in training.\n"),
)
RAW = ("<script", "<img", "<b>", "](javascript")


def displayed_texts(at) -> list[str]:
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("warning", "info", "error", "success"):
        texts += [e.value for e in at.get(kind)]
    return texts


@pytest.mark.parametrize(
    ("speeches", "query"),
    [
        (HOSTILE_SPEECHES, {}),
        (HOSTILE_SPEECHES, {"speaker": ["<script>alert(2)</script>"], "country": ["<b>Bold</b>land", "Norway"]}),
        (HOSTILE_SPEECHES, {"speaker": ["<img src=x onerror=alert(1)>"]}),
        (HOSTILE_SPEECHES, {"country": ["<img src=y onerror=alert(9)>"]}),  # unknown: quoted in the notice
        (HOSTILE_SPEECHES[:1], {}),  # one document: its speaker and event are in the header
        (HOSTILE_SPEECHES[1:], {}),
    ],
    ids=["corpus", "filtered", "img-speaker", "unknown-country", "one-document", "one-document-post"],
)
def test_hostile_metadata_is_shown_as_text(tmp_path, monkeypatch, speeches, query):
    store = make_store(tmp_path / "store", speeches)
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(store.path))
    at = run_app(query)
    assert not at.exception
    texts = displayed_texts(at)
    for text in texts:
        assert not any(raw in text for raw in RAW), text
    shown = " ".join(texts)
    assert "&lt;script&gt;" in shown or "&lt;img" in shown  # the metadata is displayed, escaped


# ----------------------------------------------------------------------------- the corpus charts


def chart_titles(at) -> list[str]:
    from tests.app.test_dashboard import figures

    return list(figures(at))


def test_several_documents_are_charted_one_row_per_document(corpus_app):
    at = run_app()
    titles = chart_titles(at)
    assert "Where each theme comes up, by document: mentions per 1,000 words" in titles
    assert "Sentiment by document: mean polarity of the paragraphs" in titles
    assert not any(title.startswith("Sentiment per paragraph") for title in titles)
    from tests.app.test_dashboard import figures

    sentiment = figures(at)["Sentiment by document: mean polarity of the paragraphs"]
    rows = {str(point[0]) for trace in sentiment.data for point in trace.customdata}
    assert rows == set(LABELS.values())  # every document, by the label the sidebar and reader use


def test_one_document_of_the_corpus_is_charted_paragraph_by_paragraph(corpus_app):
    at = run_app({"doc": [METAS[0].doc_id]})
    titles = chart_titles(at)
    assert any(title.startswith("Sentiment per paragraph") for title in titles)
    assert not any("by document" in title for title in titles)
    assert any("choose two or more to compare" in c.value for c in at.caption)


def test_distinctive_words_appear_once_the_view_is_narrower_than_the_corpus(corpus_app):
    whole = run_app()
    assert "Words that set this selection apart from the rest of the corpus" not in chart_titles(whole)
    assert any("Narrow the view" in c.value for c in whole.caption)
    narrowed = run_app({"country": ["Kenya"]})
    assert "Words that set this selection apart from the rest of the corpus" in chart_titles(narrowed)


@pytest.mark.parametrize("by", ["document", "speaker", "country", "year"])
def test_compare_groups_the_paragraphs_as_asked_and_the_link_keeps_it(corpus_app, by):
    at = run_app({"compare": by})
    assert not at.exception and not at.warning
    titles = chart_titles(at)
    assert f"Themes by {by}: mentions per 1,000 words" in titles
    assert any(title.startswith(f"Sentiment by {by}:") for title in titles)
    assert (f"compare={by}" in share_link(at)) == (by != "document")


def test_many_documents_are_compared_by_year_and_the_view_says_so(tmp_path, monkeypatch):
    """Beyond 40 documents, "by document" would show the eight longest and fold the rest away."""
    speeches = [
        (DocumentMeta(doc_id=f"s{year}", title=f"Speech {year}", country="Utopia", date=f"{year}-09-20"),
         f"In {year} we spoke of organized crime and of cooperation between police forces.\n\n"
         f"Cybercrime grew that year, and so did our joint operations.")
        for year in range(1990, 2035)  # 45 documents, one a year
    ]
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(make_store(tmp_path / "store", speeches).path))
    at = run_app()
    assert not at.exception
    assert "Themes by decade: mentions per 1,000 words" in chart_titles(at)
    assert any("More than 40 documents: compared by decade, not one by one." in c.value for c in at.caption)
    assert "compare=" not in share_link(at)  # still the default: a colleague's link opens the same view


# ----------------------------------------------------------------------------- a corpus too large to list


@pytest.fixture()
def too_many_to_list(corpus_app, monkeypatch):
    """The four-speech corpus, with the Documents filter listing at most two documents."""
    import speechlens.catalog

    monkeypatch.setattr(speechlens.catalog, "MOST_LISTED_DOCUMENTS", 2)
    return corpus_app


def test_a_large_corpus_lists_no_documents_until_the_other_filters_narrow_it(too_many_to_list):
    at = run_app()
    documents = at.multiselect(key="doc")
    assert documents.options == []
    assert documents.placeholder == "All 4 · type an id"
    at = set_widget(at, "country", ["France"])
    documents = at.multiselect(key="doc")
    assert documents.options == ["fr-2001", "fr-1999"]
    assert documents.placeholder == "All 2 matching"
    assert shown_and_total(at) == (expected_shown(countries=["France"]), TOTAL)


def test_a_typed_document_id_filters_the_view_and_goes_into_the_link(too_many_to_list):
    at = run_app()
    at.multiselect(key="doc").set_value(["br-2010"])
    at.run()
    assert not at.exception and not at.warning
    assert shown_and_total(at) == (expected_shown(documents=["br-2010"]), TOTAL)
    assert link_query(at)["doc"] == ["br-2010"]
    # Narrowing to another country keeps the typed choice listed, and the view follows both filters.
    at = set_widget(at, "country", ["France"])
    assert at.multiselect(key="doc").options == ["fr-2001", "fr-1999", "br-2010"]
    assert at.multiselect(key="doc").value == ["br-2010"]


def test_an_unknown_typed_id_is_named_and_changes_nothing(too_many_to_list):
    at = run_app()
    at.multiselect(key="doc").set_value(["<b>no-such-speech</b>"])
    at.run()
    assert not at.exception
    # Named as text: the markup is escaped, never rendered.
    assert "Not a document of this corpus, so left out: &lt;b&gt;no-such-speech&lt;/b&gt;" in notices(at)
    assert "<b>" not in notices(at)
    assert shown_and_total(at) == (TOTAL, TOTAL)


def test_a_link_to_one_document_of_a_large_corpus_opens_it(too_many_to_list):
    at = run_app({"doc": ["ke-2020"]})
    assert not at.exception and not at.warning
    assert at.multiselect(key="doc").value == ["ke-2020"]
    assert shown_and_total(at) == (expected_shown(documents=["ke-2020"]), TOTAL)


# ----------------------------------------------------------------------------- the opening view kept for the next start


@pytest.fixture()
def kept_opening_view(tmp_path, monkeypatch):
    """A store large enough (made so) to have an open cache, its opening view kept with a marked title."""
    import speechlens.store
    from speechlens import opening_view
    from speechlens.corpus import open_corpus
    from speechlens.filters import Filters, select
    from speechlens.view_charts import build_chart

    monkeypatch.setattr(speechlens.store, "OPEN_CACHE_MIN_PARAGRAPHS", 0)
    path = make_store(tmp_path / "store", CORPUS, EXTRAS).path
    assert Store(path).keep_open_cache(LEXICON)
    corpus = open_corpus(path)
    figure = build_chart("themes", corpus, select(corpus.analysis, Filters(), corpus.catalog), "mentions")
    figure.update_layout(title_text="Kept by the last server")
    assert opening_view.keep(corpus.store.open_cache_folder, {("themes", "mentions"): figure})
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(path))
    # Charts are cached by data fingerprint: earlier tests drew this same corpus's, unmarked.
    from components.views import _cached_figure

    _cached_figure.clear()
    return path


def chart_titles(at) -> list[str]:
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]


def test_the_opening_view_draws_the_charts_the_last_server_kept_and_only_it(kept_opening_view):
    at = run_app()
    assert not at.exception
    assert chart_titles(at)[0] == "Kept by the last server"
    at = set_widget(at, "country", ["France"])
    assert chart_titles(at)[0] != "Kept by the last server"  # a filtered view is drawn afresh


def test_the_server_keeps_the_opening_view_it_drew(kept_opening_view):
    from components.data import current_corpus
    from components.views import keep_opening_view, warm_default_view
    from speechlens import opening_view

    folder = current_corpus().store.open_cache_folder
    opening_view.path_in(folder).unlink()
    corpus = current_corpus()
    drawn = warm_default_view(corpus)
    assert keep_opening_view(corpus, drawn) is True
    assert set(opening_view.kept(folder)) == set(drawn)
