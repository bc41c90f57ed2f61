"""What earlier runs loaded, from the load logs already in the lake.

Two questions are answered before a delivered file is parsed:

* *Rerun of the same date*: did the earlier run of this date load these very bytes (same
  load_id: same sha256, contract and extract versions)? Then its partitions and log row are
  kept as they are, without parsing again. A changed re-delivery has another sha256 and is
  loaded afresh, replacing the earlier rows; a delivery that was stopped (incomplete, drift)
  is never kept, so a re-delivered file is simply read again.
* *A later night*: was a file with the same sha256 already loaded for this dataset and
  institution on an earlier date? Then it is a duplicate and is not loaded twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from kernel.layout import Layout, partition_date
from pipelines.extract.outcomes import Delivery

KEEPABLE = ("loaded", "empty")  # statuses whose partitions a rerun may keep
Key = tuple[str, str, str]  # (source, dataset name, org_code)


@dataclass(frozen=True)
class Ledger:
    this_date: dict[Key, dict] = field(default_factory=dict)  # the date's earlier log rows
    loaded_before: dict[tuple[Key, str], dict] = field(default_factory=dict)  # (key, sha256)

    def earlier_run(self, d: Delivery) -> dict | None:
        return self.this_date.get(_key(d))

    def first_load(self, d: Delivery, sha256: str) -> dict | None:
        return self.loaded_before.get((_key(d), sha256))


def _key(d: Delivery) -> Key:
    return d.contract.source, d.contract.name, d.org_code


def _rows(path: Path) -> list[dict]:
    try:
        return pq.read_table(path).to_pylist()
    except (OSError, ValueError):  # an unreadable old log keeps nothing, it breaks nothing
        return []


def read_ledger(data: Path, day: date) -> Ledger:
    """Earlier load logs: this date's (a rerun) and every earlier date's loaded files."""
    logs = Layout(data).nights("ops.load_log", through=day)
    this_date = {_log_key(row): row for p in logs if partition_date(p) == day for row in _rows(p)}
    earlier = [p for p in logs if partition_date(p) < day]
    try:
        loaded = _first_loads(earlier)
    except (duckdb.Error, OSError, ValueError):  # an unreadable old log keeps nothing, it
        loaded = _first_loads([p for p in earlier if _readable(p)])  # breaks nothing
    return Ledger(this_date, loaded)


def _log_key(row: dict) -> Key:
    return row["source"], str(row["dataset"]).split(".")[-1], row["org_code"]


def _readable(path: Path) -> bool:
    try:
        pq.read_metadata(path)
    except (OSError, ValueError):
        return False
    return True


def _first_loads(logs: list[Path]) -> dict[tuple[Key, str], dict]:
    """Each loaded file's first log row by (key, sha256), from logs in date order.

    Only file deliveries carry a sha256, a few per cent of a year's log rows: DuckDB finds
    them in one scan (a Python loop over every row of a year of logs took seconds a night).
    """
    if not logs:
        return {}
    with duckdb.connect() as con:
        first = con.sql(
            """SELECT * EXCLUDE (filename, file_row_number)
               FROM read_parquet(?, filename = true, file_row_number = true,
                                 hive_partitioning = false, union_by_name = true)
               WHERE status = 'loaded' AND coalesce(sha256, '') <> ''
                 AND coalesce(rows_delivered, 0) <> 0
               QUALIFY row_number() OVER (
                   PARTITION BY source, split_part(dataset, '.', -1), org_code, sha256
                   ORDER BY filename, file_row_number) = 1""",
            params=[[str(p) for p in logs]],
        ).to_arrow_table()
    schema = pq.read_schema(logs[-1])  # its own types: instants in the city's zone, as written
    rows = first.select(schema.names).cast(schema).to_pylist()
    return {(_log_key(row), row["sha256"]): row for row in rows}


def kept_files(data: Path, earlier: dict) -> dict[str, Path] | None:
    """The partitions an earlier run of the date wrote for one delivery, if all still exist."""
    day, org = earlier["load_date"], earlier["org_code"]
    wanted = {}
    layout = Layout(data)
    if earlier["rows_accepted"]:
        wanted["raw"] = layout.raw_dir(earlier["source"], earlier["dataset"], day)
    if earlier["rows_quarantined"]:
        wanted["quarantine"] = layout.quarantine_dir(earlier["source"], earlier["dataset"], day)
    files = {layer: folder / f"{org}.parquet" for layer, folder in wanted.items()}
    return files if all(p.exists() for p in files.values()) else None
