"""Mothers and their children as residents (``mpi.mother_child``): the relation the maternal-
child archive and the vaccination follow-up need, derived from tonight's crosswalk.

Evidence, strongest first:

- a delivery record names the mother and the newborn of one birth (one MCH record, two
  mentions);
- a child's record (a child checkup, a newborn's hospital or delivery record) carries the
  mother's ID number, and an adult resident holds that number as her own;
- a vaccination record carries the guardian's ID number: a guardian may be the father or a
  grandparent, so it counts only when the guardian resident is a woman of a mother's age.

A pair is kept only when the two are different residents and, where both birth dates are
known, the mother was 12 to 60 at the birth: a relation never joins a person to herself.
"""

from __future__ import annotations

import duckdb

from matching.relations import Rel, table

MOTHER_AGE_YEARS = (12, 60)

_SQL = """
WITH mention AS (
    SELECT f.unique_id, f.source, f.org_code, f.dataset, f.record_id, f.role, f.role_group,
        f.id_key, f.id_valid, f.mother_key, l.resident_id, l.linked_on AS load_date
    FROM {features} f JOIN {links} l ON l.mention_id = f.unique_id),
own_id AS (  -- an adult's own checksum-valid number → her resident
    SELECT DISTINCT id_key, resident_id FROM mention
    WHERE role_group = 'adult' AND id_valid AND id_key IS NOT NULL),
evidence AS (
    SELECT m.resident_id AS mother_resident_id, n.resident_id AS child_resident_id,
        'delivery record' AS kind, n.load_date
    FROM mention n JOIN mention m
      ON m.source = n.source AND m.org_code = n.org_code AND m.record_id = n.record_id
     AND m.dataset = n.dataset
    WHERE n.dataset = 'mch.delivery' AND n.role = 'newborn' AND m.role = 'mother'
    UNION ALL
    SELECT o.resident_id, c.resident_id,
        CASE WHEN c.source = 'vaccination' THEN 'guardian''s ID'
             ELSE 'mother''s ID on the child''s record' END,
        c.load_date
    FROM mention c JOIN own_id o ON o.id_key = c.mother_key
    WHERE c.role_group = 'child'),
plausible AS (
    SELECT e.* FROM evidence e
    LEFT JOIN {golden} m ON m.resident_id = e.mother_resident_id
    LEFT JOIN {golden} c ON c.resident_id = e.child_resident_id
    WHERE e.mother_resident_id <> e.child_resident_id
      AND (m.birth_date IS NULL OR c.birth_date IS NULL
           OR date_diff('year', m.birth_date, c.birth_date) BETWEEN {low} AND {high})
      AND (e.kind <> 'guardian''s ID' OR coalesce(m.sex_code, '2') = '2'))
SELECT mother_resident_id, child_resident_id,
    array_to_string(list_sort(list_distinct(list(kind))), '; ') AS evidence,
    count(*) AS records, min(load_date) AS first_seen
FROM plausible GROUP BY ALL
ORDER BY mother_resident_id, child_resident_id
"""


def mother_child(con: duckdb.DuckDBPyConnection, features: str, links: Rel, golden: Rel) -> Rel:
    """``mpi.mother_child`` rows from the record features of every current mention, the
    crosswalk (mention → resident) and the golden records (birth date, sex)."""
    low, high = MOTHER_AGE_YEARS
    return table(con, "mother_child", _SQL.format(
        features=features, links=links, golden=golden, low=low, high=high
    ))  # fmt: skip
