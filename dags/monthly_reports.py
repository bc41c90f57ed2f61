"""Monthly reports: the governance report (数据质量通报) and the indicator report.

Scheduled on the nightly run's Assets — the published warehouse and analytics databases and the
quality results — so it runs after every published night; ``months`` finds the months those
nights closed (the night of 31 March closes March) and each report is mapped over them: on most
nights there are none and the reports are skipped. A manual run names its month with the
``month`` param. Orchestration only: the tasks call ``pipelines.scheduler``, which calls what
``healtharchive report quality|metrics`` calls.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

from pipelines import scheduler as steps

PUBLISHED = [steps.asset(kind) for kind in ("warehouse", "analytics", "quality")]
DEFAULTS = {
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,
    "execution_timeout": timedelta(minutes=30),
    "on_failure_callback": steps.task_failed,
}


@task(task_id="months")
def months() -> list[str]:
    return steps.months_to_report()


@task(task_id="quality_report")
def quality_report(month: str) -> str:
    return steps.monthly_report("quality", month)


@task(task_id="metrics_report")
def metrics_report(month: str) -> str:
    return steps.monthly_report("metrics", month)


@dag(
    dag_id="monthly_reports",
    schedule=PUBLISHED,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULTS,
    params={"month": Param(None, type=["null", "string"], description="YYYY-MM")},
    tags=["healtharchive"],
)
def monthly_reports():
    closed = months()
    quality_report.expand(month=closed)
    metrics_report.expand(month=closed)


monthly_reports()
