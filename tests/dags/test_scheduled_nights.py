"""``nightly_archive`` under a real scheduler gives what ``healtharchive run`` gives.

One Airflow for the module (a throwaway AIRFLOW_HOME, SQLite, LocalExecutor: ``local_airflow``)
and a tiny simulated city (``tiny_city``). The command line's warehouse is the reference: the
scheduler's must have the same tables with the same rows — the same residents, the same
archives, the same indicators. Then one institution's delivery is broken: its mapped task alone
fails, at its first try (a contract violation is not retried), the night publishes the rest,
exactly as the command line publishes the broken city; once the delivery is repaired, clearing
the failed task reruns the night to the clean city's result. ``monthly_reports`` runs on the
Assets the nights publish: the first night closes February, whose reports it makes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.run import days_between, run_date
from tests.dags.local_airflow import LocalAirflow
from tests.dags.tiny_city import (
    LAST,
    START,
    break_delivery,
    build_tiny_city,
    file_drops,
    listed_units,
)
from tests.publish.compare_published import steady_select

pytestmark = [pytest.mark.airflow, pytest.mark.e2e, pytest.mark.slow]
DAG, MONTHLY = "nightly_archive", "monthly_reports"
NIGHT_TIMEOUT = 900  # seconds a night may take on a loaded two-core machine
# columns that say when, not what (and, by steady_select, the timings of the dbt run)
WALL_CLOCK = {"published_at"}


@dataclass
class World:
    root: Path
    sources: Path
    airflow: LocalAirflow

    @property
    def reference(self) -> Path:
        """The command line's data root after both nights (run on first use, while Airflow
        runs its own nights: the two compete for the same two cores only once)."""
        data, done = self.root / "reference", self.root / "reference.done"
        if not done.exists():
            for night in days_between(START, LAST):
                run_date(self.sources, data, night)
                if night == START:
                    _copy_published(data, self.root / "after-first")
            done.touch()
        return data

    @property
    def after_first(self) -> Path:
        """The command line's warehouse and analytics files after the first night."""
        return self.reference.parent / "after-first"

    @property
    def alerts(self) -> list[dict]:
        path = self.root / "alerts.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("scheduled")
    sources = build_tiny_city(root / "sources")
    fires = [night + timedelta(days=1) for night in (START, LAST)]  # 02:00 the day after
    assert fires[0].month == fires[1].month
    airflow = LocalAirflow(
        root / "airflow",
        {
            "HEALTHARCHIVE_PSEUDONYM_KEY": os.environ["HEALTHARCHIVE_PSEUDONYM_KEY"],
            # fire on the tiny city's nights only: no run of today's date joins in mid-test
            "HEALTHARCHIVE_NIGHTLY_CRON": f"0 2 {fires[0].day},{fires[1].day} {fires[0].month} *",
            "HEALTHARCHIVE_ALERT_LOG": str(root / "alerts.jsonl"),
        },
    )
    airflow.launch()
    try:
        airflow.wait_ready()
        airflow.wait_parsed(DAG)
        airflow.wait_parsed(MONTHLY)
        airflow.cli("dags", "unpause", f"{DAG}|{MONTHLY}", "--treat-dag-id-as-regex", "--yes")
        yield World(root, sources, airflow)
    finally:
        airflow.stop()


def test_two_nights_under_a_real_scheduler_publish_what_the_command_line_publishes(
    world: World,
) -> None:
    af, data = world.airflow, world.root / "scheduled-data"
    af.set_variables(sources=str(world.sources), data=str(data))
    af.cli(
        "backfill",
        "create",
        "--dag-id",
        DAG,
        "--reprocess-behavior",
        "failed",
        "--from-date",
        f"{START + timedelta(days=1)}T00:00:00+08:00",
        "--to-date",
        f"{LAST + timedelta(days=1)}T03:00:00+08:00",
    )
    reference = world.reference  # the command line's nights, meanwhile
    runs = af.wait_finished(DAG, 2, 2 * NIGHT_TIMEOUT)
    assert sorted(runs.values()) == ["success", "success"], af.logs()
    for run_id in runs:
        states = af.task_states(DAG, run_id)
        units = {m for (t, m) in states if t == "extract"}
        assert units == listed_units(world.sources)  # one task per institution and system
        assert {s for s, _ in states.values()} == {"success"}
    first, second = sorted(runs)
    times = {(r, t): (start, end) for r, t, start, end in af.task_times(DAG)}
    assert times[(second, "preflight")][0] >= times[(first, "report")][1]  # nights in order
    _assert_same_published(data, reference)
    months = af.wait_finished(MONTHLY, 1, NIGHT_TIMEOUT)  # on the Assets of the first night
    assert set(months.values()) == {"success"}, af.logs()
    for kind in ("quality", "metrics"):
        assert (data / "reports" / kind / f"{START:%Y-%m}.html").stat().st_size > 0, kind
    assert _asset_nights(af) == {
        name: [START.isoformat(), LAST.isoformat()]
        for name in (
            "healtharchive_warehouse",
            "healtharchive_analytics",
            "healtharchive_quality_results",
        )
    }


def test_a_broken_delivery_fails_its_task_alone_and_the_night_publishes_the_rest(
    world: World,
) -> None:
    af, data = world.airflow, world.root / "broken-data"
    sources = world.root / "broken-sources"
    shutil.copytree(world.sources, sources)
    broken = file_drops(sources, START)[0]
    delivered = broken.read_bytes()
    unit = break_delivery(broken)
    af.set_variables(sources=str(sources), data=str(data))
    logical = f"{LAST + timedelta(days=2)}T02:00:00+08:00"  # after the backfill's nights
    run_id = "manual__broken"
    af.cli(
        "dags",
        "trigger",
        DAG,
        "--run-id",
        run_id,
        "--logical-date",
        logical,
        "--conf",
        json.dumps({"day": START.isoformat()}),
    )  # a manual run names its night
    reference = world.root / "broken-reference"
    run_date(sources, reference, START)  # what the command line makes of the broken city, meanwhile
    assert af.wait_run(DAG, run_id, NIGHT_TIMEOUT) == "success", af.logs()
    states = af.task_states(DAG, run_id)
    assert {k: v for k, v in states.items() if v[0] != "success"} == {
        ("extract", unit): ("failed", 1)  # its own task, failed at the first try
    }
    _assert_same_published(data, reference)  # the rest of the night, published
    _alerted_without_personal_data(world, unit, reference)

    broken.write_bytes(delivered)  # the institution delivers again
    # the night cleared from its extract on (3.3 matches --task-regex as a substring)
    af.cli("tasks", "clear", DAG, "--task-regex", "extract", "--downstream",
           "--start-date", logical, "--end-date", logical, "--yes")  # fmt: skip
    assert af.wait_run(DAG, run_id, NIGHT_TIMEOUT) == "success", af.logs()
    assert af.task_states(DAG, run_id)[("extract", unit)] == ("success", 2)
    _assert_same_published(data, world.after_first)  # as if it had never broken


def _alerted_without_personal_data(world: World, unit: str, reference: Path) -> None:
    alerts = world.alerts
    failed = [a for a in alerts if a["kind"] == "task_failed"]
    assert [a["subject"] for a in failed] == [f"{DAG}: extract[{unit}] failed"]
    assert "DeliveryRejected" in " ".join(failed[0]["lines"])
    org = unit.split("/")[1]
    night = [
        a
        for a in alerts
        if a["kind"] == "deliveries_not_loaded" and f"night {START}" in a["subject"]
    ]
    assert any(org in line and "incomplete" in line for a in night for line in a["lines"])
    text = json.dumps(alerts, ensure_ascii=False)
    mentions = pd.read_parquet(reference / "lake" / "std" / "person_mention")
    personal = {
        v
        for c in ("name", "id_no", "phone")
        if c in mentions
        for v in mentions[c].dropna().astype(str)
        if len(v) >= 2
    }
    assert personal, "the city has no personal data to look for"
    assert not [v for v in personal if v in text]


def _copy_published(data: Path, out: Path) -> None:
    out.mkdir(parents=True)
    for name in ("warehouse.duckdb", "analytics.duckdb"):
        shutil.copy2(data / name, out / name)


def _assert_same_published(data: Path, reference: Path) -> None:
    """Both published databases hold the same tables with the same rows (the same residents,
    archives, indicators, quality results)."""
    for name in ("warehouse.duckdb", "analytics.duckdb"):
        ours, theirs = _tables(data / name), _tables(reference / name)
        assert ours.keys() == theirs.keys(), name
        for table, frame in ours.items():
            pd.testing.assert_frame_equal(frame, theirs[table], obj=f"{name} {table}")
    residents = _tables(data / "warehouse.duckdb")["mpi.resident"]
    assert len(residents) > 0, "no residents: nothing was compared"


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.sql(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE NOT internal"
        ).fetchall()
        return {t: _sorted(con.sql(steady_select(t)).df()) for (t,) in sorted(names)}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in frame.columns if c in WALL_CLOCK])
    return frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame


def _asset_nights(af: LocalAirflow) -> dict[str, list[str]]:
    rows = af.query(
        "SELECT a.name, e.extra FROM asset_event e JOIN asset a ON a.id = e.asset_id "
        "ORDER BY e.timestamp"
    )
    found: dict[str, list[str]] = {}
    for name, extra in rows:
        found.setdefault(name, []).append(json.loads(extra or "{}").get("night"))
    return found
