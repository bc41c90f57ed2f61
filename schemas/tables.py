"""Readers, writers and empty stubs of the lake and stage tables, derived from their contracts.

A stage reads another stage's table only through these functions, so the columns and types it
sees are the contract's: every declared column exists with its declared type (NULL where an
older file lacks it), and a table nobody has written yet reads as empty instead of failing.

- ``empty_sql(dataset)``: a typed relation with no rows;
- ``files_sql(dataset, files)``: the rows of some Parquet files, typed;
- ``std_current_sql`` / ``std_history_sql``: a standardised table as it stands after a night
  (the kernel's one "current version" rule, keyed by the contract's primary key), or every
  version loaded so far;
- ``night_sql`` / ``nights_sql``: a stage table (``mpi.*``, ``quality.*``, ``ops.load_log``) of
  one night, or of every night through one;
- ``conform`` / ``write_table``: an Arrow table in the contract's column order and types,
  written atomically; ``conformed_sql`` the same for a relation DuckDB writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa

from kernel.atomic import write_parquet
from kernel.layout import Layout
from kernel.sql import current_version_sql, parquet_sql, quote_name, sql_date
from schemas.contracts import Contract, ContractError, contract


def duckdb_columns(dataset: str | Contract) -> dict[str, str]:
    """Column name → DuckDB type, in contract order."""
    spec = dataset if isinstance(dataset, Contract) else contract(dataset)
    return {c.name: c.duckdb_type for c in spec.columns}


def empty_sql(dataset: str | Contract) -> str:
    """A typed relation with the contract's columns and no rows."""
    columns = duckdb_columns(dataset)
    select = ", ".join(f"CAST(NULL AS {kind}) AS {quote_name(n)}" for n, kind in columns.items())
    return f"SELECT {select} WHERE false"


def typed_sql(dataset: str | Contract, rows_sql: str | None) -> str:
    """``rows_sql`` with every contract column present and typed (empty if ``rows_sql`` is None)."""
    empty = empty_sql(dataset)
    return f"({empty})" if rows_sql is None else f"({empty}) UNION ALL BY NAME ({rows_sql})"


def conformed_sql(dataset: str | Contract, rows_sql: str) -> str:
    """``rows_sql`` as the contract declares it: exactly its columns, in order, cast to their
    types — the writer side of a stage table written by DuckDB. A missing column is an error
    (DuckDB's binder names it)."""
    columns = duckdb_columns(dataset)
    select = ", ".join(
        f"CAST({quote_name(n)} AS {t}) AS {quote_name(n)}" for n, t in columns.items()
    )
    return f"SELECT {select} FROM ({rows_sql})"


def files_sql(dataset: str | Contract, files: Sequence[Path]) -> str:
    """The rows of ``files`` (Parquet) typed by the contract; empty when there are none."""
    return typed_sql(dataset, parquet_sql(files) if files else None)


def std_current_sql(layout: Layout, table: str, through: date, keys: str | None = None) -> str:
    """The current version of every record of ``std.<table>`` after night ``through``; with
    ``keys`` (SQL of one column of primary keys), of those records only."""
    spec = contract(f"std.{table}")
    files = layout.std_files(table)
    if not files:
        return typed_sql(spec, None)
    key = _single_key(spec)
    rows = parquet_sql(files) + (f" WHERE {_among(key, keys)}" if keys else "")
    return typed_sql(spec, current_version_sql(rows, key, through))


def std_loaded_sql(layout: Layout, table: str, night: date, through: date) -> str:
    """The records of ``std.<table>`` loaded on ``night`` that are still current after night
    ``through`` (as ``std_current_sql`` filtered to that load date), reading only the partitions
    from ``night`` on: a newer version of a record can only have been loaded later, so the
    history before it cannot change which version is current."""
    spec = contract(f"std.{table}")
    before = night - timedelta(days=1)
    files = layout.std_files_between(table, before, through)
    if not files:
        return typed_sql(spec, None)
    current = current_version_sql(parquet_sql(files), _single_key(spec), through, after=before)
    return typed_sql(spec, f"SELECT * FROM ({current}) WHERE load_date = {sql_date(night)}")


def std_history_sql(
    layout: Layout,
    table: str,
    through: date,
    keys: str | None = None,
    *,
    after: date | None = None,
) -> str:
    """Every delivered version of ``std.<table>`` loaded through night ``through``; with
    ``keys`` (SQL of one column of primary keys), of those records only; with ``after``, only
    those loaded after that night (reading only their partitions)."""
    spec = contract(f"std.{table}")
    files = layout.std_files_between(table, after, through)
    bounds = [f"load_date <= {sql_date(through)}"]
    bounds += [f"load_date > {sql_date(after)}"] if after else []
    bounds += [_among(_single_key(spec), keys)] if keys else []
    rows = f"{parquet_sql(files)} WHERE {' AND '.join(bounds)}" if files else None
    return typed_sql(spec, rows)


def _among(key: str, keys: str) -> str:
    return f"{quote_name(key)} IN ({keys})"


def night_sql(layout: Layout, table: str, day: date) -> str:
    """Stage table ``table`` (e.g. ``mpi.review_queue``) as written on night ``day``; empty if
    that night wrote none."""
    path = layout.night(table, day)
    return files_sql(table, [path] if path.exists() else [])


def nights_sql(layout: Layout, table: str, through: date) -> str:
    """Every night's rows of stage table ``table`` through night ``through``."""
    return files_sql(table, layout.nights(table, through))


def conform(table: pa.Table, dataset: str | Contract) -> pa.Table:
    """``table`` in the contract's column order and types; a missing column is an error (a
    writer that forgets a declared column is a bug), extra columns are refused too."""
    spec = dataset if isinstance(dataset, Contract) else contract(dataset)
    missing = [c for c in spec.column_names if c not in table.column_names]
    extra = [c for c in table.column_names if c not in spec.column_names]
    if missing or extra:
        raise ContractError(
            f"{spec.dataset}: writer gave missing columns {missing}, undeclared columns {extra}"
        )
    return table.select(spec.column_names).cast(spec.arrow_schema())


def write_table(table: pa.Table, dataset: str | Contract, path: Path) -> Path:
    """Write ``table`` as the contract declares it, atomically."""
    return write_parquet(conform(table, dataset), path)


def rows_table(dataset: str | Contract, rows: Sequence[dict]) -> pa.Table:
    """Python rows (dicts by column name; a missing column is null) as the contract's table."""
    spec = dataset if isinstance(dataset, Contract) else contract(dataset)
    return pa.Table.from_pylist(list(rows), schema=spec.arrow_schema())


def empty_table(dataset: str | Contract) -> pa.Table:
    """An Arrow table of the contract's schema with no rows."""
    spec = dataset if isinstance(dataset, Contract) else contract(dataset)
    return spec.arrow_schema().empty_table()


def _single_key(spec: Contract) -> str:
    if len(spec.primary_key) != 1:
        raise ContractError(f"{spec.dataset}: the current-version rule needs a one-column key")
    return spec.primary_key[0]


LINEAGE_COLUMNS = ("source_file", "load_id", "loaded_at", "load_date")


def lineage_schema() -> pa.Schema:
    """The lineage every lake row carries (Tuva-style): which delivery it came from — the
    columns and types of the load log (``ops.load_log``) that identify a delivery."""
    spec = contract("ops.load_log")
    return pa.schema([pa.field(n, spec.column(n).arrow_type) for n in LINEAGE_COLUMNS])
