"""The dashboard's charts. Each returns what the user clicked, if anything."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from speechlens.focus import Focus, FocusKind
from speechlens.imaging import FORMATS, chart_image, export_problem

LAST_CLICKED = "last_clicked_chart"


def plotly_config(filename: str) -> dict[str, Any]:
    """Modebar settings: the camera saves a 3x PNG named after the chart and its filters."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 3, "filename": filename},
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    }


def _remember_click(key: str) -> None:
    st.session_state[LAST_CLICKED] = key


def render_chart_downloads(fig: go.Figure, *, key: str, filename: str) -> None:
    """PNG (3x) and SVG of the chart, drawn on the server only when clicked.

    They sit in a popover: its content is drawn only when opened, which keeps
    the first page load light.
    """
    with st.container(key=f"chart_downloads_{key}"):
        with st.popover("Download chart", icon=":material/download:", type="tertiary"):
            problem = export_problem()
            if problem:
                st.caption(problem)
                return
            for fmt, mime in FORMATS.items():
                st.download_button(
                    f"Download {fmt.upper()}",
                    data=lambda fmt=fmt: chart_image(fig, fmt),
                    file_name=f"{filename}.{fmt}",
                    mime=mime,
                    on_click="ignore",
                    icon=":material/download:",
                    key=f"download_{key}_{fmt}",
                    width="stretch",
                )


def render_chart(fig: go.Figure, *, key: str, filename: str, focus_kind: FocusKind, width: str = "stretch") -> Focus | None:
    """Draw ``fig`` with its downloads; a click on one of its points focuses the paragraph reader."""
    event = st.plotly_chart(
        fig,
        key=key,
        theme=None,
        config=plotly_config(filename),
        width=width,
        on_select=lambda: _remember_click(key),
        selection_mode="points",
    )
    render_chart_downloads(fig, key=key, filename=filename)
    if st.session_state.get(LAST_CLICKED) != key:
        return None
    values = []
    for point in event.selection.points if event else []:
        value = _point_value(point)
        if value is not None and value not in values:
            values.append(value)
    return Focus(focus_kind, tuple(values)) if values else None


def _point_value(point: dict[str, Any]) -> str | None:
    customdata = point.get("customdata")
    if isinstance(customdata, (list, tuple)) and customdata:
        return str(customdata[0])
    if customdata is not None:
        return str(customdata)
    return None
