"""The dashboard's charts. Each returns what the user clicked, if anything."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from speechlens.focus import Focus, FocusKind

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


def render_chart(fig: go.Figure, *, key: str, filename: str, focus_kind: FocusKind, width: str = "stretch") -> Focus | None:
    """Draw ``fig``; a click on one of its points focuses the paragraph reader on what it stands for."""
    event = st.plotly_chart(
        fig,
        key=key,
        theme=None,
        config=plotly_config(filename),
        width=width,
        on_select=lambda: _remember_click(key),
        selection_mode="points",
    )
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
