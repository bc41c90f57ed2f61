"""``extract_date``: land every delivery of night D in the raw lake, atomically and repeatably.

The night is extracted in units, one institution's deliveries of one source system (``units``):

1. ``begin_extract`` plans the units of the night and forgets any earlier extract of it;
2. ``extract_units`` reads deliveries (cheap: bytes, a query), lands them per dataset in one
   pass (``landing``) and stages each unit's outcomes (``staging``); the nightly run does every
   unit in one call, the scheduler one unit per task, side by side;
3. ``finish_extract`` reads every planned unit back — a unit whose extract did not finish is
   reported as such in the load log, its deliveries not loaded — builds every partition of the
   date in a scratch folder under ``lake/`` and swaps it into place with
   ``kernel.atomic.replace_dir``; the load log is written last, so its presence means the
   night's extract finished.

Rerunning a date replaces its partitions: a partition an earlier run wrote but this run has
nothing for is removed, and a file whose bytes the earlier run already loaded is kept as it was
instead of being parsed again.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from kernel.atomic import replace_dir, write_parquet
from kernel.layout import Layout
from pipelines.extract import staging
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
from pipelines.extract.outcomes import LOAD_LOG_SCHEMA, Outcome, Received, fault, stopped
from pipelines.extract.units import SYSTEMS, Unit, plan_units, unit_deliveries
from schemas.contracts import source_contracts

log = logging.getLogger(__name__)
STOPPED = ("drift", "incomplete", "duplicate")
UNFINISHED = "not extracted tonight: the extract of {unit} did not finish (see its task's log)"


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
    units: int = 0
    unfinished: tuple[str, ...] = ()  # units whose extract did not finish: nothing loaded


@dataclass(frozen=True)
class UnitResult:
    """What one unit's extract gave, as staged."""

    unit: Unit
    outcomes: list[Outcome]

    @property
    def stopped(self) -> list[Outcome]:
        """Deliveries not loaded (whole): drift, incomplete, duplicate."""
        return [o for o in self.outcomes if o.status in STOPPED]

    @property
    def may_pass(self) -> bool:
        """Some delivery was not loaded for a cause that may pass (a database not answering)."""
        return any(o.transient for o in self.stopped)


@dataclass(frozen=True)
class _Night:
    """What every unit of a night reads once."""

    sources: Path
    data: Path
    day: date
    by_system: dict[str, set[str]]
    ledger: Ledger
    state: State


def extract_date(sources: Path, data: Path, day: date, *, reload: bool = False) -> ExtractSummary:
    """Read what SOURCES.md defines for ``day`` under ``sources`` and land it under ``data``.

    ``reload`` parses every file again even when an earlier run of the date loaded the same
    bytes (after a fix to extraction that kept its EXTRACT_VERSION).
    """
    units = begin_extract(sources, data, day)
    extract_units(sources, data, day, units, reload=reload)
    return finish_extract(sources, data, day)


def begin_extract(sources: Path, data: Path, day: date) -> list[Unit]:
    """Plan night ``day``'s units and forget any earlier extract of the night."""
    units = plan_units(Path(sources), day)
    staging.begin(Path(data), day, units)
    log.info("extract %s: %d units planned", day, len(units))
    return units


def extract_units(
    sources: Path, data: Path, day: date, units: list[Unit], *, reload: bool = False
) -> list[UnitResult]:
    """Extract and stage ``units`` of night ``day`` (all of them in one pass per dataset)."""
    night = _night(Path(sources), Path(data), day, reload)
    per_unit = [list(_unit_items(night, u)) for u in units]
    outcomes = iter(land_items([item for items in per_unit for item in items], day))
    results = []
    for unit, items in zip(units, per_unit, strict=True):
        mine = [next(outcomes) for _ in items]
        staging.write_unit(night.data, day, unit, mine)
        results.append(UnitResult(unit, mine))
    return results


def finish_extract(sources: Path, data: Path, day: date) -> ExtractSummary:
    """Put night ``day``'s staged units together into the raw lake and the load log."""
    sources, data = Path(sources), Path(data)
    staged, unfinished = [], []
    planned = staging.planned(data, day)
    for unit in planned:
        found = staging.read_unit(data, day, unit)
        if found is None:
            unfinished.append(str(unit))
            found = [staging.Staged(o, False) for o in _unfinished(sources, day, unit)]
        staged += found
    outcomes = [s.outcome for s in staged]
    _report(day, outcomes, sum(s.earlier for s in staged))
    taken = [(o.delivery.org_code, o.delivery.contract.name, o.taken) for o in outcomes
             if o.taken is not None]  # fmt: skip
    _publish(data, day, outcomes, advance(read_state(data, day), taken))
    return _summary(data, day, staged, len(planned), tuple(unfinished))


def _night(sources: Path, data: Path, day: date, reload: bool) -> _Night:
    orgs = institutions(sources)
    ledger = read_ledger(data, day)
    if reload:
        ledger = Ledger(loaded_before=ledger.loaded_before)
    by_system = {s: expected_orgs(orgs, s) for s in SYSTEMS}
    return _Night(sources, data, day, by_system, ledger, read_state(data, day))


def _unit_items(night: _Night, unit: Unit) -> Iterator[Item]:
    if unit.system == "hospital":
        return hospital_items(night.sources, night.day, night.by_system["hospital"], night.state,
                              only=unit.org_code)  # fmt: skip
    return file_items(night.sources, night.data, night.day, night.by_system, night.ledger,
                      only=(unit.system, unit.org_code))  # fmt: skip


def _unfinished(sources: Path, day: date, unit: Unit) -> list[Outcome]:
    """A unit whose extract did not finish: each of its deliveries incomplete, nothing loaded
    (a front end's marks stay where they were, so the next night takes up its rows)."""
    why = UNFINISHED.format(unit=unit)
    return [stopped(d, "incomplete", f"{d.source_file}: {why}") for d in
            unit_deliveries(sources, day, unit)]  # fmt: skip


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


def _report(day: date, outcomes: list[Outcome], kept: int) -> None:
    """One line per stopped delivery (file names and columns only), one for the night."""
    for o in outcomes:
        level = logging.WARNING if o.status in STOPPED else logging.DEBUG
        log.log(level, "extract %s %s/%s %s: %s", day, o.delivery.contract.dataset,
                o.delivery.org_code, o.status, o.message or "-")  # fmt: skip
    counts = Counter(o.status for o in outcomes)
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
            staging.link(o.kept[layer], path)
        elif table is not None and table.num_rows:
            path.parent.mkdir(parents=True, exist_ok=True)
            staging.write_partition(table, path)


def _swap(built: Path, final: Path) -> None:
    if built.exists():
        replace_dir(final, built)
    elif final.exists():  # an earlier run of this date wrote it; this one has nothing
        shutil.rmtree(final)


def _summary(
    data: Path, day: date, staged: list[staging.Staged], units: int, unfinished: tuple[str, ...]
) -> ExtractSummary:
    outcomes = [s.outcome for s in staged]
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
        kept=sum(s.earlier for s in staged),
        units=units,
        unfinished=unfinished,
    )
