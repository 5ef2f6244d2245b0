"""Streamlit rendering: one ``render_<thing>`` per view, no analysis here."""
