"""The opening view's charts, kept beside a store's open cache for the next server start.

A server that has just started opens the corpus and draws the opening view (no
filter) before its first visitor sees a chart; on the UN General Debate the
drawing took as long as the opening. Those charts depend only on the stored
data and lexicon, which an open cache folder stands for (see
:mod:`speechlens.open_cache`), and on the code that draws them. So they are
kept in that folder as Plotly JSON, in a file named after a digest of the code
(every module of this package, and Plotly's version): changing either leaves
the file unused, and a store write deletes the folder with it.

    keep(folder, charts)        # charts: {(chart, option): figure or ComparisonCharts}
    charts = kept(folder)       # {} when there are none for this code
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio

from speechlens.view_charts import ComparisonCharts

PACKAGE_DIR = Path(__file__).resolve().parent
FORMAT_VERSION = 2  # 2: figures as JSON objects, not JSON text inside JSON
PREFIX = "opening-view-"

Chart = go.Figure | ComparisonCharts


@functools.cache
def code_version() -> str:
    """A digest of the code that draws the charts: this package's modules and Plotly's version."""
    digest = hashlib.sha256(f"{FORMAT_VERSION} plotly {plotly.__version__}".encode())
    for module in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def path_in(folder: Path) -> Path:
    """The file of this code's opening view in an open cache folder."""
    return Path(folder) / f"{PREFIX}{code_version()}.json"


def keep(folder: Path, charts: Mapping[tuple[str, str], Chart]) -> bool:
    """Save ``charts`` in ``folder`` (an existing open cache folder), replacing other code
    versions' files; True when saved. Best effort: a read-only or vanished folder saves nothing."""
    folder = Path(folder)
    target = path_in(folder)
    if not folder.is_dir() or target.exists():
        return False
    entries = [{"chart": chart, "option": option, **_encoded(figure)} for (chart, option), figure in charts.items()]
    temporary = folder / f".tmp-{uuid.uuid4().hex}.json"
    try:
        temporary.write_text(json.dumps({"format": FORMAT_VERSION, "charts": entries}), encoding="utf-8")
        os.replace(temporary, target)
        for other in folder.glob(f"{PREFIX}*.json"):
            if other != target:
                other.unlink(missing_ok=True)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def kept(folder: Path | None) -> dict[tuple[str, str], Chart]:
    """The charts kept in ``folder`` by this code; {} when there are none or the file is unreadable."""
    if folder is None:
        return {}
    try:
        saved = json.loads(path_in(folder).read_text(encoding="utf-8"))
        if saved.get("format") != FORMAT_VERSION:
            return {}
        return {(entry["chart"], entry["option"]): _decoded(entry) for entry in saved["charts"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _encoded(chart: Chart) -> dict:
    if isinstance(chart, ComparisonCharts):
        return {"profile": _figure_json(chart.profile), "spread": _figure_json(chart.spread),
                "other": chart.other, "folded": list(chart.folded)}
    return {"figure": _figure_json(chart)}


def _decoded(entry: Mapping) -> Chart:
    if "figure" in entry:
        return _figure(entry["figure"])
    return ComparisonCharts(_figure(entry["profile"]), _figure(entry["spread"]), str(entry["other"]),
                            tuple(str(group) for group in entry["folded"]))


def _figure_json(figure: go.Figure) -> dict:
    # Plotly's own encoding (numbers as typed arrays), held as JSON values in the file.
    return json.loads(pio.to_json(figure, validate=False))


def _figure(spec: Mapping) -> go.Figure:
    # Without Plotly's check of every value: the figure was checked when it was built.
    return go.Figure(spec, _validate=False)
