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
    this_date: dict[Key, dict] = {}
    loaded: dict[tuple[Key, str], dict] = {}
    for path in Layout(data).nights("ops.load_log"):
        logged_on = partition_date(path)
        if logged_on > day:
            continue
        for row in _rows(path):
            key = (row["source"], str(row["dataset"]).split(".")[-1], row["org_code"])
            if logged_on == day:
                this_date[key] = row
            elif row["status"] == "loaded" and row.get("sha256") and row["rows_delivered"]:
                loaded.setdefault((key, row["sha256"]), row)  # logs in date order: first wins
    return Ledger(this_date, loaded)


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
