"""``extract_date``: land every delivery of night D in the raw lake, atomically and repeatably.

Deliveries are read one by one (cheap: bytes, a query), landed per dataset in one pass
(``landing``), then every partition of the date is built in a scratch folder under ``lake/``
and swapped into place with ``kernel.atomic.replace_dir``; the load log is written last, so its
presence means the night's extract finished. Rerunning a date replaces its partitions: a
partition an earlier run wrote but this run has nothing for is removed, and a file whose bytes
the earlier run already loaded is kept as it was instead of being parsed again.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kernel.atomic import replace_dir, write_parquet
from kernel.layout import Layout
from pipelines.extract.deliveries import (
    Item,
    expected_orgs,
    file_items,
    hospital_items,
    institutions,
)
from pipelines.extract.frontend import frontend_cut
from pipelines.extract.landing import land_dataset
from pipelines.extract.ledger import Ledger, read_ledger
from pipelines.extract.marks import State, advance, read_state, write_state
from pipelines.extract.outcomes import LOAD_LOG_SCHEMA, Outcome, Received, fault
from schemas.contracts import source_contracts

log = logging.getLogger(__name__)
SYSTEMS = ("hospital", "vaccination", "mch", "checkup")
STOPPED = ("drift", "incomplete", "duplicate")
SMALL_PARTITION = 5_000  # rows


@dataclass(frozen=True)
class ExtractSummary:
    day: date
    load_log: Path
    deliveries: int
    rows_delivered: int
    rows_accepted: int
    rows_quarantined: int
    by_status: dict[str, int] = field(default_factory=dict)
    kept: int = 0  # deliveries an earlier run of the date had loaded from the same bytes


def extract_date(sources: Path, data: Path, day: date, *, reload: bool = False) -> ExtractSummary:
    """Read what SOURCES.md defines for ``day`` under ``sources`` and land it under ``data``.

    ``reload`` parses every file again even when an earlier run of the date loaded the same
    bytes (after a fix to extraction that kept its EXTRACT_VERSION).
    """
    sources, data = Path(sources), Path(data)
    orgs = institutions(sources)
    by_system = {s: expected_orgs(orgs, s) for s in SYSTEMS}
    ledger = read_ledger(data, day)
    if reload:
        ledger = Ledger(loaded_before=ledger.loaded_before)
    state = read_state(data, day)
    items = [
        *hospital_items(sources, day, by_system["hospital"], state),
        *file_items(sources, data, day, by_system, ledger),
    ]
    outcomes = land_items(items, day)
    _report(day, outcomes)
    taken = [(o.delivery.org_code, o.delivery.contract.name, o.taken) for o in outcomes
             if o.taken is not None]  # fmt: skip
    _publish(data, day, outcomes, advance(state, taken))
    return _summary(data, day, outcomes)


def land_items(items: list[Item], day: date) -> list[Outcome]:
    """Outcomes in the order of ``items``; what was received is landed per dataset."""
    by_dataset: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if isinstance(item, Received):
            by_dataset[item.delivery.contract.dataset].append(i)
    landed: dict[int, Outcome] = {}
    for dataset, positions in by_dataset.items():
        spec = source_contracts()[dataset]
        window = frontend_cut(spec, day) if spec.delivery["kind"] == "frontend_table" else None
        received = [items[i] for i in positions]
        try:
            results = land_dataset(spec, received, window)  # type: ignore[arg-type]
        except Exception as exc:  # a fault in extract itself costs this dataset, not the night
            results = [fault(r.delivery, exc, r) for r in received]  # type: ignore[union-attr]
        landed |= dict(zip(positions, results, strict=True))
    return [landed.get(i, item) for i, item in enumerate(items)]  # type: ignore[misc]


def _report(day: date, outcomes: list[Outcome]) -> None:
    """One line per stopped delivery (file names and columns only), one for the night."""
    for o in outcomes:
        level = logging.WARNING if o.status in STOPPED else logging.DEBUG
        log.log(level, "extract %s %s/%s %s: %s", day, o.delivery.contract.dataset,
                o.delivery.org_code, o.status, o.message or "-")  # fmt: skip
    counts = Counter(o.status for o in outcomes)
    kept = sum(1 for o in outcomes if o.kept_log)
    log.info("extract %s: %d deliveries %s, %d kept from an earlier run of the date",
             day, len(outcomes), dict(sorted(counts.items())), kept)  # fmt: skip


def _publish(data: Path, day: date, outcomes: list[Outcome], state: State) -> None:
    layout = Layout(data)
    build = layout.extract_build_dir(day, uuid.uuid4().hex[:8])
    try:
        for o in outcomes:
            _write_parts(build, o)
        for c in source_contracts().values():
            if c.source not in SYSTEMS:  # reference data is landed by extract.reference
                continue
            for layer, final in (
                ("raw", layout.raw_dir(c.source, c.name, day)),
                ("quarantine", layout.quarantine_dir(c.source, c.name, day)),
            ):
                _swap(build / layer / c.source / c.name, final)
        write_state(data, day, state)  # before the load log, whose presence means "finished"
        rows = [o.log_row() for o in outcomes]
        write_parquet(
            pa.Table.from_pylist(rows, schema=LOAD_LOG_SCHEMA), layout.night("ops.load_log", day)
        )
    finally:
        shutil.rmtree(build, ignore_errors=True)


def _write_parts(build: Path, o: Outcome) -> None:
    c = o.delivery.contract
    for layer, table in (("raw", o.accepted), ("quarantine", o.quarantined)):
        path = build / layer / c.source / c.name / f"{o.delivery.org_code}.parquet"
        if layer in o.kept:
            path.parent.mkdir(parents=True, exist_ok=True)
            _link(o.kept[layer], path)
        elif table is not None and table.num_rows:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(table, path)


def _write(table: pa.Table, path: Path) -> None:
    """Most nightly partitions hold tens of rows: for those, compression and dictionaries
    cost more time (to write, and to read in later stages) than the bytes they save."""
    small = table.num_rows < SMALL_PARTITION
    pq.write_table(table, path, compression="none" if small else "zstd", use_dictionary=not small)


def _link(earlier: Path, path: Path) -> None:
    """The earlier run's file, unchanged: a hard link (same file system), else a copy."""
    try:
        os.link(earlier, path)
    except OSError:
        shutil.copyfile(earlier, path)


def _swap(built: Path, final: Path) -> None:
    if built.exists():
        replace_dir(final, built)
    elif final.exists():  # an earlier run of this date wrote it; this one has nothing
        shutil.rmtree(final)


def _summary(data: Path, day: date, outcomes: list[Outcome]) -> ExtractSummary:
    accepted = sum(o.rows_accepted for o in outcomes)
    quarantined = sum(o.rows_quarantined for o in outcomes)
    return ExtractSummary(
        day=day,
        load_log=Layout(data).night("ops.load_log", day),
        deliveries=len(outcomes),
        rows_delivered=accepted + quarantined,
        rows_accepted=accepted,
        rows_quarantined=quarantined,
        by_status=dict(Counter(o.status for o in outcomes)),
        kept=sum(1 for o in outcomes if o.kept_log),
    )
