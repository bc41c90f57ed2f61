"""Hospital patients the care says are children, whatever their patient row says.

A hospital often opens the newborn's record under the mother: her name (or 王芳之女), her ID
number, sometimes her birth date and sex. Nothing in such a row tells the baby from the mother,
but the care does: the baby is seen in a neonatal or paediatric department and coded with
perinatal conditions (ICD-10 chapter XVI, P00–P96, never on the mother's own record), as a
liveborn infant (Z38; the mother's delivery is Z37) or for a routine child health check
(Z00.1). Linkage then treats the patient's mention as a child's, so the mother's identity on
it is read as the mother's (``matching.features``).

The encounter and its diagnoses often reach the platform nights after the patient row (an
inpatient stay is written at discharge), so the evidence is read from the standardised event
tables of every night since the index was last built, and a patient already in the index is
re-linked as a child's the night its care arrives.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from kernel.layout import Layout
from kernel.sql import sql_date, sql_string
from matching.relations import Rel, table
from schemas.tables import files_sql

# Departments of children's care, as hospitals name them (儿科 also covers 小儿外科, 儿童保健科…);
# the first two see newborns only
CHILD_DEPARTMENTS = ("新生儿", "NICU", "儿科", "儿童", "儿保", "PICU")
NEWBORN_DEPARTMENTS = CHILD_DEPARTMENTS[:2]
# ICD-10 codes given only to a child: perinatal conditions (P00–P96) and liveborn infants (Z38),
# both a newborn's; routine child health examination (Z00.1)
CHILD_DIAGNOSIS = r"^(P[0-9]{2}|Z38|Z00\.1)"
NEWBORN_DIAGNOSIS = r"^(P[0-9]{2}|Z38)"


def cared_children(
    con: duckdb.DuckDBPyConnection, data: Path, after: date | None, through: date
) -> Rel:
    """Table ``_cared_children`` (unique_id, newborn_on): hospital patient mentions whose
    encounters or diagnoses loaded after night ``after`` (all, if None) through ``through`` are
    a child's — a diagnosis and its encounter may arrive on different nights, either first —
    and the first day of a newborn's care (a neonatal department, a perinatal or liveborn code):
    the baby was born in the four weeks before it."""
    layout = Layout(data)
    encounters = layout.std_files_between("encounter", None, through)
    diagnoses = layout.std_files_between("diagnosis", None, through)

    def since(alias: str) -> str:  # loaded after the night the index was built on
        return "true" if after is None else f"{alias}.load_date > {sql_date(after)}"

    return table(
        con,
        "_cared_children",
        f"""
        WITH encounter AS (
            SELECT record_key, person_mention_id, load_date, CAST(event_time AS DATE) AS seen_on,
                {_any_of(NEWBORN_DEPARTMENTS)} AS newborn, {_any_of(CHILD_DEPARTMENTS)} AS child
            FROM ({files_sql("std.encounter", encounters)})
            WHERE person_mention_id IS NOT NULL),
        diagnosis AS (
            SELECT encounter_key, load_date,
                regexp_matches(upper(icd10_code), {sql_string(NEWBORN_DIAGNOSIS)}) AS newborn
            FROM ({files_sql("std.diagnosis", diagnoses)})
            WHERE regexp_matches(upper(icd10_code), {sql_string(CHILD_DIAGNOSIS)})),
        evidence AS (
            SELECT person_mention_id, CASE WHEN newborn THEN seen_on END AS newborn_on
            FROM encounter e WHERE child AND {since("e")}
            UNION ALL
            SELECT e.person_mention_id, CASE WHEN d.newborn OR e.newborn THEN e.seen_on END
            FROM diagnosis d JOIN encounter e ON e.record_key = d.encounter_key
            WHERE {since("d")} OR {since("e")})
        SELECT person_mention_id AS unique_id, min(newborn_on) AS newborn_on
        FROM evidence GROUP BY 1""",
    )


def _any_of(departments: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"contains(dept_name, {sql_string(d)})" for d in departments) + ")"
