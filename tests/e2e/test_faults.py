"""Faults a real city brings: nights with nothing delivered, a wrong configuration, a second run
on the same data, a damaged delivery — each with the exit status a scheduler acts on (README)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from kernel.layout import Layout
from kernel.runlock import RunLocked, exclusive
from pipelines.run import (
    EXIT_CONFIGURATION,
    EXIT_DELIVERY_PROBLEMS,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
)

pytestmark = pytest.mark.e2e

START = date(2026, 3, 1)
DELIVERED_DAYS, NIGHTS = 2, 4  # nights 3 and 4: nothing delivered at all (a holiday)
REPO = Path(__file__).resolve().parents[2]


def healtharchive(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The installed command, as cron or a scheduler runs it."""
    command = [sys.executable, "-c", "from pipelines.cli import main; main()", *args]
    merged = {**os.environ, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, env=merged, cwd=REPO)


def said(done: subprocess.CompletedProcess) -> str:
    """What the command printed on stderr, with the console's line wrapping undone."""
    return done.stderr.replace("\n", "")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from simulator import simulate_city

    sources = tmp_path_factory.mktemp("quiet") / "sources"
    simulate_city(sources, residents=300, start=START, days=DELIVERED_DAYS, seed=4)
    return sources


def _night(n: int) -> str:
    return (START + timedelta(days=n - 1)).isoformat()


def test_nights_with_nothing_delivered_run_and_publish(city: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = healtharchive("run", "--sources", str(city), "--data", str(data),
                         "--date", _night(1), "--through", _night(NIGHTS))  # fmt: skip
    assert done.returncode == EXIT_OK, done.stderr[-2000:]
    with duckdb.connect(str(Layout(data).warehouse), read_only=True) as con:
        assert con.execute("SELECT max(as_of_date) FROM ops.publish").fetchone()[0] == date(
            2026, 3, NIGHTS
        )
        # the silent nights are on record: every expected delivery of night 4 is 'missing'
        statuses = con.execute(
            "SELECT DISTINCT status FROM ops.load_log WHERE load_date = ?", [date(2026, 3, NIGHTS)]
        ).fetchall()
    assert {s for (s,) in statuses} <= {"missing", "empty"}
    # everything written is owner-only: the data directory and what is in it
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in (Layout(data).warehouse, Layout(data).analytics, *data.glob("lake/raw/*/*/*/*")):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_quarantined_delivery_completes_the_night_with_status_3(
    city: Path, tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(city, sources)
    frontend = sorted((sources / "hospital").glob("*/frontend.sqlite"))[0]
    with sqlite3.connect(frontend) as con:  # a patient row without the required name
        con.execute(
            "INSERT INTO patient (patient_id, id_type, id_no, name, updated_at) "
            "VALUES ('P-broken', '01', NULL, NULL, ?)",
            [f"{_night(1)}T09:30:00+08:00"],
        )
    done = healtharchive("run", "--sources", str(sources), "--data", str(tmp_path / "data"),
                         "--date", _night(1))  # fmt: skip
    assert done.returncode == EXIT_DELIVERY_PROBLEMS, done.stderr[-2000:]
    assert Layout(tmp_path / "data").warehouse.exists()  # completed and published
    assert "quarantined" in said(done) or "stopped" in said(done)


def test_a_missing_key_is_refused_before_anything_is_written(city: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"HEALTHARCHIVE_PSEUDONYM_KEY": "", "HEALTHARCHIVE_PSEUDONYM_KEY_FILE": ""}
    done = healtharchive("run", "--sources", str(city), "--data", str(data), "--date", _night(1),
                         env=env)  # fmt: skip
    assert done.returncode == EXIT_CONFIGURATION
    assert "pseudonymisation key" in said(done) and "nothing was written" in said(done)
    assert not data.exists()


def test_a_short_key_an_unreadable_source_and_a_bad_url_are_listed_together(
    tmp_path: Path,
) -> None:
    env = {
        "HEALTHARCHIVE_PSEUDONYM_KEY": "short",
        "HEALTHARCHIVE_FRONTEND_URL_H1": "postgresql://extract:${UNSET_PASSWORD}@db/frontend",
    }
    done = healtharchive("check", "--sources", str(tmp_path / "nowhere"), "--data",
                         str(tmp_path / "data"), env=env)  # fmt: skip
    assert done.returncode == EXIT_CONFIGURATION
    assert "shorter than 32 bytes" in said(done) and "not a readable folder" in said(done)


def test_a_failed_night_exits_1(city: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(city, sources)
    (sources / "reference" / "population.csv").unlink()
    done = healtharchive("run", "--sources", str(sources), "--data", str(tmp_path / "data"),
                         "--date", _night(1))  # fmt: skip
    assert done.returncode == EXIT_FAILED
    assert "population.csv is missing" in said(done)


def test_a_second_run_is_refused_at_once_naming_the_first(city: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the holder keeps the lock far longer than a loaded machine takes to start a run (it
    # is killed below): a holder that let go first made the run go ahead
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from kernel.runlock import exclusive\n"
         "with exclusive(sys.argv[1]):\n    print('held', flush=True); time.sleep(3600)",
         str(Layout(data).run_lock)],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        done = healtharchive("run", "--sources", str(city), "--data", str(data),
                             "--date", _night(1))  # fmt: skip
        assert done.returncode == EXIT_LOCKED
        assert f"pid {holder.pid}" in said(done)
    finally:
        holder.kill()
        holder.wait()
    # the holder died without cleaning up: its lock is stale and the next run takes it over
    recorded = json.loads(Layout(data).run_lock.read_text())
    assert recorded["pid"] == holder.pid
    with exclusive(Layout(data).run_lock):
        assert json.loads(Layout(data).run_lock.read_text())["pid"] == os.getpid()


def test_the_lock_is_reentrant_in_one_process_and_exclusive_across(tmp_path: Path) -> None:
    lock = tmp_path / ".run.lock"
    with exclusive(lock), exclusive(lock):  # a stage inside a run of the same process
        other = subprocess.run(
            [sys.executable, "-c", "import sys; from kernel.runlock import exclusive\n"
             "with exclusive(sys.argv[1]): pass", str(lock)],
            capture_output=True, text=True, cwd=REPO,
        )  # fmt: skip
        assert other.returncode != 0 and RunLocked.__name__ in other.stderr
    assert lock.read_text() == ""  # a clean exit leaves no holder behind
