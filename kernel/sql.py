"""SQL text the stages share: literals, and the one rule for "the current version of a row".

Values reach SQL only through these functions: strings and paths as quoted literals, dates from
``datetime.date``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path


def sql_string(value: str | Path) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_date(day: date) -> str:
    if not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return f"DATE '{day.isoformat()}'"


def quote_name(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def parquet_sql(files: Sequence[Path | str]) -> str:
    """Every row of the listed Parquet files, columns matched by name. The ``date=`` folder is
    already a column (``load_date``, ``run_date``), so hive partitioning stays off."""
    listed = ", ".join(sql_string(f) for f in files)
    options = "union_by_name = true, hive_partitioning = false"
    return f"SELECT * FROM read_parquet([{listed}], {options})"


def current_version_sql(
    rows: str,
    key: str,
    through: date | None = None,
    *,
    after: date | None = None,
    keep_tombstones: bool = False,
) -> str:
    """The current version of every row of ``rows`` (a relation with ``load_date``,
    ``arrived_at`` and ``is_deleted``) as of the end of night ``through``.

    A row delivered again (a correction, a re-exported dose) supersedes its earlier versions:
    per ``key`` the latest ``load_date``, then the latest ``arrived_at``, wins; a winning
    tombstone (``is_deleted``: the source deleted it) removes the key, unless
    ``keep_tombstones`` (the caller wants to see deletions). Versions loaded after ``through``
    are ignored, so that rerunning an old date gives the same answer; with ``after``, only
    versions loaded after that night compete (what arrived since).
    """
    bounds = [f"load_date <= {sql_date(through)}"] if through else []
    bounds += [f"load_date > {sql_date(after)}"] if after else []
    where = f"WHERE {' AND '.join(bounds)}" if bounds else ""
    alive = "" if keep_tombstones else "AND NOT coalesce(is_deleted, false)"
    return f"""
        SELECT * EXCLUDE (_rank) FROM (
            SELECT *, row_number() OVER (
                PARTITION BY {quote_name(key)} ORDER BY load_date DESC, arrived_at DESC NULLS LAST
            ) AS _rank
            FROM ({rows}) {where}
        ) WHERE _rank = 1 {alive}
    """
