"""The monthly governance report (数据质量通报): one self-contained, printable HTML file.

``build_quality_report(data, "YYYY-MM")`` reads the month's quality results (both stages),
scores every institution per dimension (``quality.scorecard``), and writes
``data/reports/quality/<month>.html``: summary, city trend by month and by night, the ranking
with each institution's scorecard, districts, the worst checks with example record keys and
what each institution should fix. Charts are inline SVG; nothing is fetched. Record keys are the
only row-level detail shown: never names, ID numbers or phones.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kernel.layout import Layout
from kernel.reporting import render, write_html
from quality import report_charts as charts
from quality import report_data as rd
from quality import scorecard as sc
from quality.registry import DIMENSIONS, checks

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
TREND_MONTHS = 12


def report_path(data: Path, month: str) -> Path:
    return Layout(data).reports("quality") / f"{month}.html"


def build_quality_report(data: Path, month: str) -> Path:
    """Write the governance report of ``month`` (``YYYY-MM``) and return its path."""
    data, target = Path(data), rd.Month.parse(month)
    results = rd.month_results(data, target)
    held = rd.held_deliveries(data, target)
    ranked = sc.ranking(results, rd.institutions(data), rd.activity(results, held))
    history = rd.monthly_totals(data, target.shifted(1 - TREND_MONTHS), target)
    previous = _ranking_of(history, target.shifted(-1).text)
    ranked = sc.with_previous(ranked, previous)
    context = _context(target, results, held, ranked, history)
    context["unranked"] = sc.unranked(results, rd.institutions(data), ranked).to_dict("records")
    html = render("quality_report.html.j2", TEMPLATES, **context)
    path = write_html(report_path(data, target.text), html)
    log.info("quality report %s: %d institutions → %s", target.text, len(ranked), path)
    return path


def _ranking_of(history: pd.DataFrame, month: str) -> pd.DataFrame | None:
    frame = history[history["month"] == month]
    if frame.empty:
        return None
    scores = sc.dimension_scores(frame, ["org_code"])
    scores = scores.sort_values(["overall", "org_code"], ascending=[False, True])
    return scores.assign(rank=range(1, len(scores) + 1))


def _context(
    target: rd.Month,
    results: pd.DataFrame,
    held: pd.DataFrame,
    ranked: pd.DataFrame,
    history: pd.DataFrame,
) -> dict[str, Any]:
    monthly = sc.dimension_scores(history, ["month"])
    daily = sc.dimension_scores(results, ["run_date"])
    city = sc.dimension_scores(results.assign(scope="city"), ["scope"]).iloc[0]
    previous = monthly[monthly["month"] == target.shifted(-1).text]
    districts = sc.district_summary(ranked)
    return {
        "title": f"数据质量通报 · {target.first.year}年{target.first.month}月",
        "subtitle": f"居民电子健康档案平台 · 统计期 {target.first} 至 {target.last}",
        "generated_note": f"generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "month": target.text,
        "dimensions": [d for d in DIMENSIONS if d in ranked.columns],
        "labels": charts.LABELS,
        "summary": _summary(results, held, ranked, city, previous),
        "city": city.to_dict(),
        "months": len(monthly),
        "ranked": ranked.to_dict("records"),
        "districts": districts.to_dict("records"),
        "worst": _worst(results),
        "fixes": _fixes(results, ranked),
        "charts": {
            "monthly": charts.trend(monthly, "month", "月份"),
            "daily": charts.trend(daily, "run_date", "日期"),
            "lowest": charts.lowest_ranked(ranked),
            "districts": charts.districts(districts),
        },
        "band": band,
        "score": score,
        "change": change,
    }


def _summary(
    results: pd.DataFrame,
    held: pd.DataFrame,
    ranked: pd.DataFrame,
    city: pd.Series,
    previous: pd.DataFrame,
) -> dict[str, Any]:
    prev = float(previous["overall"].iloc[0]) if not previous.empty else float("nan")
    return {
        "institutions": len(ranked),
        "nights": results["run_date"].nunique(),
        "records": int(ranked["records"].sum()),
        "held": len(held),
        "overall": float(city["overall"]),
        "change": float(city["overall"]) - prev,
        "below_95": int((ranked["overall"] < 95).sum()),
        "results": len(results),
    }


def _worst(results: pd.DataFrame) -> list[dict[str, Any]]:
    registry = checks()
    worst = sc.worst_checks(results)
    return [
        {**row, "description": registry[row["check_code"]].description}
        for row in worst.to_dict("records")
    ]


def _fixes(results: pd.DataFrame, ranked: pd.DataFrame) -> list[dict[str, Any]]:
    """Institutions with something to fix, worst-ranked first, each with its items."""
    per_org = sc.fixes(results)
    ordered = ranked.sort_values("rank", ascending=False)
    return [
        {"org": row, "items": per_org[row["org_code"]]}
        for row in ordered.to_dict("records")
        if row["org_code"] in per_org
    ]


def band(value: float | None) -> str:
    """CSS class of a score cell: good ≥ 99, ok ≥ 97, warn ≥ 93, else bad."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "s-none"
    for limit, name in ((99, "s-good"), (97, "s-ok"), (93, "s-warn")):
        if value >= limit:
            return name
    return "s-bad"


def score(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.1f}"


def change(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:+.1f}"
