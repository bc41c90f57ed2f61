"""Compare two published databases table by table: tables, columns, types, comments and rows.

``python -m tests.publish.compare_published BEFORE AFTER`` takes two data folders (or two
``.duckdb`` files) and prints every difference of ``warehouse.duckdb`` and ``analytics.duckdb``;
exit status 1 when there is one. Rows are compared as multisets (every value cast to text, sorted),
so an incremental build, whose appended rows sit at the end of a table, equals a full one; when
columns came or went, the rows are compared over the columns both sides have. The columns that
differ between two publishes of the same night (the dbt timings of ``ops.publish``, declared
volatile in ``pipelines.publish.ops_publish``) are left out of the rows, and only those; their
names, types and comments are compared like any other. ``--ignore-ops-publish`` leaves
``ops.publish`` out altogether (two checkouts whose ``ops.publish`` differs by design).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import duckdb

from pipelines.publish.ops_publish import VOLATILE

DATABASES = ("warehouse.duckdb", "analytics.duckdb")


def catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """schema.table → its comment and [(column, type, comment)] in order."""
    tables = {
        f"{s}.{t}": {"comment": c, "columns": []}
        for s, t, c in con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE NOT internal"
        ).fetchall()
    }
    for s, t, column, kind, comment in con.execute(
        "SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY schema_name, table_name, column_index"
    ).fetchall():
        if f"{s}.{t}" in tables:
            tables[f"{s}.{t}"]["columns"].append((column, kind, comment))
    return tables


def steady_select(table: str) -> str:
    """``SELECT`` of every column of ``table`` but those a rerun of the night may change."""
    volatile = ", ".join(f'"{c}"' for c in VOLATILE.get(table, ()))
    return f"SELECT * {f'EXCLUDE ({volatile}) ' if volatile else ''}FROM {table}"


def rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> Counter:
    listed = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
    return Counter(con.execute(f"SELECT {listed} FROM {table}").fetchall())


def compare_files(before: Path, after: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """Every difference between two database files, in words; empty when they agree."""
    found: list[str] = []
    with (
        duckdb.connect(str(before), read_only=True) as old,
        duckdb.connect(str(after), read_only=True) as new,
    ):
        was, now = catalogue(old), catalogue(new)
        for table in sorted(set(was) | set(now)):
            if table not in now or table not in was:
                found.append(f"{table}: only {'before' if table in was else 'after'}")
                continue
            if table in ignore:
                continue
            a, b = was[table], now[table]
            if a["comment"] != b["comment"]:
                found.append(f"{table}: table comment {a['comment']!r} → {b['comment']!r}")
            if a["columns"] != b["columns"]:
                for x, y in zip(a["columns"], b["columns"], strict=False):
                    if x != y:
                        found.append(f"{table}: column {x} → {y}")
                if len(a["columns"]) != len(b["columns"]):
                    found.append(f"{table}: {len(a['columns'])} → {len(b['columns'])} columns")
            # rows over the columns both have (all of them, unless columns came or went), but
            # the timings of the run that published them
            after = {c for c, _, _ in b["columns"]} - set(VOLATILE.get(table, ()))
            names = [c for c, _, _ in a["columns"] if c in after]
            found += _compare_rows(table, rows(old, table, names), rows(new, table, names))
    return found


def _compare_rows(table: str, left: Counter, right: Counter) -> list[str]:
    if left == right:
        return []
    gone, added = left - right, right - left
    return [
        f"{table}: rows differ ({sum(gone.values())} only before, "
        f"{sum(added.values())} only after, of {sum(left.values())})"
    ]


def compare_data(before: Path, after: Path, ignore: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """compare_files for both published databases of two data folders."""
    return {db: compare_files(before / db, after / db, ignore) for db in DATABASES}


def main(argv: list[str]) -> int:
    ignore = ("ops.publish",) if "--ignore-ops-publish" in argv else ()
    before, after = (Path(a) for a in argv if not a.startswith("--"))
    if before.suffix == ".duckdb":
        results = {before.name: compare_files(before, after, ignore)}
    else:
        results = compare_data(before, after, ignore)
    for db, differences in results.items():
        print(f"{db}: {'the same' if not differences else f'{len(differences)} differences'}")
        for line in differences:
            print(f"  {line}")
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
