"""publish on Spark: the same dbt project (``warehouse/``) built by dbt-spark into Parquet.

``publish(data, D, engine="spark")`` comes here. One process, one Spark session
(``kernel.spark``: ``local[2]`` unless ``HEALTHARCHIVE_SPARK_MASTER`` names a cluster), which
dbt-spark's ``session`` method picks up:

1. the session is set to the city's time zone, writes Parquet timestamps as UTC instants
   (readable by DuckDB and pyarrow alike) and gets ``pseudonym()``, the HMAC-SHA256 of
   ``pipelines.publish.pseudonym`` as a Python UDF (Spark has no HMAC built in);
2. the lake sources become tables ``lake_<source>.*`` read from the same Parquet
   (``pipelines.publish.spark_sources``);
3. ``dbt build`` runs every model and data test; each schema is a Spark database located at
   ``<build>/warehouse/<schema>`` (``warehouse/macros/spark.sql``), analytics' schemas prefixed
   ``analytics_``. The dialect differences are dispatched macros (``warehouse/macros/dialect.sql``);
   unit tests run on DuckDB only (they test the SQL, and dbt-spark casts their fixtures
   differently);
4. the build steps (``lake_*``, ``staging``, ``intermediate``) are dropped and the folder replaces
   ``DIR/spark-warehouse`` only after every model and test passed.

What differs from DuckDB: every build is full (the incremental models' ``is_incremental()``
branch deletes rows, which Parquet tables cannot; Delta or Iceberg could), there is no
``ops.publish`` table, no column comments (dbt-spark writes those on Delta/Iceberg/Hudi only),
and the published tables are Parquet folders, one per table, not two database files.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from kernel.atomic import PRIVATE_DIR, replace_dir, write_text
from kernel.city import city
from kernel.layout import Layout
from kernel.spark import spark_session
from pipelines.publish import dbt_run, pseudonym
from pipelines.publish.build import TRANSIENT_SCHEMAS, PublishSummary
from pipelines.publish.spark_sources import create_spark_sources, drop_spark_sources

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

log = logging.getLogger(__name__)

BUILD_PREFIX = ".spark-build-"
ANALYTICS_PREFIX = "analytics_"  # warehouse/macros/naming.sql: analytics' schemas on Spark


def spark_output(data: Path) -> Path:
    """Where the Spark build of the warehouse is published: ``<schema>/<table>/`` Parquet."""
    return Layout(data).spark_warehouse


def publish_spark(data: Path, day: date) -> PublishSummary:
    """Build the warehouse on Spark for the state after night ``day`` and publish its tables
    into ``spark_output(data)``; raises ModelError / DataTestError like the DuckDB build."""
    layout = Layout(data)
    key = pseudonym.pseudonym_key()  # fail before any work when analytics cannot be keyed
    started = time.perf_counter()
    spark = spark_session(layout.spark_scratch)
    configure_session(spark, key)
    build = _new_build_folder(layout)
    try:
        output = build / "warehouse"
        create_spark_sources(spark, layout, day, build / "lake")
        sources_seconds = time.perf_counter() - started
        run = _run_dbt(spark, build, output, day)
        log.info("spark: sources in %.1f s, dbt build in %.1f s", sources_seconds, run.seconds)
        drop_spark_sources(spark)
        for schema in TRANSIENT_SCHEMAS:  # the resident → person_key map must not be published
            spark.sql(f"DROP DATABASE IF EXISTS {schema} CASCADE")
        tables = _published(spark, run)
        replace_dir(spark_output(data), output)  # owner-only, like every published file
    finally:
        shutil.rmtree(build, ignore_errors=True)
    seconds = round(time.perf_counter() - started, 2)
    log.info("published %s on Spark: %d tables in %.1f s", day, len(tables), seconds)
    warehouse = {n: c for n, c in tables.items() if not n.startswith(ANALYTICS_PREFIX)}
    analytics = {
        n.removeprefix(ANALYTICS_PREFIX): c for n, c in tables.items() if n not in warehouse
    }
    out = spark_output(data)
    return PublishSummary(day, out, out, warehouse, analytics, seconds, "full")


def configure_session(spark: SparkSession, key: bytes) -> None:
    """The city's time zone (dates of instants are city dates, as in DuckDB), timestamps
    written as UTC instants, and ``pseudonym()``."""
    spark.conf.set("spark.sql.session.timeZone", city().timezone)
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    spark.udf.register("pseudonym", pseudonym_udf(key), "string")


def pseudonym_udf(key: bytes) -> Callable[[str | None], str | None]:
    """``pseudonym.pseudonymise`` as a self-contained function: Spark ships it to its Python
    workers by value (key included), so they need not import this project."""

    def hmac_hex(value: str | None) -> str | None:
        if value is None:
            return None
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    return hmac_hex


def write_spark_profile(work: Path) -> Path:
    """dbt-spark's profile: the ``session`` method, the process's active Spark session."""
    output = {"type": "spark", "method": "session", "host": "localhost", "schema": "main"}
    profile = {dbt_run.PROFILE: {"target": "spark", "outputs": {"spark": {**output, "threads": 1}}}}
    write_text(work / "profiles.yml", yaml.safe_dump(profile))
    return work


def read_spark_table(data: Path, name: str) -> pa.Table:
    """A table the Spark build published, by its DuckDB name: ``archive.timeline`` in the
    warehouse, ``analytics.archive.timeline`` in analytics."""
    return pq.read_table(spark_table_dir(data, name))


def spark_table_dir(data: Path, name: str) -> Path:
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "analytics":
        parts = [ANALYTICS_PREFIX + parts[1], parts[2]]
    if len(parts) != 2:
        raise ValueError(f"{name!r}: expected schema.table or analytics.schema.table")
    return spark_output(data) / parts[0] / parts[1]


def _run_dbt(spark: SparkSession, build: Path, output: Path, day: date) -> dbt_run.DbtRun:
    """``dbt build`` on Spark into ``output``, from a clean catalogue (a session that built
    before still lists the previous build's schemas: dbt would take them as incremental)."""
    for schema in project_schemas():
        spark.sql(f"DROP DATABASE IF EXISTS {schema} CASCADE")
    profile = write_spark_profile(build / "dbt")
    variables = {"spark_location": output.as_uri()}
    return dbt_run.build(profile, day, unit_tests=False, variables=variables)


def project_schemas() -> list[str]:
    """Every schema the dbt project builds on Spark (``+schema`` per folder in
    ``dbt_project.yml``; analytics' prefixed as ``macros/naming.sql`` does)."""
    project = yaml.safe_load((dbt_run.PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    folders = project["models"]["healtharchive"]

    def schemas(config: dict, prefix: str = "") -> list[str]:
        return [
            prefix + v["+schema"] for v in config.values() if isinstance(v, dict) and "+schema" in v
        ]

    return [*schemas(folders), *schemas(folders["analytics"], ANALYTICS_PREFIX)]


def _published(spark: SparkSession, run: dbt_run.DbtRun) -> dict[str, int]:
    """Row count of every published table, ``schema.table``."""
    names = sorted({".".join(m.relation.split(".")[-2:]) for m in run.models() if m.relation})
    return {n: spark.table(n).count() for n in names if n.split(".")[0] not in TRANSIENT_SCHEMAS}


def _new_build_folder(layout: Layout) -> Path:
    layout.root.mkdir(parents=True, exist_ok=True)
    for stale in layout.root.glob(f"{BUILD_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    build = layout.root / f"{BUILD_PREFIX}{uuid.uuid4().hex[:8]}"
    build.mkdir(mode=PRIVATE_DIR)
    return build
