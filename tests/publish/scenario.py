"""The hand-built two-month city the publish and warehouse tests share.

Three institutions, four residents, two nights that matter (2026-01-15 and D = 2026-02-10):

    R1  patient m1 at H1 (valid id A, night 01-15) + examinee m2 at C1 (id A, night 02-10)
        encounter e1 2026-01-14 with diagnosis d1 (timely); e1 corrected on 02-10;
        checkup ck1 2026-02-09 (timely)
    R2  patient m3 at H1 (valid id B) + duplicate patient m4 at H1 (B with a wrong check
        character, linked by review), both night 01-15; encounter e2 2024-12-01, sent 01-15 (late)
    R3  newborn m5 of delivery dl1 at V1 + vaccine recipient m6 at V1, no ID, night 02-10;
        active dose im1 (28 h late) and voided dose im2 (timely, not in the timeline)
    R4  mother m7 of delivery dl1 (valid id C, address in 320507), night 02-10; dl1 sent 9 days late
    m8  a patient at H1 loaded 01-15 and deleted on 02-10: in no figure

Districts: R1 320505 (address), R2 320505 (its institution H1), R3 320506 (institution V1),
R4 320507 (address; no population figure). Population 2026: 320505 → 1000, 320506 → 2000
(2025 rows differ and must not be used).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.publish.tiny_lake import (
    at,
    broken_id,
    event,
    mention,
    valid_id,
    write_crosswalk,
    write_load_log,
    write_quality,
    write_reference,
    write_std,
)

JAN, D = date(2026, 1, 15), date(2026, 2, 10)
ID_A = valid_id("320505", date(1980, 5, 1), 101)  # R1, a man
ID_B = valid_id("320505", date(1975, 3, 9), 202)  # R2, a woman
ID_B_TYPO = broken_id("320505", date(1975, 3, 9), 202)
ID_C = valid_id("320506", date(1995, 8, 20), 304)  # R4, a woman
ID_DELETED = valid_id("320505", date(1960, 1, 1), 405)
NAMES = ("张三", "李四", "王小宝", "赵敏", "钱多多")
PHONES = ("13800000001", "13900000002", "13700000003", "13600000004")
ADDRESSES = ("江苏省苏州市虎丘区竹园路1号", "江苏省苏州市相城区阳澄湖路8号")

INSTITUTIONS = [
    {"org_code": "H1", "org_name": "甲医院", "district_code": "320505",
     "org_type": "tertiary_hospital", "systems": "hospital"},
    {"org_code": "V1", "org_name": "社区中心", "district_code": "320506",
     "org_type": "community_health_center", "systems": "vaccination;mch"},
    {"org_code": "C1", "org_name": "体检中心", "district_code": "320506",
     "org_type": "checkup_center", "systems": "checkup"},
]  # fmt: skip
POPULATION = [
    {"district_code": code, "district_name": name, "year": year, "resident_population": people}
    for code, name, year, people in (
        ("320505", "虎丘区", 2025, 900),
        ("320505", "虎丘区", 2026, 1000),
        ("320506", "吴中区", 2025, 1800),
        ("320506", "吴中区", 2026, 2000),
    )
]

H, V, C = "hospital", "vaccination", "checkup"


def _patient(record_id: str, arrived: str, **values: object) -> dict:
    return mention(H, "H1", "hospital.patient", record_id, "patient", arrived_at=at(arrived),
                   **values)  # fmt: skip


def _mch(role: str, **values: object) -> dict:
    return mention("mch", "V1", "mch.delivery", "b1", role, arrived_at=at("2026-02-10 09:00"),
                   **values)  # fmt: skip


M1 = _patient("p1", "2026-01-10 09:00", id_no=ID_A, name="张三", sex_code="1", phone=PHONES[0],
              address=ADDRESSES[0], district_code="320505")  # fmt: skip
M2 = mention(C, "C1", "checkup.visit", "x1", "examinee", id_no=ID_A, name="张三", sex_code="1",
             arrived_at=at("2026-02-09 18:00"))  # fmt: skip
M3 = _patient("p2", "2026-01-15 08:00", id_no=ID_B, name="李四", phone=PHONES[1])
M4 = _patient("p3", "2026-01-15 09:00", id_no=ID_B_TYPO, name="李四", phone=PHONES[2],
              id_damage="bad_checksum")  # fmt: skip
M5 = _mch("newborn", name=None, name_is_placeholder=True, sex_code="1",
          birth_date=date(2026, 2, 1), mother_id_no=ID_C, mother_name="赵敏")  # fmt: skip
M6 = mention(V, "V1", "vaccination.dose", "v1", "recipient", name="王小宝", sex_code="1",
             birth_date=date(2026, 2, 1), phone=PHONES[3],
             arrived_at=at("2026-02-09 12:00"))  # fmt: skip
M7 = _mch("mother", id_no=ID_C, name="赵敏", sex_code="2", address=ADDRESSES[1],
          district_code="320507")  # fmt: skip
M8 = _patient("p9", "2026-01-15 10:00", id_no=ID_DELETED, name="钱多多")
M8_DELETED = _patient("p9", "2026-02-10 10:00", is_deleted=True)

RESIDENT_OF = {"m1": "R1", "m2": "R1", "m3": "R2", "m4": "R2", "m5": "R3", "m6": "R3", "m7": "R4"}


def encounter(
    record_id: str, patient_mention: dict, admit: str, arrived: str, **more: object
) -> dict:
    return event(H, "H1", "hospital.encounter", record_id, encounter_id=record_id,
                 person_mention_id=patient_mention["mention_id"], event_time=at(admit),
                 admit_time=at(admit), arrived_at=at(arrived), encounter_type="outpatient",
                 dept_name="内科", **more)  # fmt: skip


def build_city(data: Path) -> None:
    """Write the whole lake for nights 01-15 and 02-10 (and the crosswalk of 02-10)."""
    write_reference(data, INSTITUTIONS, POPULATION)
    write_std(data, "person_mention", JAN, [M1, M3, M4, M8])
    write_std(data, "person_mention", D, [M2, M5, M6, M7, M8_DELETED])
    e1 = encounter("e1", M1, "2026-01-14 08:00", "2026-01-14 10:00")
    e1_fixed = encounter("e1", M1, "2026-01-14 08:00", "2026-02-10 08:00",
                         discharge_time=at("2026-01-16 08:00"))  # fmt: skip
    e2 = encounter("e2", M3, "2024-12-01 08:00", "2026-01-15 08:00")
    write_std(data, "encounter", JAN, [e1, e2])
    write_std(data, "encounter", D, [e1_fixed])
    write_std(data, "diagnosis", JAN, [
        event(H, "H1", "hospital.diagnosis", "d1", diagnosis_id="d1", encounter_id="e1",
              encounter_key=e1["record_key"], icd10_code="J06.9", icd10_root="J06",
              diagnosis_name="急性上呼吸道感染", is_primary=True,
              event_time=at("2026-01-14 09:00"), arrived_at=at("2026-01-14 10:00")),
    ])  # fmt: skip
    write_std(data, "checkup", D, [
        event(C, "C1", "checkup.visit", "x1", exam_no="x1", person_mention_id=M2["mention_id"],
              event_time=at("2026-02-09 00:00"), arrived_at=at("2026-02-09 18:00"),
              systolic_bp=128, diastolic_bp=82, conclusion="未见异常", employer="某公司"),
    ])  # fmt: skip
    write_std(data, "immunization", D, [
        event(V, "V1", "vaccination.dose", "v1", person_mention_id=M6["mention_id"],
              event_time=at("2026-02-08 08:00"), arrived_at=at("2026-02-09 12:00"),
              vaccine_code="HepB", vaccine_name="乙肝疫苗", dose_no=2, status="active"),
        event(V, "V1", "vaccination.dose", "v2", person_mention_id=M6["mention_id"],
              event_time=at("2026-02-09 08:00"), arrived_at=at("2026-02-09 20:00"),
              vaccine_code="BCG", vaccine_name="卡介苗", dose_no=1, status="voided"),
    ])  # fmt: skip
    write_std(data, "delivery", D, [
        event("mch", "V1", "mch.delivery", "b1", person_mention_id=M7["mention_id"],
              newborn_mention_id=M5["mention_id"], event_time=at("2026-02-01 08:00"),
              arrived_at=at("2026-02-10 09:00"), delivery_mode="vaginal", gestational_weeks=39,
              baby_sex="1", baby_birth_weight_g=3300, birth_certificate_no="Q320000001"),
    ])  # fmt: skip
    write_crosswalk(data, JAN, {M1["mention_id"]: ("R1", "singleton"),
                                M3["mention_id"]: ("R2", "auto"),
                                M4["mention_id"]: ("R2", "review"),
                                M8["mention_id"]: ("R9", "singleton")})  # fmt: skip
    write_crosswalk(data, D, {
        m["mention_id"]: (RESIDENT_OF[key], method)
        for key, m, method in (
            ("m1", M1, "auto"), ("m2", M2, "auto"), ("m3", M3, "auto"), ("m4", M4, "review"),
            ("m5", M5, "auto"), ("m6", M6, "auto"), ("m7", M7, "singleton"),
        )
    })  # fmt: skip
    write_quality(data, JAN, [
        {"source": H, "org_code": "H1", "dataset": "hospital.patient", "check_code": "not_null",
         "dimension": "completeness", "checked": 10, "failed": 1},
        {"source": H, "org_code": "H1", "dataset": "hospital.patient", "check_code": "id_format",
         "dimension": "conformance", "checked": 20, "failed": 5},
    ])  # fmt: skip
    write_quality(data, D, [
        {"source": C, "org_code": "C1", "dataset": "checkup.visit", "check_code": "not_null",
         "dimension": "completeness", "checked": 4, "failed": 0},
        {"source": C, "org_code": "C1", "dataset": "checkup.visit", "check_code": "bp_range",
         "dimension": "plausibility", "checked": 4, "failed": 4},
        {"source": V, "org_code": "V1", "dataset": "vaccination.dose", "check_code": "code_set",
         "dimension": "conformance", "checked": 8, "failed": 2},
    ])  # fmt: skip
    write_load_log(data, JAN, [
        {"source": H, "dataset": "patient", "org_code": "H1", "rows_delivered": 2},
        {"source": H, "dataset": "encounter", "org_code": "H1", "rows_delivered": 2},
        {"source": H, "dataset": "diagnosis", "org_code": "H1", "rows_delivered": 1},
    ])  # fmt: skip
    write_load_log(data, D, [
        {"source": C, "dataset": "checkup.visit", "org_code": "C1", "rows_delivered": 1},
        {"source": V, "dataset": "vaccination.dose", "org_code": "V1", "rows_delivered": 2},
        {"source": "mch", "dataset": "delivery", "org_code": "V1", "rows_delivered": 1},
        {"source": H, "dataset": "patient", "org_code": "H1", "rows_delivered": 0,
         "status": "empty"},
    ])  # fmt: skip
