"""Checks beyond the contracts: registry entries run as DuckDB SQL templates over a night's rows.

A template (``quality/sql/<template>.sql``) says, row by row, whether the row was checked and
whether it failed, next to its record key; ``aggregate`` turns that into the one shape every
check returns (OHDSI DQD): per org, rows checked, rows failed and a few failing record keys.
Python only turns a target's fields into typed SQL expressions (times as TIMESTAMPTZ in the
city's zone, date text via TRY_CAST) and fills the template in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pyarrow as pa

from kernel import idno
from kernel.city import city
from kernel.sql import quote_name as quote
from kernel.sql import sql_string as literal
from quality.raw import ORG, by_night, night_org, night_orgs
from quality.registry import Target, checks, render_template, targets
from quality.results import EXAMPLES
from schemas.contracts import Contract

TABLE = "delivery"
# the columns a batch of nights adds (``run_sql_checks_nights``): the row's night's end and the
# group counted (``quality.raw.night_orgs``)
NIGHT_END, NIGHT_ORG = "_night_end", "_night_org"


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose dates and times are read in the city's zone, with the GB 11643
    macros (``gb11643_valid``) the checks use."""
    con = duckdb.connect()
    con.execute(f"SET TimeZone = {literal(city().timezone)}")
    con.execute(idno.duckdb_macros())
    return con


def aggregate(rows_sql: str, group: tuple[str, ...] = ("org_code",)) -> str:
    """Row-level template output → checked, failed and up to EXAMPLES failing keys per group."""
    keys = ", ".join(group)
    return f"""
        SELECT {keys},
               count(*) FILTER (WHERE checked) AS checked,
               count(*) FILTER (WHERE checked AND failed) AS failed,
               array_to_string(coalesce(
                   min(record_key, {EXAMPLES}) FILTER (WHERE checked AND failed), []), ', ')
                   AS examples
        FROM ({rows_sql}) GROUP BY {keys}
    """


def record_key(contract: Contract) -> str:
    """``source:org_code:dataset:record_id`` — the std lake's record_key, so a key in a report
    can be looked up in either layer; NULL for a dataset without a primary key."""
    if not contract.primary_key:
        return "CAST(NULL AS VARCHAR)"
    parts = [literal(f"{contract.source}:"), quote(ORG), literal(f":{contract.dataset}:")]
    parts += [f"CAST({quote(k)} AS VARCHAR)" for k in contract.primary_key]
    return "concat(" + ", ".join(parts) + ")"


def value_expr(contract: Contract, field: str, end_of_day: bool = False) -> str:
    """A column as a comparable SQL value; ``a,b`` means the first filled of a and b.

    Times become TIMESTAMPTZ; a date becomes its midnight, or with ``end_of_day`` the next
    midnight (the latest moment a date-only event can have happened).
    """
    names = field.split(",")
    if len(names) > 1:
        return "coalesce(" + ", ".join(value_expr(contract, n, end_of_day) for n in names) + ")"
    col = contract.column(field)
    shift = " + INTERVAL 1 DAY" if end_of_day else ""
    if col.type == "date":
        return f"(CAST({quote(field)} AS TIMESTAMPTZ){shift})"
    if col.type == "string" and col.format == "date":
        return f"(CAST(TRY_CAST({quote(field)} AS DATE) AS TIMESTAMPTZ){shift})"
    return quote(field)


def _id_type_column(contract: Contract, field: str) -> str | None:
    for mention in contract.person_mentions:
        if mention.get("id_no") == field and mention.get("id_type"):
            return quote(mention["id_type"])
    return None


def night_end(day: date) -> str:
    """The end of logical date ``day``: midnight after it, in the city's offset."""
    return f"{(day + timedelta(days=1)).isoformat()} 00:00:00+08:00"


def _template_values(target: Target, contract: Contract, day: date | None) -> dict[str, object]:
    """What one template needs, as SQL text: typed column expressions and literal bounds."""
    params, template = target.params, target.check.template
    if template == "field_order":
        return {"earlier": value_expr(contract, target.field),
                "later": value_expr(contract, params["later"])}  # fmt: skip
    if template == "not_future":
        end = quote(NIGHT_END) if day is None else f"TIMESTAMPTZ '{night_end(day)}'"
        bound = f"({end} + INTERVAL {int(params['grace_hours'])} HOUR)"
        return {"value": value_expr(contract, target.field), "bound": bound}
    if template == "value_range":
        code_field = params.get("code_field")
        return {"value": quote(target.field), "low": params.get("low"),
                "high": params.get("high"), "code_field": code_field and quote(code_field),
                "code": literal(params.get("code"))}  # fmt: skip
    if template == "lag_hours":
        return {"event": value_expr(contract, target.field, end_of_day=True),
                "arrival": value_expr(contract, params["arrival"]),
                "max_hours": float(params["max_hours"])}  # fmt: skip
    if template == "id_no_checksum":
        return {"id_no": quote(target.field), "id_type": _id_type_column(contract, target.field)}
    if template == "age_at_event":
        return {"birth": value_expr(contract, target.field),
                "event": value_expr(contract, params["event"]),
                "low": float(params["low"]), "high": float(params["high"])}  # fmt: skip
    if template == "bmi_range":
        return {"height": quote(target.field), "weight": quote(params["weight"]),
                "low": float(params["low"]), "high": float(params["high"])}  # fmt: skip
    if template == "flag_consistent":
        return {"value": quote(target.field), "flag": quote(params["flag"]),
                "ref_range": quote(params["ref_range"])}  # fmt: skip
    raise ValueError(f"{target.check.check_code}: no raw template {template!r}")


def render(target: Target, contract: Contract, day: date | None, group: str = ORG) -> str:
    """The SQL of one target of one check for night ``day``: org_code, checked, failed, examples.
    With ``day`` None, over a batch of nights: each row's night's end is its ``NIGHT_END`` and
    the counts are per ``group`` column."""
    values = {"table": TABLE, "org": quote(group), "key": record_key(contract)}
    values |= _template_values(target, contract, day)
    rows = render_template(target.check.template or "", **values)
    return aggregate(rows)


def run_sql_checks(
    con: duckdb.DuckDBPyConnection, contract: Contract, table: object, orgs: list[str], day: date
) -> pd.DataFrame:
    """Every SQL check on this dataset: org_code, check_code, field, checked, failed, examples.

    All targets run as one UNION ALL query (one round trip instead of one per target); every
    org that delivered gets a row per target, zero when it had nothing to check.
    """
    return _run(con, contract, table, orgs, lambda target: render(target, contract, day))


def run_sql_checks_nights(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    nights: list[tuple[date, pa.Table, list[str]]],
) -> dict[date, pd.DataFrame]:
    """``run_sql_checks`` for several nights' deliveries (night, table, orgs) in one query; the
    counts of each night, as its own call would give them."""
    if not nights:
        return {}
    tables = [
        table.append_column(
            NIGHT_END, pa.array([_instant(day)] * table.num_rows, _INSTANT)
        ).append_column(NIGHT_ORG, night_orgs(day, table[ORG]))
        for day, table, _ in nights
    ]
    groups = [night_org(day, org) for day, _, orgs in nights for org in orgs]
    counts = _run(con, contract, pa.concat_tables(tables), groups,
                  lambda target: render(target, contract, None, NIGHT_ORG))  # fmt: skip
    if counts.empty:
        return {day: counts for day, _, _ in nights}
    return by_night(counts, [day for day, _, _ in nights])


_INSTANT = pa.timestamp("us", tz="UTC")


def _instant(day: date) -> datetime:
    return datetime.fromisoformat(night_end(day))


def _run(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    table: object,
    groups: list[str],
    rendered: Callable[[Target], str],
) -> pd.DataFrame:
    found = [(check.check_code, target) for check in checks().values() if check.engine == "sql"
             for target in targets(check, contract)]  # fmt: skip
    if not found:
        return pd.DataFrame()
    parts = [
        f"SELECT {literal(code)} AS check_code, {literal(target.result_field)} AS field, * "
        f"FROM ({rendered(target)})"
        for code, target in found
    ]
    con.register(TABLE, table)
    try:
        counts = con.execute(" UNION ALL ".join(parts)).df()
    finally:
        con.unregister(TABLE)
    keys = pd.MultiIndex.from_tuples(
        [(code, target.result_field, group) for code, target in found for group in groups],
        names=["check_code", "field", "org_code"],
    )
    counts = counts.set_index(["check_code", "field", "org_code"]).reindex(keys)
    counts = counts.fillna({"checked": 0, "failed": 0, "examples": ""}).reset_index()
    return counts.astype({"checked": "int64", "failed": "int64"})
