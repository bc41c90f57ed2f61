"""The lake as dbt sources: views, in the database being built, over the Parquet of night D.

The dbt project (``warehouse/``) reads the lake only through ``source()``; this module creates
those relations before dbt runs and is the only place that knows where the files are. Every
view's SQL comes from ``schemas.tables`` (the contracts' readers and the kernel's one "current
version of a row" rule), so a declared column always exists with its type and a table nobody
wrote yet reads as empty. Paths reach SQL only as quoted literals (``kernel.sql``).

``SOURCES`` is also what ``pipelines.publish.properties`` renders as ``sources.yml``, so the
dbt declaration and the views cannot disagree. The ``lake_*`` schemas are build steps: they are
dropped before a database is published (views over absolute paths mean nothing elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from kernel.audit import ACCESS_COLUMNS, audit_glob, audit_root
from kernel.layout import Layout, partition_date
from kernel.sql import quote_name, sql_string
from pipelines.publish.errors import InputError
from schemas.contracts import ContractError, code_sets, std_contracts
from schemas.tables import files_sql, night_sql, nights_sql, std_current_sql, std_history_sql

# The nightly stage tables the warehouse reads in full (every night through D) or, for an
# incremental build, only tonight's partition: view name → contract.
NIGHTLY = {
    "quality_result": "quality.result",
    "load_log": "ops.load_log",
    "link_audit": "mpi.link_audit",
    "resident_redirect": "mpi.resident_redirect",
}
# The linkage stage's outputs of night D: view name → contract.
MPI = {
    "record_link": "mpi.record_link",
    "resident": "mpi.resident",
    "review_queue": "mpi.review_queue",
    "mother_child": "mpi.mother_child",
}
REFERENCE = {"institutions": "reference.institutions", "population": "reference.population"}
# What an incremental build compares tonight with (pipelines.publish.incremental fills them from
# the previous warehouse; a full build sees them empty): view → columns and types.
PREVIOUS = {
    "record_link": {"mention_id": "VARCHAR", "resident_id": "VARCHAR"},
    "timeline": {"resident_id": "VARCHAR", "record_key": "VARCHAR", "parent_key": "VARCHAR"},
    "resident": {"resident_id": "VARCHAR", "first_load_date": "DATE"},
}
# The records an incremental build reads the current version of (a dbt model,
# warehouse/models/staging/staging__touched_record.sql); std_touched reads its keys.
TOUCHED_RECORD = "staging.touched_record"
CODE_SET_COLUMNS = {"code_set": "VARCHAR", "code": "VARCHAR", "label": "VARCHAR"}


@dataclass(frozen=True)
class Source:
    """One dbt source: a schema of views, what it holds, and which contract each view follows."""

    name: str  # as dbt's source() names it
    description: str
    tables: dict[str, str | None]  # view → contract (None: not a contract table)

    @property
    def schema(self) -> str:
        return f"lake_{self.name}"


def _std_tables() -> dict[str, str]:
    return {spec.name: spec.dataset for spec in std_contracts().values()}


SOURCES = (
    Source(
        "std",
        "The standardised lake after night D: the current version of every record "
        "(kernel.sql.current_version_sql: the latest load, then the latest arrival, wins; a "
        "tombstone removes the record).",
        _std_tables(),
    ),
    Source(
        "std_history",
        "Every delivered version of every standardised record loaded through night D "
        "(corrections and tombstones included), for first arrivals and tonight's changes.",
        _std_tables(),
    ),
    Source(
        "std_tonight",
        "The versions of standardised records loaded on night D (new records, corrections, "
        "tombstones), read from that night's partitions alone.",
        _std_tables(),
    ),
    Source(
        "std_touched",
        "The current version of the records of staging.touched_record: those from which an "
        "incremental build rebuilds the touched residents' archives (read after that model).",
        _std_tables(),
    ),
    Source("mpi", "The master person index the linkage stage wrote for night D.", MPI),
    Source("nightly", "Every night's partition of the stage tables through night D.", NIGHTLY),
    Source(
        "tonight",
        "Night D's partition of the same stage tables, what an incremental build appends.",
        NIGHTLY,
    ),
    Source("reference", "The reference data of the health commission (lake/reference).", REFERENCE),
    Source(
        "audit",
        "The append-only access audit (data/audit/access/): every lookup and export so far.",
        {"access": None},
    ),
    Source(
        "contracts",
        "The code sets of schemas/code_sets.yaml (code_set, code, label), for code-set tests.",
        {"code_set": None},
    ),
    Source(
        "previous",
        "The previous warehouse's crosswalk, timeline keys and archive dates when tonight's "
        "build is incremental on top of it (pipelines.publish.incremental); empty in a full build.",
        dict.fromkeys(PREVIOUS),
    ),
)


def create_sources(con: duckdb.DuckDBPyConnection, layout: Layout, day: date) -> None:
    """Create every source view of night ``day`` on ``con`` (``lake_previous`` empty)."""
    if not layout.night("mpi.record_link", day).exists():
        path = layout.night("mpi.record_link", day)
        raise InputError(f"no MPI crosswalk for {day}: {path} (run the link stage first)")
    readers: dict[str, Callable[[str, str | None], str]] = {
        "std": lambda t, _c: _checked(std_current_sql, layout, t, day),
        "std_history": lambda t, _c: _checked(std_history_sql, layout, t, day),
        "std_tonight": lambda t, _c: _checked(std_tonight_sql, layout, t, day),
        "std_touched": lambda t, _c: _checked(std_touched_sql, layout, t, day),
        "mpi": lambda _t, c: night_sql(layout, c, day),
        "nightly": lambda _t, c: nights_sql(layout, c, day),
        "tonight": lambda _t, c: files_sql(c, _tonight(layout, c, day)),
        "reference": lambda t, c: files_sql(c, _existing(layout.reference(t))),
        "audit": lambda _t, _c: access_audit_sql(layout),
        "contracts": lambda _t, _c: code_set_sql(),
        "previous": lambda t, _c: _empty(PREVIOUS[t]),
    }
    # the keys std_touched reads, empty until dbt builds the model of that name over it
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {TOUCHED_RECORD.split('.')[0]}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {TOUCHED_RECORD} (record_key VARCHAR)")
    for source in SOURCES:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {source.schema}")
        for table, contract in source.tables.items():
            sql = readers[source.name](table, contract)
            con.execute(f"CREATE OR REPLACE VIEW {source.schema}.{quote_name(table)} AS {sql}")


def drop_sources(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES:
        con.execute(f"DROP SCHEMA IF EXISTS {source.schema} CASCADE")


def access_audit_sql(layout: Layout) -> str:
    """Every access-audit line written so far (wall-clock, not bounded by the night)."""
    empty = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in ACCESS_COLUMNS.items())
    if not any(audit_root(layout.root).glob("date=*/*.jsonl")):
        return f"SELECT {empty} WHERE false"
    columns = ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in ACCESS_COLUMNS.items())
    return (
        f"SELECT * FROM read_json({sql_string(audit_glob(layout.root))}, "
        f"format = 'newline_delimited', hive_partitioning = false, columns = {{{columns}}})"
    )


def code_set_sql() -> str:
    """schemas/code_sets.yaml as rows (code_set, code, label)."""
    rows = [
        f"({sql_string(name)}, {sql_string(code)}, {sql_string(label)})"
        for name, codes in code_sets().items()
        for code, label in codes.items()
    ]
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS code_set(code_set, code, label)"


def std_tonight_sql(layout: Layout, table: str, day: date) -> str:
    """The versions of ``std.<table>`` loaded on night ``day``."""
    return std_history_sql(layout, table, day, after=day - timedelta(days=1))


def std_touched_sql(layout: Layout, table: str, day: date) -> str:
    """The current version of the records of ``std.<table>`` that ``TOUCHED_RECORD`` names."""
    return std_current_sql(layout, table, day, keys=f"SELECT record_key FROM {TOUCHED_RECORD}")


def _empty(columns: dict[str, str]) -> str:
    select = ", ".join(f"CAST(NULL AS {kind}) AS {quote_name(n)}" for n, kind in columns.items())
    return f"SELECT {select} WHERE false"


def _tonight(layout: Layout, contract: str, day: date) -> list[Path]:
    """The partitions (every part) of night ``day`` of a stage table."""
    return [p for p in layout.nights(contract, day) if partition_date(p) == day]


def _existing(path: Path) -> list[Path]:
    return [path] if path.exists() else []


def _checked(
    read: Callable[[Layout, str, date], str], layout: Layout, table: str, day: date
) -> str:
    try:
        return read(layout, table, day)
    except ContractError as exc:
        raise InputError(str(exc)) from exc
