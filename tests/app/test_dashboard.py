"""The dashboard in-process (Streamlit's AppTest): views, filters and links."""

from __future__ import annotations

import base64
import shutil

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA_DIR, PROJECT_DIR

APP = str(PROJECT_DIR / "app.py")
CHART_TITLES = (
    "Theme frequency",
    "Where each theme comes up along the speech",
    "Sentiment per paragraph along the speech",
    "Most frequent words",
)


def run_app(query: dict | None = None, **env) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params.update(query)
    return at.run()


def figures(at: AppTest) -> dict[str, go.Figure]:
    """Each Plotly chart's figure, keyed by its title."""
    found = {}
    for element in at.get("plotly_chart"):
        figure = pio.from_json(element.proto.spec, skip_invalid=True)
        found[figure.layout.title.text] = figure
    return found


def values(array) -> list:
    """A trace's data array; Plotly sends numbers as base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def shown_and_total(at: AppTest) -> tuple[int, int]:
    shown, total = metric(at, "Paragraphs shown").replace(",", "").split(" / ")
    return int(shown), int(total)


def test_every_view_renders():
    at = run_app()
    assert not at.exception
    titles = list(figures(at))
    for expected in CHART_TITLES:
        assert any(t.startswith(expected) for t in titles), (expected, titles)
    shown, total = shown_and_total(at)
    assert shown == total > 10
    assert metric(at, "Dominant theme") != "–"
    assert at.get("download_button")
    assert not at.warning


def test_every_chart_names_its_source_and_coverage():
    at = run_app()
    shown, total = shown_and_total(at)
    for title, spec in figures(at).items():
        subtitle = spec.layout.title.subtitle.text
        assert "Abdellatif Hammouchi" in subtitle, title
        assert "24 Nov 2025" in subtitle, title
        assert f"{shown} of {total} paragraphs" in subtitle, title


def test_choosing_a_theme_narrows_counts_and_charts():
    at = run_app()
    before = shown_and_total(at)
    at.multiselect(key="theme").select("cybercrime").run()
    assert not at.exception
    after = shown_and_total(at)
    assert 0 < after[0] < before[0]
    assert after[1] == before[1]
    for spec in figures(at).values():
        assert "theme: Cybercrime" in spec.layout.title.subtitle.text
    sentiment = next(s for t, s in figures(at).items() if t.startswith("Sentiment"))
    plotted = sum(len(values(trace.x)) for trace in sentiment.data if trace.mode == "markers")
    assert plotted == after[0]


def test_link_parameters_restore_the_filters():
    at = run_app({"theme": ["cybercrime", "cooperation"], "match": "all", "voice": "speaker", "q": "Interpol"})
    assert not at.exception
    assert at.radio(key="match").value == "all"
    at = run_app({"theme": ["cybercrime", "cooperation"], "voice": "speaker", "q": "Interpol"})
    assert not at.exception
    assert at.multiselect(key="theme").value == ["cybercrime", "cooperation"]
    assert at.radio(key="voice").value == "speaker"
    assert at.text_input(key="q").value == "Interpol"
    assert not at.warning
    shown, total = shown_and_total(at)
    assert 0 < shown < total


def test_polarity_and_section_links_restore_the_filters():
    at = run_app({"polarity": ["0", "1"], "section": "Cybercrime as a major issue"})
    assert not at.exception
    assert at.slider(key="polarity").value == (0.0, 1.0)
    assert at.selectbox(key="section").value == "Cybercrime as a major issue"
    shown, _ = shown_and_total(at)
    assert 0 < shown <= 4


@pytest.mark.parametrize(
    ("measure", "axis_title"),
    [("rate", "Mentions per 1,000 words"), ("paragraphs", "Paragraphs mentioning the theme")],
)
def test_the_measure_of_the_theme_chart_comes_from_the_link(measure, axis_title):
    at = run_app({"measure": measure})
    assert not at.exception
    assert not at.warning
    theme_chart = next(f for t, f in figures(at).items() if t.startswith("Theme frequency"))
    assert theme_chart.layout.xaxis.title.text == axis_title


@pytest.mark.parametrize(
    ("query", "mentioned"),
    [
        ({"theme": ["no-such-theme"]}, "no-such-theme"),
        ({"voice": "everyone"}, "voice=everyone"),
        ({"polarity": ["abc", "zz"]}, "polarity"),
        ({"section": "<script>alert(1)</script>"}, "section"),
        ({"posts": "perhaps"}, "posts=perhaps"),
        ({"bogus": "1"}, "bogus"),
        ({"measure": "volume"}, "measure=volume"),
    ],
)
def test_garbage_link_parameters_are_ignored_with_a_notice(query, mentioned):
    at = run_app(query)
    assert not at.exception
    assert at.warning, "a notice should say what was ignored"
    assert mentioned in at.warning[0].value.replace("\\", "")
    shown, total = shown_and_total(at)
    assert shown == total


def test_no_match_shows_a_clear_empty_state():
    at = run_app({"q": "zebra crossing"})
    assert not at.exception
    assert shown_and_total(at)[0] == 0
    assert any("No paragraphs match" in info.value for info in at.info)
    assert not at.get("plotly_chart")


def test_embedded_post_and_repeats_are_kept_out_by_default():
    default = shown_and_total(run_app())
    with_posts = shown_and_total(run_app({"posts": "true"}))
    assert with_posts[0] == default[0] + 1


def test_reset_returns_to_the_whole_speech():
    at = run_app({"theme": ["cybercrime"], "voice": "speaker"})
    assert shown_and_total(at)[0] < shown_and_total(at)[1]
    button(at, "Reset filters").click().run()
    shown, total = shown_and_total(at)
    assert shown == total
    assert at.multiselect(key="theme").value == []


def test_speech_text_is_never_rendered_as_html(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA_DIR / "themes.toml", data / "themes.toml")
    (data / "hostile.txt").write_text(
        "Cybercrime is a threat <script>alert('x')</script> to every state.\n\n"
        "Terrorism <img src=x onerror=alert(1)> and [a link](javascript:alert(1)) remain.\n",
        encoding="utf-8",
    )
    (data / "hostile.toml").write_text(
        'doc_id = "hostile"\ntitle = "<b>Hostile</b> title"\nspeaker = "<i>Someone</i>"\n'
        'date = "2025-01-01"\nsource_type = "speech"\ntext_file = "hostile.txt"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(data))
    at = run_app()
    assert not at.exception
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("<script>" in t or "<img" in t or "](javascript" in t for t in texts)
    assert any("&lt;script&gt;" in t for t in texts)


def test_a_broken_themes_file_gives_a_clear_message(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "themes.toml").write_text("[[theme]]\nid = 'x'\nlabel = \n", encoding="utf-8")
    monkeypatch.setenv("SPEECHLENS_DATA_DIR", str(data))
    at = run_app()
    assert not at.exception
    assert at.error and "themes.toml: invalid TOML" in at.error[0].value.replace("\\", "")


def share_link(at: AppTest) -> str:
    return next(code.value for code in at.code if "fp=" in code.value)


def test_the_share_link_carries_every_filter_the_measure_and_the_fingerprint():
    at = run_app({"theme": ["cybercrime"], "voice": "speaker", "measure": "rate", "present": "true"})
    assert not at.exception
    link = share_link(at)
    for part in ("theme=cybercrime", "voice=speaker", "measure=rate", "present=true", "fp="):
        assert part in link, (part, link)


def test_the_share_link_follows_a_filter_change():
    at = run_app()
    assert "theme=" not in share_link(at)
    at.multiselect(key="theme").select("terrorism").run()
    assert "theme=terrorism" in share_link(at)


def test_a_link_made_on_other_data_warns_that_figures_may_differ():
    at = run_app({"theme": ["cybercrime"], "fp": "00000000"})
    assert not at.exception
    assert at.warning and "different data" in at.warning[0].value.replace("\\", "")
    assert at.multiselect(key="theme").value == ["cybercrime"]  # the view itself still opens


def test_a_link_on_the_same_data_opens_without_a_notice():
    fingerprint = share_link(run_app()).rsplit("fp=", 1)[1]
    at = run_app({"theme": ["cybercrime"], "fp": fingerprint})
    assert not at.warning
