"""Each unit's extract of night D, kept on disk until the night's extract is put together.

``extract_units`` writes what one unit delivered (``units``) — its outcomes' load-log rows, the
accepted and quarantined rows, the front-end rows taken — into its own folder
(``Layout.extract_staging``), replaced whole, so that a unit extracted again (an Airflow retry,
a cleared task) replaces its earlier attempt and no other unit's. ``finish_extract`` reads every
planned unit back. The folder of night D stays until D's extract begins again, so that putting
the night together can be repeated; folders of nights long past are removed.

The files are those the raw lake gets: the night is put together by hard links, not copies.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kernel.atomic import replace_dir, write_text
from kernel.layout import Layout, partition_date
from pipelines.extract.errors import ExtractError
from pipelines.extract.outcomes import LOAD_LOG_SCHEMA, Delivery, Outcome
from pipelines.extract.units import Unit
from schemas.contracts import source_contracts

KEEP_NIGHTS = 7  # staging of a night this much older than the one beginning is removed
SMALL_PARTITION = 5_000  # rows
PLAN, META, LOG = "plan.json", "outcomes.json", "load_log.parquet"


@dataclass(frozen=True)
class Staged:
    """One staged outcome; ``earlier`` when an earlier run of the date loaded the same bytes."""

    outcome: Outcome
    earlier: bool


def begin(data: Path, day: date, units: list[Unit]) -> None:
    """Forget any earlier extract of night ``day`` and record the units it plans."""
    layout = Layout(data)
    folder = layout.extract_staging(day)
    if folder.exists():
        shutil.rmtree(folder)
    for old in layout.extract_stagings():
        if partition_date(old) < day - timedelta(days=KEEP_NIGHTS):
            shutil.rmtree(old, ignore_errors=True)
    write_text(folder / PLAN, json.dumps([str(u) for u in units], indent=1))


def planned(data: Path, day: date) -> list[Unit]:
    """The units the last beginning of night ``day``'s extract planned."""
    path = Layout(data).extract_staging(day) / PLAN
    if not path.exists():
        raise ExtractError(f"night {day}: its extract was not begun (no {PLAN}): extract it again")
    return [Unit.parse(u) for u in json.loads(path.read_text(encoding="utf-8"))]


def write_unit(data: Path, day: date, unit: Unit, outcomes: list[Outcome]) -> None:
    """Stage one unit's outcomes, replacing any earlier attempt of it as a whole."""
    folder = Layout(data).extract_staging(day)
    build = folder / f".{unit.system}-{unit.org_code}-{uuid.uuid4().hex[:8]}"
    try:
        build.mkdir(parents=True)
        meta = [_stage_one(build, n, o) for n, o in enumerate(outcomes)]
        rows = [o.log_row() for o in outcomes]
        pq.write_table(pa.Table.from_pylist(rows, schema=LOAD_LOG_SCHEMA), build / LOG)
        (build / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        replace_dir(folder / unit.system / unit.org_code, build)
    finally:
        shutil.rmtree(build, ignore_errors=True)


def read_unit(data: Path, day: date, unit: Unit) -> list[Staged] | None:
    """A unit's staged outcomes, or None when it was not staged (its extract did not finish)."""
    folder = Layout(data).extract_staging(day) / unit.system / unit.org_code
    if not (folder / META).exists():
        return None
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    rows = pq.read_table(folder / LOG).to_pylist()
    return [_restored(folder, day, m, row) for m, row in zip(meta, rows, strict=True)]


def _stage_one(build: Path, n: int, o: Outcome) -> dict:
    files = {}
    for layer, table in (("raw", o.accepted), ("quarantine", o.quarantined)):
        path = build / f"{n}.{layer}.parquet"
        if layer in o.kept:
            link(o.kept[layer], path)
        elif table is not None and table.num_rows:
            write_partition(table, path)
        else:
            continue
        files[layer] = path.name
    taken = None
    if o.taken is not None:
        taken = f"{n}.taken.parquet"
        pq.write_table(o.taken, build / taken)
    return {"dataset": o.delivery.contract.dataset, "source_file": o.delivery.source_file,
            "files": files, "taken": taken, "earlier": bool(o.kept_log),
            "transient": o.transient}  # fmt: skip


def _restored(folder: Path, day: date, meta: dict, row: dict) -> Staged:
    spec = source_contracts()[meta["dataset"]]
    d = Delivery(spec, row["org_code"], meta["source_file"], day)
    taken = pq.read_table(folder / meta["taken"]) if meta["taken"] else None
    outcome = Outcome(
        d, row["status"], row["message"] or "", row["sha256"], row["load_id"],
        kept={layer: folder / name for layer, name in meta["files"].items()},
        kept_log=row, taken=taken, transient=meta["transient"],
    )  # fmt: skip
    return Staged(outcome, meta["earlier"])


def write_partition(table: pa.Table, path: Path) -> None:
    """Most nightly partitions hold tens of rows: for those, compression and dictionaries
    cost more time (to write, and to read in later stages) than the bytes they save."""
    small = table.num_rows < SMALL_PARTITION
    pq.write_table(table, path, compression="none" if small else "zstd", use_dictionary=not small)


def link(earlier: Path, path: Path) -> None:
    """The same file under another name: a hard link (same file system), else a copy."""
    try:
        os.link(earlier, path)
    except OSError:
        shutil.copyfile(earlier, path)
