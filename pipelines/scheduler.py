"""What the Airflow DAGs call: the command line's step functions, fed from a run's context.

The DAG files (``dags/``) only wire tasks; each task calls one function here, which finds what
the command line is given as options — the sources and data roots, the night, a month — and
calls the same step function the command line calls:

- the roots come from the Airflow Variables ``healtharchive_sources`` and ``healtharchive_data``
  (a secrets backend or ``AIRFLOW_VAR_…`` serve them too), else from ``HEALTHARCHIVE_SOURCES``
  and ``HEALTHARCHIVE_DATA``; never from code;
- the night is the run's ``day`` param, else the city-calendar day before the run fired
  (``pipelines.run.night_to_process``);
- an error a retry cannot change (a contract violation, a failed warehouse test, a wrong
  configuration: ``RETRY_CANNOT_HELP``) becomes ``AirflowFailException``, so the task fails at
  once; any other error keeps the task's retries (a database that did not answer, the run lock
  held by another run);
- ``task_failed`` is every task's failure callback: an alert through ``pipelines.alerts``.

Airflow and the stages are imported inside the functions: importing this module costs the DAG
parser nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kernel.spark import ENGINES as ENGINES  # offered by the DAG's engine param
from pipelines.alerts import Alert, scrub, send

# Assets the nightly run produces and the monthly reports are scheduled on: name and URI. They
# are identities, not paths: the data root is configured, not known when the DAGs are parsed.
ASSETS = {
    "warehouse": ("healtharchive_warehouse", "x-healtharchive://published/warehouse.duckdb"),
    "analytics": ("healtharchive_analytics", "x-healtharchive://published/analytics.duckdb"),
    "quality": ("healtharchive_quality_results", "x-healtharchive://quality/result"),
}
ROOTS = {"sources": "HEALTHARCHIVE_SOURCES", "data": "HEALTHARCHIVE_DATA"}
RETRY_CANNOT_HELP = frozenset({
    "pipelines.preflight.ConfigurationError",
    "pipelines.run.DeliveryRejected",
    "pipelines.extract.errors.ReferenceDataError",
    "pipelines.publish.errors.ModelError",
    "pipelines.publish.errors.DataTestError",
    "pipelines.publish.errors.InputError",
    "pipelines.publish.errors.PseudonymKeyError",
    "schemas.contracts.ContractError",
    "kernel.spark.EngineError",
    "matching.promotion.PromotionError",
    "matching.decisions.DecisionError",
    "quality.registry.RegistryError",
    "quality.report_data.ReportDataError",
})  # fmt: skip
OUR_PACKAGES = ("pipelines.", "matching.", "quality.", "schemas.", "kernel.")


def asset(kind: str) -> Any:
    """The Airflow Asset ``kind`` (``warehouse``, ``analytics``, ``quality``)."""
    from airflow.sdk import Asset

    name, uri = ASSETS[kind]
    return Asset(name=name, uri=uri)


def timezone(environ: Mapping[str, str] = os.environ) -> str:
    """The city's time zone for schedules: ``HEALTHARCHIVE_CITY_TIMEZONE``, as the city
    configuration reads it (the DAG parser reads only the environment, not the city file)."""
    return environ.get("HEALTHARCHIVE_CITY_TIMEZONE", "Asia/Shanghai")


def nightly_start(environ: Mapping[str, str] = os.environ) -> datetime | None:
    """When the nightly schedule starts: midnight after ``HEALTHARCHIVE_FIRST_NIGHT`` (its
    first run processes that night, and every night after it is run, in order, whatever the
    scheduler missed), or None when unset (from the next run time on, missed nights skipped)."""
    first = environ.get("HEALTHARCHIVE_FIRST_NIGHT")
    if not first:
        return None
    day = date.fromisoformat(first) + timedelta(days=1)
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone(environ)))


def retry_cannot_help(exc: BaseException) -> bool:
    """True for an error that a second try of the same step would meet again."""
    return any(f"{c.__module__}.{c.__qualname__}" in RETRY_CANNOT_HELP for c in type(exc).__mro__)


def call(step: Callable[..., Any], *args: Any) -> Any:
    """``step(*args)``; an error a retry cannot help fails the task without retries."""
    try:
        return step(*args)
    except Exception as exc:
        if not retry_cannot_help(exc):
            raise
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(f"{type(exc).__name__}: {exc}") from exc


# -- what a run is about -----------------------------------------------------------------------
def roots() -> tuple[Path, Path]:
    """(sources, data) of this deployment: Airflow Variables, else the environment."""
    from airflow.sdk import Variable

    found = {name: Variable.get(f"healtharchive_{name}", default=None) or os.environ.get(env)
             for name, env in ROOTS.items()}  # fmt: skip
    missing = [f"Variable healtharchive_{n} or {ROOTS[n]}" for n, v in found.items() if not v]
    if missing:
        from pipelines.preflight import ConfigurationError

        raise ConfigurationError(f"not configured: {', '.join(missing)}")
    return Path(found["sources"]), Path(found["data"])


def night() -> date:
    """The night this run processes: its ``day`` param, else the day before it fired."""
    from airflow.sdk import get_current_context

    from pipelines.run import night_to_process

    context = get_current_context()
    given = (context.get("params") or {}).get("day")
    if given:
        return date.fromisoformat(given)
    return night_to_process(context.get("logical_date"), context["dag_run"].run_after)


def param(name: str) -> Any:
    from airflow.sdk import get_current_context

    return (get_current_context().get("params") or {}).get(name)


# -- the nightly run ---------------------------------------------------------------------------
def stage(name: str, engine: str = "duckdb") -> str:
    """One stage of ``pipelines.run.STAGES`` for this run's night; returns the night.
    ``engine``: the link and publish stages' (the DAG's ``engine`` param)."""
    from pipelines.run import run_stage

    sources, data = call(roots)
    day = night()
    call(run_stage, name, sources, data, day, engine)
    return day.isoformat()


def on_engine(name: str) -> str:
    """Stage ``name`` (link or publish) on the engine the run's ``engine`` param names
    (default DuckDB); a name the pipeline does not know fails the task at once (no retry)."""
    return stage(name, param("engine") or "duckdb")


def plan_extract() -> list[str]:
    """The night's extract units, one mapped task each."""
    from pipelines.run import plan_extract as plan

    return call(plan, *call(roots), night())


def extract_unit(unit: str) -> dict[str, int]:
    """One institution's deliveries of one source system: its deliveries by status."""
    from pipelines.run import extract_unit as extract

    return call(extract, *call(roots), night(), unit)


def collect_extract() -> dict[str, Any]:
    """The night's units put together into the raw lake; what was not loaded is reported."""
    from pipelines.run import collect_extract as collect

    summary = call(collect, *call(roots), night())
    return {"night": summary.day.isoformat(), "deliveries": summary.deliveries,
            "by_status": summary.by_status, "unfinished": list(summary.unfinished)}  # fmt: skip


def report_night() -> dict[str, Any]:
    """The night's deliveries that did not go in whole, sent as an alert when there are any."""
    from pipelines.night_report import night_report

    _, data = call(roots)
    report = night_report(data, night())
    if report.problems:
        send(Alert("deliveries_not_loaded", report.subject(), report.lines()))
    return report.summary()


# -- the monthly reports -----------------------------------------------------------------------
def months_to_report() -> list[str]:
    """The run's ``month`` param, else the months closed by the nights just published (the
    asset events that triggered the run say which nights): often none."""
    from airflow.sdk import get_current_context

    from pipelines.monthly import month_of, months_closed_by

    given = param("month")
    if given:
        return [month_of(given)]
    events = get_current_context().get("triggering_asset_events") or {}
    nights = {e.extra["night"] for asset in events for e in events[asset]
              if (e.extra or {}).get("night")}  # fmt: skip
    return months_closed_by(date.fromisoformat(n) for n in nights)


def monthly_report(kind: str, month: str) -> str:
    """The governance (``quality``) or indicator (``metrics``) report of ``month``."""
    from pipelines import monthly

    _, data = call(roots)
    build = {"quality": monthly.quality_report, "metrics": monthly.metrics_report}[kind]
    return str(call(build, data, month))


# -- the linkage model -------------------------------------------------------------------------
def train_candidate() -> str:
    """A candidate model on the lake's person mentions (the ``day`` param, else the newest)."""
    from pipelines.model_promotion import train_candidate as train

    _, data = call(roots)
    day = param("day")
    return str(call(train, data, date.fromisoformat(day) if day else None))


def promote_candidate(candidate: str) -> dict[str, Any]:
    """Judge the candidate against the pinned model; promoted only when not worse."""
    from pipelines.model_promotion import promote_candidate as promote

    _, data = call(roots)
    labels = [Path(p) for p in param("labels") or []]
    suites = [Path(p) for p in param("suites") or []]
    verdict = call(promote, data, Path(candidate), None, labels, suites)
    return {"promoted": verdict.promoted, "reason": verdict.reason,
            "record": str(verdict.record)}  # fmt: skip


# -- alerts ------------------------------------------------------------------------------------
def task_failed(context: Mapping[str, Any]) -> None:
    """Failure callback of every task: an alert naming the DAG, run, task and error type."""
    try:
        ti = context["ti"]
        label = ti.task_id
        mapped = getattr(ti, "rendered_map_index", None) or getattr(ti, "map_index", -1)
        if mapped not in (None, -1):
            label += f"[{mapped}]"
        lines = [f"DAG {ti.dag_id}, run {ti.run_id}", f"task {label}, try {ti.try_number}",
                 f"error: {describe(context.get('exception'))}",
                 "the task's log in Airflow has the rest"]  # fmt: skip
        send(Alert("task_failed", f"{ti.dag_id}: {label} failed", lines))
    except Exception:  # a callback that fails must not hide the task's own failure
        import logging

        logging.getLogger(__name__).exception("the failure alert could not be made")


def describe(exc: object) -> str:
    """An error for an alert: its type, and our own message with anything quoted taken out
    (another library's message may quote a value: only its type is told)."""
    if not isinstance(exc, BaseException):
        return str(exc or "unknown")
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    name = type(cause).__name__
    if type(cause).__module__.startswith(OUR_PACKAGES):
        return f"{name}: {scrub(str(cause))[:500]}"
    return name
