"""archive.summary (首页) and archive.document on the hand-built lake of tests/publish/clinic.py.

Each flag's boundary is worked out in clinic.py's docstring: 65 on the day, I10–I15 but not
I16 or I09, E10–E14 but not E15, the 妇幼 window of 12 months, the latest ABO result.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.publish.pseudonym import pseudonym_key, pseudonymise


@pytest.fixture
def warehouse(published_clinic: Path) -> Path:
    return published_clinic


def query(data: Path, sql: str, db: str = "warehouse.duckdb") -> list[tuple]:
    with duckdb.connect(str(data / db), read_only=True) as con:
        return con.execute(sql).fetchall()


def flags(data: Path) -> dict[str, tuple]:
    rows = query(
        data,
        "SELECT resident_id, age_years, is_elderly, has_hypertension, "
        "has_diabetes, is_mch, blood_type_code, blood_type FROM archive.summary",
    )
    return {r[0]: r[1:] for r in rows}


def test_elderly_from_the_65th_birthday(warehouse: Path) -> None:
    # A was born 1961-02-10 and is 65 on D; B, born a day later, is 64
    assert flags(warehouse)["A"][:2] == (65, True)
    assert flags(warehouse)["B"][:2] == (64, False)


def test_hypertension_is_i10_to_i15(warehouse: Path) -> None:
    # A: I15.0 yes; B: I16.0 (hypertensive crisis) no; C: I09.9 no
    assert {r for r, f in flags(warehouse).items() if f[2]} == {"A"}


def test_diabetes_is_e10_to_e14(warehouse: Path) -> None:
    # B: E14.9 yes; C: E15 (non-diabetic hypoglycaemic coma) no
    assert {r for r, f in flags(warehouse).items() if f[3]} == {"B"}


def test_mch_for_children_under_7_and_recent_maternal_care(warehouse: Path) -> None:
    # K is 6; Q's prenatal visit (2025-06-01) is within 12 months of D, P's postpartum visit
    # (2025-02-01) is not
    assert {r for r, f in flags(warehouse).items() if f[4]} == {"K", "Q"}


def test_blood_type_is_the_latest_abo_result(warehouse: Path) -> None:
    # A: ABO 1 in 2025, then 4 in 2026 → AB; C: a result named 血型 with 3 → O; others 不详
    found = {r: f[5:] for r, f in flags(warehouse).items()}
    assert found["A"] == ("4", "AB") and found["C"] == ("3", "O") and found["B"] == ("5", "不详")


def test_services_count_visits_not_their_contents(warehouse: Path) -> None:
    # A: inpatient e10 and outpatient e11 (their diagnosis, prescription, labs, report are items)
    rows = query(
        warehouse,
        "SELECT service_count, document_codes, org_count FROM archive.summary "
        "WHERE resident_id = 'A'",
    )
    assert rows == [(2, "HSDA00.01;HSDC00.02;HSDC00.03", 1)]


def test_document_index_by_ws_t_483_type(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "SELECT document_code, document_name, record_count, item_count "
        "FROM archive.document WHERE resident_id = 'A' ORDER BY sort_order",
    )
    # the inpatient stay and its 5 rows feed 住院摘要; e11 and its ABO result 门诊摘要
    assert rows == [
        ("HSDA00.01", "个人基本健康信息登记", 1, 1),
        ("HSDC00.02", "门诊摘要", 1, 2),
        ("HSDC00.03", "住院摘要", 1, 6),
    ]
    child = query(
        warehouse,
        "SELECT document_code FROM archive.document WHERE resident_id = 'K' ORDER BY sort_order",
    )
    assert child == [("HSDA00.01",), ("HSDB01.03",), ("HSDB03.01",)]


def test_inpatient_contents_feed_the_inpatient_summary(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "SELECT DISTINCT document_code, parent_key FROM archive.timeline "
        "WHERE resident_id = 'A' AND event_type <> 'encounter'",
    )
    assert sorted(rows) == [
        ("HSDC00.02", "hospital:H1:hospital.encounter:e11"),
        ("HSDC00.03", "hospital:H1:hospital.encounter:e10"),
    ]


def test_analytics_summary_has_the_birth_year_only(warehouse: Path) -> None:
    columns = {
        r[0]
        for r in query(
            warehouse,
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'summary'",
            "analytics.duckdb",
        )
    }
    assert "birth_year" in columns and not columns & {"birth_date", "age_years"}
    assert query(
        warehouse,
        "SELECT birth_year, is_elderly, has_hypertension FROM archive.summary "
        f"WHERE person_key = '{pseudonymise(pseudonym_key(), 'A')}'",
        "analytics.duckdb",
    ) == [(1961, True, True)]
