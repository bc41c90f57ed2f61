"""The nightly linkage step: tonight's new person mentions → persistent resident ids.

``link_date(data, D)`` is incremental. It reads the index left by the previous night
(``matching.index``), takes only the mentions delivered since (new, or corrected at source),
scores them among themselves and against the index mentions that share a blocking key with
them (Splink ``predict_within`` / ``predict_between``, pinned model), and attaches them
(``matching.registry``): existing residents never move except through a reviewer's decision
or a corrected record. Reviewers' decisions are replayed every night and win over the model.

Logs carry counts and keys only, never names or ID numbers.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from matching import decisions, index, registry
from matching.blocking import count_candidate_pairs, index_candidates
from matching.clustering import MANUAL_WEIGHT, classify_pairs, cluster_new
from matching.features import keyed_view, population_features, record_features
from matching.inference import gamma_columns, population_scaled, score_new
from matching.model import Model, load_model
from matching.queue import build_queue
from matching.splits import split_apart

log = logging.getLogger(__name__)

# DuckDB spills to a temporary folder beyond this; override for big machines or benchmarks.
MEMORY_LIMIT_ENV = "HEALTHARCHIVE_LINK_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"


@dataclass
class LinkSummary:
    day: date
    mentions: int = 0
    new_mentions: int = 0
    removed_mentions: int = 0
    index_candidates: int = 0
    candidate_pairs: dict[str, int] = field(default_factory=dict)
    scored_pairs: int = 0
    auto_pairs: int = 0
    review_pairs: int = 0
    residents: int = 0
    new_residents: int = 0
    bridged_clusters: int = 0
    queued_pairs: int = 0
    audit_rows: int = 0
    retired_residents: int = 0
    model_version: int = 0
    scoring_seconds: float = 0.0
    seconds: float = 0.0
    path: Path | None = None


def connect(tmp: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a memory limit and a spill folder."""
    limit = os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT)
    return duckdb.connect(config={"temp_directory": str(tmp), "memory_limit": limit})


def link_date(data: Path, day: date, model_path: Path | None = None) -> LinkSummary:
    """Link the person mentions delivered through ``day``; rerunning a date replaces its
    output and gives the same result."""
    started = time.perf_counter()
    model = load_model(model_path)
    summary = LinkSummary(day=day, model_version=model.version)
    tmp = Path(tempfile.mkdtemp(prefix="link-"))
    con = connect(tmp)
    try:
        _link(con, Path(data), day, model, summary)
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.path = index.night_path(Path(data), day, index.CROSSWALK)
    log.info(
        "linked %s: %d new mentions (%d removed) → %d residents (%d new, %d bridged to "
        "review, %d retired); %d index candidates, %d scored pairs, %d auto, %d review, "
        "%d queued; scoring %.1f s, night %.1f s",
        day,
        summary.new_mentions,
        summary.removed_mentions,
        summary.residents,
        summary.new_residents,
        summary.bridged_clusters,
        summary.retired_residents,
        summary.index_candidates,
        summary.scored_pairs,
        summary.auto_pairs,
        summary.review_pairs,
        summary.queued_pairs,
        summary.scoring_seconds,
        summary.seconds,
    )
    return summary


def _link(
    con: duckdb.DuckDBPyConnection, data: Path, day: date, model: Model, summary: LinkSummary
) -> None:
    prev = index.previous(data, day)
    index.load_night(con, data, day, prev)
    record_features(con, "night_mentions", "night_records")
    index.load_previous(con, prev)
    index.split_night(con)
    replay = decisions.load(data)
    con.register("decided_pairs", replay.pairs)
    scoring = time.perf_counter()
    _score(con, model, summary)
    clusters = cluster_new(con, "new_features")
    con.register("_clusters", clusters)
    first = registry.read_counter(
        prev.crosswalk and str(prev.crosswalk),
        con.sql("SELECT DISTINCT resident_id FROM prev_links").df(),
    )
    assigned, counter = registry.attach(clusters, _attach_candidates(con), first)
    summary.scoring_seconds = round(time.perf_counter() - scoring, 3)
    links = _links(con, assigned, day, model.version)
    ledger = registry.Ledger()
    links = registry.merge(links, _match_pairs(replay), ledger, replay.non_matches)
    links, counter = split_apart(
        con, links, replay, (model.settings, model.thresholds), ledger, counter
    )
    _moves(con, links, ledger)
    _retire(con, links, ledger)
    con.register("_links", links)
    queue = build_queue(con, data, day, prev, model.settings, replay)
    _write(con, data, day, counter, ledger, queue, summary)
    summary.bridged_clusters = int(assigned.loc[assigned["bridged"], "resident_id"].nunique())
    summary.new_residents = counter - first


def _score(con: duckdb.DuckDBPyConnection, model: Model, summary: LinkSummary) -> None:
    """Tables ``scored_pairs`` and ``pair_decisions`` for tonight's new mentions."""
    summary.new_mentions = _count(con, "new_records")
    summary.removed_mentions = _count(con, "removed")
    population_features(con, "new_records", "index_keys")
    summary.index_candidates = index_candidates(con, "new_records", "index_keys")
    index.load_candidates(con)
    keyed_view(con, "new_records", "new_features")
    keyed_view(con, "candidate_records", "index_features")
    summary.candidate_pairs = count_candidate_pairs(con, "new_features", "index_features")
    log.info("candidate pairs per blocking rule: %s", summary.candidate_pairs)
    population = _count(con, "index_keys") + summary.new_mentions
    settings = population_scaled(model.settings, model.meta.get("mentions"), population)
    if summary.new_mentions:
        summary.scored_pairs = score_new(
            con, settings, min_match_weight=model.thresholds.review_match_weight
        )
    else:
        gammas = ", ".join(f"NULL::INTEGER AS {g}" for g in gamma_columns(settings))
        con.execute(f"""CREATE OR REPLACE TABLE scored_pairs AS SELECT NULL::VARCHAR AS
            unique_id_l, NULL::VARCHAR AS unique_id_r, NULL::VARCHAR AS new_id,
            NULL::VARCHAR AS other_id, NULL::BOOLEAN AS between, NULL::DOUBLE AS match_weight,
            NULL::DOUBLE AS match_probability, {gammas} LIMIT 0""")
    flags = """(SELECT unique_id, multiple_birth FROM new_features UNION ALL
                SELECT unique_id, multiple_birth FROM index_features)"""
    classify_pairs(con, model.settings, model.thresholds, flags)
    summary.auto_pairs, summary.review_pairs = con.execute("""
        SELECT count(*) FILTER (decision = 'auto'), count(*) FILTER (decision = 'review')
        FROM pair_decisions""").fetchall()[0]


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def _attach_candidates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per cluster of new mentions, the existing residents it links to automatically, and
    whether a cannot-link pair (pinned, or a reviewer's non-match) forbids each."""
    return con.sql(f"""
        WITH e AS (
            SELECT c.cluster_key, p.resident_id, d.decision,
                CASE WHEN d.reason = 'reviewer decision: match' THEN {MANUAL_WEIGHT}
                     ELSE d.match_weight END AS match_weight, d.match_probability
            FROM pair_decisions d
            JOIN _clusters c ON c.unique_id = d.new_id
            JOIN prev_links p ON p.mention_id = d.other_id
            WHERE d.between AND d.decision IN ('auto', 'cannot_link')
              AND d.other_id NOT IN (SELECT mention_id FROM removed))
        SELECT cluster_key, resident_id,
            max(match_weight) FILTER (decision = 'auto') AS weight,
            max(match_probability) FILTER (decision = 'auto') AS probability,
            NOT bool_or(decision = 'cannot_link') AS usable
        FROM e GROUP BY ALL HAVING bool_or(decision = 'auto')
        ORDER BY cluster_key, resident_id""").df()


_RECORD_COLUMNS = "source, org_code, dataset, record_id, role, role_group"


def _links(
    con: duckdb.DuckDBPyConnection, assigned: pd.DataFrame, day: date, version: int
) -> pd.DataFrame:
    """Tonight's crosswalk before decisions: the index minus removed mentions, plus the
    new ones where ``attach`` put them."""
    con.register("_assigned", assigned)
    return con.sql(f"""
        SELECT mention_id, {_RECORD_COLUMNS}, resident_id, assigned_by, match_weight,
            match_probability, linked_on, features_on, model_version
        FROM prev_links WHERE mention_id NOT IN (SELECT mention_id FROM removed)
        UNION ALL
        SELECT a.unique_id, {", ".join(f"n.{c.strip()}" for c in _RECORD_COLUMNS.split(","))},
            a.resident_id, a.assigned_by, coalesce(a.match_weight, b.match_weight),
            coalesce(a.match_probability, b.match_probability), DATE '{day}', DATE '{day}',
            {version}
        FROM _assigned a JOIN new_records n USING (unique_id)
        LEFT JOIN (SELECT id AS unique_id, max(match_weight) AS match_weight,
                          max(match_probability) AS match_probability
                   FROM (SELECT new_id AS id, * FROM pair_decisions WHERE decision = 'auto'
                         UNION ALL BY NAME
                         SELECT other_id AS id, * FROM pair_decisions
                         WHERE decision = 'auto' AND NOT between)
                   GROUP BY id) b USING (unique_id)
        ORDER BY mention_id""").df()


def _match_pairs(replay: decisions.Replay) -> pd.DataFrame:
    matches = replay.matches.rename(
        columns={"unique_id_l": "mention_id_l", "unique_id_r": "mention_id_r"}
    )
    return matches.assign(match_weight=None)


def _moves(con: duckdb.DuckDBPyConnection, links: pd.DataFrame, ledger: registry.Ledger) -> None:
    """Audit mentions that left their resident: deleted at source, or corrected into another."""
    con.register("_links_now", links[["mention_id", "resident_id"]])
    rows = con.sql("""
        SELECT r.mention_id, p.resident_id AS before, l.resident_id AS after, r.why
        FROM removed r JOIN prev_links p USING (mention_id)
        LEFT JOIN _links_now l USING (mention_id)
        WHERE l.resident_id IS DISTINCT FROM p.resident_id
        ORDER BY r.mention_id""").fetchall()
    for mention_id, before, after, why in rows:
        action = "remove" if after is None else "move"
        ledger.log(action, before, after, why, mention_id)
    con.unregister("_links_now")


def _retire(con: duckdb.DuckDBPyConnection, links: pd.DataFrame, ledger: registry.Ledger) -> None:
    con.register("_links_now", links[["mention_id", "resident_id"]])
    before = con.sql("""SELECT mention_id, resident_id FROM prev_links
        WHERE resident_id NOT IN (SELECT resident_id FROM _links_now)""").df()
    after = con.sql("""SELECT mention_id, resident_id FROM _links_now
        WHERE mention_id IN (SELECT mention_id FROM prev_links
            WHERE resident_id NOT IN (SELECT resident_id FROM _links_now))""").df()
    con.unregister("_links_now")
    already = {r["retired_resident_id"] for r in ledger.redirects}
    registry.retire_emptied(before, after, ledger, already)


def _write(
    con: duckdb.DuckDBPyConnection,
    data: Path,
    day: date,
    counter: int,
    ledger: registry.Ledger,
    queue: str,
    summary: LinkSummary,
) -> None:
    """Every output of the night, the crosswalk last (the next night looks for it)."""
    path = lambda name: index.night_path(data, day, name)  # noqa: E731
    index.write_table(
        con, f"SELECT *, DATE '{day}' AS features_on FROM new_records", path(index.FEATURES)
    )
    summary.queued_pairs = index.write_table(con, queue, path(index.QUEUE))
    audit = pd.DataFrame(ledger.audit, columns=list(registry.AUDIT_COLUMNS))
    con.register(
        "_audit", audit.astype({"match_weight": "float64", "match_probability": "float64"})
    )
    summary.audit_rows = index.write_table(
        con,
        f"""
        SELECT DATE '{day}' AS run_date, row_number() OVER () AS seq, *,
            {summary.model_version}::INTEGER AS model_version FROM _audit""",
        path(index.AUDIT),
    )
    con.register(
        "_redirects", pd.DataFrame(ledger.redirects, columns=list(registry.REDIRECT_COLUMNS))
    )
    summary.retired_residents = index.write_table(
        con, f"SELECT *, DATE '{day}' AS retired_on FROM _redirects", path(index.REDIRECT)
    )
    summary.mentions = index.write_table(
        con, _CROSSWALK_SQL, path(index.CROSSWALK), {registry.COUNTER_KEY: str(counter).encode()}
    )
    summary.residents = _count(con, "(SELECT DISTINCT resident_id FROM _links)")


# link_method: manual (placed by a reviewer's decision), review (a pair of it waits in the
# queue), auto (its resident has other mentions), singleton (alone).
_CROSSWALK_SQL = """
WITH queued AS (SELECT mention_id_l AS mention_id FROM _queue
                UNION SELECT mention_id_r FROM _queue),
sized AS (SELECT *, count(*) OVER (PARTITION BY resident_id) AS n FROM _links)
SELECT mention_id, source, org_code, dataset, record_id, role, role_group, resident_id,
    CASE WHEN assigned_by = 'manual' THEN 'manual'
         WHEN mention_id IN (SELECT mention_id FROM queued) THEN 'review'
         WHEN n > 1 THEN 'auto' ELSE 'singleton' END AS link_method,
    assigned_by, match_probability, match_weight, linked_on, features_on,
    model_version::INTEGER AS model_version
FROM sized ORDER BY mention_id
"""
