"""Hospital front-end databases (前置库): the rows of each table changed since the last night.

Read through SQLAlchemy from a database URL (``connectors``), one connection per hospital, so a
PostgreSQL or MySQL front end works like the SQLite one the spec describes. Every call is
bounded (``session``): a database that does not answer costs its hospital the night (status
``incomplete``, the reason said), never the other hospitals. Which rows a table gives is
``marks``: those stamped on the date, and late arrivals since last night's high-water mark.

``updated_at`` is compared as a timestamp, not as text: hospitals write it in different
spellings. The SQL narrows to a window around the rows wanted (on SQLite, wide enough for
``julianday``, which reads an offset-less timestamp as UTC and cannot read ``2024/03/01`` at
all: such rows come along; elsewhere a day wider on each side, served by an index on
``updated_at``); the exact cut is ``frontend_cut``, applied once per dataset to the rows of all
hospitals together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from kernel.city import city
from kernel.values import parse_timestamps
from pipelines.extract.conform import LINE, drift_message, row_keys, text_values
from pipelines.extract.connectors import Frontend, sqlite_uri
from pipelines.extract.landing import PART, Cut, Window
from pipelines.extract.marks import Increment, row_micros, stamp_column
from pipelines.extract.outcomes import Delivery, Outcome, Received, missing, stopped
from pipelines.extract.session import (
    FrontendTimeout,
    Session,
    describe,
    may_pass,
    stops_the_hospital,
)
from schemas.contracts import Contract

# What a front end can throw at the night; anything else is a fault of extract itself.
FAILURES = (
    sa.exc.SQLAlchemyError,
    sqlite3.Error,
    FrontendTimeout,
    OSError,
    ImportError,
    ValueError,
)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[D 00:00, D+1 00:00) on the city's clock."""
    start = datetime.combine(day, time(), tzinfo=city().zone)
    return start, start + timedelta(days=1)


def read_frontend(
    frontend: Frontend, tables: list[Contract], day: date, plan: Callable[[Contract], Increment]
) -> Iterator[Received | Outcome]:
    """One Received (or a stopped/missing Outcome) per table, in the order of ``tables``;
    ``plan(table)`` says which rows night ``day`` takes from it."""
    deliveries = [
        Delivery(c, frontend.org_code, f"{frontend.label}#{c.delivery['table']}", day)
        for c in tables
    ]
    if frontend.path is not None and not frontend.path.exists():
        yield from (missing(d, "no front-end database") for d in deliveries)
        return
    if frontend.problem:
        yield from (stopped(d, "incomplete", f"{d.source_file}: {frontend.problem}")
                    for d in deliveries)  # fmt: skip
        return
    uri = sqlite_uri(frontend.path) if frontend.path is not None else None
    session = Session(frontend.url, frontend.limits, day, uri)
    try:
        try:
            session.connect()
        except FAILURES as exc:  # driver missing, host unreachable, bad URL: this hospital only
            where = frontend.label if frontend.path is not None else frontend.shown
            reason = describe(exc, frontend.limits)
            why = f"cannot connect to {where}: {reason}"
            for d in deliveries:
                yield _unanswered(stopped(d, "incomplete", f"{d.source_file}: {why}"), reason)
            return
        for n, d in enumerate(deliveries):
            item, reason = _read_table(session, d, plan(d.contract))
            yield item
            if stops_the_hospital(reason):  # every further table would wait out its limit too
                skipped = f"not read tonight: the database stopped answering at {d.contract.name}"
                for rest in deliveries[n + 1 :]:
                    yield _unanswered(stopped(rest, "incomplete", f"{rest.source_file}: {skipped}"),
                                      reason)  # fmt: skip
                return
    finally:
        session.close()


def _read_table(session: Session, d: Delivery, plan: Increment) -> tuple[Received | Outcome, str]:
    """(what one table gave, why it failed or '')."""
    spec = d.contract
    try:
        columns, rows = session.run(lambda conn: _changed_rows(conn, spec, d.day, plan.since),
                                    spec.name)  # fmt: skip
    except FAILURES as exc:
        reason = describe(exc, session.limits)
        if not session.broken and not stops_the_hospital(reason):
            problem = _drift_behind(session, spec)
            if problem:
                return stopped(d, "drift", f"{d.source_file}: {problem}"), ""
        problem = stopped(d, "incomplete", f"{d.source_file}: cannot read the table: {reason}")
        return _unanswered(problem, reason), reason
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    texts = pa.table({c: text_values(list(v)) for c, v in zip(columns, values, strict=True)})
    texts = texts.append_column(LINE, pa.nulls(len(rows), pa.int64()))
    return Received(d, texts, increment=plan), ""


def _unanswered(outcome: Outcome, reason: str) -> Outcome:
    """Mark an outcome whose cause may pass (a server restarting, a lock): a retry may load it."""
    outcome.transient = may_pass(reason)
    return outcome


def _drift_behind(session: Session, spec: Contract) -> str | None:
    """Drift that made the query fail (no such table, no change-time column), if any."""

    def look(conn: sa.Connection) -> str | None:
        conn.rollback()  # PostgreSQL refuses further statements in a failed transaction
        return _table_problem(conn, spec)

    try:
        return session.run(look, f"{spec.name} (columns)")
    except FAILURES:
        return None


def _window_sql(conn: sa.Connection, table: str, stamp: str) -> str:
    quote = conn.dialect.identifier_preparer.quote
    ts = quote(stamp)
    if conn.dialect.name == "sqlite":
        day = f"julianday({ts}) >= julianday(:lo) AND julianday({ts}) < julianday(:hi)"
        cond = f"julianday({ts}) IS NULL OR ({day})"
    else:  # an index on updated_at serves this
        cond = f"{ts} >= :lo AND {ts} < :hi"
    return f"SELECT * FROM {quote(table)} WHERE {cond}"


def _changed_rows(
    conn: sa.Connection, spec: Contract, day: date, since: datetime
) -> tuple[list[str], list]:
    """(delivered column names, rows) whose change time is within a day of [since, D+1)."""
    zone = city().zone
    _, end = day_bounds(day)
    lo, hi = since - timedelta(days=1), end + timedelta(days=1)
    if conn.dialect.name == "sqlite":
        # julianday reads '…+08:00' as the instant it is, and an offset-less local stamp as if
        # it were UTC: the window covers both readings of [since, D+1 00:00) on the city clock
        utc = [t.astimezone(ZoneInfo("UTC")).replace(tzinfo=None) for t in (since, end)]
        wall = [t.astimezone(zone).replace(tzinfo=None) for t in (since, end)]
        lo, hi = (f"{t:%Y-%m-%d %H:%M:%S}" for t in (min(utc[0], wall[0]), max(utc[1], wall[1])))
    else:  # the city's clock: a DATETIME column holds Beijing time, a timestamptz converts
        lo, hi = lo.astimezone(zone), hi.astimezone(zone)
    result = conn.execute(sa.text(_window_sql(conn, spec.delivery["table"], stamp_column(spec))),
                          {"lo": lo, "hi": hi})  # fmt: skip
    return list(result.keys()), result.fetchall()


def _table_problem(conn: sa.Connection, spec: Contract) -> str | None:
    """Drift that made the query fail: the table or its change-time column is not there."""
    table = spec.delivery["table"]
    try:
        inspector = sa.inspect(conn)
        if not inspector.has_table(table):
            return f"front-end database has no table {table!r}"
        found = [c["name"] for c in inspector.get_columns(table)]
    except sa.exc.SQLAlchemyError:
        return None
    return drift_message(found, spec)


def frontend_cut(spec: Contract, day: date) -> Window:
    """The exact cut of stacked front-end rows: per part (one hospital's table) the rows
    stamped in [since, D+1 00:00) that were not extracted before (``marks``)."""
    start, end = day_bounds(day)
    stamp = stamp_column(spec)

    def cut(stacked: pa.Table, parts: list[Received]) -> Cut:
        plans = [r.increment or Increment(start) for r in parts]
        part_ids = stacked[PART].to_numpy()
        take = pa.array(part_ids.astype(np.int64))
        stamps = parse_timestamps(stacked[stamp])
        since = pa.array([p.since for p in plans], stamps.type).take(take)
        wanted = pc.and_(pc.greater_equal(stamps, since), pc.less(stamps, end)).fill_null(False)
        keys, micros = pc.utf8_trim_whitespace(row_keys(stacked, spec)), row_micros(stamps)
        keep = pc.and_(wanted, pc.invert(_extracted(keys, micros, take, plans)))
        keep_np = keep.to_numpy(zero_copy_only=False)
        late = keep_np & pc.less(stamps, start).fill_null(False).to_numpy(zero_copy_only=False)
        unreadable = stamps.is_null().to_numpy(zero_copy_only=False)
        notes = [
            _join(_count(n, "rows with an unreadable change time not placed on any date"),
                  _count(k, f"late rows (changed before {day}, not extracted before) taken"))
            for n, k in zip(np.bincount(part_ids[unreadable], minlength=len(parts)),
                            np.bincount(part_ids[late], minlength=len(parts)), strict=True)
        ]  # fmt: skip
        taken = pa.table({"key": keys, "micros": micros}).filter(keep)
        ids = part_ids[keep_np]  # stacked in part order: each part's rows are one slice
        bounds = np.searchsorted(ids, np.arange(len(parts) + 1))
        per_part = [taken.slice(a, b - a) for a, b in pairwise(bounds.tolist())]
        return Cut(stacked.filter(keep), notes, per_part)

    return cut


def _extracted(
    keys: pa.Array, micros: pa.Array, take: pa.Array, plans: list[Increment]
) -> pa.Array:
    """Rows of which a version with the same or a later change time was extracted before."""
    if not any(p.seen.num_rows for p in plans):
        return pa.nulls(len(keys), pa.bool_()).fill_null(False)
    prefix = pa.array([f"{n}|" for n in range(len(plans))]).take(take)  # one part's keys apart
    seen_keys = pa.concat_arrays([
        pc.binary_join_element_wise(pa.array([f"{n}|"] * p.seen.num_rows, pa.string()),
                                    p.seen["key"].combine_chunks(), "")
        for n, p in enumerate(plans)
    ])  # fmt: skip
    seen_micros = pa.concat_arrays([p.seen["micros"].combine_chunks() for p in plans])
    where = pc.index_in(pc.binary_join_element_wise(prefix, keys, ""), value_set=seen_keys)
    return pc.greater_equal(seen_micros.take(where), micros).fill_null(False)


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n else ""


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)
