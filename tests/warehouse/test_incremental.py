"""An incremental build equals a full rebuild, table by table and row by row.

The shared small simulated city (tests/publish/simulated_city.py, 1,000 residents × 2 nights with
identity damage, corrections and deletions; a couple of hundred timeline rows) was published
once, fully, for its last night. Here its lake is
published for the first night (full: there is no warehouse yet), then for the last night on top of
it (incremental: the previous warehouse is the night before), and compared with the full build.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from pipelines.publish import publish
from pipelines.publish.incremental import choose_base, project_checksum
from tests.publish.compare_published import compare_data
from tests.publish.simulated_city import LAST, START

LAKE = ("lake", "mpi", "quality")


def test_an_incremental_build_equals_a_full_rebuild(
    small_city: tuple[Path, Path], tmp_path: Path
) -> None:
    full = small_city[1]
    for folder in LAKE:
        shutil.copytree(full / folder, tmp_path / folder)
    assert publish(tmp_path, START).mode == "full"
    first = _timeline(tmp_path)
    assert publish(tmp_path, LAST).mode == "incremental"
    assert compare_data(full, tmp_path) == {"warehouse.duckdb": [], "analytics.duckdb": []}
    # the incremental build had something to carry and something to add: night 1's records are
    # all still there, night 2 added more, and dbt updated the carried timeline incrementally
    last = _timeline(tmp_path)
    assert first and len(last) > len(first)
    assert first <= last
    report = json.loads((tmp_path / "reports" / "publish" / f"{LAST}.json").read_text())
    timeline = next(n for n in report["nodes"] if n["name"] == "archive__timeline")
    assert (report["mode"], timeline["materialized"]) == ("incremental", "incremental")
    # the unit tests ran in the full build of this project, not again on top of it
    full = json.loads((tmp_path / "reports" / "publish" / f"{START}.json").read_text())
    assert "unit_test" in {n["kind"] for n in full["nodes"]}
    assert "unit_test" not in {n["kind"] for n in report["nodes"]}


def _timeline(data: Path) -> set[tuple]:  # the records of the timeline
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        return set(con.execute("SELECT record_key FROM archive.timeline").fetchall())


def test_only_the_night_after_a_warehouse_builds_on_it(small_city: tuple[Path, Path]) -> None:
    published, checksum = small_city[1] / "warehouse.duckdb", project_checksum()
    assert choose_base(published, LAST.replace(day=LAST.day + 1), checksum).mode == "incremental"
    assert "not the night before" in choose_base(published, LAST, checksum).reason  # a rerun
    assert "changed" in choose_base(published, LAST.replace(day=LAST.day + 1), "other").reason
    assert choose_base(published.with_name("none.duckdb"), LAST, checksum).mode == "full"
