"""Persistent resident ids: kept by maximum overlap, new ones from the stored counter."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from matching.registry import (
    COUNTER_KEY,
    Previous,
    assign_resident_ids,
    format_resident_id,
    read_previous,
)

R1, R2, R3, R9 = (format_resident_id(n) for n in (1, 2, 3, 9))


def _previous(links: dict[str, str], counter: int) -> Previous:
    return Previous(pd.DataFrame({"mention_id": list(links), "resident_id": list(links.values())}),
                    counter)


def _clusters(groups: list[list[str]]) -> pd.DataFrame:
    rows = [(m, min(g)) for g in groups for m in g]
    return pd.DataFrame(rows, columns=["unique_id", "cluster_key"])


def _ids(result: pd.DataFrame) -> dict[str, str]:
    return dict(zip(result["unique_id"], result["resident_id"], strict=True))


def test_first_night_allocates_in_sorted_cluster_order() -> None:
    # clusters keyed "a" and "c": "a" sorts first and gets R1
    out, counter = assign_resident_ids(_clusters([["c", "d"], ["a"]]), _previous({}, 0))
    assert _ids(out) == {"a": R1, "c": R2, "d": R2}
    assert counter == 2


def test_merge_keeps_the_id_with_most_mentions_and_retires_the_other() -> None:
    # last night m1, m2 → R1 and m3 → R2; tonight one cluster holds all three:
    # overlap with R1 is 2, with R2 is 1 → R1 kept, R2 retired; m4 alone → next id R3
    prev = _previous({"m1": R1, "m2": R1, "m3": R2}, counter=2)
    out, counter = assign_resident_ids(_clusters([["m1", "m2", "m3"], ["m4"]]), prev)
    assert _ids(out) == {"m1": R1, "m2": R1, "m3": R1, "m4": R3}
    assert counter == 3


def test_split_gives_the_old_id_to_one_side_only() -> None:
    # R1 held m1, m2; tonight {m1} and {m2, m5}: overlap 1 each, the tie goes to the
    # smaller cluster key "m1"; {m2, m5} gets a fresh id after the counter (9 → R...10)
    prev = _previous({"m1": R1, "m2": R1}, counter=9)
    out, counter = assign_resident_ids(_clusters([["m1"], ["m2", "m5"]]), prev)
    assert _ids(out) == {"m1": R1, "m2": format_resident_id(10), "m5": format_resident_id(10)}
    assert counter == 10


def test_loser_of_a_contest_takes_its_second_best_id() -> None:
    # cluster A = {a1, a2, b1} overlaps R1 twice, R2 once; cluster B = {a3, b2, b3} overlaps
    # R1 once and R2 twice → A keeps R1, B keeps R2, no new id
    prev = _previous({"a1": R1, "a2": R1, "a3": R1, "b1": R2, "b2": R2, "b3": R2}, counter=2)
    out, counter = assign_resident_ids(
        _clusters([["a1", "a2", "b1"], ["a3", "b2", "b3"]]), prev)
    assert set(_ids(out).values()) == {R1, R2}
    assert _ids(out)["b1"] == R1 and _ids(out)["b2"] == R2
    assert counter == 2


def test_counter_is_read_from_parquet_metadata(tmp_path) -> None:
    # the counter (9) is above every id still in use (R3): retired ids are never reissued
    table = pa.table({"mention_id": ["m1"], "resident_id": [R3]})
    path = tmp_path / "record_link.parquet"
    pq.write_table(table.replace_schema_metadata({COUNTER_KEY: b"9"}), path)
    assert read_previous(path).counter == 9
    pq.write_table(table, path)  # an older file without metadata: fall back to the max id
    assert read_previous(path).counter == 3
    assert read_previous(None).counter == 0
