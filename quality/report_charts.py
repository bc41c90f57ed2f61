"""The governance report's charts: matplotlib figures embedded as inline SVG (no network).

Each function takes a small scores frame and returns SVG markup from ``kernel.reporting``.
Labels are Chinese; the browser draws them (``svg.fonttype = none``). Score axes zoom to the
range the data use, since institutions differ by a few points, not tens.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from kernel.reporting import new_figure, svg
from quality.registry import DIMENSIONS

LABELS = {
    "conformance": "规范性", "completeness": "完整性", "plausibility": "合理性",
    "timeliness": "及时性", "identity": "身份标识", "overall": "综合得分",
}  # fmt: skip
WIDTH = 10.4  # inches: the page's 1050 px column at 96 dpi, so chart text matches body text
COLOURS = {
    "conformance": "#1f77b4", "completeness": "#2ca02c", "plausibility": "#9467bd",
    "timeliness": "#ff7f0e", "identity": "#8c564b", "overall": "#c0392b",
}  # fmt: skip


def _score_floor(values: pd.Series) -> float:
    low = float(values.min()) if len(values) else 90.0
    return max(0.0, min(90.0, low - 2.0))


def trend(scores: pd.DataFrame, x: str, x_label: str) -> Markup:
    """One line per dimension and a bold overall line, over months or nights."""
    fig = new_figure(WIDTH, 3.2)
    ax = fig.axes[0]
    labels = [str(v) for v in scores[x]]
    columns = [c for c in (*DIMENSIONS, "overall") if c in scores]
    for column in columns:
        bold = column == "overall"
        style = {"linewidth": 2.4, "markersize": 4} if bold else {"linewidth": 1.2, "markersize": 3}
        ax.plot(labels, scores[column], marker="o", color=COLOURS[column], label=LABELS[column],
                **style)  # fmt: skip
    ax.set_ylim(_score_floor(scores[columns].stack()), 100.5)
    ax.set_ylabel("得分")
    ax.set_xlabel(x_label)
    ax.grid(axis="y", alpha=0.3)
    if len(labels) > 12:
        for index, tick in enumerate(ax.get_xticklabels()):
            tick.set_visible(index % max(1, len(labels) // 10) == 0)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.legend(fontsize=7, ncol=3, frameon=False, loc="lower left")
    return svg(fig)


def lowest_ranked(ranked: pd.DataFrame, count: int = 20) -> Markup:
    """Overall score of the ``count`` lowest-ranked institutions, worst at the bottom."""
    tail = ranked.tail(count)
    fig = new_figure(WIDTH, 0.7 + 0.24 * len(tail))
    ax = fig.axes[0]
    names = [f"{r.rank}. {r.org_code} {r.org_name or ''}" for r in tail.itertuples()]
    ax.barh(names, tail["overall"], color=COLOURS["overall"], height=0.6)
    ax.invert_yaxis()
    ax.set_xlim(_score_floor(tail["overall"]), 100)
    ax.set_xlabel("综合得分")
    ax.tick_params(axis="y", labelsize=7)
    for y, value in enumerate(tail["overall"]):
        ax.text(value, y, f" {value:.1f}", va="center", fontsize=6)
    return svg(fig)


def districts(summary: pd.DataFrame) -> Markup:
    """Mean overall score of the institutions of each district."""
    fig = new_figure(WIDTH, 3.0)
    ax = fig.axes[0]
    pairs = zip(summary["district_name"], summary["district_code"], strict=True)
    names = [name if isinstance(name, str) else str(code) for name, code in pairs]
    ax.bar(names, summary["overall"], color=COLOURS["identity"], width=0.6)
    ax.set_ylim(_score_floor(summary["overall"]), 100)
    ax.set_ylabel("机构平均综合得分")
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    return svg(fig)
