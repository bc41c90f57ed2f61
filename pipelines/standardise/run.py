"""``standardise_date``: night D's raw partitions → std.person_mention and the event tables.

Reads only the raw lake (and the reference population for district names), never the sources.
Deliveries a fatal quality check held back (``quality.held_deliveries``) are skipped: they stay
in raw and get no std rows. Each table is written whole for the date (atomically), so a rerun
replaces it; an empty night still writes an empty file, replacing an earlier run's rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.standardise.events import build_events
from pipelines.standardise.inputs import district_names, read_held, read_raw
from pipelines.standardise.mentions import build_person_mentions
from schemas.contracts import source_contracts, std_contracts

log = logging.getLogger(__name__)
SYSTEMS = ("hospital", "vaccination", "mch", "checkup")
DELETIONS = "hospital.deleted_rows"


@dataclass(frozen=True)
class StandardiseSummary:
    day: date
    rows: dict[str, int] = field(default_factory=dict)  # std table → rows written for the night
    held_deliveries: int = 0  # raw files skipped because a fatal check held them back
    held_rows: int = 0
    id_damage: dict[str, int] = field(default_factory=dict)  # person mentions per damage kind


def standardise_date(data: Path, day: date) -> StandardiseSummary:
    """Standardise every raw delivery of ``day`` under ``data`` into ``lake/std``."""
    data = Path(data)
    held = read_held(data, day)
    raw = {
        c.dataset: read_raw(data, c, day, held)
        for c in source_contracts().values()
        if c.source in SYSTEMS
    }
    deletions = raw.pop(DELETIONS)
    tables = {"person_mention": build_person_mentions(raw, deletions, district_names(data))}
    for std in std_contracts().values():
        if std.delivery.get("kind") == "standardised":
            tables[std.name] = build_events(std, raw[std.delivery["from"]], deletions)
    for name, table in tables.items():
        write_parquet(table, Layout(data).std(name, day))
        log.info("standardise %s %s: %d rows", day, name, table.num_rows)
    return StandardiseSummary(
        day=day,
        rows={name: t.num_rows for name, t in tables.items()},
        held_deliveries=len(held.skipped),
        held_rows=sum(s[3] for s in held.skipped),
        id_damage=_counts(tables["person_mention"], "id_damage"),
    )


def _counts(table: pa.Table, column: str) -> dict[str, int]:
    live = table.filter(pc.invert(table["is_deleted"]))
    counts = pc.value_counts(live[column]).to_pylist()
    return {c["values"]: c["counts"] for c in counts}
