"""ops.publish: what each published file records about the publish that built it.

One row per published table: the night the file is as of, the table's rows, the dbt model that
built it, how, its data tests, the digest of the project — and how long dbt took, from dbt's own
run results: the model, its data tests, and the whole run with its start. ``COLUMNS`` declares
the table once; its DDL, its comments and ``VOLATILE`` (the columns two publishes of the same
night may differ in, which comparisons of a rerun with a first run leave out) derive from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from kernel.sql import sql_string
from pipelines.publish.dbt_run import DbtRun, NodeResult

TABLE = "ops.publish"
COMMENT = "the night this file shows the state after; its tables, how dbt built them, how long"
RERUNS_DIFFER = "; differs between runs of the same night"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB's
    description: str
    volatile: bool = False  # a timing: not the same when the night is published again

    @property
    def comment(self) -> str:
        return self.description + (RERUNS_DIFFER if self.volatile else "")


COLUMNS = (
    Column("as_of_date", "DATE", "the logical date D: this file shows the state after night D"),
    Column("table_name", "VARCHAR", "a published table, schema.table"),
    Column("row_count", "BIGINT", "its rows when it was published"),
    Column("model", "VARCHAR",
           "the dbt model that builds it (warehouse/models/<schema>/<model>.sql)"),
    Column("materialized", "VARCHAR",
           "how dbt builds it: table (rebuilt) or incremental (updated)"),
    Column("data_tests", "BIGINT",
           "dbt data tests of the model, all passed before the file was published"),
    Column("project_checksum", "VARCHAR", "digest of the dbt project that built the file"),
    Column("model_seconds", "DOUBLE",
           "seconds dbt took to build the model (compile and run; dbt's run results)",
           volatile=True),
    Column("data_test_seconds", "DOUBLE",
           "seconds the model's data tests took, summed (0 without data tests)", volatile=True),
    Column("dbt_seconds", "DOUBLE",
           "wall seconds of the whole dbt build that made this file and its companion "
           "(every model and test, one at a time; the same on every row)", volatile=True),
    Column("dbt_started_at", "TIMESTAMPTZ",
           "when that dbt build started (dbt's run results, a UTC instant)", volatile=True),
)  # fmt: skip

# table → the columns a rerun of the night may change (declared above, nowhere else)
VOLATILE: dict[str, tuple[str, ...]] = {TABLE: tuple(c.name for c in COLUMNS if c.volatile)}


def rows(
    day: date, counts: dict[str, int], models: dict[str, NodeResult], run: DbtRun, checksum: str
) -> list[tuple]:
    """One row per published table (``counts``: table → rows), in the order of ``COLUMNS``."""
    found = []
    for table, count in counts.items():
        model, tests = models[table], run.data_tests(models[table].name)
        values = {
            "as_of_date": day, "table_name": table, "row_count": count, "model": model.name,
            "materialized": model.materialized, "data_tests": len(tests),
            "project_checksum": checksum, "model_seconds": model.seconds,
            "data_test_seconds": round(sum(t.seconds for t in tests), 3),
            "dbt_seconds": run.seconds, "dbt_started_at": run.started_at,
        }  # fmt: skip
        found.append(tuple(values[c.name] for c in COLUMNS))
    return found


def record(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """(Re)create ops.publish in the file being built, with its rows and comments."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    columns = ", ".join(f"{c.name} {c.type}" for c in COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} ({columns})")
    con.executemany(f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    con.execute(f"COMMENT ON TABLE {TABLE} IS {sql_string(COMMENT)}")
    for column in COLUMNS:
        con.execute(f"COMMENT ON COLUMN {TABLE}.{column.name} IS {sql_string(column.comment)}")
