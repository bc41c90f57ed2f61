"""``healtharchive demo``: a small simulated city, every night of it, and a short summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from kernel.layout import Layout

DEMO_START = date(2026, 1, 1)


@dataclass
class DemoSummary:
    sources: Path
    data: Path
    nights: int
    records_in: int
    person_mentions: int
    residents: int
    quality_failures: dict[str, int]
    linkage: dict
    seconds: float
    reports: list[Path] = field(default_factory=list)

    def render(self) -> str:
        model, baseline = self.linkage.get("overall", {}), self.linkage.get("id_only_baseline", {})
        lines = [
            "[bold]healtharchive demo[/bold]",
            f"  nights run            {self.nights} ({self.seconds:.0f} s)",
            f"  records in            {self.records_in:,}",
            f"  person mentions       {self.person_mentions:,}",
            f"  residents (archives)  {self.residents:,}",
            "  linkage               precision {p:.4f}  recall {r:.4f}  F1 {f:.4f}".format(
                p=model.get("precision", 0), r=model.get("recall", 0), f=model.get("f1", 0)
            ),
            "  ID-number-only index  precision {p:.4f}  recall {r:.4f}  F1 {f:.4f}".format(
                p=baseline.get("precision", 0), r=baseline.get("recall", 0), f=baseline.get("f1", 0)
            ),
            "  quality failures      "
            + (", ".join(f"{sev} {n:,}" for sev, n in self.quality_failures.items()) or "none"),
            f"  sources               {self.sources}",
            f"  warehouse             {Layout(self.data).warehouse}",
            f"  analytics             {Layout(self.data).analytics}",
            f"  reports               {Layout(self.data).reports('')}",
            *(f"                        {path}" for path in self.reports),
        ]
        return "\n".join(lines)


def run_demo(
    folder: Path,
    residents: int,
    days: int,
    seed: int,
    simulate: Callable[..., object],
    run_range: Callable[[Path, Path, date, date], None],
) -> DemoSummary:
    """Simulate into ``folder/sources``, run each night into ``folder/data``, summarise."""
    from matching import evaluate

    started = time.perf_counter()
    sources, data = folder / "sources", folder / "data"
    if not (sources / "truth").exists():
        simulate(sources, residents, DEMO_START, days, seed)
    last = DEMO_START + timedelta(days=days - 1)
    run_range(sources, data, DEMO_START, last)
    reports = build_reports(data, last)
    linkage = evaluate(sources, data)
    summary = _summarise(sources, data, days, linkage, time.perf_counter() - started)
    summary.reports = reports
    return summary


def build_reports(data: Path, last: date) -> list[Path]:
    """The month's governance and indicator reports and the review page, as staff would open."""
    from matching.review import build_review_page
    from pipelines.publish.metrics_report import build_metrics_report
    from quality.report import build_quality_report

    month = f"{last:%Y-%m}"
    return [
        build_quality_report(data, month),
        build_metrics_report(data, month),
        build_review_page(data, accessed_by="demo"),
    ]


def _summarise(
    sources: Path, data: Path, nights: int, linkage: dict, seconds: float
) -> DemoSummary:
    with duckdb.connect(str(Layout(data).warehouse), read_only=True) as con:

        def scalar(sql: str) -> int:
            return int(con.execute(sql).fetchone()[0])

        failures = dict(
            con.execute(
                "SELECT severity, sum(failed)::BIGINT FROM quality.result "
                "GROUP BY severity ORDER BY severity"
            ).fetchall()
        )
        return DemoSummary(
            sources=sources,
            data=data,
            nights=nights,
            records_in=scalar("SELECT coalesce(sum(rows_accepted), 0) FROM ops.load_log"),
            person_mentions=scalar("SELECT count(*) FROM mpi.record_link"),
            residents=scalar("SELECT count(*) FROM mpi.resident"),
            quality_failures=failures,
            linkage=linkage,
            seconds=seconds,
        )
