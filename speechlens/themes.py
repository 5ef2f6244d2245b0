"""Security-policy themes: an editable TOML lexicon and a fast whole-word matcher.

The lexicon (data/themes.toml) is written for researchers to read and edit.
This module loads and validates it, then compiles every entry of every theme
into ONE regular expression, so a paragraph is scanned once whatever the
number of themes:

    lexicon = load_lexicon("data/themes.toml")
    matches = find_matches(paragraph_text, lexicon)
    count_by_theme(matches)          # {"cybercrime": 2, "cooperation": 1}

Matching rules (also explained at the top of themes.toml): case-insensitive,
whole words, plurals and hyphen/space/solid variants generated automatically,
curly and straight apostrophes equal, leftmost-longest without overlaps.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Where the shipped lexicon lives (the package itself never reads it implicitly).
DEFAULT_THEMES_PATH = Path(__file__).resolve().parent.parent / "data" / "themes.toml"

# Bump when the matching rules change, so fingerprints (cache keys) change too.
_MATCHER_VERSION = 1

# Plurals that the -s/-es/-ies rules cannot produce. Keys are whole words; in a
# hyphenated entry the last part counts as the word ("police-woman" -> "police-women").
IRREGULAR_PLURALS: Mapping[str, tuple[str, ...]] = {
    "man": ("men",),
    "woman": ("women",),
    "policeman": ("policemen",),
    "policewoman": ("policewomen",),
    "chairman": ("chairmen",),
    "chairwoman": ("chairwomen",),
    "spokesman": ("spokesmen",),
    "spokeswoman": ("spokeswomen",),
    "serviceman": ("servicemen",),
    "servicewoman": ("servicewomen",),
    "gunman": ("gunmen",),
    "child": ("children",),
    "person": ("persons", "people"),
    "life": ("lives",),
    "knife": ("knives",),
    "thief": ("thieves",),
    "wife": ("wives",),
    "criterion": ("criteria",),
    "phenomenon": ("phenomena",),
}

_APOSTROPHES = "'\u2019\u2018\u02bc"  # straight, right/left single quote, modifier letter
_HYPHENS = r"\-\u2010\u2011"  # for regex classes: hyphen-minus, hyphen, non-breaking hyphen
_TO_STRAIGHT_APOSTROPHE = str.maketrans({c: "'" for c in _APOSTROPHES})
_SEPARATORS = re.compile(rf"[\s{_HYPHENS}]+")

# In a compiled entry, " " stands for "hyphen, space(s) or nothing" and "'" for
# any apostrophe; every other character is literal. The gap may hold one line
# break but not a blank line, so a heading never joins the paragraph below it.
_GAP_RE = r"[^\S\n]*(?:\n[^\S\n]*)?"
_JOIN_RE = rf"(?:{_GAP_RE}[{_HYPHENS}]{_GAP_RE}|{_GAP_RE})"
_APOSTROPHE_RE = f"[{_APOSTROPHES}]"

_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
_THEME_HEADER_RE = re.compile(r"^[ \t]*\[\[[ \t]*themes[ \t]*\]\]", re.MULTILINE)

_REQUIRED_TEXT_FIELDS = ("id", "label", "description", "color")
_ENTRY_FIELDS = ("terms", "phrases")
_KNOWN_FIELDS = _REQUIRED_TEXT_FIELDS + _ENTRY_FIELDS


class ThemesFileError(ValueError):
    """The themes file is missing or malformed; the message says what and where."""


@dataclass(frozen=True)
class Theme:
    """One theme of the lexicon, exactly as written in the themes file."""

    id: str
    label: str
    description: str
    color: str
    terms: tuple[str, ...]
    phrases: tuple[str, ...]

    @property
    def entries(self) -> tuple[str, ...]:
        """Terms then phrases."""
        return self.terms + self.phrases


@dataclass(frozen=True, slots=True)
class Match:
    """One mention of a lexicon entry in a text."""

    theme_ids: tuple[str, ...]  # every theme listing the entry, in lexicon order
    term: str  # the lexicon entry as written, e.g. "cyber-crime"
    start: int  # character offsets into the text: text[start:end] == surface
    end: int
    surface: str  # as it appears in the text, e.g. "Cybercrimes"


@dataclass(frozen=True, slots=True)
class _Entry:
    term: str
    theme_ids: tuple[str, ...]


@dataclass(frozen=True)
class _Matcher:
    """The compiled form of a lexicon: one pattern plus a surface -> entry table."""

    pattern: re.Pattern[str]
    entries: Mapping[str, _Entry]  # keyed by _surface_key of every generated variant
    # lower-cased matched text -> its entry, for matches with joiners or apostrophes
    joined: dict[str, _Entry] = field(default_factory=dict, compare=False, repr=False)

    def entry(self, found: str) -> _Entry:
        """The entry a matched (lower-cased) text stands for."""
        if found.isalpha():
            return self.entries[found]
        entry = self.joined.get(found)
        if entry is None:
            entry = self.joined[found] = self.entries[_surface_key(found)]
        return entry

    def find(self, text: str) -> list[Match]:
        matches = []
        # The pattern's first character is the one before the entry: a line break in front
        # stands for the start of the text.
        for found in self.pattern.finditer("\n" + _lower_keeping_offsets(text)):
            entry = self.entry(found.group(1))
            start, end = found.start(1) - 1, found.end(1) - 1
            matches.append(Match(entry.theme_ids, entry.term, start, end, text[start:end]))
        return matches

    def find_each(self, texts: Sequence[str]) -> list[tuple[int, Match]]:
        """``find`` of every text, as (index of the text, match), from one scan of them
        all joined by blank lines (no entry can match across one: a joiner holds at
        most one line break)."""
        lowered = "\n" + "\n\n".join(map(_lower_keeping_offsets, texts))  # "\n": see find()
        matches: list[tuple[int, Match]] = []
        index, start_of_text, end_of_text = 0, 1, 1 + len(texts[0]) if texts else 0
        for found in self.pattern.finditer(lowered):
            start, end = found.span(1)
            while start > end_of_text:
                index += 1
                start_of_text = end_of_text + 2
                end_of_text = start_of_text + len(texts[index])
            entry = self.entry(found.group(1))
            start, end = start - start_of_text, end - start_of_text
            matches.append((index, Match(entry.theme_ids, entry.term, start, end, texts[index][start:end])))
        return matches


@dataclass(frozen=True)
class Lexicon:
    """The themes, in file order. Hashable, so it can key caches."""

    themes: tuple[Theme, ...]
    # Built on first use; kept out of eq/hash/repr and out of pickles.
    _matcher: _Matcher | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(theme.id for theme in self.themes)

    @property
    def labels(self) -> dict[str, str]:
        return {theme.id: theme.label for theme in self.themes}

    @property
    def colors(self) -> dict[str, str]:
        return {theme.id: theme.color for theme in self.themes}

    def get(self, theme_id: str) -> Theme:
        """The theme with this id; KeyError naming the known ids otherwise."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"unknown theme {theme_id!r}; known themes: {', '.join(self.ids)}")

    @property
    def matcher(self) -> _Matcher:
        """The compiled matcher, built once per Lexicon object."""
        if self._matcher is None:
            object.__setattr__(self, "_matcher", _build_matcher(self.themes))
        return self._matcher  # type: ignore[return-value]

    def __getstate__(self) -> dict:
        return {"themes": self.themes}


# --------------------------------------------------------------------------- public API


def load_lexicon(path: str | Path) -> Lexicon:
    """Read and validate a themes TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ThemesFileError(f"themes file not found: {path}") from None
    except OSError as err:
        raise ThemesFileError(f"cannot read themes file {path}: {err.strerror}") from err
    return parse_lexicon(text, source=str(path))


def parse_lexicon(toml_text: str, source: str = "themes.toml") -> Lexicon:
    """Validate themes TOML text; `source` names it in error messages."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as err:
        raise ThemesFileError(f"{source}: invalid TOML: {err}") from err
    raw_themes = _raw_theme_tables(data, source)
    header_lines = _theme_header_lines(toml_text, expected=len(raw_themes))
    themes: list[Theme] = []
    for index, raw in enumerate(raw_themes):
        where = _theme_location(source, index, header_lines, raw)
        theme = _parse_theme(raw, where)
        _check_unique(theme, themes, where)
        themes.append(theme)
    return Lexicon(tuple(themes))


def find_matches(text: str, lexicon: Lexicon) -> list[Match]:
    """Every lexicon mention in `text`, in order, leftmost-longest, never overlapping."""
    return lexicon.matcher.find(text)


def find_matches_in(texts: Sequence[str], lexicon: Lexicon) -> list[tuple[int, Match]]:
    """:func:`find_matches` of each text, as (index of the text, match), in order; faster
    than one call per text for many short texts (the paragraphs of a speech)."""
    return lexicon.matcher.find_each(texts)


def count_by_theme(matches: Iterable[Match]) -> dict[str, int]:
    """Mentions per theme id; a mention of an entry in two themes counts for both.

    Themes without a mention are absent. Ordered by count, then first appearance.
    """
    counts = Counter(theme_id for match in matches for theme_id in match.theme_ids)
    return dict(counts.most_common())


def lexicon_fingerprint(lexicon: Lexicon) -> str:
    """A short hash of the lexicon's content (and matcher version), stable across runs."""
    payload = {"matcher": _MATCHER_VERSION, "themes": [asdict(theme) for theme in lexicon.themes]}
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------- validation


def _raw_theme_tables(data: dict, source: str) -> list:
    raw_themes = data.get("themes")
    if raw_themes is None:
        found = ", ".join(repr(key) for key in data) or "nothing"
        raise ThemesFileError(
            f"{source}: no themes: expected [[themes]] tables (found {found} at top level)"
        )
    if not isinstance(raw_themes, list) or not raw_themes:
        raise ThemesFileError(
            f"{source}: no themes: 'themes' must be a non-empty list of [[themes]] tables"
        )
    return raw_themes


def _theme_header_lines(toml_text: str, expected: int) -> list[int] | None:
    """Line numbers of the [[themes]] headers, when they can be matched one-to-one."""
    lines = [toml_text.count("\n", 0, m.start()) + 1 for m in _THEME_HEADER_RE.finditer(toml_text)]
    return lines if len(lines) == expected else None


def _theme_location(source: str, index: int, header_lines: list[int] | None, raw: object) -> str:
    where = f"{source}: theme #{index + 1}"
    if header_lines:
        where += f" (line {header_lines[index]})"
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        where += f" {raw['id']!r}"
    return where


def _parse_theme(raw: object, where: str) -> Theme:
    if not isinstance(raw, dict):
        raise ThemesFileError(f"{where}: must be a [[themes]] table, not {type(raw).__name__}")
    unknown = [key for key in raw if key not in _KNOWN_FIELDS]
    if unknown:
        raise ThemesFileError(
            f"{where}: unknown field {unknown[0]!r} (expected {', '.join(_KNOWN_FIELDS)})"
        )
    text = {name: _required_text(raw, name, where) for name in _REQUIRED_TEXT_FIELDS}
    _check_id(text["id"], where)
    _check_color(text["color"], where)
    terms = _entry_list(raw, "terms", where)
    phrases = _entry_list(raw, "phrases", where)
    if not terms and not phrases:
        raise ThemesFileError(f"{where}: empty terms and phrases: give at least one term or phrase")
    return Theme(terms=terms, phrases=phrases, **text)


def _required_text(raw: dict, name: str, where: str) -> str:
    if name not in raw:
        raise ThemesFileError(f"{where}: missing field {name!r}")
    value = raw[name]
    if not isinstance(value, str):
        kind = type(value).__name__
        raise ThemesFileError(f"{where}: field {name!r} must be a string, not {kind}")
    if not value.strip():
        raise ThemesFileError(f"{where}: field {name!r} is empty")
    return value.strip()


def _check_id(theme_id: str, where: str) -> None:
    if not _ID_RE.fullmatch(theme_id):
        raise ThemesFileError(
            f"{where}: id {theme_id!r} is not kebab-case: use lowercase letters, digits and "
            f"single hyphens, e.g. 'organized-crime' (ids appear in links as ?theme=...)"
        )


def _check_color(color: str, where: str) -> None:
    if not _COLOR_RE.fullmatch(color):
        raise ThemesFileError(f"{where}: bad color {color!r}: write a hex colour like '#0072B2'")


def _check_unique(theme: Theme, earlier: list[Theme], where: str) -> None:
    for position, other in enumerate(earlier, start=1):
        if other.id == theme.id:
            raise ThemesFileError(
                f"{where}: duplicate id {theme.id!r} (already used by theme #{position})"
            )
        if other.color.lower() == theme.color.lower():
            raise ThemesFileError(
                f"{where}: color {theme.color} is already used by theme {other.id!r}; "
                f"every theme needs its own colour"
            )


def _entry_list(raw: dict, name: str, where: str) -> tuple[str, ...]:
    values = raw.get(name, [])
    if not isinstance(values, list):
        kind = type(values).__name__
        raise ThemesFileError(f"{where}: {name!r} must be a list of strings, not {kind}")
    singular = name[:-1]
    entries = []
    for number, value in enumerate(values, start=1):
        label = f"{singular} #{number} in {name!r}"
        if not isinstance(value, str):
            raise ThemesFileError(f"{where}: {label} is not a string: {value!r}")
        entry = " ".join(value.split())
        _check_entry(entry, name, label, where)
        if entry not in entries:
            entries.append(entry)
    return tuple(entries)


def _check_entry(entry: str, name: str, label: str, where: str) -> None:
    if not entry:
        raise ThemesFileError(f"{where}: {label} is empty")
    if not entry[0].isalnum():
        raise ThemesFileError(f"{where}: {label} {entry!r} must start with a letter or digit")
    if name == "terms" and " " in entry:
        raise ThemesFileError(
            f"{where}: {label} {entry!r} has a space: terms are single words, move it to 'phrases'"
        )
    if name == "phrases" and " " not in entry:
        raise ThemesFileError(f"{where}: {label} {entry!r} is a single word: move it to 'terms'")


# --------------------------------------------------------------------------- variants


def _parts(entry: str) -> list[str]:
    """An entry's words, lowercased, split wherever a hyphen or space may vary."""
    normalised = entry.lower().translate(_TO_STRAIGHT_APOSTROPHE)
    return [part for part in _SEPARATORS.split(normalised) if part]


def plural_forms(word: str) -> tuple[str, ...]:
    """Plurals generated for a (lowercase) last word; () when it already looks plural."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if not word.isalpha():
        return ()  # "citizens'", "5g": leave alone
    if word.endswith(("ss", "us", "x", "z", "ch", "sh")):
        return (word + "es",)
    if word.endswith("is"):
        return (word[:-2] + "es",)  # crisis -> crises
    if word.endswith("s"):
        return ()  # rights, arms, narcotics: already plural or uncountable
    if word.endswith("y") and word[-2:-1] not in ("", "a", "e", "i", "o", "u"):
        return (word[:-1] + "ies",)
    if word.endswith("o"):
        return (word + "s", word + "es")  # embargos / embargoes
    return (word + "s",)


def _variants(entry: str) -> list[str]:
    """The entry and its plurals, as compiled-entry strings (" " = optional joiner)."""
    *head, last = _parts(entry)
    return [" ".join([*head, form]) for form in (last, *plural_forms(last))]


def _surface_key(surface: str) -> str:
    """What a matched surface and its variant have in common: lowercase, no joiners."""
    return _SEPARATORS.sub("", surface.lower().translate(_TO_STRAIGHT_APOSTROPHE))


def _lower_keeping_offsets(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lowercase to two (e.g. "İ"); keep those as they are so
    # offsets into the lowered text stay offsets into the original.
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


# --------------------------------------------------------------------------- compiling


def _build_matcher(themes: tuple[Theme, ...]) -> _Matcher:
    entries, variants = _entry_table(themes)
    trie: dict = {}
    for variant in variants:
        node = trie
        for char in variant:
            node = node.setdefault(char, {})
        node[""] = True  # an entry may end here
    # Entries start with a letter or digit, so "\b" before one means "no word character
    # before it". The pattern takes that character too (\W; group 1 is the entry): one
    # that opens with a character class lets the regex engine skip on in C to the next
    # candidate, where "\b" has it try the whole pattern at every position.
    before = r"\W" if all(char.isalnum() for char in trie) else r"\b"
    pattern = re.compile(rf"{before}({_trie_regex(trie)})(?!\w)")
    return _Matcher(pattern=pattern, entries=entries)


def _entry_table(themes: tuple[Theme, ...]) -> tuple[dict[str, _Entry], set[str]]:
    """Every variant's key -> its entry, and the variants themselves.

    Entries whose variants share a key merge: the first written gives the
    canonical term and the theme ids are unioned, so an entry listed in two
    themes counts for both.
    """
    listed = [(theme.id, entry, _variants(entry)) for theme in themes for entry in theme.entries]
    # Entries as written come before plurals, so "arms" keeps its own spelling
    # even when another entry "arm" pluralises to it.
    ordered = [(theme_id, entry, variants[0]) for theme_id, entry, variants in listed]
    ordered += [
        (theme_id, entry, plural)
        for theme_id, entry, variants in listed
        for plural in variants[1:]
    ]
    term_of: dict[str, str] = {}
    theme_ids_of: dict[str, set[str]] = {}
    for theme_id, entry, variant in ordered:
        key = variant.replace(" ", "")
        term_of.setdefault(key, entry)
        theme_ids_of.setdefault(key, set()).add(theme_id)
    position = {theme.id: index for index, theme in enumerate(themes)}
    entries = {
        key: _Entry(term_of[key], tuple(sorted(ids, key=position.__getitem__)))
        for key, ids in theme_ids_of.items()
    }
    return entries, {variant for _, _, variant in ordered}


def _trie_regex(node: dict) -> str:
    """Regex for a character trie; longer continuations are tried before stopping."""
    branches = [
        _char_regex(char) + _trie_regex(child) for char, child in sorted(node.items()) if char
    ]
    can_stop = "" in node
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if can_stop:
        return f"(?:{body})?"  # greedy: prefer "organized crime" to "organized"
    return body


def _char_regex(char: str) -> str:
    if char == " ":
        return _JOIN_RE
    if char == "'":
        return _APOSTROPHE_RE
    return re.escape(char)
