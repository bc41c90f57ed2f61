"""Every DAG imports cleanly, does no work when imported (measured), and wires what the
README says: the nightly stages with extract mapped per institution and source system, nights
in order, retries and timeouts, Assets, the monthly reports on those Assets, the model on
demand."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.run import STAGES, night_to_process
from tests.dags.local_airflow import REPO

pytestmark = pytest.mark.airflow
DAGS = REPO / "dags"
DAG_FILES = sorted(p for p in DAGS.glob("*.py") if p.name != "__init__.py")
# modules a DAG file must not load: the stages, their heavy libraries, the city configuration
HEAVY = (
    "pandas",
    "pyarrow",
    "numpy",
    "duckdb",
    "great_expectations",
    "splink",
    "dbt",
    "matplotlib",
    "pydantic_settings",
    "psycopg",
    "pymysql",
    "simulator",
    "schemas",
    "pipelines.extract",
    "pipelines.standardise",
    "pipelines.publish",
    "matching",
    "quality",
    "pipelines.model_promotion",
    "pipelines.cli",
    "kernel.city",
)
IMPORT_SECONDS = 2.0  # measured about 0.05-0.1 s per file; generous for a loaded machine


def _dagbag():
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=str(DAGS.parent), safe_mode=False)


@pytest.fixture(scope="module")
def dags() -> dict:
    bag = _dagbag()
    assert bag.import_errors == {}
    return bag.dags


def test_every_dag_imports_without_errors(dags: dict) -> None:
    assert set(dags) == {"nightly_archive", "monthly_reports", "linkage_model"}


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_importing_a_dag_file_does_no_work(path: Path, tmp_path: Path) -> None:
    env = {
        "AIRFLOW_HOME": str(tmp_path / "home"),
        "PATH": "/usr/bin:/bin",
        "HEALTHARCHIVE_SOURCES": str(tmp_path / "sources"),
        "HEALTHARCHIVE_DATA": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.dags.import_probe", str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = [m for m in probe["modules"] if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]
    assert loaded == [], f"{path.name} imports {loaded} when parsed"
    assert probe["events"] == [], f"{path.name} touches files, sockets or processes when parsed"
    assert probe["seconds"] < IMPORT_SECONDS, probe["seconds"]
    assert not (tmp_path / "sources").exists() and not (tmp_path / "data").exists()


def test_nightly_archive_wires_the_stages_with_extract_mapped(dags: dict) -> None:
    dag = dags["nightly_archive"]
    names = [name for name, _ in STAGES]
    assert names[:3] == ["preflight", "reference", "extract"]
    chain = [
        "preflight",
        "reference",
        "plan_extract",
        "extract",
        "collect_extract",
        *names[3:],
        "report",
    ]
    assert sorted(dag.task_ids) == sorted(chain)
    upstream = {t: dag.get_task(t).upstream_task_ids for t in dag.task_ids}
    assert upstream["preflight"] == set()
    assert upstream["collect_extract"] == {"plan_extract", "extract"}
    assert upstream["report"] == {"publish", "preflight"}  # preflight → report: nights in order
    for before, after in itertools.pairwise(chain):
        if after not in ("collect_extract", "report"):
            assert upstream[after] == {before}, after
    extract = dag.get_task("extract")
    assert type(extract).__name__ == "DecoratedMappedOperator"  # one task per unit, at run time
    assert extract.map_index_template == "{{ task.op_kwargs['unit'] }}"  # labelled system/org
    assert dag.get_task("collect_extract").trigger_rule == "all_done_min_one_success"


def test_nights_run_in_order_and_retries_are_where_they_help(dags: dict) -> None:
    dag = dags["nightly_archive"]
    first = dag.get_task("preflight")
    assert first.depends_on_past and first.wait_for_downstream
    assert dag.get_task("report").downstream_task_ids == set()  # the night's last task
    for task in dag.tasks:
        assert task.execution_timeout is not None, task.task_id
        assert task.on_failure_callback, task.task_id
    extract = dag.get_task("extract")  # a database that did not answer: retried, backing off
    assert extract.retries == 3 and extract.retry_exponential_backoff == 2.0
    assert extract.max_retry_delay == timedelta(minutes=30)
    assert dag.get_task("link").retries == 2 and dag.get_task("link").retry_exponential_backoff
    assert "day" in dag.params
    assert dag.params["engine"] == "duckdb"  # linkage scores on DuckDB unless a run says spark


def test_the_published_databases_and_quality_results_are_assets(dags: dict) -> None:
    nightly, monthly = dags["nightly_archive"], dags["monthly_reports"]
    outlets = {t.task_id: {a.name for a in t.outlets} for t in nightly.tasks if t.outlets}
    assert outlets == {
        "publish": {"healtharchive_warehouse", "healtharchive_analytics"},
        "check": {"healtharchive_quality_results"},
    }
    consumed = {a.name for a in monthly.timetable.asset_condition.objects}
    assert consumed == outlets["publish"] | outlets["check"]


def test_monthly_reports_map_the_closed_months_and_the_model_is_on_demand(dags: dict) -> None:
    monthly, model = dags["monthly_reports"], dags["linkage_model"]
    assert {t: monthly.get_task(t).upstream_task_ids for t in monthly.task_ids} == {
        "months": set(),
        "quality_report": {"months"},
        "metrics_report": {"months"},
    }
    assert type(model.timetable).__name__ == "NullTimetable"  # on demand unless configured
    assert model.get_task("promote").upstream_task_ids == {"train"}
    for dag in (monthly, model):
        for task in dag.tasks:
            assert task.execution_timeout is not None and task.on_failure_callback


def test_the_model_is_weekly_when_configured(tmp_path: Path) -> None:
    code = (
        "from airflow.dag_processing.dagbag import BundleDagBag; "
        f"bag = BundleDagBag(dag_folder={str(DAGS / 'linkage_model.py')!r}, "
        f"bundle_path={str(REPO)!r}, safe_mode=False); "
        "print(bag.import_errors or bag.dags['linkage_model'].timetable.expression)"
    )
    env = {
        "AIRFLOW_HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "HEALTHARCHIVE_MODEL_CRON": "0 12 * * 0",
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "0 12 * * 0"


def test_a_0200_run_processes_the_previous_city_day() -> None:
    # 02:00 Shanghai on 5 Jan is 18:00 UTC on 4 Jan: the night to process is 4 Jan
    fired = datetime(2026, 1, 4, 18, 0, tzinfo=UTC)
    assert night_to_process(fired, fired).isoformat() == "2026-01-04"
    # a manual run without a logical date falls back to run_after
    assert night_to_process(None, fired).isoformat() == "2026-01-04"
    # as Airflow hands it over: a pendulum DateTime (its arithmetic in a zoneinfo zone is off)
    import pendulum

    for fired, night in (
        (pendulum.datetime(2026, 1, 4, 18, tz="UTC"), "2026-01-04"),
        (pendulum.datetime(2026, 2, 28, 18, tz="UTC"), "2026-02-28"),
        (pendulum.datetime(2026, 3, 1, 2, tz="Asia/Shanghai"), "2026-02-28"),
    ):
        assert night_to_process(fired, fired).isoformat() == night


def test_the_first_night_setting_starts_the_schedule_after_it() -> None:
    from pipelines.scheduler import nightly_start

    assert nightly_start({}) is None
    start = nightly_start({"HEALTHARCHIVE_FIRST_NIGHT": "2026-03-01"})
    assert start.date() == date(2026, 3, 2) and start.utcoffset() == timedelta(hours=8)
