"""``extract_date``: land every delivery of night D in the raw lake, atomically and repeatably.

All partitions of the date are built in a scratch folder under ``lake/`` and then swapped into
place with ``lake.replace_dir``; the load log is written last, so its presence means the night's
extract finished. Rerunning a date replaces its partitions: a partition an earlier run wrote
but this run has nothing for is removed.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import lake
from pipelines.extract.deliveries import (
    expected_orgs,
    file_outcomes,
    hospital_outcomes,
    institutions,
)
from pipelines.extract.landing import LOAD_LOG_SCHEMA, Outcome
from schemas.contracts import source_contracts

log = logging.getLogger(__name__)
SYSTEMS = ("hospital", "vaccination", "mch", "checkup")


@dataclass(frozen=True)
class ExtractSummary:
    day: date
    load_log: Path
    deliveries: int
    rows_delivered: int
    rows_accepted: int
    rows_quarantined: int
    by_status: dict[str, int] = field(default_factory=dict)


def extract_date(sources: Path, data: Path, day: date) -> ExtractSummary:
    """Read what SOURCES.md defines for ``day`` under ``sources`` and land it under ``data``."""
    sources, data = Path(sources), Path(data)
    orgs = institutions(sources)
    by_system = {s: expected_orgs(orgs, s) for s in SYSTEMS}
    outcomes = [
        *hospital_outcomes(sources, day, by_system["hospital"]),
        *file_outcomes(sources, day, by_system),
    ]
    for o in outcomes:
        log.info(
            "extract %s %s %s/%s: %s accepted=%d quarantined=%d",
            day,
            o.delivery.contract.dataset,
            o.delivery.org_code,
            o.status,
            o.message or "-",
            o.rows_accepted,
            o.rows_quarantined,
        )
    _publish(data, day, outcomes)
    return _summary(data, day, outcomes)


def _publish(data: Path, day: date, outcomes: list[Outcome]) -> None:
    build = data / "lake" / f".extract-{day.isoformat()}-{uuid.uuid4().hex[:8]}"
    try:
        for o in outcomes:
            _write_parts(build, o)
        for c in source_contracts().values():
            if c.source not in SYSTEMS:  # reference data is landed by publish.reference
                continue
            for layer, final in (
                ("raw", lake.raw_dir(data, c.source, c.name, day)),
                ("quarantine", lake.quarantine_dir(data, c.source, c.name, day)),
            ):
                _swap(build / layer / c.source / c.name, final)
        rows = [o.log_row() for o in outcomes]
        lake.write_parquet(
            pa.Table.from_pylist(rows, schema=LOAD_LOG_SCHEMA), lake.load_log_path(data, day)
        )
    finally:
        shutil.rmtree(build, ignore_errors=True)


def _write_parts(build: Path, o: Outcome) -> None:
    c = o.delivery.contract
    for layer, table in (("raw", o.accepted), ("quarantine", o.quarantined)):
        if table is not None and table.num_rows:
            path = build / layer / c.source / c.name / f"{o.delivery.org_code}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path, compression="zstd")


def _swap(built: Path, final: Path) -> None:
    if built.exists():
        lake.replace_dir(final, built)
    elif final.exists():  # an earlier run of this date wrote it; this one has nothing
        shutil.rmtree(final)


def _summary(data: Path, day: date, outcomes: list[Outcome]) -> ExtractSummary:
    accepted = sum(o.rows_accepted for o in outcomes)
    quarantined = sum(o.rows_quarantined for o in outcomes)
    return ExtractSummary(
        day=day,
        load_log=lake.load_log_path(data, day),
        deliveries=len(outcomes),
        rows_delivered=accepted + quarantined,
        rows_accepted=accepted,
        rows_quarantined=quarantined,
        by_status=dict(Counter(o.status for o in outcomes)),
    )
