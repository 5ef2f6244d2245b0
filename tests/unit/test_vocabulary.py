"""The word cloud's input: content-word counts of a selection, and each theme word's colour."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from speechlens.cloud import STOPWORDS
from speechlens.filters import OPENING_SECTION, Filters, select
from speechlens.vocabulary import CLOUD_MAX_WORDS, cloud_inputs, selection_word_counts, speaker_words, word_theme_colors

TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def counted_text(analysis, pid) -> str:
    sentences = analysis.sentences
    mine = sentences[(sentences["pid"] == pid) & ~sentences["repeated"]]
    return " ".join(mine["text"])


def regex_counts(analysis, selection, include_repeated=False) -> Counter:
    counts: Counter = Counter()
    for pid in selection.pids:
        text = analysis.paragraphs.loc[pid, "text"] if include_repeated else counted_text(analysis, pid)
        counts.update(token.lower().replace("’", "'") for token in TOKEN.findall(text))
    return counts


@pytest.fixture(scope="module")
def default_counts(seed_analysis):
    return selection_word_counts(seed_analysis, select(seed_analysis, Filters()))


def test_security_is_in_the_cloud_with_its_count(seed_analysis, default_counts):
    expected = regex_counts(seed_analysis, select(seed_analysis, Filters()))["security"]
    assert expected > 0
    assert default_counts["security"] == expected


@pytest.mark.parametrize("word", ["security", "cooperation", "interpol", "morocco", "crime"])
def test_content_words_keep_their_counts(seed_analysis, default_counts, word):
    assert default_counts[word] == regex_counts(seed_analysis, select(seed_analysis, Filters()))[word] > 0


@pytest.mark.parametrize("word", ["the", "and", "of", "that", "with", "this", "stated", "added", "explained"])
def test_stopwords_are_left_out(seed_analysis, default_counts, word):
    assert regex_counts(seed_analysis, select(seed_analysis, Filters()))[word] > 0, "the word is in the text"
    assert word not in default_counts


def test_no_stopword_short_word_or_number_survives(seed_analysis):
    counts = selection_word_counts(seed_analysis, select(seed_analysis, Filters(include_posts=True)))
    assert counts
    assert not set(counts) & STOPWORDS
    assert all(len(word) >= 3 for word in counts)
    assert not any(word.replace(".", "").replace(",", "").isdigit() for word in counts)
    assert "2025" in regex_counts(seed_analysis, select(seed_analysis, Filters(include_posts=True)))


@pytest.mark.parametrize("name", ["Hammouchi", "Abdellatif", "DGSN-DGST"])
def test_the_speakers_names_are_left_out(seed_analysis, default_counts, name):
    in_text = sum(
        len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))
        for text in select(seed_analysis, Filters()).with_text()["text"]
    )
    assert in_text > 0, "the name is in the speech"
    assert name.lower() not in default_counts


def test_title_words_of_the_speaker_stay(seed_analysis, default_counts):
    """'Director General of National Security': ordinary words of the title are the subject too."""
    assert default_counts["national"] > 0
    assert default_counts["director"] > 0


def test_speaker_words():
    from speechlens.model import DocumentMeta

    meta = DocumentMeta(
        "d", "T", speaker="Jane van Doe",
        speaker_aliases=("Doe", "the head of the ABC-DEF", "the Minister of Interior"),
    )
    words = speaker_words([meta])
    assert {"jane", "van", "doe", "abc-def"} <= words
    assert not {"minister", "interior", "head", "the"} & words


def test_counts_follow_the_selection(seed_analysis):
    selection = select(seed_analysis, Filters(section=OPENING_SECTION))
    counts = selection_word_counts(seed_analysis, selection)
    expected = regex_counts(seed_analysis, selection)
    assert counts
    for word, count in counts.items():
        assert count == expected[word], word
    assert counts["security"] < selection_word_counts(seed_analysis, select(seed_analysis, Filters()))["security"]


def test_empty_selection_has_no_words(seed_analysis):
    assert selection_word_counts(seed_analysis, select(seed_analysis, Filters(keyword="zzz-nothing"))) == Counter()


def test_counting_repeats_counts_the_repeated_words(seed_analysis):
    selection = select(seed_analysis, Filters(include_repeats=True))
    counts = selection_word_counts(seed_analysis, selection)
    expected = regex_counts(seed_analysis, selection, include_repeated=True)
    assert expected["framework"] == 2
    assert counts["framework"] == expected["framework"]


# ----------------------------------------------------------------------------- colours


def single_theme_words(analysis, selection) -> dict[str, str]:
    """Words whose every counted matched surface belongs to one theme -> that theme."""
    matches = analysis.matches
    matches = matches[matches["pid"].isin(selection.pids) & ~matches["repeated"]]
    themes: dict[str, set[str]] = {}
    for surface, theme in zip(matches["surface"], matches["theme"], strict=True):
        for word in TOKEN.findall(surface):
            themes.setdefault(word.lower(), set()).add(theme)
    return {word: next(iter(t)) for word, t in themes.items() if len(t) == 1}


@pytest.mark.parametrize(
    ("word", "theme"),
    [("cybercrime", "cybercrime"), ("extremism", "terrorism"), ("women", "gender"), ("solidarity", "cooperation")],
)
def test_a_theme_terms_word_has_its_themes_colour(seed_analysis, word, theme):
    selection = select(seed_analysis, Filters())
    colors = word_theme_colors(seed_analysis, selection)
    assert single_theme_words(seed_analysis, selection)[word] == theme
    assert colors[word] == seed_analysis.lexicon.colors[theme]


def theme_share(analysis, selection, word: str) -> float:
    """How many of the word's occurrences in the selection fall inside theme matches."""
    matches = analysis.matches
    matches = matches[matches["pid"].isin(selection.pids) & ~matches["repeated"]]
    inside = sum(
        token.lower() == word
        for surface in matches.drop_duplicates(["pid", "start"])["surface"]
        for token in TOKEN.findall(surface)
    )
    return inside / regex_counts(analysis, selection)[word]


def test_single_theme_words_are_coloured_when_mostly_used_in_theme_terms(seed_analysis):
    selection = select(seed_analysis, Filters())
    colors = word_theme_colors(seed_analysis, selection)
    expected = single_theme_words(seed_analysis, selection)
    assert expected
    coloured = {w: t for w, t in expected.items() if theme_share(seed_analysis, selection, w) >= 0.5}
    grey = set(expected) - set(coloured)
    assert coloured and grey
    for word, theme in coloured.items():
        assert colors[word] == seed_analysis.lexicon.colors[theme], word
    assert not grey & set(colors)
    assert set(colors.values()) <= set(seed_analysis.lexicon.colors.values())


@pytest.mark.parametrize("word", ["security", "police"])
def test_a_common_word_only_sometimes_in_a_theme_phrase_stays_grey(seed_analysis, word):
    selection = select(seed_analysis, Filters())
    assert theme_share(seed_analysis, selection, word) > 0  # it does occur inside a phrase...
    assert word not in word_theme_colors(seed_analysis, selection)  # ...but is not claimed by it


def test_words_outside_theme_terms_have_no_colour(seed_analysis):
    selection = select(seed_analysis, Filters())
    colors = word_theme_colors(seed_analysis, selection)
    for word in ("morocco", "marrakech", "assembly"):
        assert word not in colors


def test_colours_follow_the_selection(seed_analysis):
    last_section = select(seed_analysis, Filters(section="Cybercrime as a major issue"))
    colors = word_theme_colors(seed_analysis, last_section)
    assert "women" in colors
    assert "extremism" not in colors  # named only in another section


@pytest.mark.parametrize("top", [1, 5, 30])
def test_top_words_are_the_most_frequent_with_ties_broken_alphabetically(seed_analysis, default_counts, top):
    ranked = sorted(default_counts.items(), key=lambda wc: (-wc[1], wc[0]))
    counts = selection_word_counts(seed_analysis, select(seed_analysis, Filters()), top=top)
    assert list(counts.items()) == ranked[:top]


def test_the_cloud_gets_the_words_it_can_draw_with_their_colours(seed_analysis, default_counts):
    selection = select(seed_analysis, Filters())
    counts, colors = cloud_inputs(seed_analysis, selection)
    ranked = sorted(default_counts.items(), key=lambda wc: (-wc[1], wc[0]))
    assert list(counts.items()) == ranked[:CLOUD_MAX_WORDS]
    every_colour = word_theme_colors(seed_analysis, selection)
    assert colors == {word: colour for word, colour in every_colour.items() if word in counts}
    assert colors, "some drawn words belong to a theme"


@pytest.mark.parametrize("include_repeats", [False, True])
@pytest.mark.parametrize("filters", [Filters(), Filters(keyword="Interpol"), Filters(themes=("cybercrime",))], ids=repr)
def test_word_counts_equal_the_term_index_whether_the_view_is_most_or_little_of_the_speech(
    seed_analysis, filters, include_repeats
):
    from dataclasses import replace

    selection = select(seed_analysis, replace(filters, include_repeats=include_repeats))
    direct = seed_analysis.terms.counts_for(selection.pids, include_repeats)
    counts = selection_word_counts(seed_analysis, selection)
    assert counts and all(direct[word] == count for word, count in counts.items())
