"""Choosing the linkage engine, and the model's SQL written for Spark (no Spark started here)."""

from __future__ import annotations

import functools
from datetime import date

import pytest
import sqlglot

from kernel.spark import ENGINES, EngineError, check_engine
from matching import link_date
from matching.model import load_model
from matching.spark_sql import SPARK_EQUIVALENTS, spark_settings, spark_sql
from pipelines.run import STAGES, run_date, stage_step


def test_only_known_engines_are_accepted() -> None:
    assert [check_engine(e) for e in ENGINES] == ["duckdb", "spark"]
    with pytest.raises(EngineError, match="unknown engine 'Spark'; choose one of duckdb, spark"):
        check_engine("Spark")


def test_a_bad_engine_fails_before_anything_runs(tmp_path) -> None:
    with pytest.raises(EngineError):
        link_date(tmp_path, date(2024, 3, 1), engine="polars")
    with pytest.raises(EngineError):
        run_date(tmp_path, tmp_path / "data", date(2024, 3, 1), engine="polars")
    assert not (tmp_path / "data").exists()


def test_the_engine_reaches_only_the_link_and_publish_stages() -> None:
    for name in ("link", "publish"):
        assert stage_step(name) is dict(STAGES)[name]  # the DuckDB path exactly as before
        spark = stage_step(name, "spark")
        assert isinstance(spark, functools.partial) and spark.keywords == {"engine": "spark"}
    for name in ("extract", "validate", "standardise", "check"):
        assert stage_step(name, "spark") is dict(STAGES)[name]


def _functions(sql: str) -> set[str]:
    tree = sqlglot.parse_one(sql, read="spark")
    return {f.name.lower() for f in tree.find_all(sqlglot.exp.Anonymous)}


def test_every_level_is_spark_sql_without_duckdb_only_functions() -> None:
    settings = spark_settings(load_model().settings)
    assert "blocking_rules_to_generate_predictions" not in settings
    duckdb_only = {"hamming", "damerau_levenshtein", "jaro_winkler_similarity", "list_has_any",
                   "overlap_share"}  # fmt: skip
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            condition = level["sql_condition"]
            if condition != "ELSE":
                assert not _functions(condition) & duckdb_only, condition
                assert "&&" not in condition, condition  # sqlglot's list overlap, not Spark's


def test_the_macros_are_inlined_and_functions_are_null_when_an_argument_is() -> None:
    sql = spark_sql("overlap_share(a_l, a_r) >= 0.9 AND hamming(b_l, b_r) = 1").lower()
    assert "size(array_intersect(a_l, a_r)) / least(size(a_l), size(a_r))" in sql
    assert "case when not (b_l) is null and not (b_r) is null then size(filter(" in sql
    assert set(SPARK_EQUIVALENTS) >= {"hamming", "list_has_any", "jaro_winkler_similarity"}
