"""publish(data, D): build warehouse.duckdb and analytics.duckdb for the state after night D.

Both databases are built under temporary names beside their final ones and moved into place
with ``os.replace`` only after both are complete, so a reader sees the previous pair or the new
pair, never a half-built file; a failure leaves the previous files untouched. Reruns of D
rebuild from the same inputs in the same order and give the same content.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from kernel.atomic import atomic_path
from kernel.city import city
from kernel.layout import Layout
from kernel.sql import sql_date, sql_string
from pipelines.publish import pseudonym, runner
from pipelines.publish.inputs import LakeInputs

log = logging.getLogger(__name__)

ANALYTICS_DIR = "analytics"  # warehouse/analytics/<schema>/<model>.sql
TRANSIENT_SCHEMAS = ("staging", "intermediate")  # build steps, dropped before publishing


@dataclass
class PublishSummary:
    day: date
    warehouse: Path
    analytics: Path
    tables: dict[str, int] = field(default_factory=dict)
    analytics_tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def publish(data: Path, day: date, models_dir: Path | None = None) -> PublishSummary:
    """Build and atomically publish both warehouses for the state after night ``day``."""
    layout = Layout(data)
    models_dir = models_dir or runner.WAREHOUSE_DIR
    key = pseudonym.pseudonym_key()  # fail before any work when analytics cannot be keyed
    inputs = LakeInputs(layout, day)
    started = time.perf_counter()
    with _building(layout.warehouse) as wh_tmp, _building(layout.analytics) as an_tmp:
        tables = build_warehouse(wh_tmp, inputs, models_dir)
        analytics_tables = build_analytics(an_tmp, wh_tmp, day, key, models_dir / ANALYTICS_DIR)
    summary = PublishSummary(
        day, layout.warehouse, layout.analytics, tables, analytics_tables,
        round(time.perf_counter() - started, 2),
    )  # fmt: skip
    log.info("published %s: %d tables in %.1f s", day, len(tables), summary.seconds)
    return summary


def build_warehouse(path: Path, inputs: LakeInputs, models_dir: Path) -> dict[str, int]:
    """Run every restricted model into a new database at ``path``; returns published row counts."""
    models = runner.discover(models_dir, exclude=(ANALYTICS_DIR,))
    with _connect(path) as con:
        counts = runner.run_models(con, models, inputs.template_globals())
        for schema in TRANSIENT_SCHEMAS:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        published = {
            name: n for name, n in counts.items() if name.split(".")[0] not in TRANSIENT_SCHEMAS
        }
        _record_publish(con, inputs.day, published)
    return published


def build_analytics(
    path: Path, warehouse: Path, day: date, key: bytes, models_dir: Path
) -> dict[str, int]:
    """Run the analytics models over the just-built restricted warehouse (attached as ``wh``)."""
    models = runner.discover(models_dir)
    with _connect(path) as con:
        pseudonym.register(con, key)
        con.execute(f"ATTACH {sql_string(str(warehouse))} AS wh (READ_ONLY)")
        counts = runner.run_models(con, models, {"day": sql_date(day)})
        for schema in TRANSIENT_SCHEMAS:  # the resident → person_key map must not be published
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        counts = {n: c for n, c in counts.items() if n.split(".")[0] not in TRANSIENT_SCHEMAS}
        _inherit_comments(con, "wh")
        con.execute("DETACH wh")
        _record_publish(con, day, counts)
    return counts


def _record_publish(con: duckdb.DuckDBPyConnection, day: date, counts: dict[str, int]) -> None:
    """ops.publish: the night this file is as of and its tables (no wall clock: reruns agree)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute(
        "CREATE OR REPLACE TABLE ops.publish "
        "(as_of_date DATE, table_name VARCHAR, row_count BIGINT)"
    )
    con.executemany(
        "INSERT INTO ops.publish VALUES (?, ?, ?)",
        [(day, name, n) for name, n in sorted(counts.items())],
    )
    con.execute(
        "COMMENT ON TABLE ops.publish IS 'the night this file shows the state after; its tables'"
    )
    runner.comment_columns(con, "ops.publish", _PUBLISH_COLUMNS)


_PUBLISH_COLUMNS = {
    "as_of_date": "the logical date D: this file shows the state after night D",
    "table_name": "a published table, schema.table",
    "row_count": "its rows when it was published",
}


def _inherit_comments(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Give analytics columns still uncommented the comment of the same column in ``source``."""
    inherited = con.execute(
        "SELECT a.schema_name || '.' || a.table_name, a.column_name, w.comment "
        "FROM duckdb_columns() AS a JOIN duckdb_columns() AS w "
        "ON w.database_name = ? AND w.schema_name = a.schema_name "
        "AND w.table_name = a.table_name AND w.column_name = a.column_name "
        "WHERE a.database_name = current_database() AND a.comment IS NULL "
        "AND w.comment IS NOT NULL",
        [source],
    ).fetchall()
    for table, column, comment in inherited:
        runner.comment_columns(con, table, {column: comment})


@contextmanager
def _connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(path))
    try:
        con.execute(f"SET TimeZone = {sql_string(city().timezone)}")
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()


@contextmanager
def _building(final: Path) -> Iterator[Path]:
    """A temporary database path beside ``final``, renamed over it on success; scraps removed."""
    with atomic_path(final) as tmp:
        try:
            yield tmp
        finally:
            for scrap in (tmp.with_name(tmp.name + ".wal"), tmp.with_name(tmp.name + ".tmp")):
                if scrap.is_dir():
                    shutil.rmtree(scrap, ignore_errors=True)
                elif scrap.exists():
                    scrap.unlink()
