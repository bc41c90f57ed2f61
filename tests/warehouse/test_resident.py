"""Survivorship of mpi.resident (the golden record), one rule per assertion."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.publish import publish
from tests.publish.tiny_lake import (
    at,
    broken_id,
    mention,
    valid_id,
    write_crosswalk,
    write_reference,
    write_std,
)

D = date(2026, 3, 1)
GOOD = valid_id("320508", date(1990, 6, 15), 122)  # even sequence → woman, born 1990-06-15
TYPO = broken_id("320508", date(1990, 6, 15), 122)
INSTITUTIONS = [
    {"org_code": "A", "org_name": "甲", "district_code": "320505",
     "org_type": "tertiary_hospital", "systems": "hospital"},
    {"org_code": "B", "org_name": "乙", "district_code": "320506",
     "org_type": "community_health_center", "systems": "vaccination"},
]  # fmt: skip


def _m(org: str, record_id: str, arrived: str, **values: object) -> dict:
    return mention("hospital", org, "hospital.patient", record_id, "patient",
                   arrived_at=at(arrived), **values)  # fmt: skip


# R1: the typo twice, the valid number once; 王伟 twice (older), 王玮 once (newest);
# the newest mention has no phone; delivered birth dates disagree with the ID number.
R1 = [
    _m("A", "1", "2026-01-01 08:00", id_no=TYPO, name="王伟", phone="13800000001",
       address="苏州市吴中区一路1号", district_code="320506", birth_date=date(1990, 1, 1)),
    _m("A", "2", "2026-02-01 08:00", id_no=TYPO, name="王伟", phone="13800000002",
       address="苏州市姑苏区二路2号", district_code="320508", birth_date=date(1990, 1, 1)),
    _m("B", "3", "2026-02-20 08:00", id_no=GOOD, name="王玮", address="某小区3幢",
       sex_code="1"),
]  # fmt: skip
# R2: no ID number; sex 0 twice, 2 once; birth dates 2000-01-01 twice, 2000-02-02 once;
# no address names a district; two of its three records come from B (320506).
R2 = [
    _m("A", "4", "2026-01-05 08:00", sex_code="0", birth_date=date(2000, 1, 1)),
    _m("B", "5", "2026-01-06 08:00", sex_code="0", birth_date=date(2000, 1, 1)),
    _m("B", "6", "2026-01-07 08:00", sex_code="2", birth_date=date(2000, 2, 2), name=None,
       name_is_placeholder=True),
]  # fmt: skip


@pytest.fixture(scope="module")
def residents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    data: Path = tmp_path_factory.mktemp("lake")
    write_reference(data, INSTITUTIONS, [])
    write_std(data, "person_mention", D, R1 + R2)
    write_crosswalk(data, D, {m["mention_id"]: ("R1", "auto") for m in R1}
                    | {m["mention_id"]: ("R2", "auto") for m in R2})  # fmt: skip
    publish(data, D)
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        cursor = con.execute("SELECT * FROM mpi.resident")
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return {row["resident_id"]: row for row in rows}


def test_checksum_valid_id_wins_over_a_more_frequent_invalid_one(residents: dict) -> None:
    assert residents["R1"]["id_no"] == GOOD and residents["R1"]["id_no_valid"]


def test_name_is_the_most_frequent_not_the_newest(residents: dict) -> None:
    assert residents["R1"]["name"] == "王伟"


def test_phone_and_address_are_the_most_recent_delivered(residents: dict) -> None:
    # the newest mention has no phone: the next newest one's; the newest address, though it
    # names no district
    assert residents["R1"]["phone"] == "13800000002"
    assert residents["R1"]["address"] == "某小区3幢"


def test_birth_date_and_sex_come_from_the_valid_id(residents: dict) -> None:
    # delivered 1990-01-01 (twice) and sex 1 lose to what the number encodes
    assert residents["R1"]["birth_date"] == date(1990, 6, 15)
    assert residents["R1"]["sex_code"] == "2"


def test_district_from_the_most_recent_address_naming_one(residents: dict) -> None:
    assert (residents["R1"]["district_code"], residents["R1"]["district_from"]) == (
        "320508",
        "address",
    )


def test_without_a_valid_id_the_most_frequent_delivered_values_win(residents: dict) -> None:
    r2 = residents["R2"]
    assert r2["id_no"] is None and not r2["id_no_valid"]
    assert r2["birth_date"] == date(2000, 1, 1)
    assert r2["sex_code"] == "2"  # a known sex beats the more frequent 0 (unknown)


def test_district_falls_back_to_the_usual_institution(residents: dict) -> None:
    assert (residents["R2"]["district_code"], residents["R2"]["district_from"]) == (
        "320506",
        "institution",
    )
