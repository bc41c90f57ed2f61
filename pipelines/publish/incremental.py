"""Incremental builds: tonight's warehouse starts as a copy of the previous one.

Every publish builds fresh database files and swaps them in, so the models dbt materialises
incrementally (``archive.timeline``, ``archive.document``, ``quality.result``, ``ops.load_log``,
``mpi.link_audit``) would start empty. When the published warehouse is the state after the
night before, built by the same dbt project, the file being built starts as a byte copy of it
(``start_from``: the file system copies at disk speed; re-encoding the carried tables row by
row into a new file cost time in proportion to the whole history) and dbt updates the carried
tables (``is_incremental()``) and rebuilds the others; with it come the previous crosswalk,
timeline keys and archive dates, from which ``staging.touched_resident`` finds whose archive
may have changed. Otherwise — no previous file, another as-of date (a rerun, a gap, an older
night), a changed project — the build is full. Either way the result is the same
(tests/warehouse/test_incremental).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from pipelines.publish.dbt_run import PROJECT

log = logging.getLogger(__name__)

# Published tables dbt materialises incrementally, carried forward in the copied file.
CARRIED = ("archive.timeline", "archive.document", "quality.result", "ops.load_log",
           "mpi.link_audit")  # fmt: skip
# What staging.touched_resident compares tonight with: lake_previous.<name> ← previous query.
PREVIOUS = {
    "record_link": "SELECT mention_id, resident_id FROM mpi.record_link",
    "timeline": "SELECT resident_id, record_key, parent_key FROM archive.timeline",
    "resident": "SELECT resident_id, first_load_date FROM mpi.resident",
}
LIVE = ("timeline",)  # read where they are (fill_previous says why), not copied


@dataclass(frozen=True)
class Base:
    """How tonight's warehouse is built: on top of ``previous`` (incremental) or from scratch."""

    previous: Path | None
    reason: str

    @property
    def mode(self) -> str:
        return "incremental" if self.previous else "full"


def project_checksum(project: Path = PROJECT) -> str:
    """A digest of every file of the dbt project that shapes a table (models, macros, tests,
    the project file): a table carried forward must have been built by the same code."""
    digest = hashlib.sha256()
    files = [project / "dbt_project.yml"]
    for folder in ("models", "macros", "tests"):
        files += sorted(p for p in (project / folder).rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(project)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def choose_base(published: Path, day: date, checksum: str) -> Base:
    """Incremental on ``published`` only if it is the state after night ``day - 1`` built by
    this project (``ops.publish``) and holds every carried table; else a full build."""
    if not published.exists():
        return Base(None, "no previous warehouse")
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            as_of, built_by = con.execute(
                "SELECT max(as_of_date), max(project_checksum) FROM ops.publish"
            ).fetchone()
            tables = {
                f"{s}.{t}" for s, t in con.execute(
                    "SELECT schema_name, table_name FROM duckdb_tables()"
                ).fetchall()
            }  # fmt: skip
    except duckdb.Error as exc:  # an older file (no project_checksum) or not a database
        return Base(None, f"previous warehouse unreadable for an incremental build: {exc}")
    if as_of != day - timedelta(days=1):
        return Base(None, f"previous warehouse is as of {as_of}, not the night before {day}")
    if built_by != checksum:
        return Base(None, "the warehouse project changed since the previous build")
    missing = sorted({*CARRIED, "mpi.record_link", "mpi.resident"} - tables)
    if missing:
        return Base(None, f"previous warehouse lacks {', '.join(missing)}")
    return Base(published, f"on top of the warehouse as of {as_of}")


def start_from(base: Base, path: Path) -> None:
    """Begin the file being built (``path``, not yet created) as a copy of the previous
    warehouse when the build is incremental; a full build begins with no file."""
    if base.previous is not None:
        shutil.copyfile(base.previous, path)


def fill_previous(con: duckdb.DuckDBPyConnection, base: Base) -> None:
    """Fill the comparison relations (``lake_previous``, empty until now) of an incremental
    build from the tables the file being built (``con``, begun by ``start_from``) carries.

    The crosswalk and the golden records are snapshots: dbt rebuilds ``mpi.record_link`` and
    ``mpi.resident`` before ``staging.touched_resident`` reads them. The timeline keys are a
    view, not a copy of the whole history: the only reader, ``staging.touched_resident``, runs
    before ``archive.timeline`` changes, which depends on it.
    """
    if base.previous is None:
        return
    for name, sql in PREVIOUS.items():
        con.execute(f"DROP VIEW IF EXISTS lake_previous.{name}")
        kind = "VIEW" if name in LIVE else "TABLE"
        con.execute(f"CREATE {kind} lake_previous.{name} AS {sql}")
