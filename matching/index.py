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
from matching.relations import Rel, table, view
from schemas.contracts import stage_contracts
from schemas.tables import conformed_sql, empty_sql, typed_sql

# The nightly tables of the index (kernel.layout.NIGHTLY says where, schemas/mpi what).
CROSSWALK = "mpi.record_link"
FEATURES = "mpi.features"
QUEUE = "mpi.review_queue"
AUDIT = "mpi.link_audit"
REDIRECT = "mpi.resident_redirect"
RESIDENT = "mpi.resident"
MOTHER_CHILD = "mpi.mother_child"

# Columns of the index that blocking, stop lists and frequencies read (see matching.features).
KEY_COLUMNS = (
    "unique_id",
    "name",
    "name_key",
    "name_latin",
    "name_pinyin",
    "surname",
    "given_name",
    "id_key",
    "id_kind",
    "id_body",
    "id_check",
    "id_ab",
    "mother_key",
    "birth_key",
    "birth_year",
    "phone_key",
    "district_key",
    "address_key",
    "delivery_key",
    "birth_order",
    "sex_key",
)


def night_path(data: Path, day: date, name: str) -> Path:
    return Layout(data).night(name, day)


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


@dataclass(frozen=True)
class Stored:
    """The index as last night left it: ``links`` (its crosswalk, one row per mention) and
    ``features`` (the record features of every mention in it, the version it was compared as)."""

    links: Rel
    features: Rel


@dataclass(frozen=True)
class Night:
    """What arrived since the previous night: ``mentions`` (the newest version of every mention
    delivered, through tonight) and ``deleted`` (mention ids the sources deleted);
    ``recared`` lists index mentions added to ``mentions`` because their care, arrived
    tonight, says they are a child's (``matching.care``)."""

    mentions: Rel
    deleted: Rel
    recared: Rel | None = None


@dataclass(frozen=True)
class Split:
    """Tonight against the index: ``new`` (record features of mentions never seen, or whose
    identity changed: they are scored), ``removed`` (index mentions that leave it, with why)
    and ``keys`` (the key columns of every index mention that stays)."""

    new: Rel
    removed: Rel
    keys: Rel


def load_previous(con: duckdb.DuckDBPyConnection, prev: Previous, shape: Rel) -> Stored:
    """Last night's crosswalk and the record features it points to; ``shape`` (tonight's
    record features) stands in for an index that does not exist yet."""
    if prev.crosswalk is None:
        links = table(con, "prev_links", EMPTY_CROSSWALK)
        return Stored(links, view(con, "index_all", f"SELECT * FROM {shape} LIMIT 0"))
    links = table(con, "prev_links", parquet_sql([prev.crosswalk]))
    # features stored by an older version lack the newer columns: read them in tonight's shape
    stored = f"(SELECT * FROM {shape} LIMIT 0) UNION ALL BY NAME ({parquet_sql(prev.features)})"
    features = view(
        con,
        "index_all",
        f"""
        SELECT f.* EXCLUDE (features_on) FROM ({stored}) f
        SEMI JOIN {links} l ON l.mention_id = f.unique_id AND l.features_on = f.features_on""",
    )
    return Stored(links, features)


def load_night(con: duckdb.DuckDBPyConnection, data: Path, day: date, prev: Previous) -> Night:
    """The newest version of every mention delivered after the previous night, through
    ``day``, split into the living and the deleted."""
    files = Layout(data).std_files("person_mention")
    if not files:
        mentions = table(con, "night_mentions", EMPTY_MENTIONS)
        deleted = table(con, "night_deleted", "SELECT NULL::VARCHAR AS mention_id LIMIT 0")
        return Night(mentions, deleted)
    newest = current_version_sql(
        typed_sql("std.person_mention", parquet_sql(files)), "mention_id", day,
        after=prev.day, keep_tombstones=True,
    )  # fmt: skip
    arrived = table(con, "_night", newest)
    mentions = table(
        con, "night_mentions", f"SELECT * FROM {arrived} WHERE NOT coalesce(is_deleted, false)"
    )
    deleted = table(
        con, "night_deleted", f"SELECT mention_id FROM {arrived} WHERE coalesce(is_deleted, false)"
    )
    con.execute(f"DROP TABLE {arrived}")
    return Night(mentions, deleted)


def with_cared(
    con: duckdb.DuckDBPyConnection,
    data: Path,
    day: date,
    night: Night,
    stored: Stored,
    cared: Rel,
) -> Night:
    """Tonight's mentions plus the current version of every index mention not linked as a
    child's until now whose care says it is one (it is re-linked as a child's record)."""
    recared = table(
        con,
        "_recared",
        f"""
        SELECT unique_id FROM {stored.features}
        WHERE NOT coalesce(child_care, false)
          AND unique_id IN (SELECT unique_id FROM {cared})
          AND unique_id NOT IN (SELECT mention_id FROM {night.mentions})""",
    )
    files = Layout(data).std_files("person_mention")
    if not files or not con.execute(f"SELECT count(*) FROM {recared}").fetchall()[0][0]:
        return Night(night.mentions, night.deleted, recared)
    rows = f"""SELECT * FROM ({parquet_sql(files)})
               WHERE mention_id IN (SELECT unique_id FROM {recared})"""
    current = current_version_sql(typed_sql("std.person_mention", rows), "mention_id", day)
    mentions = table(
        con,
        "night_mentions_cared",
        f"""SELECT * FROM {night.mentions} UNION ALL BY NAME
            SELECT * FROM ({current}) WHERE NOT coalesce(is_deleted, false)""",
    )
    return Night(mentions, night.deleted, recared)


def split_night(
    con: duckdb.DuckDBPyConnection, records: Rel, stored: Stored, night: Night
) -> Split:
    """Tonight's record features against the index. Re-delivered mentions with unchanged
    identity fields keep their resident untouched and are not scored again; a mention whose
    care arrived tonight is scored again even so (a baby's row under its mother's identity,
    李敏之婴, already read as a child's: the care adds the day its newborn care began, which
    the family needs for a record without a birth date)."""
    recared = night.recared or "(SELECT NULL::VARCHAR AS unique_id LIMIT 0)"
    known = table(
        con,
        "_known",
        f"""
        SELECT unique_id, identity_hash FROM {stored.features}
        WHERE unique_id IN (SELECT unique_id FROM {records})""",
    )
    new = table(
        con,
        "new_records",
        f"""
        SELECT n.* FROM {records} n LEFT JOIN {known} k USING (unique_id)
        WHERE k.identity_hash IS DISTINCT FROM n.identity_hash
           OR n.unique_id IN (SELECT unique_id FROM {recared})
        ORDER BY n.unique_id""",
    )
    removed = table(
        con,
        "removed",
        f"""
        SELECT mention_id, 'record deleted at source' AS why FROM {night.deleted}
        WHERE mention_id IN (SELECT mention_id FROM {stored.links})
        UNION ALL
        SELECT unique_id,
            CASE WHEN unique_id IN (SELECT unique_id FROM {recared})
                 THEN 'care shows a child''s record' ELSE 'record corrected at source' END
        FROM {new}
        WHERE unique_id IN (SELECT unique_id FROM {known})""",
    )
    keys = table(
        con,
        "index_keys",
        f"""
        SELECT {", ".join(KEY_COLUMNS)} FROM {stored.features}
        WHERE unique_id NOT IN (SELECT mention_id FROM {removed})""",
    )
    return Split(new, removed, keys)


def load_candidates(con: duckdb.DuckDBPyConnection, stored: Stored, ids: Rel) -> Rel:
    """Full record features of the index mentions in ``ids`` (the blocking candidates)."""
    return table(
        con,
        "candidate_records",
        f"""
        SELECT * FROM {stored.features} WHERE unique_id IN (SELECT unique_id FROM {ids})""",
    )


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
