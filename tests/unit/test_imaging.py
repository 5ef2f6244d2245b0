"""Server-side chart images: PNG at 3x and SVG, or a clear sentence when they cannot be made."""

import io

import plotly.graph_objects as go
import pytest

from speechlens import imaging
from tests.conftest import require_chromium


def small_figure(width=None):
    fig = go.Figure(go.Bar(x=[3, 5], y=["Cybercrime", "Terrorism"], orientation="h"))
    fig.update_layout(title="Theme frequency", height=400, width=width)
    return fig


def test_without_chromium_the_problem_is_a_sentence_not_an_error(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("SPEECHLENS_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(imaging.shutil, "which", lambda name: None)
    problem = imaging.export_problem()
    assert problem and "Chromium" in problem and "camera icon" in problem
    with pytest.raises(RuntimeError, match="needs Chromium"):
        imaging.chart_image(small_figure(), "png")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="use png or svg"):
        imaging.chart_image(small_figure(), "gif")


@pytest.mark.parametrize(("width", "expected_width"), [(None, imaging.DEFAULT_WIDTH), (700, 700)])
def test_png_is_three_times_the_chart(width, expected_width):
    require_chromium()
    pytest.importorskip("kaleido")
    from PIL import Image

    png = imaging.chart_image(small_figure(width), "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png)).size == (3 * expected_width, 3 * 400)


def test_svg_keeps_the_text_as_text():
    require_chromium()
    pytest.importorskip("kaleido")
    svg = imaging.chart_image(small_figure(), "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "Theme frequency" in svg and "Cybercrime" in svg
