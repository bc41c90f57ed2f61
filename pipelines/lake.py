"""Where everything lives under a data directory, and how it is written safely.

Layout (``--data DIR``)::

    lake/raw/<source>/<dataset>/date=<D>/<org_code>.parquet     as delivered, typed by contract
    lake/quarantine/<source>/<dataset>/date=<D>/<org_code>.parquet  rejected rows + reason
    lake/load_log/date=<D>/load_log.parquet                      one row per delivery
    lake/std/<table>/date=<D>/part.parquet                       standardised tables
    mpi/date=<D>/record_link.parquet                             mention → resident_id after night D
    quality/date=<D>/result.parquet                              rows of quality.result
    quality/date=<D>/held_deliveries.parquet                     held back by a fatal check
    warehouse.duckdb, analytics.duckdb                           published atomically
    reports/                                                     Data Docs, governance, metrics

Every partition is written to a temporary sibling and renamed into place, so a crash leaves the
previous version readable and a rerun of a date replaces its partitions instead of adding to them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def raw_dir(data: Path, source: str, dataset: str, day: date) -> Path:
    return data / "lake" / "raw" / source / dataset / f"date={day.isoformat()}"


def quarantine_dir(data: Path, source: str, dataset: str, day: date) -> Path:
    return data / "lake" / "quarantine" / source / dataset / f"date={day.isoformat()}"


def load_log_path(data: Path, day: date) -> Path:
    return data / "lake" / "load_log" / f"date={day.isoformat()}" / "load_log.parquet"


def std_path(data: Path, table: str, day: date) -> Path:
    return data / "lake" / "std" / table / f"date={day.isoformat()}" / "part.parquet"


def std_glob(data: Path, table: str) -> str:
    return str(data / "lake" / "std" / table / "date=*" / "part.parquet")


def mpi_path(data: Path, day: date) -> Path:
    return data / "mpi" / f"date={day.isoformat()}" / "record_link.parquet"


def quality_path(data: Path, day: date) -> Path:
    return data / "quality" / f"date={day.isoformat()}" / "result.parquet"


def held_path(data: Path, day: date) -> Path:
    """Deliveries of night ``day`` a fatal check held back: source, dataset, org_code, reason."""
    return data / "quality" / f"date={day.isoformat()}" / "held_deliveries.parquet"


def partition_date(path: Path) -> date:
    """The logical date of a ``date=YYYY-MM-DD`` partition folder or a file inside one."""
    for part in (path, *path.parents):
        if part.name.startswith("date="):
            return date.fromisoformat(part.name[5:])
    raise ValueError(f"{path} is not inside a date= partition")


def latest_before(root: Path, day: date, filename: str) -> Path | None:
    """The newest ``root/date=X/filename`` with X < day, or None."""
    if not root.exists():
        return None
    found = [
        p / filename
        for p in root.glob("date=*")
        if (p / filename).exists() and date.fromisoformat(p.name[5:]) < day
    ]
    return max(found, key=partition_date, default=None)


def _tmp_sibling(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def write_parquet(table: pa.Table, path: Path) -> Path:
    """Write one Parquet file atomically (temporary file, then rename)."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def replace_dir(final: Path, build: Path) -> None:
    """Swap a fully built folder ``build`` into place at ``final``, replacing what was there."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = _tmp_sibling(final)
    if final.exists():
        os.replace(final, old)
    os.replace(build, final)
    shutil.rmtree(old, ignore_errors=True)


def current_sql(data: Path, table: str, through: date, key: str = "mention_id") -> str:
    """SQL for the current version of a standardised table as of the end of ``through``.

    A row delivered again (a correction, a re-exported dose) supersedes its earlier versions:
    per ``key`` the latest ``load_date`` (then ``arrived_at``) wins, and a winning tombstone
    (``is_deleted``: a deleted hospital row) removes the key. Partitions after ``through`` are
    ignored so that rerunning an old date gives the same answer.
    """
    return f"""
        SELECT * EXCLUDE (_rank) FROM (
            SELECT *, row_number() OVER (
                PARTITION BY {key} ORDER BY load_date DESC, arrived_at DESC NULLS LAST
            ) AS _rank
            FROM read_parquet('{std_glob(data, table)}', union_by_name = true)
            WHERE load_date <= DATE '{through.isoformat()}'
        ) WHERE _rank = 1 AND NOT coalesce(is_deleted, false)
    """
