"""The themes lexicon (data/themes.toml) and its matcher (speechlens.themes)."""

from __future__ import annotations

import pickle
import random
import re
from pathlib import Path

import pytest

from speechlens.themes import (
    DEFAULT_THEMES_PATH,
    Lexicon,
    Match,
    Theme,
    ThemesFileError,
    count_by_theme,
    find_matches,
    lexicon_fingerprint,
    load_lexicon,
    parse_lexicon,
    plural_forms,
    find_matches_in,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "themes.toml"
SEED = ROOT / "data" / "interpol-ga93-hammouchi-2025.txt"

# A small lexicon for the matching rules, independent of edits to the shipped one.
RULES_TOML = """
[[themes]]
id = "crime"
label = "Crime"
description = "Rules under test."
color = "#882255"
terms = ["crime", "cyber-crime", "counter-terrorism", "terror", "war", "arms",
         "policy", "process", "crisis", "woman", "hero", "key", "citizen", "smuggling"]
phrases = ["organized crime", "transnational organized crime", "citizens' expectations",
           "trafficking in persons", "migrant smuggling"]

[[themes]]
id = "borders"
label = "Borders"
description = "Shares one phrase with crime."
color = "#999933"
terms = ["border"]
phrases = ["migrant smuggling"]
"""


@pytest.fixture(scope="module")
def rules() -> Lexicon:
    return parse_lexicon(RULES_TOML)


@pytest.fixture(scope="module")
def shipped() -> Lexicon:
    return load_lexicon(SHIPPED)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def terms_found(text: str, lexicon: Lexicon) -> list[str]:
    return [match.term for match in find_matches(text, lexicon)]


# --------------------------------------------------------------------------- variants


@pytest.mark.parametrize(
    "text, term",
    [
        ("cybercrime", "cyber-crime"),
        ("Cyber-crime", "cyber-crime"),
        ("cyber crime", "cyber-crime"),
        ("CYBERCRIMES", "cyber-crime"),
        ("cyber-crimes", "cyber-crime"),
        ("cyber\u2011crime", "cyber-crime"),  # non-breaking hyphen
        ("cyber -  crime", "cyber-crime"),
        ("cyber\ncrime", "cyber-crime"),
        ("counter-terrorism", "counter-terrorism"),
        ("counterterrorism", "counter-terrorism"),
        ("Counter Terrorism", "counter-terrorism"),
        ("policies", "policy"),
        ("processes", "process"),
        ("crises", "crisis"),
        ("women", "woman"),
        ("heroes", "hero"),
        ("keys", "key"),
        ("wars", "war"),
        ("arms", "arms"),
        ("Organized-Crime", "organized crime"),
        ("citizens' expectations", "citizens' expectations"),
        ("citizens\u2019 expectations", "citizens' expectations"),
        ("trafficking in persons", "trafficking in persons"),
    ],
)
def test_variant_is_one_match_of_its_entry(rules, text, term):
    [match] = find_matches(text, rules)
    assert (match.term, match.surface, match.start, match.end) == (term, text, 0, len(text))


@pytest.mark.parametrize(
    "text",
    ["warned", "software", "swarm", "terrorist", "terrorism", "Crimea", "keyboard",
     "processing", "policymaker", "armistice", "arm", "citizenship", "bordering"],
)
def test_false_friends_do_not_match(rules, text):
    assert find_matches(f"They {text} it.", rules) == []


@pytest.mark.parametrize(
    "word, plurals",
    [
        ("network", ("networks",)),
        ("policy", ("policies",)),
        ("key", ("keys",)),
        ("process", ("processes",)),
        ("virus", ("viruses",)),
        ("crisis", ("crises",)),
        ("rights", ()),
        ("woman", ("women",)),
        ("child", ("children",)),
        ("person", ("persons", "people")),
    ],
)
def test_plural_forms(word, plurals):
    assert plural_forms(word) == plurals


# --------------------------------------------------------------------------- longest match


@pytest.mark.parametrize(
    "text, terms",
    [
        ("organized crime", ["organized crime"]),
        ("transnational organized crime", ["transnational organized crime"]),
        ("organized crimes and crime", ["organized crime", "crime"]),
        ("cyber crime crime", ["cyber-crime", "crime"]),
        ("citizens' growing expectations", ["citizen"]),
        ("war-torn arms", ["war", "arms"]),
        ("organized\ncrime", ["organized crime"]),
        ("organized\n\ncrime", ["crime"]),  # never across a blank line
    ],
)
def test_longest_entry_wins_and_its_parts_do_not_count_again(rules, text, terms):
    assert terms_found(text, rules) == terms


def test_offsets_point_at_the_surface_in_the_original_text(rules):
    text = "Against CYBER-CRIMES, and terror\u2019s reach; wars."
    for match in find_matches(text, rules):
        assert text[match.start : match.end] == match.surface
    assert terms_found(text, rules) == ["cyber-crime", "terror", "war"]


def test_offsets_survive_characters_that_lowercase_to_two(rules):
    text = "\u0130stanbul: war"  # "İ" lowercases to two code points
    [match] = find_matches(text, rules)
    assert text[match.start : match.end] == "war"


def test_entry_in_two_themes_counts_for_both(rules):
    matches = find_matches("Migrant smuggling across the border.", rules)
    assert [m.theme_ids for m in matches] == [("crime", "borders"), ("borders",)]
    assert count_by_theme(matches) == {"borders": 2, "crime": 1}


def test_count_by_theme_omits_themes_without_mentions(rules):
    assert count_by_theme(find_matches("war, crime and crises", rules)) == {"crime": 3}
    assert count_by_theme([]) == {}


# --------------------------------------------------------------------------- the Lexicon value


def test_lexicon_helpers(rules):
    assert rules.ids == ("crime", "borders")
    assert rules.labels == {"crime": "Crime", "borders": "Borders"}
    assert rules.colors == {"crime": "#882255", "borders": "#999933"}
    assert rules.get("borders").terms == ("border",)
    with pytest.raises(KeyError, match="known themes: crime, borders"):
        rules.get("nope")


def test_lexicon_is_hashable_and_compares_by_content(rules):
    again = parse_lexicon(RULES_TOML)
    find_matches("war", rules)  # builds one matcher, not the other's
    assert again == rules and hash(again) == hash(rules)
    assert {rules: 1}[again] == 1


def test_lexicon_pickles_without_its_matcher(rules):
    find_matches("war", rules)
    copy = pickle.loads(pickle.dumps(rules))
    assert copy == rules and copy._matcher is None
    assert terms_found("cyber crimes", copy) == ["cyber-crime"]


def test_fingerprint_is_short_stable_and_follows_content(rules):
    fingerprint = lexicon_fingerprint(rules)
    assert re.fullmatch(r"[0-9a-f]{12}", fingerprint)
    assert lexicon_fingerprint(parse_lexicon(RULES_TOML)) == fingerprint
    edited = parse_lexicon(RULES_TOML.replace('"war", ', '"war", "warfare", '))
    assert lexicon_fingerprint(edited) != fingerprint


def test_lexicon_built_in_code_matches_too():
    theme = Theme("t", "T", "d", "#000000", terms=("hack",), phrases=("data breach",))
    lexicon = Lexicon((theme,))
    assert find_matches("Hacks and data-breaches", lexicon) == [
        Match(("t",), "hack", 0, 5, "Hacks"),
        Match(("t",), "data breach", 10, 23, "data-breaches"),
    ]


# --------------------------------------------------------------------------- file errors


def theme_toml(**fields: object) -> str:
    """One [[themes]] table; a field given as None is left out."""
    values = {"id": "a", "label": "A", "description": "d", "color": "#000000",
              "terms": ["war"], "phrases": []} | fields
    lines = ["[[themes]]"]
    for key, value in values.items():
        if value is None:
            continue
        rendered = repr(value).replace("'", '"') if not isinstance(value, str) else f'"{value}"'
        lines.append(f"{key} = {rendered}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "toml_text, expected",
    [
        ('id = "a\n', ["invalid TOML", "line 1"]),
        ("[[themes]]\nid = 'a'\nlabel = = 'A'\n", ["invalid TOML", "line 3"]),
        ("", ["no themes"]),
        ("[[theme]]\nid = 'a'\n", ["no themes", "'theme'"]),
        ("themes = []\n", ["no themes"]),
        (theme_toml(color=None), ["theme #1", "missing field 'color'"]),
        (theme_toml(label=None), ["missing field 'label'"]),
        (theme_toml(description=None), ["missing field 'description'"]),
        (theme_toml(id=None), ["missing field 'id'"]),
        (theme_toml() + theme_toml(color="#111111"), ["theme #2", "duplicate id 'a'"]),
        (theme_toml(id="Cyber_Crime"), ["'Cyber_Crime'", "not kebab-case"]),
        (theme_toml(id="cyber--crime"), ["not kebab-case"]),
        (theme_toml(color="red"), ["bad color 'red'"]),
        (theme_toml(color="#12345"), ["bad color '#12345'"]),
        (theme_toml() + theme_toml(id="b"), ["theme #2", "#000000 is already used by theme 'a'"]),
        (theme_toml(terms=[], phrases=[]), ["'a'", "empty terms and phrases"]),
        (theme_toml(terms=None, phrases=None), ["empty terms and phrases"]),
        (theme_toml(terms=["war", 42]), ["term #2 in 'terms' is not a string: 42"]),
        (theme_toml(phrases=[["nested"]]), ["phrase #1 in 'phrases' is not a string"]),
        (theme_toml(terms="war"), ["'terms' must be a list"]),
        (theme_toml(terms=["war", " "]), ["term #2 in 'terms' is empty"]),
        (theme_toml(terms=["organized crime"]), ["'organized crime'", "move it to 'phrases'"]),
        (theme_toml(phrases=["crime"]), ["'crime'", "move it to 'terms'"]),
        (theme_toml(terms=["-war"]), ["must start with a letter or digit"]),
        (theme_toml(label=3), ["field 'label' must be a string"]),
        (theme_toml(colour="#000000"), ["unknown field 'colour'"]),
    ],
)
def test_bad_themes_file_names_the_problem(toml_text, expected):
    with pytest.raises(ThemesFileError) as raised:
        parse_lexicon(toml_text, source="my-themes.toml")
    message = str(raised.value)
    assert message.startswith("my-themes.toml")
    for part in expected:
        assert part in message


def test_error_gives_the_line_of_the_bad_theme():
    text = theme_toml() + "\n" + theme_toml(id="b", color="oops")
    with pytest.raises(ThemesFileError, match=r"theme #2 \(line 9\) 'b': bad color"):
        parse_lexicon(text)


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ThemesFileError, match="not found") as raised:
        load_lexicon(missing)
    assert str(missing) in str(raised.value)


def test_themes_file_error_is_a_value_error():
    assert issubclass(ThemesFileError, ValueError)


# --------------------------------------------------------------------------- shipped lexicon


def test_default_path_is_the_shipped_file():
    assert DEFAULT_THEMES_PATH == SHIPPED


def test_shipped_lexicon_has_complete_themes(shipped):
    assert len(shipped.themes) >= 10
    for theme in shipped.themes:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", theme.id)
        assert theme.label and theme.description and theme.terms
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", theme.color)
    assert len({t.color.lower() for t in shipped.themes}) == len(shipped.themes)
    assert len(set(shipped.labels.values())) == len(shipped.themes)


def test_shipped_lexicon_has_the_agreed_theme_ids(shipped):
    assert {
        "organized-crime", "terrorism", "cybercrime", "cooperation", "information-exchange",
        "human-rights", "gender", "sovereignty", "public-trust", "technology",
        "borders-migration",
    } <= set(shipped.ids)


@pytest.mark.parametrize(
    "word",
    ["security", "state", "country", "nation", "police", "policing", "government",
     "international", "development", "interpol"],
)
def test_shipped_lexicon_leaves_out_words_that_would_tag_everything(shipped, word):
    assert find_matches(word, shipped) == []


def test_every_shipped_entry_matches_itself_whole(shipped):
    for theme in shipped.themes:
        for entry in theme.entries:
            matches = find_matches(entry, shipped)
            assert [(m.start, m.end) for m in matches] == [(0, len(entry))], entry
            assert theme.id in matches[0].theme_ids, entry


# --------------------------------------------------------------------------- seed speech


def themes_in(passage: str, text: str, lexicon: Lexicon) -> dict[str, int]:
    """Theme counts for the matches inside `passage`, a verbatim piece of `text`."""
    start = text.index(passage)
    end = start + len(passage)
    inside = (m for m in find_matches(text, lexicon) if start <= m.start and m.end <= end)
    return count_by_theme(inside)


@pytest.mark.parametrize(
    "passage, theme_ids",
    [
        ("Cybercrime as a major issue", {"cybercrime"}),
        ("the United Nations Convention on Combating Cybercrime", {"cybercrime"}),
        ("in the face of cybercrime, which has become one of the most aggressive threats",
         {"cybercrime"}),
        ("the inclusion of a key point on the role of women in the police", {"gender"}),
        ("enshrines the gender approach in the security field", {"gender"}),
        ("the major successes achieved by female police officers", {"gender"}),
        ("the risks posed by transnational organized crime", {"organized-crime"}),
        ("While organized crime and violent extremism recognize no borders",
         {"organized-crime", "terrorism", "borders-migration"}),
        ("countering the transnational ramifications of crime and terrorism",
         {"organized-crime", "terrorism"}),
        ("against criminal networks that move from one continent to another",
         {"organized-crime"}),
        ("mechanisms for exchanging information and conducting joint operations",
         {"information-exchange"}),
        ("inseparable from respect for human rights", {"human-rights"}),
        ("the strengthening of international cooperation and solidarity", {"cooperation"}),
        ("increasingly sophisticated technological tools", {"technology"}),
        ("the high instructions of King Mohammed VI", {"sovereignty"}),
        ("meet citizens' growing expectations", {"public-trust"}),
    ],
)
def test_seed_passage_speaks_of_theme(shipped, seed_text, passage, theme_ids):
    assert set(themes_in(passage, seed_text, shipped)) == theme_ids


def test_seed_phrase_is_counted_once(shipped, seed_text):
    passage = "the risks posed by transnational organized crime"
    start = seed_text.index(passage)
    end = start + len(passage)
    inside = [m.term for m in find_matches(seed_text, shipped) if start <= m.start < end]
    assert inside == ["transnational organized crime"]


def test_seed_digital_criminal_infrastructure_is_cybercrime_not_technology(shipped, seed_text):
    passage = "the expansion of digital criminal infrastructures"
    assert themes_in(passage, seed_text, shipped) == {"cybercrime": 1}


def test_seed_cooperation_share(shipped, seed_text):
    counts = count_by_theme(find_matches(seed_text, shipped))
    share = counts["cooperation"] / sum(counts.values())
    # The report is about police cooperation: it should lead, without swamping the rest.
    assert max(counts, key=counts.get) == "cooperation"
    assert share == pytest.approx(0.4, abs=0.15)


def test_matches_of_many_texts_at_once_are_those_of_each_text(rules):
    texts = [
        "Cybercrime and cyber crime", "", "organized", "crime in the region",  # no match across two texts
        "cyber-\ncrime over a line break", "-crime", "İ and Σ around cybercrimes", "organized\n\ncrime",
    ]
    expected = [(index, match) for index, text in enumerate(texts) for match in find_matches(text, rules)]
    assert find_matches_in(texts, rules) == expected
    assert find_matches_in([], rules) == []


def test_matcher_finds_what_a_word_boundary_pattern_would(shipped, rules):
    # The compiled pattern takes the character before an entry (\W) rather than testing "\b",
    # so the regex engine can skip ahead; the matches must be those of the "\b" form.
    from speechlens.themes import _entry_table, _lower_keeping_offsets, _trie_regex

    rng = random.Random(13)
    for lexicon in (rules, shipped):
        _, variants = _entry_table(lexicon.themes)
        trie: dict = {}
        for variant in variants:
            node = trie
            for char in variant:
                node = node.setdefault(char, {})
            node[""] = True
        reference = re.compile(rf"\b{_trie_regex(trie)}(?!\w)")
        words = [entry for theme in lexicon.themes for entry in theme.entries[:6]] + ["x", "_", "9", "İ"]
        for _ in range(3_000):
            text = "".join(rng.choice([*words, " ", "\n", "-", "'", ".", "", "s"]) for _ in range(rng.randint(0, 8)))
            expected = [found.span() for found in reference.finditer(_lower_keeping_offsets(text))]
            assert [(match.start, match.end) for match in find_matches(text, lexicon)] == expected, repr(text)
