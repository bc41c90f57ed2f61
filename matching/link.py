"""The nightly linkage step: current person mentions → persistent resident ids.

``link_date(data, D)`` reads the mentions current through D and last night's crosswalk, scores
candidate pairs with the pinned model, clusters precision-first, keeps resident ids stable and
writes, atomically, under ``data/mpi/date=D/``:

- ``record_link.parquet``: one row per current mention (keys, resident_id, link_method, best
  match probability), the resident-id counter in its Parquet metadata;
- ``review_queue.parquet``: pairs a reviewer should decide (ids, weight, comparison levels);
- ``changes.parquet``: mentions whose resident changed since the previous crosswalk (audit).

Logs carry counts and keys only, never names or ID numbers.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from matching.blocking import count_candidate_pairs
from matching.clustering import classify_pairs, cluster_mentions
from matching.features import build_features
from matching.inference import comparison_levels, population_scaled, score_pairs
from matching.model import Model, load_model
from matching.registry import COUNTER_KEY, Previous, assign_resident_ids, read_previous
from pipelines import lake

log = logging.getLogger(__name__)

MPI_COLUMNS = ("mention_id", "source", "org_code", "dataset", "record_id", "role")


@dataclass
class LinkSummary:
    day: date
    mentions: int = 0
    residents: int = 0
    candidate_pairs: dict[str, int] = field(default_factory=dict)
    scored_pairs: int = 0
    auto_pairs: int = 0
    review_pairs: int = 0
    new_residents: int = 0
    kept_residents: int = 0
    retired_residents: int = 0
    changed_mentions: int = 0
    model_version: int = 0
    seconds: float = 0.0
    path: Path | None = None


def review_queue_path(data: Path, day: date) -> Path:
    return lake.mpi_path(data, day).with_name("review_queue.parquet")


def changes_path(data: Path, day: date) -> Path:
    return lake.mpi_path(data, day).with_name("changes.parquet")


def link_date(data: Path, day: date, model_path: Path | None = None) -> LinkSummary:
    """Link the person mentions current as of ``day``; rerunning a date replaces its output."""
    started = time.perf_counter()
    model = load_model(model_path)
    previous = read_previous(lake.latest_before(data / "mpi", day, "record_link.parquet"))
    summary = LinkSummary(day=day, model_version=model.version)
    tmp = Path(tempfile.mkdtemp(prefix="link-"))
    con = duckdb.connect(config={"temp_directory": str(tmp)})
    try:
        _link(con, data, day, model, previous, summary)
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.path = lake.mpi_path(data, day)
    log.info("linked %s: %d mentions → %d residents (%d new, %d kept, %d retired), "
             "%d scored pairs, %d auto, %d to review, %.1f s", day, summary.mentions,
             summary.residents, summary.new_residents, summary.kept_residents,
             summary.retired_residents, summary.scored_pairs, summary.auto_pairs,
             summary.review_pairs, summary.seconds)
    return summary


def _link(con: duckdb.DuckDBPyConnection, data: Path, day: date, model: Model,
          previous: Previous, summary: LinkSummary) -> None:
    if any(Path(data).glob("lake/std/person_mention/date=*/part.parquet")):
        con.execute(f"CREATE VIEW mentions_in AS {lake.current_sql(data, 'person_mention', day)}")
    else:  # nothing standardised yet: an empty crosswalk keeps the chain of nights intact
        con.execute(f"CREATE VIEW mentions_in AS {_EMPTY_MENTIONS}")
    summary.mentions = build_features(con, "mentions_in")
    summary.candidate_pairs = count_candidate_pairs(con, "mention_features")
    log.info("candidate pairs per blocking rule: %s", summary.candidate_pairs)
    if summary.mentions:
        settings = population_scaled(model.settings, model.meta.get("mentions"),
                                     summary.mentions)
        summary.scored_pairs = score_pairs(
            con, settings, min_match_weight=model.thresholds.review_match_weight)
    else:
        con.execute(_EMPTY_PAIRS.format(cols=_gamma_columns(model)))
    classify_pairs(con, model.settings, model.thresholds)
    clusters = cluster_mentions(con)
    ids, counter = assign_resident_ids(clusters, previous)
    con.register("_ids", ids)
    _counts(con, previous, summary)
    crosswalk = con.sql(_crosswalk_sql(model.version)).to_arrow_table()
    _write(crosswalk, lake.mpi_path(data, day), counter)
    _write(con.sql(_review_sql(model)).to_arrow_table(), review_queue_path(data, day))
    con.register("_previous", previous.links)
    changes = con.sql(_CHANGES_SQL).to_arrow_table()
    summary.changed_mentions = changes.num_rows
    _write(changes, changes_path(data, day))


def _write(table: pa.Table, path: Path, counter: int | None = None) -> None:
    if counter is not None:
        table = table.replace_schema_metadata({COUNTER_KEY: str(counter).encode()})
    lake.write_parquet(table, path)


def _counts(con: duckdb.DuckDBPyConnection, previous: Previous, summary: LinkSummary) -> None:
    con.register("_prev_ids", previous.links[["resident_id"]].drop_duplicates())
    row = con.sql("""
        SELECT (SELECT count(DISTINCT resident_id) FROM _ids),
               (SELECT count(DISTINCT resident_id) FROM _ids
                WHERE resident_id NOT IN (SELECT resident_id FROM _prev_ids)),
               (SELECT count(*) FROM _prev_ids
                WHERE resident_id NOT IN (SELECT resident_id FROM _ids)),
               (SELECT count(*) FILTER (decision = 'auto') FROM pair_decisions),
               (SELECT count(*) FILTER (decision = 'review') FROM pair_decisions)
    """).fetchall()[0]
    summary.residents, summary.new_residents, summary.retired_residents = row[:3]
    summary.kept_residents = summary.residents - summary.new_residents
    summary.auto_pairs, summary.review_pairs = row[3:]


def _gamma_columns(model: Model) -> str:
    return ", ".join(f"NULL::INTEGER AS gamma_{c['output_column_name']}"
                     for c in model.settings["comparisons"])


_EMPTY_MENTIONS = """
SELECT NULL::VARCHAR AS mention_id, NULL::VARCHAR AS source, NULL::VARCHAR AS org_code,
    NULL::VARCHAR AS dataset, NULL::VARCHAR AS record_id, NULL::VARCHAR AS role,
    NULL::VARCHAR AS id_no, NULL::VARCHAR AS mother_id_no, NULL::VARCHAR AS name,
    NULL::VARCHAR AS name_pinyin, NULL::VARCHAR AS surname, NULL::VARCHAR AS given_name,
    NULL::DATE AS birth_date, NULL::DATE AS id_birth_date, NULL::VARCHAR AS sex_code,
    NULL::VARCHAR AS id_sex_code, NULL::VARCHAR AS phone, NULL::VARCHAR AS district_code,
    NULL::DATE AS event_date
LIMIT 0
"""

_EMPTY_PAIRS = """CREATE OR REPLACE TABLE scored_pairs AS SELECT NULL::VARCHAR AS unique_id_l,
    NULL::VARCHAR AS unique_id_r, NULL::DOUBLE AS match_weight,
    NULL::DOUBLE AS match_probability, {cols} LIMIT 0"""


def _crosswalk_sql(model_version: int) -> str:
    ends = """SELECT unique_id_l AS id, decision, match_probability, match_weight
        FROM pair_decisions UNION ALL
        SELECT unique_id_r, decision, match_probability, match_weight FROM pair_decisions"""
    return f"""
        WITH ends AS ({ends}),
        best AS (
            SELECT id, max(match_probability) AS match_probability,
                max(match_weight) AS match_weight,
                bool_or(decision = 'review') AS has_review
            FROM ends WHERE decision IN ('auto', 'review') GROUP BY id),
        sized AS (SELECT *, count(*) OVER (PARTITION BY resident_id) AS n FROM _ids)
        SELECT {", ".join(f"f.{c}" for c in ("unique_id AS mention_id", *MPI_COLUMNS[1:]))},
            f.role_group, s.resident_id,
            CASE WHEN s.n > 1 THEN 'auto' WHEN coalesce(b.has_review, false) THEN 'review'
                 ELSE 'singleton' END AS link_method,
            b.match_probability, b.match_weight,
            s.n::INTEGER AS resident_mentions,
            {model_version}::INTEGER AS model_version
        FROM mention_features f
        JOIN sized s ON s.unique_id = f.unique_id
        LEFT JOIN best b ON b.id = f.unique_id
        ORDER BY mention_id
    """


def _review_sql(model: Model) -> str:
    level_cols = []
    for comp, levels in comparison_levels(model.settings).items():
        cases = " ".join(f"WHEN {g} THEN '{label}'" for g, label in sorted(levels.items()))
        level_cols.append(f"CASE d.gamma_{comp} {cases} END AS {comp}_level")
    return f"""
        SELECT d.unique_id_l AS mention_id_l, d.unique_id_r AS mention_id_r,
            a.resident_id AS resident_id_l, b.resident_id AS resident_id_r,
            d.match_weight, d.match_probability, d.reason, {", ".join(level_cols)}
        FROM pair_decisions d
        JOIN _ids a ON a.unique_id = d.unique_id_l
        JOIN _ids b ON b.unique_id = d.unique_id_r
        WHERE d.decision = 'review'
          AND (a.resident_id <> b.resident_id
               OR d.reason <> 'between review and auto thresholds')
        ORDER BY mention_id_l, mention_id_r
    """


_CHANGES_SQL = """
    SELECT coalesce(i.unique_id, p.mention_id) AS mention_id,
        p.resident_id AS previous_resident_id, i.resident_id,
        CASE WHEN p.mention_id IS NULL THEN 'new mention'
             WHEN i.unique_id IS NULL THEN 'mention removed'
             ELSE 'moved' END AS change
    FROM _ids i FULL OUTER JOIN _previous p ON p.mention_id = i.unique_id
    WHERE p.resident_id IS DISTINCT FROM i.resident_id
    ORDER BY mention_id
"""
