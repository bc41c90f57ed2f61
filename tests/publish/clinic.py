"""A hand-built lake for the archive's summary page and its FHIR form, published for D = 2026-02-10.

A  man born 1961-02-10 (65 on D), H1 patient: inpatient stay e10 (02-01 → 02-05) with
   diagnosis I15.0, prescription, lab results HBA1C 6.1 % and ABO 4 (AB), a CT report;
   outpatient visit e11 (2025-01-01) with ABO 1 (A, older: AB wins)
B  woman born 1961-02-11 (64 on D): outpatient e20 with I16.0 (not I10–I15) and E14.9
C  man born 1980: outpatient e30 with I09 and E15 (neither flag) and a lab named 血型, 3 (O)
K  child born 2019-03-01 (6 on D), no ID: child checkup (12.5 kg) and HepB dose 3
P  woman, postpartum visit 2025-02-01 (over 12 months before D: no 妇幼 flag)
Q  woman, prenatal visit 2025-06-01 at 24 weeks (within 12 months: 妇幼)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.publish.tiny_lake import at, event, mention, valid_id, write_crosswalk, write_std

D = date(2026, 2, 10)
ID_A = valid_id("320505", date(1961, 2, 10), 11)
ID_B = valid_id("320505", date(1961, 2, 11), 22)
ID_C = valid_id("320506", date(1980, 7, 7), 33)
H, HOSPITAL = "H1", "hospital"


def _patient(record_id: str, **values: object) -> dict:
    return mention(HOSPITAL, H, "hospital.patient", record_id, "patient",
                   arrived_at=at("2026-02-01 08:00"), **values)  # fmt: skip


PATIENTS = {
    "A": _patient("pa", id_no=ID_A, name="甲一"),
    "B": _patient("pb", id_no=ID_B, name="乙二"),
    "C": _patient("pc", id_no=ID_C, name="丙三"),
}
CHILD = mention("mch", "V1", "mch.child_checkup", "cc1", "child", name="丁小",
                birth_date=date(2019, 3, 1), sex_code="2")  # fmt: skip
RECIPIENT = mention("vaccination", "V1", "vaccination.dose", "v9", "recipient", name="丁小",
                    birth_date=date(2019, 3, 1), sex_code="2")  # fmt: skip
POSTPARTUM = mention("mch", "V1", "mch.postpartum_visit", "pp1", "mother", name="戊五",
                     birth_date=date(1990, 4, 4), sex_code="2")  # fmt: skip
PRENATAL = mention("mch", "V1", "mch.prenatal_visit", "pn1", "mother", name="己六",
                   birth_date=date(1992, 5, 5), sex_code="2")  # fmt: skip
RESIDENT_OF = {
    PATIENTS["A"]["mention_id"]: "A", PATIENTS["B"]["mention_id"]: "B",
    PATIENTS["C"]["mention_id"]: "C", CHILD["mention_id"]: "K", RECIPIENT["mention_id"]: "K",
    POSTPARTUM["mention_id"]: "P", PRENATAL["mention_id"]: "Q",
}  # fmt: skip


def _encounter(record_id: str, who: str, admit: str, kind: str, **more: object) -> dict:
    return event(HOSPITAL, H, "hospital.encounter", record_id, encounter_id=record_id,
                 person_mention_id=PATIENTS[who]["mention_id"], event_time=at(admit),
                 admit_time=at(admit), arrived_at=at(admit), encounter_type=kind,
                 dept_name="内科", **more)  # fmt: skip


def _child_row(table: str, record_id: str, enc: dict, when: str, **values: object) -> dict:
    """A diagnosis, prescription, lab result or exam report of encounter ``enc``."""
    dataset = f"hospital.{table}"
    return event(HOSPITAL, H, dataset, record_id, encounter_id=enc["encounter_id"],
                 encounter_key=enc["record_key"], event_time=at(when), arrived_at=at(when),
                 **values)  # fmt: skip


def build_clinic(data: Path) -> None:
    """Write the lake of the module docstring for night D (no reference data needed)."""
    write_std(data, "person_mention", D, [*PATIENTS.values(), CHILD, RECIPIENT, POSTPARTUM,
                                          PRENATAL])  # fmt: skip
    e10 = _encounter("e10", "A", "2026-02-01 08:00", "inpatient",
                     discharge_time=at("2026-02-05 08:00"))  # fmt: skip
    e11 = _encounter("e11", "A", "2025-01-01 08:00", "outpatient")
    e20 = _encounter("e20", "B", "2026-01-20 08:00", "outpatient")
    e30 = _encounter("e30", "C", "2026-01-21 08:00", "outpatient")
    write_std(data, "encounter", D, [e10, e11, e20, e30])
    write_std(data, "diagnosis", D, [
        _child_row("diagnosis", "d10", e10, "2026-02-01 09:00", diagnosis_id="d10",
                   icd10_code="I15.0", diagnosis_name="肾血管性高血压", is_primary=True),
        _child_row("diagnosis", "d20", e20, "2026-01-20 09:00", diagnosis_id="d20",
                   icd10_code="I16.0", diagnosis_name="高血压急症", is_primary=True),
        _child_row("diagnosis", "d21", e20, "2026-01-20 09:00", diagnosis_id="d21",
                   icd10_code="E14.9", diagnosis_name="糖尿病", is_primary=False),
        _child_row("diagnosis", "d30", e30, "2026-01-21 09:00", diagnosis_id="d30",
                   icd10_code="I09.9", diagnosis_name="风湿性心脏病", is_primary=True),
        _child_row("diagnosis", "d31", e30, "2026-01-21 09:00", diagnosis_id="d31",
                   icd10_code="E15", diagnosis_name="非糖尿病低血糖昏迷", is_primary=False),
    ])  # fmt: skip
    write_std(data, "prescription", D, [
        _child_row("prescription", "rx10", e10, "2026-02-01 10:00", rx_id="rx10",
                   drug_code="C08CA01", drug_name="苯磺酸氨氯地平片", dose=5, dose_unit="mg",
                   frequency="qd", days=7),
    ])  # fmt: skip
    write_std(data, "lab_result", D, [
        _child_row("lab_result", "l10", e10, "2026-02-01 11:00", result_id="l10",
                   item_code="HBA1C", item_name="糖化血红蛋白", value=6.1, unit="%"),
        _child_row("lab_result", "l11", e10, "2026-02-01 11:00", result_id="l11",
                   item_code="ABO", item_name="ABO血型", value=4),
        _child_row("lab_result", "l12", e11, "2025-01-01 11:00", result_id="l12",
                   item_code="ABO", item_name="ABO血型", value=1),
        _child_row("lab_result", "l30", e30, "2026-01-21 11:00", result_id="l30",
                   item_code="LAB-77", item_name="血型", value=3),
    ])  # fmt: skip
    write_std(data, "exam_report", D, [
        _child_row("exam_report", "x10", e10, "2026-02-02 09:00", report_id="x10",
                   modality="CT", body_part="头颅", findings="脑实质未见异常密度影",
                   conclusion="头颅CT平扫未见明显异常"),
    ])  # fmt: skip
    write_std(data, "child_checkup", D, [
        event("mch", "V1", "mch.child_checkup", "cc1", person_mention_id=CHILD["mention_id"],
              event_time=at("2026-01-10 09:00"), arrived_at=at("2026-01-10 12:00"),
              weight_kg=12.5, development_result="正常"),
    ])  # fmt: skip
    write_std(data, "immunization", D, [
        event("vaccination", "V1", "vaccination.dose", "v9",
              person_mention_id=RECIPIENT["mention_id"], event_time=at("2026-01-05 09:00"),
              arrived_at=at("2026-01-05 12:00"), vaccine_code="0201", vaccine_name="乙肝疫苗",
              dose_no=3, status="active"),
    ])  # fmt: skip
    write_std(data, "postpartum_visit", D, [
        event("mch", "V1", "mch.postpartum_visit", "pp1",
              person_mention_id=POSTPARTUM["mention_id"], event_time=at("2025-02-01 09:00"),
              arrived_at=at("2025-02-01 12:00"), days_after_delivery=14),
    ])  # fmt: skip
    write_std(data, "prenatal_visit", D, [
        event("mch", "V1", "mch.prenatal_visit", "pn1", person_mention_id=PRENATAL["mention_id"],
              event_time=at("2025-06-01 09:00"), arrived_at=at("2025-06-01 12:00"),
              gestational_weeks=24),
    ])  # fmt: skip
    write_crosswalk(data, D, {m: (r, "auto") for m, r in RESIDENT_OF.items()})
