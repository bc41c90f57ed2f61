"""The nightly run: one logical date through every stage, in order.

Each stage is a plain function over paths and a date; the CLI (``healtharchive run``) and the
Airflow DAG (``dags/nightly_archive.py``) are two thin callers of the same ``STAGES``, through
``run_stage``, which holds the data directory's run lock (one run at a time). The first stage
checks the configuration, so a night that cannot finish writes nothing. Heavy libraries (Great
Expectations, Splink) are imported inside the stage that needs them.

The extract stage is three steps the DAG calls one by one, so that each institution's delivery
of each source system is its own task (``plan_extract``, then ``extract_unit`` per unit, side by
side under a shared lock, then ``collect_extract``); ``stage_extract`` does the same three for
the nightly run in one process (``pipelines.extract.extract_date``).

A range of nights (``backfill``, ``healtharchive run --date A --through B``) runs in bulk: stage
by stage, each stage over every night in order before the next stage starts, the preflight and
reference once, publish once for the last night; the validate stage in one call for the nights
before the last (``RANGE_STEPS``: Great Expectations run once per dataset over a batch of
nights, not once per dataset and night). It gives what the nights one by one give
because a stage's work for night D reads only its own earlier nights and earlier stages'
partitions through D (``Layout.nights(through=D)``, ``kernel.sql.current_version_sql``), never
a later stage's output; link goes night by night, each night's resident IDs built on the night
before's. What shows one night only, the last built, is built for the last night alone: the
Data Docs site and the publish step's own record (``reports/publish/<D>.json``,
``ops.publish``). The warehouse is the state after the last night; a full build of it equals
the chain of nightly increments (``pipelines.publish.incremental``).

Exit statuses (``exit_status``), for cron and schedulers:

- ``0``: every stage ran and every delivery was accepted;
- ``3``: the night completed and published, but deliveries were quarantined, held or stopped
  (read the load log and the quality report);
- ``1``: the night failed (a stage raised); ``75``: another run holds the data directory (try
  again later); ``78``: the configuration is wrong (nothing was written).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kernel.layout import Layout, partition_date
from kernel.runlock import exclusive, shared
from kernel.spark import check_engine

EXIT_OK, EXIT_FAILED, EXIT_DELIVERY_PROBLEMS = 0, 1, 3
EXIT_LOCKED, EXIT_CONFIGURATION = 75, 78  # sysexits EX_TEMPFAIL, EX_CONFIG
# extract statuses that mean a delivery was not (wholly) loaded
STOPPED_STATUSES = ("incomplete", "drift", "duplicate")


def stage_preflight(sources: Path, data: Path, day: date) -> Any:
    from pipelines.preflight import check_configuration

    return check_configuration(sources, data)


def stage_reference(sources: Path, data: Path, day: date) -> Any:
    from pipelines.extract.reference import load_reference

    return load_reference(sources, data)


def stage_extract(sources: Path, data: Path, day: date) -> Any:
    from pipelines.extract import extract_date

    return extract_date(sources, data, day)


def stage_validate(sources: Path, data: Path, day: date) -> Any:
    from quality import build_data_docs, validate_date

    summary = validate_date(data, day)
    build_data_docs(data, day)  # offline Data Docs of tonight's validation, for governance staff
    return summary


def validate_range(sources: Path, data: Path, nights: list[date]) -> list[Any]:
    """The validate stage over several nights at once (``quality.validate_nights``), without
    the Data Docs site, which shows one night, the last built."""
    from quality.validate import validate_nights

    return validate_nights(data, nights)


def stage_standardise(sources: Path, data: Path, day: date) -> Any:
    from pipelines.standardise import standardise_date

    return standardise_date(data, day)


def stage_link(sources: Path, data: Path, day: date, engine: str = "duckdb") -> Any:
    from matching import link_date

    return link_date(data, day, engine=engine)


def stage_check(sources: Path, data: Path, day: date) -> Any:
    from quality import check_date

    return check_date(data, day)


def stage_publish(sources: Path, data: Path, day: date, engine: str = "duckdb") -> Any:
    from pipelines.publish import publish

    return publish(data, day, engine)


# The order of a night. Names are what logs, the CLI and the DAG's task ids show.
STAGES: tuple[tuple[str, Callable[[Path, Path, date], Any]], ...] = (
    ("preflight", stage_preflight),
    ("reference", stage_reference),
    ("extract", stage_extract),
    ("validate", stage_validate),
    ("standardise", stage_standardise),
    ("link", stage_link),
    ("check", stage_check),
    ("publish", stage_publish),
)
# The stages another engine runs (``kernel.spark.ENGINES``): linkage scores candidate pairs
# there, publish builds the warehouse there; the others are the same on every engine.
ENGINE_STAGES = ("link", "publish")


@dataclass
class NightResult:
    day: date
    seconds: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def delivery_problems(self) -> dict[str, int]:
        """What did not go in whole tonight: quarantined rows, stopped and held deliveries."""
        extract, validate = self.results.get("extract"), self.results.get("validate")
        problems = {
            "rows quarantined": getattr(extract, "rows_quarantined", 0),
            "deliveries stopped": sum(
                getattr(extract, "by_status", {}).get(s, 0) for s in STOPPED_STATUSES
            ),
            "deliveries held": getattr(validate, "held", 0),
        }
        return {what: n for what, n in problems.items() if n}


def run_stage(name: str, sources: Path, data: Path, day: date, engine: str = "duckdb") -> Any:
    """One stage of night ``day`` under the data directory's run lock (what the DAG calls).
    The preflight runs without it: it writes nothing, not even the lock file. ``engine``
    (``kernel.spark.ENGINES``) runs the link and publish stages (``ENGINE_STAGES``)."""
    if name == "preflight":
        return stage_preflight(Path(sources).resolve(), Path(data).resolve(), day)
    return _locked(stage_step(name, engine), sources, data, day)


def stage_step(name: str, engine: str = "duckdb") -> Callable[[Path, Path, date], Any]:
    """Stage ``name``'s function of ``STAGES``; the link and publish stages' bound to another
    engine than the default one (checked here, before anything runs)."""
    step = dict(STAGES)[name]
    if check_engine(engine) != "duckdb" and name in ENGINE_STAGES:
        return functools.partial(step, engine=engine)
    return step


class DeliveryRejected(RuntimeError):
    """One unit's deliveries were not loaded for a cause a retry cannot change (drift, a
    manifest that disagrees, a file already loaded): its rows are quarantined, the night goes
    on, and the institution has to deliver again."""


class SourceUnavailable(RuntimeError):
    """One unit's source did not answer (a database down, locked, too slow): a retry later may
    load it."""


def plan_extract(sources: Path, data: Path, day: date) -> list[str]:
    """Night ``day``'s extract units (``<system>/<org_code>``), planned afresh; any earlier
    extract of the night is forgotten."""
    from pipelines.extract import begin_extract

    return [str(u) for u in _locked(begin_extract, sources, data, day)]


def extract_unit(sources: Path, data: Path, day: date, unit: str) -> dict[str, int]:
    """Extract and stage one unit of night ``day`` beside the others (the lock is shared);
    returns its deliveries by status. Raises SourceUnavailable or DeliveryRejected, after
    staging, when a delivery was not loaded (``collect_extract`` reports it either way)."""
    from pipelines.extract import Unit, extract_units

    sources, data = Path(sources).resolve(), Path(data).resolve()
    _private(data)
    with shared(Layout(data).run_lock):
        (result,) = extract_units(sources, data, day, [Unit.parse(unit)])
    reasons = "; ".join(f"{o.status}: {o.message}" for o in result.stopped[:3])
    more = f" (and {len(result.stopped) - 3} more)" if len(result.stopped) > 3 else ""
    if result.may_pass:
        raise SourceUnavailable(f"{unit} did not answer: {reasons}{more}")
    if result.stopped:
        raise DeliveryRejected(f"{unit}: {len(result.stopped)} not loaded: {reasons}{more}")
    return {status: sum(o.status == status for o in result.outcomes)
            for status in sorted({o.status for o in result.outcomes})}  # fmt: skip


def collect_extract(sources: Path, data: Path, day: date) -> Any:
    """Put night ``day``'s staged units together into the raw lake and the load log; a unit
    whose extract did not finish is in the load log as not extracted."""
    from pipelines.extract import finish_extract

    return _locked(finish_extract, sources, data, day)


def _locked(step: Callable[[Path, Path, date], Any], sources: Path, data: Path, day: date) -> Any:
    """``step`` under the data directory's run lock, paths made absolute (stages may change
    directory), everything it writes owner-only."""
    sources, data = Path(sources).resolve(), Path(data).resolve()
    _private(data)
    with exclusive(Layout(data).run_lock):
        return step(sources, data, day)


def run_date(
    sources: Path,
    data: Path,
    day: date,
    on_stage: Callable[[str], None] | None = None,
    engine: str = "duckdb",
) -> NightResult:
    """Run every stage for one logical date; ``on_stage(name)`` is called before each stage;
    ``engine`` runs the link and publish stages (``ENGINE_STAGES``)."""
    check_engine(engine)
    night = NightResult(day)
    sources, data = Path(sources).resolve(), Path(data).resolve()

    def run(name: str) -> None:
        if on_stage:
            on_stage(name)
        _timed(night, name, sources, data, engine)

    run("preflight")  # before the lock: a run that cannot start writes nothing at all
    _private(data)
    with exclusive(Layout(data).run_lock):
        for name, _ in STAGES[1:]:
            run(name)
    return night


# What a backfill runs once rather than every night: the preflight and reference read no night;
# publish builds the state after the last night, which already holds every night's history.
ONCE_FIRST, ONCE_LAST = ("preflight", "reference"), ("publish",)
# Stages a backfill runs over the nights before the last in one call, each night's outputs
# still its own; the last night then runs alone, as the scheduler would run it.
RANGE_STEPS: dict[str, Callable[[Path, Path, list[date]], list[Any]]] = {
    "validate": validate_range,
}


class RangeRefused(RuntimeError):
    """A backfill that would end before a night already linked: that night's resident IDs were
    built on the nights the backfill replaces, and the warehouse would go back in time.
    Nothing was written."""


def backfill(
    sources: Path,
    data: Path,
    first: date,
    last: date,
    on_stage: Callable[[date, str], None] | None = None,
    engine: str = "duckdb",
) -> list[NightResult]:
    """Every night from ``first`` to ``last`` in bulk: each stage over every night in order
    before the next, publish once for ``last`` (see the module's docstring for why that equals
    the nights one by one). ``on_stage(night, name)`` is called before each step. The run lock
    is held throughout: no scheduled night runs in between. ``engine``: as ``run_date``."""
    check_engine(engine)
    sources, data = Path(sources).resolve(), Path(data).resolve()
    nights = {day: NightResult(day) for day in days_between(first, last)}

    def run(name: str, days: list[date]) -> None:
        if on_stage:
            on_stage(days[0], name)
        if len(days) == 1:
            _timed(nights[days[0]], name, sources, data, engine=engine)
        else:
            _timed_range([nights[d] for d in days], name, sources, data)

    run("preflight", [first])  # before the lock, as run_date does
    _private(data)
    with exclusive(Layout(data).run_lock):
        _refuse_going_back(data, last)
        for name, _ in STAGES[1:]:
            for days in backfill_steps(name, list(nights)):
                run(name, days)
    return list(nights.values())


def backfill_steps(stage: str, nights: list[date]) -> list[list[date]]:
    """The calls a backfill makes of ``stage``, each with its nights: one a night, or one for
    the nights before the last and one for the last (``RANGE_STEPS``)."""
    days = backfill_nights(stage, nights)
    if stage in RANGE_STEPS and len(days) > 1:
        return [days[:-1], days[-1:]]
    return [[day] for day in days]


def backfill_nights(stage: str, nights: list[date]) -> list[date]:
    """The nights of a range a backfill runs ``stage`` for, in order."""
    if stage in ONCE_FIRST:
        return nights[:1]
    return nights[-1:] if stage in ONCE_LAST else nights


def _refuse_going_back(data: Path, last: date) -> None:
    """A range may redo linked nights (a rerun) but must reach the newest: the nights after it
    would keep resident IDs built on the replaced ones."""
    linked = Layout(data).nights("mpi.record_link")
    newest = partition_date(linked[-1]) if linked else None
    if newest is not None and newest > last:
        raise RangeRefused(
            f"night {newest} is linked already, after {last}: a range must run through it "
            f"(--through {newest} or later)"
        )


def _timed(
    night: NightResult, name: str, sources: Path, data: Path, engine: str = "duckdb"
) -> None:
    """Run stage ``name`` for ``night``, keeping its result and its seconds."""
    started = time.perf_counter()
    night.results[name] = run_stage(name, sources, data, night.day, engine)
    night.seconds[name] = round(time.perf_counter() - started, 2)


def _timed_range(nights: list[NightResult], name: str, sources: Path, data: Path) -> None:
    """Run stage ``name``'s range step for ``nights`` at once; each night keeps its own result
    and an equal share of the seconds."""
    days = [n.day for n in nights]
    started = time.perf_counter()
    found = _locked(lambda s, d, _: RANGE_STEPS[name](s, d, days), sources, data, days[0])
    share = round((time.perf_counter() - started) / len(nights), 2)
    for night, result in zip(nights, found, strict=True):
        night.results[name], night.seconds[name] = result, share


def _private(data: Path) -> None:
    """Everything this process writes is owner-only, in an owner-only data directory."""
    os.umask(0o077)
    Layout(data).make_private()


def exit_status(nights: list[NightResult]) -> int:
    """0 when every delivery of every night went in whole, else EXIT_DELIVERY_PROBLEMS."""
    return EXIT_DELIVERY_PROBLEMS if any(n.delivery_problems for n in nights) else EXIT_OK


def days_between(first: date, last: date) -> Iterator[date]:
    """Each date from ``first`` to ``last`` inclusive, in order."""
    if last < first:
        raise ValueError(f"--through {last} is before --date {first}")
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def night_to_process(logical_date: datetime | None, run_after: datetime) -> date:
    """The city-calendar day a scheduled run processes: the day before it fires.

    Airflow 3's cron timetable gives the trigger time as the logical date (zero-length data
    interval); manual runs may have none, so fall back to ``run_after``. Airflow hands over
    pendulum DateTimes, whose arithmetic in a zoneinfo time zone drops the zone (pendulum 3.3:
    02:00 Shanghai minus a day came out as 18:00 two days before): the instant is made a plain
    datetime first, and the day before is counted on the calendar.
    """
    from kernel.city import city  # read when a run needs it: importing this module stays cheap

    fired = logical_date or run_after
    local = datetime.fromtimestamp(fired.timestamp(), city().zone)
    return date.fromordinal(local.toordinal() - 1)
