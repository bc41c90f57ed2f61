"""What the governance report reads: the nightly quality results, held deliveries and the
reference list of institutions, straight from the data directory.

``quality.result`` is written every night in two parts, by the validate stage and by the check
stage; reading those files, the report works for any month on
record whether or not the warehouse was published since. Aggregation happens in DuckDB so that
years of history never reach pandas row by row.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from kernel.layout import Layout, partition_date
from kernel.sql import parquet_sql

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DETAIL = ["run_date", "source", "dataset", "org_code", "check_code", "field", "dimension",
           "severity", "threshold"]  # fmt: skip

MONTHLY_COLUMNS = ["month", "org_code", "source", "dataset", "check_code", "field", "dimension",
                   "severity", "checked", "failed"]  # fmt: skip


class ReportDataError(ValueError):
    """The month is malformed or has no quality results on record."""


@dataclass(frozen=True)
class Month:
    """A calendar month ``YYYY-MM`` and its first and last day."""

    text: str
    first: date
    last: date

    @classmethod
    def parse(cls, text: str) -> Month:
        found = MONTH.match(text)
        if not found:
            raise ReportDataError(f"month must be YYYY-MM, got {text!r}")
        year, month = int(found.group(1)), int(found.group(2))
        return cls(
            text, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        )

    def shifted(self, months: int) -> Month:
        index = self.first.year * 12 + self.first.month - 1 + months
        return Month.parse(f"{index // 12:04d}-{index % 12 + 1:02d}")


def result_files(data: Path, first: date, last: date) -> list[Path]:
    """Every night's quality.result parts with first <= night <= last."""
    nights = Layout(data).nights("quality.result", last)
    return [f for f in nights if partition_date(f) >= first]


def _read(files: list[Path], sql: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW result AS {parquet_sql(files)}")
        return con.execute(sql).df()


def month_results(data: Path, month: Month) -> pd.DataFrame:
    """Every quality.result row of the month, examples included (record keys only)."""
    files = result_files(data, month.first, month.last)
    if not files:
        raise ReportDataError(f"no quality results on record for {month.text} under {data}")
    columns = ", ".join(_DETAIL)
    frame = _read(
        files,
        f"""
        SELECT {columns}, checked, failed, passed,
               coalesce(examples, '') AS examples
        FROM result ORDER BY run_date, source, dataset, org_code, check_code, field""",
    )
    frame["run_date"] = pd.to_datetime(frame["run_date"]).dt.date
    return frame


def monthly_totals(data: Path, first: Month, last: Month) -> pd.DataFrame:
    """Rows summed per month, institution and check item, from ``first`` to ``last`` months."""
    files = result_files(data, first.first, last.last)
    if not files:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    return _read(
        files,
        """
        SELECT strftime(run_date, '%Y-%m') AS month, org_code, source, dataset, check_code,
               field, dimension, severity, sum(checked)::BIGINT AS checked,
               sum(failed)::BIGINT AS failed
        FROM result GROUP BY ALL ORDER BY ALL""",
    )


def held_deliveries(data: Path, month: Month) -> pd.DataFrame:
    """Deliveries a fatal check held back during the month: run_date, source, dataset, org."""
    parts = [
        pd.read_parquet(path).assign(run_date=partition_date(path))
        for path in Layout(data).nights("quality.held_deliveries", month.last)
        if partition_date(path) >= month.first
    ]
    columns = ["run_date", "source", "dataset", "org_code", "reason"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def institutions(data: Path) -> pd.DataFrame:
    """org_code, org_name, org_type, district_code, district_name (names of places, not people)."""
    layout = Layout(data)
    path = layout.reference("institutions")
    if not path.exists():
        return pd.DataFrame(columns=["org_code", "org_name", "org_type", "district_code",
                                     "district_name"])  # fmt: skip
    found = pd.read_parquet(path)[["org_code", "org_name", "org_type", "district_code"]]
    population = layout.reference("population")
    if population.exists():
        names = pd.read_parquet(population)[["district_code", "district_name"]].drop_duplicates(
            "district_code"
        )
        return found.merge(names, on="district_code", how="left")
    return found.assign(district_name=found["district_code"])


def activity(results: pd.DataFrame, held: pd.DataFrame) -> pd.DataFrame:
    """Per institution: records delivered in the month and deliveries held back."""
    readable = results[results["check_code"] == "delivery_readable"]
    records = readable.groupby("org_code")["checked"].sum().rename("records")
    held_count = held.groupby("org_code").size().rename("held")
    return (
        pd.concat([records, held_count], axis=1).fillna(0).astype(int).reset_index(names="org_code")
    )
