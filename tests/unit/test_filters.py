"""select(): which paragraphs a filter state shows, and the theme counts behind every chart."""

from __future__ import annotations

import re

import pytest

from speechlens.analysis import analyze
from speechlens.catalog import build_catalog
from speechlens.corpus import load_default_lexicon
from speechlens.filters import OPENING_SECTION, POLARITY_TOLERANCE, Filters, section_labels, select, theme_frequencies, mention_matrix
from speechlens.model import DocumentMeta
from speechlens.parsing import parse_document
from speechlens.sentiment import format_polarity
from tests.conftest import DATA_DIR, SEED_TEXT
from tests.unit.test_catalog import EXTRAS, METAS, expected_matches, speech_documents

# A short speech: a heading, a paragraph whose first sentence repeats an earlier
# one (and names two themes), and a paragraph repeating the first word for word.
SYNTHETIC = """We open with a word about our partnership and the safety of every citizen here today.

Cybercrime and terrorism threaten every nation in this region today. We will answer together with resolve.

Borders and cooperation

Cybercrime and terrorism threaten every nation in this region today. Our partnership with our neighbours on migration remains strong.

We open with a word about our partnership and the safety of every citizen here today.
"""
REPEATED_SENTENCE = "Cybercrime and terrorism threaten every nation in this region today."
FIRST_PARAGRAPH = "We open with a word about our partnership and the safety of every citizen here today."


@pytest.fixture(scope="module")
def synthetic():
    document = parse_document(SYNTHETIC, DocumentMeta(doc_id="synthetic", title="Synthetic speech"))
    return analyze([document], load_default_lexicon(DATA_DIR))


def pids(selection) -> list[int]:
    return [int(p) for p in selection.pids]


def body_pids(analysis) -> list[int]:
    paragraphs = analysis.paragraphs
    return [int(p) for p in paragraphs.index[(paragraphs["kind"] == "body") & ~paragraphs["full_duplicate"]]]


def counted_matches(analysis, pid_list, include_repeats=False):
    matches = analysis.matches[analysis.matches["pid"].isin(pid_list)]
    return matches if include_repeats else matches[~matches["repeated"]]


def themes_mentioned(analysis, pid) -> set[str]:
    return set(counted_matches(analysis, [pid])["theme"])


# ----------------------------------------------------------------------------- default view


def test_default_shows_every_body_paragraph_of_the_seed(seed_analysis):
    selection = select(seed_analysis, Filters())
    paragraphs = seed_analysis.paragraphs
    shown = paragraphs.loc[selection.pids]
    assert set(shown["kind"]) == {"body"}
    assert pids(selection) == [int(p) for p in paragraphs.index[paragraphs["kind"] == "body"]]
    assert selection.total_paragraphs == len(selection.paragraphs)
    assert not shown["text"].str.contains("@INTERPOL_HQ").any()
    assert not shown["text"].isin(["Cybercrime as a major issue"]).any()


def test_default_hides_headings_and_full_duplicates(synthetic):
    selection = select(synthetic, Filters())
    texts = selection.with_text()["text"].tolist()
    assert "Borders and cooperation" not in texts
    assert texts.count(FIRST_PARAGRAPH) == 1
    assert any(t.startswith(REPEATED_SENTENCE) and t != REPEATED_SENTENCE for t in texts[1:])
    assert len(texts) == 3
    assert selection.total_paragraphs == 3


def test_include_repeats_shows_the_full_duplicate(synthetic):
    selection = select(synthetic, Filters(include_repeats=True))
    texts = selection.with_text()["text"].tolist()
    assert texts.count(FIRST_PARAGRAPH) == 2
    assert "Borders and cooperation" not in texts
    assert selection.total_paragraphs == 4


def test_include_posts_adds_exactly_the_post(seed_analysis):
    plain = set(pids(select(seed_analysis, Filters())))
    with_posts = set(pids(select(seed_analysis, Filters(include_posts=True))))
    added = with_posts - plain
    assert plain <= with_posts
    assert len(added) == 1
    assert "(@INTERPOL_HQ)" in seed_analysis.paragraphs.loc[added.pop(), "text"]
    assert select(seed_analysis, Filters(include_posts=True)).total_paragraphs == len(plain) + 1


# ----------------------------------------------------------------------------- themes


THEME_CASES = [
    ("cybercrime",),
    ("cooperation", "public-trust"),
    ("organized-crime", "terrorism", "borders-migration"),
    ("gender",),
    ("cooperation", "technology"),
    ("sovereignty", "human-rights"),
]


@pytest.mark.parametrize("themes", THEME_CASES, ids="+".join)
def test_theme_any_and_all(seed_analysis, themes):
    any_pids = set(pids(select(seed_analysis, Filters(themes=themes, theme_mode="any"))))
    all_pids = set(pids(select(seed_analysis, Filters(themes=themes, theme_mode="all"))))
    assert all_pids <= any_pids
    base = body_pids(seed_analysis)
    expected_any = {p for p in base if themes_mentioned(seed_analysis, p) & set(themes)}
    expected_all = {p for p in base if set(themes) <= themes_mentioned(seed_analysis, p)}
    assert any_pids == expected_any
    assert all_pids == expected_all


def test_theme_filters_select_something(seed_analysis):
    """The table above is not vacuous: 'any' finds paragraphs, and 'all' is stricter somewhere."""
    stricter = 0
    for themes in THEME_CASES:
        any_count = len(select(seed_analysis, Filters(themes=themes)).paragraphs)
        all_count = len(select(seed_analysis, Filters(themes=themes, theme_mode="all")).paragraphs)
        assert any_count > 0
        stricter += all_count < any_count
    assert stricter > 0


def test_theme_selection_mentions_only_the_selected_paragraphs(seed_analysis):
    selection = select(seed_analysis, Filters(themes=("cybercrime",)))
    assert list(selection.mentions.index) == pids(selection)
    assert (selection.mentions["cybercrime"] > 0).all()


@pytest.mark.parametrize(
    ("themes", "same_as"),
    [
        (("no-such-theme",), ()),
        (("cybercrime", "no-such-theme"), ("cybercrime",)),
        (("Cybercrime",), ()),
    ],
)
@pytest.mark.parametrize("mode", ["any", "all"])
def test_unknown_theme_ids_are_ignored(seed_analysis, themes, same_as, mode):
    got = select(seed_analysis, Filters(themes=themes, theme_mode=mode))
    expected = select(seed_analysis, Filters(themes=same_as, theme_mode=mode))
    assert pids(got) == pids(expected)


# ----------------------------------------------------------------------------- voice


def test_speaker_and_narration_partition_the_body(seed_analysis):
    everything = set(pids(select(seed_analysis, Filters())))
    speaker = set(pids(select(seed_analysis, Filters(voice="speaker"))))
    narration = set(pids(select(seed_analysis, Filters(voice="narration"))))
    assert speaker and narration
    assert speaker | narration == everything
    assert not speaker & narration
    voices = seed_analysis.paragraphs["voice"]
    assert set(voices[list(speaker)]) <= {"direct", "reported"}
    assert set(voices[list(narration)]) == {"narration"}


def test_narration_keeps_the_reporters_opening(seed_analysis):
    first_line = SEED_TEXT.read_text(encoding="utf-8").splitlines()[0].strip()
    narration = select(seed_analysis, Filters(voice="narration")).with_text()["text"].tolist()
    assert first_line in narration


# ----------------------------------------------------------------------------- polarity


@pytest.mark.parametrize(
    "bounds",
    [(-1.0, 0.0), (0.0, 1.0), (-0.1, 0.1), (0.1, 0.3), (-1.0, -0.05), (0.15, 0.2), (0.5, 1.0)],
)
def test_polarity_range(seed_analysis, bounds):
    # The bounds are the slider's two-decimal values; float dust around them counts as inside.
    low, high = bounds[0] - POLARITY_TOLERANCE, bounds[1] + POLARITY_TOLERANCE
    selection = select(seed_analysis, Filters(polarity=bounds))
    polarity = selection.paragraphs["polarity"]
    assert ((polarity >= low) & (polarity <= high)).all()
    everything = seed_analysis.paragraphs.loc[body_pids(seed_analysis), "polarity"]
    expected = [int(p) for p, value in everything.items() if low <= value <= high]
    assert pids(selection) == expected


def test_paragraph_shown_as_zero_is_inside_a_range_starting_at_zero(seed_analysis):
    paragraphs = seed_analysis.paragraphs.loc[body_pids(seed_analysis)]
    shown_zero = [int(p) for p, value in paragraphs["polarity"].items() if format_polarity(value) == "0.00"]
    assert shown_zero
    for bounds in [(0.0, 1.0), (-1.0, 0.0)]:
        selected = set(pids(select(seed_analysis, Filters(polarity=bounds))))
        assert set(shown_zero) <= selected, bounds


# ----------------------------------------------------------------------------- keyword


def texts_containing(analysis, needle: str) -> list[int]:
    body = analysis.paragraphs.loc[body_pids(analysis)]
    return [int(p) for p, text in body["text"].items() if needle.lower() in text.lower()]


@pytest.mark.parametrize(
    "keyword",
    ["interpol", "INTERPOL", "Interpol’s", "(National Security", "(DGSN", "cyber", "[", "*", ".*", "a+b", "\\d"],
)
def test_keyword_is_a_case_insensitive_literal(seed_analysis, keyword):
    selection = select(seed_analysis, Filters(keyword=keyword))
    assert pids(selection) == texts_containing(seed_analysis, keyword)


def test_keyword_finds_paragraphs_in_any_case(seed_analysis):
    lower = pids(select(seed_analysis, Filters(keyword="interpol")))
    upper = pids(select(seed_analysis, Filters(keyword="INTERPOL")))
    assert lower == upper
    assert len(lower) > 1
    assert pids(select(seed_analysis, Filters(keyword="(National Security"))) == texts_containing(
        seed_analysis, "(National Security"
    ) != []


def test_keyword_is_trimmed(seed_analysis):
    assert pids(select(seed_analysis, Filters(keyword="  interpol  "))) == pids(
        select(seed_analysis, Filters(keyword="interpol"))
    )
    assert pids(select(seed_analysis, Filters(keyword="   "))) == pids(select(seed_analysis, Filters()))


# ----------------------------------------------------------------------------- sections


def headings_in_text() -> list[str]:
    lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line in ("Why it became necessary to create an indivisible security architecture",
                                                "Cybercrime as a major issue")]


def test_section_labels_in_reading_order(seed_analysis):
    assert section_labels(seed_analysis) == [OPENING_SECTION, *headings_in_text()]


def test_opening_means_before_the_first_heading(seed_analysis):
    paragraphs = seed_analysis.paragraphs
    first_heading = int(paragraphs.loc[paragraphs["kind"] == "heading", "position"].min())
    selection = select(seed_analysis, Filters(section=OPENING_SECTION))
    positions = selection.paragraphs["position"].tolist()
    assert positions
    assert max(positions) < first_heading
    before = paragraphs[(paragraphs["position"] < first_heading) & (paragraphs["kind"] == "body")]
    assert positions == before["position"].tolist()


def test_section_by_heading(seed_analysis):
    first, second = headings_in_text()
    paragraphs = seed_analysis.paragraphs
    start = int(paragraphs.loc[paragraphs["text"] == first, "position"].iloc[0])
    end = int(paragraphs.loc[paragraphs["text"] == second, "position"].iloc[0])
    selection = select(seed_analysis, Filters(section=first))
    expected = paragraphs[(paragraphs["position"] > start) & (paragraphs["position"] < end) & (paragraphs["kind"] == "body")]
    assert pids(selection) == [int(p) for p in expected.index]


def test_every_section_together_is_everything(seed_analysis):
    everything = pids(select(seed_analysis, Filters()))
    parts = [p for label in section_labels(seed_analysis) for p in pids(select(seed_analysis, Filters(section=label)))]
    assert sorted(parts) == everything


def test_unknown_section_shows_nothing(seed_analysis):
    assert select(seed_analysis, Filters(section="No such section")).is_empty


# ----------------------------------------------------------------------------- repeats


def test_include_repeats_counts_the_repeated_sentence(synthetic):
    plain = theme_frequencies(synthetic, select(synthetic, Filters())).set_index("theme")
    counted = theme_frequencies(synthetic, select(synthetic, Filters(include_repeats=True))).set_index("theme")
    repeating = synthetic.paragraphs.index[synthetic.paragraphs["text"].str.startswith(REPEATED_SENTENCE)][1]
    in_repeated = counted_matches(synthetic, [repeating], include_repeats=True)
    in_repeated = in_repeated[in_repeated["repeated"]]
    assert {"cybercrime", "terrorism"} <= set(in_repeated["theme"])
    for theme in ("cybercrime", "terrorism"):
        assert counted.loc[theme, "mentions"] > plain.loc[theme, "mentions"]
    assert (counted["mentions"] >= plain["mentions"]).all()


def test_include_repeats_lets_a_repeated_mention_select_its_paragraph(synthetic):
    repeating = synthetic.paragraphs.index[synthetic.paragraphs["text"].str.startswith(REPEATED_SENTENCE)][1]
    plain = pids(select(synthetic, Filters(themes=("terrorism",))))
    counted = pids(select(synthetic, Filters(themes=("terrorism",), include_repeats=True)))
    assert repeating not in plain
    assert repeating in counted


def test_include_repeats_counts_every_word(synthetic):
    plain = select(synthetic, Filters())
    counted = select(synthetic, Filters(include_repeats=True))
    words = len(re.findall(r"\w+", REPEATED_SENTENCE))
    first = len(re.findall(r"\w+", FIRST_PARAGRAPH))
    assert counted.words == plain.words + words + first


# ----------------------------------------------------------------------------- frequencies


FREQUENCY_FILTERS = [
    Filters(),
    Filters(themes=("cooperation",)),
    Filters(voice="speaker"),
    Filters(section=OPENING_SECTION),
    Filters(keyword="security", include_posts=True),
    Filters(include_repeats=True),
]


@pytest.mark.parametrize("filters", FREQUENCY_FILTERS)
def test_theme_frequencies(seed_analysis, filters):
    selection = select(seed_analysis, filters)
    table = theme_frequencies(seed_analysis, selection)
    lexicon = seed_analysis.lexicon
    assert sorted(table["theme"]) == sorted(lexicon.ids)
    assert len(table) == len(lexicon.themes)
    order = {t: i for i, t in enumerate(lexicon.ids)}
    keys = [(-m, order[t]) for t, m in zip(table["theme"], table["mentions"], strict=True)]
    assert keys == sorted(keys)

    matches = counted_matches(seed_analysis, pids(selection), filters.include_repeats)
    expected = matches["theme"].value_counts()
    per_paragraph = matches.groupby("theme")["pid"].nunique()
    for _, row in table.iterrows():
        assert row["mentions"] == expected.get(row["theme"], 0)
        assert row["paragraphs"] == per_paragraph.get(row["theme"], 0)
        assert row["paragraphs"] <= row["mentions"]
        assert row["per_1000_words"] == pytest.approx(1000 * row["mentions"] / selection.words)
        assert row["label"] == lexicon.labels[row["theme"]]
        assert row["color"] == lexicon.colors[row["theme"]]


def test_words_of_the_default_selection(seed_analysis):
    selection = select(seed_analysis, Filters())
    body = seed_analysis.paragraphs.loc[selection.pids]
    assert selection.words == int(body["counted_words"].sum())
    assert select(seed_analysis, Filters(include_repeats=True)).words == int(body["words"].sum())


def test_frequencies_of_an_empty_selection(seed_analysis):
    selection = select(seed_analysis, Filters(keyword="no such words anywhere"))
    assert selection.is_empty
    table = theme_frequencies(seed_analysis, selection)
    assert len(table) == len(seed_analysis.theme_ids)
    assert (table["mentions"] == 0).all() and (table["per_1000_words"] == 0).all()


# ----------------------------------------------------------------------------- corpus filters


@pytest.fixture(scope="module")
def corpus():
    return analyze(speech_documents(), load_default_lexicon(DATA_DIR))


@pytest.fixture(scope="module")
def corpus_catalog():
    return build_catalog(METAS, EXTRAS)


def kept_documents(filters: Filters) -> list[str]:
    """The doc_ids the corpus filters keep, worked out from the fixture's metadata."""
    return expected_matches(filters.documents, filters.speakers, filters.countries, filters.years)


CORPUS_FILTERS = [
    Filters(documents=("br-2010",)),
    Filters(documents=("ke-2020", "fr-1999")),
    Filters(speakers=("Jeanne Martin",)),
    Filters(countries=("France", "Brazil")),
    Filters(years=(1999, 2005)),
    Filters(years=(2010, 2020)),
    Filters(countries=("France",), years=(2000, 2020)),
    Filters(speakers=("Paulo Souza",), countries=("France",)),
    Filters(documents=("no-such-doc",)),
]


@pytest.mark.parametrize("filters", CORPUS_FILTERS, ids=range(len(CORPUS_FILTERS)))
def test_corpus_filters_keep_the_paragraphs_of_the_matching_documents(corpus, corpus_catalog, filters):
    selection = select(corpus, filters, corpus_catalog)
    everything = select(corpus, Filters(), corpus_catalog)
    wanted = set(kept_documents(filters))
    expected = [int(p) for p, doc_id in everything.paragraphs["doc_id"].items() if doc_id in wanted]
    assert pids(selection) == expected
    assert selection.total_paragraphs == everything.total_paragraphs  # "n / total" keeps the whole corpus
    assert list(selection.mentions.index) == pids(selection)


def test_corpus_filters_narrow_the_view_but_not_to_nothing(corpus, corpus_catalog):
    everything = len(select(corpus, Filters(), corpus_catalog).paragraphs)
    sizes = [len(select(corpus, f, corpus_catalog).paragraphs) for f in CORPUS_FILTERS]
    assert sum(0 < size < everything for size in sizes) >= len(CORPUS_FILTERS) - 2


def test_corpus_filters_combine_with_the_other_filters(corpus, corpus_catalog):
    france = set(pids(select(corpus, Filters(countries=("France",)), corpus_catalog)))
    cooperation = set(pids(select(corpus, Filters(themes=("cooperation",)), corpus_catalog)))
    both = set(pids(select(corpus, Filters(countries=("France",), themes=("cooperation",)), corpus_catalog)))
    assert both == france & cooperation
    assert both and both != france and both != cooperation


def test_a_year_range_needs_the_catalogue_for_years_from_extra_metadata(corpus, corpus_catalog):
    filters = Filters(years=(1990, 2000))
    with_catalog = select(corpus, filters, corpus_catalog)
    assert set(with_catalog.paragraphs["doc_id"]) == {"fr-1999"}
    # Built from the documents alone, the year-only speech has no year and the range leaves it out.
    assert select(corpus, filters).is_empty


def test_without_a_catalogue_dated_documents_are_still_filtered(corpus, corpus_catalog):
    for filters in (Filters(countries=("Kenya",)), Filters(years=(2001, 2010)), Filters(speakers=("Paulo Souza",))):
        assert pids(select(corpus, filters)) == pids(select(corpus, filters, corpus_catalog))


@pytest.mark.parametrize(
    ("filters", "has_corpus_filter"),
    [
        (Filters(), False),
        (Filters(themes=("cybercrime",), voice="speaker", keyword="x"), False),
        (Filters(documents=("a",)), True),
        (Filters(speakers=("A",)), True),
        (Filters(countries=("A",)), True),
        (Filters(years=(2000, 2001)), True),
    ],
)
def test_has_corpus_filter(filters, has_corpus_filter):
    assert filters.has_corpus_filter is has_corpus_filter
    assert filters.is_default is (filters == Filters())
    assert Filters().is_default


@pytest.mark.parametrize("include_repeats", [False, True])
@pytest.mark.parametrize("which", ["all", "first-half", "reversed", "none"])
def test_mention_matrix_counts_each_paragraphs_mentions_per_theme(synthetic, seed_analysis, which, include_repeats):
    for analysis in (synthetic, seed_analysis):
        everything = analysis.paragraphs.index.to_numpy()
        pids = {"all": everything, "first-half": everything[: len(everything) // 2],
                "reversed": everything[::-1], "none": everything[:0]}[which]
        matrix = mention_matrix(analysis, pids, include_repeats)
        assert list(matrix.index) == list(pids)
        assert list(matrix.columns) == list(analysis.theme_ids)
        matches = analysis.matches if include_repeats else analysis.matches[~analysis.matches["repeated"]]
        for pid in pids:
            expected = matches[matches["pid"] == pid]["theme"].value_counts()
            row = matrix.loc[pid]
            assert row[row > 0].to_dict() == expected.to_dict()


def test_a_selection_leaves_text_out_but_gives_it_on_request(seed_analysis):
    """Copying the text of 370,000 paragraphs for each view was the slowest part of a
    filter change on a corpus: a selection carries it only when asked."""
    selection = select(seed_analysis, Filters(themes=("cybercrime",)))
    assert "text" not in selection.paragraphs
    with_text = selection.with_text()
    assert with_text.index.equals(selection.paragraphs.index)
    assert with_text["text"].tolist() == seed_analysis.paragraphs.loc[selection.pids, "text"].tolist()
    assert len(with_text) > 0 and all(text.strip() for text in with_text["text"])
