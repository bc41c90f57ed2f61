"""The relations the linkage steps hand each other on one DuckDB connection.

A step takes the relations it reads as arguments and returns the ones it makes, so a module
reads on its own: nothing depends on a temporary table merely existing under an agreed name.
A ``Rel`` is the name of a relation on the night's connection (a ``str``, so SQL text can
embed it); ``table``/``view`` make one and return it.
"""

from __future__ import annotations

import duckdb
import pandas as pd


class Rel(str):
    """A named relation (temporary table or view) on the night's connection."""

    __slots__ = ()


def table(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> Rel:
    """Materialise ``sql`` as temporary table ``name`` (replacing it) and return it."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    return Rel(name)


def view(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> Rel:
    """A temporary view ``name`` over ``sql``: read where used, never materialised."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
    return Rel(name)


def frame(con: duckdb.DuckDBPyConnection, name: str, rows: pd.DataFrame) -> Rel:
    """A pandas frame as temporary table ``name`` (copied, so the frame may go)."""
    con.register(f"_{name}_frame", rows)
    try:
        return table(con, name, f"SELECT * FROM _{name}_frame")
    finally:
        con.unregister(f"_{name}_frame")


def count(con: duckdb.DuckDBPyConnection, rel: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {rel}").fetchall()[0][0])
