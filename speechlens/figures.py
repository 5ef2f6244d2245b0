"""Plotly figures, built from plain tables so exports and tests need no UI.

Every figure carries its own title and a subtitle naming the source, the
filters and the coverage, uses each theme's one colour, and keeps text at
12 px or more so it survives being pasted at half a slide's width. Points
carry the paragraph ids (``customdata``) they stand for, so a click can lead
back to the paragraphs.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from speechlens.sentiment import format_polarity
from speechlens.themes import Lexicon

FONT_FAMILY = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, sans-serif"
BASE_FONT_SIZE = 14
NO_THEME_COLOR = "#858585"  # grey with 3.7:1 contrast on white
NO_THEME_LABEL = "No theme"
SUBTITLE_WRAP = 120  # characters per subtitle line; fits a full-width chart at 13 px
# For placing labels in data units before the browser lays them out: a 12 px
# character is about 6.5 px wide, and a full-width plot area about 850 px.
LABEL_CHAR_PX = 6.5
TYPICAL_PLOT_PX = 850

# A small template built once: Plotly's stock ones are deep-copied into every
# figure, which costs more than drawing the chart.
TEMPLATE = go.layout.Template(
    layout={
        "xaxis": {"gridcolor": "#eeeeee", "linecolor": "#cccccc", "zeroline": False, "automargin": True},
        "yaxis": {"gridcolor": "#eeeeee", "linecolor": "#cccccc", "zeroline": False, "automargin": True},
        "hovermode": "closest",
    }
)

MEASURES: dict[str, str] = {
    "mentions": "Mentions",
    "per_1000_words": "Mentions per 1,000 words",
    "paragraphs": "Paragraphs mentioning the theme",
}


def wrap_label(text: str, width: int = 24) -> str:
    """Break a long label onto several lines for axis ticks and legends."""
    return "<br>".join(textwrap.wrap(text, width=width)) or text


def fade_color(hex_color: str, amount: float = 0.6) -> str:
    """The colour mixed with white: ``amount`` 0 keeps it, 1 gives white."""
    red, green, blue = (int(hex_color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    mixed = (round(c + (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def excerpt(text: str, limit: int = 160) -> str:
    """The opening of a paragraph, cut at a word boundary, wrapped for a hover box."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit + 1].rsplit(" ", 1)[0] + "…"
    # Wrap first, escape after: wrapping escaped text could split "&amp;".
    return "<br>".join(_escape_hover(line) for line in textwrap.wrap(text, width=60))


def _escape_hover(text: str) -> str:
    # Plotly renders a subset of HTML in hover text; speech text is data, not markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def subtitle_markup(subtitle: str, width: int = SUBTITLE_WRAP) -> str:
    """Escape a plain-text subtitle and wrap each of its lines for Plotly."""
    lines = [wrapped for line in subtitle.splitlines() for wrapped in (textwrap.wrap(line, width) or [""])]
    return "<br>".join(_escape_hover(line) for line in lines)


def _base_layout(fig: go.Figure, title: str, subtitle: str, height: int) -> go.Figure:
    subtitle_lines = subtitle_markup(subtitle).count("<br>") + 1 if subtitle else 0
    fig.update_layout(
        title={
            "text": title,
            "subtitle": {"text": subtitle_markup(subtitle), "font": {"size": 13, "color": "#555"}},
            "x": 0.0,
            "xanchor": "left",
            "pad": {"l": 8},
            "font": {"size": 20},
        },
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": "#222"},
        template=TEMPLATE,
        height=height,
        margin={"l": 16, "r": 24, "t": 64 + 18 * subtitle_lines, "b": 64},
        hoverlabel={"font": {"size": 13}, "align": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig


def empty_figure(title: str, subtitle: str, message: str, height: int = 360) -> go.Figure:
    """A figure that says why there is nothing to draw, rather than an empty frame."""
    fig = go.Figure()
    _base_layout(fig, title, subtitle, height)
    fig.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": 16, "color": "#666"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def theme_frequency_figure(
    frequencies: pd.DataFrame,
    *,
    measure: str = "mentions",
    subtitle: str = "",
    highlight: Sequence[str] = (),
) -> go.Figure:
    """Horizontal bars, one per theme in its colour, largest at the top.

    ``frequencies`` is ``filters.theme_frequencies``'s table.
    """
    title = f"Theme frequency: {MEASURES[measure].lower()}"
    if frequencies.empty or frequencies["mentions"].sum() == 0:
        return empty_figure(title, subtitle, "No theme terms in these paragraphs.")
    table = frequencies.sort_values([measure, "mentions"], ascending=[True, True])
    values = table[measure]
    text = [f"{v:.1f}" if measure == "per_1000_words" else f"{int(v)}" for v in values]
    # Fade by colour, not by marker opacity: Streamlit drops click events on bar
    # traces that carry both per-bar opacity and text labels.
    colors = [c if not highlight or t in highlight else fade_color(c) for t, c in zip(table["theme"], table["color"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[wrap_label(label) for label in table["label"]],
            orientation="h",
            marker={"color": colors, "line": {"width": 0}},
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=table[["theme", "mentions", "paragraphs", "per_1000_words"]].to_numpy(),
            hovertemplate=(
                "<b>%{y}</b><br>%{customdata[1]} mentions in %{customdata[2]} paragraphs"
                "<br>%{customdata[3]:.1f} per 1,000 words<extra></extra>"
            ),
        )
    )
    _base_layout(fig, title, subtitle, height=max(380, 44 * len(table) + 150))
    fig.update_xaxes(title_text=MEASURES[measure], rangemode="tozero", gridcolor="#eee",
                     range=[0, float(values.max()) * 1.15 or 1],
                     # whole numbers of mentions or paragraphs get whole-number ticks
                     dtick=1 if measure != "per_1000_words" and values.max() <= 8 else None)
    fig.update_yaxes(title_text=None, automargin=True, tickfont={"size": 13}, ticklabelstandoff=6)
    fig.update_layout(bargap=0.25, showlegend=False)
    return fig


def theme_map_figure(
    paragraphs: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: Lexicon,
    *,
    subtitle: str = "",
    sections: Sequence[tuple[int, str]] = (),
) -> go.Figure:
    """Where each theme comes up along the speech: a dot per paragraph and theme,
    sized by mentions, in the theme's colour. ``sections`` are (position, heading)
    pairs, drawn as dotted lines."""
    title = "Where each theme comes up along the speech"
    long = (
        mentions.rename_axis(index="pid", columns="theme").stack().rename("count").reset_index()
        if not mentions.empty else pd.DataFrame(columns=["pid", "theme", "count"])
    )
    long = long[long["count"] > 0]
    if long.empty:
        return empty_figure(title, subtitle, "No theme terms in these paragraphs.")
    long = long.join(paragraphs[["position", "text", "matched_terms"]], on="pid")
    labels = [wrap_label(theme.label) for theme in lexicon.themes]
    # An invisible point per theme keeps every theme's row, as in the other charts.
    fig = go.Figure(
        go.Scatter(x=[None] * len(labels), y=labels, mode="markers", hoverinfo="skip", showlegend=False)
    )
    max_count = max(int(long["count"].max()), 1)
    for theme, label in zip(lexicon.themes, labels, strict=True):
        rows = long[long["theme"] == theme.id]
        fig.add_trace(
            go.Scatter(
                x=rows["position"],
                y=[label] * len(rows),
                mode="markers",
                name=theme.label,
                marker={
                    "color": theme.color,
                    "size": [10 + 18 * (c / max_count) ** 0.5 for c in rows["count"]],
                    "line": {"width": 0},
                },
                customdata=list(zip(rows["pid"], rows["count"], [_terms_for(t, theme.id) for t in rows["matched_terms"]],
                                    [excerpt(t, 120) for t in rows["text"]], strict=True)),
                hovertemplate=(
                    f"<b>{theme.label}</b> · ¶%{{x}}<br>%{{customdata[1]}} mention(s): %{{customdata[2]}}"
                    "<br><br>%{customdata[3]}<extra></extra>"
                ),
                showlegend=False,
            )
        )
    _base_layout(fig, title, subtitle, height=max(420, 40 * len(labels) + 180))
    x_range = (float(paragraphs["position"].min()) - 0.5, float(paragraphs["position"].max()) + 0.5)
    add_section_markers(fig, sections, x_range)
    fig.update_xaxes(
        title_text=f"Paragraph number (reading order) · dot size: mentions in the paragraph (largest {max_count})",
        gridcolor="#eee", zeroline=False, range=list(x_range), dtick=_position_tick(paragraphs),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True,
                     tickfont={"size": 13}, gridcolor="#f2f2f2", ticklabelstandoff=6)
    return fig


def add_section_markers(
    fig: go.Figure, sections: Sequence[tuple[int, str]], x_range: tuple[float, float], limit: int = 8
) -> None:
    """A dotted vertical line at each subheading, labelled inside the plot with its shortened text.

    Labels sit at the top of the plot area (never over the subtitle), to the
    right of their line unless that would run past the edge; a label that
    would run into the previous one is left out (its line stays).
    """
    if not sections or len(sections) > limit:
        return
    low, high = x_range
    span = max(high - low, 1.0)
    previous_end = float("-inf")
    for position, heading in sections:
        if not low <= position <= high:
            continue
        fig.add_vline(x=position, line={"color": "#9a9a9a", "width": 1, "dash": "dot"})
        label = "§ " + (heading if len(heading) <= 34 else heading[:33].rsplit(" ", 1)[0] + "…")
        width = span * len(label) * LABEL_CHAR_PX / TYPICAL_PLOT_PX
        to_the_right = position + width <= high
        start, end = (position, position + width) if to_the_right else (position - width, position)
        if start < previous_end:
            continue
        previous_end = end
        fig.add_annotation(
            x=position, y=1, xref="x", yref="paper", yanchor="top",
            xanchor="left" if to_the_right else "right", xshift=3 if to_the_right else -3,
            text=_escape_hover(label), showarrow=False,
            font={"size": 12, "color": "#555"}, bgcolor="rgba(255,255,255,0.85)",
        )


def _terms_for(matched_terms: Sequence[str], theme_id: str) -> str:
    prefix = f"{theme_id}: "
    terms = [t[len(prefix):] for t in matched_terms if t.startswith(prefix)]
    return _escape_hover(", ".join(terms))


def _position_tick(paragraphs: pd.DataFrame) -> int | None:
    if paragraphs.empty:
        return None
    span = int(paragraphs["position"].max())
    return 1 if span <= 30 else None


def sentiment_figure(
    paragraphs: pd.DataFrame,
    lexicon: Lexicon,
    *,
    subtitle: str = "",
    sections: Sequence[tuple[int, str]] = (),
) -> go.Figure:
    """Polarity of each paragraph along the speech, coloured by its dominant theme."""
    title = "Sentiment per paragraph along the speech"
    if paragraphs.empty:
        return empty_figure(title, subtitle, "No paragraphs match these filters.")
    table = paragraphs.sort_values("position")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=table["position"], y=table["polarity"], mode="lines",
            line={"color": "#c8c8c8", "width": 1.5}, hoverinfo="skip", showlegend=False,
        )
    )
    groups = [(theme.id, theme.label, theme.color) for theme in lexicon.themes]
    groups.append(("", NO_THEME_LABEL, NO_THEME_COLOR))
    for theme_id, label, color in groups:
        rows = table[table["dominant_theme"] == theme_id]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["position"],
                y=rows["polarity"],
                mode="markers",
                name=wrap_label(label, 28),
                marker={"color": color, "size": 13, "line": {"color": "white", "width": 1}},
                customdata=list(zip(
                    rows.index,
                    [format_polarity(p) for p in rows["polarity"]],
                    [f"{s:.2f}" for s in rows["subjectivity"]],
                    [excerpt(t) for t in rows["text"]],
                    strict=True,
                )),
                hovertemplate=(
                    "<b>¶%{x}</b> · polarity %{customdata[1]} · subjectivity %{customdata[2]}"
                    "<br><br>%{customdata[3]}<extra>" + _escape_hover(label) + "</extra>"
                ),
            )
        )
    reach = max(0.25, float(table["polarity"].abs().max()) * 1.25)
    reach = min(reach, 1.05)
    _base_layout(fig, title, subtitle, height=480)
    fig.add_hline(y=0, line={"color": "#555", "width": 1, "dash": "dot"})
    x_range = (float(table["position"].min()) - 0.5, float(table["position"].max()) + 0.5)
    add_section_markers(fig, sections, x_range)
    for y, text, anchor in ((1, "▲ more positive", "top"), (0, "▼ more negative", "bottom")):
        fig.add_annotation(
            text=text, x=0, y=y, xref="paper", yref="paper", xanchor="left", yanchor=anchor,
            showarrow=False, font={"size": 12, "color": "#666"},
        )
    fig.update_xaxes(title_text="Paragraph number (reading order)", gridcolor="#eee", zeroline=False,
                     dtick=_position_tick(table), range=list(x_range))
    fig.update_yaxes(title_text="Polarity (−1 to +1)", range=[-reach, reach],
                     gridcolor="#eee", zeroline=False)
    fig.update_layout(
        legend={"title": {"text": "Dominant theme"}, "orientation": "v", "x": 1.02, "y": 1,
                "font": {"size": 12}},
        margin={"r": 200},
    )
    return fig


def color_map(lexicon: Lexicon) -> Mapping[str, str]:
    """Theme id -> colour, plus the colour for paragraphs with no theme."""
    colors = {theme.id: theme.color for theme in lexicon.themes}
    colors[""] = NO_THEME_COLOR
    return colors
