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
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from kernel.city import city
from kernel.layout import Layout
from kernel.spark import check_engine
from matching import crosswalk, decisions, index, registry, relations
from matching.blocking import count_candidate_pairs, index_candidates
from matching.care import cared_children
from matching.clustering import (
    CONFLICT,
    CONFLICT_COLUMNS,
    MANUAL_WEIGHT,
    classify_pairs,
    cluster_new,
    refuse_rivals,
)
from matching.family import (
    DELIVERY_MOTHER_REASON,
    FAMILY_REASON,
    delivery_mother_merges,
    family_features,
    family_merges,
    mother_child,
)
from matching.features import keyed_view, population_features, record_features
from matching.golden import Carried, fingerprint, golden_records
from matching.inference import gamma_columns, population_scaled, score_new
from matching.maternal import EPISODE_REASON, episode_merges
from matching.model import Model, load_model, pinned_model_path
from matching.queue import build_queue
from matching.relations import Rel
from matching.services import service_marks

log = logging.getLogger(__name__)


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
    constraint_cuts: int = 0  # clusters of new mentions cut because they broke a constraint
    constraint_refusals: int = 0  # residents a cluster was kept from because of one
    mother_child: int = 0  # mother–child relations after the night
    automatic_merges: int = 0  # residents merged because a new record linked strongly to both
    family_merges: int = 0  # residents merged as one child of one mother, or one MCH archive
    queued_pairs: int = 0
    audit_rows: int = 0
    retired_residents: int = 0
    model_version: int = 0
    scoring_seconds: float = 0.0
    seconds: float = 0.0
    path: Path | None = None


def connect(tmp: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the city's memory limit and a spill folder (beyond the limit
    DuckDB spills there)."""
    limits = {"memory_limit": city().memory_limit, "threads": city().threads}
    return duckdb.connect(config={"temp_directory": str(tmp), **limits})


def link_date(
    data: Path, day: date, model_path: Path | None = None, engine: str = "duckdb"
) -> LinkSummary:
    """Link the person mentions delivered through ``day``; rerunning a date replaces its
    output and gives the same result. ``engine`` scores the candidate pairs on DuckDB or on
    Spark (``kernel.spark.ENGINES``); everything else runs on DuckDB either way."""
    started = time.perf_counter()
    check_engine(engine)
    model = load_model(model_path or pinned_model_path(Path(data)))
    summary = LinkSummary(day=day, model_version=model.version)
    tmp = Path(tempfile.mkdtemp(prefix="link-"))
    con = connect(tmp)
    try:
        _link(con, Path(data), day, model, summary, engine=engine)
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
    con: duckdb.DuckDBPyConnection,
    data: Path,
    day: date,
    model: Model,
    summary: LinkSummary,
    *,
    engine: str,
) -> None:
    prev = index.previous(data, day)
    night = index.load_night(con, data, day, prev)
    shape = record_features(con, f"(SELECT * FROM {night.mentions} LIMIT 0)", "night_shape")
    stored = index.load_previous(con, prev, shape)
    cared = cared_children(con, data, prev.day, day)
    night = index.with_cared(con, data, day, night, stored, cared)
    children = f"""(SELECT unique_id, min(newborn_on) AS newborn_on FROM (
                        SELECT unique_id, newborn_on FROM {cared} UNION ALL
                        SELECT unique_id, newborn_on FROM {stored.features} WHERE child_care)
                    GROUP BY unique_id)"""
    services = service_marks(con, data, prev.day, day)
    records = record_features(con, night.mentions, "night_records", children, services)
    split = index.split_night(con, records, stored, night)
    replay = decisions.load(data)
    decided = relations.frame(con, "decided_pairs", replay.pairs)
    scoring = time.perf_counter()
    scored = _score(con, model, split, stored, decided, summary,
                    engine=engine, scratch=Layout(data).spark_scratch)  # fmt: skip
    clusters, summary.constraint_cuts = cluster_new(con, scored.new_features, scored.decisions)
    first = registry.read_counter(
        prev.crosswalk and str(prev.crosswalk),
        con.sql(f"SELECT DISTINCT resident_id FROM {stored.links}").df(),
    )
    candidates = refuse_rivals(con, _attach_candidates(con, scored, clusters, stored, split),
                               clusters, scored.new_features)  # fmt: skip
    summary.constraint_refusals = int(candidates["broken"].sum())
    assigned, counter = registry.attach(con, candidates.drop(columns="broken"), first, clusters)
    summary.scoring_seconds = round(time.perf_counter() - scoring, 3)
    links = crosswalk.build(con, stored, split, assigned, scored.decisions, day, model.version)
    ledger = registry.Ledger()
    bridges = _strong_bridges(con, scored, clusters, assigned, stored)
    summary.automatic_merges = crosswalk.merge_automatic(con, links, bridges, ledger, day)
    current = family_features(con, _current(split, stored))
    joins = ((delivery_mother_merges, DELIVERY_MOTHER_REASON), (family_merges, FAMILY_REASON),
             (partial(episode_merges, data=data, day=day), EPISODE_REASON))  # fmt: skip
    for merges, reason in joins:
        summary.family_merges += crosswalk.merge_automatic(
            con, links, merges(con, current, links), ledger, day, reason, replay.non_matches
        )
    replayed = crosswalk.Replayed(split, stored, decided, (model.settings, model.thresholds))
    counter = crosswalk.replay_decisions(con, links, replay, replayed, ledger, counter, day)
    crosswalk.audit_moves(con, stored, split, links, ledger)
    crosswalk.retire(con, stored, links, ledger)
    queue = build_queue(
        con, data, day, prev, model.settings, replay, (scored.decisions, split.removed, links)
    )
    outputs = Outputs(data, day, counter, ledger, split, stored, links, queue, current, night, prev)
    _write(con, outputs, summary)
    summary.bridged_clusters = relations.count(
        con, f"(SELECT DISTINCT resident_id FROM {assigned} WHERE bridged)"
    )
    summary.new_residents = counter - first


@dataclass(frozen=True)
class Scored:
    """Tonight's scoring: the keyed features of the new and the candidate index mentions, the
    scored pairs, and each pair's decision (auto, review, cannot_link, none)."""

    new_features: Rel
    index_features: Rel
    pairs: Rel
    decisions: Rel


def _score(
    con: duckdb.DuckDBPyConnection,
    model: Model,
    split: index.Split,
    stored: index.Stored,
    decided: Rel,
    summary: LinkSummary,
    *,
    engine: str,
    scratch: Path,
) -> Scored:
    """Score tonight's new mentions among themselves and against the index mentions that
    share a blocking key with them, and decide every scored pair. ``engine`` scores them
    (the Spark engine exchanges its files under ``scratch``)."""
    summary.new_mentions = relations.count(con, split.new)
    summary.removed_mentions = relations.count(con, split.removed)
    population = population_features(con, split.new, split.keys)
    ids = index_candidates(con, split.new, split.keys)
    summary.index_candidates = relations.count(con, ids)
    candidates = index.load_candidates(con, stored, ids)
    new_features = keyed_view(con, split.new, population, "new_features")
    index_features = keyed_view(con, candidates, population, "index_features")
    summary.candidate_pairs = count_candidate_pairs(con, new_features, index_features)
    log.info("candidate pairs per blocking rule: %s", summary.candidate_pairs)
    size = relations.count(con, split.keys) + summary.new_mentions
    settings = population_scaled(model.settings, model.meta.get("mentions"), size)
    if summary.new_mentions:
        pairs = score_new(
            con, settings, new=new_features, index=index_features, tf=population.tf,
            min_match_weight=model.thresholds.review_match_weight, engine=engine, scratch=scratch,
        )  # fmt: skip
    else:
        gammas = ", ".join(f"NULL::INTEGER AS {g}" for g in gamma_columns(settings))
        pairs = relations.table(
            con,
            "scored_pairs",
            f"""SELECT NULL::VARCHAR AS
            unique_id_l, NULL::VARCHAR AS unique_id_r, NULL::VARCHAR AS new_id,
            NULL::VARCHAR AS other_id, NULL::BOOLEAN AS between, NULL::DOUBLE AS match_weight,
            NULL::DOUBLE AS match_probability, {gammas} LIMIT 0""",
        )
    summary.scored_pairs = relations.count(con, pairs)
    flag_columns = ("multiple_birth", "single_birth", "twins_told_by_sex", "role_group", "id_kind")
    cols = ", ".join((*flag_columns, *CONFLICT_COLUMNS))
    flags = f"""(SELECT {cols} FROM {new_features} UNION ALL
                 SELECT {cols} FROM {index_features})"""
    decided_pairs = classify_pairs(con, model.settings, model.thresholds, flags, pairs, decided)
    summary.auto_pairs, summary.review_pairs = con.execute(f"""
        SELECT count(*) FILTER (decision = 'auto'), count(*) FILTER (decision = 'review')
        FROM {decided_pairs}""").fetchall()[0]
    return Scored(new_features, index_features, pairs, decided_pairs)


def _attach_candidates(
    con: duckdb.DuckDBPyConnection,
    scored: Scored,
    clusters: Rel,
    stored: index.Stored,
    split: index.Split,
) -> pd.DataFrame:
    """Per cluster of new mentions, the existing residents it links to automatically, and
    whether one may be joined: not when a cannot-link pair (pinned, or a reviewer's non-match)
    forbids it, nor when the cluster and the resident would together break a constraint (two
    valid resident ID numbers, two birth orders of one mother's babies born one day)."""
    candidates = relations.table(
        con,
        "_attach",
        f"""
        WITH e AS (
            SELECT c.cluster_key, p.resident_id, d.decision,
                CASE WHEN d.reason = 'reviewer decision: match' THEN {MANUAL_WEIGHT}
                     ELSE d.match_weight END AS match_weight, d.match_probability
            FROM {scored.decisions} d
            JOIN {clusters} c ON c.unique_id = d.new_id
            JOIN {stored.links} p ON p.mention_id = d.other_id
            WHERE d.between AND d.decision IN ('auto', 'cannot_link')
              AND d.other_id NOT IN (SELECT mention_id FROM {split.removed}))
        SELECT cluster_key, resident_id,
            max(match_weight) FILTER (decision = 'auto') AS weight,
            max(match_probability) FILTER (decision = 'auto') AS probability,
            NOT bool_or(decision = 'cannot_link') AS usable
        FROM e GROUP BY ALL HAVING bool_or(decision = 'auto')""",
    )
    facts = f"SELECT {', '.join(CONFLICT_COLUMNS)}"
    return con.sql(f"""
        WITH mine AS (
            SELECT c.cluster_key, f.* FROM {clusters} c
            JOIN ({facts} FROM {scored.new_features}) f USING (unique_id)),
        theirs AS (
            SELECT l.resident_id, f.* FROM {stored.links} l
            JOIN ({facts} FROM {stored.features}) f ON f.unique_id = l.mention_id
            WHERE l.resident_id IN (SELECT resident_id FROM {candidates})
              AND l.mention_id NOT IN (SELECT mention_id FROM {split.removed})),
        broken AS (
            SELECT DISTINCT k.cluster_key, k.resident_id
            FROM {candidates} k
            JOIN mine a ON a.cluster_key = k.cluster_key
            JOIN theirs b ON b.resident_id = k.resident_id
            WHERE {CONFLICT})
        SELECT k.cluster_key, k.resident_id, k.weight, k.probability,
            k.usable AND b.cluster_key IS NULL AS usable, b.cluster_key IS NOT NULL AS broken
        FROM {candidates} k LEFT JOIN broken b USING (cluster_key, resident_id)
        ORDER BY k.cluster_key, k.resident_id""").df()


def _strong_bridges(
    con: duckdb.DuckDBPyConnection,
    scored: Scored,
    clusters: Rel,
    assigned: Rel,
    stored: index.Stored,
) -> pd.DataFrame:
    """Pairs (a new mention, an index mention of another resident) by which a cluster that
    joined one resident also links, at least the city's ``link_auto_merge_weight`` strongly,
    to another: the two residents are one person, unless together they would break a
    constraint."""
    columns = ", ".join(f"f.{c}" for c in CONFLICT_COLUMNS)
    return con.sql(f"""
        WITH strong AS (
            SELECT a.resident_id AS keep, p.resident_id AS other, d.new_id, d.other_id,
                d.match_weight
            FROM {scored.decisions} d
            JOIN {clusters} c ON c.unique_id = d.new_id
            JOIN {assigned} a ON a.unique_id = d.new_id
            JOIN {stored.links} p ON p.mention_id = d.other_id
            WHERE d.between AND d.decision = 'auto' AND a.bridged
              AND d.match_weight >= {city().link_auto_merge_weight}
              AND p.resident_id <> a.resident_id),
        facts AS (
            SELECT l.resident_id, {columns}
            FROM {stored.links} l JOIN {stored.features} f ON f.unique_id = l.mention_id
            WHERE l.resident_id IN (SELECT keep FROM strong UNION SELECT other FROM strong)
            UNION ALL
            SELECT a.resident_id, {columns}
            FROM {assigned} a JOIN {scored.new_features} f USING (unique_id)
            WHERE a.resident_id IN (SELECT keep FROM strong)),
        broken AS (
            SELECT DISTINCT s.keep, s.other FROM strong s
            JOIN facts a ON a.resident_id = s.keep JOIN facts b ON b.resident_id = s.other
            WHERE {CONFLICT})
        SELECT new_id AS mention_id_l, other_id AS mention_id_r, match_weight
        FROM strong WHERE (keep, other) NOT IN (SELECT (keep, other) FROM broken)
        QUALIFY row_number() OVER (PARTITION BY keep, other ORDER BY match_weight DESC,
                                   new_id, other_id) = 1
        ORDER BY match_weight DESC, mention_id_l, mention_id_r""").df()


def _changed_residents(out: Outputs) -> str:
    """SQL of the residents whose golden record may differ from last night's: those holding a
    mention delivered (or re-linked) tonight, and those a mention joined or left."""
    links, stored = out.links, out.stored.links
    return f"""
        SELECT resident_id FROM {links}
        WHERE mention_id IN (SELECT mention_id FROM {out.night.mentions})
        UNION SELECT l.resident_id FROM {links} l LEFT JOIN {stored} p USING (mention_id)
        WHERE p.resident_id IS DISTINCT FROM l.resident_id
        UNION SELECT p.resident_id FROM {stored} p LEFT JOIN {links} l USING (mention_id)
        WHERE l.resident_id IS DISTINCT FROM p.resident_id"""


def _current(split: index.Split, stored: index.Stored) -> str:
    """The record features of every mention in the index after tonight."""
    return f"""(SELECT * FROM {stored.features}
                WHERE unique_id NOT IN (SELECT mention_id FROM {split.removed})
                  AND unique_id NOT IN (SELECT unique_id FROM {split.new})
                UNION ALL BY NAME SELECT * FROM {split.new})"""


@dataclass(frozen=True)
class Outputs:
    """What a night writes, beside the counts in the summary."""

    data: Path
    day: date
    counter: int
    ledger: registry.Ledger
    split: index.Split
    stored: index.Stored
    links: Rel
    queue: Rel
    current: Rel  # ``family_features`` of every mention in the index after tonight
    night: index.Night
    prev: index.Previous


def _write(con: duckdb.DuckDBPyConnection, out: Outputs, summary: LinkSummary) -> None:
    """Every output of the night, the crosswalk last (the next night looks for it)."""
    data, day = out.data, out.day
    features = f"SELECT *, DATE '{day}' AS features_on FROM {out.split.new}"
    index.write_night(con, features, data, day, index.FEATURES)
    summary.queued_pairs = index.write_night(con, f"SELECT * FROM {out.queue}", data, day,
                                             index.QUEUE)  # fmt: skip
    audit = pd.DataFrame(out.ledger.audit, columns=list(registry.AUDIT_COLUMNS))
    con.register(
        "_audit", audit.astype({"match_weight": "float64", "match_probability": "float64"})
    )
    audit_sql = f"""
        SELECT DATE '{day}' AS run_date, row_number() OVER () AS seq, *,
            {summary.model_version}::INTEGER AS model_version FROM _audit"""
    summary.audit_rows = index.write_night(con, audit_sql, data, day, index.AUDIT)
    redirects = pd.DataFrame(out.ledger.redirects, columns=list(registry.REDIRECT_COLUMNS))
    con.register("_redirects", redirects)
    retired = f"SELECT *, DATE '{day}' AS retired_on FROM _redirects"
    summary.retired_residents = index.write_night(con, retired, data, day, index.REDIRECT)
    layout = Layout(data)
    previous = layout.night(index.RESIDENT, out.prev.day) if out.prev.day else None
    carried = Carried(previous, _changed_residents(out))
    golden = golden_records(con, layout, day, f"SELECT * FROM {out.links}", out.current, carried)
    index.write_night(con, golden, data, day, index.RESIDENT, fingerprint(layout))
    families = mother_child(con, out.current, out.links, Rel("golden"))
    summary.mother_child = index.write_night(
        con, f"SELECT * FROM {families}", data, day, index.MOTHER_CHILD
    )
    counter_meta = {registry.COUNTER_KEY: str(out.counter).encode()}
    summary.mentions = index.write_night(
        con, crosswalk.final_sql(out.links, out.queue), data, day, index.CROSSWALK, counter_meta
    )
    summary.residents = relations.count(con, f"(SELECT DISTINCT resident_id FROM {out.links})")
