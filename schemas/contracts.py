"""Data contracts: the single declaration of every delivered and standardised dataset.

Each YAML file under ``schemas/sources`` (delivered, per ``spec/SOURCES.md``), ``schemas/std``
(standardised lake tables), ``schemas/ops`` (the load log and quarantine extract writes),
``schemas/mpi`` (the master person index linkage writes) and ``schemas/quality`` (results and held
deliveries) declares one dataset: its version, columns, logical types, required fields, formats,
code sets, primary key and which columns identify a person. Readers, Arrow schemas, quality suites
and the data dictionary (``schemas.dictionary``) are derived from these objects. A change to a
contract is a new ``version``; ``schemas.versions`` keeps every version as a golden file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from kernel.values import timestamp_type

SCHEMA_DIR = Path(__file__).parent

ARROW_TYPES: dict[str, pa.DataType | None] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.float64(),
    "date": pa.date32(),
    "timestamp": None,  # with the city's time zone (kernel.city), resolved when asked
    "boolean": pa.bool_(),
}
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "boolean": "BOOLEAN",
}


class ContractError(ValueError):
    """A contract file is malformed or names something that does not exist."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    pii: bool = False
    format: str | None = None
    code_set: str | None = None
    header: str | None = None  # delivered column name where it differs (checkup's Chinese headers)
    description: str | None = None

    @property
    def delivered_name(self) -> str:
        return self.header or self.name

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type] or timestamp_type()

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Contract:
    dataset: str
    description: str
    grain: str
    columns: tuple[Column, ...]
    version: int = 1
    primary_key: tuple[str, ...] = ()
    delivery: dict[str, Any] = field(default_factory=dict)
    person_mentions: tuple[dict[str, Any], ...] = ()
    references: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.dataset.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.dataset.split(".", 1)[1]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def delivered_names(self) -> list[str]:
        return [c.delivered_name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def pii_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.pii]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.dataset} has no column {name!r}")

    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=not c.required) for c in self.columns]
        )


def read_contract(path: Path) -> Contract:
    """One contract file, parsed and checked; ContractError names the file and the fault."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        columns = tuple(Column(**c) for c in raw["columns"])
        contract = Contract(
            dataset=raw["dataset"],
            version=raw["version"],
            description=raw.get("description", ""),
            grain=raw.get("grain", ""),
            columns=columns,
            primary_key=tuple(raw.get("primary_key", [])),
            delivery=raw.get("delivery", {}),
            person_mentions=tuple(raw.get("person_mentions", [])),
            references=raw.get("references", {}),
        )
    except (KeyError, TypeError) as exc:
        raise ContractError(f"{path.name}: missing or malformed {exc}") from exc
    _check(contract, path)
    return contract


def _check(contract: Contract, path: Path) -> None:
    if not isinstance(contract.version, int) or contract.version < 1:
        raise ContractError(f"{path.name}: version must be a whole number from 1")
    names = contract.column_names
    if len(set(names)) != len(names):
        raise ContractError(f"{path.name}: duplicate column names")
    for key in contract.primary_key:
        if key not in names:
            raise ContractError(f"{path.name}: primary key {key!r} is not a column")
    for col in contract.columns:
        if col.type not in ARROW_TYPES:
            raise ContractError(f"{path.name}: column {col.name} has unknown type {col.type!r}")
        if col.code_set and col.code_set not in code_sets():
            raise ContractError(
                f"{path.name}: column {col.name} names unknown code set {col.code_set!r}"
            )
        if col.format and col.format not in formats():
            raise ContractError(
                f"{path.name}: column {col.name} names unknown format {col.format!r}"
            )


@cache
def code_sets() -> dict[str, dict[str, str]]:
    sets = yaml.safe_load((SCHEMA_DIR / "code_sets.yaml").read_text(encoding="utf-8"))
    return {name: {str(k): str(v) for k, v in codes.items()} for name, codes in sets.items()}


@cache
def formats() -> dict[str, re.Pattern[str]]:
    raw = yaml.safe_load((SCHEMA_DIR / "formats.yaml").read_text(encoding="utf-8"))
    return {name: re.compile(pattern) for name, pattern in raw.items()}


@cache
def _all(layer: str) -> dict[str, Contract]:
    contracts = [read_contract(p) for p in sorted((SCHEMA_DIR / layer).glob("*.yaml"))]
    return {c.dataset: c for c in contracts}


def source_contracts() -> dict[str, Contract]:
    """Every delivered dataset (``schemas/sources``), keyed by ``source.name``."""
    return _all("sources")


def std_contracts() -> dict[str, Contract]:
    """Every standardised lake table (``schemas/std``), keyed by ``std.name``."""
    return _all("std")


def ops_contracts() -> dict[str, Contract]:
    """The extract stage's own tables (``schemas/ops``): ``ops.load_log``, ``ops.quarantine``."""
    return _all("ops")


def stage_contracts() -> dict[str, Contract]:
    """The tables stages hand to each other besides the lake (``schemas/ops``, ``schemas/mpi``,
    ``schemas/quality``): load log, crosswalk, review queue, decisions, audit, results …"""
    return {**_all("ops"), **_all("mpi"), **_all("quality")}


def all_contracts() -> dict[str, Contract]:
    """Every contract of every layer, keyed by dataset name."""
    return {**source_contracts(), **std_contracts(), **stage_contracts()}


def contract(dataset: str) -> Contract:
    """One contract by its dataset name, e.g. ``hospital.patient`` or ``std.person_mention``."""
    found = all_contracts()
    if dataset not in found:
        raise ContractError(f"no contract named {dataset!r}; known: {', '.join(sorted(found))}")
    return found[dataset]


def delivered(source: str) -> list[Contract]:
    """The delivered datasets of one source system (hospital, vaccination, mch, checkup)."""
    return [c for c in source_contracts().values() if c.source == source]


@cache
def crosswalk(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``schemas/crosswalks/<name>.csv`` (e.g. ``vaccine``), as read, in file order."""
    path = SCHEMA_DIR / "crosswalks" / f"{name}.csv"
    if not path.exists():
        raise ContractError(f"no crosswalk named {name!r} in {path.parent}")
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(dict(row) for row in csv.DictReader(handle))
