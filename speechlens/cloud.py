"""Word clouds as interactive Plotly figures.

The layout (which word goes where, how big, horizontal or vertical) comes from
the ``wordcloud`` package's placement algorithm; the drawing is done by Plotly
so the cloud has hover labels in the dashboard and exports like every other
chart.  Pillow is used only to measure text (the same font the browser is
asked for); nothing here renders images or imports a UI.

Typical use::

    counts = word_counts(tokens)
    words = layout_cloud(counts, colors)
    fig = cloud_figure(words, title="What the speech talks about")

Coordinates: a :class:`CloudWord` is positioned on a canvas of ``width`` x
``height`` pixels (the same numbers given to :func:`layout_cloud`), ``x``
from the left edge and ``y`` from the top edge, both to the *centre of the
word's text box* (the box a browser draws: advance width x ascent+descent).
:func:`cloud_figure` maps one canvas pixel to one screen pixel, so font sizes
in the figure are exactly the layout's; the figure is therefore the canvas
plus margins for the title.  Pass the same ``width``/``height`` to both
functions, and show the figure at its own size (Plotly text does not scale
when a chart is stretched to a container).
"""

from __future__ import annotations

import functools
import html
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio
import wordcloud
from PIL import Image, ImageFont

__all__ = [
    "STOPWORDS",
    "DOMAIN_STOPWORDS",
    "CloudWord",
    "layout_cloud",
    "cloud_figure",
    "word_counts",
    "EMPTY_NOTE",
]

# --------------------------------------------------------------------------
# Stopwords
# --------------------------------------------------------------------------

# Words that are frequent in speeches and press reports about speeches but say
# nothing about their subject.  wordcloud's own list covers ordinary English
# function words; these are the extra ones for this kind of text.  Content
# words ("security", "crime", "police", ...) are deliberately NOT here.
DOMAIN_STOPWORDS: frozenset[str] = frozenset(
    {
        # reporting verbs of press reports ("He added that ...")
        "said", "stated", "added", "explained", "noted", "stressed",
        "emphasized", "underlined", "highlighted",
        # the setting and forms of address
        "general", "assembly", "mr", "mrs", "ms", "ladies", "gentlemen",
        "excellencies", "distinguished", "thank", "today",
        # modal and filler words wordcloud's list lacks
        "also", "will", "must", "may", "can", "would", "shall", "us", "one",
        "new", "including", "without", "within", "upon",
    }
)  # fmt: skip

STOPWORDS: frozenset[str] = frozenset(wordcloud.STOPWORDS) | DOMAIN_STOPWORDS

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def word_counts(
    tokens: Iterable[str],
    *,
    stopwords: Iterable[str] = STOPWORDS,
    min_length: int = 3,
) -> Counter:
    """Count tokens, lower-cased, without stopwords, numbers and short tokens.

    ``min_length`` is in characters; a pure number is e.g. "2025", "1,000",
    "3.5" or "40%" (but not "93rd" or "g20").
    """
    stop = {w.lower() for w in stopwords}
    counts: Counter = Counter()
    for token in tokens:
        word = token.strip().lower()
        if len(word) < min_length or word in stop or _NUMBER.fullmatch(word):
            continue
        counts[word] += 1
    return counts


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CloudWord:
    """One placed word: centre (x, y) in canvas pixels from the top-left."""

    word: str
    count: int
    x: float
    y: float
    font_size: int  # pixels (em size), as laid out
    angle: int  # 0 = horizontal, 90 = rotated anticlockwise (reads upwards)
    color: str


# The layout is measured with a font metric-compatible with Arial (Liberation
# Sans is Arial's metric clone; Arial and Helvetica share widths), and the
# figure asks the browser for exactly those fonts, so the words drawn by
# Plotly take the space the layout reserved for them.  The fallbacks are wider
# than Arial, so with them words come out slightly smaller than their slot,
# never larger.
_FONT_FILES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",  # Debian
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",  # Fedora
    "/usr/share/fonts/liberation/LiberationSans-Regular.ttf",  # Arch
    "/System/Library/Fonts/Supplemental/Arial.ttf",  # macOS
    "/Library/Fonts/Arial.ttf",
    r"C:\Windows\Fonts\arial.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # wider than Arial
)
FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif"


def _font_path() -> str:
    for path in _FONT_FILES:
        if os.path.exists(path):
            return path
    return wordcloud.wordcloud.FONT_PATH  # bundled monospace, wider than Arial


FONT_PATH: str = _font_path()

# Layout tuning, chosen by looking at rendered clouds (see tests/unit/test_cloud.py).
# All words horizontal by default: vertical words pack tighter but are hard to
# read on a slide.  layout_cloud(prefer_horizontal=0.9) gives the classic look.
PREFER_HORIZONTAL = 1.0
MIN_FONT_SIZE = 14  # px; smaller words are dropped rather than shown unreadable
# The biggest word is at most MAX_FONT_SHARE of the canvas height; with fewer
# than FULL_CLOUD words the cap shrinks (to about 0.17 for a single word), so a
# small selection reads as a few words on a page, not one giant shout.
MAX_FONT_SHARE = 0.4
FULL_CLOUD = 30
WORD_MARGIN = 10  # px of white space between words (half of it at the canvas edge)
RELATIVE_SCALING = 0.5  # size follows half frequency, half rank


def _place(font: ImageFont.FreeTypeFont, word: str, row: int, col: int, rotated: bool):
    """Centre of the word's text box and its ink box, from wordcloud's (row, col).

    wordcloud draws with a ``TransposedFont``, which pastes the word's *ink*
    bitmap with its top-left corner at (col, row): the ink box (l, t, r, b),
    measured from the pen origin on the ascender line, is moved to (0, 0).
    A browser, however, centres text on its advance width x (ascent +
    descent) box, so compute that box's centre relative to the ink.
    Returns ``(cx, cy, (x0, y0, x1, y1))``, the last being the ink box.
    """
    left, top, right, bottom = font.getbbox(word)
    ascent, descent = font.getmetrics()
    ink_w, ink_h = right - left, bottom - top
    # centre of the text box in the unrotated ink-box frame
    u = font.getlength(word) / 2 - left
    v = (ascent + descent) / 2 - top
    if not rotated:
        return col + u, row + v, (col, row, col + ink_w, row + ink_h)
    # Image.ROTATE_90 turns the ink bitmap anticlockwise: (u, v) -> (v, w - u)
    return col + v, row + ink_w - u, (col, row, col + ink_h, row + ink_w)


def _max_font_size(height: int, n_words: int) -> int:
    share = MAX_FONT_SHARE * min(1.0, n_words / FULL_CLOUD) ** 0.25
    return max(MIN_FONT_SIZE, round(height * share))


def layout_cloud(
    counts: Mapping[str, int],
    colors: Mapping[str, str] | None = None,
    *,
    width: int = 900,
    height: int = 450,
    max_words: int = 80,
    default_color: str = "#555555",
    seed: int = 7,
    prefer_horizontal: float = PREFER_HORIZONTAL,
) -> list[CloudWord]:
    """Place up to ``max_words`` of the most frequent words on a canvas.

    Deterministic: the same counts (in any order) and seed give the same
    layout.  Words that no longer fit at a legible size are left out, so the
    result can be shorter than ``max_words``.  Returned biggest first.
    ``prefer_horizontal`` is wordcloud's: the share of words tried
    horizontally first (below 1, words that do not fit are also tried
    vertically before being shrunk).
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"canvas must have a positive size, got {width}x{height}")
    colors = colors or {}
    # Ties are broken alphabetically so the input's order does not matter.
    items = sorted(
        ((str(w), int(c)) for w, c in counts.items() if c > 0 and str(w).strip()),
        key=lambda wc: (-wc[1], wc[0]),
    )[:max_words]
    if not items:
        return []

    cloud = wordcloud.WordCloud(
        font_path=FONT_PATH,
        width=width,
        height=height,
        margin=WORD_MARGIN,
        prefer_horizontal=prefer_horizontal,
        max_words=max_words,
        min_font_size=MIN_FONT_SIZE,
        max_font_size=_max_font_size(height, len(items)),
        relative_scaling=RELATIVE_SCALING,
        random_state=seed,
        collocations=False,
        repeat=False,
        # colours are applied below; a constant keeps them out of the RNG
        color_func=lambda *args, **kwargs: default_color,
    )
    cloud.generate_from_frequencies(dict(items))

    # wordcloud scatters words at random; with few words the cloud can sit in
    # a corner.  Move the whole cloud (the union of the words' ink) to the
    # middle of the canvas; this keeps every distance and size.
    spots = []
    for (word, _freq), size, (row, col), orientation, _ in cloud.layout_:
        rotated = orientation == Image.ROTATE_90
        spots.append((word, size, rotated, *_place(_font(size), word, int(row), int(col), rotated)))
    if not spots:  # not even the first word fits at MIN_FONT_SIZE
        return []
    x0 = min(ink[0] for *_, ink in spots)
    y0 = min(ink[1] for *_, ink in spots)
    x1 = max(ink[2] for *_, ink in spots)
    y1 = max(ink[3] for *_, ink in spots)
    shift_x = (width - (x1 - x0)) / 2 - x0
    shift_y = (height - (y1 - y0)) / 2 - y0

    count_of = dict(items)
    placed: list[CloudWord] = []
    for word, size, rotated, x, y, _ink in spots:
        placed.append(
            CloudWord(
                word=word,
                count=count_of[word],
                x=round(float(x + shift_x), 2),
                y=round(float(y + shift_y), 2),
                font_size=int(size),
                angle=90 if rotated else 0,
                color=colors.get(word, colors.get(word.lower(), default_color)),
            )
        )
    return placed


# --------------------------------------------------------------------------
# Figure
# --------------------------------------------------------------------------

EMPTY_NOTE = "No words to show for this selection."

_SIDE_MARGIN = 16  # px left, right and below the canvas
_NOTE_SIZE = 12  # px, the optional note under the canvas
_TITLE_SIZE, _TITLE_COLOR = 20, "#222222"
_SUBTITLE_SIZE, _SUBTITLE_COLOR = 13, "#555555"
_HOVER_BAND = 0.8  # hover squares are this share of the font size high


def _escape(text: str) -> str:
    # Plotly renders a subset of HTML in text; words and titles are data.
    return html.escape(text, quote=False)


def _hover(word: str, count: int, label: str) -> str:
    if count == 1 and label.endswith("s"):
        label = label[:-1]  # "1 mention", not "1 mentions"
    return f"<b>{_escape(word)}</b> — {count:,} {_escape(label)}"


def _font(size: int) -> ImageFont.FreeTypeFont:
    return _fonts(max(1, int(size)))


@functools.lru_cache(maxsize=256)
def _fonts(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size)


def _wrap(text: str, size: int, max_width: float) -> list[str]:
    """Wrap each line of a title to ``max_width`` pixels (explicit line breaks are kept)."""
    return [wrapped for line in text.splitlines() for wrapped in _wrap_line(line, size, max_width)]


def _wrap_line(text: str, size: int, max_width: float) -> list[str]:
    """Wrap one line to ``max_width`` pixels, breaking at " · " where possible.

    Subtitles are "source · filters · coverage"; each part stays whole on a
    line unless it is itself too long.
    """
    font = _font(size)

    def fits(line: str) -> bool:
        return font.getlength(line) <= max_width

    lines: list[str] = []
    for part in (" ".join(p.split()) for p in text.split(" · ")):
        if not part:
            continue
        if lines and fits(f"{lines[-1]} · {part}"):
            lines[-1] = f"{lines[-1]} · {part}"
            continue
        if lines:
            lines[-1] += " ·"
        if fits(part):
            lines.append(part)
            continue
        words = part.split()
        lines.append(words[0])
        for word in words[1:]:
            if fits(f"{lines[-1]} {word}"):
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
    return lines


def _hover_points(w: CloudWord) -> list[tuple[float, float, int]]:
    """Square hover targets ``(x, y, side)`` laid along the word, covering it.

    Plotly picks the hovered point by distance to its marker square, and
    prefers the smaller of two squares the pointer is inside, so a small word
    in a gap of a big one still gets its own label.
    """
    length = _font(w.font_size).getlength(w.word)
    side = max(6, round(_HOVER_BAND * w.font_size))
    n = max(1, math.ceil(length / side))
    if n == 1:
        offsets = [0.0]
    else:
        first = -(length - side) / 2
        offsets = [first + i * (length - side) / (n - 1) for i in range(n)]
    if w.angle == 90:  # reads upwards: the word runs along -y
        return [(w.x, w.y - off, side) for off in offsets]
    return [(w.x + off, w.y, side) for off in offsets]


def _note_annotations(note: str) -> list[dict]:
    """The optional explanatory line under the canvas."""
    if not note:
        return []
    return [
        dict(
            text=_escape(note), x=0, y=0, xref="paper", yref="paper", xanchor="left", yanchor="top",
            yshift=-6, showarrow=False, font=dict(family=FONT_FAMILY, size=_NOTE_SIZE, color=_SUBTITLE_COLOR),
        )
    ]


def cloud_figure(
    words: Sequence[CloudWord],
    *,
    title: str,
    subtitle: str = "",
    width: int = 900,
    height: int = 450,
    hover_label: str = "mentions",
    note: str = "",
) -> go.Figure:
    """Draw laid-out words as a Plotly figure, one canvas pixel per screen pixel.

    ``width`` and ``height`` are the canvas given to :func:`layout_cloud`; the
    figure adds room for the title on top and a small margin elsewhere, so
    ``fig.layout.width`` is ``width + 32``.  Show it at that size (in
    Streamlit ``width="content"``): Plotly does not scale text with a
    stretched chart.

    Words are text annotations (so vertical words can be drawn).  Hover and
    clicks go to one invisible marker trace, "words", whose square markers
    cover each word; its ``customdata`` is ``[word, count]`` and its hover
    reads "word — N mentions".
    """
    text_width = width  # the title block spans the canvas
    title_lines = _wrap(title, _TITLE_SIZE, text_width) or [""]
    subtitle_lines = _wrap(subtitle, _SUBTITLE_SIZE, text_width)
    top = (
        16
        + round(1.3 * _TITLE_SIZE) * len(title_lines)
        + (8 + round(1.4 * _SUBTITLE_SIZE) * len(subtitle_lines) if subtitle_lines else 0)
        + 8
    )
    bottom = _SIDE_MARGIN + (_NOTE_SIZE + 12 if note else 0)
    # Without Plotly's check of every value: a cloud carries an annotation per word and
    # hover points per letter; checking them was most of drawing it. The tests rebuild
    # the figure with the checks on and compare.
    fig = go.Figure(_validate=False)
    fig.update_layout(
        width=width + 2 * _SIDE_MARGIN,
        height=height + top + bottom,
        autosize=False,
        margin=dict(l=_SIDE_MARGIN, r=_SIDE_MARGIN, t=top, b=bottom, pad=0),
        template=pio.templates["none"],
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=False,
        dragmode=False,
        hovermode="closest",
        font=dict(family=FONT_FAMILY, color=_TITLE_COLOR),
        hoverlabel=dict(bgcolor="white", font=dict(family=FONT_FAMILY, size=14, color="#222222")),
        title=dict(
            text="<br>".join(_escape(line) for line in title_lines),
            subtitle=dict(
                text="<br>".join(_escape(line) for line in subtitle_lines),
                font=dict(family=FONT_FAMILY, size=_SUBTITLE_SIZE, color=_SUBTITLE_COLOR),
            ),
            font=dict(family=FONT_FAMILY, size=_TITLE_SIZE, color=_TITLE_COLOR),
            x=0,
            xref="paper",
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            # plotly lifts a multi-line title by about 0.7 em; undo that
            pad=dict(t=16 + (round(0.7 * _TITLE_SIZE) if len(title_lines) > 1 else 0)),
        ),
        xaxis=dict(range=[0, width], visible=False, fixedrange=True),
        # y grows downwards, as in the layout's image coordinates
        yaxis=dict(
            range=[height, 0],
            visible=False,
            fixedrange=True,
            scaleanchor="x",
            scaleratio=1,
        ),
    )
    if not words:
        fig.update_layout(annotations=_note_annotations(note))
        fig.add_annotation(
            text=EMPTY_NOTE,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font=dict(family=FONT_FAMILY, size=16, color="#666666"),
        )
        return fig

    # One assignment of the whole list: add_annotation re-validates every earlier
    # annotation on each call, which made this quadratic and slow.
    fig.update_layout(
        annotations=_note_annotations(note) + [
            dict(
                text=_escape(w.word),
                x=w.x,
                y=w.y,
                xref="x",
                yref="y",
                xanchor="center",
                yanchor="middle",
                textangle=-w.angle,  # Plotly turns clockwise; ours is anticlockwise
                showarrow=False,
                borderpad=0,
                borderwidth=0,
                font=dict(family=FONT_FAMILY, size=w.font_size, color=w.color),
            )
            for w in words
        ]
    )

    xs, ys, sides, custom, hover, edges = [], [], [], [], [], []
    for w in words:
        label = _hover(w.word, w.count, hover_label)
        for x, y, side in _hover_points(w):
            xs.append(round(x, 2))
            ys.append(round(y, 2))
            sides.append(side)
            custom.append([w.word, w.count])
            hover.append(label)
            edges.append(w.color)
    invisible = dict(opacity=0)
    fig.add_trace(
        go.Scatter(
            _validate=False,
            name="words",
            x=xs,
            y=ys,
            mode="markers",
            marker=dict(symbol="square", size=sides, opacity=0, color="white", line=dict(width=0)),
            selected=dict(marker=invisible),
            unselected=dict(marker=invisible),
            customdata=custom,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            hoverlabel=dict(bordercolor=edges),
            showlegend=False,
            cliponaxis=False,
        )
    )
    return fig
