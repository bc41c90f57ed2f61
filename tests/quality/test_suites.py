"""The suite generator turns a contract into exactly the expectations the contract implies."""

from __future__ import annotations

from quality.raw import ORG
from quality.suites import build_suite, suite_spec
from schemas.contracts import contract, formats

NOT_NULL = "expect_column_values_to_not_be_null"
REGEX = "expect_column_values_to_match_regex"
IN_SET = "expect_column_values_to_be_in_set"
UNIQUE = "expect_compound_columns_to_be_unique"


def test_patient_contract_gives_one_expectation_per_rule() -> None:
    specs = suite_spec(contract("hospital.patient"), expected_rows=7)
    # required: patient_id, name, updated_at; formats: id_no, birth_date, phone;
    # code sets: id_type, sex_code; key: patient_id per org and version (updated_at), and
    # patient_id per org alone; rows: the load log's 7
    assert [(s.check_code, s.field, s.expectation) for s in specs] == [
        ("required_not_null", "patient_id", NOT_NULL),
        ("code_set_conforms", "id_type", IN_SET),
        ("format_conforms", "id_no", REGEX),
        ("required_not_null", "name", NOT_NULL),
        ("code_set_conforms", "sex_code", IN_SET),
        ("format_conforms", "birth_date", REGEX),
        ("format_conforms", "phone", REGEX),
        ("required_not_null", "updated_at", NOT_NULL),
        ("primary_key_unique", "", UNIQUE),
        ("primary_key_single_version", "", UNIQUE),
        ("row_count_matches_load_log", "", "expect_table_row_count_to_equal"),
    ]
    by_field = {(s.check_code, s.field): s.kwargs for s in specs}
    assert by_field[("format_conforms", "id_no")] == {
        "column": "id_no", "regex": formats()["id_no"].pattern, "mostly": 0.9,  # 10 % threshold
    }  # fmt: skip
    assert by_field[("code_set_conforms", "sex_code")]["value_set"] == ["0", "1", "2", "9"]
    # a re-sent version (later updated_at) is no duplicate; the same key at the same version is
    assert by_field[("primary_key_unique", "")] == {
        "column_list": [ORG, "patient_id", "updated_at"]
    }
    assert by_field[("primary_key_single_version", "")] == {"column_list": [ORG, "patient_id"]}
    assert by_field[("required_not_null", "name")] == {"column": "name", "mostly": 0.95}


def test_integer_code_sets_and_missing_load_log() -> None:
    specs = suite_spec(contract("hospital.diagnosis"))
    is_primary = next(s for s in specs if s.field == "is_primary")
    assert is_primary.kwargs["value_set"] == [0, 1]
    assert not any(s.check_code == "row_count_matches_load_log" for s in specs)


def test_file_deliveries_are_versioned_by_exported_at() -> None:
    specs = {s.check_code: s.kwargs for s in suite_spec(contract("vaccination.dose"))}
    assert specs["primary_key_unique"] == {"column_list": [ORG, "record_id", "exported_at"]}


def test_a_contract_without_key_gets_no_uniqueness_expectation() -> None:
    specs = suite_spec(contract("hospital.deleted_rows"))
    assert {s.check_code for s in specs} == {"required_not_null"}


def test_build_suite_makes_ge_expectations_tagged_with_their_check() -> None:
    c = contract("mch.delivery")
    specs = suite_spec(c, expected_rows=3)
    suite = build_suite(c, specs)
    assert suite.name == "mch.delivery"
    built = [
        (e.expectation_type, e.meta["check_code"], e.meta["field"]) for e in suite.expectations
    ]
    assert built == [(s.expectation, s.check_code, s.field) for s in specs]
