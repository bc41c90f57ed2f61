"""The golden record (主索引): one row per resident, chosen from the resident's current person
mentions by fixed survivorship rules. The one implementation of "a resident's birth date, sex,
ID number …": quality checks read it from the MPI and the warehouse publishes it.

- ID number: checksum-valid over invalid, then most frequent, then most recently delivered;
- name: most frequent (placeholders are already null); phone, address: most recently delivered;
- birth date and sex: from the chosen valid ID number, else the most frequent delivered value
  (a known sex 1/2 before 0/9);
- district: the most recent address naming one, else the district of the institution most of
  the resident's records come from.

Every tie ends on the value itself, so reruns agree.

A night recomputes only the residents whose mentions changed (``Carried``) and carries the
others' rows from the night before, when those were chosen by the same rules from the same
institutions' reference (the fingerprint in the file's metadata); otherwise it recomputes all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from kernel.layout import Layout
from matching.relations import table
from schemas.tables import files_sql, std_current_sql, std_history_sql

_SQL = """
WITH first_seen AS (
    SELECT mention_id, min(load_date) AS first_load_date
    FROM ({history}) WHERE NOT is_deleted GROUP BY mention_id
),
mention AS (
    -- a parent's ID number, birth date or name on a child's record (linkage's record features
    -- moved them to the mother's side) are not the child's
    SELECT link.resident_id, pm.* REPLACE (
            CASE WHEN NOT parent_id THEN pm.id_no END AS id_no,
            CASE WHEN NOT parent_id THEN pm.id_type END AS id_type,
            pm.id_no_valid AND NOT parent_id AS id_no_valid,
            CASE WHEN NOT parent_id THEN pm.id_birth_date END AS id_birth_date,
            CASE WHEN NOT parent_id THEN pm.id_sex_code END AS id_sex_code,
            CASE WHEN NOT coalesce(f.unique_id IS NOT NULL AND f.birth_key IS NULL, false)
                 THEN pm.birth_date END AS birth_date,
            CASE WHEN NOT coalesce(f.unique_id IS NOT NULL AND f.name IS NULL, false)
                 THEN pm.name END AS name),
        fs.first_load_date, inst.district_code AS org_district_code,
        coalesce(pm.arrived_at, pm.loaded_at) AS seen_at
    FROM ({links}) AS link
    JOIN ({current}) AS pm USING (mention_id)
    LEFT JOIN ({features}) AS f ON f.unique_id = link.mention_id
    CROSS JOIN LATERAL (SELECT coalesce(f.unique_id IS NOT NULL AND f.id_key IS NULL,
                                        false) AS parent_id)
    JOIN first_seen AS fs USING (mention_id)
    LEFT JOIN ({institutions}) AS inst ON inst.org_code = pm.org_code
),
id_choice AS (
    SELECT resident_id,
        first(id_no ORDER BY is_valid DESC, n DESC, last_seen DESC, id_no) AS id_no,
        first(id_type ORDER BY is_valid DESC, n DESC, last_seen DESC, id_no) AS id_type,
        first(is_valid ORDER BY is_valid DESC, n DESC, last_seen DESC, id_no) AS id_no_valid,
        first(id_birth_date ORDER BY is_valid DESC, n DESC, last_seen DESC, id_no)
            AS id_birth_date,
        first(id_sex_code ORDER BY is_valid DESC, n DESC, last_seen DESC, id_no) AS id_sex_code
    FROM (
        SELECT resident_id, id_no, bool_or(id_no_valid) AS is_valid, count(*) AS n,
            max(seen_at) AS last_seen, min(id_type) AS id_type,
            max(id_birth_date) FILTER (WHERE id_no_valid) AS id_birth_date,
            max(id_sex_code) FILTER (WHERE id_no_valid) AS id_sex_code
        FROM mention WHERE id_no IS NOT NULL GROUP BY resident_id, id_no
    )
    GROUP BY resident_id
),
name_choice AS (
    SELECT resident_id, first(name ORDER BY n DESC, last_seen DESC, name) AS name
    FROM (SELECT resident_id, name, count(*) AS n, max(seen_at) AS last_seen
          FROM mention WHERE name IS NOT NULL GROUP BY resident_id, name)
    GROUP BY resident_id
),
delivered_choice AS (
    SELECT resident_id,
        first(birth_date ORDER BY birth_n DESC, birth_date)
            FILTER (WHERE birth_date IS NOT NULL) AS birth_date,
        first(sex_code ORDER BY sex_code IN ('1', '2') DESC, sex_n DESC, sex_code)
            FILTER (WHERE sex_code IS NOT NULL) AS sex_code
    FROM (
        SELECT resident_id, birth_date, sex_code,
            count(*) OVER (PARTITION BY resident_id, birth_date) AS birth_n,
            count(*) OVER (PARTITION BY resident_id, sex_code) AS sex_n
        FROM mention
    )
    GROUP BY resident_id
),
recent_choice AS (
    SELECT resident_id,
        first(phone ORDER BY seen_at DESC, phone) FILTER (WHERE phone IS NOT NULL) AS phone,
        first(address ORDER BY seen_at DESC, address) FILTER (WHERE address IS NOT NULL)
            AS address,
        first(district_code ORDER BY seen_at DESC, district_code)
            FILTER (WHERE district_code IS NOT NULL) AS address_district_code,
        count(*) AS mention_count, count(DISTINCT org_code) AS org_count,
        min(first_load_date) AS first_load_date, max(event_date) AS last_event_date
    FROM mention GROUP BY resident_id
),
org_district AS (
    SELECT resident_id,
        first(org_district_code ORDER BY n DESC, org_district_code) AS district_code
    FROM (SELECT resident_id, org_district_code, count(*) AS n FROM mention
          WHERE org_district_code IS NOT NULL GROUP BY resident_id, org_district_code)
    GROUP BY resident_id
)
SELECT
    recent.resident_id, id_choice.id_type, id_choice.id_no,
    coalesce(id_choice.id_no_valid, false) AS id_no_valid, name_choice.name,
    coalesce(id_choice.id_sex_code, delivered.sex_code) AS sex_code,
    coalesce(id_choice.id_birth_date, delivered.birth_date) AS birth_date,
    recent.phone, recent.address,
    coalesce(recent.address_district_code, org_district.district_code) AS district_code,
    CASE WHEN recent.address_district_code IS NOT NULL THEN 'address'
         WHEN org_district.district_code IS NOT NULL THEN 'institution' END AS district_from,
    recent.mention_count, recent.org_count, recent.first_load_date, recent.last_event_date
FROM recent_choice AS recent
LEFT JOIN id_choice USING (resident_id)
LEFT JOIN name_choice USING (resident_id)
LEFT JOIN delivered_choice AS delivered USING (resident_id)
LEFT JOIN org_district USING (resident_id)
ORDER BY recent.resident_id
"""


_NO_FEATURES = (
    "SELECT NULL::VARCHAR AS unique_id, NULL::VARCHAR AS id_key, NULL::DATE AS birth_key, "
    "NULL::VARCHAR AS name LIMIT 0"
)


def golden_record_sql(
    layout: Layout, day: date, links: str, features: str | None = None, *, only: bool = False
) -> str:
    """SQL of ``mpi.resident`` after night ``day`` for the crosswalk relation ``links``
    (``mention_id``, ``resident_id``); ``features`` (linkage's record features) tells a
    parent's identity on a child's record from the child's own. ``only``: ``links`` holds a
    few residents, so the lake is read for their mentions alone."""
    institutions = layout.reference("institutions")
    keys = f"SELECT mention_id FROM ({links})" if only else None
    return _SQL.format(
        links=links,
        features=f"SELECT unique_id, id_key, birth_key, name FROM {features}"
        if features
        else _NO_FEATURES,
        current=std_current_sql(layout, "person_mention", day, keys),
        history=std_history_sql(layout, "person_mention", day, keys),
        institutions=files_sql(
            "reference.institutions", [institutions] if institutions.exists() else []
        ),
    )


FINGERPRINT_KEY = b"healtharchive.golden_rules"


def fingerprint(layout: Layout) -> dict[bytes, bytes]:
    """The file metadata saying which rules and which institutions' reference chose the rows
    (a district moves with its institution)."""
    digest = hashlib.sha256(_SQL.encode())
    institutions = layout.reference("institutions")
    if institutions.exists():
        digest.update(institutions.read_bytes())
    return {FINGERPRINT_KEY: digest.hexdigest()[:32].encode()}


@dataclass(frozen=True)
class Carried:
    """Last night's ``mpi.resident`` file and the SQL of the resident ids (one column) whose
    mentions changed since (their rows are recomputed; the others are carried)."""

    previous: Path | None
    changed: str


def golden_records(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    day: date,
    links: str,
    features: str,
    carried: Carried | None = None,
) -> str:
    """Create temp table ``golden`` (``mpi.resident`` rows) and return the SQL that reads it."""
    if carried is None or not _same_rules(layout, carried.previous):
        sql = golden_record_sql(layout, day, links, features)
    else:
        # the changed residents, once: the recomputation reads them four times
        changed = table(con, "_changed_residents", carried.changed)
        their_links = f"SELECT * FROM ({links}) WHERE resident_id IN (SELECT * FROM {changed})"
        recomputed = golden_record_sql(layout, day, their_links, features, only=True)
        sql = f"""
            SELECT * FROM ({recomputed})
            UNION ALL BY NAME
            SELECT * FROM ({files_sql("mpi.resident", [carried.previous])})
            WHERE resident_id NOT IN (SELECT * FROM {changed})
              AND resident_id IN (SELECT resident_id FROM ({links}))
            ORDER BY resident_id"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE golden AS {sql}")
    return "SELECT * FROM golden"


def _same_rules(layout: Layout, previous: Path | None) -> bool:
    if previous is None or not previous.exists():
        return False
    meta = pq.read_schema(previous).metadata or {}
    return meta.get(FINGERPRINT_KEY) == fingerprint(layout)[FINGERPRINT_KEY]
