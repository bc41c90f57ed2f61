"""Find the one archive a lookup means, in the restricted warehouse.

By ``resident_id``: the resident itself, or, when that id was retired by a merge, its survivor
through ``mpi.resident_redirect`` (published by the linkage stage; chains are followed). By ID
number: the number is standardised exactly as delivered numbers are
(``pipelines.standardise.ids``: spaces, full-width characters, lower-case x, the 15-digit legacy
form), then matched against the golden records, and failing that against the numbers delivered
on linked records, so a damaged number that reached the platform still finds its resident.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kernel import idno

REDIRECT_TABLE = ("mpi", "resident_redirect")
# Column names the redirect table may use, most specific first (retired id → surviving id).
_RETIRED_COLUMNS = ("retired_resident_id", "old_resident_id", "from_resident_id")
_SURVIVOR_COLUMNS = ("survivor_resident_id", "new_resident_id", "to_resident_id", "resident_id")
MAX_REDIRECTS = 32  # a longer chain is a loop in the data, not a history


@dataclass(frozen=True)
class Lookup:
    """What a lookup found; ``candidates`` lists the residents when it was ambiguous."""

    resident_id: str | None
    found_by: str  # resident_id | redirect | id_no | id_no_mention
    outcome: str  # found | not_found | ambiguous
    requested_resident_id: str | None = None
    candidates: tuple[str, ...] = ()


def find_resident(
    con: duckdb.DuckDBPyConnection, resident_id: str | None, id_no: str | None
) -> Lookup:
    """Exactly one of ``resident_id`` and ``id_no`` must be given."""
    if (resident_id is None) == (id_no is None):
        raise ValueError("give exactly one of resident_id and id_no")
    if resident_id is not None:
        return by_resident_id(con, resident_id.strip())
    return by_id_no(con, id_no or "")


def by_resident_id(con: duckdb.DuckDBPyConnection, resident_id: str) -> Lookup:
    if _is_resident(con, resident_id):
        return Lookup(resident_id, "resident_id", "found")
    survivor = follow_redirect(con, resident_id)
    if survivor is not None:
        return Lookup(survivor, "redirect", "found", requested_resident_id=resident_id)
    return Lookup(None, "resident_id", "not_found", requested_resident_id=resident_id)


def follow_redirect(con: duckdb.DuckDBPyConnection, resident_id: str) -> str | None:
    """The current resident a retired ``resident_id`` redirects to, or None."""
    columns = _redirect_columns(con)
    if columns is None:
        return None
    retired, survivor = columns
    current, seen = resident_id, {resident_id}
    for _ in range(MAX_REDIRECTS):
        row = con.execute(
            f'SELECT "{survivor}" FROM mpi.resident_redirect WHERE "{retired}" = ? '
            f'ORDER BY "{survivor}" LIMIT 1',
            [current],
        ).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            break
        current = row[0]
        seen.add(current)
    return current if current != resident_id and _is_resident(con, current) else None


def by_id_no(con: duckdb.DuckDBPyConnection, id_no: str) -> Lookup:
    standard = standard_id_no(id_no)
    if standard is None:
        return Lookup(None, "id_no", "not_found")
    golden = _residents(con, "SELECT resident_id FROM mpi.resident WHERE id_no = ?", standard)
    if golden:
        return _one_of(golden, "id_no")
    delivered = _residents(
        con,
        "SELECT resident_id FROM mpi.person_mention WHERE id_no = ? AND resident_id IS NOT NULL",
        standard,
    )
    return _one_of(delivered, "id_no_mention") if delivered else Lookup(None, "id_no", "not_found")


def standard_id_no(id_no: str) -> str | None:
    """The ID number as standardisation stores it (None when empty): the kernel's safe repairs
    (spaces, full-width, ``x``, 15 → 18), without importing the standardise stage."""
    return idno.normalise(id_no)


def _one_of(residents: list[str], found_by: str) -> Lookup:
    if len(residents) == 1:
        return Lookup(residents[0], found_by, "found")
    return Lookup(None, found_by, "ambiguous", candidates=tuple(residents))


def _residents(con: duckdb.DuckDBPyConnection, sql: str, value: str) -> list[str]:
    rows = con.execute(f"SELECT DISTINCT resident_id FROM ({sql}) ORDER BY 1", [value]).fetchall()
    return [r[0] for r in rows]


def _is_resident(con: duckdb.DuckDBPyConnection, resident_id: str) -> bool:
    found = con.execute("SELECT 1 FROM mpi.resident WHERE resident_id = ?", [resident_id])
    return found.fetchone() is not None


def _redirect_columns(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    names = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
            list(REDIRECT_TABLE),
        ).fetchall()
    ]
    if not names:
        return None  # the linkage stage has not published redirects (yet)
    retired = next((c for c in _RETIRED_COLUMNS if c in names), None)
    survivor = next((c for c in _SURVIVOR_COLUMNS if c in names and c != retired), None)
    if retired is None or survivor is None:
        raise LookupError(f"mpi.resident_redirect has no retired/survivor columns: {names}")
    return retired, survivor
