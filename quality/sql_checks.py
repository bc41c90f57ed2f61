"""Checks beyond the contracts: registry entries run as DuckDB SQL templates over a night's rows.

Each template (``quality/sql/<template>.sql``) returns one row per org: ``org_code, checked,
failed``. Python only turns a target's fields into typed SQL expressions (times as
TIMESTAMPTZ in the city's zone, date text via TRY_CAST) and fills the template in.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import jinja2
import pandas as pd

from quality.raw import ORG
from quality.registry import Target, checks, sql_template, targets
from schemas.contracts import Contract

CITY_TZ = "Asia/Shanghai"
TABLE = "delivery"
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose dates and times are read in the city's zone."""
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{CITY_TZ}'")
    return con


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


def render(target: Target, contract: Contract, day: date) -> str:
    """The SQL of one target of one check for night ``day``."""
    params = target.params
    values = {"table": TABLE, "org": quote(ORG)}
    template = target.check.template
    if template == "field_order":
        values |= {"earlier": value_expr(contract, target.field),
                   "later": value_expr(contract, params["later"])}  # fmt: skip
    elif template == "not_future":
        night_end = (day + timedelta(days=1)).isoformat()
        grace = int(params["grace_hours"])
        bound = f"(TIMESTAMPTZ '{night_end} 00:00:00+08:00' + INTERVAL {grace} HOUR)"
        values |= {"value": value_expr(contract, target.field), "bound": bound}
    elif template == "value_range":
        values |= {
            "value": quote(target.field),
            "low": params.get("low"),
            "high": params.get("high"),
        }
    elif template == "lag_hours":
        values |= {"event": value_expr(contract, target.field, end_of_day=True),
                   "arrival": value_expr(contract, params["arrival"]),
                   "max_hours": float(params["max_hours"])}  # fmt: skip
    elif template == "id_no_checksum":
        values |= {"id_no": quote(target.field), "id_type": _id_type_column(contract, target.field)}
    return _ENV.from_string(sql_template(template or "")).render(**values)


def run_sql_checks(
    con: duckdb.DuckDBPyConnection, contract: Contract, table: object, orgs: list[str], day: date
) -> pd.DataFrame:
    """Every SQL check on this dataset: rows of (org_code, check_code, field, checked, failed)."""
    con.register(TABLE, table)
    parts = []
    try:
        for check in checks().values():
            if check.engine != "sql":
                continue
            for target in targets(check, contract):
                counts = con.execute(render(target, contract, day)).df()
                counts = counts.set_index("org_code").reindex(orgs, fill_value=0).reset_index()
                parts.append(counts.assign(check_code=check.check_code, field=target.field))
    finally:
        con.unregister(TABLE)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
