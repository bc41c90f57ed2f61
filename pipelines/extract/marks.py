"""High-water marks of the hospital front-end tables, and what was extracted near them.

A row stamped yesterday can reach a front-end database after last night's run (a HIS that
syncs into its 前置库 in batches, a long transaction, replication lag). Taking only the rows
stamped on the logical date would miss it forever. So after every night extract stores, per
institution and table, the greatest change time it has extracted — the high-water mark
(``Layout.frontend_marks``) — and the rows it extracted within the look-back of that mark (row
key and change time, ``Layout.frontend_recent``). Night D then takes the rows stamped from

    since = min(D 00:00, mark - frontend_lookback_hours)

to D+1 00:00, less those already extracted: a row is taken unless a version of it (same key)
with the same or a later change time is among the recent rows. A table without a mark yet (its
first night) takes exactly [D 00:00, D+1 00:00), as spec/SOURCES.md says. A night on which a
table could not be read leaves its mark and recent rows as they were, so the next night takes
up what it missed.

The state read is that of the newest night before D: rerunning a date gives the same answer as
its first run (given the same nights before it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kernel.atomic import write_parquet, write_text
from kernel.city import city
from kernel.layout import Layout, partition_date
from schemas.contracts import Contract

Marks = dict[str, dict[str, datetime]]  # org_code → dataset name → greatest change time
RECENT = pa.schema([("org_code", pa.string()), ("dataset", pa.string()), ("key", pa.string()),
                    ("micros", pa.int64())])  # fmt: skip
SEEN = pa.schema([("key", pa.string()), ("micros", pa.int64())])


@dataclass(frozen=True)
class Increment:
    """Which rows of one front-end table night D takes: stamped in [since, D+1 00:00), less
    those already extracted (``seen``: row key → greatest change time extracted, in µs)."""

    since: datetime
    seen: pa.Table = field(default_factory=SEEN.empty_table)


@dataclass
class State:
    """The marks and recent rows after one night (recent: org_code, dataset, key, micros)."""

    marks: Marks = field(default_factory=dict)
    recent: pa.Table = field(default_factory=RECENT.empty_table)
    _tables: dict[tuple[str, str], pa.Table] | None = field(default=None, repr=False)

    def seen(self, org: str, name: str) -> pa.Table:
        """The recent rows of one institution's table (key, micros)."""
        if self._tables is None:
            self._tables = _by_table(self.recent)
        return self._tables.get((org, name), SEEN.empty_table())


def stamp_column(spec: Contract) -> str:
    return spec.delivery.get("incremental_column", "updated_at")


def row_micros(stamps: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Change times as µs since the epoch: the instant, whatever zone it was written in."""
    return pc.cast(pc.cast(stamps, pa.timestamp("us", tz="UTC")), pa.int64())


def read_state(data: Path, day: date) -> State:
    """The state after the newest night before ``day`` (empty before the first)."""
    path = Layout(data).frontend_marks_before(day)
    if path is None:
        return State()
    try:  # a damaged file costs the look-back of one night, never a row
        body = json.loads(path.read_text(encoding="utf-8"))
        recent = pq.read_table(Layout(data).frontend_recent(partition_date(path)))
    except (OSError, ValueError, pa.ArrowException):
        return State()
    marks = {org: {name: datetime.fromisoformat(t) for name, t in tables.items()}
             for org, tables in body.items()}  # fmt: skip
    return State(marks, recent.cast(RECENT))


def _by_table(recent: pa.Table) -> dict[tuple[str, str], pa.Table]:
    recent = recent.sort_by([("org_code", "ascending"), ("dataset", "ascending")])
    tables, start = {}, 0
    pairs = list(zip(recent["org_code"].to_pylist(), recent["dataset"].to_pylist(), strict=True))
    for end in range(1, len(pairs) + 1):
        if end == len(pairs) or pairs[end] != pairs[start]:
            tables[pairs[start]] = recent.slice(start, end - start).select(["key", "micros"])
            start = end
    return tables


def increment(spec: Contract, org: str, day: date, state: State) -> Increment:
    """What night ``day`` takes from one institution's table (see the module docstring)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=city().zone)
    mark = state.marks.get(org, {}).get(spec.name)
    if mark is None:
        return Increment(start)
    since = min(start, mark - timedelta(hours=city().frontend_lookback_hours))
    seen = state.seen(org, spec.name)
    if seen.num_rows:
        seen = seen.filter(pc.greater_equal(seen["micros"], _at(since)))
    return Increment(since, seen)


def advance(state: State, taken: Iterable[tuple[str, str, pa.Table]]) -> State:
    """The state after tonight: ``taken`` holds (org, dataset, rows taken: key, micros) of
    every front-end table read tonight; every other table keeps its mark and recent rows."""
    tonight = [pa.table({"org_code": pa.array([org] * t.num_rows, pa.string()),
                         "dataset": pa.array([name] * t.num_rows, pa.string()),
                         "key": t["key"], "micros": t["micros"]})
               for org, name, t in taken if t.num_rows]  # fmt: skip
    if not tonight:
        return State(state.marks, state.recent)
    new = pa.concat_tables(tonight).cast(RECENT)
    marks = {org: dict(tables) for org, tables in state.marks.items()}
    zone = city().zone
    greatest = new.group_by(["org_code", "dataset"]).aggregate([("micros", "max")])
    columns = (greatest[c].to_pylist() for c in ("org_code", "dataset", "micros_max"))
    for org, name, micros in zip(*columns, strict=True):
        moment = pa.scalar(micros, pa.timestamp("us", tz="UTC")).as_py().astimezone(zone)
        before = marks.get(org, {}).get(name)
        marks.setdefault(org, {})[name] = max(moment, before) if before else moment
    # keep of every table the rows within the look-back of its mark, one per key (the latest)
    both = pa.concat_tables([state.recent, new]).group_by(["org_code", "dataset", "key"])
    both = both.aggregate([("micros", "max")]).rename_columns({"micros_max": "micros"})
    back = int(city().frontend_lookback_hours * 3_600_000_000)
    floors = pa.table({
        "org_code": [o for o in marks for _ in marks[o]],
        "dataset": [n for o in marks for n in marks[o]],
        "floor": [_at(marks[o][n]) - back for o in marks for n in marks[o]],
    })  # fmt: skip
    both = both.join(floors, ["org_code", "dataset"])
    both = both.filter(pc.greater_equal(both["micros"], both["floor"])).select(RECENT.names)
    return State(marks, both)


def write_state(data: Path, day: date, state: State) -> None:
    layout = Layout(data)
    body = {org: {name: state.marks[org][name].isoformat() for name in sorted(state.marks[org])}
            for org in sorted(state.marks)}  # fmt: skip
    order = [("org_code", "ascending"), ("dataset", "ascending"), ("key", "ascending")]
    write_parquet(state.recent.sort_by(order), layout.frontend_recent(day))  # a rerun: same bytes
    write_text(layout.frontend_marks(day), json.dumps(body, indent=1, sort_keys=True))


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _at(moment: datetime) -> int:
    """µs since the epoch, exactly (as ``row_micros`` counts)."""
    return (moment - EPOCH) // timedelta(microseconds=1)
