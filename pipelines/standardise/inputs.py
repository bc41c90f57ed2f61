"""What standardisation reads for night D: raw partitions (minus held-back deliveries) and
the district names of the reference population table."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kernel.layout import Layout
from schemas.contracts import Contract
from schemas.tables import lineage_schema

log = logging.getLogger(__name__)
ORG = "org_code"  # the delivering institution: the raw file's name


@dataclass
class Held:
    """Deliveries a fatal quality check held back for night D, and what was skipped."""

    keys: frozenset[tuple[str, str, str]] = frozenset()  # (source, dataset name, org_code)
    skipped: list[tuple[str, str, str, int]] = field(default_factory=list)  # … plus rows

    def holds(self, contract: Contract, org_code: str) -> bool:
        return (contract.source, contract.name, org_code) in self.keys


def read_held(data: Path, day: date) -> Held:
    """``quality.held_deliveries``: (source, dataset, org_code, reason); dataset as 'patient' or
    'hospital.patient'. No file means nothing is held."""
    path = Layout(data).night("quality.held_deliveries", day)
    if not path.exists():
        return Held()
    rows = pq.read_table(path, columns=["source", "dataset", "org_code"]).to_pylist()
    return Held(
        frozenset((r["source"], str(r["dataset"]).split(".")[-1], str(r["org_code"])) for r in rows)
    )


def read_raw(data: Path, contract: Contract, day: date, held: Held) -> pa.Table:
    """All institutions' raw rows of one dataset for ``day``, with ``org_code`` from the file
    name; held deliveries are left out and recorded in ``held.skipped``."""
    folder = Layout(data).raw_dir(contract.source, contract.name, day)
    parts = []
    for path in sorted(folder.glob("*.parquet")):
        org_code = path.stem
        table = pq.ParquetFile(path).read()  # per file: lighter than read_table (a dataset)
        if held.holds(contract, org_code):
            held.skipped.append((contract.source, contract.name, org_code, table.num_rows))
            log.info(
                "standardise %s %s/%s held back: %d rows skipped",
                day,
                contract.dataset,
                org_code,
                table.num_rows,
            )
            continue
        if ORG in table.column_names:  # MCH and vaccination rows carry their own org_code
            table = table.drop_columns([ORG])
        parts.append(table.append_column(ORG, pa.array([org_code] * table.num_rows, pa.string())))
    if not parts:
        return _empty(contract)
    return pa.concat_tables(parts, promote_options="permissive")


def _empty(contract: Contract) -> pa.Table:
    fields = [f for f in contract.arrow_schema() if f.name != ORG]
    return pa.schema([*fields, *lineage_schema(), (ORG, pa.string())]).empty_table()


def district_names(data: Path) -> dict[str, str]:
    """District name → GB/T 2260 code, from the reference population landed by the reference
    step (``pipelines.extract.reference``); empty (no district codes) if it is not there."""
    path = Layout(data).reference("population")
    if not path.exists():
        log.warning("no reference population in the lake: district_code left null")
        return {}
    table = pq.read_table(path, columns=["district_code", "district_name"]).to_pylist()
    return {r["district_name"]: r["district_code"] for r in table if r["district_name"]}
