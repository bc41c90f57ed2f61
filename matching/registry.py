"""Persistent resident ids: Splink keeps no identity across runs, so we do.

Tonight's clusters inherit last night's ``resident_id`` by maximum overlap of mentions (one
previous id per cluster, one cluster per previous id; ties to the smaller id). Clusters left
without one get new ids, in sorted cluster order, from a counter stored in the crosswalk's
Parquet metadata, so an id is never handed out twice — not even after a merge retired it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

COUNTER_KEY = b"healtharchive.resident_counter"
PREFIX = "R"
WIDTH = 10


@dataclass(frozen=True)
class Previous:
    """Last night's crosswalk: mention → resident_id, and the id counter."""

    links: pd.DataFrame  # mention_id, resident_id
    counter: int


def format_resident_id(n: int) -> str:
    return f"{PREFIX}{n:0{WIDTH}d}"


def read_previous(path: Path | None) -> Previous:
    if path is None:
        return Previous(pd.DataFrame({"mention_id": [], "resident_id": []}, dtype="str"), 0)
    table = pq.read_table(path, columns=["mention_id", "resident_id"])
    meta = table.schema.metadata or {}
    links = table.to_pandas()
    counter = int(meta[COUNTER_KEY]) if COUNTER_KEY in meta else _max_number(links)
    return Previous(links, counter)


def _max_number(links: pd.DataFrame) -> int:
    numbers = pd.to_numeric(links["resident_id"].str[len(PREFIX):], errors="coerce")
    return int(numbers.max()) if numbers.notna().any() else 0


def assign_resident_ids(clusters: pd.DataFrame, previous: Previous) -> tuple[pd.DataFrame, int]:
    """``clusters`` (unique_id, cluster_key) → (unique_id, resident_id), and the new counter."""
    overlap = (
        clusters.merge(previous.links, left_on="unique_id", right_on="mention_id")
        .groupby(["cluster_key", "resident_id"], as_index=False)
        .size()
        .rename(columns={"size": "overlap"})
    )
    kept = _match(overlap)
    keys = pd.Series(sorted(set(clusters["cluster_key"]) - set(kept["cluster_key"])))
    fresh = pd.DataFrame({
        "cluster_key": keys,
        "resident_id": [format_resident_id(previous.counter + 1 + i) for i in range(len(keys))],
    })
    ids = pd.concat([kept[["cluster_key", "resident_id"]], fresh], ignore_index=True)
    out = clusters.merge(ids, on="cluster_key", how="left")[["unique_id", "resident_id"]]
    return out.sort_values("unique_id", ignore_index=True), previous.counter + len(keys)


def _match(overlap: pd.DataFrame) -> pd.DataFrame:
    """Greedy one-to-one matching of clusters to previous ids, largest overlap first.

    Each round every unmatched cluster proposes its best remaining previous id and each id
    goes to its best proposer; losers try their next best in the next round.
    """
    ranked = overlap.sort_values(
        ["overlap", "resident_id", "cluster_key"], ascending=[False, True, True]
    )
    kept = []
    while not ranked.empty:
        proposals = ranked.drop_duplicates("cluster_key")
        won = proposals.drop_duplicates("resident_id")
        kept.append(won)
        ranked = ranked[
            ~ranked["cluster_key"].isin(won["cluster_key"])
            & ~ranked["resident_id"].isin(won["resident_id"])
        ]
    if not kept:
        return pd.DataFrame({"cluster_key": [], "resident_id": []}, dtype="str")
    return pd.concat(kept, ignore_index=True)
