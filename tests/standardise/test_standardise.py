"""standardise_date over a tiny city: mentions, events, corrections, deletions, held deliveries."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.extract import extract_date
from pipelines.extract.reference import load_reference
from pipelines.standardise import standardise_date
from schemas.tables import std_current_sql, std_loaded_sql
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY, MOTHER_ID

DAY2 = DAY + timedelta(days=1)


def _night(sources: Path, data: Path, day: date = DAY):
    extract_date(sources, data, day)
    return standardise_date(data, day)


def _std(data: Path, table: str, day: date = DAY) -> pd.DataFrame:
    return pd.read_parquet(Layout(data).std(table, day))


def _current(data: Path, table: str, through: date) -> pd.DataFrame:
    return duckdb.sql(std_current_sql(Layout(data), table, through)).df()


@pytest.fixture
def city(tmp_path: Path) -> tuple[Path, Path]:
    sources, data = fx.tiny_city(tmp_path / "sources"), tmp_path / "data"
    load_reference(sources, data)
    return sources, data


def test_one_mention_per_person_named(city: tuple[Path, Path]) -> None:
    sources, data = city
    summary = _night(sources, data)
    m = _std(data, "person_mention").set_index("mention_id")
    # patient, recipient, examinee, child, and a delivery's mother and newborn: 6 mentions
    assert summary.rows["person_mention"] == 6 and len(m) == 6
    newborn = m.loc["mch:M001:mch.delivery:DL1:newborn"]
    assert newborn["mother_id_no"] == MOTHER_ID and newborn["mother_name"] == "张丽"
    assert newborn["birth_date"] == date(2026, 3, 1)  # from delivery_time
    assert newborn["sex_code"] == "2" and pd.isna(newborn["name"])  # baby_name empty
    mother = m.loc["mch:M001:mch.delivery:DL1:mother"]
    assert mother["sex_code"] == "2" and mother["id_no_valid"]  # sex_constant 2
    recipient = m.loc["vaccination:V001:vaccination.dose:R1:recipient"]
    assert recipient["mother_id_no"] == MOTHER_ID  # the guardian's number
    examinee = m.loc["checkup:C001:checkup.visit:T1:examinee"]
    assert examinee["sex_code"] == "1" and examinee["phone"] == "13900002222"  # 男, +86 dropped
    assert examinee["birth_date"] == date(1970, 7, 7) and examinee["birth_date_conflict"] is False
    assert examinee["name_pinyin"] == "chen jian guo"  # 陈建国
    assert examinee["name_pinyin_tone"] == "chen2 jian4 guo2"
    patient = m.loc["hospital:H001:hospital.patient:P1:patient"]
    assert patient["district_code"] == "320506"  # 吴中区 in the address
    assert patient["name_pinyin"] == "wang wei" and patient["surname"] == "王"


def test_the_mothers_number_entered_for_a_child_is_flagged_and_dropped(
    city: tuple[Path, Path],
) -> None:
    sources, data = city
    body = fx.csv_text([fx.child_checkup(child_id_no=f" {MOTHER_ID[:6]} {MOTHER_ID[6:]}")])
    fx.write_drop(sources / "mch" / DAY.isoformat() / "M001", {"child_checkup.csv": body.encode()})
    _night(sources, data)
    child = _std(data, "person_mention").set_index("role").loc["child"]
    assert child["id_damage"] == "mother_id" and pd.isna(child["id_no"])
    assert not child["id_no_valid"] and child["mother_id_no"] == MOTHER_ID


def test_disagreement_between_id_and_delivered_birth_date_is_flagged_not_fixed(
    city: tuple[Path, Path],
) -> None:
    sources, data = city
    row = fx.checkup(出生日期="1971-07-07", 性别="女")  # the ID says 1970-07-07, a man
    fx.write_drop(
        sources / "checkup" / DAY.isoformat(), {"C001.csv": fx.csv_text([row]).encode("gbk")}
    )
    _night(sources, data)
    examinee = _std(data, "person_mention").set_index("role").loc["examinee"]
    assert examinee["birth_date"] == date(1971, 7, 7) and examinee["id_birth_date"] == date(
        1970, 7, 7
    )
    assert examinee["birth_date_conflict"] is True and examinee["sex_conflict"] is True
    assert examinee["sex_code"] == "2"


def test_event_tables_carry_keys_time_and_values(city: tuple[Path, Path]) -> None:
    sources, data = city
    _night(sources, data)
    enc = _std(data, "encounter").iloc[0]
    assert enc["record_key"] == "hospital:H001:hospital.encounter:E1"
    assert enc["person_mention_id"] == "hospital:H001:hospital.patient:P1:patient"
    dx = _std(data, "diagnosis").iloc[0]
    assert dx["encounter_key"] == enc["record_key"] and pd.isna(dx["person_mention_id"])
    assert (dx["icd10_code"], dx["icd10_root"], dx["is_primary"]) == ("I10.X01", "I10", True)
    dose = _std(data, "immunization").iloc[0]
    assert dose["person_mention_id"] == "vaccination:V001:vaccination.dose:R1:recipient"
    assert dose["status"] == "active" and dose["dose_no"] == 2
    # delivered 0201 乙肝疫苗 → CV08.50.001 02 (schemas/crosswalks/vaccine.csv)
    assert (dose["vaccine_cv_code"], dose["vaccine_cv_name"]) == ("02", "乙肝疫苗")
    birth = _std(data, "delivery").iloc[0]
    assert birth["newborn_mention_id"] == "mch:M001:mch.delivery:DL1:newborn"
    assert birth["baby_sex"] == "2" and birth["baby_birth_weight_g"] == 3300
    exam = _std(data, "checkup").iloc[0]
    assert exam["event_time"] == pd.Timestamp("2026-03-01 00:00", tz="Asia/Shanghai")  # a date
    assert exam["arrived_at"] == pd.Timestamp("2026-03-01 20:00", tz="Asia/Shanghai")
    for table in ("prenatal_visit", "lab_result"):  # nothing delivered: an empty file, with schema
        assert pq.read_table(Layout(data).std(table, DAY)).num_rows == 0


def test_every_table_matches_its_contract(city: tuple[Path, Path]) -> None:
    from schemas.contracts import std_contracts

    sources, data = city
    _night(sources, data)
    for c in std_contracts().values():
        schema = pq.read_schema(Layout(data).std(c.name, DAY))
        assert schema.names == c.column_names, c.name
        assert [f.type for f in schema] == [f.type for f in c.arrow_schema()], c.name


def _two_nights(sources: Path, data: Path, day2_patients: list[dict], deleted: list[dict]) -> None:
    """Night 1: tiny_city. Night 2: the same front end with later rows added."""
    _night(sources, data, DAY)
    db = sources / "hospital" / "H001" / "frontend.sqlite"
    db.unlink()
    fx.write_frontend(db, {
        "patient": [fx.patient(), *day2_patients],
        "encounter": [fx.encounter()],
        "deleted_rows": deleted,
    })  # fmt: skip
    _night(sources, data, DAY2)


def test_a_correction_supersedes_through_current_sql(city: tuple[Path, Path]) -> None:
    sources, data = city
    fix = fx.patient(phone="13700007777", updated_at="2026-03-02T08:00:00+08:00")
    _two_nights(sources, data, [], [])  # night 2 without the correction: nothing to supersede
    assert _current(data, "person_mention", DAY2).query("role == 'patient'")["phone"].tolist() == [
        "13912345678"
    ]
    db = sources / "hospital" / "H001" / "frontend.sqlite"
    db.unlink()
    fx.write_frontend(db, {"patient": [fix]})
    _night(sources, data, DAY2)
    now = _current(data, "person_mention", DAY2).query("role == 'patient'")
    before = _current(data, "person_mention", DAY).query("role == 'patient'")
    assert now["phone"].tolist() == ["13700007777"] and before["phone"].tolist() == ["13912345678"]


def test_a_deletion_removes_the_mention_and_the_event(city: tuple[Path, Path]) -> None:
    sources, data = city
    deleted = [
        {"table_name": "patient", "row_id": "P1", "deleted_at": "2026-03-02T09:00:00+08:00"},
        {"table_name": "encounter", "row_id": "E1", "deleted_at": "2026-03-02T09:00:00+08:00"},
    ]
    _two_nights(sources, data, [], deleted)
    tomb = _std(data, "person_mention", DAY2).set_index("mention_id")
    assert tomb.loc["hospital:H001:hospital.patient:P1:patient", "is_deleted"]
    assert "patient" not in set(_current(data, "person_mention", DAY2)["role"])
    assert "patient" in set(_current(data, "person_mention", DAY)["role"])  # still there on night 1
    assert _current(data, "encounter", DAY2).empty
    assert len(_current(data, "encounter", DAY)) == 1


def test_a_nights_current_rows_read_from_its_partitions_on_are_the_same(
    city: tuple[Path, Path],
) -> None:
    sources, data = city
    fix = fx.patient(phone="13700007777", updated_at="2026-03-02T08:00:00+08:00")
    deleted = [
        {"table_name": "encounter", "row_id": "E1", "deleted_at": "2026-03-02T09:00:00+08:00"}
    ]
    _two_nights(sources, data, [fix], deleted)  # a correction and a deletion on night 2
    for table, key in (("person_mention", "mention_id"), ("encounter", "record_key")):
        current = _current(data, table, DAY2)
        for night in (DAY, DAY2):
            loaded = duckdb.sql(std_loaded_sql(Layout(data), table, night, DAY2)).df()
            expected = current[current["load_date"].dt.date == night]
            assert sorted(loaded[key]) == sorted(expected[key]), (table, night)
    patients = _current(data, "person_mention", DAY2).query("role == 'patient'")
    # the correction: night 1's row superseded
    assert patients["load_date"].dt.date.tolist() == [DAY2]
    assert _current(data, "encounter", DAY2).empty  # the deletion: nothing current of E1


def test_a_deletion_on_the_same_night_as_an_update_wins(city: tuple[Path, Path]) -> None:
    sources, data = city
    update = fx.patient(updated_at="2026-03-02T08:00:00+08:00", phone="13700007777")
    deleted = [{"table_name": "patient", "row_id": "P1", "deleted_at": "2026-03-02T09:00:00+08:00"}]
    _two_nights(sources, data, [update], deleted)
    night2 = _std(data, "person_mention", DAY2).query("role == 'patient'")
    assert len(night2) == 1 and night2["is_deleted"].all()  # one row per key per night


def test_held_deliveries_get_no_std_rows(city: tuple[Path, Path]) -> None:
    sources, data = city
    extract_date(sources, data, DAY)
    held = pa.table({"source": ["hospital", "mch"], "dataset": ["patient", "mch.delivery"],
                     "org_code": ["H001", "M001"], "reason": ["fatal", "fatal"]})  # fmt: skip
    write_parquet(held, Layout(data).night("quality.held_deliveries", DAY))
    summary = standardise_date(data, DAY)
    roles = set(_std(data, "person_mention")["role"])
    # patient (H001) and the delivery's mother and newborn (M001) are held; 3 mentions remain
    assert roles == {"recipient", "examinee", "child"}
    assert _std(data, "delivery").empty and len(_std(data, "encounter")) == 1
    assert (summary.held_deliveries, summary.held_rows) == (2, 2)
    assert (Layout(data).raw_dir("hospital", "patient", DAY) / "H001.parquet").exists()


def test_a_rerun_writes_identical_std_files(city: tuple[Path, Path]) -> None:
    sources, data = city
    _night(sources, data)
    first = {p: p.read_bytes() for p in sorted((data / "lake" / "std").rglob("*.parquet"))}
    standardise_date(data, DAY)
    assert {p: p.read_bytes() for p in sorted((data / "lake" / "std").rglob("*.parquet"))} == first
