"""The URL is the state: query-parameter names, parsing and notices.

Streamlit binds each sidebar widget to one query parameter and silently drops
values it cannot use. ``parse_query`` reads the same parameters the same way,
so the app can tell the user what was ignored, and so the command line and
tests can rebuild a view's ``Filters`` from a copied link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlencode, urlsplit

from speechlens.catalog import CorpusChoices
from speechlens.filters import FULL_POLARITY, THEME_MODES, VOICE_CHOICES, Filters

# Query-parameter names; each is also the widget key it is bound to.
THEME = "theme"  # repeated: ?theme=cybercrime&theme=terrorism
MATCH = "match"  # any | all
VOICE = "voice"  # all | speaker | narration
POLARITY = "polarity"  # two values: ?polarity=-0.5&polarity=0.5
KEYWORD = "q"
SECTION = "section"  # a subheading's exact text
POSTS = "posts"  # true | false
REPEATS = "repeats"  # true | false
MEASURE = "measure"  # how the theme-frequency chart counts; see MEASURE_CHOICES
PRESENT = "present"  # true: presentation mode (no sidebar, no app chrome)
FINGERPRINT = "fp"  # the data the link was made on; see analysis.data_fingerprint
DOCUMENT = "doc"  # repeated: doc_ids
SPEAKER = "speaker"  # repeated
COUNTRY = "country"  # repeated: country or organisation
YEAR = "year"  # two values: ?year=1990&year=2000
COMPARE = "compare"  # how the comparison view groups paragraphs; see COMPARE_CHOICES

PARAMETERS: tuple[str, ...] = (
    THEME, MATCH, VOICE, POLARITY, KEYWORD, SECTION, POSTS, REPEATS, MEASURE, PRESENT, FINGERPRINT,
    DOCUMENT, SPEAKER, COUNTRY, YEAR, COMPARE,
)

# Link value of the comparison's grouping -> the catalogue column it groups by.
COMPARE_CHOICES: dict[str, str] = {"document": "label", "speaker": "speaker", "country": "country", "year": "year"}
DEFAULT_COMPARE = "document"

# Link value of the theme-frequency measure -> the column it draws.
MEASURE_CHOICES: dict[str, str] = {"mentions": "mentions", "rate": "per_1000_words", "paragraphs": "paragraphs"}

# Streamlit's own parameters (e.g. ?embed=true) are not ours to judge.
_STREAMLIT_PARAMETERS = frozenset({"embed", "embed_options"})

MAX_KEYWORD_LENGTH = 200
_BOOLEANS = {"true": True, "false": False}


def parse_query(
    raw: Mapping[str, Sequence[str]],
    *,
    theme_ids: Sequence[str],
    sections: Iterable[str],
    fingerprint: str | None = None,
    corpus: CorpusChoices | None = None,
) -> tuple[Filters, list[str]]:
    """Filters described by the query parameters, and a notice for each value ignored.

    With ``fingerprint`` (the data now shown), a link made on other data gets a
    notice that its figures may differ. ``corpus`` lists the documents,
    speakers, countries and years the corpus filters may name.
    """
    filters = Filters()
    notices: list[str] = []
    sections = set(sections)
    corpus = corpus or CorpusChoices()

    for name in raw:
        if name not in PARAMETERS and name not in _STREAMLIT_PARAMETERS:
            notices.append(f"Ignored unknown link parameter “{name}”.")

    themes = _values(raw, THEME)
    if themes:
        known = tuple(dict.fromkeys(t for t in themes if t in theme_ids))
        unknown = [t for t in themes if t not in theme_ids]
        if unknown:
            notices.append(f"Ignored unknown theme(s) in the link: {', '.join(_quoted(unknown))}.")
        filters = replace(filters, themes=known)

    match = _choice(raw, MATCH, THEME_MODES, notices)
    if match is not None:
        filters = replace(filters, theme_mode=match)

    voice = _choice(raw, VOICE, VOICE_CHOICES, notices)
    if voice is not None:
        filters = replace(filters, voice=voice)

    polarity = _values(raw, POLARITY)
    if polarity:
        bounds = _polarity_range(polarity)
        if bounds is None:
            notices.append(
                f"Ignored the polarity range in the link ({', '.join(_quoted(polarity))}): "
                "give two numbers between −1 and 1, lowest first."
            )
        else:
            filters = replace(filters, polarity=bounds)

    keyword = _single(raw, KEYWORD, notices)
    if keyword is not None:
        if len(keyword) > MAX_KEYWORD_LENGTH:
            notices.append(f"Ignored the search text in the link: longer than {MAX_KEYWORD_LENGTH} characters.")
        else:
            filters = replace(filters, keyword=keyword)

    section = _single(raw, SECTION, notices)
    if section is not None:
        if section in sections:
            filters = replace(filters, section=section)
        else:
            notices.append(f"Ignored unknown section “{_shorten(section)}” in the link.")

    _choice(raw, MEASURE, tuple(MEASURE_CHOICES), notices)  # presentation choices, not filters
    _choice(raw, PRESENT, tuple(_BOOLEANS), notices, fold_case=True)

    linked = _single(raw, FINGERPRINT, notices)
    if linked is not None and fingerprint is not None and linked != fingerprint:
        notices.append(
            f"This link was made on different data (fingerprint {_shorten(linked, 12)}; now {fingerprint}): "
            "the speech or the themes file has changed since, so the figures may differ from what the sender saw."
        )

    for name, field in ((POSTS, "include_posts"), (REPEATS, "include_repeats")):
        value = _choice(raw, name, tuple(_BOOLEANS), notices, fold_case=True)
        if value is not None:
            filters = replace(filters, **{field: _BOOLEANS[value]})

    for name, field, known, noun in (
        (DOCUMENT, "documents", corpus.documents, "document"),
        (SPEAKER, "speakers", corpus.speakers, "speaker"),
        (COUNTRY, "countries", corpus.countries, "country or organisation"),
    ):
        values = _values(raw, name)
        if values:
            unknown = [v for v in values if v not in known]
            if unknown:
                notices.append(f"Ignored {noun}(s) not in this corpus: {', '.join(_quoted(unknown))}.")
            filters = replace(filters, **{field: tuple(dict.fromkeys(v for v in values if v in known))})

    years = _values(raw, YEAR)
    if years:
        bounds = year_range(years, corpus.years)
        if bounds is None:
            span = f"between {corpus.years[0]} and {corpus.years[1]}" if corpus.years else "(this corpus has no dated documents)"
            notices.append(
                f"Ignored the year range in the link ({', '.join(_quoted(years))}): give two years {span}, earliest first."
            )
        elif bounds != corpus.years:
            filters = replace(filters, years=bounds)

    _choice(raw, COMPARE, tuple(COMPARE_CHOICES), notices)

    return filters, notices


def filters_to_query(filters: Filters) -> list[tuple[str, str]]:
    """The query parameters that reproduce ``filters``; defaults are left out."""
    default = Filters()
    pairs: list[tuple[str, str]] = [(THEME, theme) for theme in filters.themes]
    if filters.theme_mode != default.theme_mode:
        pairs.append((MATCH, filters.theme_mode))
    if filters.voice != default.voice:
        pairs.append((VOICE, filters.voice))
    if filters.polarity != default.polarity:
        pairs.extend((POLARITY, _format_number(v)) for v in filters.polarity)
    if filters.keyword:
        pairs.append((KEYWORD, filters.keyword))
    if filters.section is not None:
        pairs.append((SECTION, filters.section))
    if filters.include_posts:
        pairs.append((POSTS, "true"))
    if filters.include_repeats:
        pairs.append((REPEATS, "true"))
    pairs.extend((DOCUMENT, doc_id) for doc_id in filters.documents)
    pairs.extend((SPEAKER, speaker) for speaker in filters.speakers)
    pairs.extend((COUNTRY, country) for country in filters.countries)
    if filters.years is not None:
        pairs.extend((YEAR, str(year)) for year in filters.years)
    return pairs


def query_string(filters: Filters) -> str:
    """``filters_to_query`` encoded for a URL, without the leading "?"."""
    return urlencode(filters_to_query(filters))


def view_link(
    base_url: str | None,
    filters: Filters,
    *,
    measure: str = "mentions",
    present: bool = False,
    fingerprint: str = "",
    compare: str = DEFAULT_COMPARE,
) -> str:
    """The full link to a view: its filters, chart measure, grouping, presentation mode and data fingerprint."""
    pairs = filters_to_query(filters)
    if measure != "mentions":
        pairs.append((MEASURE, measure))
    if compare != DEFAULT_COMPARE:
        pairs.append((COMPARE, compare))
    if present:
        pairs.append((PRESENT, "true"))
    if fingerprint:
        pairs.append((FINGERPRINT, fingerprint))
    query = urlencode(pairs)
    base = (base_url or "").split("?", 1)[0]
    parts = urlsplit(base)
    if parts.netloc and not parts.path:
        base += "/"  # "http://host:8501" -> "http://host:8501/"
    return f"{base}?{query}" if query else (base or "?")


def _values(raw: Mapping[str, Sequence[str]], name: str) -> list[str]:
    value = raw.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _single(raw: Mapping[str, Sequence[str]], name: str, notices: list[str]) -> str | None:
    values = _values(raw, name)
    if not values:
        return None
    if len(values) > 1:
        notices.append(f"The link gives “{name}” {len(values)} times; used the last one.")
    return values[-1]


def _choice(
    raw: Mapping[str, Sequence[str]],
    name: str,
    allowed: Sequence[str],
    notices: list[str],
    *,
    fold_case: bool = False,
) -> str | None:
    """The parameter's value when it is one of ``allowed``; otherwise a notice and None."""
    value = _single(raw, name, notices)
    if value is None:
        return None
    wanted = value.lower() if fold_case else value
    if wanted in allowed:
        return wanted
    notices.append(f"Ignored “{name}={_shorten(value)}”: use {' or '.join(allowed)}.")
    return None


def _polarity_range(values: Sequence[str]) -> tuple[float, float] | None:
    return _range(values, float, FULL_POLARITY)


def year_range(values: Sequence[str], bounds: tuple[int, int] | None) -> tuple[int, int] | None:
    """Two whole years within ``bounds``, earliest first, as a link gives them; None otherwise."""
    return None if bounds is None else _range(values, int, bounds)


def _range(values: Sequence[str], number: Callable[[str], float], bounds: tuple[float, float]):
    """Two numbers within ``bounds``, lowest first, read with ``number``; None otherwise."""
    if len(values) != 2:
        return None
    try:
        low, high = (number(v) for v in values)
    except ValueError:
        return None
    if not (bounds[0] <= low <= high <= bounds[1]):
        return None
    return (low, high)


def _format_number(value: float) -> str:
    return f"{value:g}"


def _quoted(values: Iterable[str]) -> list[str]:
    return [f"“{_shorten(v)}”" for v in values]


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
