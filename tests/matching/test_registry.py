"""Persistent resident ids: attaching new mentions, reviewer merges, retirements."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from matching.registry import (
    COUNTER_KEY,
    Ledger,
    attach,
    format_resident_id,
    merge,
    read_counter,
    retire_emptied,
)

R1, R2, R3, R4 = (format_resident_id(n) for n in (1, 2, 3, 4))


def _attach(groups: list[list[str]], *candidates: tuple, counter: int) -> tuple[dict, set, int]:
    """Run ``attach`` on clusters given as groups of mention ids (key: the smallest)."""
    clusters = pd.DataFrame([(m, min(g)) for g in groups for m in g],
                            columns=["unique_id", "cluster_key"])  # fmt: skip
    cands = pd.DataFrame(
        list(candidates), columns=["cluster_key", "resident_id", "weight", "usable"]
    ).assign(probability=0.99)
    con = duckdb.connect()
    con.register("clusters", clusters)
    assigned, counter = attach(con, cands.astype({"usable": bool, "weight": float}), counter,
                               "clusters")  # fmt: skip
    rows = con.execute(f"SELECT unique_id, resident_id, bridged FROM {assigned}").fetchall()
    return {u: r for u, r, _ in rows}, {u for u, _, b in rows if b}, counter


def _links(pairs: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"mention_id": list(pairs), "resident_id": list(pairs.values()), "assigned_by": "auto"}
    )


def test_new_clusters_get_fresh_ids_in_sorted_order() -> None:
    # no existing resident: clusters "a" and "c" get R3, R4 after the counter (2)
    ids, bridged, counter = _attach([["c", "d"], ["a"]], counter=2)
    assert ids == {"a": R3, "c": R4, "d": R4}
    assert counter == 4 and not bridged


def test_a_cluster_joins_the_one_resident_it_links_to() -> None:
    ids, _, counter = _attach([["n1", "n2"]], ("n1", R1, 12.0, True), counter=2)
    assert ids == {"n1": R1, "n2": R1} and counter == 2


def test_a_bridging_cluster_joins_the_strongest_and_is_flagged() -> None:
    # n1 links to R1 (weight 10) and R2 (weight 15): joins R2, never merges R1 into it
    ids, bridged, _ = _attach([["n1"]], ("n1", R1, 10.0, True), ("n1", R2, 15.0, True),
                              counter=2)  # fmt: skip
    assert ids == {"n1": R2} and bridged == {"n1"}


def test_a_forbidden_resident_is_not_joined() -> None:
    # twin: n1 links to R1 but a pinned different-person pair forbids it → a new resident
    ids, _, counter = _attach([["n1"]], ("n1", R1, 20.0, False), counter=2)
    assert ids == {"n1": R3} and counter == 3


def test_merge_keeps_the_larger_resident_and_retires_the_other() -> None:
    # R1 = {m1, m2}, R2 = {m3}: a reviewer matches m2 ~ m3 → m3 moves to R1, R2 retired
    links = _links({"m1": R1, "m2": R1, "m3": R2, "m4": R3})
    pairs = pd.DataFrame(
        {
            "mention_id_l": ["m2"],
            "mention_id_r": ["m3"],
            "decision_id": ["f:2"],
            "match_weight": [5.0],
        }
    )
    ledger = Ledger()
    out = merge(links, pairs, ledger, blocked=set())
    assert dict(zip(out["mention_id"], out["resident_id"], strict=True)) == {
        "m1": R1,
        "m2": R1,
        "m3": R1,
        "m4": R3,
    }
    assert out.loc[out["mention_id"] == "m3", "assigned_by"].item() == "manual"
    assert ledger.redirects == [
        {
            "retired_resident_id": R2,
            "survivor_resident_id": R1,
            "reason": f"merged into {R1}: reviewer decision: match",
        }
    ]
    actions = [
        (a["action"], a["mention_id"], a["resident_before"], a["resident_after"])
        for a in ledger.audit
    ]
    assert actions == [("merge", "m3", R2, R1), ("retire", None, R2, R1)]


def test_merge_is_skipped_when_a_non_match_would_end_up_together() -> None:
    # m1 ~ m3 decided match, but m2 (with m1 in R1) and m3 were decided non-match
    links = _links({"m1": R1, "m2": R1, "m3": R2})
    pairs = pd.DataFrame(
        {
            "mention_id_l": ["m1"],
            "mention_id_r": ["m3"],
            "decision_id": ["f:2"],
            "match_weight": [None],
        }
    )
    ledger = Ledger()
    out = merge(links, pairs, ledger, blocked={frozenset(("m2", "m3"))})
    assert out["resident_id"].tolist() == [R1, R1, R2] and ledger.audit == []


def test_an_honoured_decision_changes_nothing() -> None:
    links = _links({"m1": R1, "m2": R1})
    pairs = pd.DataFrame(
        {
            "mention_id_l": ["m1"],
            "mention_id_r": ["m2"],
            "decision_id": ["f:2"],
            "match_weight": [None],
        }
    )
    ledger = Ledger()
    assert merge(links, pairs, ledger, set()) is links and not ledger.audit


def test_emptied_residents_are_retired_with_their_survivor() -> None:
    # R1's only mention m1 was corrected into R2; R3's only mention m5 was deleted
    before = _links({"m1": R1, "m5": R3})
    after = _links({"m1": R2})
    ledger = Ledger()
    retire_emptied(before, after, ledger, already=set())
    assert [(r["retired_resident_id"], r["survivor_resident_id"]) for r in ledger.redirects] == [
        (R1, R2),
        (R3, None),
    ]


def test_counter_is_read_from_parquet_metadata(tmp_path) -> None:
    # the counter (9) is above every id still in use (R3): retired ids are never reissued
    links = pd.DataFrame({"mention_id": ["m1"], "resident_id": [R3]})
    path = tmp_path / "record_link.parquet"
    pq.write_table(pa.Table.from_pandas(links).replace_schema_metadata({COUNTER_KEY: b"9"}), path)
    assert read_counter(str(path), links) == 9
    pq.write_table(pa.Table.from_pandas(links), path)  # no metadata: fall back to the max id
    assert read_counter(str(path), links) == 3
    assert read_counter(None, links.iloc[:0]) == 0
