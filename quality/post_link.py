"""The check stage: quality checks that need the standardised lake or the MPI, after link.

``check_date(data, D)`` runs every ``lake`` check of the registry over the records loaded on
night D, judged against the lake as it stands after D (current versions, the night's MPI
crosswalk and review queue): relational (every detail belongs to a delivered encounter),
plausibility across records (a resident's age at a pregnancy or child checkup, dose order)
and identity (valid ID share, ID/birth-date/sex agreement, linkage and review shares).

It writes its part of ``quality.result`` for night D (the validate stage writes the other);
a rerun replaces the part. Each record is checked once, on the night it is loaded (or, for a
check with ``grace_days``, that many nights later), so nights add up to months.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from kernel.layout import Layout
from quality import results
from quality.registry import Target, lake_targets, render_template, validate_registry
from quality.sql_checks import aggregate, connect, literal, quote
from schemas.tables import night_sql, std_current_sql, std_loaded_sql, write_table

log = logging.getLogger(__name__)

GROUP = ("source", "dataset", "org_code")
# the std tables whose whole current state a check reads (dose order, a detail's encounter),
# materialised once per run; person mentions come in through mention_link
_HISTORY = ("encounter", "immunization")


class CheckStageError(RuntimeError):
    """The check stage cannot run for this night (the link stage has not written its outputs)."""


@dataclass(frozen=True)
class CheckSummary:
    """What one check run did, in counts only (no personal data)."""

    day: date
    results: int
    not_passed: dict[str, int] = field(default_factory=dict)  # severity → result rows
    seconds: float = 0.0
    result_path: Path | None = None


PART = "check"  # this stage's part of quality.result (validate writes the other)


def prepare(con: duckdb.DuckDBPyConnection, data: Path, day: date) -> None:
    """The relations lake templates read across records: current_<table> for ``_HISTORY`` (as it
    stands after the night), night_link (the night's crosswalk), mention_link (current mentions
    with their resident_id and link_method), resident_fact and review_mention. The rows a
    target checks are read apart, from their night's partitions on (``_loaded_on``)."""
    layout = Layout(data)
    crosswalk = layout.night("mpi.record_link", day)
    if not crosswalk.exists():
        raise CheckStageError(f"no MPI crosswalk for {day}: {crosswalk} (run the link stage first)")
    for table in _HISTORY:
        con.execute(f"CREATE TEMP TABLE current_{table} AS {std_current_sql(layout, table, day)}")
    links = night_sql(layout, "mpi.record_link", day)
    con.execute(f"""CREATE TEMP TABLE night_link AS
        SELECT mention_id, resident_id, link_method FROM ({links})""")
    mentions = std_current_sql(layout, "person_mention", day)
    con.execute(f"""CREATE TEMP TABLE mention_link AS
        SELECT m.*, l.resident_id, l.link_method
        FROM ({mentions}) m LEFT JOIN night_link l USING (mention_id)""")
    queue = night_sql(layout, "mpi.review_queue", day)
    con.execute(f"""CREATE TEMP VIEW review_mention AS
        SELECT mention_id_l AS mention_id FROM ({queue})
        UNION SELECT mention_id_r FROM ({queue})""")
    # a resident's birth date and sex: the MPI's golden record (one survivorship rule)
    resident = night_sql(layout, "mpi.resident", day)
    con.execute(f"CREATE TEMP TABLE resident_fact AS SELECT * FROM ({resident})")


def _loaded_on(layout: Layout, table: str, night: date, day: date) -> str:
    """The rows of a std table loaded on ``night`` that are current after night ``day`` (read
    from the partitions since ``night`` only); person mentions with the night's resident_id
    and link_method, as ``mention_link`` has them."""
    rows = f"({std_loaded_sql(layout, table, night, day)})"
    if table != "person_mention":
        return rows
    return f"""(SELECT m.*, l.resident_id, l.link_method
        FROM {rows} m LEFT JOIN night_link l USING (mention_id))"""


def render(target: Target, layout: Layout, day: date) -> str:
    """The SQL of one lake target: source, dataset, org_code, checked, failed, examples.

    ``night`` is what the target checks: the records loaded tonight or, with ``grace_days``,
    those loaded that many nights ago (judged now that they had time to be completed).
    """
    params = target.params
    table = target.dataset.split(".", 1)[1]
    checked_night = day - timedelta(days=int(params.get("grace_days", 0)))
    values = {
        "night": _loaded_on(layout, table, checked_night, day), "field": quote(target.field),
        "day": f"DATE '{day.isoformat()}'", "low": params.get("low"), "high": params.get("high"),
        "female_only": bool(params.get("female_only")),
        "roles": ", ".join(literal(r) for r in params.get("roles", [])),
        "not_auto": ", ".join(literal(m) for m in params.get("not_auto", [])),
        "conflict": quote(params.get("conflict", "")),
    }  # fmt: skip
    rows = render_template(target.check.template or "", **values)
    return aggregate(rows, GROUP)


def run_lake_checks(con: duckdb.DuckDBPyConnection, layout: Layout, day: date) -> pd.DataFrame:
    """Every lake target over the prepared relations → quality.result rows (pandas)."""
    parts = []
    for target in lake_targets():
        counts = con.execute(render(target, layout, day)).df()
        counts = counts[counts["checked"] > 0]  # e.g. a dose has no adult role to check IDs of
        if counts.empty:
            continue
        parts.append(counts.assign(check_code=target.check.check_code, field=target.result_field))
    if not parts:
        return pd.DataFrame(columns=results.RESULT_SCHEMA.names)
    return results.describe_rows(pd.concat(parts, ignore_index=True), day)


def check_date(data: Path, day: date) -> CheckSummary:
    """Run the lake checks for night ``day``; write their part of ``quality.result``."""
    started = time.perf_counter()
    validate_registry()
    data = Path(data)
    con = connect()
    try:
        prepare(con, data, day)
        table = results.finalise([run_lake_checks(con, Layout(data), day)])
    finally:
        con.close()
    path = write_table(table, "quality.result", Layout(data).night("quality.result", day, PART))
    summary = _summary(day, table, path, started)
    log.info("check %s: %d result rows, not passed %s, %.1f s",
             day, summary.results, summary.not_passed, summary.seconds)  # fmt: skip
    return summary


def _summary(day: date, table: pa.Table, path: Path, started: float) -> CheckSummary:
    frame = table.select(["severity", "passed"]).to_pandas()
    not_passed = frame[~frame["passed"]].groupby("severity").size().to_dict()
    return CheckSummary(
        day=day, results=table.num_rows, not_passed={k: int(v) for k, v in not_passed.items()},
        seconds=round(time.perf_counter() - started, 2), result_path=path,
    )  # fmt: skip
