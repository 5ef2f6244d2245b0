"""Charts as image files (PNG, SVG), drawn by kaleido in a local Chromium.

kaleido never downloads a browser here: it is pointed at the system's
Chromium, and without one the caller gets a sentence to show, not an error.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import plotly.graph_objects as go

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
PNG_SCALE = 3  # as the camera button: sharp when pasted into a slide
DEFAULT_WIDTH = 1200  # px, for charts that stretch to their container on screen
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium kaleido should use: $BROWSER_PATH, $SPEECHLENS_CHROMIUM, or one on the PATH."""
    for candidate in (os.environ.get("BROWSER_PATH"), os.environ.get("SPEECHLENS_CHROMIUM")):
        if candidate and Path(candidate).is_file():
            return candidate
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def export_problem() -> str | None:
    """Why charts cannot be saved on the server, in a sentence; None when they can."""
    if importlib.util.find_spec("kaleido") is None:
        return "Saving charts on the server needs the kaleido package (pip install kaleido)."
    if find_chromium() is None:
        return (
            "Saving charts on the server needs Chromium (Debian: apt-get install chromium). "
            "The camera icon on each chart still saves a PNG from your browser."
        )
    return None


def chart_image(fig: go.Figure, fmt: str) -> bytes:
    """``fig`` as PNG (at 3x) or SVG bytes, at its own size or 1200 px wide."""
    if fmt not in FORMATS:
        raise ValueError(f"Cannot save a chart as “{fmt}”: use {' or '.join(FORMATS)}.")
    problem = export_problem()
    if problem:
        raise RuntimeError(problem)
    os.environ.setdefault("BROWSER_PATH", find_chromium() or "")
    width = fig.layout.width or DEFAULT_WIDTH
    height = fig.layout.height or 500
    scale = PNG_SCALE if fmt == "png" else 1
    return fig.to_image(format=fmt, width=width, height=height, scale=scale)
