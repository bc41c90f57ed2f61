"""Nightly archive build: the stages of ``pipelines.run.STAGES``, extract mapped per institution.

    preflight → reference → plan_extract → extract[<system>/<org_code>] × N → collect_extract
      → validate → standardise → link → check → publish → report          (and preflight → report)

Orchestration only: every task calls one function of ``pipelines.scheduler``, which calls the
step function the command line calls; paths come from Airflow Variables or the environment.

- **One task per institution and source system.** ``plan_extract`` lists the night's units from
  the reference data (and any delivery found from an institution it does not list); ``extract``
  is mapped over them. A hospital database that does not answer fails its own task, retried
  with backoff; a delivery that breaks its contract fails its task at once (a retry cannot
  change the file). ``collect_extract`` runs once every extract is done, whatever its state:
  the failed ones are in the load log as not loaded, the rest of the night goes on and
  publishes; ``report`` alerts on every delivery not loaded or held back.
- **Nights in order.** A run processes the city-calendar day before it fires (02:00 by default;
  ``HEALTHARCHIVE_NIGHTLY_CRON`` and ``HEALTHARCHIVE_CITY_TIMEZONE`` change it); a manual run
  names its day with the ``day`` param. ``preflight`` depends on the previous night and waits
  for its downstream tasks, ``report`` — the night's last task — among them: a night starts
  only once the night before has finished. With ``HEALTHARCHIVE_FIRST_NIGHT`` set, every night
  from that one on is run (catchup): a scheduler that was down catches up the nights it missed,
  in order; without it the schedule starts at the next run time. Older nights are
  ``airflow backfill create`` runs. Clearing a night reruns it to the same result (every step
  replaces what an earlier run of the date wrote).
- **Retries** with exponential backoff where another try may succeed; an error a retry cannot
  change fails the task at once (``pipelines.scheduler.RETRY_CANNOT_HELP``). Every task has an
  execution timeout. Every failure is an alert (``pipelines.alerts``: a log file, e-mail).
- **Assets**: ``publish`` updates the warehouse and analytics databases, ``check`` the quality
  results, each event saying which night; ``monthly_reports`` is scheduled on them.
- **Engine**: the ``engine`` param (``duckdb`` by default, or ``spark``) says where the link
  task scores candidate pairs (README, "Running on Spark").
- **dbt** stays inside ``publish``, one task: the warehouse is built in a throwaway folder and
  swapped in only after every model and test passed, and a failing model or test is named in the
  task's error and alert (README, "Airflow": why not one task per model).
"""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, Param, dag, task

from pipelines import scheduler as steps
from pipelines.run import STAGES

# The stages this DAG wires, in order: a stage added to pipelines.run must be wired here too.
WIRED = ("preflight", "reference", "extract", "validate", "standardise", "link", "check", "publish")
if tuple(name for name, _ in STAGES) != WIRED:
    raise RuntimeError(f"pipelines.run.STAGES is not {WIRED}: wire the stages anew in this DAG")

START = steps.nightly_start()  # HEALTHARCHIVE_FIRST_NIGHT, if set

WAREHOUSE, ANALYTICS, QUALITY = (steps.asset(k) for k in ("warehouse", "analytics", "quality"))

# How long each step may run before it is stopped (and retried, or failed).
TIMEOUTS = {
    "preflight": timedelta(minutes=15),
    "reference": timedelta(minutes=15),
    "plan_extract": timedelta(minutes=15),
    "extract": timedelta(minutes=30),  # one institution: its tables, each bounded by the city
    "collect_extract": timedelta(minutes=30),
    "validate": timedelta(hours=1),
    "standardise": timedelta(hours=1),
    "link": timedelta(hours=3),
    "check": timedelta(hours=1),
    "publish": timedelta(hours=2),
    "report": timedelta(minutes=10),
}
DEFAULTS = {
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    "on_failure_callback": steps.task_failed,
}


def _stage(name: str, **options: object):
    @task(task_id=name, execution_timeout=TIMEOUTS[name], **options)
    def run() -> str:
        return steps.stage(name)

    return run()


@task(task_id="plan_extract", execution_timeout=TIMEOUTS["plan_extract"])
def plan_extract() -> list[str]:
    return steps.plan_extract()


@task(
    task_id="extract",
    execution_timeout=TIMEOUTS["extract"],
    retries=3,
    retry_delay=timedelta(minutes=2),
    map_index_template="{{ task.op_kwargs['unit'] }}",
)
def extract(unit: str) -> dict[str, int]:
    return steps.extract_unit(unit)


@task(
    task_id="collect_extract",
    execution_timeout=TIMEOUTS["collect_extract"],
    trigger_rule="all_done_min_one_success",  # after every extract, failed ones too
)
def collect_extract() -> dict:
    return steps.collect_extract()


@task(task_id="link", execution_timeout=TIMEOUTS["link"])
def link() -> str:
    return steps.on_engine("link")  # on the engine the run's ``engine`` param names


@task(task_id="check", execution_timeout=TIMEOUTS["check"], outlets=[QUALITY])
def check(*, outlet_events=None) -> str:
    day = steps.stage("check")
    outlet_events[QUALITY].extra = {"night": day}
    return day


@task(task_id="publish", execution_timeout=TIMEOUTS["publish"], outlets=[WAREHOUSE, ANALYTICS])
def publish(*, outlet_events=None) -> str:
    day = steps.on_engine("publish")
    for asset in (WAREHOUSE, ANALYTICS):
        outlet_events[asset].extra = {"night": day}
    return day


@task(task_id="report", execution_timeout=TIMEOUTS["report"])
def report() -> dict:
    return steps.report_night()


@dag(
    dag_id="nightly_archive",
    schedule=CronTriggerTimetable(
        os.environ.get("HEALTHARCHIVE_NIGHTLY_CRON", "0 2 * * *"), timezone=steps.timezone()
    ),
    start_date=START,
    catchup=START is not None,  # every night from the first one on, whatever was missed
    max_active_runs=16,  # nights waiting behind an unfinished one; one runs at a time
    default_args=DEFAULTS,
    params={
        "day": Param(None, type=["null", "string"], format="date", description="YYYY-MM-DD"),
        # where linkage scores candidate pairs and the warehouse is built (README, "Running
        # on Spark")
        "engine": Param(
            "duckdb", type="string", enum=list(steps.ENGINES), description="duckdb or spark"
        ),
    },
    tags=["healtharchive"],
)
def nightly_archive():
    first = _stage("preflight", depends_on_past=True, wait_for_downstream=True)
    units = plan_extract()
    extracted = extract.expand(unit=units)
    collected = collect_extract()
    first >> _stage("reference") >> units
    [units, extracted] >> collected
    last = report()
    (collected >> _stage("validate") >> _stage("standardise") >> link() >> check()
     >> publish() >> last)  # fmt: skip
    first >> last  # so that the next night's preflight waits for this night's last task


nightly_archive()
