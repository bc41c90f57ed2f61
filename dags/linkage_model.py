"""The city's own linkage model: a candidate trained on the lake, promoted only when not worse.

On demand (trigger it; ``day`` names the night whose person mentions it trains on, default the
newest; ``labels`` and ``suites`` name labelled pairs beside the reviewers' decisions), and
weekly when ``HEALTHARCHIVE_MODEL_CRON`` gives a schedule (e.g. ``0 12 * * 0``). ``train`` writes
a candidate among the city's candidates (``healtharchive model train``); ``promote`` compares it
with the pinned model on every labelled pair and installs it only when it is not worse
(``healtharchive model promote``), recording the verdict either way: a refused candidate is a
successful run. The nightly run scores with the newest promoted model from its next night on.
"""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, Param, dag, task

from pipelines import scheduler as steps

CRON = os.environ.get("HEALTHARCHIVE_MODEL_CRON")
DEFAULTS = {
    "retries": 1,
    "retry_delay": timedelta(minutes=10),
    "on_failure_callback": steps.task_failed,
}


@task(task_id="train", execution_timeout=timedelta(hours=4))
def train() -> str:
    return steps.train_candidate()


@task(task_id="promote", execution_timeout=timedelta(hours=2))
def promote(candidate: str) -> dict:
    return steps.promote_candidate(candidate)


@dag(
    dag_id="linkage_model",
    schedule=CronTriggerTimetable(CRON, timezone=steps.timezone()) if CRON else None,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULTS,
    params={
        "day": Param(None, type=["null", "string"], format="date", description="YYYY-MM-DD"),
        "labels": Param([], type="array", description="labels CSV files (mention_id_l, …)"),
        "suites": Param([], type="array", description="hard-case suite folders"),
    },
    tags=["healtharchive"],
)
def linkage_model():
    promote(train())


linkage_model()
