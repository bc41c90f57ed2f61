"""Hospital front-end databases (前置库): the rows of each table changed on the logical date.

Read through SQLAlchemy from a database URL (``connectors``), one connection per hospital, so a
PostgreSQL or MySQL front end works like the SQLite one the spec describes. ``updated_at`` is
compared as a timestamp, not as text: hospitals write it in different spellings. The SQL
narrows to a window around the day (on SQLite, wide enough for ``julianday``, which reads an
offset-less timestamp as UTC and cannot read ``2024/03/01`` at all: such rows come along;
elsewhere a day wider on each side, served by an index on ``updated_at``); the exact
``D 00:00 <= t < D+1 00:00`` (+08:00) cut is ``day_window``, applied once per dataset to the
rows of all hospitals together.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from kernel.city import city
from kernel.values import parse_timestamps
from pipelines.extract.conform import LINE, drift_message, text_values
from pipelines.extract.connectors import Frontend
from pipelines.extract.landing import PART, Window
from pipelines.extract.outcomes import Delivery, Outcome, Received, missing, stopped
from schemas.contracts import Contract


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[D 00:00, D+1 00:00) on the city's clock."""
    start = datetime.combine(day, time(), tzinfo=city().zone)
    return start, start + timedelta(days=1)


def stamp_column(spec: Contract) -> str:
    return spec.delivery.get("incremental_column", "updated_at")


def read_frontend(
    frontend: Frontend, tables: list[Contract], day: date
) -> Iterator[Received | Outcome]:
    """One Received (or a stopped/missing Outcome) per table, in the order of ``tables``."""
    deliveries = [
        Delivery(c, frontend.org_code, f"{frontend.label}#{c.delivery['table']}", day)
        for c in tables
    ]
    if frontend.path is not None and not frontend.path.exists():
        yield from (missing(d, "no front-end database") for d in deliveries)
        return
    if frontend.problem:
        yield from (stopped(d, "incomplete", frontend.problem) for d in deliveries)
        return
    try:
        engine = sa.create_engine(frontend.url)
        conn = engine.connect()
    except Exception as exc:  # driver missing, host unreachable, bad URL: this hospital only
        why = f"cannot connect to {frontend.shown}: {type(exc).__name__}"
        yield from (stopped(d, "incomplete", why) for d in deliveries)
        return
    try:
        for d in deliveries:
            yield _read_table(conn, d)
    finally:
        conn.close()
        engine.dispose()


def _read_table(conn: sa.Connection, d: Delivery) -> Received | Outcome:
    try:
        columns, rows = _changed_rows(conn, d.contract, d.day)
    except sa.exc.SQLAlchemyError as exc:
        conn.rollback()  # PostgreSQL refuses further statements in a failed transaction
        problem = _table_problem(conn, d.contract)
        if problem:
            return stopped(d, "drift", f"{d.source_file}: {problem}")
        return stopped(d, "incomplete", f"cannot read front-end table: {type(exc).__name__}")
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    texts = pa.table({c: text_values(list(v)) for c, v in zip(columns, values, strict=True)})
    return Received(d, texts.append_column(LINE, pa.nulls(len(rows), pa.int64())))


def _window_sql(conn: sa.Connection, table: str, stamp: str) -> str:
    quote = conn.dialect.identifier_preparer.quote
    ts = quote(stamp)
    if conn.dialect.name == "sqlite":
        day = f"julianday({ts}) >= julianday(:lo) AND julianday({ts}) < julianday(:hi)"
        cond = f"julianday({ts}) IS NULL OR ({day})"
    else:  # an index on updated_at serves this
        cond = f"{ts} >= :lo AND {ts} < :hi"
    return f"SELECT * FROM {quote(table)} WHERE {cond}"


def _changed_rows(conn: sa.Connection, spec: Contract, day: date) -> tuple[list[str], list]:
    """(delivered column names, rows) whose change time is within a day of ``day``."""
    start, end = day_bounds(day)
    lo, hi = start - timedelta(days=1), end + timedelta(days=1)
    if conn.dialect.name == "sqlite":
        # julianday reads '…+08:00' as the instant it is, and an offset-less local stamp as if
        # it were UTC: the window covers both readings of [D 00:00, D+1 00:00) +08:00
        utc = [t.astimezone(ZoneInfo("UTC")).replace(tzinfo=None) for t in (start, end)]
        wall = [t.replace(tzinfo=None) for t in (start, end)]
        lo, hi = (f"{t:%Y-%m-%d %H:%M:%S}" for t in (min(utc[0], wall[0]), max(utc[1], wall[1])))
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


def day_window(spec: Contract, day: date) -> Window:
    """The exact cut of stacked front-end rows to ``day`` (see the module docstring)."""
    start, end = day_bounds(day)
    stamp = stamp_column(spec)

    def cut(stacked: pa.Table, parts: int) -> tuple[pa.Table, np.ndarray]:
        stamps = parse_timestamps(stacked[stamp])
        on_day = pc.and_(pc.greater_equal(stamps, start), pc.less(stamps, end)).fill_null(False)
        unreadable = stamps.is_null().to_numpy(zero_copy_only=False)
        part_ids = stacked[PART].to_numpy()
        return stacked.filter(on_day), np.bincount(part_ids[unreadable], minlength=parts)

    return cut
