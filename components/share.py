"""Sharing a view: the link that reproduces it, and presentation mode for screenshots."""

from __future__ import annotations

import streamlit as st

from speechlens import urlstate
from speechlens.analysis import Analysis
from speechlens.filters import Filters

# Hides everything that is not content: the sidebar and its handle, the app's
# header and toolbar, and the controls in the main area.
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
.st-key-measure, [class*="st-key-chart_downloads"], .st-key-reader_tools { display: none !important; }
</style>
"""


def keep_fingerprint_in_url(analysis: Analysis) -> None:
    """Put the data's fingerprint in the address bar, so any copied URL carries it."""
    if st.query_params.get(urlstate.FINGERPRINT) != analysis.fingerprint:
        st.query_params[urlstate.FINGERPRINT] = analysis.fingerprint


def render_share_link(analysis: Analysis, filters: Filters) -> None:
    """A popover with the full link to this view, ready to copy."""
    link = urlstate.view_link(
        st.context.url,
        filters,
        measure=st.session_state.get(urlstate.MEASURE) or "mentions",
        present=bool(st.session_state.get(urlstate.PRESENT)),
        fingerprint=analysis.fingerprint,
        compare=st.session_state.get(urlstate.COMPARE) or urlstate.DEFAULT_COMPARE,
    )
    with st.popover("Copy link to this view", icon=":material/link:", width="stretch"):
        st.code(link, language=None, wrap_lines=True)
        st.caption(
            "The link keeps every filter, the chart measure, the comparison's grouping and presentation mode. "
            f"It also carries the data's fingerprint ({analysis.fingerprint}): if the speech or the "
            "themes file changes, whoever opens it is told that the figures may differ."
        )


def _leave_presentation_mode() -> None:
    st.session_state[urlstate.PRESENT] = False


def render_presentation_mode(present: bool) -> None:
    """In presentation mode: hide the chrome, and offer the way back at the foot of the page."""
    if not present:
        return
    st.html(PRESENTATION_CSS)


def render_presentation_exit(present: bool) -> None:
    if present:
        st.button("Leave presentation mode", on_click=_leave_presentation_mode, type="tertiary")
