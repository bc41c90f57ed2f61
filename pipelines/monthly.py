"""The monthly reports: the governance report (数据质量通报) and the indicator report.

``healtharchive report quality|metrics`` and the Airflow DAG ``monthly_reports`` call these.
The DAG runs whenever a night is published; a month is reported once its last night is in
(``months_closed_by``), so the reports of March are made after the night of 31 March.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path


def month_of(text: str) -> str:
    """``YYYY-MM`` checked, or ValueError."""
    date.fromisoformat(f"{text}-01")
    if len(text) != 7:
        raise ValueError(f"{text!r} is not a month YYYY-MM")
    return text


def months_closed_by(nights: Iterable[date]) -> list[str]:
    """The months whose last night is among ``nights`` (``YYYY-MM``, in order)."""
    return sorted({f"{n:%Y-%m}" for n in nights if (n + timedelta(days=1)).day == 1})


def quality_report(data: Path, month: str) -> Path:
    """Write the governance report of ``month`` (one self-contained HTML file)."""
    from quality.report import build_quality_report

    return build_quality_report(Path(data), month_of(month))


def metrics_report(data: Path, month: str) -> Path:
    """Write the indicator report of ``month`` from analytics.duckdb (one HTML file)."""
    from pipelines.publish.metrics_report import build_metrics_report

    return build_metrics_report(Path(data), month_of(month))
