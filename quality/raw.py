"""One night's raw deliveries of one dataset, read for validation.

Extract writes ``Layout.raw_dir(source, name, D)/<org_code>.parquet`` per delivery. Here
all orgs of a dataset are read into one Arrow table (plus a ``delivery_org_code`` column, the
org whose file a row came from) so that validation runs once per dataset, not per org. A file
whose columns do not match its contract is kept out of that table and reported instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kernel.layout import Layout
from schemas.contracts import Contract

log = logging.getLogger(__name__)

ORG = "delivery_org_code"
NIGHT_SEP = "|"  # a batch of nights counts per "<night>|<org>" (``night_orgs``, ``by_night``)


@dataclass
class DatasetNight:
    """All deliveries of one dataset for one night."""

    contract: Contract
    table: pa.Table  # conforming deliveries, contract columns + ORG
    raw_rows: dict[str, int] = field(default_factory=dict)  # org → rows in its raw file
    bad_columns: dict[str, list[str]] = field(default_factory=dict)  # org → misfit columns

    @property
    def orgs(self) -> list[str]:
        return sorted(self.raw_rows)


def dataset_dir(data: Path, contract: Contract, day: date) -> Path:
    return Layout(data).raw_dir(contract.source, contract.name, day)


def _type_conforms(actual: pa.DataType, expected: pa.DataType) -> bool:
    """True if ``actual`` casts losslessly enough to the contract type (any tz, width, view)."""
    if actual == expected or pa.types.is_null(actual):
        return True
    if pa.types.is_timestamp(expected):
        return pa.types.is_timestamp(actual) and actual.tz is not None
    if pa.types.is_integer(expected):
        return pa.types.is_integer(actual)
    if pa.types.is_floating(expected):
        return pa.types.is_floating(actual) or pa.types.is_integer(actual)
    if pa.types.is_string(expected):
        return (
            pa.types.is_string(actual)
            or pa.types.is_large_string(actual)
            or (pa.types.is_string_view(actual))
        )
    if pa.types.is_date(expected):
        return pa.types.is_date(actual)
    return False


def misfit_columns(schema: pa.Schema, contract: Contract) -> list[str]:
    """Contract columns a delivered file lacks or carries with an incompatible type."""
    present = {f.name: f.type for f in schema}
    return [
        col.name
        for col in contract.columns
        if col.name not in present or not _type_conforms(present[col.name], col.arrow_type)
    ]


def _conform(table: pa.Table, contract: Contract, org_code: str) -> pa.Table:
    schema = pa.schema([pa.field(c.name, c.arrow_type) for c in contract.columns])
    typed = table.select(contract.column_names).cast(schema)
    return typed.append_column(ORG, pa.array([org_code] * typed.num_rows, pa.string()))


def empty_table(contract: Contract) -> pa.Table:
    fields = [pa.field(c.name, c.arrow_type) for c in contract.columns]
    return pa.schema([*fields, pa.field(ORG, pa.string())]).empty_table()


def read_dataset(data: Path, contract: Contract, day: date) -> DatasetNight:
    """Read every org's raw file of one dataset for night ``day``."""
    night = DatasetNight(contract, empty_table(contract))
    parts = []
    for path in sorted(dataset_dir(data, contract, day).glob("*.parquet")):
        org_code = path.stem
        table = pq.ParquetFile(path).read()  # per file: lighter than read_table (a dataset)
        night.raw_rows[org_code] = table.num_rows
        misfits = misfit_columns(table.schema, contract)
        if misfits:
            night.bad_columns[org_code] = misfits
            log.warning(
                "%s/%s: %d misfit columns %s", contract.dataset, org_code, len(misfits), misfits
            )
            continue
        parts.append(_conform(table, contract, org_code))
    if parts:
        night.table = pa.concat_tables(parts)
    return night


def night_orgs(day: date, orgs: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Each row's org as ``<night>|<org>``: the group a batch of nights counts by, so that
    counts per org become counts per night and org."""
    return pc.binary_join_element_wise(str(day), orgs, NIGHT_SEP)


def night_org(day: date, org: str) -> str:
    return f"{day}{NIGHT_SEP}{org}"


def by_night(counts: pd.DataFrame, days: list[date]) -> dict[date, pd.DataFrame]:
    """Counts whose ``org_code`` is ``<night>|<org>`` → each night's counts, by org."""
    night, _, org = (counts["org_code"].str.partition(NIGHT_SEP)[i].to_numpy() for i in range(3))
    counts = counts.assign(org_code=org)
    return {day: counts[night == str(day)].reset_index(drop=True) for day in days}
