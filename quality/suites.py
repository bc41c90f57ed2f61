"""Great Expectations suites generated from the source contracts, never written per table.

A contract says which columns are required, which carry a named format or a code set, and what
the primary key is; each of those becomes one expectation, tagged (in ``meta``) with the
registry check it implements so that its result maps back to a row of ``quality.result``.
Types are checked on the Arrow schema instead (``quality.raw``): GE 1.24's pandas type
expectation cannot name pandas 3's ``str`` or tz-aware timestamp dtypes.

Nothing here imports Great Expectations until ``build_suite`` is called.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from quality.raw import ORG
from quality.registry import checks, threshold
from schemas.contracts import Contract, code_sets, formats

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite


@dataclass(frozen=True)
class ExpectationSpec:
    """One generated expectation: the registry check it implements and the GE call."""

    check_code: str
    field: str  # "" for a table- or row-level expectation
    expectation: str  # GE snake-case name, e.g. expect_column_values_to_not_be_null
    kwargs: dict[str, Any] = field(default_factory=dict)


def _mostly(contract: Contract, field_name: str, check_code: str) -> dict[str, float]:
    """GE's own pass mark matches the threshold, so Data Docs agree with quality.result."""
    share = threshold(contract.dataset, field_name, check_code) / 100
    return {"mostly": 1 - share} if share > 0 else {}


def _spec(check_code: str, field_name: str, **kwargs: Any) -> ExpectationSpec:
    return ExpectationSpec(check_code, field_name, checks()[check_code].expectation or "", kwargs)


def _code_values(contract: Contract, column: str) -> list[Any]:
    col = contract.column(column)
    codes = list(code_sets()[col.code_set or ""])
    return [int(c) for c in codes] if col.type == "integer" else codes


def _key_specs(contract: Contract) -> list[ExpectationSpec]:
    """Keys are unique within one institution only, so the org is part of the key; a version
    column, where the contract has one, tells re-sent versions of a record apart."""
    key = [ORG, *contract.primary_key]
    candidates = checks()["primary_key_unique"].params.get("version_columns", [])
    version = next((c for c in candidates if c in contract.column_names), None)
    if version is None:
        return [_spec("primary_key_unique", "", column_list=key)]
    return [
        _spec("primary_key_unique", "", column_list=[*key, version]),
        _spec("primary_key_single_version", "", column_list=key),
    ]


def suite_spec(contract: Contract, expected_rows: int | None = None) -> list[ExpectationSpec]:
    """The expectations a contract implies; a row count one only when the load log gives it."""
    specs = []
    for col in contract.columns:
        if col.required:
            mostly = _mostly(contract, col.name, "required_not_null")
            specs.append(_spec("required_not_null", col.name, column=col.name, **mostly))
        if col.format and col.type == "string":
            mostly = _mostly(contract, col.name, "format_conforms")
            regex = formats()[col.format].pattern
            specs.append(_spec("format_conforms", col.name, column=col.name, regex=regex, **mostly))
        if col.code_set:
            mostly = _mostly(contract, col.name, "code_set_conforms")
            values = _code_values(contract, col.name)
            specs.append(
                _spec("code_set_conforms", col.name, column=col.name, value_set=values, **mostly)
            )
    if contract.primary_key:
        specs += _key_specs(contract)
    if expected_rows is not None:
        specs.append(_spec("row_count_matches_load_log", "", value=int(expected_rows)))
    return specs


def import_gx() -> ModuleType:
    """Import GE with its loggers quietened (it logs ~200 INFO lines under Airflow).

    Quietened before the import, as STACK-NOTES says, and again after it: some GE modules set
    their own logger to INFO when imported.
    """
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    for name, logger in logging.root.manager.loggerDict.items():
        ours = name.startswith("great_expectations.") and isinstance(logger, logging.Logger)
        if ours and 0 < logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
    return gx


def expectation_class_name(snake: str) -> str:
    """expect_column_values_to_not_be_null → ExpectColumnValuesToNotBeNull."""
    return "".join(part.capitalize() for part in snake.split("_"))


def build_suite(contract: Contract, specs: list[ExpectationSpec]) -> ExpectationSuite:
    """A GE ExpectationSuite named after the dataset, one expectation per spec."""
    gx = import_gx()
    import great_expectations.expectations as gxe

    expectations = [
        getattr(gxe, expectation_class_name(spec.expectation))(
            **spec.kwargs, meta={"check_code": spec.check_code, "field": spec.field}
        )
        for spec in specs
    ]
    # passed to the constructor: add_expectation would need an active data context
    return gx.ExpectationSuite(name=contract.dataset, expectations=expectations)
