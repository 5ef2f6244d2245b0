"""The sidebar: every filter, each bound to its URL query parameter."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from speechlens import urlstate
from speechlens.analysis import Analysis
from speechlens.markup import escape_markdown
from speechlens.catalog import CorpusChoices, document_choices
from speechlens.filters import FULL_POLARITY, VOICE_CHOICES, VOICE_HINTS, Filters

ALL_SECTIONS = "All sections"


def _reset_filters() -> None:
    # Assigning the defaults (rather than deleting the keys) wins over the URL,
    # and Streamlit then drops the parameters from it.
    defaults = Filters()
    st.session_state[urlstate.THEME] = list(defaults.themes)
    st.session_state[urlstate.MATCH] = defaults.theme_mode
    st.session_state[urlstate.VOICE] = defaults.voice
    st.session_state[urlstate.POLARITY] = defaults.polarity
    st.session_state[urlstate.KEYWORD] = defaults.keyword
    st.session_state[urlstate.SECTION] = ALL_SECTIONS
    st.session_state[urlstate.POSTS] = defaults.include_posts
    st.session_state[urlstate.REPEATS] = defaults.include_repeats
    for key in (urlstate.DOCUMENT, urlstate.SPEAKER, urlstate.COUNTRY):
        if key in st.session_state:
            st.session_state[key] = []
    if urlstate.YEAR in st.session_state and _YEAR_BOUNDS in st.session_state:
        st.session_state[urlstate.YEAR] = st.session_state[_YEAR_BOUNDS]


_YEAR_BOUNDS = "_year_bounds"
_YEAR_TOUCHED = "_year_touched"


def _touch_years() -> None:
    st.session_state[_YEAR_TOUCHED] = True


def render_corpus_filters(catalog: pd.DataFrame, choices: CorpusChoices) -> dict:
    """Country, speaker, year and document filters; drawn only when there is more than one document.

    Documents come last: they are listed as the other three narrow them (all of them
    on a corpus of up to catalog.MOST_LISTED_DOCUMENTS), and on a larger corpus an id can be typed in.
    """
    values: dict = {"documents": (), "speakers": (), "countries": (), "years": None}
    if len(catalog) < 2:
        return values
    st.header("Corpus")
    if choices.countries:
        values["countries"] = tuple(st.multiselect(
            "Country or organisation", options=sorted(choices.countries, key=str.casefold),
            key=urlstate.COUNTRY, bind="query-params", placeholder="All",
        ))
    if choices.speakers:
        values["speakers"] = tuple(st.multiselect(
            "Speaker", options=sorted(choices.speakers, key=str.casefold),
            key=urlstate.SPEAKER, bind="query-params", placeholder="All",
        ))
    if choices.years is not None and choices.years[0] < choices.years[1]:
        values["years"] = _year_filter(choices.years)
    values["documents"] = _document_filter(catalog, values)
    return values


def _year_filter(bounds: tuple[int, int]) -> tuple[int, int] | None:
    st.session_state[_YEAR_BOUNDS] = bounds
    # Streamlit's slider takes a reversed or fractional range from a link as it is, but the
    # link notice says such a range is ignored: so it is, until the user moves the slider.
    linked = st.query_params.get_all(urlstate.YEAR)
    ignore_link = bool(linked) and urlstate.year_range(linked, bounds) is None
    ignore_link = ignore_link and not st.session_state.get(_YEAR_TOUCHED)
    low, high = st.slider(
        "Years", min_value=bounds[0], max_value=bounds[1], value=bounds, step=1,
        key=urlstate.YEAR, bind="query-params", on_change=_touch_years,
        help="Documents without a known date or year are left out once the range is narrowed.",
    )
    if ignore_link or low > high or (int(low), int(high)) == bounds:
        return None
    return int(low), int(high)


def _document_filter(catalog: pd.DataFrame, narrowed_by: dict) -> tuple[str, ...]:
    # The widget's value, or the link's on the first run (the widget is not bound yet).
    chosen = st.session_state.get(urlstate.DOCUMENT) or st.query_params.get_all(urlstate.DOCUMENT)
    offer = document_choices(
        catalog, chosen, speakers=narrowed_by["speakers"], countries=narrowed_by["countries"],
        years=narrowed_by["years"],
    )
    # Short: the box shows about 30 characters. The help says the rest.
    if not offer.listed:
        placeholder = f"All {offer.matching:,} · type an id"
    elif offer.matching == len(catalog):
        placeholder = f"All {offer.matching:,} documents"
    else:
        placeholder = f"All {offer.matching:,} matching"
    # Listed by doc_id, not by a friendlier label: a bound widget puts what it displays in the
    # link, and a doc_id stays the same when a document's metadata is corrected.
    picked = st.multiselect(
        "Documents",
        options=offer.options,
        key=urlstate.DOCUMENT,
        bind="query-params",
        placeholder=placeholder,
        accept_new_options=offer.typed,
        help="Show only these documents (by their id; the Corpus button lists titles and speakers). "
        f"Up to {offer.most:,} documents are listed: those the filters above leave. On a larger "
        "corpus, narrow it by country or years first, or type a document's id.",
    )
    unknown = [doc_id for doc_id in picked if doc_id not in catalog.index]
    if unknown:
        st.warning(
            f"Not a document of this corpus, so left out: {escape_markdown(', '.join(unknown))}. "
            "The Corpus button lists every document's id.",
            icon="⚠️",
        )
    return tuple(doc_id for doc_id in picked if doc_id in catalog.index)


def render_sidebar(analysis: Analysis, catalog: pd.DataFrame, choices: CorpusChoices, sections: list[str]) -> Filters:
    """Draw the filters and return what they say, as a ``Filters`` value."""
    lexicon = analysis.lexicon
    with st.sidebar:
        corpus = render_corpus_filters(catalog, choices)
        st.header("Filters")
        themes = st.multiselect(
            "Themes",
            options=list(lexicon.ids),
            key=urlstate.THEME,
            bind="query-params",
            placeholder="All themes",
            help="Show only paragraphs that mention these themes. Theme ids are defined in data/themes.toml.",
        )
        theme_mode = st.radio(
            "Paragraphs must mention",
            options=["any", "all"],
            format_func=str,
            captions=None,
            horizontal=True,
            key=urlstate.MATCH,
            bind="query-params",
            help="any: at least one of the chosen themes; all: every chosen theme.",
            disabled=len(themes) < 2,
        )
        voice = st.radio(
            "Whose words",
            options=list(VOICE_CHOICES),
            captions=[VOICE_HINTS[v] for v in VOICE_CHOICES],
            key=urlstate.VOICE,
            bind="query-params",
            help="In a press report, 'speaker' keeps the speaker's quoted and reported words; "
                 "'narration' keeps the reporter's own description.",
        )
        polarity = st.slider(
            "Paragraph polarity",
            min_value=FULL_POLARITY[0],
            max_value=FULL_POLARITY[1],
            value=FULL_POLARITY,
            step=0.05,
            key=urlstate.POLARITY,
            bind="query-params",
            help="TextBlob polarity: −1 most negative, +1 most positive.",
        )
        keyword = st.text_input(
            "Search the text",
            key=urlstate.KEYWORD,
            bind="query-params",
            max_chars=urlstate.MAX_KEYWORD_LENGTH,
            placeholder="e.g. Interpol",
        )
        section = ALL_SECTIONS
        if len(sections) > 1:
            section = st.selectbox(
                "Section",
                options=[ALL_SECTIONS, *sections],
                key=urlstate.SECTION,
                bind="query-params",
            )
        include_posts = st.checkbox(
            "Include embedded social-media posts", key=urlstate.POSTS, bind="query-params",
        )
        include_repeats = st.checkbox(
            "Count repeated passages again", key=urlstate.REPEATS, bind="query-params",
            help="A passage that repeats earlier text almost word for word is counted once by default.",
        )
        st.button("Reset filters", on_click=_reset_filters, width="stretch")
        st.toggle(
            "Presentation mode",
            key=urlstate.PRESENT,
            bind="query-params",
            help="Hides the sidebar and the app's controls, so a screenshot shows only the content. "
            "The way back is at the foot of the page.",
        )
        with st.expander("Theme ids"):
            for theme in lexicon.themes:
                st.caption(f"**{escape_markdown(theme.id)}**: {escape_markdown(theme.label)}")

    return Filters(
        themes=tuple(themes),
        theme_mode=theme_mode,
        voice=voice,
        polarity=(float(polarity[0]), float(polarity[1])),
        keyword=keyword or "",
        section=None if section == ALL_SECTIONS else section,
        include_posts=bool(include_posts),
        include_repeats=bool(include_repeats),
        **corpus,
    )
