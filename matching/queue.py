"""The review queue: pairs a person must decide, kept until someone does.

Tonight's candidates are the pairs scored between the review and auto thresholds or
red-flagged, and automatic links that were not applied because they would merge two
existing residents (a bridge) or break a cannot-link constraint. Pairs queued on earlier
nights stay until decided, until their two mentions share a resident, or until a mention is
deleted or corrected (then tonight's scoring decides again). Each row carries the comparison
level of every field and the match weight; identities stay in ``mpi.person_mention``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from kernel.sql import parquet_sql, sql_string
from matching import index
from matching.decisions import Replay
from matching.inference import comparison_levels
from matching.relations import Rel, table


def pair_id_sql(left: str, right: str) -> str:
    """SQL twin of ``matching.decisions.pair_id`` for an ordered pair (left < right)."""
    return f"substr(sha256({left} || '|' || {right}), 1, 16)"


def level_columns_sql(settings: dict[str, Any]) -> str:
    """One ``<comparison>_level`` label column per comparison, from the gamma columns."""
    cols = []
    for comp, levels in comparison_levels(settings).items():
        cases = " ".join(
            f"WHEN {g} THEN {sql_string(label)}" for g, label in sorted(levels.items())
        )
        cols.append(f"CASE gamma_{comp} {cases} END AS {comp}_level")
    return ", ".join(cols)


def build_queue(
    con: duckdb.DuckDBPyConnection,
    data: Path,
    day: date,
    prev: index.Previous,
    settings: dict[str, Any],
    replay: Replay,
    tonight_pairs: tuple[Rel, Rel, Rel],
) -> Rel:
    """The queue after tonight, from tonight's pair decisions, last night's queue and the
    final crosswalk (``tonight_pairs`` = decisions, removed mentions, crosswalk)."""
    decisions, removed, links = tonight_pairs
    tonight = f"""
        SELECT unique_id_l AS mention_id_l, unique_id_r AS mention_id_r, match_weight,
            match_probability,
            CASE WHEN decision = 'auto'
                 THEN 'automatic link not applied: would merge two residents'
                 ELSE reason END AS reason,
            DATE '{day}' AS queued_on, {level_columns_sql(settings)}
        FROM {decisions} WHERE decision IN ('auto', 'review')"""
    fresh = table(con, "_tonight", tonight)
    carried = f"SELECT * FROM {fresh} LIMIT 0"
    last = index.night_path(data, prev.day, index.QUEUE) if prev.day else None
    if last is not None and last.exists():
        carried = f"""SELECT * EXCLUDE (pair_id, resident_id_l, resident_id_r)
            FROM ({parquet_sql([last])})
            WHERE mention_id_l NOT IN (SELECT mention_id FROM {removed})
              AND mention_id_r NOT IN (SELECT mention_id FROM {removed})"""
    con.register("_decided", replay.pairs)
    queue = table(
        con,
        "_queue",
        f"""
        WITH pairs AS (
            SELECT * FROM {fresh}
            UNION ALL BY NAME
            SELECT * FROM ({carried}) c
            WHERE NOT EXISTS (SELECT 1 FROM {fresh} t WHERE t.mention_id_l = c.mention_id_l
                                                       AND t.mention_id_r = c.mention_id_r))
        SELECT {pair_id_sql("p.mention_id_l", "p.mention_id_r")} AS pair_id,
            p.mention_id_l, p.mention_id_r, a.resident_id AS resident_id_l,
            b.resident_id AS resident_id_r, p.* EXCLUDE (mention_id_l, mention_id_r)
        FROM pairs p
        JOIN {links} a ON a.mention_id = p.mention_id_l
        JOIN {links} b ON b.mention_id = p.mention_id_r
        WHERE a.resident_id <> b.resident_id
          AND NOT EXISTS (SELECT 1 FROM _decided d WHERE d.unique_id_l = p.mention_id_l
                                                     AND d.unique_id_r = p.mention_id_r)
        ORDER BY p.match_weight DESC, pair_id""",
    )
    con.unregister("_decided")
    return queue
