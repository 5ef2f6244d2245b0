"""SpeechLens core: reading, parsing, themes, sentiment, terms, filters and figures.

Pure Python: nothing here imports Streamlit, so the same code serves the
dashboard, the command line, exports and tests.
"""

__version__ = "0.1.0"
