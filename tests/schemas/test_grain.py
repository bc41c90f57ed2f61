"""Every standardised and stage table holds its grain: the primary key its contract declares is
unique and never null in every nightly partition, on a simulated city run through the pipeline.

Generated from the contracts (``schemas/std``, ``schemas/ops``, ``schemas/mpi``,
``schemas/quality``): a new table is tested as soon as it is declared.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from kernel.layout import NIGHTLY, Layout
from kernel.sql import parquet_sql, quote_name
from schemas.contracts import Contract, stage_contracts, std_contracts

# Stage tables the nightly run does not write as Parquet partitions: reviewers' decisions are
# CSV files validated on entry (matching.decisions); the quarantine keeps every rejected row.
NOT_NIGHTLY = {"mpi.decision": "CSV, validated by review apply", "ops.quarantine": "no key"}
TABLES = sorted({**std_contracts(), **stage_contracts()}.items())


def _partitions(layout: Layout, spec: Contract) -> list[Path]:
    if spec.dataset.startswith("std."):
        return layout.std_files(spec.name)
    return layout.nights(spec.dataset)


@pytest.mark.parametrize(("dataset", "spec"), TABLES, ids=[d for d, _ in TABLES])
def test_the_primary_key_is_unique_and_filled(
    small_city: tuple[Path, Path], dataset: str, spec: Contract
) -> None:
    if dataset in NOT_NIGHTLY:
        assert not spec.primary_key or dataset not in NIGHTLY, NOT_NIGHTLY[dataset]
        return
    assert spec.primary_key, f"{dataset} declares no primary key"
    partitions = _partitions(Layout(small_city[1]), spec)
    assert partitions, f"the city wrote no {dataset}"
    key = ", ".join(quote_name(k) for k in spec.primary_key)
    filled = " AND ".join(f"{quote_name(k)} IS NOT NULL" for k in spec.primary_key)
    con = duckdb.connect()
    for path in partitions:
        rows, distinct, complete = con.execute(f"""
            SELECT count(*), count(DISTINCT ({key})), count(*) FILTER (WHERE {filled})
            FROM ({parquet_sql([path])})""").fetchone()
        assert rows == distinct == complete, f"{path}: {rows} rows, {distinct} keys, {complete}"
