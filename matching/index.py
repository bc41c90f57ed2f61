"""The master person index on disk, and what a night adds to it.

Under ``data/mpi/date=D/`` the linkage stage writes, atomically:

- ``record_link.parquet``: the crosswalk after night D, one row per current mention
  (resident_id, how it was linked, since when), the resident-id counter in its metadata;
- ``features.parquet``: record features (``matching.features``) of the mentions that were
  new or changed on night D only — every mention's features are computed once per version
  and found again through the crosswalk's ``features_on``;
- ``review_queue.parquet``: every pair still waiting for a reviewer;
- ``link_audit.parquet`` and ``resident_redirect.parquet``: tonight's merges, splits, moves
  and retired resident ids.

Reviewers' decisions live beside them in ``data/mpi/decisions/`` (``matching.decisions``).
A rerun of night D reads the state of the newest night before D, so it gives the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from kernel.atomic import atomic_path
from kernel.layout import Layout, partition_date
from kernel.sql import current_version_sql, parquet_sql
from schemas.contracts import stage_contracts
from schemas.tables import conformed_sql, empty_sql

# The nightly tables of the index (kernel.layout.NIGHTLY says where, schemas/mpi what).
CROSSWALK = "mpi.record_link"
FEATURES = "mpi.features"
QUEUE = "mpi.review_queue"
AUDIT = "mpi.link_audit"
REDIRECT = "mpi.resident_redirect"
RESIDENT = "mpi.resident"

# Columns of the index that blocking, stop lists and frequencies read (see matching.features).
KEY_COLUMNS = (
    "unique_id",
    "name",
    "name_pinyin",
    "surname",
    "id_key",
    "id_ab",
    "mother_key",
    "birth_key",
    "birth_year",
    "phone_key",
    "district_key",
    "delivery_key",
)


def night_path(data: Path, day: date, table: str) -> Path:
    return Layout(data).night(table, day)


@dataclass(frozen=True)
class Previous:
    """The newest night before tonight that has a crosswalk, if any."""

    day: date | None
    crosswalk: Path | None
    features: tuple[Path, ...]


def previous(data: Path, day: date) -> Previous:
    layout = Layout(data)
    crosswalk = layout.latest_before(CROSSWALK, day)
    if crosswalk is None:
        return Previous(None, None, ())
    before = partition_date(crosswalk)
    features = layout.nights(FEATURES, before)
    return Previous(before, crosswalk, tuple(features))


def _files(paths: tuple[Path, ...]) -> str:
    return "[" + ", ".join(f"'{p}'" for p in paths) + "]"


def load_previous(con: duckdb.DuckDBPyConnection, prev: Previous) -> None:
    """Table ``prev_links`` (last night's crosswalk) and view ``index_all`` (the record
    features of every mention in it, the version the crosswalk points to). Needs tonight's
    ``night_records`` (their shape stands in for an index that does not exist yet)."""
    if prev.crosswalk is None:
        con.execute(f"CREATE OR REPLACE TABLE prev_links AS {EMPTY_CROSSWALK}")
        con.execute("CREATE OR REPLACE TEMP VIEW index_all AS SELECT * FROM night_records LIMIT 0")
        return
    con.execute(f"""CREATE OR REPLACE TABLE prev_links AS SELECT *
        FROM read_parquet('{prev.crosswalk}', hive_partitioning = false)""")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW index_all AS
        SELECT f.* EXCLUDE (features_on)
        FROM read_parquet({_files(prev.features)}, hive_partitioning = false) f
        SEMI JOIN prev_links l ON l.mention_id = f.unique_id AND l.features_on = f.features_on
    """)


def load_night(con: duckdb.DuckDBPyConnection, data: Path, day: date, prev: Previous) -> None:
    """Tables ``night_mentions`` (the newest version of every mention delivered after the
    previous night, through ``day``) and ``night_deleted`` (mention ids deleted at source)."""
    files = Layout(data).std_files("person_mention")
    if not files:
        con.execute(f"CREATE OR REPLACE TABLE night_mentions AS {EMPTY_MENTIONS}")
        con.execute(
            "CREATE OR REPLACE TABLE night_deleted AS SELECT NULL::VARCHAR AS mention_id LIMIT 0"
        )
        return
    newest = current_version_sql(
        parquet_sql(files), "mention_id", day, after=prev.day, keep_tombstones=True
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _night AS {newest}")
    con.execute(
        "CREATE OR REPLACE TABLE night_mentions AS "
        "SELECT * FROM _night WHERE NOT coalesce(is_deleted, false)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE night_deleted AS "
        "SELECT mention_id FROM _night WHERE coalesce(is_deleted, false)"
    )
    con.execute("DROP TABLE _night")


def split_night(con: duckdb.DuckDBPyConnection) -> None:
    """From tonight's record features and the previous index:

    - ``new_records``: mentions never seen, or whose identity fields changed (re-scored);
    - ``removed``: previous mentions that leave the index (deleted, or changed), with why;
    - ``index_keys``: the key columns of every index mention that stays.
    Re-delivered mentions with unchanged identity fields keep their resident untouched.
    """
    con.execute("""CREATE OR REPLACE TEMP TABLE _known AS
        SELECT unique_id, identity_hash FROM index_all
        WHERE unique_id IN (SELECT unique_id FROM night_records)""")
    con.execute("""CREATE OR REPLACE TABLE new_records AS
        SELECT n.* FROM night_records n LEFT JOIN _known k USING (unique_id)
        WHERE k.identity_hash IS DISTINCT FROM n.identity_hash ORDER BY n.unique_id""")
    con.execute("""CREATE OR REPLACE TABLE removed AS
        SELECT mention_id, 'record deleted at source' AS why FROM night_deleted
        WHERE mention_id IN (SELECT mention_id FROM prev_links)
        UNION ALL
        SELECT unique_id, 'record corrected at source' FROM new_records
        WHERE unique_id IN (SELECT unique_id FROM _known)""")
    con.execute(f"""CREATE OR REPLACE TABLE index_keys AS
        SELECT {", ".join(KEY_COLUMNS)} FROM index_all
        WHERE unique_id NOT IN (SELECT mention_id FROM removed)""")


def load_candidates(con: duckdb.DuckDBPyConnection, ids: str = "candidate_ids") -> None:
    """Table ``candidate_records``: full record features of the index mentions in ``ids``."""
    con.execute(f"""CREATE OR REPLACE TABLE candidate_records AS
        SELECT * FROM index_all WHERE unique_id IN (SELECT unique_id FROM {ids})""")


def write_night(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    data: Path,
    day: date,
    table: str,
    metadata: dict[bytes, bytes] | None = None,
) -> int:
    """Write the result of ``sql`` as night ``day``'s partition of ``table``, atomically
    (DuckDB's parallel writer, then a rename), in the columns and types of its contract in
    ``schemas/mpi`` (``mpi.features`` is matching's own and has none); ``metadata`` goes into
    the file's key-value metadata. Returns the row count."""
    if table in stage_contracts():
        sql = conformed_sql(table, sql)
    path = night_path(data, day, table)
    options = "FORMAT parquet, COMPRESSION zstd"
    if metadata:
        pairs = ", ".join(f"'{k.decode()}': '{v.decode()}'" for k, v in metadata.items())
        options += f", KV_METADATA {{{pairs}}}"
    with atomic_path(path) as tmp:
        rows = con.execute(f"COPY ({sql}) TO '{tmp}' ({options})").fetchall()[0][0]
    return int(rows)


EMPTY_CROSSWALK = empty_sql(CROSSWALK)

EMPTY_MENTIONS = empty_sql("std.person_mention")
