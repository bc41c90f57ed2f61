"""The registry and thresholds are data; the gate reads them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from quality import registry, results
from quality.registry import checks, targets, threshold, validate_registry
from schemas.contracts import contract

D = date(2026, 3, 1)


def test_registry_is_consistent_with_the_contracts_and_thresholds() -> None:
    validate_registry()  # raises on an unknown dataset, field, template or a missing default
    for check in checks().values():
        assert check.dimension in registry.DIMENSIONS
        assert 0 <= threshold("*", "*", check.check_code) <= 100


def test_most_specific_threshold_wins() -> None:
    # (*, id_no) is 10 %; the default for format_conforms is 5 %
    assert threshold("hospital.patient", "id_no", "format_conforms") == 10
    assert threshold("hospital.patient", "phone", "format_conforms") == 5


def test_selector_targets_follow_the_contract() -> None:
    fields = {t.field for t in targets(checks()["event_not_future"], contract("checkup.visit"))}
    # date-typed, timestamp-typed and date-formatted text columns of checkup.visit
    assert fields == {"birth_date", "exam_date", "exported_at"}
    id_fields = {t.field for t in targets(checks()["id_no_valid"], contract("vaccination.dose"))}
    assert id_fields == {"recipient_id_no", "guardian_id_no"}


def _counts(rows: list[tuple[str, str, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=results.COUNT_COLUMNS)


def test_only_failed_fatal_checks_hold_a_delivery() -> None:
    counts = _counts([
        ("H1", "required_not_null", "name", 100, 5),  # 5 % ≤ 5 %: passes
        ("H2", "required_not_null", "name", 100, 6),  # 6 % > 5 %: holds H2
        ("H3", "primary_key_unique", "", 100, 2),  # any duplicate holds H3
        ("H4", "code_set_conforms", "sex_code", 10, 10),  # warn: never holds
        ("H5", "row_count_matches_load_log", "", 0, 0),  # nothing delivered, nothing logged
    ])  # fmt: skip
    described = results.describe(counts, contract("hospital.patient"), D)
    assert described.set_index("org_code")["passed"].to_dict() == {
        "H1": True, "H2": False, "H3": False, "H4": False, "H5": True,
    }  # fmt: skip
    held = results.held_deliveries(results.finalise([described])).to_pandas()
    assert held[["source", "dataset", "org_code"]].values.tolist() == [
        ["hospital", "patient", "H2"], ["hospital", "patient", "H3"],
    ]  # fmt: skip
    assert (
        held.loc[held["org_code"] == "H2", "reason"].item()
        == "required_not_null[name]: 6/100 failed"
    )


def test_a_check_after_link_cannot_be_fatal() -> None:
    # by then the delivery is standardised and linked: there is nothing left to hold back
    raw = {"check_code": "x", "dimension": "identity", "severity": "fatal", "engine": "lake",
           "template": "mention_linked", "description": "x"}  # fmt: skip
    with pytest.raises(registry.RegistryError, match="not fatal"):
        registry._parse_check(raw)
    assert registry._parse_check({**raw, "severity": "warn"}).engine == "lake"


def test_every_check_tells_institutions_what_to_fix_and_lake_checks_target_std_tables() -> None:
    for check in checks().values():
        assert check.advice, check.check_code  # the report's 整改要求 come from here
    lake = registry.lake_targets()
    assert lake and all(t.dataset.startswith("std.") for t in lake)
    # a coded target writes its code into quality.result's field
    lab = targets(checks()["lab_value_range"], contract("hospital.lab_result"))
    assert "value[HGB]" in {t.result_field for t in lab}


def test_a_target_on_the_wrong_layer_is_refused() -> None:
    check = registry._parse_check({
        "check_code": "x", "dimension": "conformance", "severity": "warn", "engine": "lake",
        "template": "encounter_delivered", "description": "x",
    })  # fmt: skip
    with pytest.raises(registry.RegistryError, match="unknown dataset"):
        registry._target_contract(check, "hospital.diagnosis")  # raw, not std
