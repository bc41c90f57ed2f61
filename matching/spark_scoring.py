"""Scoring candidate pairs on Spark (``--engine spark``): the one step that grows with the index.

Features, stop lists, clustering and the registry stay in DuckDB (they are small per night).
Scoring hands Spark tonight's new mentions, the index candidates and the term-frequency lookups
as Parquet files in a scratch folder, runs Splink's ``predict_within`` / ``predict_between``
there with the same model (``matching.spark_sql`` writes its SQL for Spark), and hands back the
scored pairs as Parquet, which DuckDB reads as it reads its own predictions.
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from kernel.spark import spark_session
from kernel.sql import sql_string
from matching.inference import gamma_columns
from matching.spark_sql import register_functions, spark_settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from splink.internals.splink_dataframe import SplinkDataFrame

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scoring:
    """What to score: the model's settings, (new, index or None) as DuckDB relations, the
    blocking rules, the term-frequency lookups (column → relation) and the SQL condition a
    scored pair is kept on."""

    settings: dict[str, Any]
    tables: tuple[str, str | None]
    rules: list[Any]
    tf: Mapping[str, str]
    keep: str


@contextmanager
def spark_predictions(
    con: duckdb.DuckDBPyConnection, scoring: Scoring, scratch: Path
) -> Iterator[list[str]]:
    """Score on Spark; yields one DuckDB relation per part (within, then between with an
    index), each with the pair ids, weights and gamma columns of the pairs ``scoring.keep``
    keeps. The files exchanged under ``scratch`` are removed on exit."""
    exchange = scratch / f"link-{uuid.uuid4().hex[:12]}"
    exchange.mkdir(parents=True)
    spark = spark_session(scratch)
    # Splink persists its intermediate tables here: this call's own folder, removed with it
    spark.sparkContext.setCheckpointDir(str(exchange / "checkpoints"))
    try:
        started = time.perf_counter()
        paths = _predict(spark, con, scoring, exchange)
        log.info("spark scoring: %d parts in %.1f s", len(paths), time.perf_counter() - started)
        yield [f"read_parquet({sql_string(p / '*.parquet')})" for p in paths]
    finally:
        spark.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
        shutil.rmtree(exchange, ignore_errors=True)


def _predict(
    spark: SparkSession, con: duckdb.DuckDBPyConnection, scoring: Scoring, exchange: Path
) -> list[Path]:
    """Splink's predictions on Spark, written as Parquet folders under ``exchange``."""
    from splink import Linker, SparkAPI

    register_functions(spark)
    # intermediate tables checkpointed as Parquet; none of the jar's functions is called
    db = SparkAPI(spark_session=spark, register_udfs_automatically=False)

    def read(name: str, relation: str) -> SplinkDataFrame:
        path = exchange / f"{name}.parquet"
        con.execute(f"COPY (SELECT * FROM {relation}) TO {sql_string(path)} (FORMAT parquet)")
        return db.register(spark.read.parquet(str(path)))

    new, index = scoring.tables
    new_sdf = read("new", new)
    linker = Linker(new_sdf, spark_settings(scoring.settings), log_level=None)
    for column, lookup in scoring.tf.items():
        linker.table_management.register_term_frequency_lookup(read(lookup, lookup), column)
    options = {"blocking_rules_to_generate_predictions": scoring.rules, "warning_mode": "never"}
    parts = [linker.inference.predict_within(new_sdf, **options)]
    if index:
        parts.append(linker.inference.predict_between(new_sdf, read("index", index), **options))
    gammas = gamma_columns(scoring.settings)
    cols = ["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas]
    out = []
    for i, part in enumerate(parts):
        path = exchange / f"scored-{i}"
        spark.table(part.physical_name).select(*cols).where(scoring.keep).write.parquet(str(path))
        part.drop_table_from_database_and_remove_from_cache()
        out.append(path)
    return out
