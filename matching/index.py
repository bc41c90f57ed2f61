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
from kernel.sql import sql_string

# The nightly tables of the index (kernel.layout.NIGHTLY says where, schemas/mpi what).
CROSSWALK = "mpi.record_link"
FEATURES = "mpi.features"
QUEUE = "mpi.review_queue"
AUDIT = "mpi.link_audit"
REDIRECT = "mpi.resident_redirect"

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
    after = f"AND load_date > DATE '{prev.day}'" if prev.day else ""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _night AS
        SELECT * FROM read_parquet({sql_string(Layout(data).std_glob("person_mention"))},
                                   union_by_name = true, hive_partitioning = false)
        WHERE load_date <= DATE '{day}' {after}
        QUALIFY row_number() OVER (PARTITION BY mention_id
                                   ORDER BY load_date DESC, arrived_at DESC NULLS LAST) = 1""")
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


def write_table(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    path: Path,
    metadata: dict[bytes, bytes] | None = None,
) -> int:
    """Write the result of ``sql`` to Parquet at ``path`` atomically (DuckDB's parallel
    writer, then a rename); ``metadata`` goes into the file's key-value metadata. Returns
    the row count."""
    options = "FORMAT parquet, COMPRESSION zstd"
    if metadata:
        pairs = ", ".join(f"'{k.decode()}': '{v.decode()}'" for k, v in metadata.items())
        options += f", KV_METADATA {{{pairs}}}"
    with atomic_path(path) as tmp:
        rows = con.execute(f"COPY ({sql}) TO '{tmp}' ({options})").fetchall()[0][0]
    return int(rows)


CROSSWALK_TYPES = {
    "mention_id": "VARCHAR", "source": "VARCHAR", "org_code": "VARCHAR", "dataset": "VARCHAR",
    "record_id": "VARCHAR", "role": "VARCHAR", "role_group": "VARCHAR",
    "resident_id": "VARCHAR", "link_method": "VARCHAR", "assigned_by": "VARCHAR",
    "match_probability": "DOUBLE", "match_weight": "DOUBLE", "linked_on": "DATE",
    "features_on": "DATE", "model_version": "INTEGER",
}  # fmt: skip
EMPTY_CROSSWALK = (
    "SELECT " + ", ".join(f"NULL::{t} AS {c}" for c, t in CROSSWALK_TYPES.items()) + " LIMIT 0"
)

EMPTY_MENTIONS = """
SELECT NULL::VARCHAR AS mention_id, NULL::VARCHAR AS source, NULL::VARCHAR AS org_code,
    NULL::VARCHAR AS dataset, NULL::VARCHAR AS record_id, NULL::VARCHAR AS role,
    NULL::VARCHAR AS id_no, NULL::VARCHAR AS mother_id_no, NULL::VARCHAR AS name,
    NULL::VARCHAR AS name_pinyin, NULL::VARCHAR AS surname, NULL::VARCHAR AS given_name,
    NULL::DATE AS birth_date, NULL::DATE AS id_birth_date, NULL::VARCHAR AS sex_code,
    NULL::VARCHAR AS id_sex_code, NULL::VARCHAR AS phone, NULL::VARCHAR AS district_code,
    NULL::VARCHAR AS address, NULL::DATE AS event_date, NULL::BOOLEAN AS id_no_valid,
    NULL::DATE AS load_date
LIMIT 0
"""
