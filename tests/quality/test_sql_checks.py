"""DQD style: a few rows of a tiny synthetic delivery, mutated; one check run; its count checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from kernel.idno import check_char
from tests.quality.quality_fixtures import check_counts, write_delivery

D = date(2026, 3, 1)
T = "2026-03-01T{}:00+08:00"


def test_discharge_before_admission_is_counted(tmp_path: Path) -> None:
    rows = [
        {
            "encounter_id": "e1",
            "admit_time": T.format("10:00"),
            "discharge_time": T.format("12:00"),
        },
        {
            "encounter_id": "e2",
            "admit_time": T.format("10:00"),
            "discharge_time": T.format("09:00"),
        },
        {
            "encounter_id": "e3",
            "admit_time": T.format("10:00"),
            "discharge_time": "2026-02-27T10:00:00+08:00",
        },
        {"encounter_id": "e4", "admit_time": T.format("10:00"), "discharge_time": None},
        {
            "encounter_id": "e5",
            "admit_time": T.format("10:00"),
            "discharge_time": T.format("10:00"),
        },
    ]
    write_delivery(tmp_path, "hospital.encounter", "H1", rows, D)
    # e4 has no discharge: not checked (4 checked); e2 and e3 end before they start; e5 is equal
    assert check_counts(tmp_path, "hospital.encounter", "discharge_after_admission", D) == {
        "admit_time": (4, 2)
    }


def test_id_no_checksum_counts_damaged_numbers_of_resident_id_cards_only(tmp_path: Path) -> None:
    bad_birth = "11010519491331002"  # month 13, with the check character it would have
    rows = [
        {"patient_id": "p1", "id_type": "01", "id_no": "11010519491231002X"},  # valid
        {"patient_id": "p2", "id_type": "01", "id_no": "110105194912310021"},  # wrong check char
        {"patient_id": "p3", "id_type": "01", "id_no": "11010519491231002x"},  # lowercase x
        {"patient_id": "p4", "id_type": "01", "id_no": "110105491231002"},  # legacy 15 digits
        {"patient_id": "p5", "id_type": "01", "id_no": bad_birth + check_char(bad_birth)},
        {
            "patient_id": "p6",
            "id_type": None,
            "id_no": "11010519491231002X",
        },  # no type: checked, valid
        {"patient_id": "p7", "id_type": "01", "id_no": "  "},  # blank: not checked
        {"patient_id": "p8", "id_type": "01", "id_no": None},  # empty: not checked
        {"patient_id": "p9", "id_type": "03", "id_no": "E12345678"},  # passport: not checked
    ]
    write_delivery(tmp_path, "hospital.patient", "H1", rows, D)
    # checked: p1-p6 = 6; failed: p2, p3, p4, p5 = 4
    assert check_counts(tmp_path, "hospital.patient", "id_no_valid", D) == {"id_no": (6, 4)}


def test_physiological_range_counts_values_outside_their_bounds(tmp_path: Path) -> None:
    rows = [
        {"exam_no": "x1", "systolic_bp": 120, "height_cm": 170.0},
        {"exam_no": "x2", "systolic_bp": 400, "height_cm": 1.7},  # both impossible
        {"exam_no": "x3", "systolic_bp": 30},  # below 50
        {"exam_no": "x4"},  # nothing measured: not checked
    ]
    write_delivery(tmp_path, "checkup.visit", "C1", rows, D)
    found = check_counts(tmp_path, "checkup.visit", "physiological_range", D)
    assert found["systolic_bp"] == (3, 2)
    assert found["height_cm"] == (2, 1)
    assert found["uric_acid"] == (0, 0)


def test_dose_number_must_be_at_least_one(tmp_path: Path) -> None:
    rows = [{"record_id": f"r{i}", "dose_no": n} for i, n in enumerate([1, 2, 0, -1])]
    write_delivery(tmp_path, "vaccination.dose", "V1", rows, D)
    assert check_counts(tmp_path, "vaccination.dose", "dose_no_positive", D) == {"dose_no": (4, 2)}


def test_late_arrival_counts_from_the_event_or_from_the_end_of_an_event_day(tmp_path: Path) -> None:
    exported = T.format("20:00")
    doses = [
        {"record_id": "r1", "vaccinated_at": T.format("09:00"), "exported_at": exported},  # 11 h
        {
            "record_id": "r2",
            "vaccinated_at": "2026-02-27T09:00:00+08:00",
            "exported_at": exported,
        },  # 59 h
    ]
    visits = [
        {
            "record_id": "v1",
            "visit_date": "2026-02-28",
            "exported_at": exported,
        },  # 03-01 00:00 → 20 h
        {
            "record_id": "v2",
            "visit_date": "2026-02-27",
            "exported_at": exported,
        },  # 02-28 00:00 → 44 h
        {"record_id": "v3", "visit_date": "2026-02-27", "exported_at": None},  # not checked
    ]
    write_delivery(tmp_path, "vaccination.dose", "V1", doses, D)
    write_delivery(tmp_path, "mch.prenatal_visit", "M1", visits, D)
    assert check_counts(tmp_path, "vaccination.dose", "late_arrival", D) == {
        "vaccinated_at": (2, 1)
    }
    assert check_counts(tmp_path, "mch.prenatal_visit", "late_arrival", D) == {"visit_date": (2, 1)}


def test_event_not_future_allows_the_grace_period_and_skips_unreadable_dates(
    tmp_path: Path,
) -> None:
    rows = [
        # night 03-01 ends 03-02 00:00; with 24 h grace anything up to 03-03 00:00 passes
        {
            "record_id": "r1",
            "vaccinated_at": "2026-03-02T23:00:00+08:00",
            "recipient_birth_date": "2025-01-01",
        },
        {
            "record_id": "r2",
            "vaccinated_at": "2026-03-05T09:00:00+08:00",
            "recipient_birth_date": "2030-01-01",
        },
        {
            "record_id": "r3",
            "vaccinated_at": T.format("09:00"),
            "recipient_birth_date": "2026-13-01",
        },
    ]
    write_delivery(tmp_path, "vaccination.dose", "V1", rows, D)
    found = check_counts(tmp_path, "vaccination.dose", "event_not_future", D)
    assert found["vaccinated_at"] == (3, 1)
    assert found["recipient_birth_date"] == (2, 1)  # 2026-13-01 is no date: not checked
    assert found["exported_at"] == (0, 0)


def test_event_before_the_birth_date_on_the_row_is_counted(tmp_path: Path) -> None:
    rows = [
        {
            "record_id": "r1",
            "recipient_birth_date": "2025-01-01",
            "vaccinated_at": "2024-12-31T09:00:00+08:00",
        },
        {
            "record_id": "r2",
            "recipient_birth_date": "2025-01-01",
            "vaccinated_at": "2025-01-01T08:00:00+08:00",
        },
        {
            "record_id": "r3",
            "recipient_birth_date": "bad",
            "vaccinated_at": "2025-01-01T08:00:00+08:00",
        },
    ]
    write_delivery(tmp_path, "vaccination.dose", "V1", rows, D)
    # r1 was vaccinated the day before birth; r2 on its birth day is fine; r3's birth is unreadable
    assert check_counts(tmp_path, "vaccination.dose", "event_after_birth", D) == {
        "recipient_birth_date": (2, 1)
    }


def test_diastolic_above_systolic_is_counted(tmp_path: Path) -> None:
    rows = [
        {"exam_no": "x1", "systolic_bp": 120, "diastolic_bp": 80},
        {"exam_no": "x2", "systolic_bp": 80, "diastolic_bp": 120},  # swapped on entry
        {"exam_no": "x3", "diastolic_bp": 80},  # not checked
    ]
    write_delivery(tmp_path, "checkup.visit", "C1", rows, D)
    assert check_counts(tmp_path, "checkup.visit", "diastolic_below_systolic", D) == {
        "diastolic_bp": (2, 1)
    }


def test_counts_are_per_org(tmp_path: Path) -> None:
    write_delivery(tmp_path, "vaccination.dose", "V1", [{"record_id": "a", "dose_no": 0}], D)
    write_delivery(tmp_path, "vaccination.dose", "V2", [{"record_id": "a", "dose_no": 1}], D)
    from quality import sql_checks
    from quality.raw import read_dataset
    from schemas.contracts import contract

    night = read_dataset(tmp_path, contract("vaccination.dose"), D)
    con = sql_checks.connect()
    found = sql_checks.run_sql_checks(con, night.contract, night.table, ["V1", "V2", "V3"], D)
    dose = found[found["check_code"] == "dose_no_positive"].set_index("org_code")
    # V3 delivered nothing through this table: reported with zero counts, not left out
    assert dose.loc[["V1", "V2", "V3"], ["checked", "failed"]].values.tolist() == [
        [1, 1],
        [1, 0],
        [0, 0],
    ]


def test_lab_values_are_checked_against_the_range_of_their_own_item(tmp_path: Path) -> None:
    rows = [
        {"result_id": "l1", "item_code": "HGB", "value": 5.0},  # haemoglobin 5 g/L: impossible
        {"result_id": "l2", "item_code": "HGB", "value": 140.0},
        {"result_id": "l3", "item_code": "WBC", "value": 1000.0},  # 1000 × 10^9/L: impossible
        {"result_id": "l4", "item_code": "GLU", "value": 5.1},
        {"result_id": "l5", "item_code": "K", "value": None},  # no value: not checked
        {"result_id": "l6", "item_code": "XYZ", "value": 1e6},  # an item without a range
    ]
    write_delivery(tmp_path, "hospital.lab_result", "H1", rows, D)
    found = check_counts(tmp_path, "hospital.lab_result", "lab_value_range", D)
    assert found["value[HGB]"] == (2, 1)
    assert found["value[WBC]"] == (1, 1)
    assert found["value[GLU]"] == (1, 0)
    assert found["value[K]"] == (0, 0)
    assert len(found) == 12  # one result row per item with a range, none for XYZ


def test_abnormal_flag_must_agree_with_value_and_reference_range(tmp_path: Path) -> None:
    rows = [
        {"result_id": "l1", "value": 8.07, "ref_range": "3.9-6.1", "abnormal_flag": "H"},
        {"result_id": "l2", "value": 5.0, "ref_range": "3.9-6.1", "abnormal_flag": "H"},  # N
        {"result_id": "l3", "value": 3.0, "ref_range": "3.9-6.1", "abnormal_flag": "N"},  # L
        {"result_id": "l4", "value": 5.0, "ref_range": " 3.9 - 6.1 ", "abnormal_flag": "n"},
        {"result_id": "l5", "value": 5.0, "ref_range": "<10", "abnormal_flag": "N"},  # no range
        {"result_id": "l6", "value": 5.0, "ref_range": "3.9-6.1", "abnormal_flag": None},
    ]
    write_delivery(tmp_path, "hospital.lab_result", "H1", rows, D)
    # checked l1-l4 (l5's range and l6's flag are unreadable); l2 and l3 disagree
    assert check_counts(tmp_path, "hospital.lab_result", "lab_flag_consistent", D) == {
        "value": (4, 2)
    }


def test_height_and_weight_must_give_a_possible_bmi(tmp_path: Path) -> None:
    rows = [
        {"exam_no": "x1", "height_cm": 170.0, "weight_kg": 65.0},  # BMI 22.5
        {"exam_no": "x2", "height_cm": 1.7, "weight_kg": 65.0},  # height in metres
        {"exam_no": "x3", "height_cm": 170.0, "weight_kg": 650.0},  # BMI 225
        {"exam_no": "x4", "height_cm": 0.0, "weight_kg": 65.0},  # no height: not checked
        {"exam_no": "x5", "height_cm": 170.0},  # no weight: not checked
    ]
    write_delivery(tmp_path, "checkup.visit", "C1", rows, D)
    assert check_counts(tmp_path, "checkup.visit", "bmi_plausible", D) == {"height_cm": (3, 2)}


def test_pregnancy_and_child_care_need_a_plausible_age(tmp_path: Path) -> None:
    mothers = [
        {"record_id": "m1", "mother_birth_date": "1990-01-01", "registered_at": T.format("09:00")},
        {"record_id": "m2", "mother_birth_date": "1960-01-01", "registered_at": T.format("09:00")},
        {"record_id": "m3", "mother_birth_date": "2020-01-01", "registered_at": T.format("09:00")},
        {"record_id": "m4", "mother_birth_date": "bad", "registered_at": T.format("09:00")},
    ]
    children = [
        {"record_id": "c1", "child_birth_date": "2024-01-01", "checkup_date": "2026-03-01"},
        {"record_id": "c2", "child_birth_date": "2015-01-01", "checkup_date": "2026-03-01"},
    ]
    write_delivery(tmp_path, "mch.maternal_registration", "M1", mothers, D)
    write_delivery(tmp_path, "mch.child_checkup", "M1", children, D)
    # 36 is fine; 66 and 6 are not; an unreadable birth date is not checked
    assert check_counts(tmp_path, "mch.maternal_registration", "mother_age_plausible", D) == {
        "mother_birth_date": (3, 2)
    }
    # 2 years old is a child; 11 is past the 0-6 programme
    assert check_counts(tmp_path, "mch.child_checkup", "child_age_plausible", D) == {
        "child_birth_date": (2, 1)
    }


def test_failing_rows_are_named_by_record_key_at_most_three(tmp_path: Path) -> None:
    rows = [{"record_id": f"r{i}", "dose_no": 0} for i in (5, 3, 4, 1)] + [
        {"record_id": "r2", "dose_no": 1}
    ]
    write_delivery(tmp_path, "vaccination.dose", "V1", rows, D)
    from quality import sql_checks
    from quality.raw import read_dataset
    from schemas.contracts import contract

    night = read_dataset(tmp_path, contract("vaccination.dose"), D)
    found = sql_checks.run_sql_checks(sql_checks.connect(), night.contract, night.table, ["V1"], D)
    dose = found[found["check_code"] == "dose_no_positive"].iloc[0]
    # four failing doses; the first three keys in key order, the key as the std lake writes it
    assert (dose["checked"], dose["failed"]) == (5, 4)
    assert dose["examples"] == ", ".join(f"vaccination:V1:vaccination.dose:r{i}" for i in (1, 3, 4))


def test_nights_checked_together_count_as_each_night_alone(tmp_path: Path) -> None:
    from quality import sql_checks
    from quality.raw import read_dataset
    from schemas.contracts import contract

    d2 = date(2026, 3, 2)
    # 03-02 23:00 passes night 03-01 (24 h grace) and night 03-02; 03-03 09:00 fails 03-01 only
    for day in (D, d2):
        doses = [
            {"record_id": "a", "dose_no": 0, "vaccinated_at": "2026-03-02T23:00:00+08:00"},
            {"record_id": "b", "dose_no": 1, "vaccinated_at": "2026-03-03T09:00:00+08:00"},
        ]
        write_delivery(tmp_path, "vaccination.dose", "V1", doses, day)
        write_delivery(tmp_path, "vaccination.dose", "V2", doses[1:], day)
    con = sql_checks.connect()
    read = {day: read_dataset(tmp_path, contract("vaccination.dose"), day) for day in (D, d2)}
    orgs = ["V1", "V2", "V3"]
    together = sql_checks.run_sql_checks_nights(
        con, contract("vaccination.dose"), [(day, n.table, orgs) for day, n in read.items()]
    )
    for day, night in read.items():
        alone = sql_checks.run_sql_checks(con, night.contract, night.table, orgs, day)
        pd.testing.assert_frame_equal(together[day], alone)
    future = together[D].set_index(["check_code", "field", "org_code"]).loc["event_not_future"]
    assert future.loc[("vaccinated_at", "V1"), "failed"] == 1  # b, after night 03-01's grace
    assert together[d2].set_index("check_code").loc["event_not_future", "failed"].sum() == 0
