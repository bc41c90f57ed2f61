"""The lake as dbt sources on Spark: the same relations ``pipelines.publish.sources`` gives
DuckDB, read by Spark from the same Parquet files.

``sources.SOURCES`` names them (and renders ``sources.yml``); this module fills each as a table
of the Spark database ``lake_<source>``, typed by the contracts: every declared column exists
with its type (NULL where an older file lacks it), a table nobody wrote yet is empty, and the
standardised tables follow the kernel's one "current version" rule
(``kernel.sql.current_version_sql``, transpiled to Spark SQL). They are
tables, not views: a Spark view cannot be defined over a DataFrame, and the extra write is one
pass over the lake. They live under the build folder and are dropped with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from kernel.audit import ACCESS_COLUMNS, audit_root
from kernel.layout import Layout
from kernel.sql import current_version_sql
from pipelines.publish.errors import InputError
from pipelines.publish.sources import PREVIOUS, SOURCES, _tonight
from schemas.contracts import code_sets, contract
from schemas.tables import duckdb_columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# The contracts' DuckDB types as Spark DDL types (TIMESTAMPTZ: Spark's TIMESTAMP is an instant).
SPARK_TYPES = {
    "VARCHAR": "STRING",
    "BIGINT": "BIGINT",
    "INTEGER": "INT",
    "DOUBLE": "DOUBLE",
    "DATE": "DATE",
    "TIMESTAMPTZ": "TIMESTAMP",
    "BOOLEAN": "BOOLEAN",
}

Reader = Callable[[str, str | None], "DataFrame"]


def spark_ddl(columns: dict[str, str]) -> str:
    """``name TYPE, ...`` of DuckDB-typed columns, for a Spark schema."""
    return ", ".join(f"`{name}` {SPARK_TYPES[kind]}" for name, kind in columns.items())


def spark_ddl_of(frame: DataFrame) -> str:
    return ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in frame.schema.fields)


def create_spark_sources(spark: SparkSession, layout: Layout, day: date, root: Path) -> None:
    """Every source relation of night ``day`` as a table ``lake_<source>.<table>`` whose files
    are under ``root`` (``lake_previous`` empty: Spark builds are always full)."""
    if not layout.night("mpi.record_link", day).exists():
        path = layout.night("mpi.record_link", day)
        raise InputError(f"no MPI crosswalk for {day}: {path} (run the link stage first)")
    readers = _readers(spark, layout, day)
    for source in SOURCES:
        spark.sql(f"DROP DATABASE IF EXISTS {source.schema} CASCADE")
        spark.sql(f"CREATE DATABASE {source.schema} LOCATION '{root / source.schema}'")
        for table, dataset in source.tables.items():
            frame = readers[source.name](table, dataset)
            name = f"{source.schema}.{table}"
            # no files: the table alone (isLocal: rows in the driver, isEmpty costs no job)
            if frame.isLocal() and frame.isEmpty():
                spark.sql(f"CREATE TABLE {name} ({spark_ddl_of(frame)}) USING parquet")
            else:
                frame.write.format("parquet").saveAsTable(name)


def drop_spark_sources(spark: SparkSession) -> None:
    for source in SOURCES:
        spark.sql(f"DROP DATABASE IF EXISTS {source.schema} CASCADE")


def _readers(spark: SparkSession, layout: Layout, day: date) -> dict[str, Reader]:
    return {
        "std": lambda t, _c: std_current(spark, layout, t, day),
        "std_history": lambda t, _c: std_history(spark, layout, t, day),
        "std_tonight": lambda t, _c: std_history(spark, layout, t, day, tonight=True),
        # every build on Spark is full: no model reads the touched records' versions
        "std_touched": lambda t, _c: contract_frame(spark, f"std.{t}", []),
        "mpi": lambda _t, c: _night_frame(spark, layout, _str(c), day),
        "nightly": lambda _t, c: contract_frame(spark, _str(c), layout.nights(_str(c), day)),
        "tonight": lambda _t, c: contract_frame(spark, _str(c), _tonight(layout, _str(c), day)),
        "reference": lambda t, c: contract_frame(spark, _str(c), _existing(layout.reference(t))),
        "audit": lambda _t, _c: access_audit(spark, layout),
        "contracts": lambda _t, _c: code_set_frame(spark),
        "previous": lambda t, _c: spark.createDataFrame([], spark_ddl(PREVIOUS[t])),
    }


def contract_frame(spark: SparkSession, dataset: str, files: Sequence[Path]) -> DataFrame:
    """The rows of ``files`` (Parquet) with exactly the contract's columns, typed; empty when
    there are none. Read with the contract's schema: a column an older file lacks reads as
    NULL, and Spark need not open every file's footer first to merge their schemas."""
    ddl = spark_ddl(duckdb_columns(dataset))
    if not files:
        return spark.createDataFrame([], ddl)
    # recursiveFileLookup: the date= folder is already a column, no partition discovery
    reader = spark.read.schema(ddl).option("recursiveFileLookup", "true")
    return reader.parquet(*(str(f) for f in files))


def std_current(spark: SparkSession, layout: Layout, table: str, day: date) -> DataFrame:
    """The current version of every record of ``std.<table>`` after night ``day``: the
    kernel's one rule (``kernel.sql.current_version_sql``), written in Spark's dialect."""
    import sqlglot

    spec = contract(f"std.{table}")
    if len(spec.primary_key) != 1:
        raise InputError(f"{spec.dataset}: the current-version rule needs a one-column key")
    history = f"_history_{table}"
    std_history(spark, layout, table, day).createOrReplaceTempView(history)
    rule = current_version_sql(history, spec.primary_key[0], day)
    return spark.sql(sqlglot.transpile(rule, read="duckdb", write="spark")[0])


def std_history(
    spark: SparkSession, layout: Layout, table: str, day: date, tonight: bool = False
) -> DataFrame:
    """Every delivered version of ``std.<table>`` loaded through night ``day``; with
    ``tonight``, those loaded on night ``day`` alone (its partitions only)."""
    from pyspark.sql import functions as F

    after = day - timedelta(days=1) if tonight else None
    rows = contract_frame(spark, f"std.{table}", layout.std_files_between(table, after, day))
    rows = rows.where(F.col("load_date") > F.lit(after)) if after else rows
    return rows.where(F.col("load_date") <= F.lit(day))


def access_audit(spark: SparkSession, layout: Layout) -> DataFrame:
    """Every access-audit line written so far (JSON Lines under data/audit/access/)."""
    ddl = spark_ddl(ACCESS_COLUMNS)
    files = sorted(audit_root(layout.root).glob("date=*/*.jsonl"))
    if not files:
        return spark.createDataFrame([], ddl)
    return spark.read.schema(ddl).json([str(f) for f in files])


def code_set_frame(spark: SparkSession) -> DataFrame:
    """schemas/code_sets.yaml as rows (code_set, code, label)."""
    rows = [
        (name, str(code), str(label))
        for name, codes in code_sets().items()
        for code, label in codes.items()
    ]
    return spark.createDataFrame(rows, "code_set STRING, code STRING, label STRING")


def _night_frame(spark: SparkSession, layout: Layout, dataset: str, day: date) -> DataFrame:
    path = layout.night(dataset, day)
    return contract_frame(spark, dataset, _existing(path))


def _existing(path: Path) -> list[Path]:
    return [path] if path.exists() else []


def _str(dataset: str | None) -> str:
    if dataset is None:
        raise InputError("a lake source without a contract")
    return dataset
