"""Scoring candidate pairs with the pinned model (no training here).

Incremental: tonight's new (or changed) mentions are scored among themselves
(``predict_within``) and against the existing index (``predict_between``); pairs of two
existing mentions are never re-scored. Term frequencies come as ready ``tf_*`` columns from
``matching.features.population_features``
(lookups over the values tonight's mentions carry).
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from kernel.spark import check_engine
from matching.blocking import prediction_rules
from matching.comparisons import IDENTIFIER_LEVELS
from matching.features import MACROS, TF_TABLES
from matching.relations import Rel

# gamma value Splink gives a comparison's null level; non-null levels count down to 0 (else).
NULL_GAMMA = -1


def comparison_levels(settings: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Per comparison output column: gamma value → level label (for the review queue)."""
    levels = {}
    for comp in settings["comparisons"]:
        non_null = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        labels = {
            len(non_null) - 1 - i: lv.get("label_for_charts", str(i))
            for i, lv in enumerate(non_null)
        }
        levels[comp["output_column_name"]] = {NULL_GAMMA: "null", **labels}
    return levels


def gamma_of(settings: dict[str, Any], comparison: str, label: str) -> int:
    """The gamma value of the level labelled ``label`` in ``comparison``."""
    for gamma, found in comparison_levels(settings)[comparison].items():
        if found == label:
            return gamma
    raise KeyError(f"{comparison} has no level {label!r}")


def gamma_columns(settings: dict[str, Any]) -> list[str]:
    return [f"gamma_{c['output_column_name']}" for c in settings["comparisons"]]


MAX_SCALED_PROBABILITY = 0.5
# A tiny city (a test, a first night) is not scaled up beyond this factor: a handful of
# mentions says little about the population it will grow into.
MAX_SCALE_UP = 100.0


def population_scaled(
    settings: dict[str, Any], trained_mentions: int | None, mentions: int
) -> dict[str, Any]:
    """The model rescaled from the population it was trained on to tonight's.

    True pairs grow like the number of mentions M and all pairs like M², so the prior that two
    random mentions match falls as 1/M; so does the chance that two different people share an
    identifier (``IDENTIFIER_LEVELS`` u values). Names and birth dates keep their u: their
    collisions depend on the name and date distributions, not the city size. Without this a
    model trained on a small city would overrate name+birth agreement in a large one.
    """
    if not trained_mentions or mentions < 2:
        return settings
    factor = min(trained_mentions / mentions, MAX_SCALE_UP)
    scaled = copy.deepcopy(settings)
    scaled["probability_two_random_records_match"] = _capped(
        settings["probability_two_random_records_match"] * factor
    )
    identifiers = set(IDENTIFIER_LEVELS)
    for comp in scaled["comparisons"]:
        for level in comp["comparison_levels"]:
            key = (comp["output_column_name"], level.get("label_for_charts"))
            if key in identifiers and level.get("u_probability"):
                level["u_probability"] = _capped(level["u_probability"] * factor)
    return scaled


def _capped(p: float) -> float:
    return min(p, MAX_SCALED_PROBABILITY)


def score_new(
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    new: str = "new_features",
    index: str | None = "index_features",
    out: str = "scored_pairs",
    min_match_weight: float | None = None,
    blocking_rules: list[Any] | None = None,
    tf: Mapping[str, str] = TF_TABLES,
    engine: str = "duckdb",
    scratch: Path | None = None,
) -> Rel:
    """Score new × new and new × index pairs into table ``out`` and return it.

    Blocking is the pipeline's choice, not the model's: ``matching.blocking``'s prediction
    rules unless ``blocking_rules`` says otherwise (tests compare every pair with ``1 = 1``).

    ``out`` has ``unique_id_l < unique_id_r`` (pairs are symmetric), ``new_id`` / ``other_id``
    (the new mention and its partner), ``between`` (the partner is in the index), the match
    weight and probability and one gamma column per comparison. Pairs below
    ``min_match_weight`` are dropped, except pinned "different person" levels, which
    clustering needs as cannot-link constraints.

    ``engine`` scores on DuckDB (this connection) or on Spark (``matching.spark_scoring``,
    exchanging Parquet files under ``scratch``); ``out`` is the same either way.
    """
    check_engine(engine)
    settings = {
        **settings,
        "retain_matching_columns": True,  # gammas come only with them
        "retain_intermediate_calculation_columns": False,
    }
    index = index if index and _rows(con, index) else None
    keep = "true"
    if min_match_weight is not None:
        keep = f"match_weight >= {min_match_weight} OR " + cannot_link_sql(settings)
    rules = blocking_rules or prediction_rules()
    if engine == "spark":
        from matching.spark_scoring import Scoring, spark_predictions

        # (an owner-only folder of its own: the exchanged files carry identities)
        scratch = scratch or Path(tempfile.mkdtemp(prefix="healtharchive-spark-"))
        scoring = Scoring(settings, (new, index), rules, tf, keep)
        predictions = spark_predictions(con, scoring, scratch)
    else:
        predictions = _duckdb_predictions(con, settings, (new, index), rules, tf)
    with predictions as parts:
        return _collect(con, settings, parts, keep, out)


@contextmanager
def _duckdb_predictions(
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    tables: tuple[str, str | None],
    rules: list[Any],
    tf: Mapping[str, str],
) -> Iterator[list[str]]:
    """Splink's predictions on this connection: within the new mentions, then (with an index)
    between them and the index; the tables are dropped on exit."""
    con.execute(MACROS)  # comparison SQL calls the feature macros
    new, index = tables
    db = DuckDBAPI(connection=con)
    new_sdf = db.register(new)
    # the pinned model's comparisons read the columns record features always have (every
    # level is exercised in tests/matching): Splink's check of the settings against them,
    # the same every night, costs half a second a night
    linker = Linker(new_sdf, settings, log_level=None, validate_settings=False)
    for column, lookup in tf.items():
        linker.table_management.register_term_frequency_lookup(db.register(lookup), column)
    options = {"blocking_rules_to_generate_predictions": rules, "warning_mode": "never"}
    parts = [linker.inference.predict_within(new_sdf, **options)]
    if index:
        parts.append(linker.inference.predict_between(new_sdf, db.register(index), **options))
    try:
        yield [part.physical_name for part in parts]
    finally:
        for part in parts:
            part.drop_table_from_database_and_remove_from_cache()


def _collect(
    con: duckdb.DuckDBPyConnection, settings: dict[str, Any], parts: list[str], keep: str, out: str
) -> Rel:
    """Table ``out`` from the predictions ``parts`` (within, then between)."""
    cols = ", ".join(["match_weight", "match_probability", *gamma_columns(settings)])
    selects = [
        f"""SELECT least(unique_id_l, unique_id_r) AS unique_id_l,
               greatest(unique_id_l, unique_id_r) AS unique_id_r,
               unique_id_l AS new_id, unique_id_r AS other_id, {i > 0} AS between, {cols}
            FROM {part} WHERE {keep}"""
        for i, part in enumerate(parts)
    ]
    con.execute(
        f"CREATE OR REPLACE TABLE {out} AS {' UNION ALL '.join(selects)} "
        "ORDER BY unique_id_l, unique_id_r"
    )
    return Rel(out)


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def cannot_link_sql(settings: dict[str, Any]) -> str:
    """SQL condition on a scored pair: a pinned level says these are two different people."""
    apart = {
        "id_no": ("same address and birth, other sequence", "two valid resident numbers"),
        "birth_date": ("a generation apart",),
        "mother": (
            "same mother, two babies of one delivery register",
            "same mother and birth, other name",
            "same mother and birth, other birth order",
        ),
    }
    terms = []
    for comparison, labels in apart.items():
        gammas = ", ".join(str(gamma_of(settings, comparison, label)) for label in labels)
        terms.append(f"gamma_{comparison} IN ({gammas})")
    return "(" + " OR ".join(terms) + ")"
