"""``linkage_model`` run by Airflow (``airflow dags test``: every task through Airflow's task
runner, no scheduler): a candidate trained on the city's lake, judged against the pinned model
and promoted only when not worse — with nothing labelled, refused, recorded, nothing changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.layout import Layout
from tests.dags.local_airflow import REPO
from tests.publish.simulated_city import LAST

pytestmark = [pytest.mark.airflow, pytest.mark.slow]
AIRFLOW = Path(sys.executable).with_name("airflow")


def test_the_model_dag_trains_a_candidate_and_records_its_verdict(
    small_city: tuple[Path, Path], tmp_path: Path
) -> None:
    sources, published = small_city
    data = tmp_path / "data"
    shutil.copytree(published, data)  # the shared city is read-only: train on a copy
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")} | {
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "HEALTHARCHIVE_SOURCES": str(sources),
        "HEALTHARCHIVE_DATA": str(data),
    }
    for args in (
        ["db", "migrate"],
        ["dags", "test", "linkage_model", "--conf", json.dumps({"day": str(LAST)})],
    ):
        done = subprocess.run(
            [str(AIRFLOW), *args], env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    layout = Layout(data)
    (candidate,) = layout.model_candidates_dir.glob("*.json")
    (record,) = [json.loads(p.read_text()) for p in layout.model_promotions_dir.glob("*.json")]
    assert record["candidate"] == str(candidate)
    assert record["promoted"] is False and "no labelled pairs" in record["reason"]
    assert not list(layout.models_dir.glob("v*.json"))  # the nightly run keeps its model
