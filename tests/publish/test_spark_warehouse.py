"""The warehouse on Spark: the same dbt project, built by dbt-spark over the same lake, publishes
the same tables as DuckDB (row sets equal, floats within a relative 1e-9).

One module fixture publishes the hand-built scenario city (tests/publish/scenario.py) on both
engines: a local Spark session (``local[2]``) starts once, and the build takes minutes on two
shared cores, so everything that needs it is in this one module, marked ``spark``.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from pipelines.publish import PublishSummary, publish
from pipelines.publish.pseudonym import pseudonym_key, pseudonymise
from pipelines.publish.spark_build import (
    project_schemas,
    pseudonym_udf,
    read_spark_table,
    spark_table_dir,
)
from tests.publish.scenario import D, build_city


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PublishSummary, PublishSummary]:
    data = tmp_path_factory.mktemp("spark-city")
    build_city(data)
    return data, publish(data, D), publish(data, D, engine="spark")


def normal(value: Any) -> Any:
    """A value both engines give alike: floats to 12 significant digits, instants in UTC."""
    if isinstance(value, float):
        return value if math.isnan(value) else float(f"{value:.12g}")
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.timestamp()
    return value


def row_set(table: pa.Table, columns: list[str]) -> Counter:
    rows = table.select(columns).to_pylist()
    return Counter(tuple(normal(row[c]) for c in columns) for row in rows)


def duckdb_table(path: Path, name: str) -> pa.Table:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(f"SELECT * FROM {name}").to_arrow_table()


def assert_same(duck: pa.Table, spark: pa.Table, name: str) -> None:
    assert spark.column_names == duck.column_names, name
    assert spark.num_rows == duck.num_rows, name
    assert row_set(spark, duck.column_names) == row_set(duck, duck.column_names), name


@pytest.mark.spark
def test_every_model_builds_on_spark_with_the_same_row_counts(
    both: tuple[Path, PublishSummary, PublishSummary],
) -> None:
    _, duck, spark = both
    assert spark.tables == duck.tables
    assert spark.analytics_tables == duck.analytics_tables
    assert spark.tables["archive.timeline"] > 0 and spark.tables["metrics.indicator"] > 0


@pytest.mark.spark
def test_the_published_warehouse_tables_are_the_same(
    both: tuple[Path, PublishSummary, PublishSummary],
) -> None:
    data, duck, _ = both
    for name in duck.tables:
        assert_same(duckdb_table(duck.warehouse, name), read_spark_table(data, name), name)


@pytest.mark.spark
def test_the_published_analytics_tables_are_the_same_pseudonyms_included(
    both: tuple[Path, PublishSummary, PublishSummary],
) -> None:
    data, duck, _ = both
    for name in duck.analytics_tables:
        spark = read_spark_table(data, f"analytics.{name}")
        assert_same(duckdb_table(duck.analytics, name), spark, name)


@pytest.mark.spark
def test_the_build_steps_are_not_published(
    both: tuple[Path, PublishSummary, PublishSummary],
) -> None:
    data, _, spark = both
    published = {p.name for p in spark.warehouse.iterdir()}
    assert not published & {"staging", "intermediate", "lake_std", "lake_mpi"}
    assert spark_table_dir(data, "analytics.archive.resident").is_dir()


def test_the_spark_pseudonym_is_the_duckdb_one() -> None:
    key = pseudonym_key()
    udf = pseudonym_udf(key)
    assert udf("R000001") == pseudonymise(key, "R000001")
    assert udf(None) is None


def test_a_spark_build_starts_from_every_schema_of_the_project_dropped() -> None:
    schemas = project_schemas()
    assert {"staging", "intermediate", "archive", "mpi", "metrics"} <= set(schemas)
    assert {"analytics_archive", "analytics_metrics"} <= set(schemas)
