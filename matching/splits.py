"""Splitting a resident a reviewer says holds two people.

A non-match decision between two mentions of one resident re-scores that resident's mentions
among themselves and re-clusters them with the decision as a cannot-link constraint (and
every match decision as a forced link): the largest part keeps the resident id, each other
part gets a new one, and every moved mention is audited.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from matching.clustering import MANUAL_WEIGHT, classify_pairs, split_one
from matching.decisions import Replay
from matching.features import keyed_view, population_features
from matching.inference import score_new
from matching.model import Thresholds
from matching.registry import Ledger, format_resident_id


def together(links: pd.DataFrame, replay: Replay) -> pd.DataFrame:
    """Non-match decisions whose two mentions share a resident now."""
    apart = replay.pairs[replay.pairs["decision"] == "non-match"]
    where = links.set_index("mention_id")["resident_id"]
    a, b = apart["unique_id_l"].map(where), apart["unique_id_r"].map(where)
    return apart.assign(resident_id=a)[a.notna() & (a == b)]


def split_apart(
    con: duckdb.DuckDBPyConnection,
    links: pd.DataFrame,
    replay: Replay,
    model: tuple[dict[str, Any], Thresholds],
    ledger: Ledger,
    counter: int,
) -> tuple[pd.DataFrame, int]:
    """Split every resident holding a non-match pair; returns new ``links`` and counter.

    Needs the tables ``new_records`` and ``index_keys`` and the view ``index_all`` of the
    night (``matching.index``) and ``decided_pairs`` (the replayed decisions).
    """
    todo = together(links, replay)
    if todo.empty:
        return links, counter
    settings, thresholds = model
    members = links[links["resident_id"].isin(set(todo["resident_id"]))]
    con.register("_split_ids", members[["mention_id"]])
    con.execute("""CREATE OR REPLACE TABLE split_records AS
        SELECT * FROM new_records WHERE unique_id IN (SELECT mention_id FROM _split_ids)
        UNION ALL BY NAME
        SELECT * FROM index_all WHERE unique_id IN (SELECT mention_id FROM _split_ids)
          AND unique_id NOT IN (SELECT unique_id FROM new_records)""")
    population_features(con, "split_records", "index_keys")
    keyed_view(con, "split_records", "split_features")
    score_new(con, settings, new="split_features", index=None, out="split_pairs")
    classify_pairs(
        con,
        settings,
        thresholds,
        flags="split_features",
        pairs="split_pairs",
        out="split_decisions",
    )
    edges = _edges(con, replay)
    links = links.copy()
    for resident_id, group in members.groupby("resident_id", sort=True):
        roots = split_one(sorted(group["mention_id"]), edges)
        parts = pd.Series(roots).value_counts()
        keep = min(parts.index, key=lambda root: (-parts[root], root))
        why = todo.loc[todo["resident_id"] == resident_id, "decision_id"].iloc[0]
        for n, root in enumerate(sorted(r for r in parts.index if r != keep), start=1):
            fresh = format_resident_id(counter + n)
            moved = [m for m, r in roots.items() if r == root]
            for mention_id in sorted(moved):
                ledger.log(
                    "split",
                    resident_id,
                    fresh,
                    "reviewer decision: non-match",
                    mention_id,
                    decision_id=why,
                )
            links.loc[links["mention_id"].isin(moved), ["resident_id", "assigned_by"]] = [
                fresh,
                "manual",
            ]
        counter += len(parts) - 1
    con.unregister("_split_ids")
    return links, counter


def _edges(con: duckdb.DuckDBPyConnection, replay: Replay) -> pd.DataFrame:
    """Scored edges of the residents to split plus every decision as an edge (decisions win)."""
    scored = con.sql("""SELECT unique_id_l, unique_id_r, match_weight, decision
                        FROM split_decisions WHERE decision IN ('auto', 'cannot_link')""").df()
    decided = replay.pairs.assign(
        match_weight=MANUAL_WEIGHT,
        decision=replay.pairs["decision"].map({"match": "auto", "non-match": "cannot_link"}),
    )[["unique_id_l", "unique_id_r", "match_weight", "decision"]]
    edges = pd.concat([decided, scored], ignore_index=True)
    return edges.drop_duplicates(["unique_id_l", "unique_id_r"], keep="first")
