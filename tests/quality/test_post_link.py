"""check_date over a tiny standardised lake and MPI: each lake check counted by hand.

Two nights: P (2026-03-01) and D (2026-03-02). Only records loaded on D are checked on D (details
for their encounter: those loaded 14 nights before D), against everything current after D.
Residents and their birth dates (from the ID numbers of their mentions) are:
    R1 p1 1990 · R2 p2 1950 · R3 p3 (no ID) · R4 p4 2026-03-05 (born after its encounter)
    R5 m1 1960 (a mother of 66: implausible) · R6 m2 1995 · R7 c1 2024 · R8, R9 vaccine recipients
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kernel import idno
from kernel.layout import Layout
from quality import check_date
from quality.post_link import CheckStageError
from quality.results import RESULT_SCHEMA
from tests.quality.quality_fixtures import write_mpi, write_std

P, D = date(2026, 3, 1), date(2026, 3, 2)
DUE = date(2026, 2, 16)  # details loaded 14 nights before D (grace_days) are judged on D
H = {"source": "hospital", "org_code": "H1"}
M = {"source": "mch", "org_code": "M1"}
V = {"source": "vaccination", "org_code": "V1"}


def _mention(base: dict[str, str], dataset: str, record_id: str, role: str, **values: Any) -> dict:
    mention_id = f"{base['source']}:{base['org_code']}:{dataset}:{record_id}:{role}"
    found = {**base, "mention_id": mention_id, "dataset": dataset, "record_id": record_id,
             "role": role, "id_no_valid": True, "id_damage": "none",
             "name_is_placeholder": False}  # fmt: skip
    if "id_birth_date" in values and "id_no" not in values:
        # a valid number encoding that birth date (and sex): what the golden record reads
        born = date.fromisoformat(values["id_birth_date"])
        sequence = 2 * (sum(map(ord, mention_id)) % 400) + (values.get("id_sex_code") != "2")
        found["id_no"] = idno.make("320505", born, sequence)
    return {**found, **values}


def _event(base: dict[str, str], dataset: str, record_id: str, **values: Any) -> dict:
    return {**base, "dataset": dataset, "record_id": record_id, **values}


def _patient(pid: str, **values: Any) -> dict:
    return _mention(H, "hospital.patient", pid, "patient", **values)


PATIENT = "hospital:H1:hospital.patient:{}:patient"
ENCOUNTER = "hospital:H1:hospital.encounter:{}"


def _write_lake(data: Path) -> None:
    write_std(data, "person_mention", P, [
        _patient("p1", id_birth_date="1990-05-01", id_sex_code="1"),
        _mention(V, "vaccination.dose", "imm1", "recipient", id_birth_date="2025-06-01"),
        _mention(V, "vaccination.dose", "imm6", "recipient", id_birth_date="2020-01-01"),
    ])  # fmt: skip
    write_std(data, "person_mention", D, [
        _patient("p2", id_birth_date="1950-01-01", id_sex_code="2", birth_date="1950-01-01",
                 birth_date_conflict=False, sex_conflict=False),
        _patient("p3", id_no_valid=False, id_damage="empty"),  # no ID: conflicts unknown
        _patient("p4", id_birth_date="2026-03-05", birth_date="2000-01-01",
                 birth_date_conflict=True, sex_conflict=True),
        _mention(M, "mch.prenatal_visit", "pv1", "mother", id_birth_date="1960-01-01",
                 sex_code="2"),
        _mention(M, "mch.prenatal_visit", "pv2", "mother", id_birth_date="1995-01-01",
                 sex_code="2"),
        _mention(M, "mch.child_checkup", "cc1", "child", id_birth_date="2024-06-01"),
        _mention(M, "mch.child_checkup", "cc2", "child", id_birth_date="1960-01-01"),
        *[_mention(V, "vaccination.dose", f"imm{i}", "recipient") for i in (2, 3, 4, 5)],
    ])  # fmt: skip
    write_std(data, "encounter", P, [
        _event(H, "hospital.encounter", "e1", event_time="2026-03-01T10:00:00+08:00",
               person_mention_id=PATIENT.format("p1")),
        _event(H, "hospital.encounter", "e4", event_time="2026-03-01T11:00:00+08:00",
               person_mention_id=PATIENT.format("p1")),
    ])  # fmt: skip
    write_std(data, "encounter", D, [
        _event(H, "hospital.encounter", "e2", event_time="2026-03-02T09:00:00+08:00",
               person_mention_id=PATIENT.format("p2")),
        _event(H, "hospital.encounter", "e4", is_deleted=True),  # deleted tonight
        _event(H, "hospital.encounter", "e5", event_time="2026-03-02T09:30:00+08:00",
               person_mention_id=PATIENT.format("p4")),
    ])  # fmt: skip
    write_std(data, "diagnosis", DUE, [
        _event(H, "hospital.diagnosis", f"d{i}", encounter_key=ENCOUNTER.format(e))
        for i, e in ((1, "e1"), (2, "e2"), (3, "e9"), (4, "e4"))
    ])  # fmt: skip
    for night in (P, D):  # not due yet: their encounters have until two weeks on
        write_std(data, "diagnosis", night, [
            _event(H, "hospital.diagnosis", f"d5-{night.day}", encounter_key=ENCOUNTER.format("e9"))
        ])  # fmt: skip
    mother = "mch:M1:mch.prenatal_visit:{}:mother"
    write_std(data, "prenatal_visit", D, [
        _event(M, "mch.prenatal_visit", v, event_time="2026-03-02T00:00:00+08:00",
               person_mention_id=mother.format(v))
        for v in ("pv1", "pv2")
    ])  # fmt: skip
    child = "mch:M1:mch.child_checkup:{}:child"
    write_std(data, "child_checkup", D, [
        _event(M, "mch.child_checkup", c, event_time="2026-03-02T00:00:00+08:00",
               person_mention_id=child.format(c))
        for c in ("cc1", "cc2")
    ])  # fmt: skip
    _write_doses(data)
    _write_links(data)


def _dose(record_id: str, vaccine: str, dose_no: int, at: str, status: str = "active") -> dict:
    mention = f"vaccination:V1:vaccination.dose:{record_id}:recipient"
    return _event(V, "vaccination.dose", record_id, vaccine_code=vaccine, dose_no=dose_no,
                  event_time=at, status=status, person_mention_id=mention)  # fmt: skip


def _write_doses(data: Path) -> None:
    write_std(data, "immunization", P, [
        _dose("imm1", "0201", 2, "2026-02-01T09:00:00+08:00"),  # R8 HepB dose 2
        _dose("imm6", "5201", 1, "2026-01-10T09:00:00+08:00"),  # R9 flu dose 1
    ])  # fmt: skip
    write_std(data, "immunization", D, [
        _dose("imm2", "0201", 1, "2026-03-02T09:00:00+08:00"),  # dose 1 after dose 2: fails
        _dose("imm3", "0201", 3, "2026-03-02T10:00:00+08:00"),  # 3 after 2 and 1: fine
        _dose("imm4", "0201", 1, "2026-03-02T11:00:00+08:00", "voided"),  # voided: not checked
        _dose("imm5", "5201", 1, "2026-03-02T09:00:00+08:00"),  # flu dose 1 again: fine
    ])  # fmt: skip


def _write_links(data: Path) -> None:
    links = {PATIENT.format("p1"): ("R1", "singleton"), PATIENT.format("p2"): ("R2", "auto"),
             PATIENT.format("p3"): ("R3", "review"), PATIENT.format("p4"): ("R4", "singleton"),
             "mch:M1:mch.prenatal_visit:pv1:mother": ("R5", "auto"),
             "mch:M1:mch.prenatal_visit:pv2:mother": ("R6", "singleton"),
             "mch:M1:mch.child_checkup:cc1:child": ("R7", "singleton"),
             # the mother's ID number entered for the child: linked to the mother
             "mch:M1:mch.child_checkup:cc2:child": ("R5", "auto")}  # fmt: skip
    for i in (1, 2, 3, 4):
        links[f"vaccination:V1:vaccination.dose:imm{i}:recipient"] = ("R8", "auto")
    for i in (5, 6):
        links[f"vaccination:V1:vaccination.dose:imm{i}:recipient"] = ("R9", "auto")
    write_mpi(data, D, links, review=[(PATIENT.format("p3"), PATIENT.format("p1"))])


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    data = tmp_path_factory.mktemp("lake")
    _write_lake(data)
    summary = check_date(data, D)
    assert summary.result_path == Layout(data).night("quality.result", D, "check")
    return data, pd.read_parquet(summary.result_path)


def _row(frame: pd.DataFrame, org: str, dataset: str, check: str) -> pd.Series:
    found = frame[(frame["org_code"] == org) & (frame["dataset"] == dataset)
                  & (frame["check_code"] == check)]  # fmt: skip
    assert len(found) == 1, (org, dataset, check)
    return found.iloc[0]


def _counts(frame: pd.DataFrame, org: str, dataset: str, check: str) -> tuple[int, int]:
    row = _row(frame, org, dataset, check)
    return int(row["checked"]), int(row["failed"])


def test_details_must_belong_to_a_delivered_encounter(checked: tuple[Path, pd.DataFrame]) -> None:
    _, frame = checked
    # d1..d4 came two weeks ago: e1 came last night and e2 tonight (in time, say at discharge);
    # e9 never came; e4 was deleted tonight. The d5s of the last two nights are not due yet.
    row = _row(frame, "H1", "diagnosis", "encounter_delivered")
    assert (row["checked"], row["failed"]) == (4, 2)
    assert row["examples"] == "hospital:H1:hospital.diagnosis:d3, hospital:H1:hospital.diagnosis:d4"
    assert row["dimension"] == "conformance" and row["field"] == "encounter_key"


def test_resident_age_checks_use_the_residents_birth_date(
    checked: tuple[Path, pd.DataFrame],
) -> None:
    _, frame = checked
    # pv1's resident R5 was born 1960 (66 at the visit); pv2's R6 1995 (31)
    assert _counts(frame, "M1", "prenatal_visit", "pregnancy_resident_plausible") == (2, 1)
    # cc1's R7 is 1 year old; cc2 was linked to R5, a woman of 66
    assert _counts(frame, "M1", "child_checkup", "child_checkup_resident_child") == (2, 1)
    # e2: R2 born 1950; e5: R4 born 2026-03-05, three days after the encounter
    assert _counts(frame, "H1", "encounter", "event_after_resident_birth") == (2, 1)


def test_dose_numbers_must_rise(checked: tuple[Path, pd.DataFrame]) -> None:
    _, frame = checked
    # imm2 (dose 1) follows imm1 (dose 2): fails; imm3 (3) and the yearly flu imm5 are fine;
    # voided imm4 is not checked; imm1 and imm6 were loaded last night
    row = _row(frame, "V1", "dose", "dose_order")
    assert (row["checked"], row["failed"]) == (3, 1)
    assert row["examples"] == "vaccination:V1:vaccination.dose:imm2"


def test_identity_checks_count_tonights_mentions(checked: tuple[Path, pd.DataFrame]) -> None:
    _, frame = checked
    # p2, p3, p4 tonight (p1 came last night); p3 has no ID number
    assert _counts(frame, "H1", "patient", "id_no_usable") == (3, 1)
    # p3's conflicts are unknown (no ID): only p2 and p4 checked; p4 disagrees on both
    assert _counts(frame, "H1", "patient", "birth_date_matches_id") == (2, 1)
    assert _counts(frame, "H1", "patient", "sex_matches_id") == (2, 1)
    # p3 waits for review: not linked automatically, and in tonight's review queue
    assert _counts(frame, "H1", "patient", "mention_auto_linked") == (3, 1)
    assert _counts(frame, "H1", "patient", "mention_sent_to_review") == (3, 1)
    # recipients need no ID number to be checked for: no id_no_usable row for doses
    dose = frame[(frame["org_code"] == "V1") & (frame["check_code"] == "id_no_usable")]
    assert dose.empty


def test_output_has_the_result_columns_and_is_never_fatal(
    checked: tuple[Path, pd.DataFrame],
) -> None:
    data, frame = checked
    assert (
        pq.read_schema(Layout(data).night("quality.result", D, "check")).names
        == RESULT_SCHEMA.names
    )
    assert set(frame["severity"]) <= {"warn", "info"}
    assert set(frame["run_date"]) == {D}
    assert not frame.duplicated(["source", "dataset", "org_code", "check_code", "field"]).any()
    # keys only: no mention carries a name here, but no example may hold anything but keys
    for keys in frame["examples"]:
        assert all(k.count(":") >= 3 for k in keys.split(", ") if k)


def test_rerun_replaces_the_nights_file(checked: tuple[Path, pd.DataFrame]) -> None:
    data, _ = checked
    first = pq.read_table(Layout(data).night("quality.result", D, "check"))
    check_date(data, D)
    assert pq.read_table(Layout(data).night("quality.result", D, "check")).equals(first)
    assert [p.name for p in Layout(data).night("quality.result", D, "check").parent.iterdir()] == [
        "check.parquet"
    ]


def test_a_night_without_a_crosswalk_stops_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(CheckStageError, match="run the link stage first"):
        check_date(tmp_path, D)
    assert not Layout(tmp_path).night("quality.result", D, "check").parent.exists()
