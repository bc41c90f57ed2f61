"""The check registry (``checks.yaml``) and the thresholds (``thresholds.csv``), read as data.

A threshold is the largest share of checked rows, in percent, that may fail before the check
is marked not passed; a not-passed ``fatal`` check holds the org's delivery back. The most
specific threshold row wins: (dataset, field), then (dataset, *), then (*, field), then (*, *).

Two engines run SQL templates: ``sql`` over one night's raw deliveries (validate stage, before
standardise) and ``lake`` over the standardised lake and the MPI (check stage, after link).
A ``lake`` check can never be fatal: by the time it runs the delivery is already in the lake.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from schemas.contracts import Contract, ContractError, code_sets, contract, source_contracts

QUALITY_DIR = Path(__file__).parent
CHECKS_FILE = QUALITY_DIR / "checks.yaml"
THRESHOLDS_FILE = QUALITY_DIR / "thresholds.csv"
SQL_DIR = QUALITY_DIR / "sql"

DIMENSIONS = tuple(code_sets()["quality_dimension"])  # report order: Kahn's, then identity
SEVERITIES = frozenset(code_sets()["quality_severity"])
ENGINES = frozenset({"gx", "schema", "load_log", "sql", "lake"})
TEMPLATE_ENGINES = frozenset({"sql", "lake"})
# target parameters that name a column of the target's dataset (validated against its contract)
COLUMN_PARAMS = ("later", "arrival", "birth", "event", "height", "weight", "code_field", "flag",
                 "ref_range", "conflict")  # fmt: skip
ANY = "*"


class RegistryError(ValueError):
    """checks.yaml or thresholds.csv is malformed."""


@dataclass(frozen=True)
class Check:
    check_code: str
    dimension: str
    severity: str
    engine: str
    description: str
    advice: str = ""  # what an institution failing this check should fix (report text)
    template: str | None = None
    expectation: str | None = None
    targets: tuple[dict[str, Any], ...] = ()
    applies_to: dict[str, list[str]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)  # check-wide template parameters


@dataclass(frozen=True)
class Target:
    """One place a SQL check applies: a dataset, a field and the template's parameters."""

    check: Check
    dataset: str
    field: str
    params: dict[str, Any]

    @property
    def result_field(self) -> str:
        """The ``field`` of quality.result: the column, with the code when the target is one
        code of a coded column (``value[HGB]``: haemoglobin results of ``lab_result.value``)."""
        code = self.params.get("code")
        return f"{self.field}[{code}]" if code is not None else self.field


_CHECK_KEYS = {f for f in Check.__dataclass_fields__ if f != "params"}


def _parse_check(raw: dict[str, Any]) -> Check:
    known = {k: v for k, v in raw.items() if k in _CHECK_KEYS}
    params = {k: v for k, v in raw.items() if k not in _CHECK_KEYS}
    known["targets"] = tuple(known.get("targets", ()))
    check = Check(**known, params=params)
    if check.dimension not in DIMENSIONS:
        raise RegistryError(f"{check.check_code}: unknown dimension {check.dimension!r}")
    if check.severity not in SEVERITIES:
        raise RegistryError(f"{check.check_code}: unknown severity {check.severity!r}")
    if check.engine not in ENGINES:
        raise RegistryError(f"{check.check_code}: unknown engine {check.engine!r}")
    if check.engine in TEMPLATE_ENGINES and not (SQL_DIR / f"{check.template}.sql").exists():
        raise RegistryError(f"{check.check_code}: no template quality/sql/{check.template}.sql")
    if check.engine == "lake" and check.severity == "fatal":
        raise RegistryError(f"{check.check_code}: a lake check runs after standardise: not fatal")
    return check


@cache
def checks() -> dict[str, Check]:
    """Every registered check, keyed by check_code, in registry order."""
    raw = yaml.safe_load(CHECKS_FILE.read_text(encoding="utf-8"))["checks"]
    parsed = [_parse_check(entry) for entry in raw]
    found = {c.check_code: c for c in parsed}
    if len(found) != len(parsed):
        raise RegistryError("checks.yaml: duplicate check_code")
    return found


@cache
def thresholds() -> dict[tuple[str, str, str], float]:
    """(dataset, field, check_code) → largest tolerated failing share, in percent."""
    with THRESHOLDS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {(r["dataset"], r["field"], r["check_code"]): float(r["threshold"]) for r in rows}
    unknown = {code for _, _, code in found} - set(checks())
    if unknown:
        raise RegistryError(f"thresholds.csv names unknown checks: {sorted(unknown)}")
    return found


def threshold(dataset: str, field_name: str, check_code: str) -> float:
    """The threshold of one check on one field of one dataset (full name, e.g. hospital.patient)."""
    table = thresholds()
    for key in ((dataset, field_name), (dataset, ANY), (ANY, field_name), (ANY, ANY)):
        if (*key, check_code) in table:
            return table[(*key, check_code)]
    raise RegistryError(f"thresholds.csv has no default row (*, *, {check_code})")


@cache
def _templates() -> jinja2.Environment:
    # loaded by name, so Jinja compiles each template once (from_string compiled it on every
    # use: a fifth of a validate run's time went to compiling the same templates again)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(SQL_DIR), undefined=jinja2.StrictUndefined, autoescape=False
    )


def render_template(name: str, **values: Any) -> str:
    """SQL template ``quality/sql/<name>.sql`` filled in with ``values``."""
    return _templates().get_template(f"{name}.sql").render(**values)


def _selected(contract: Contract, selector: dict[str, list[str]]) -> Iterator[str]:
    types, fmts = set(selector.get("type", ())), set(selector.get("format", ()))
    for col in contract.columns:
        if col.type in types or (col.format is not None and col.format in fmts):
            yield col.name


def targets(check: Check, contract: Contract) -> list[Target]:
    """Where a SQL check applies in one dataset: its listed targets plus its selector's columns."""
    found = [
        Target(check, contract.dataset, t["field"], {**check.params, **t})
        for t in check.targets
        if t["dataset"] == contract.dataset
    ]
    if check.applies_to:
        found += [
            Target(check, contract.dataset, name, dict(check.params))
            for name in _selected(contract, check.applies_to)
        ]
    return found


def lake_targets() -> list[Target]:
    """Every target of every ``lake`` check, in registry order."""
    return [
        Target(check, t["dataset"], t["field"], {**check.params, **t})
        for check in checks().values()
        if check.engine == "lake"
        for t in check.targets
    ]


def _target_contract(check: Check, dataset: str) -> Contract:
    """The contract a target names: a delivered dataset for ``sql``, a std table for ``lake``."""
    layer_ok = dataset in source_contracts() if check.engine == "sql" else dataset[:4] == "std."
    try:
        found = contract(dataset)
    except ContractError:
        layer_ok = False
    if not layer_ok:
        raise RegistryError(f"{check.check_code}: unknown dataset {dataset!r} for its engine")
    return found


def validate_registry() -> None:
    """Fail if a target names an unknown dataset or field, a check lacks a default threshold,
    or two targets of a check would write the same quality.result row."""
    for check in checks().values():
        threshold(ANY, ANY, check.check_code)
        seen: set[tuple[str, str]] = set()
        for t in check.targets:
            names = _target_contract(check, t["dataset"]).column_names
            fields = [*t["field"].split(","), *(t[k] for k in COLUMN_PARAMS if k in t)]
            for name in fields:
                if name not in names:
                    raise RegistryError(f"{check.check_code}: {t['dataset']} has no {name!r}")
            row = (t["dataset"], Target(check, t["dataset"], t["field"], t).result_field)
            if row in seen:
                raise RegistryError(f"{check.check_code}: two targets write {row}")
            seen.add(row)
