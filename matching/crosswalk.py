"""Tonight's crosswalk: built, changed by decisions, audited.

Kept in DuckDB, not pandas: a city of millions of mentions carries its crosswalk forward each
night, and only the few residents a decision touches are pulled out to be merged or split.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from matching import registry
from matching.decisions import Replay
from matching.index import Split, Stored
from matching.model import Thresholds
from matching.relations import Rel, table
from matching.splits import split_apart

RECORD_COLUMNS = ("source", "org_code", "dataset", "record_id", "role", "role_group")


def build(
    con: duckdb.DuckDBPyConnection,
    stored: Stored,
    split: Split,
    assigned: Rel,
    decisions: Rel,
    day: date,
    version: int,
) -> Rel:
    """The index minus removed mentions, plus the new ones where ``assigned`` put them, each
    with its best automatic link's weight."""
    cols = ", ".join(RECORD_COLUMNS)
    new_cols = ", ".join(f"n.{c}" for c in RECORD_COLUMNS)
    return table(
        con,
        "links_now",
        f"""
        SELECT mention_id, {cols}, resident_id, assigned_by, match_weight,
            match_probability, linked_on, features_on, model_version
        FROM {stored.links} WHERE mention_id NOT IN (SELECT mention_id FROM {split.removed})
        UNION ALL
        SELECT a.unique_id, {new_cols}, a.resident_id, a.assigned_by,
            coalesce(a.match_weight, b.match_weight),
            coalesce(a.match_probability, b.match_probability), DATE '{day}', DATE '{day}',
            {version}
        FROM {assigned} a JOIN {split.new} n USING (unique_id)
        LEFT JOIN (SELECT id AS unique_id, max(match_weight) AS match_weight,
                          max(match_probability) AS match_probability
                   FROM (SELECT new_id AS id, * FROM {decisions} WHERE decision = 'auto'
                         UNION ALL BY NAME
                         SELECT other_id AS id, * FROM {decisions}
                         WHERE decision = 'auto' AND NOT between)
                   GROUP BY id) b USING (unique_id)""",
    )


@dataclass(frozen=True)
class Replayed:
    """What replaying the decisions needs beyond the crosswalk: tonight's split and the index
    (a split re-scores a resident's mentions), the decisions as a relation, the model."""

    split: Split
    stored: Stored
    decided: Rel
    model: tuple[dict[str, Any], Thresholds]


def replay_decisions(
    con: duckdb.DuckDBPyConnection,
    links: Rel,
    replay: Replay,
    night: Replayed,
    ledger: registry.Ledger,
    counter: int,
    day: date,
) -> int:
    """Make ``links`` agree with every reviewer decision: merge the residents of match pairs,
    split residents holding a non-match pair. Returns the new resident counter."""
    if replay.pairs.empty:
        return counter
    mentions = pd.concat([replay.pairs["unique_id_l"], replay.pairs["unique_id_r"]]).unique()
    con.register("_decided_ids", pd.DataFrame({"mention_id": mentions}))
    touched = con.sql(f"""
        SELECT mention_id, resident_id, assigned_by FROM {links}
        WHERE resident_id IN (SELECT resident_id FROM {links}
                              WHERE mention_id IN (SELECT mention_id FROM _decided_ids))
        ORDER BY mention_id""").df()
    con.unregister("_decided_ids")
    matches = replay.matches.rename(
        columns={"unique_id_l": "mention_id_l", "unique_id_r": "mention_id_r"}
    ).assign(match_weight=None)
    after = registry.merge(touched, matches, ledger, replay.non_matches)
    after, counter = split_apart(con, after, replay, night, ledger, counter)
    _update(con, links, after, touched, day)
    return counter


BRIDGE_REASON = "automatic: a new record links strongly to both"


def merge_automatic(
    con: duckdb.DuckDBPyConnection,
    links: Rel,
    pairs: pd.DataFrame,
    ledger: registry.Ledger,
    day: date,
    reason: str = BRIDGE_REASON,
    blocked: set[frozenset[str]] | None = None,
) -> int:
    """Merge the residents of each pair of mentions (``pairs``: mention_id_l, mention_id_r,
    match_weight) without a reviewer — a new record linking strongly to both, or one child of
    one mother — audited as merges with ``reason`` and the merged-away resident retired with a
    redirect; never across a reviewer's non-match (``blocked``). Returns the merges made."""
    if pairs.empty:
        return 0
    bridges = pairs
    mentions = pd.concat([bridges["mention_id_l"], bridges["mention_id_r"]]).unique()
    con.register("_bridge_ids", pd.DataFrame({"mention_id": mentions}))
    touched = con.sql(f"""
        SELECT mention_id, resident_id, assigned_by FROM {links}
        WHERE resident_id IN (SELECT resident_id FROM {links}
                              WHERE mention_id IN (SELECT mention_id FROM _bridge_ids))
        ORDER BY mention_id""").df()
    con.unregister("_bridge_ids")
    before = len(ledger.redirects)
    after = registry.merge(
        touched, bridges.assign(decision_id=None), ledger, blocked or set(),
        reason=reason, assigned_by="auto",
    )  # fmt: skip
    _update(con, links, after, touched, day)
    return len(ledger.redirects) - before


def _update(
    con: duckdb.DuckDBPyConnection,
    links: Rel,
    after: pd.DataFrame,
    touched: pd.DataFrame,
    day: date,
) -> None:
    """Write the residents ``after`` gives the ``touched`` mentions back into ``links``."""
    changed = after.merge(touched, on="mention_id", suffixes=("", "_before"))
    changed = changed[changed["resident_id"] != changed["resident_id_before"]]
    if changed.empty:
        return
    con.register("_changed", changed[["mention_id", "resident_id", "assigned_by"]])
    con.execute(f"""UPDATE {links} SET resident_id = c.resident_id,
                        assigned_by = c.assigned_by, linked_on = DATE '{day}'
                    FROM _changed c WHERE {links}.mention_id = c.mention_id""")
    con.unregister("_changed")


def audit_moves(
    con: duckdb.DuckDBPyConnection,
    stored: Stored,
    split: Split,
    links: Rel,
    ledger: registry.Ledger,
) -> None:
    """Audit mentions that left their resident: deleted at source, or corrected into another."""
    rows = con.sql(f"""
        SELECT r.mention_id, p.resident_id AS before, l.resident_id AS after, r.why
        FROM {split.removed} r JOIN {stored.links} p USING (mention_id)
        LEFT JOIN {links} l USING (mention_id)
        WHERE l.resident_id IS DISTINCT FROM p.resident_id
        ORDER BY r.mention_id""").fetchall()
    for mention_id, before, after, why in rows:
        ledger.log("remove" if after is None else "move", before, after, why, mention_id)


def retire(
    con: duckdb.DuckDBPyConnection, stored: Stored, links: Rel, ledger: registry.Ledger
) -> None:
    """Retire last night's residents that hold no mention tonight."""
    gone = table(
        con,
        "_gone",
        f"""
        SELECT DISTINCT resident_id FROM {stored.links}
        WHERE resident_id NOT IN (SELECT resident_id FROM {links})""",
    )
    before = con.sql(f"""SELECT mention_id, resident_id FROM {stored.links}
        WHERE resident_id IN (SELECT resident_id FROM {gone})""").df()
    after = con.sql(f"""SELECT mention_id, resident_id FROM {links}
        WHERE mention_id IN (SELECT mention_id FROM {stored.links}
                             WHERE resident_id IN (SELECT resident_id FROM {gone}))""").df()
    already = {r["retired_resident_id"] for r in ledger.redirects}
    registry.retire_emptied(before, after, ledger, already)


def final_sql(links: Rel, queue: Rel) -> str:
    """The crosswalk as written (``mpi.record_link``). link_method: manual (placed by a
    reviewer's decision), review (a pair of it waits in the queue), auto (its resident has
    other mentions), singleton (alone)."""
    return f"""
    WITH queued AS (SELECT mention_id_l AS mention_id FROM {queue}
                    UNION SELECT mention_id_r FROM {queue}),
    sized AS (SELECT *, count(*) OVER (PARTITION BY resident_id) AS n FROM {links})
    SELECT mention_id, {", ".join(RECORD_COLUMNS)}, resident_id,
        CASE WHEN assigned_by = 'manual' THEN 'manual'
             WHEN mention_id IN (SELECT mention_id FROM queued) THEN 'review'
             WHEN n > 1 THEN 'auto' ELSE 'singleton' END AS link_method,
        assigned_by, match_probability, match_weight, linked_on, features_on,
        model_version::INTEGER AS model_version
    FROM sized ORDER BY mention_id
    """
