"""The model's SQL for Spark: the same comparison levels, read as DuckDB SQL, written as Spark's.

The model file (Splink settings) holds DuckDB SQL, and stays the one model: nothing here copies a
level. ``spark_settings`` rewrites every condition with sqlglot (DuckDB → Spark) and replaces what
Spark lacks or spells otherwise:

- the feature macros (``matching.features.SQL_MACROS``) are inlined from their one declaration;
- ``hamming`` becomes a count of differing positions, ``list_has_any`` ``arrays_overlap``;
- ``damerau_levenshtein`` and ``jaro_winkler_similarity`` are DuckDB's own, run on Spark's
  executors as vectorised UDFs (``DUCKDB_FUNCTIONS``), so that a level's threshold falls where
  it falls on DuckDB.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot
from sqlglot import exp

from matching.features import SQL_MACROS

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# DuckDB functions Spark runs as DuckDB itself (``register_functions``): no Spark function or
# jar computes them the same way. Splink's Scala Jaro-Winkler counts transpositions otherwise
# (it moved the 0.9 level for one random pair in 150); its Damerau-Levenshtein agreed with
# DuckDB's on 15,000 random short strings, but needs a jar on the classpath when the session
# starts, which a session another step started lacks.
DUCKDB_FUNCTIONS = ("damerau_levenshtein", "jaro_winkler_similarity")

# Spark SQL for a DuckDB function Spark does not have; {0}, {1}: the arguments (null when
# either is, as in DuckDB: ``_null_if_any``).
SPARK_EQUIVALENTS = {
    # the operands are ASCII digits, so bytes and characters agree
    "hamming": "size(filter(sequence(1, greatest(length({0}), 1)),"
    " i -> substr({0}, i, 1) <> substr({1}, i, 1)))",
    "list_has_any": "arrays_overlap({0}, {1})",
    **{name: f"duckdb_{name}({{0}}, {{1}})" for name in DUCKDB_FUNCTIONS},
}
# sqlglot parses some DuckDB functions into its own expression types, not by name.
_TYPED_NAMES = {
    exp.JarowinklerSimilarity: "jaro_winkler_similarity",
    exp.ArrayOverlaps: "list_has_any",
}


def _function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    return _TYPED_NAMES.get(type(node))


def _arguments(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    return [node.this, node.expression]


def _inline_macro(name: str, args: list[exp.Expression]) -> exp.Expression:
    params, body = SQL_MACROS[name]
    values = dict(zip(params, args, strict=True))
    tree = sqlglot.parse_one(body, read="duckdb")
    return tree.transform(
        lambda n: values[n.name].copy() if isinstance(n, exp.Column) and n.name in values else n
    )


def _rewrite(node: exp.Expression) -> exp.Expression:
    name = _function_name(node)
    if name in SQL_MACROS:
        return exp.Paren(this=_inline_macro(name, _arguments(node)).transform(_rewrite))
    if name in SPARK_EQUIVALENTS:
        args = [a.sql("spark") for a in _arguments(node)]
        return exp.Paren(this=sqlglot.parse_one(_null_if_any(name, args), "spark"))
    return node


def _null_if_any(name: str, args: list[str]) -> str:
    """The Spark equivalent of ``name``, null when an argument is (DuckDB's functions are
    strict; a Scala UDF would fail on null, and ``greatest`` would hide it)."""
    present = " AND ".join(f"({a}) IS NOT NULL" for a in args)
    return f"CASE WHEN {present} THEN {SPARK_EQUIVALENTS[name].format(*args)} END"


def spark_sql(condition: str) -> str:
    """A DuckDB SQL condition of the model as Spark SQL."""
    return sqlglot.parse_one(condition, read="duckdb").transform(_rewrite).sql("spark")


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The model's settings with every comparison level's condition in Spark SQL.

    The settings' own prediction rules are dropped: scoring passes its rules explicitly
    (``matching.blocking``), and Splink builds them in the engine's dialect.
    """
    out = copy.deepcopy(settings)
    out.pop("blocking_rules_to_generate_predictions", None)
    out.pop("sql_dialect", None)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = spark_sql(level["sql_condition"])
            level.pop("sql_dialect", None)
    return out


def register_functions(spark: SparkSession) -> None:
    """DuckDB's own functions of ``DUCKDB_FUNCTIONS`` as Spark functions ``duckdb_<name>``."""
    for name in DUCKDB_FUNCTIONS:
        spark.udf.register(f"duckdb_{name}", _duckdb_udf(name))


def _duckdb_udf(name: str) -> Any:
    """A vectorised UDF running DuckDB's ``name`` over each Arrow batch of pairs. Made in here
    so that it is shipped to the executors by value: they need duckdb and pandas, not this
    package."""
    from pyspark.sql.functions import pandas_udf

    def run(a: pd.Series, b: pd.Series) -> pd.Series:
        import duckdb

        pairs = pd.DataFrame({"a": a, "b": b})
        with duckdb.connect() as con:
            con.register("pairs", pairs)
            return con.sql(f"SELECT {name}(a, b)::DOUBLE AS v FROM pairs").df()["v"]

    return pandas_udf(run, "double")
