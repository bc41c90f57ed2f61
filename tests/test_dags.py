"""Every DAG imports cleanly, wires the stages in order, and does no work at import time."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

from pipelines.run import STAGES, night_to_process

DAGS = Path(__file__).resolve().parents[1] / "dags"


def _dagbag():
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=str(DAGS.parent), safe_mode=False)


def test_every_dag_imports_without_errors() -> None:
    bag = _dagbag()
    assert bag.import_errors == {}
    assert "nightly_archive" in bag.dags


def test_nightly_dag_runs_the_stages_in_order() -> None:
    dag = _dagbag().dags["nightly_archive"]
    names = [name for name, _ in STAGES]
    assert sorted(dag.task_ids) == sorted(names)
    for before, after in itertools.pairwise(names):
        assert dag.get_task(after).upstream_task_ids == {before}


def test_a_0200_run_processes_the_previous_city_day() -> None:
    # 02:00 Shanghai on 5 Jan is 18:00 UTC on 4 Jan: the night to process is 4 Jan
    fired = datetime(2026, 1, 4, 18, 0, tzinfo=UTC)
    assert night_to_process(fired, fired).isoformat() == "2026-01-04"
    # a manual run without a logical date falls back to run_after
    assert night_to_process(None, fired).isoformat() == "2026-01-04"
