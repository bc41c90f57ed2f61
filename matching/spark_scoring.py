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
from pathlib import Path
from typing import Any

import duckdb

from kernel.spark import spark_session
from kernel.sql import sql_string
from matching.spark_sql import register_functions, spark_settings

log = logging.getLogger(__name__)


@contextmanager
def spark_predictions(
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    tables: tuple[str, str | None],
    rules: list[Any],
    tf: Mapping[str, str],
    keep: str,
    scratch: Path,
) -> Iterator[list[str]]:
    """Score ``tables`` = (new, index or None) on Spark; yields one DuckDB relation per part
    (within, then between), each with the pair ids, weights and gamma columns and filtered by
    ``keep``. The scratch files are removed on exit."""
    exchange = scratch / f"link-{uuid.uuid4().hex[:12]}"
    exchange.mkdir(parents=True)
    try:
        started = time.perf_counter()
        paths = _score(con, settings, tables, rules, tf, keep, (scratch, exchange))
        log.info("spark scoring: %d parts in %.1f s", len(paths), time.perf_counter() - started)
        yield [f"read_parquet({sql_string(p / '*.parquet')})" for p in paths]
    finally:
        shutil.rmtree(exchange, ignore_errors=True)


def _score(
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    tables: tuple[str, str | None],
    rules: list[Any],
    tf: Mapping[str, str],
    keep: str,
    dirs: tuple[Path, Path],
) -> list[Path]:
    from splink import Linker, SparkAPI
    from splink.backends.spark import similarity_jar_location

    scratch, exchange = dirs
    spark = spark_session(scratch, jars=[similarity_jar_location()])
    # Splink persists its intermediate tables here: this call's own folder, removed with it
    spark.sparkContext.setCheckpointDir(str(exchange / "checkpoints"))
    register_functions(spark)
    db = SparkAPI(spark_session=spark)  # intermediate tables checkpointed as Parquet
    new, index = tables

    def read(name: str, relation: str) -> Any:
        path = exchange / f"{name}.parquet"
        con.execute(f"COPY (SELECT * FROM {relation}) TO {sql_string(path)} (FORMAT parquet)")
        return db.register(spark.read.parquet(str(path)))

    new_sdf = read("new", new)
    linker = Linker(new_sdf, spark_settings(settings), log_level=None)
    for column, lookup in tf.items():
        linker.table_management.register_term_frequency_lookup(read(lookup, lookup), column)
    options = {"blocking_rules_to_generate_predictions": rules, "warning_mode": "never"}
    parts = [linker.inference.predict_within(new_sdf, **options)]
    if index:
        parts.append(linker.inference.predict_between(new_sdf, read("index", index), **options))
    cols = ["unique_id_l", "unique_id_r", "match_weight", "match_probability",
            *(f"gamma_{c['output_column_name']}" for c in settings["comparisons"])]  # fmt: skip
    out = []
    for i, part in enumerate(parts):
        path = exchange / f"scored-{i}"
        spark.table(part.physical_name).select(*cols).where(keep).write.parquet(str(path))
        part.drop_table_from_database_and_remove_from_cache()
        out.append(path)
    return out
