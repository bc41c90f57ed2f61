"""A hand-built city in which each of the README's analyst questions has a known answer.

The city is scenario.py's (R1–R4, nights 01-15 and 02-10) plus night D2 = 2026-02-11:

    R5  vaccine recipient at V1, born 2023-05-01, no ID: HepB dose 1 on 02-11 (behind)
    R6  vaccine recipient at V1, born 2022-01-10, no ID: HepB dose 3 on 02-11 (not behind)
    R7  H1 patient born 1950-03-01: visit e7 on 2025-06-01 with I10, sent on 02-11 (late)
    R8  H1 patient born 1955-07-01: visit e8 on 02-11 with E11.9, I15.0 and HbA1c 8.1 %

R5–R8 have no address: R5, R6 live in V1's district 320506, R7, R8 in H1's 320505.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kernel.layout import Layout
from tests.publish.scenario import RESIDENT_OF, build_city
from tests.publish.scenario import D as SCENARIO_NIGHT
from tests.publish.tiny_lake import at, event, mention, valid_id, write_crosswalk, write_std

D2 = date(2026, 2, 11)


def _recipient(record_id: str, born: date) -> dict:
    return mention("vaccination", "V1", "vaccination.dose", record_id, "recipient",
                   birth_date=born, arrived_at=at("2026-02-11 09:00"))  # fmt: skip


def _patient(record_id: str, born: date, sequence: int) -> dict:
    return mention("hospital", "H1", "hospital.patient", record_id, "patient",
                   id_no=valid_id("320505", born, sequence),
                   arrived_at=at("2026-02-11 09:00"))  # fmt: skip


def _dose(record_id: str, recipient: dict, dose_no: int) -> dict:
    return event("vaccination", "V1", "vaccination.dose", record_id,
                 person_mention_id=recipient["mention_id"], event_time=at("2026-02-11 08:00"),
                 arrived_at=at("2026-02-11 09:00"), vaccine_code="0201",
                 vaccine_name="乙肝疫苗", dose_no=dose_no, status="active")  # fmt: skip


def _encounter(record_id: str, patient: dict, when: str) -> dict:
    return event("hospital", "H1", "hospital.encounter", record_id, encounter_id=record_id,
                 person_mention_id=patient["mention_id"], event_time=at(when),
                 admit_time=at(when), arrived_at=at("2026-02-11 09:00"),
                 encounter_type="outpatient", dept_name="心内科")  # fmt: skip


def _item(table: str, record_id: str, visit: dict, **values: object) -> dict:
    return event("hospital", "H1", f"hospital.{table}", record_id,
                 encounter_id=visit["encounter_id"], encounter_key=visit["record_key"],
                 event_time=visit["event_time"], arrived_at=at("2026-02-11 09:00"),
                 **values)  # fmt: skip


def build_analyst_city(data: Path) -> date:
    """Write the city and return the night to publish (D2)."""
    build_city(data)
    r5, r6 = _recipient("v5", date(2023, 5, 1)), _recipient("v6", date(2022, 1, 10))
    r7, r8 = _patient("p7", date(1950, 3, 1), 71), _patient("p8", date(1955, 7, 1), 81)
    write_std(data, "person_mention", D2, [r5, r6, r7, r8])
    write_std(data, "immunization", D2, [_dose("v5", r5, 1), _dose("v6", r6, 3)])
    e7, e8 = _encounter("e7", r7, "2025-06-01 09:00"), _encounter("e8", r8, "2026-02-11 08:00")
    write_std(data, "encounter", D2, [e7, e8])
    write_std(data, "diagnosis", D2, [
        _item("diagnosis", "d7", e7, diagnosis_id="d7", icd10_code="I10",
              diagnosis_name="原发性高血压"),
        _item("diagnosis", "d8", e8, diagnosis_id="d8", icd10_code="E11.9",
              diagnosis_name="2型糖尿病"),
        _item("diagnosis", "d9", e8, diagnosis_id="d9", icd10_code="I15.0",
              diagnosis_name="肾血管性高血压"),
    ])  # fmt: skip
    write_std(data, "lab_result", D2, [
        _item("lab_result", "l8", e8, result_id="l8", item_code="HBA1C",
              item_name="糖化血红蛋白", value=8.1, unit="%"),
    ])  # fmt: skip
    scenario = _scenario_links(data)
    new = {r5["mention_id"]: "R5", r6["mention_id"]: "R6", r7["mention_id"]: "R7",
           r8["mention_id"]: "R8"}  # fmt: skip
    write_crosswalk(data, D2, {m: (r, "auto") for m, r in {**scenario, **new}.items()})
    return D2


def _scenario_links(data: Path) -> dict[str, str]:
    """The scenario's mentions of night 02-10 and their residents (R1–R4)."""
    import duckdb

    path = Layout(data).night("mpi.record_link", SCENARIO_NIGHT)
    rows = duckdb.sql(f"SELECT mention_id, resident_id FROM '{path}'").fetchall()
    assert {r for _, r in rows} == set(RESIDENT_OF.values())
    return dict(rows)
