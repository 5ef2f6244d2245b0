"""focus_pids(): a click on a theme bar, a paragraph dot or a cloud word narrows the reader."""

from __future__ import annotations

import re

import pytest

from speechlens.analysis import analyze
from speechlens.catalog import build_catalog
from speechlens.corpus import load_default_lexicon
from speechlens.filters import OPENING_SECTION, Filters, select
from speechlens.focus import Focus, empty_focus_note, focus_pids
from speechlens.grouping import group_keys
from tests.conftest import DATA_DIR
from tests.unit.test_catalog import EXTRAS, METAS, expected_year, speech_documents


def pid_list(values) -> list[int]:
    return [int(v) for v in values]


def counted_theme_pids(analysis, selection, themes) -> list[int]:
    matches = analysis.matches
    hits = matches[matches["theme"].isin(themes) & ~matches["repeated"] & matches["pid"].isin(selection.pids)]
    wanted = set(hits["pid"])
    return [p for p in pid_list(selection.pids) if p in wanted]


def token_pattern(word: str) -> re.Pattern[str]:
    # a whole token: not glued to letters, digits, hyphens or apostrophes ("Interpol's" is another token)
    return re.compile(rf"(?<![\w'’\-]){re.escape(word)}(?![\w'’\-])", re.IGNORECASE)


def counted_text(analysis, pid) -> str:
    """The paragraph's text without its repeated sentences."""
    sentences = analysis.sentences
    mine = sentences[(sentences["pid"] == pid) & ~sentences["repeated"]]
    return " ".join(mine["text"])


FILTER_STATES = [
    Filters(),
    Filters(voice="speaker"),
    Filters(section=OPENING_SECTION),
    Filters(include_posts=True),
    Filters(themes=("cooperation",)),
]


@pytest.mark.parametrize("filters", FILTER_STATES)
@pytest.mark.parametrize("focus", [None, Focus("theme", ()), Focus("word", ()), Focus("paragraph", ())])
def test_no_focus_keeps_the_whole_selection(seed_analysis, filters, focus):
    selection = select(seed_analysis, filters)
    assert pid_list(focus_pids(seed_analysis, selection, focus)) == pid_list(selection.pids)


# ----------------------------------------------------------------------------- theme


@pytest.mark.parametrize("filters", FILTER_STATES)
@pytest.mark.parametrize(
    "themes", [("cooperation",), ("cybercrime",), ("organized-crime", "terrorism"), ("gender", "public-trust")]
)
def test_theme_focus(seed_analysis, filters, themes):
    selection = select(seed_analysis, filters)
    got = pid_list(focus_pids(seed_analysis, selection, Focus("theme", themes)))
    assert got == counted_theme_pids(seed_analysis, selection, themes)
    assert set(got) <= set(pid_list(selection.pids))


def test_theme_focus_finds_something(seed_analysis):
    selection = select(seed_analysis, Filters())
    got = focus_pids(seed_analysis, selection, Focus("theme", ("cooperation",)))
    assert 0 < len(got) < len(selection.pids)


@pytest.mark.parametrize("themes", [("no-such-theme",), ("",)])
def test_unknown_theme_focus_shows_nothing(seed_analysis, themes):
    selection = select(seed_analysis, Filters())
    assert len(focus_pids(seed_analysis, selection, Focus("theme", themes))) == 0


# ----------------------------------------------------------------------------- paragraph


def test_paragraph_focus_keeps_clicked_paragraphs_of_the_selection(seed_analysis):
    selection = select(seed_analysis, Filters())
    shown = pid_list(selection.pids)
    clicked = (str(shown[-1]), str(shown[0]), str(shown[2]))
    assert pid_list(focus_pids(seed_analysis, selection, Focus("paragraph", clicked))) == [shown[0], shown[2], shown[-1]]


def test_paragraph_focus_drops_paragraphs_outside_the_selection(seed_analysis):
    selection = select(seed_analysis, Filters(section=OPENING_SECTION))
    headings = seed_analysis.paragraphs.index[seed_analysis.paragraphs["kind"] == "heading"]
    outside = [p for p in pid_list(seed_analysis.paragraphs.index) if p not in set(pid_list(selection.pids))]
    inside = pid_list(selection.pids)[0]
    values = (str(inside), *(str(p) for p in outside), str(int(headings[0])))
    assert pid_list(focus_pids(seed_analysis, selection, Focus("paragraph", values))) == [inside]


@pytest.mark.parametrize("junk", [("abc",), ("-1",), ("9999",), ("1.5",), ("",)])
def test_paragraph_focus_ignores_junk(seed_analysis, junk):
    selection = select(seed_analysis, Filters())
    assert len(focus_pids(seed_analysis, selection, Focus("paragraph", junk))) == 0


# ----------------------------------------------------------------------------- word


@pytest.mark.parametrize("filters", FILTER_STATES[:3])
@pytest.mark.parametrize("words", [("security",), ("Cybercrime",), ("morocco", "women"), ("framework",), ("nothingness",)])
def test_word_focus(seed_analysis, filters, words):
    selection = select(seed_analysis, filters)
    got = pid_list(focus_pids(seed_analysis, selection, Focus("word", words)))
    expected = [
        p for p in pid_list(selection.pids)
        if any(token_pattern(w).search(counted_text(seed_analysis, p)) for w in words)
    ]
    assert got == expected


def test_word_focus_finds_a_subset(seed_analysis):
    selection = select(seed_analysis, Filters())
    got = focus_pids(seed_analysis, selection, Focus("word", ("morocco",)))
    assert 0 < len(got) < len(selection.pids)


def test_word_focus_with_repeats_counted_finds_the_repeated_sentence(seed_analysis):
    selection = select(seed_analysis, Filters(include_repeats=True))
    got = pid_list(focus_pids(seed_analysis, selection, Focus("word", ("framework",))))
    expected = [p for p in pid_list(selection.pids) if token_pattern("framework").search(seed_analysis.paragraphs.loc[p, "text"])]
    assert len(expected) == 2
    assert got == expected


# ----------------------------------------------------------------------------- describe


def test_describe(seed_analysis):
    labels = seed_analysis.lexicon.labels
    positions = {int(p): int(pos) for p, pos in seed_analysis.paragraphs["position"].items()}
    assert Focus("theme", ("cybercrime", "gender")).describe(labels, positions) == (
        f"mentioning {labels['cybercrime']} or {labels['gender']}"
    )
    assert Focus("word", ("security",)).describe(labels, positions) == "containing “security”"
    assert Focus("paragraph", ("11", "0")).describe(labels, positions) == f"paragraph ¶{positions[0]}, ¶{positions[11]}"


# ----------------------------------------------------------------------------- groups (document, speaker, country, year)


@pytest.fixture(scope="module")
def corpus():
    return analyze(speech_documents(), load_default_lexicon(DATA_DIR))


@pytest.fixture(scope="module")
def corpus_catalog():
    return build_catalog(METAS, EXTRAS)


def group_key(corpus, catalog, doc_id: str, kind: str) -> str:
    """The key a chart hands over when the group of ``doc_id`` is clicked."""
    return str(group_keys(select(corpus, Filters(documents=(doc_id,)), catalog), catalog, kind).iloc[0])


# (kind, documents whose groups are clicked)
GROUP_CLICKS = [
    ("document", ("br-2010",)),
    ("document", ("fr-2001", "ke-2020")),
    ("speaker", ("fr-2001",)),  # Jeanne Martin, who also gave fr-1999
    ("country", ("ke-2020",)),
    ("country", ("br-2010", "fr-1999")),
    ("year", ("fr-1999",)),  # the year comes from the extra metadata
    ("year", ("fr-2001", "ke-2020")),
]


@pytest.mark.parametrize("filters", [Filters(), Filters(themes=("cooperation",)), Filters(countries=("France",))])
@pytest.mark.parametrize(("kind", "clicked"), GROUP_CLICKS, ids=lambda v: v if isinstance(v, str) else "+".join(v))
def test_group_focus_keeps_the_paragraphs_of_the_clicked_groups(corpus, corpus_catalog, filters, kind, clicked):
    keys = tuple(group_key(corpus, corpus_catalog, doc_id, kind) for doc_id in clicked)
    selection = select(corpus, filters, corpus_catalog)
    got = pid_list(focus_pids(corpus, selection, Focus(kind, keys), corpus_catalog))
    doc_ids = selection.paragraphs["doc_id"]
    meta = {m.doc_id: m for m in METAS}
    if kind == "document":
        wanted = set(clicked)
    elif kind == "year":
        wanted = {m.doc_id for m in METAS if expected_year(m) in {expected_year(meta[d]) for d in clicked}}
    else:
        values = {getattr(meta[d], kind) for d in clicked}
        wanted = {m.doc_id for m in METAS if getattr(m, kind) in values}
    assert got == [p for p in pid_list(selection.pids) if doc_ids[p] in wanted]


def test_group_focus_narrows_the_whole_corpus(corpus, corpus_catalog):
    selection = select(corpus, Filters(), corpus_catalog)
    for kind, clicked in GROUP_CLICKS:
        focus = Focus(kind, tuple(group_key(corpus, corpus_catalog, d, kind) for d in clicked))
        assert 0 < len(focus_pids(corpus, selection, focus, corpus_catalog)) < len(selection.pids), focus


def test_a_speaker_focus_spans_the_speakers_documents(corpus, corpus_catalog):
    selection = select(corpus, Filters(), corpus_catalog)
    got = focus_pids(corpus, selection, Focus("speaker", ("Jeanne Martin",)), corpus_catalog)
    assert set(corpus.paragraphs.loc[got, "doc_id"]) == {"fr-2001", "fr-1999"}


@pytest.mark.parametrize(
    "focus", [Focus("country", ("Atlantis",)), Focus("document", ("gone",)), Focus("year", ("1800",))]
)
def test_group_focus_on_an_unknown_group_shows_nothing(corpus, corpus_catalog, focus):
    selection = select(corpus, Filters(), corpus_catalog)
    assert len(focus_pids(corpus, selection, focus, corpus_catalog)) == 0


def test_group_focus_without_a_catalogue_uses_the_documents_metadata(corpus, corpus_catalog):
    selection = select(corpus, Filters(), corpus_catalog)
    focus = Focus("speaker", ("Paulo Souza",))
    got = pid_list(focus_pids(corpus, selection, focus))
    assert got and got == pid_list(focus_pids(corpus, selection, focus, corpus_catalog))


@pytest.mark.parametrize(
    ("focus", "labels", "description"),
    [
        (Focus("document", ("br-2010",)), {"br-2010": "Brazil · 2010 · Paulo Souza"},
         "of Brazil · 2010 · Paulo Souza"),
        (Focus("document", ("Brazil · 2010 · Paulo Souza",)), {"br-2010": "Brazil · 2010 · Paulo Souza"},
         "of Brazil · 2010 · Paulo Souza"),  # a chart's key is already the label
        (Focus("document", ("a", "b")), {"a": "Speech A"}, "of Speech A or b"),
        (Focus("document", ("a",)), None, "of a"),
        (Focus("speaker", ("Jeanne Martin",)), None, "by speaker Jeanne Martin"),
        (Focus("country", ("France", "Kenya")), None, "from France or Kenya"),
        (Focus("year", ("1999",)), {"1999": "not a document"}, "from 1999"),
    ],
)
def test_describe_groups(focus, labels, description):
    assert focus.describe({}, {}, labels) == description


# ----------------------------------------------------------------------------- a clicked word the view does not use


@pytest.fixture(scope="module")
def five():
    return analyze(speech_documents(), load_default_lexicon(DATA_DIR))


@pytest.mark.parametrize(
    ("filters", "focus", "note"),
    [
        pytest.param(Filters(countries=("France",)), Focus("word", ("ransomware",)),
                     "None of the paragraphs shown uses “ransomware”: this selection uses it less than the rest of "
                     "the corpus, where 1 paragraph does. Loosen the filters to read it, or clear the chart selection.",
                     id="used only outside the filters"),
        pytest.param(Filters(countries=("Kenya",)), Focus("word", ("terrorism", "police")),
                     "None of the paragraphs shown uses “terrorism” or “police”: this selection uses them less than "
                     "the rest of the corpus, where 3 paragraphs do. Loosen the filters to read them, or clear the "
                     "chart selection.", id="two words, two paragraphs"),
        pytest.param(Filters(), Focus("word", ("zebra",)), "No paragraph of the corpus uses “zebra”. Clear the chart "
                     "selection.", id="used nowhere"),
        pytest.param(Filters(countries=("Brazil",)), Focus("word", ("ransomware",)), None, id="used in the view"),
        pytest.param(Filters(countries=("France",)), Focus("theme", ("cybercrime",)), None, id="not a word"),
        pytest.param(Filters(countries=("France",)), None, None, id="no click"),
    ],
)
def test_a_clicked_word_that_leads_nowhere_says_where_it_is_used(five, filters, focus, note):
    selection = select(five, filters, build_catalog(METAS, EXTRAS))
    if note is not None and focus.kind == "word":
        assert len(focus_pids(five, selection, focus)) == 0  # what the reader would list
    assert empty_focus_note(five, selection, focus) == note
