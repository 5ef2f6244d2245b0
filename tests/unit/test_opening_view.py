"""The opening view's charts kept beside an open cache: the same charts come back, for this code only."""

from __future__ import annotations

import json
import shutil

import plotly.io as pio
import plotly.tools
import pytest

from speechlens import opening_view, view_charts
from speechlens.filters import Filters, select
from tests.unit.test_view_charts import corpora  # noqa: F401 - fixture


def sent_to_the_browser(figure) -> dict:
    """The figure as Streamlit's st.plotly_chart serialises it."""
    return json.loads(pio.to_json(plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True),
                                  validate=False))


def opening_charts(corpus) -> dict:
    selection = select(corpus.analysis, Filters(), corpus.catalog)
    level = view_charts.level(corpus, selection)
    charts = {(chart, option): view_charts.build_chart(chart, corpus, selection, option)
              for chart, option in (("themes", "mentions"), ("theme-map", level), ("sentiment", level), ("words", ""))}
    if view_charts.shows_comparison(corpus, selection):
        by = view_charts.comparison_by(corpus, selection)
        charts[("compare", by)] = view_charts.build_chart("compare", corpus, selection, by)
    return charts


@pytest.mark.parametrize("name", ["seed", "five", "many"])
def test_kept_charts_come_back_as_the_browser_would_get_them(corpora, name, tmp_path):  # noqa: F811
    charts = opening_charts(corpora[name])
    assert opening_view.keep(tmp_path, charts) is True
    back = opening_view.kept(tmp_path)
    assert list(back) == list(charts)
    for key, chart in charts.items():
        if key[0] == "compare":
            assert (back[key].other, back[key].folded) == (chart.other, chart.folded)
            pairs = [(chart.profile, back[key].profile), (chart.spread, back[key].spread)]
        else:
            pairs = [(chart, back[key])]
        for original, again in pairs:
            assert sent_to_the_browser(again) == sent_to_the_browser(original), key


def test_nothing_is_kept_in_a_folder_that_does_not_exist(corpora, tmp_path):  # noqa: F811
    assert opening_view.keep(tmp_path / "gone", opening_charts(corpora["seed"])) is False
    assert opening_view.kept(tmp_path / "gone") == {}
    assert opening_view.kept(None) == {}


def test_charts_kept_by_other_code_are_not_used_and_are_replaced(corpora, tmp_path, monkeypatch):  # noqa: F811
    charts = opening_charts(corpora["seed"])
    monkeypatch.setattr(opening_view, "code_version", lambda: "older")
    opening_view.keep(tmp_path, charts)
    monkeypatch.undo()
    assert opening_view.kept(tmp_path) == {}
    assert opening_view.keep(tmp_path, charts) is True
    assert [p.name for p in tmp_path.iterdir()] == [opening_view.path_in(tmp_path).name]
    assert opening_view.keep(tmp_path, charts) is False  # already kept


@pytest.mark.parametrize("content", [
    "", "{not json", '{"format": 999, "charts": []}',
    f'{{"format": {opening_view.FORMAT_VERSION}, "charts": [{{}}]}}',  # this format, an entry without a chart
    f'{{"format": {opening_view.FORMAT_VERSION}, "charts": [{{"chart": "themes", "option": "", "figure": "text"}}]}}',
])
def test_an_unreadable_file_gives_no_charts(tmp_path, content):
    opening_view.path_in(tmp_path).write_text(content, encoding="utf-8")
    assert opening_view.kept(tmp_path) == {}


def test_any_change_to_the_package_gives_another_code_version(tmp_path, monkeypatch):
    copy = tmp_path / "speechlens"
    shutil.copytree(opening_view.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    versions = []
    for change in (None, "figures.py", "aggregates.py"):
        if change:
            with open(copy / change, "a", encoding="utf-8") as module:
                module.write("\n# changed\n")
        monkeypatch.setattr(opening_view, "PACKAGE_DIR", copy)
        opening_view.code_version.cache_clear()
        versions.append(opening_view.code_version())
    opening_view.code_version.cache_clear()
    assert len(set(versions)) == 3
