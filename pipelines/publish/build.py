"""publish(data, D): build warehouse.duckdb and analytics.duckdb for the state after night D.

The models are the dbt project in ``warehouse/``. One publish:

1. makes a build folder under the data root (owner-only) with two new database files;
2. when the published warehouse is the state after the night before, begins the new file as a
   copy of it, whose large tables dbt then updates (``pipelines.publish.incremental``); creates
   the lake sources as views in the warehouse file (``pipelines.publish.sources``);
3. runs ``dbt build`` in this process (``pipelines.publish.dbt_run``): every model and every
   test; the analytics file is attached to the same run as the database ``analytics``;
4. drops the build steps (``lake_*``, ``staging``, ``intermediate``: the resident → person_key
   map among them), records ``ops.publish`` in both files (``pipelines.publish.ops_publish``);
5. moves both files into place with ``os.replace`` — only now, after every model and test
   passed. A failure or a crash before leaves the previous pair untouched.

Reruns of D rebuild from the same inputs and give the same content; so does a full build and an
incremental one — all but the timings ``ops.publish`` keeps of the dbt run, which are declared
volatile there (``ops_publish.VOLATILE``). The log and ``reports/publish/<D>.json`` have them too,
with the build mode and every test.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from kernel.atomic import PRIVATE_DIR, move_into_place, write_text
from kernel.city import city
from kernel.layout import Layout
from kernel.spark import check_engine
from kernel.sql import sql_string
from pipelines.publish import dbt_run, incremental, ops_publish, pseudonym
from pipelines.publish.sources import create_sources, drop_sources

log = logging.getLogger(__name__)

TRANSIENT_SCHEMAS = ("staging", "intermediate")  # build steps, dropped before publishing


@dataclass
class PublishSummary:
    day: date
    warehouse: Path
    analytics: Path
    tables: dict[str, int] = field(default_factory=dict)
    analytics_tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    mode: str = "full"


def publish(data: Path, day: date, engine: str = "duckdb") -> PublishSummary:
    """Build and atomically publish both warehouses for the state after night ``day``; with
    ``engine="spark"`` the same models on Spark, into Parquet (``pipelines.publish.spark_build``).
    """
    if check_engine(engine) == "spark":
        from pipelines.publish.spark_build import publish_spark  # imports pyspark: only here

        return publish_spark(data, day)
    layout = Layout(data)
    pseudonym.pseudonym_key()  # fail before any work when analytics cannot be keyed
    started = time.perf_counter()
    checksum = incremental.project_checksum()
    base = incremental.choose_base(layout.warehouse, day, checksum)
    log.info("publish %s: %s build (%s)", day, base.mode, base.reason)
    with _build_folder(layout) as build:
        warehouse, analytics = build / "warehouse.duckdb", build / "analytics.duckdb"
        incremental.start_from(base, warehouse)
        with _connect(warehouse) as con:
            create_sources(con, layout, day)
            incremental.fill_previous(con, base)
        duckdb.connect(str(analytics)).close()
        profile = dbt_run.write_profile(build / "dbt", warehouse, analytics)
        # unit tests check the project's SQL on static rows: they passed when this very project
        # (same checksum) built the warehouse an incremental build starts from
        unit_tests = base.mode == "full"
        variables = {"build_mode": base.mode}  # staging.touched_record is empty in a full build
        run = dbt_run.build(profile, day, checksum, layout.dbt_cache_dir, unit_tests, variables)
        for line in dbt_run.summary_lines(run):
            log.debug(line)
        tables = _finish(warehouse, day, run, "warehouse", checksum)
        analytics_tables = _finish(analytics, day, run, "analytics", checksum)
        move_into_place(warehouse, layout.warehouse)
        move_into_place(analytics, layout.analytics)
    seconds = round(time.perf_counter() - started, 2)
    _record_run(layout, day, base, run, seconds)
    log.info("published %s: %d tables in %.1f s (%s)", day, len(tables), seconds, base.mode)
    return PublishSummary(
        day, layout.warehouse, layout.analytics, tables, analytics_tables, seconds, base.mode
    )


def _finish(path: Path, day: date, run: dbt_run.DbtRun, database: str, checksum: str) -> dict:
    """Drop the build steps of one file, record ops.publish; returns published row counts."""
    models = {
        n.relation.split(".", 1)[1]: n for n in run.models() if n.relation.startswith(database)
    }
    with _connect(path) as con:
        if database == "warehouse":
            drop_sources(con)
        for schema in TRANSIENT_SCHEMAS:  # the resident → person_key map must not be published
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        counts = {
            name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in sorted(models)
            if name.split(".")[0] not in TRANSIENT_SCHEMAS
        }
        # no build mode in the file: a full and an incremental build give the same one
        ops_publish.record(con, ops_publish.rows(day, counts, models, run, checksum))
    return counts


def _record_run(
    layout: Layout, day: date, base: incremental.Base, run: dbt_run.DbtRun, seconds: float
) -> None:
    """reports/publish/<D>.json: how the last publish of D went (mode, models, tests, timings)."""
    record = {
        "as_of_date": day.isoformat(),
        "mode": base.mode,
        "reason": base.reason,
        "seconds": seconds,
        "dbt_seconds": run.seconds,
        "nodes": [
            {"name": n.name, "kind": n.kind, "status": n.status, "seconds": n.seconds,
             **({"materialized": n.materialized} if n.materialized else {})}
            for n in run.nodes
        ],
    }  # fmt: skip
    path = layout.reports("publish") / f"{day.isoformat()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(record, indent=1) + "\n")


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
def _build_folder(layout: Layout) -> Iterator[Path]:
    """An owner-only folder under the data root for one build; removed afterwards, whatever
    happened (a crashed build's folder is removed by the next publish)."""
    layout.root.mkdir(parents=True, exist_ok=True)
    for stale in layout.publish_build_dirs():
        shutil.rmtree(stale, ignore_errors=True)
    build = layout.publish_build_dir(uuid.uuid4().hex[:8])
    build.mkdir(mode=PRIVATE_DIR)
    try:
        yield build
    finally:
        shutil.rmtree(build, ignore_errors=True)
