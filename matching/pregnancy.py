"""Where a maternal-care row sits in a pregnancy (孕周, 产后天数).

A prenatal visit at 36 weeks dates the last menstrual period (末次月经) to within a week and
says the birth is still to come; a postpartum visit on day 9 dates the birth; a delivery row
dates both. One woman's rows of one pregnancy agree on those dates; two rows whose dates
cannot meet, yet lie less than a pregnancy apart, are two women (one woman's next pregnancy
starts after her last birth). ``conflicts`` finds such pairs among given rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from kernel.city import city
from kernel.layout import Layout
from kernel.sql import sql_string
from matching.relations import Rel, table
from schemas.tables import std_current_sql

# Dating by ultrasound and by the remembered period differ by up to two weeks; a birth's day
# by one (midnight, and whether the day of birth counts as day 0 or day 1 after it).
LMP_SLACK_DAYS = 14
BIRTH_SLACK_DAYS = 1
LONGEST_PREGNANCY_WEEKS = 44
# Rows further apart than this can be one woman's two pregnancies: not compared.
PREGNANCY_DAYS = 280

_TABLES = ("prenatal_visit", "postpartum_visit", "delivery", "maternal_registration")


def _shift(day: str, days: str) -> str:
    """SQL: date ``day`` moved by ``days`` (an integer expression; DuckDB adds only INTEGER)."""
    return f"{day} + CAST({days} AS INTEGER)"


_PRENATAL_LMP = "-7 * gestational_weeks"
# Per record type: (delivered_from, delivered_to, lmp_from, lmp_to) — NULL where the row says
# nothing. ``day`` is a delivery row's local date.
_RANGES = {
    "prenatal_visit": (
        "visit_date",
        _shift("visit_date", f"7 * greatest({LONGEST_PREGNANCY_WEEKS} - gestational_weeks, 0)"),
        _shift("visit_date", f"{_PRENATAL_LMP} - 6 - {LMP_SLACK_DAYS}"),
        _shift("visit_date", f"{_PRENATAL_LMP} + {LMP_SLACK_DAYS}"),
    ),
    # two postpartum rows count days the same way: no slack between them
    "postpartum_visit": (
        _shift("visit_date", "-days_after_delivery"),
        _shift("visit_date", "-days_after_delivery"),
        "NULL",
        "NULL",
    ),
    "delivery": (
        _shift("day", f"-{BIRTH_SLACK_DAYS}"),
        _shift("day", f"{BIRTH_SLACK_DAYS}"),
        _shift("day", f"{_PRENATAL_LMP} - 6 - {LMP_SLACK_DAYS}"),
        _shift("day", f"{_PRENATAL_LMP} + {LMP_SLACK_DAYS}"),
    ),
    "maternal_registration": (
        "NULL",
        "NULL",
        _shift("last_menstrual_date", f"-{LMP_SLACK_DAYS}"),
        _shift("last_menstrual_date", f"{LMP_SLACK_DAYS}"),
    ),
}


def timelines(con: duckdb.DuckDBPyConnection, data: Path, day: date, rows: Rel) -> Rel:
    """Table ``_timeline`` (unique_id, delivered_from, delivered_to, lmp_from, lmp_to) of the
    MCH mother mentions listed in ``rows`` (column unique_id), from their std records."""
    layout = Layout(data)
    zone = sql_string(city().timezone)
    parts = []
    for name in _TABLES:
        keys = (
            f"SELECT regexp_replace(unique_id, ':mother$', '') FROM {rows} "
            f"WHERE unique_id LIKE 'mch:%:mch.{name}:%:mother'"
        )
        delivered_from, delivered_to, lmp_from, lmp_to = _RANGES[name]
        local = f"CAST(timezone({zone}, delivery_time) AS DATE)" if name == "delivery" else "NULL"
        parts.append(f"""
        SELECT person_mention_id AS unique_id,
            CAST({delivered_from} AS DATE) AS delivered_from,
            CAST({delivered_to} AS DATE) AS delivered_to,
            CAST({lmp_from} AS DATE) AS lmp_from, CAST({lmp_to} AS DATE) AS lmp_to
        FROM (SELECT *, {local} AS day FROM ({std_current_sql(layout, name, day, keys)}))""")
    return table(con, "_timeline", " UNION ALL ".join(parts))


def _apart(a_from: str, a_to: str, b_from: str, b_to: str) -> str:
    """SQL: two date ranges that do not meet, and lie less than a pregnancy apart."""
    gap = f"greatest({a_from} - {b_to}, {b_from} - {a_to})"
    return f"coalesce({gap} > 0 AND {gap} < {PREGNANCY_DAYS}, false)"


def conflicts(con: duckdb.DuckDBPyConnection, pairs: Rel, timeline: Rel) -> Rel:
    """Table ``_pregnancy_conflicts``: the pairs (unique_id_l, unique_id_r) of ``pairs`` whose
    rows date two different pregnancies less than a pregnancy apart."""
    births = _apart("a.delivered_from", "a.delivered_to", "b.delivered_from", "b.delivered_to")
    periods = _apart("a.lmp_from", "a.lmp_to", "b.lmp_from", "b.lmp_to")
    return table(
        con,
        "_pregnancy_conflicts",
        f"""
        SELECT DISTINCT p.unique_id_l, p.unique_id_r FROM {pairs} p
        JOIN {timeline} a ON a.unique_id = p.unique_id_l
        JOIN {timeline} b ON b.unique_id = p.unique_id_r
        WHERE {births} OR {periods}""",
    )
