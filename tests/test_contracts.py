"""The contracts in schemas/ agree with the published source interface (spec/SOURCES.md)."""

from __future__ import annotations

import re

import pytest

from schemas.contracts import Contract, ContractError, contract, source_contracts, std_contracts
from tests.support import SHARED_SPEC, requires_shared_spec

SPEC = SHARED_SPEC / "SOURCES.md"


def test_every_contract_parses_and_names_known_code_sets() -> None:
    assert len(source_contracts()) >= 14
    assert "std.person_mention" in std_contracts()


def test_unknown_contract_is_a_clear_error() -> None:
    with pytest.raises(ContractError, match="no contract named"):
        contract("hospital.nonexistent")


def _spec_columns(table: str) -> list[str]:
    """Column names of one hospital table row in SOURCES.md's table (backticked names)."""
    text = SPEC.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"| `{table}` |"))
    cell = re.sub(r"\([^)]*\)", "", row.split("|")[3]).replace("`", "")
    return [name.strip() for name in cell.split(",")]


@requires_shared_spec
@pytest.mark.parametrize(
    "table", ["patient", "encounter", "diagnosis", "prescription", "lab_result", "exam_report"]
)
def test_hospital_contracts_follow_the_spec(table: str) -> None:
    spec_cols = _spec_columns(table)
    found: Contract = contract(f"hospital.{table}")
    assert found.column_names[0] == found.primary_key[0]
    assert found.column_names[1:] == spec_cols


@requires_shared_spec
def test_checkup_headers_follow_the_spec() -> None:
    text = SPEC.read_text(encoding="utf-8")
    block = text.split("`checkup/<D>/<org_code>.csv`")[1].split("header:")[1]
    header_text = block.split("`")[1]  # the first backticked run after "header:"
    spec_headers = [h.strip() for h in header_text.split(",")]
    assert contract("checkup.visit").delivered_names == spec_headers


def _names(cell: str) -> list[str]:
    """Comma-separated backticked names with their (explanations) dropped."""
    cell = re.sub(r"\([^)]*\)", "", cell).replace("`", "")
    return [name.strip(" .\n") for name in cell.split(",") if name.strip(" .\n")]


@requires_shared_spec
def test_vaccination_contract_follows_the_spec() -> None:
    text = SPEC.read_text(encoding="utf-8")
    block = text.split("administered or voided dose:")[1].split("A record that was voided")[0]
    assert contract("vaccination.dose").column_names == _names(block)


@requires_shared_spec
@pytest.mark.parametrize(
    "record_type",
    ["maternal_registration", "prenatal_visit", "delivery", "postpartum_visit", "child_checkup"],
)
def test_mch_contracts_follow_the_spec(record_type: str) -> None:
    text = SPEC.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"| `{record_type}`"))
    beyond = _names(row.split("|")[2])
    found = contract(f"mch.{record_type}").column_names
    assert found == ["record_id", "org_code", *beyond, "exported_at"]
