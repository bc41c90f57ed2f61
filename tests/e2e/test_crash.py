"""Crash safety: a run killed (SIGKILL) inside any stage and then rerun gives the same warehouse
as a run that was never interrupted; while it lay dead, the previous warehouse stayed readable.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kernel.layout import Layout
from pipelines.run import run_date
from tests.publish.compare_published import steady_select

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NIGHT1, NIGHT2 = date(2026, 3, 1), date(2026, 3, 2)
REPO = Path(__file__).resolve().parents[2]
# where to kill: before the stage's N-th file lands (check writes one file: before that one)
KILL_BEFORE_WRITE = {
    "reference": 2, "extract": 2, "validate": 2, "standardise": 2, "link": 2, "check": 1,
    "publish": 2,
}  # fmt: skip


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(sources, the data after night 1, the data after an uninterrupted night 2)."""
    from simulator import SimConfig, simulate_city

    root = tmp_path_factory.mktemp("crash")
    sources = root / "sources"
    simulate_city(sources, 500, NIGHT1, 2, seed=9, config=SimConfig(noise_scale=2.0))
    after_one = root / "after-night-1"
    run_date(sources, after_one, NIGHT1)
    uninterrupted = root / "uninterrupted"
    shutil.copytree(after_one, uninterrupted)
    run_date(sources, uninterrupted, NIGHT2)
    return sources, after_one, uninterrupted


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every table of a published database, as sorted rows; without the dbt timings in
    ops.publish (a rerun takes its own time)."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1"
        ).fetchall()
        rows = {
            n: con.execute(f"SELECT COLUMNS(*)::VARCHAR FROM ({steady_select(n)})").fetchall()
            for (n,) in names
        }
        return {n: sorted(r, key=repr) for n, r in rows.items()}


@pytest.mark.parametrize("stage", list(KILL_BEFORE_WRITE))
def test_a_run_killed_inside_a_stage_reruns_to_the_same_warehouse(
    city: tuple[Path, Path, Path], stage: str, tmp_path: Path
) -> None:
    sources, after_one, uninterrupted = city
    data = tmp_path / "data"
    shutil.copytree(after_one, data)
    killed = subprocess.run(
        [sys.executable, "-m", "tests.e2e.crash_driver", str(sources), str(data),
         NIGHT2.isoformat(), stage, str(KILL_BEFORE_WRITE[stage])],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    # while the run lies dead, the previous night's warehouse is whole and readable
    for database in (Layout(data).warehouse, Layout(data).analytics):
        assert tables(database)
    run_date(sources, data, NIGHT2)  # takes over the stale lock the killed run left
    for name in ("warehouse", "analytics"):
        rerun, expected = getattr(Layout(data), name), getattr(Layout(uninterrupted), name)
        assert tables(rerun) == tables(expected), name
