"""Splitting a resident a reviewer says holds two people.

A non-match decision between two mentions of one resident re-scores that resident's mentions
among themselves and re-clusters them with the decision as a cannot-link constraint (and
every match decision as a forced link): the largest part keeps the resident id, each other
part gets a new one, and every moved mention is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from matching.clustering import MANUAL_WEIGHT, classify_pairs, split_one
from matching.decisions import Replay
from matching.features import keyed_view, population_features
from matching.inference import score_new
from matching.registry import Ledger, format_resident_id
from matching.relations import Rel, table

if TYPE_CHECKING:
    from matching.crosswalk import Replayed


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
    night: Replayed,
    ledger: Ledger,
    counter: int,
) -> tuple[pd.DataFrame, int]:
    """Split every resident holding a non-match pair; returns new ``links`` and counter.

    The resident's mentions are tonight's new records and the index's features (``night``).
    """
    todo = together(links, replay)
    if todo.empty:
        return links, counter
    settings, thresholds = night.model
    members = links[links["resident_id"].isin(set(todo["resident_id"]))]
    con.register("_split_ids", members[["mention_id"]])
    new, index = night.split.new, night.stored.features
    records = table(
        con,
        "split_records",
        f"""
        SELECT * FROM {new} WHERE unique_id IN (SELECT mention_id FROM _split_ids)
        UNION ALL BY NAME
        SELECT * FROM {index} WHERE unique_id IN (SELECT mention_id FROM _split_ids)
          AND unique_id NOT IN (SELECT unique_id FROM {new})""",
    )
    population = population_features(con, records, night.split.keys)
    features = keyed_view(con, records, population, "split_features")
    pairs = score_new(con, settings, new=features, index=None, out="split_pairs")
    decisions = classify_pairs(
        con, settings, thresholds, flags=features, pairs=pairs, decided=night.decided,
        out="split_decisions",
    )  # fmt: skip
    edges = _edges(con, decisions, replay)
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


def _edges(con: duckdb.DuckDBPyConnection, decisions: Rel, replay: Replay) -> pd.DataFrame:
    """Scored edges of the residents to split plus every decision as an edge (decisions win)."""
    scored = con.sql(f"""SELECT unique_id_l, unique_id_r, match_weight, decision
                         FROM {decisions} WHERE decision IN ('auto', 'cannot_link')""").df()
    decided = replay.pairs.assign(
        match_weight=MANUAL_WEIGHT,
        decision=replay.pairs["decision"].map({"match": "auto", "non-match": "cannot_link"}),
    )[["unique_id_l", "unique_id_r", "match_weight", "decision"]]
    edges = pd.concat([decided, scored], ignore_index=True)
    return edges.drop_duplicates(["unique_id_l", "unique_id_r"], keep="first")
