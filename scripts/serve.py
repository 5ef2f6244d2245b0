"""Start the SpeechLens dashboard with its libraries already imported.

``streamlit run app.py`` imports pandas, Plotly, TextBlob and wordcloud only
when the first visitor arrives, which makes that visitor wait about half a
second longer. Importing them here, before the server starts listening, moves
that cost to start-up. Arguments are passed on to ``streamlit run``.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(PROJECT_DIR))
    # Preload: the same modules app.py imports; the first script run then finds them ready.
    import speechlens.analysis  # noqa: F401
    import speechlens.cloud  # noqa: F401
    import speechlens.figures  # noqa: F401
    import speechlens.vocabulary  # noqa: F401
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(PROJECT_DIR / "app.py"), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
