"""Services a person gets once: two records of one that say two people.

A clinic gives a child each dose of a vaccine once (乙肝 dose 1, 卡介苗 dose 1 …); a child
health clinic checks a child once a day; an MCH clinic sees a woman once a day for a prenatal
or a postpartum visit. Twins are vaccinated and checked together: the same dose at the same
clinic a day or two apart, under one guardian, one phone and one birth date, often one of them
still unnamed (小沈, 沈赟燕之子) or both under one name. Two women of one name are seen at one
clinic. Nothing in their identities tells them apart, but the services do:

- two active dose records of one vaccine and dose number at one clinic within
  ``DOSE_REPEAT_DAYS`` are two children (a dose given in error and entered again is voided
  first: the source re-exports it with status voided; a revaccination, 补种, comes months later);
- two child checkups, prenatal or postpartum visits at one clinic on one day are two people.

A clerk may also enter one dose or one visit twice and void or delete the copy nights later:
the copy says the same (the same instant of vaccination, the same measurements), twins' records
do not (twins are vaccinated minutes apart, weigh differently). So two records of one service
are two people only when their ``service_mark`` differs.

Each mention records at most one service (a record is one dose or one visit): its
``service_key`` says which, and two mentions with one key, ``service_on`` dates within
``DOSE_REPEAT_DAYS`` and two marks are two people (``matching.clustering.conflict_sql``); the
date of a visit is in its key, so only the same day matches. Adult health checkups are left
out: a centre may file one day's examination under two exam numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from kernel.layout import Layout
from kernel.sql import current_version_sql
from matching.relations import Rel, table
from schemas.tables import files_sql

# How far apart one clinic's two records of a vaccine's same dose say two children: twins
# are vaccinated the same day or the next; a repeated dose (补种) comes months later. Kept to a
# week: a dose typed in again weeks later (one child in our simulator's families city) must
# not split a child.
DOSE_REPEAT_DAYS = 7

EMPTY = (
    "SELECT NULL::VARCHAR AS unique_id, NULL::VARCHAR AS service_key, NULL::DATE AS service_on, "
    "NULL::VARCHAR AS service_mark LIMIT 0"
)


@dataclass(frozen=True)
class Service:
    """How one std table's rows are keyed (beyond the clinic), dated and told from a copy."""

    key: str
    on: str
    mark: str
    counts: str = "true"


SERVICES = {
    "immunization": Service(
        "coalesce(vaccine_cv_code, 'org:' || vaccine_code) || '|' || dose_no",
        "CAST(vaccinated_at AS DATE)",
        "CAST(vaccinated_at AS VARCHAR)",
        "status = 'active' AND dose_no IS NOT NULL AND coalesce(vaccine_cv_code, vaccine_code) "
        "IS NOT NULL",
    ),
    "child_checkup": Service(
        "strftime(checkup_date, '%Y%m%d')", "checkup_date",
        "concat_ws('|', height_cm, weight_kg, head_circumference_cm, development_result)",
    ),
    "prenatal_visit": Service(
        "strftime(visit_date, '%Y%m%d')", "visit_date",
        "concat_ws('|', gestational_weeks, weight_kg, systolic_bp, diastolic_bp, hemoglobin, "
        "fundal_height_cm)",
    ),
    "postpartum_visit": Service(
        "strftime(visit_date, '%Y%m%d')", "visit_date",
        "concat_ws('|', days_after_delivery, systolic_bp, diastolic_bp, notes)",
    ),
}  # fmt: skip


def service_marks(
    con: duckdb.DuckDBPyConnection, data: Path, after: date | None, through: date
) -> Rel:
    """Table ``_service_marks`` (unique_id, service_key, service_on, service_mark): the mention of
    every dose or visit whose newest version was loaded after night ``after`` (all, if None)
    through ``through`` — the nights whose person mentions are linked tonight."""
    layout = Layout(data)
    parts = []
    for name, service in SERVICES.items():
        files = layout.std_files_between(name, after, through)
        if not files:
            continue
        newest = current_version_sql(files_sql(f"std.{name}", files), "record_key", through,
                                     after=after)  # fmt: skip
        parts.append(f"""
            SELECT person_mention_id AS unique_id,
                concat_ws('|', '{name}', org_code, {service.key}) AS service_key,
                {service.on} AS service_on, nullif({service.mark}, '') AS service_mark
            FROM ({newest})
            WHERE person_mention_id IS NOT NULL AND {service.on} IS NOT NULL
              AND {service.counts}""")
    if not parts:
        return table(con, "_service_marks", EMPTY)
    return table(
        con,
        "_service_marks",
        f"""SELECT * FROM ({" UNION ALL ".join(parts)})
            QUALIFY row_number() OVER (PARTITION BY unique_id ORDER BY service_key) = 1""",
    )
