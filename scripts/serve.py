"""Start the SpeechLens dashboard with its libraries already imported.

``streamlit run app.py`` imports pandas, Plotly, TextBlob and wordcloud only
when the first visitor arrives, which makes that visitor wait about half a
second longer. Importing them here, before the server starts listening, moves
that cost to start-up. It also opens the corpus as the server starts. Arguments
are passed on to ``streamlit run``.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
READY = "SpeechLens: corpus ready:"  # printed once the corpus is open (benchmarks wait for it)


def warm_up() -> None:
    """Build a tiny figure of each kind the dashboard draws.

    Plotly loads a validator module per trace type and property on first use,
    and wordcloud loads its font on its first layout: doing both here spares
    the first visitor a few hundred milliseconds.
    """
    import plotly.graph_objects as go

    from speechlens.figures import TEMPLATE
    from speechlens.vocabulary import lay_out_cloud, word_cloud_figure

    figure = go.Figure([go.Bar(x=[1], y=["a"], orientation="h", text=["1"]), go.Scatter(x=[1], y=[1], mode="markers")])
    figure.update_layout(template=TEMPLATE, title={"text": "t", "subtitle": {"text": "s"}}, legend={"title": {"text": "l"}})
    figure.add_annotation(text="a", x=1, y=1)
    figure.add_vline(x=1)
    figure.add_hline(y=0)
    figure.to_json()
    word_cloud_figure(lay_out_cloud({"warm": 2, "start": 1}, {}), "s").to_json()


def is_large_corpus() -> bool:
    """Whether the data directory holds a large store: one with an open cache (a look at
    one folder, rather than reading the manifest while the server starts)."""
    from speechlens.corpus import default_data_dir
    from speechlens.store import CACHE

    return any((default_data_dir() / CACHE).glob("open-*"))


def wait_for_server(timeout: float = 10.0) -> None:
    """Until Streamlit's runtime has started, i.e. the server answers (at most ``timeout`` seconds).

    Opening a large corpus while the server starts delays the server by about
    a second (both need the GIL): a visitor's browser is better off loading the
    page meanwhile. A small corpus opens in a fraction of a second, and is best
    ready before anyone arrives: it does not wait.
    """
    from streamlit.runtime import Runtime, RuntimeState

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return
        time.sleep(0.01)


def open_corpus_early() -> None:
    """Fill the app's corpus and chart caches (components/data.py, views.py) before anyone asks."""
    if is_large_corpus():
        wait_for_server()
    started = time.perf_counter()
    try:
        from components.data import current_corpus
        from components.views import keep_opening_view, warm_default_view

        corpus = current_corpus()
        drawn = warm_default_view(corpus)
    except Exception:  # noqa: BLE001 - the app shows the problem to the first visitor, with its message
        return
    count = len(corpus.analysis.documents)
    print(f"{READY} {count:,} document{'' if count == 1 else 's'}, opening view drawn, "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        keep_opening_view(corpus, drawn)  # for the next start (a large store only)
    except Exception:  # noqa: BLE001 - a convenience: the next start draws them again
        return


def main() -> int:
    sys.path.insert(0, str(PROJECT_DIR))
    # Preload: the same modules app.py imports; the first script run then finds them ready.
    import components.data  # noqa: F401 - imports Streamlit whole, before any thread uses it
    import speechlens.analysis  # noqa: F401
    import speechlens.cloud  # noqa: F401
    import speechlens.figures  # noqa: F401
    import speechlens.vocabulary  # noqa: F401
    from streamlit.web import cli

    # Open the corpus as soon as the server is up: on a large corpus it is the longest wait.
    threading.Thread(target=open_corpus_early, name="open-corpus", daemon=True).start()
    warm_up()

    # No watching of source files for changes (a developer's convenience): after every
    # script run Streamlit resolves the path of each imported module, which held the
    # server's event loop about half a second per page. Arguments given override it.
    sys.argv = ["streamlit", "run", str(PROJECT_DIR / "app.py"), "--server.fileWatcherType", "none", *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
