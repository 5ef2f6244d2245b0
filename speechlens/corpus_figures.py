"""Figures for views of many documents: distinctive words, group comparisons, per-group aggregates.

They follow the house style of :mod:`speechlens.figures`: a title that says
what is measured, a subtitle with the source and coverage (given by the
caller) and how to read the chart, axis titles in plain words with units,
each theme in its one colour, and no text under 12 px.

Every mark carries ``customdata`` whose first value leads back to
paragraphs: the word (distinctive words) or the group key (everything
else). Heatmaps are drawn as rows of bars rather than ``go.Heatmap``,
because Streamlit's chart selection returns no points for heatmaps; bars
fill their cells at any size and report clicks like every other chart.
Groups sit on a numeric axis (first group at the top) whose tick labels are
thinned so that 80 groups never overlap.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from speechlens.distinctive import DistinctiveTerms
from speechlens.figures import (
    BASE_FONT_SIZE,
    FONT_FAMILY,
    NO_THEME_COLOR,
    NO_THEME_LABEL,
    TEMPLATE,
    TYPICAL_PLOT_PX,
    empty_figure,
    subtitle_markup,
    wrap_label,
)
from speechlens.sentiment import format_polarity
from speechlens.themes import Lexicon

OVER_USED_COLOR = "#3a3a3a"  # dark and light grey: no theme colour is claimed, and they differ in lightness
UNDER_USED_COLOR = "#a8a8a8"
# A single-hue ramp (white to blue-grey) reads the same with any colour vision.
RATE_COLORSCALE = [[0.0, "#f7f7f7"], [0.35, "#b0bec5"], [0.7, "#607d8b"], [1.0, "#263238"]]
MISSING_CELL_COLOR = "#ffffff"
BOX_COLOR = "#9e9e9e"
DOT_COLOR = "rgba(90, 90, 90, 0.35)"
MEDIAN_COLOR = "#111111"
PINNED_COLOR = "#666666"

TITLE_TOP_PX = 18  # room above the title
MIN_LABEL_PX = 16  # vertical room per group label; thinner rows get every k-th label
WORD_CHAR_PX = 7.5  # a 13 px character, for placing words before the browser lays them out
MAX_VALUE_CELLS = 200  # a heatmap writes its numbers in the cells up to this many cells
MAX_DOTS_PER_GROUP = 150
SMALL_MULTIPLES_MAX = 4  # up to this many groups, theme profiles are bar panels instead of a heatmap

DISTINCTIVE_TITLE = "Words that set this selection apart from the rest of the corpus"
DISTINCTIVE_READING = (
    "Bar length: z-score of the weighted log-odds (Monroe, Colaresi & Quinn 2008); beyond ±2 is unlikely to be chance."
)


# ----------------------------------------------------------------------------- distinctive words


def distinctive_terms_figure(result: DistinctiveTerms, *, subtitle: str = "") -> go.Figure:
    """A diverging bar chart of z-scores: words used more in the selection (right, top)
    and words used less (left, bottom), each labelled at the zero line.

    ``result`` is ``distinctive.distinctive_terms``'s; each bar and label carries
    customdata [word, side, count in selection, count in rest, rates per 1,000, z].
    """
    title = DISTINCTIVE_TITLE
    full_subtitle = _join(subtitle, DISTINCTIVE_READING)
    if result.is_empty:
        return empty_figure(title, full_subtitle, result.problem or "No words to compare.")
    over, under = result.over_used, result.under_used
    # One row per word, over-used first; a blank row between the two sides.
    over_rows = np.arange(len(over), dtype=float)
    under_rows = np.arange(len(under), dtype=float) + len(over) + (1 if len(over) else 0)
    rows_total = len(over) + len(under) + (1 if len(over) and len(under) else 0)

    x_range = _diverging_range(over, under)
    gap = (x_range[1] - x_range[0]) * 0.004  # between a word and the zero line
    fig = _figure()
    for rows, table, color, side_text, anchor in (
        (over_rows, over, OVER_USED_COLOR, "more", "middle left"),
        (under_rows, under, UNDER_USED_COLOR, "less", "middle right"),
    ):
        if table.empty:
            continue
        customdata = np.column_stack([
            table["term"].to_numpy(dtype=object),
            table["side"].to_numpy(dtype=object),
            table["count_selection"].to_numpy(),
            table["count_rest"].to_numpy(),
            table["per_1000_selection"].to_numpy(),
            table["per_1000_rest"].to_numpy(),
            table["z"].to_numpy(),
        ])
        hover = (
            "<b>%{customdata[0]}</b>: used " + side_text + " in this selection"
            "<br>%{customdata[2]:,} times in the selection (%{customdata[4]:.2f} per 1,000 words)"
            "<br>%{customdata[3]:,} times in the rest of the corpus (%{customdata[5]:.2f} per 1,000 words)"
            "<br>z = %{customdata[6]:.1f}<extra></extra>"
        )
        fig.add_trace(_trace(go.Bar,
            x=table["z"], y=rows, orientation="h", marker={"color": color, "line": {"width": 0}},
            customdata=customdata, hovertemplate=hover, showlegend=False, width=0.72,
        ))
        # The word at the zero line, on the side its bar leaves empty.
        fig.add_trace(_trace(go.Scatter,
            x=np.full(len(table), (-gap if anchor == "middle left" else gap)), y=rows, mode="text",
            text=[_escape(t) for t in table["term"]],
            textposition=anchor, textfont={"size": 13, "color": "#222"},
            customdata=customdata, hovertemplate=hover, showlegend=False,
        ))
    height = max(360, rows_total * 22 + 170 + _subtitle_px(full_subtitle))
    _layout(fig, title, full_subtitle, height)
    _zero_line(fig, {"color": "#555", "width": 1})
    sides = ((0, "◀ used less in this selection", "left"), (1, "used more in this selection ▶", "right"))
    for x, text, anchor in sides:
        fig.add_annotation(
            text=text, x=x, y=0, xref="paper", yref="paper", xanchor=anchor, yanchor="top", yshift=-34,
            showarrow=False, font={"size": 13, "color": "#444"},
        )
    fig.update_xaxes(title_text="z-score", title_standoff=26, range=x_range,
                     gridcolor="#eee", zeroline=False)
    fig.update_yaxes(visible=False, autorange=False, range=[rows_total - 0.5, -0.6])
    fig.update_layout(bargap=0.3, barmode="overlay", margin={"b": 90})
    return fig


def _diverging_range(over: pd.DataFrame, under: pd.DataFrame) -> list[float]:
    """x range holding the longest bar on each side and, on the other side, the words written at zero."""
    def label_share(table: pd.DataFrame) -> float:
        longest = max((len(t) for t in table["term"]), default=0)
        return min(0.45, (longest * WORD_CHAR_PX + 16) / TYPICAL_PLOT_PX)

    right = max(float(over["z"].max()) if len(over) else 0.0, 0.0) * 1.05
    left = max(-float(under["z"].min()) if len(under) else 0.0, 0.0) * 1.05
    over_words, under_words = label_share(over), label_share(under)
    # Over-used words sit left of zero and under-used ones right of it: each side
    # must be wide enough for the other side's words. Two rounds settle both.
    for _ in range(2):
        left = max(left, over_words * right / (1 - over_words), 0.5)
        right = max(right, under_words * left / (1 - under_words), 0.5)
    return [-left, right]


# ----------------------------------------------------------------------------- group comparison


def theme_profile_figure(
    profile: pd.DataFrame, lexicon: Lexicon, *, subtitle: str = "", note: str = "", group_name: str = "group"
) -> go.Figure:
    """Mentions per 1,000 words of every theme in each group: bar panels side by side (in the
    themes' colours) for up to four groups, a heatmap of groups x themes beyond.

    ``profile`` is ``compare.theme_profile``'s (or ``aggregates.theme_rates_by_group``'s) table;
    ``note`` says which groups were folded or left out (``GroupedSelection.note``).
    """
    title = f"Themes by {group_name}: mentions per 1,000 words"
    groups = _groups_of(profile)
    if not len(groups) or profile["group_words"].sum() == 0:
        return empty_figure(title, _join(subtitle, note), "No paragraphs to compare.")
    if len(groups) <= SMALL_MULTIPLES_MAX:
        return _theme_panels(profile, lexicon, groups, title, _join(subtitle, note))
    reading = "Darker: more mentions per 1,000 words."
    if profile["per_1000_words"].isna().any():
        reading += f" Blank: no words in that {group_name}."
    return _theme_heatmap(profile, lexicon, groups, title, _join(subtitle, _join(note, reading, sep=" ")))


def sentiment_distribution_figure(
    polarity: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    subtitle: str = "",
    note: str = "",
    group_name: str = "group",
) -> go.Figure:
    """The spread of paragraph polarity in each group: the paragraphs as dots above a box
    (middle half), a median line and whiskers from the 5th to the 95th percentile.

    ``polarity`` and ``summary`` are ``compare.polarity_values`` and ``compare.polarity_summary``.
    Dots are at most MAX_DOTS_PER_GROUP paragraphs per group, evenly spread over its
    range of polarity, so big groups stay light and keep their shape. The axis is
    zoomed on the bulk of the paragraphs; the few beyond it are drawn as arrows at its edge.
    Boxes carry customdata [group, ...]; dots [group, pid, polarity].
    """
    title = f"Sentiment by {group_name}: polarity of each paragraph"
    boxes = "Box: the middle half of them; black line: median; whiskers: 5th to 95th percentile."
    if summary.empty or summary["paragraphs"].sum() == 0:
        return empty_figure(title, _join(subtitle, note), "No paragraphs to compare.")
    groups = list(summary["group"])
    labels = [str(g) for g in groups]
    positions = np.arange(len(groups), dtype=float)
    shown = summary["paragraphs"].to_numpy() > 0
    rows = summary[shown]
    box_y = positions[shown] + 0.2  # boxes in the lower part of each row, dots above them
    dots = _spread_sample(polarity, groups)
    low, high = _polarity_range(polarity["polarity"].to_numpy(dtype=float), rows["p05"], rows["p95"])
    pinned = ((dots["polarity"] < low) | (dots["polarity"] > high)).to_numpy() if len(dots) else np.zeros(0, bool)
    sampled = len(dots) < len(polarity)
    reading = (f"Dots: paragraphs (up to {MAX_DOTS_PER_GROUP} per group, spread over its range). " if sampled
               else "Dots: paragraphs. ") + boxes
    if pinned.any():
        reading += " Arrows at the edge: paragraphs beyond the axis."
    full_subtitle = _join(subtitle, _join(note, reading))

    fig = _figure()
    if len(dots):
        dot_y = positions[dots["row"].to_numpy()] - 0.1 - 0.28 * (_jitter(len(dots)) + 1) / 2
        values = dots["polarity"].to_numpy()
        dot_data = np.column_stack([
            dots["group"].to_numpy(dtype=object), dots["pid"].to_numpy(), [format_polarity(v) for v in values],
        ])
        for chosen, symbol, color, size, x in (
            (~pinned, "circle", DOT_COLOR, 6, values),
            (values < low, "triangle-left", PINNED_COLOR, 9, np.full(len(values), low)),
            (values > high, "triangle-right", PINNED_COLOR, 9, np.full(len(values), high)),
        ):
            if not chosen.any():
                continue
            fig.add_trace(_trace(go.Scatter,
                x=x[chosen], y=dot_y[chosen], mode="markers", customdata=dot_data[chosen],
                marker={"color": color, "size": size, "symbol": symbol, "line": {"width": 0}},
                hovertemplate="Paragraph %{customdata[1]} · polarity %{customdata[2]}<extra></extra>",
                showlegend=False, cliponaxis=False,
            ))
    whisker_x: list = []
    whisker_y: list = []
    for y, p05, p95 in zip(box_y, rows["p05"].clip(low, high), rows["p95"].clip(low, high), strict=True):
        whisker_x += [p05, p95, None]
        whisker_y += [y, y, None]
    fig.add_trace(_trace(go.Scatter, x=whisker_x, y=whisker_y, mode="lines", line={"color": "#444", "width": 1.5},
                             hoverinfo="skip", showlegend=False))
    box_data = np.column_stack([
        rows["group"].to_numpy(dtype=object), rows["paragraphs"].to_numpy(),
        [format_polarity(v) for v in rows["median"]], [format_polarity(v) for v in rows["q1"]],
        [format_polarity(v) for v in rows["q3"]], [format_polarity(v) for v in rows["mean"]],
        (100 * rows["share_negative"]).round().to_numpy(), (100 * rows["share_positive"]).round().to_numpy(),
        [_escape(str(g)) for g in rows["group"]],
    ])
    box_hover = (
        "<b>%{customdata[8]}</b> · %{customdata[1]:,} paragraphs<br>median %{customdata[2]} · "
        "middle half %{customdata[3]} to %{customdata[4]} · mean %{customdata[5]}"
        "<br>%{customdata[6]}% negative · %{customdata[7]}% positive<extra></extra>"
    )
    fig.add_trace(_trace(go.Bar,
        x=(rows["q3"] - rows["q1"]).clip(lower=0.004), base=rows["q1"], y=box_y, orientation="h",
        width=0.3, marker={"color": BOX_COLOR, "line": {"color": "#444", "width": 1}},
        customdata=box_data, hovertemplate=box_hover, showlegend=False,
    ))
    fig.add_trace(_trace(go.Scatter,
        x=rows["median"], y=box_y, mode="markers", customdata=box_data, hovertemplate=box_hover,
        marker={"symbol": "line-ns", "size": 16, "line": {"color": MEDIAN_COLOR, "width": 3}}, showlegend=False,
    ))
    row_px = _row_px(len(groups), low=34, high=64)
    height = max(380, len(groups) * row_px + 160 + _subtitle_px(full_subtitle))
    _layout(fig, title, full_subtitle, height)
    _zero_line(fig, {"color": "#555", "width": 1, "dash": "dot"})
    fig.update_xaxes(title_text="Polarity of each paragraph (−1 to +1; 0: neutral)", range=[low, high],
                     gridcolor="#eee", zeroline=False)
    _group_axis(fig, labels, row_px, title=None)
    fig.update_yaxes(range=[len(groups) - 0.5, -0.55])
    fig.update_layout(barmode="overlay")
    return fig


def _polarity_range(values: np.ndarray, *whiskers: pd.Series, minimum_span: float = 0.3) -> tuple[float, float]:
    """An axis range that holds zero, the whiskers and the bulk (1st to 99th percentile) of the
    values, within −1..+1."""
    values = values[np.isfinite(values)]
    if not len(values):
        return -0.5, 0.5
    bulk_low, bulk_high = np.quantile(values, [0.01, 0.99])  # one partition for both
    ends = [float(v) for whisker in whiskers for v in whisker if np.isfinite(v)]
    low = min(0.0, float(bulk_low), *ends)
    high = max(0.0, float(bulk_high), *ends)
    pad = max((high - low) * 0.08, (minimum_span - (high - low)) / 2, 0.02)
    return max(-1.05, low - pad), min(1.05, high + pad)


# ----------------------------------------------------------------------------- per-group aggregates


def group_theme_map_figure(
    rates: pd.DataFrame, lexicon: Lexicon, *, subtitle: str = "", group_name: str = "group"
) -> go.Figure:
    """Where each theme comes up across many documents: a heatmap of groups (rows, in the
    table's order, first at the top) by themes, shaded by mentions per 1,000 words.

    ``rates`` is ``aggregates.theme_rates_by_group``'s table.
    """
    title = f"Where each theme comes up, by {group_name}: mentions per 1,000 words"
    groups = _groups_of(rates)
    reading = "Darker: more mentions per 1,000 words."
    if len(rates) and (rates["group_paragraphs"] == 0).any():
        reading += f" Blank: no paragraphs in that {group_name}."
    full_subtitle = _join(subtitle, reading)
    if not len(groups) or rates["group_paragraphs"].sum() == 0:
        return empty_figure(title, full_subtitle, "No paragraphs to show.")
    return _theme_heatmap(rates, lexicon, groups, title, full_subtitle)


def group_sentiment_figure(
    table: pd.DataFrame, lexicon: Lexicon, *, subtitle: str = "", group_name: str = "group"
) -> go.Figure:
    """Mean paragraph polarity of each group (rows, first at the top) with its 95% interval,
    each dot in the colour of the group's most-mentioned theme.

    ``table`` is ``aggregates.sentiment_by_group``'s table.
    """
    title = f"Sentiment by {group_name}: mean polarity of the paragraphs"
    reading = "Dot: mean over the paragraphs; whiskers: 95% interval of that mean; colour: most-mentioned theme."
    full_subtitle = _join(subtitle, reading)
    if table.empty or table["paragraphs"].sum() == 0:
        return empty_figure(title, full_subtitle, "No paragraphs to show.")
    labels = [str(g) for g in table["group"]]
    positions = np.arange(len(table), dtype=float)
    colors = {theme.id: theme.color for theme in lexicon.themes}
    names = {theme.id: theme.label for theme in lexicon.themes}
    many = len(table) > 40
    fig = _figure()
    for theme_id in [*lexicon.ids, ""]:
        chosen = (table["dominant_theme"] == theme_id).to_numpy() & (table["paragraphs"].to_numpy() > 0)
        if not chosen.any():
            continue
        rows = table[chosen]
        mean = rows["mean_polarity"].to_numpy()
        label = names.get(theme_id, NO_THEME_LABEL)
        fig.add_trace(_trace(go.Scatter,
            x=mean, y=positions[chosen], mode="markers", name=wrap_label(label, 28),
            marker={"color": colors.get(theme_id, NO_THEME_COLOR), "size": 8 if many else 11,
                    "line": {"color": "white", "width": 1}},
            error_x={"type": "data", "symmetric": False,
                     "array": np.nan_to_num(rows["high"].to_numpy() - mean),
                     "arrayminus": np.nan_to_num(mean - rows["low"].to_numpy()),
                     "color": "#777", "thickness": 1.2, "width": 0 if many else 4},
            customdata=np.column_stack([
                rows["group"].to_numpy(dtype=object), rows["paragraphs"].to_numpy(),
                [format_polarity(v) for v in mean],
                [_interval_text(lo, hi) for lo, hi in zip(rows["low"], rows["high"], strict=True)],
                [_escape(str(g)) for g in rows["group"]],
            ]),
            hovertemplate=(
                "<b>%{customdata[4]}</b> · %{customdata[1]:,} paragraphs<br>mean polarity %{customdata[2]}"
                "<br>%{customdata[3]}<extra>" + _escape(label) + "</extra>"
            ),
        ))
    row_px = _row_px(len(table), low=6, high=34)
    height = max(400, len(table) * row_px + 150 + _subtitle_px(full_subtitle))
    _layout(fig, title, full_subtitle, height)
    _zero_line(fig, {"color": "#555", "width": 1, "dash": "dot"})
    ends = pd.concat([table["low"], table["high"], table["mean_polarity"]]).dropna()
    low = min(0.0, float(ends.min())) if len(ends) else -0.1
    high = max(0.0, float(ends.max())) if len(ends) else 0.1
    pad = max((high - low) * 0.08, (0.2 - (high - low)) / 2, 0.01)
    fig.update_xaxes(title_text="Mean polarity of the paragraphs (−1 to +1; 0: neutral)",
                     range=[max(-1.05, low - pad), min(1.05, high + pad)], gridcolor="#eee", zeroline=False)
    _group_axis(fig, labels, row_px, title=None)
    fig.update_yaxes(showgrid=True, gridcolor="#f4f4f4")
    fig.update_layout(
        legend={"title": {"text": "Most-mentioned theme"}, "orientation": "v", "x": 1.02, "y": 1,
                "font": {"size": 12}, "itemsizing": "constant"},
        showlegend=True,  # even with one colour: the reader must learn what it stands for
        margin={"r": 220},
    )
    return fig


# ----------------------------------------------------------------------------- shared pieces


def _theme_panels(profile: pd.DataFrame, lexicon: Lexicon, groups: list, title: str, subtitle: str) -> go.Figure:
    """One bar panel per group, the themes in lexicon order in every panel, on one shared scale."""
    fig = make_subplots(rows=1, cols=len(groups), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[_wrap(str(g), 26) for g in groups])
    theme_labels = [wrap_label(theme.label) for theme in lexicon.themes]
    top = float(np.nanmax(profile["per_1000_words"].to_numpy(dtype=float), initial=0.0)) or 1.0
    for column, group in enumerate(groups, start=1):
        rows = profile[profile["group"] == group].set_index("theme").reindex(list(lexicon.ids))
        values = rows["per_1000_words"].to_numpy(dtype=float)
        fig.add_trace(_trace(go.Bar,
            x=np.nan_to_num(values), y=theme_labels, orientation="h",
            marker={"color": [theme.color for theme in lexicon.themes], "line": {"width": 0}},
            text=["–" if np.isnan(v) else f"{v:.1f}" for v in values], textposition="outside",
            textfont={"size": 12}, cliponaxis=False,
            customdata=_cell_data(rows.reset_index(), group),
            hovertemplate=_CELL_HOVER, showlegend=False,
        ), row=1, col=column)
    height = max(440, 40 * len(theme_labels) + 180 + _subtitle_px(subtitle))
    _layout(fig, title, subtitle, height, extra_top=28)
    fig.update_xaxes(range=[0, top * 1.3], gridcolor="#eee", zeroline=False, nticks=4)
    fig.update_yaxes(categoryorder="array", categoryarray=theme_labels[::-1], tickfont={"size": 13},
                     ticklabelstandoff=6)
    fig.update_annotations(font={"size": 14})
    fig.add_annotation(text="Mentions per 1,000 words", x=0.5, y=0, xref="paper", yref="paper",
                       yanchor="top", yshift=-30, showarrow=False, font={"size": BASE_FONT_SIZE})
    fig.update_layout(bargap=0.25)
    return fig


def _theme_heatmap(table: pd.DataFrame, lexicon: Lexicon, groups: list, title: str, subtitle: str) -> go.Figure:
    """Groups (rows) x themes (columns) as rows of bars, each cell one bar shaded by its rate."""
    themes = list(lexicon.ids)
    wide = table.pivot(index="group", columns="theme", values="per_1000_words")
    labels = [str(g) for g in groups]
    rates = wide.reindex(index=pd.Index(groups, dtype=object), columns=themes).to_numpy(dtype=float)
    positions = np.arange(len(groups), dtype=float)
    # Shaded by the square root of the rate: one frequent theme would otherwise wash
    # every other cell out. The colour bar is labelled in rates.
    top = max(float(np.nanmax(rates, initial=0.0)), 1e-9)
    row_px = _row_px(len(groups), low=8, high=40)
    show_values = rates.size <= MAX_VALUE_CELLS and row_px >= 22
    height = max(420, len(groups) * row_px + 210 + _subtitle_px(subtitle))

    # One trace for every cell: Plotly validates a trace's arrays once, not once per theme.
    by_cell = table.set_index(["theme", "group"])
    cells = by_cell.reindex(pd.MultiIndex.from_product([themes, groups], names=["theme", "group"])).reset_index()
    values = rates.T.ravel()  # theme by theme, groups in order: the order of ``cells``
    shade = np.where(np.isnan(values), 0.0, np.sqrt(np.clip(values, 0, None) / top))
    colors = plotly.colors.sample_colorscale(RATE_COLORSCALE, list(shade))
    colors = [MISSING_CELL_COLOR if np.isnan(v) else c for v, c in zip(values, colors, strict=True)]
    cells["theme_label"] = cells["theme"].map(lexicon.labels)
    fig = _figure()
    fig.add_trace(_trace(go.Bar,
        x=np.ones(len(values)), base=np.repeat(np.arange(len(themes), dtype=float), len(groups)),
        y=np.tile(positions, len(themes)), orientation="h",
        width=0.9 if row_px >= 12 else 1.0,
        marker={"color": colors, "line": {"width": 0}},
        text=[("" if np.isnan(v) else f"{v:.1f}") for v in values] if show_values else None,
        textposition="inside" if show_values else "none", insidetextanchor="middle",
        textfont={"size": 12, "color": ["#ffffff" if s > 0.55 else "#222222" for s in shade]},
        customdata=_cell_data(cells, None), hovertemplate=_CELL_HOVER, showlegend=False,
    ))
    # The colour key: an invisible point that carries the colour bar.
    fig.add_trace(_trace(go.Scatter,
        x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
        marker={"color": [0.0], "cmin": 0.0, "cmax": math.sqrt(top), "colorscale": RATE_COLORSCALE, "showscale": True,
                "colorbar": {"title": {"text": "per 1,000<br>words", "font": {"size": 12}},
                             "tickfont": {"size": 12}, "thickness": 14, "len": min(1.0, max(0.35, 300 / height)),
                             "y": 1, "yanchor": "top", **_colour_ticks(top)}},
    ))
    # A strip of theme colours above the columns ties each column to its theme.
    fig.add_trace(_trace(go.Bar,
        x=np.ones(len(themes)), base=np.arange(len(themes), dtype=float), y=np.full(len(themes), -0.9),
        orientation="h", width=min(0.5, max(0.25, 10 / row_px * 0.5)),
        marker={"color": [theme.color for theme in lexicon.themes], "line": {"width": 0}},
        customdata=[[None, theme.id] for theme in lexicon.themes], hoverinfo="skip", showlegend=False,
    ))
    _layout(fig, title, subtitle, height)
    fig.update_xaxes(
        range=[0, len(themes)], tickmode="array", tickvals=np.arange(len(themes)) + 0.5,
        ticktext=[_escape(theme.label) for theme in lexicon.themes], tickfont={"size": 12},
        tickangle=-40, automargin=True, showgrid=False, zeroline=False, title_text=None,
    )
    _group_axis(fig, labels, row_px, title=None, top_pad=1.3)
    fig.update_layout(barmode="overlay", bargap=0)
    return fig


_CELL_HOVER = (
    "<b>%{customdata[6]}</b> · %{customdata[7]}<br>%{customdata[2]} mentions in %{customdata[3]} "
    "of %{customdata[5]} paragraphs<br>%{customdata[8]}<extra></extra>"
)


def _colour_ticks(top: float) -> dict:
    """Colour-bar ticks in rates, placed on the square-root scale the cells are shaded on."""
    ticks = [0.0]
    for tick in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        # Far enough apart on the square-root scale that 12 px labels never touch.
        if tick <= top and math.sqrt(tick) - math.sqrt(ticks[-1]) >= 0.2 * math.sqrt(top):
            ticks.append(tick)
    return {"tickmode": "array", "tickvals": [math.sqrt(t) for t in ticks], "ticktext": [f"{t:g}" for t in ticks]}


def _cell_data(cells: pd.DataFrame, group) -> np.ndarray:
    """customdata of a group x theme cell: [group, theme, mentions, paragraphs mentioning,
    words, paragraphs, group text, theme label, rate text]."""
    groups = cells["group"] if group is None else pd.Series([group] * len(cells))
    rates = cells["per_1000_words"].to_numpy(dtype=float)
    rate_text = [
        "no words counted" if np.isnan(r) else f"{r:.2f} per 1,000 words ({int(w):,} words)"
        for r, w in zip(rates, cells["group_words"].fillna(0), strict=True)
    ]
    return np.column_stack([
        groups.to_numpy(dtype=object),
        cells["theme"].to_numpy(dtype=object),
        cells["mentions"].fillna(0).astype(int).to_numpy(),
        cells["paragraphs"].fillna(0).astype(int).to_numpy(),
        cells["group_words"].fillna(0).astype(int).to_numpy(),
        cells["group_paragraphs"].fillna(0).astype(int).to_numpy(),
        [_escape(str(g)) for g in groups],
        [_escape(str(t)) for t in cells["theme_label"].fillna("")],
        rate_text,
    ])


def _spread_sample(polarity: pd.DataFrame, groups: Sequence) -> pd.DataFrame:
    """At most MAX_DOTS_PER_GROUP paragraphs per group, evenly spread over each group's sorted
    polarity; the lowest and the highest are always among them. Adds ``row`` (the group's row)."""
    if polarity.empty:
        return polarity.assign(row=pd.Series(dtype=int))
    codes, uniques = pd.factorize(polarity["group"], sort=False)
    position = {group: i for i, group in enumerate(groups)}
    mapping = np.asarray([position.get(key, -1) for key in list(uniques)] + [-1], dtype=np.int64)
    rows = mapping[codes]  # code −1 (no group) maps to the trailing −1
    values = polarity["polarity"].to_numpy(dtype=float)
    inside = np.flatnonzero(rows >= 0)
    # Polarity lies in −1..+1, so row × 4 + polarity sorts by row, then polarity.
    order = inside[np.argsort(rows[inside] * 4.0 + values[inside])]
    sorted_rows = rows[order]
    sizes = np.bincount(sorted_rows, minlength=len(groups))
    rank = np.arange(len(order)) - (np.cumsum(sizes) - sizes)[sorted_rows]
    last = sizes[sorted_rows] - 1
    slots = MAX_DOTS_PER_GROUP - 1
    # Rank r is kept when it is the rank nearest to one of the evenly spaced targets k × last / slots.
    with np.errstate(divide="ignore", invalid="ignore"):
        nearest_slot = np.rint(rank * slots / last)
        keep = (np.rint(nearest_slot * last / slots) == rank) | (last < MAX_DOTS_PER_GROUP)
    return polarity.iloc[order[keep]].assign(row=sorted_rows[keep])


def _jitter(count: int) -> np.ndarray:
    """Offsets in −1..1, spread evenly (golden-ratio sequence) so the same data always looks the same."""
    return ((np.arange(count) * 0.6180339887498949) % 1.0) * 2 - 1


def _row_px(count: int, *, low: int, high: int) -> int:
    """Pixels per group row: roomy for a few groups, at most about 640 px of rows for many."""
    return int(min(high, max(low, 640 // max(count, 1))))


def _group_axis(fig: go.Figure, labels: Sequence[str], row_px: int, *, title: str | None, top_pad: float = 0.6) -> None:
    """Groups on a numeric y axis, first at the top, labelling every k-th group when rows are too thin."""
    step = max(1, math.ceil(MIN_LABEL_PX / max(row_px, 1)))
    positions = np.arange(len(labels))
    fig.update_yaxes(
        tickmode="array", tickvals=positions[::step], ticktext=[_wrap(t, 28) for t in labels[::step]],
        range=[len(labels) - 0.5, -top_pad], autorange=False,
        tickfont={"size": 12 if step > 1 or len(labels) > 20 else 13},
        showgrid=False, zeroline=False, title_text=title, ticklabelstandoff=6,
    )


def _wrap(text: str, width: int) -> str:
    """Escaped for Plotly and wrapped into lines, like ``figures.wrap_label``, but never splitting
    a word ("Internationa-l"). Wrap first, escape after: wrapping escaped text could split "&amp;"."""
    lines = textwrap.wrap(text, width=width, break_long_words=False) or [text]
    return "<br>".join(_escape(line) for line in lines)


def _groups_of(table: pd.DataFrame) -> list:
    return list(dict.fromkeys(table["group"])) if len(table) else []


def _interval_text(low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "one paragraph: no interval"
    return f"95% interval {format_polarity(low)} to {format_polarity(high)}"


def _join(first: str, second: str, sep: str = "\n") -> str:
    return sep.join(part for part in (first, second) if part)


def _escape(text: str) -> str:
    # Plotly renders a subset of HTML in labels and hover text; speech text and names are data.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _subtitle_px(subtitle: str) -> int:
    return 18 * (subtitle_markup(subtitle).count("<br>") + 1) if subtitle else 0


def _zero_line(fig: go.Figure, line: dict) -> None:
    """A vertical line at x = 0 across the plot (what ``add_vline`` draws, without its extras)."""
    fig.add_shape(type="line", x0=0, x1=0, xref="x", y0=0, y1=1, yref="paper", line=line)


def _figure() -> go.Figure:
    """A figure whose traces and layout are set without Plotly's check of every value.

    A corpus chart carries thousands of values (a colour and a label per cell);
    checking each one took most of the chart's time. The tests rebuild every
    figure with the checks on and compare.
    """
    return go.Figure(_validate=False)


def _trace(kind: type, **properties):
    """A trace set without Plotly's checks (see :func:`_figure`)."""
    return kind(**properties, _validate=False)


def _layout(fig: go.Figure, title: str, subtitle: str, height: int, *, extra_top: int = 0) -> go.Figure:
    """The house layout of ``figures``: left-aligned title, grey subtitle, 14 px text, white ground."""
    fig.update_layout(
        title={
            "text": _escape(title),
            "subtitle": {"text": subtitle_markup(subtitle), "font": {"size": 13, "color": "#555"}},
            # Anchored to the top, so extra room under a long subtitle stays under it.
            "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "top", "yref": "container",
            "pad": {"l": 8, "t": TITLE_TOP_PX}, "font": {"size": 20},
        },
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": "#222"},
        template=TEMPLATE,
        height=height,
        margin={"l": 16, "r": 24, "t": TITLE_TOP_PX + 48 + _subtitle_px(subtitle) + extra_top, "b": 64},
        hoverlabel={"font": {"size": 13}, "align": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig
