"""Nightly archive build: one task per stage of ``pipelines.run.STAGES``, in order.

Orchestration only: each task calls the same plain step function the CLI calls. The run that
fires at 02:00 Asia/Shanghai processes the previous calendar day (``night_to_process``); a manual
run may name the day with the ``day`` param. Paths come from the environment
(``HEALTHARCHIVE_SOURCES``, ``HEALTHARCHIVE_DATA``), never from code.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task

from pipelines.run import STAGES


def _paths_and_day() -> tuple[str, str, str]:
    import os

    from pipelines.run import night_to_process

    context = get_current_context()
    day = (
        context["params"].get("day")
        or night_to_process(context.get("logical_date"), context["dag_run"].run_after).isoformat()
    )
    return os.environ["HEALTHARCHIVE_SOURCES"], os.environ.get("HEALTHARCHIVE_DATA", "data"), day


def _stage_task(name: str):
    @task(task_id=name)
    def run_stage() -> str:
        from datetime import date
        from pathlib import Path

        from pipelines.run import run_stage

        sources, data, day = _paths_and_day()
        run_stage(name, Path(sources), Path(data), date.fromisoformat(day))
        return day

    return run_stage


@dag(
    dag_id="nightly_archive",
    schedule=CronTriggerTimetable("0 2 * * *", timezone="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,  # nights build on each other (persistent resident ids): one at a time
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    params={"day": Param(None, type=["null", "string"], format="date", description="YYYY-MM-DD")},
    tags=["healtharchive"],
)
def nightly_archive():
    previous = None
    for name, _ in STAGES:
        current = _stage_task(name)()
        if previous is not None:
            previous >> current
        previous = current


nightly_archive()
