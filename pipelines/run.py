"""The nightly run: one logical date through every stage, in order.

Each stage is a plain function over paths and a date; the CLI (``healtharchive run``) and the
Airflow DAG (``dags/nightly_archive.py``) are two thin callers of the same ``STAGES``. Heavy
libraries (Great Expectations, Splink) are imported inside the stage that needs them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kernel.city import city


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


def stage_standardise(sources: Path, data: Path, day: date) -> Any:
    from pipelines.standardise import standardise_date

    return standardise_date(data, day)


def stage_link(sources: Path, data: Path, day: date) -> Any:
    from matching import link_date

    return link_date(data, day)


def stage_check(sources: Path, data: Path, day: date) -> Any:
    from quality import check_date

    return check_date(data, day)


def stage_publish(sources: Path, data: Path, day: date) -> Any:
    from pipelines.publish import publish

    return publish(data, day)


# The order of a night. Names are what logs, the CLI and the DAG's task ids show.
STAGES: tuple[tuple[str, Callable[[Path, Path, date], Any]], ...] = (
    ("reference", stage_reference),
    ("extract", stage_extract),
    ("validate", stage_validate),
    ("standardise", stage_standardise),
    ("link", stage_link),
    ("check", stage_check),
    ("publish", stage_publish),
)


@dataclass
class NightResult:
    day: date
    seconds: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)


def run_date(
    sources: Path,
    data: Path,
    day: date,
    on_stage: Callable[[str], None] | None = None,
) -> NightResult:
    """Run every stage for one logical date; ``on_stage(name)`` is called before each stage."""
    night = NightResult(day)
    sources, data = Path(sources).resolve(), Path(data).resolve()  # stages may change directory
    for name, stage in STAGES:
        if on_stage:
            on_stage(name)
        started = time.perf_counter()
        night.results[name] = stage(sources, data, day)
        night.seconds[name] = round(time.perf_counter() - started, 2)
    return night


def days_between(first: date, last: date) -> Iterator[date]:
    """Each date from ``first`` to ``last`` inclusive, in order."""
    if last < first:
        raise ValueError(f"--through {last} is before --date {first}")
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def night_to_process(logical_date: datetime | None, run_after: datetime) -> date:
    """The city-calendar day a scheduled run processes: the day before it fires.

    Airflow 3's cron timetable gives the trigger time as the logical date (zero-length data
    interval); manual runs may have none, so fall back to ``run_after``.
    """
    fired = logical_date or run_after
    return (fired.astimezone(city().zone) - timedelta(days=1)).date()
