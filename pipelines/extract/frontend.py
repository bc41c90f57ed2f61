"""Hospital front-end databases (前置库): the rows of one table changed on the logical date.

Read through SQLAlchemy from a database URL, so a PostgreSQL or MySQL front end works like the
SQLite one the spec describes. ``updated_at`` is compared as a timestamp, not as text: hospitals
write it in different spellings. The SQL narrows to a window a day wider on each side (SQLite's
``julianday`` treats a timestamp without offset as UTC); the exact ``D 00:00 <= t < D+1 00:00``
(+08:00) cut is made after parsing in pandas.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow.compute as pc
import sqlalchemy as sa

from pipelines.extract.conform import LINE, drift_message, text_array
from pipelines.extract.errors import DeliveryStopped
from pipelines.extract.parse import TIMEZONE, parse_timestamps
from schemas.contracts import Contract


def sqlite_url(path: object) -> str:
    """A read-only SQLAlchemy URL for a SQLite file: extraction must never write to a source."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[D 00:00, D+1 00:00) in Asia/Shanghai."""
    start = datetime.combine(day, time(), tzinfo=ZoneInfo(TIMEZONE))
    return start, start + timedelta(days=1)


def _window_sql(engine: sa.Engine, table: str, columns: list[str], stamp: str) -> str:
    quote = engine.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in columns)
    ts = quote(stamp)
    if engine.dialect.name == "sqlite":
        # spellings julianday cannot read (2024/03/01 …) come along and are parsed in pandas
        day = f"julianday({ts}) >= julianday(:lo) AND julianday({ts}) < julianday(:hi)"
        cond = f"julianday({ts}) IS NULL OR ({day})"
    else:
        cond = f"{ts} >= :lo AND {ts} < :hi"
    return f"SELECT {cols} FROM {quote(table)} WHERE {cond}"


def read_changed_rows(engine: sa.Engine, contract: Contract, day: date) -> tuple[pd.DataFrame, int]:
    """(rows whose incremental column falls on ``day``, count of unreadable stamps).

    Text values under the delivered column names; DeliveryStopped("drift") when the table or
    its columns differ from the contract.
    """
    table = contract.delivery["table"]
    stamp = contract.delivery.get("incremental_column", "updated_at")
    columns = contract.delivered_names
    _check_columns(engine, table, contract)
    start, end = day_bounds(day)
    lo, hi = start - timedelta(days=1), end + timedelta(days=1)
    if engine.dialect.name == "sqlite":  # julianday compares in UTC text
        lo, hi = (t.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S") for t in (lo, hi))
    sql = sa.text(_window_sql(engine, table, columns, stamp))
    with engine.connect() as conn:
        rows = conn.execute(sql, {"lo": lo, "hi": hi}).fetchall()
    # column-wise: pandas probing SQLAlchemy Row objects one by one is slow
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    frame = pd.DataFrame(
        {c: pd.Series(v, dtype=object) for c, v in zip(columns, values, strict=True)}
    )
    if frame.empty:
        return frame.assign(**{LINE: None}), 0
    stamps = parse_timestamps(text_array(frame[stamp]))
    unreadable = stamps.null_count  # cannot be placed on any date: counted, not loaded
    on_day = pc.and_(pc.greater_equal(stamps, start), pc.less(stamps, end)).fill_null(False)
    frame = frame[on_day.to_numpy(zero_copy_only=False)].reset_index(drop=True)
    frame[LINE] = None
    return frame, unreadable


def _check_columns(engine: sa.Engine, table: str, contract: Contract) -> None:
    inspector = sa.inspect(engine)
    if not inspector.has_table(table):
        raise DeliveryStopped("drift", f"front-end database has no table {table!r}")
    found = [c["name"] for c in inspector.get_columns(table)]
    message = drift_message(found, contract)
    if message:
        raise DeliveryStopped("drift", f"table {table}: {message}")
