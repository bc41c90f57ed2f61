"""``healtharchive report metrics --month YYYY-MM``: the monthly indicator report, one HTML file.

Read from ``analytics.duckdb`` (the indicators hold counts, not persons) and written to
``data/reports/metrics/<month>.html``: self-contained (inline SVG charts, inline CSS, no
scripts, nothing fetched), printable, for the 互联互通 assessment's application-effect evidence.
Charts: archive coverage by district, upload timeliness and data completeness by institution,
and the city's linkage rate month by month. The definitions printed under the tables are read
from ``warehouse/metrics/README.md``, the one place they are written.

Each chart's bars or lines carry ``id="mark-…"`` and each figure ``data-chart`` and
``data-marks`` (how many marks it should show), so a browser test can check they were drawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from kernel.layout import Layout
from kernel.reporting import new_figure, render, svg, write_html
from pipelines.publish.dbt_run import PROJECT as WAREHOUSE_DIR
from pipelines.publish.errors import PublishError

TEMPLATES = Path(__file__).parent / "templates"
DEFINITIONS = WAREHOUSE_DIR / "metrics" / "README.md"
ORG_COLUMNS = ("record_count", "upload_timely_rate", "completeness_rate", "conformance_rate",
               "valid_id_rate", "linkage_rate")  # fmt: skip
DISTRICT_COLUMNS = ("archive_count", "archive_coverage_rate", "archive_active_rate",
                    "valid_id_rate", "linkage_rate", "upload_timely_rate")  # fmt: skip
BAR = "#2f6f9f"


@dataclass(frozen=True)
class Chart:
    name: str
    caption: str
    marks: int
    svg: Any


def report_path(data: Path, month: str) -> Path:
    return Layout(data).reports("metrics") / f"{month}.html"


def build_metrics_report(data: Path, month: str) -> Path:
    """Write ``data/reports/metrics/<month>.html`` and return its path."""
    with _analytics(data) as con:
        figures = _figures(con, month)
        names = _names(con)
        trend = _records(
            con,
            "SELECT period, indicator_code, value FROM metrics.indicator WHERE scope_type = 'city' "
            "AND breakdown = '' AND indicator_code IN ('linkage_rate', 'valid_id_rate') "
            "AND period <= ? AND value IS NOT NULL ORDER BY period",
            [month],
        )
        as_of = con.execute("SELECT max(as_of_date) FROM ops.publish").fetchone()[0]
    city = [f for f in figures if f["scope_type"] == "city" and f["breakdown"] == ""]
    defined = definitions()
    order = {d["code"]: i for i, d in enumerate(defined)}  # DESIGN.md's order
    charts = [
        _coverage_chart(figures, names),
        _org_chart(figures, names, "upload_timely_rate", "timeliness_by_org", "上传及时率"),
        _org_chart(figures, names, "completeness_rate", "completeness_by_org", "数据完整率"),
        _trend_chart(trend),
    ]
    html = render(
        "metrics_report.html.j2",
        TEMPLATES,
        title=f"互联互通应用效果指标报告 · {month}",
        subtitle=f"city {city[0]['scope_code'] if city else ''} · data as of {as_of}",
        generated_note=f"metrics.indicator as published for {as_of}; restated every night",
        month=month,
        city=sorted(city, key=lambda f: order.get(f["indicator_code"], len(order))),
        charts=charts,
        districts=_pivot(figures, "district", DISTRICT_COLUMNS, names),
        orgs=_pivot(figures, "org", ORG_COLUMNS, names),
        definitions=defined,
        district_columns=DISTRICT_COLUMNS,
        org_columns=ORG_COLUMNS,
        indicator_names={f["indicator_code"]: f["indicator_name"] for f in figures},
    )
    return write_html(report_path(data, month), html)


def definitions(path: Path = DEFINITIONS) -> list[dict[str, str]]:
    """The rows of the definition table in ``warehouse/metrics/README.md``."""
    row = re.compile(
        r"^\| `(?P<code>[a-z_]+)` \| (?P<name>[^|]+) \| (?P<num>[^|]+) \| (?P<den>[^|]+) \|$"
    )
    found = (row.match(line) for line in path.read_text(encoding="utf-8").splitlines())
    return [
        {"code": m["code"], "name": m["name"].strip(), "numerator": _plain(m["num"]),
         "denominator": _plain(m["den"])}
        for m in found if m
    ]  # fmt: skip


def _plain(markdown: str) -> str:
    return markdown.replace("`", "").strip()


def _figures(con: duckdb.DuckDBPyConnection, month: str) -> list[dict[str, Any]]:
    rows = _records(con, "SELECT * FROM metrics.indicator WHERE period = ?", [month])
    if not rows:
        months = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT period FROM metrics.indicator ORDER BY 1"
            ).fetchall()
        ]
        raise PublishError(
            f"no indicators for {month}; published months: {', '.join(months) or 'none'}"
        )
    return rows


def _names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Display names of districts and institutions by code."""
    districts = con.execute(
        "SELECT district_code, first(district_name ORDER BY year DESC) "
        "FROM reference.population GROUP BY ALL"
    ).fetchall()
    orgs = con.execute("SELECT org_code, org_name FROM reference.institution").fetchall()
    return {code: name for code, name in [*districts, *orgs] if name}


def _coverage_chart(figures: list[dict], names: dict[str, str]) -> Chart:
    rows = _scoped(figures, "district", "archive_coverage_rate")
    fig = new_figure(7.0, 3.2)
    ax = fig.axes[0]
    bars = ax.bar([names.get(r["scope_code"], r["scope_code"]) for r in rows],
                  [r["value"] for r in rows], color=BAR)  # fmt: skip
    _mark(bars, "coverage")
    ax.set_ylabel("建档率")
    ax.yaxis.set_major_formatter(_percent(decimals=None))  # coverage can be a fraction of 1 %
    ax.tick_params(axis="x", labelrotation=30)
    caption = "电子健康档案建档率 by district: residents with an archive / resident population"
    return Chart("coverage_by_district", caption, _drawn(rows), svg(fig))


def _org_chart(
    figures: list[dict], names: dict[str, str], code: str, name: str, label: str
) -> Chart:
    rows = sorted(_scoped(figures, "org", code), key=lambda r: (r["value"], r["scope_code"]))
    fig = new_figure(7.0, max(2.0, 0.22 * len(rows) + 1.0))
    ax = fig.axes[0]
    bars = ax.barh([names.get(r["scope_code"], r["scope_code"]) for r in rows],
                   [r["value"] for r in rows], color=BAR)  # fmt: skip
    _mark(bars, name)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlabel(label)
    caption = f"{label} by institution, lowest first (institutions with records this month)"
    return Chart(name, caption, _drawn(rows), svg(fig))


def _trend_chart(rows: list[dict]) -> Chart:
    fig = new_figure(7.0, 3.0)
    ax = fig.axes[0]
    lines = 0
    for code, label, style in (("linkage_rate", "患者主索引关联率", "-o"),
                               ("valid_id_rate", "身份证号有效率", "--s")):  # fmt: skip
        series = [r for r in rows if r["indicator_code"] == code]
        if series:
            (line,) = ax.plot([r["period"] for r in series], [r["value"] for r in series], style,
                              label=label)  # fmt: skip
            line.set_gid(f"mark-trend-{code}")
            lines += 1
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(_percent())
    ax.legend(loc="lower right", fontsize=8)
    caption = "患者主索引关联率 (and 身份证号有效率) for the city, month by month up to this one"
    return Chart("linkage_trend", caption, lines, svg(fig))


def _pivot(
    figures: list[dict], scope: str, codes: tuple[str, ...], names: dict[str, str]
) -> list[dict]:
    """One row per scope_code with the total figure of each indicator in ``codes``."""
    table: dict[str, dict[str, Any]] = {}
    for f in figures:
        if f["scope_type"] == scope and f["breakdown"] == "" and f["indicator_code"] in codes:
            code = f["scope_code"]
            row = table.setdefault(code, {"code": code, "name": names.get(code, "")})
            row[f["indicator_code"]] = f
    return [table[k] for k in sorted(table)]


def _scoped(figures: list[dict], scope: str, code: str) -> list[dict]:
    return sorted(
        (f for f in figures if f["scope_type"] == scope and f["indicator_code"] == code
         and f["breakdown"] == "" and f["value"] is not None),
        key=lambda f: f["scope_code"],
    )  # fmt: skip


def _drawn(rows: list[dict]) -> int:
    """Bars a browser draws with a visible size: the ones above zero."""
    return sum(1 for r in rows if r["value"] and r["value"] > 0)


def _mark(bars: Any, chart: str) -> None:
    for i, bar in enumerate(bars):
        bar.set_gid(f"mark-{chart}-{i}")


def _percent(decimals: int | None = 0) -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=decimals)


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class _analytics:
    """analytics.duckdb, read-only."""

    def __init__(self, data: Path) -> None:
        self.path = Layout(data).analytics

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        if not self.path.exists():
            raise PublishError(f"no published analytics database at {self.path}")
        self.con = duckdb.connect(str(self.path), read_only=True)
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.close()
