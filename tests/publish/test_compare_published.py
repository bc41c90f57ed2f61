"""compare_published leaves out what a rerun of the night may change — the dbt timings of
ops.publish, as ops_publish declares them — and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipelines.publish import ops_publish
from tests.publish.compare_published import compare_files

ROW = {
    "as_of_date": date(2026, 2, 10), "table_name": "mpi.resident", "row_count": 4,
    "model": "mpi__resident", "materialized": "table", "data_tests": 8,
    "project_checksum": "c8960a1f5cfd3f48", "model_seconds": 0.143, "data_test_seconds": 0.498,
    "dbt_seconds": 17.449, "dbt_started_at": datetime(2026, 2, 10, 18, 0, 3, tzinfo=UTC),
}  # fmt: skip


def published(path: Path, **changed: object) -> Path:
    """A file whose ops.publish has one row: ROW with ``changed``."""
    row = {**ROW, **changed}
    with duckdb.connect(str(path)) as con:
        ops_publish.record(con, [tuple(row[c.name] for c in ops_publish.COLUMNS)])
    return path


def test_a_rerun_differs_in_the_timings_only(tmp_path: Path) -> None:
    first = published(tmp_path / "first.duckdb")
    later = datetime(2026, 2, 11, 18, 0, 1, tzinfo=UTC)
    rerun = published(tmp_path / "rerun.duckdb", model_seconds=0.2, data_test_seconds=0.61,
                      dbt_seconds=19.0, dbt_started_at=later)  # fmt: skip
    assert compare_files(first, rerun) == []
    # a row count is not a timing: it still counts, whatever the timings did
    fewer = published(tmp_path / "fewer.duckdb", row_count=3, dbt_seconds=19.0)
    assert compare_files(first, fewer) == [
        "ops.publish: rows differ (1 only before, 1 only after, of 1)"
    ]


def test_the_timings_say_that_they_vary(tmp_path: Path) -> None:
    with duckdb.connect(str(published(tmp_path / "first.duckdb")), read_only=True) as con:
        comments = dict(
            con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'publish'"
            ).fetchall()
        )
    volatile = set(ops_publish.VOLATILE["ops.publish"])
    assert volatile and volatile < set(comments)
    for column, comment in comments.items():
        assert ("differs between runs" in comment) == (column in volatile), column
