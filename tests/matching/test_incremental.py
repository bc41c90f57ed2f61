"""Night by night on a hand-made index: bridges go to review, reviewers' decisions merge and
split for good, corrected and deleted records move and retire residents — all audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kernel.layout import Layout
from kernel.sql import parquet_sql
from matching import index, link_date
from matching.decisions import pair_id
from matching.golden import FINGERPRINT_KEY, fingerprint, golden_record_sql
from matching.relations import view
from matching.review import apply_decisions
from schemas.tables import conformed_sql
from simulator.bulk import write_std
from tests.matching.bridge_city import A1, A2, A3, B1, NIGHT, NO_ID, PERSON, bridge_city
from tests.matching.landing import standardised
from tests.matching.matching_pairs import mention


def _links(data: Path, day: date) -> pd.Series:
    return pd.read_parquet(index.night_path(data, day, index.CROSSWALK)).set_index("mention_id")[
        "resident_id"
    ]


def _read(data: Path, day: date, name: str) -> pd.DataFrame:
    return pd.read_parquet(index.night_path(data, day, name))


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("incremental")
    bridge_city(data)
    return data


def test_mentions_that_share_no_blocking_key_start_as_two_residents(lake: Path) -> None:
    night1 = _links(lake, NIGHT[0])
    assert len({night1[A1], night1[A2], night1[B1]}) == 3


def test_a_bridging_mention_joins_one_resident_and_never_merges_them(lake: Path) -> None:
    night1, night2 = _links(lake, NIGHT[0]), _links(lake, NIGHT[1])
    assert night2[A3] in {night1[A1], night1[A2]}
    # nothing existing moved, nothing retired
    assert (night2[night1.index] == night1).all()
    assert _read(lake, NIGHT[1], index.REDIRECT).empty
    # the link to the other resident waits for a reviewer; the night-1 pair is still queued
    queue = _read(lake, NIGHT[1], index.QUEUE).set_index("pair_id")
    other = A1 if night2[A3] == night1[A2] else A2
    assert queue.loc[pair_id(A3, other), "reason"].startswith("automatic link not applied")
    assert queue.loc[pair_id(A3, other), "queued_on"] == NIGHT[1]
    methods = pd.read_parquet(index.night_path(lake, NIGHT[1], index.CROSSWALK)).set_index(
        "mention_id"
    )["link_method"]
    assert methods[A3] == "review"


def _decide(data: Path, tmp: Path, *rows: tuple[str, str, str]) -> None:
    csv = pd.DataFrame(
        [
            {
                "pair_id": pair_id(a, b),
                "mention_id_l": a,
                "mention_id_r": b,
                "decision": d,
                "reviewer": "tester",
                "reason": "checked the cards",
            }
            for a, b, d in rows
        ]
    )
    path = tmp / "decisions.csv"
    csv.to_csv(path, index=False)
    apply_decisions(data, path)


def test_a_reviewer_match_merges_and_retires_for_good(lake: Path, tmp_path: Path) -> None:
    _decide(lake, tmp_path, (A1, A2, "match"))
    link_date(lake, NIGHT[2])
    night2, night3 = _links(lake, NIGHT[1]), _links(lake, NIGHT[2])
    assert night3[A1] == night3[A2] == night3[A3]
    retired = ({night2[A1], night2[A2]} - {night3[A1]}).pop()
    redirect = _read(lake, NIGHT[2], index.REDIRECT)
    assert redirect[["retired_resident_id", "survivor_resident_id"]].values.tolist() == [
        [retired, night3[A1]]
    ]
    audit = _read(lake, NIGHT[2], index.AUDIT)
    assert set(audit["action"]) == {"merge", "retire"}
    assert audit["decision_id"].str.startswith("decisions-").any()
    # decided and resolved pairs leave the queue
    queued = _read(lake, NIGHT[2], index.QUEUE)
    assert not (set(queued["mention_id_l"]) | set(queued["mention_id_r"])) & {A1, A2, A3}
    # the decision is replayed every night: the next night changes nothing
    link_date(lake, NIGHT[3])
    assert (_links(lake, NIGHT[3])[night3.index] == night3).all()
    assert _read(lake, NIGHT[3], index.AUDIT).empty
    # the retired id is never handed out again
    assert retired not in set(_links(lake, NIGHT[3]))


def test_a_reviewer_non_match_splits_and_is_audited(lake: Path, tmp_path: Path) -> None:
    _decide(lake, tmp_path, (A1, A3, "non-match"))
    link_date(lake, NIGHT[4])
    before, after = _links(lake, NIGHT[3]), _links(lake, NIGHT[4])
    assert after[A1] != after[A3]
    splits = _read(lake, NIGHT[4], index.AUDIT).query("action == 'split'")
    assert len(splits) >= 1 and (splits["resident_before"] == before[A1]).all()
    assert set(splits["mention_id"]) <= {A1, A2, A3}


def test_corrected_and_deleted_records_move_and_retire(lake: Path) -> None:
    # night 6: b1 is corrected at source into the man's details; a2 is deleted
    corrected = mention("b1", sex_code="1", **PERSON)
    deleted = mention("a2", org_code="H02", **NO_ID)
    write_std(standardised([corrected, deleted], NIGHT[5]).assign(is_deleted=[False, True]), lake)
    summary = link_date(lake, NIGHT[5])
    before, after = _links(lake, NIGHT[4]), _links(lake, NIGHT[5])
    assert A2 not in after.index and summary.removed_mentions == 2
    assert after[B1] in {after[A1], after[A3]}
    audit = _read(lake, NIGHT[5], index.AUDIT).set_index("mention_id")
    assert audit.loc[B1, "action"] == "move" and audit.loc[A2, "action"] == "remove"
    # b1's old resident has no records left and is retired, redirecting to where b1 went
    redirect = _read(lake, NIGHT[5], index.REDIRECT).set_index("retired_resident_id")
    assert redirect.loc[before[B1], "survivor_resident_id"] == after[B1]


def test_a_strong_bridge_merges_the_two_residents_automatically_and_audited(
    tmp_path: Path,
) -> None:
    # the same night 2, with the city's default auto-merge weight: a3 links to a1 (ID number,
    # name, birth date) and to a2 (name, phone, swapped birth date) well above it
    bridge_city(tmp_path, auto_merge=True)
    night1, night2 = _links(tmp_path, NIGHT[0]), _links(tmp_path, NIGHT[1])
    assert night2[A1] == night2[A2] == night2[A3] != night2[B1]
    retired = ({night1[A1], night1[A2]} - {night2[A1]}).pop()
    redirect = _read(tmp_path, NIGHT[1], index.REDIRECT).set_index("retired_resident_id")
    assert redirect.loc[retired, "survivor_resident_id"] == night2[A1]
    audit = _read(tmp_path, NIGHT[1], index.AUDIT)
    merges = audit[audit["action"] == "merge"]
    assert set(merges["resident_before"]) == {retired}
    assert (merges["reason"] == "automatic: a new record links strongly to both").all()
    queue = _read(tmp_path, NIGHT[1], index.QUEUE)
    his = {A1, A2, A3}
    assert not (queue["mention_id_l"].isin(his) | queue["mention_id_r"].isin(his)).any()


def _full_golden(data: Path, day: date) -> pd.DataFrame:
    """Every resident's golden record after night ``day`` computed from scratch: the night's
    crosswalk, and the record features of the version each mention was linked as."""
    # the index as the next night would read it
    after = index.previous(data, day + timedelta(days=1))
    con = duckdb.connect()
    shape = view(con, "shape", parquet_sql(after.features[:1]))
    stored = index.load_previous(con, after, shape)
    full = golden_record_sql(Layout(data), day, f"SELECT * FROM {stored.links}", stored.features)
    full = con.sql(conformed_sql(index.RESIDENT, full)).to_arrow_table().to_pandas()
    return full.set_index("resident_id").sort_index()


def test_each_nights_golden_records_recomputed_for_changed_residents_equal_a_full_build(
    lake: Path,
) -> None:
    # nights 2–6 carried the residents no mention joined, left or changed: the rows must be
    # the ones a full recompute chooses (merges, splits, corrections, deletions all happened)
    for day in NIGHT[1:]:
        carried = _read(lake, day, index.RESIDENT).set_index("resident_id").sort_index()
        pd.testing.assert_frame_equal(carried, _full_golden(lake, day), check_dtype=False)
    previous = pq.read_schema(index.night_path(lake, NIGHT[4], index.RESIDENT)).metadata
    assert previous[FINGERPRINT_KEY] == fingerprint(Layout(lake))[FINGERPRINT_KEY]


def test_golden_records_are_all_recomputed_when_the_rules_inputs_changed(
    lake: Path, tmp_path: Path
) -> None:
    # last night's rows carry a fingerprint of other rules: every row is chosen again
    previous = index.night_path(lake, NIGHT[4], index.RESIDENT)
    stale = pq.read_table(previous).to_pandas()
    stale["name"] = "旧规则"
    table = pa.Table.from_pandas(stale, preserve_index=False)
    pq.write_table(table.replace_schema_metadata({FINGERPRINT_KEY: b"older rules"}), previous)
    link_date(lake, NIGHT[5])
    assert "旧规则" not in set(_read(lake, NIGHT[5], index.RESIDENT)["name"])
    # with the fingerprint of these rules the same stale rows would be carried
    pq.write_table(table.replace_schema_metadata(fingerprint(Layout(lake))), previous)
    link_date(lake, NIGHT[5])
    assert "旧规则" in set(_read(lake, NIGHT[5], index.RESIDENT)["name"])
