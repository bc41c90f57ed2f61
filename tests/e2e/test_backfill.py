"""A range in bulk (``pipelines.run.backfill``) against the same nights one by one (``run_date``).

Both run a tiny simulated city into their own data folder. The bulk range must leave the same
residents and every night's stage tables (load log, quality results, held deliveries, the MPI
after each night, the standardised lake), and publish the same warehouse and analytics files
(``compare_published``: the dbt timings of ``ops.publish`` aside). What shows one night only,
the last built (the Data Docs site, ``reports/publish/<D>.json``), a backfill builds for its
last night alone.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import pyarrow.parquet as pq
import pytest

import pipelines.run as nightly_run
from kernel.layout import Layout
from pipelines.run import (
    STAGES,
    NightResult,
    RangeRefused,
    backfill,
    days_between,
    exit_status,
    run_date,
)
from tests.publish.compare_published import compare_data

pytestmark = pytest.mark.e2e

START, DAYS = date(2026, 3, 1), 4
LAST = START + timedelta(days=DAYS - 1)
NO_DIFFERENCE = {"warehouse.duckdb": [], "analytics.duckdb": []}


class Ran(NamedTuple):
    sources: Path
    one_by_one: Path  # data folder of the nights one by one
    bulk: Path  # data folder of the range in bulk
    nights: list[NightResult]  # one by one
    ranged: list[NightResult]  # in bulk
    steps: list[tuple[date, str]]  # the range's steps, in order (on_stage)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    from simulator import SimConfig, simulate_city

    root = tmp_path_factory.mktemp("backfill")
    sources, one_by_one, bulk = root / "sources", root / "one_by_one", root / "bulk"
    # families and identity damage turned up, as in test_nightly: merges, mothers, redirects
    noisy = SimConfig(noise_scale=3.0, birth_rate=0.3)
    simulate_city(sources, residents=800, start=START, days=DAYS, seed=11, config=noisy)
    nights = [run_date(sources, one_by_one, night) for night in days_between(START, LAST)]
    steps: list[tuple[date, str]] = []
    ranged = backfill(sources, bulk, START, LAST, on_stage=lambda d, s: steps.append((d, s)))
    return Ran(sources, one_by_one, bulk, nights, ranged, steps)


def stage_tables(data: Path) -> dict[str, Counter]:
    """Every Parquet file the stages wrote (lake, MPI, quality), its rows as a multiset."""
    found = {}
    for folder in ("lake", "mpi", "quality"):
        for path in sorted((data / folder).rglob("*.parquet")):
            table = pq.read_table(path)
            rows = zip(*(map(str, c.to_pylist()) for c in table.columns), strict=True)
            found[str(path.relative_to(data))] = Counter(rows)
    return found


def test_the_same_residents_and_stage_tables_every_night(city: Ran) -> None:
    one_by_one, bulk = city.one_by_one, city.bulk
    expected, got = stage_tables(one_by_one), stage_tables(bulk)
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []
    for night in days_between(START, LAST):  # every night keeps its own record
        assert (bulk / f"mpi/date={night}/record_link.parquet").exists()
        assert (bulk / f"lake/load_log/date={night}/load_log.parquet").exists()
        assert (bulk / f"quality/date={night}/result/check.parquet").exists()
        assert Layout(bulk).gx_results(night).is_dir()  # Great Expectations' results


def test_the_same_published_tables(city: Ran) -> None:
    assert compare_data(city.one_by_one, city.bulk) == NO_DIFFERENCE


def test_stage_by_stage_and_publish_once_for_the_last_night(city: Ran) -> None:
    nights = list(days_between(START, LAST))
    stages = [s for _, s in city.steps]
    assert [s for i, s in enumerate(stages) if s not in stages[:i]] == [n for n, _ in STAGES]
    assert [d for d, s in city.steps if s == "link"] == nights
    # validate: the nights before the last in one call, then the last as the scheduler runs it
    assert [d for d, s in city.steps if s == "validate"] == [START, LAST]
    assert [d for d, s in city.steps if s in ("preflight", "reference")] == [START, START]
    assert [d for d, s in city.steps if s == "publish"] == [LAST]
    published = sorted(p.name for p in (city.bulk / "reports/publish").glob("*.json"))
    assert published == [f"{LAST}.json"]  # the nights one by one: one per night
    assert len(list((city.one_by_one / "reports/publish").glob("*.json"))) == DAYS


def test_the_same_data_docs_site_the_last_nights(city: Ran) -> None:
    # the site shows one night, the last built: a backfill builds the last night's alone
    site = {name: _files(Layout(data).reports("data_docs")) for name, data in
            (("one by one", city.one_by_one), ("bulk", city.bulk))}  # fmt: skip
    assert site["bulk"] == site["one by one"]
    assert any(str(LAST) in name for name in site["bulk"])


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_the_same_exit_status_and_problems_per_night(city: Ran) -> None:
    nights, ranged = city.nights, city.ranged
    assert [n.day for n in ranged] == [n.day for n in nights]
    assert [n.delivery_problems for n in ranged] == [n.delivery_problems for n in nights]
    assert exit_status(ranged) == exit_status(nights)


def test_a_crash_leaves_the_warehouse_then_a_rerun_gives_the_same(
    city: Ran, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, one_by_one, bulk = city.sources, city.one_by_one, city.bulk
    before = dict(nightly_run.STAGES)

    def link_breaks_on_the_last_night(sources: Path, data: Path, day: date) -> object:
        if day == LAST:
            raise RuntimeError("the link stage broke")
        return before["link"](sources, data, day)

    broken = tuple(
        (n, link_breaks_on_the_last_night if n == "link" else f) for n, f in before.items()
    )
    monkeypatch.setattr(nightly_run, "STAGES", broken)
    with pytest.raises(RuntimeError, match="broke"):
        backfill(sources, bulk, START, LAST)
    assert compare_data(one_by_one, bulk) == NO_DIFFERENCE  # the published pair untouched
    monkeypatch.setattr(nightly_run, "STAGES", tuple(before.items()))
    backfill(sources, bulk, START, LAST)  # the range again: replaced, nothing twice
    assert compare_data(one_by_one, bulk) == NO_DIFFERENCE
    assert stage_tables(bulk) == stage_tables(one_by_one)


def test_a_range_that_ends_before_a_linked_night_is_refused(city: Ran, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(city.bulk, data)
    written = _modified(data)
    with pytest.raises(RangeRefused, match=f"night {LAST} is linked already"):
        backfill(city.sources, data, START, LAST - timedelta(days=1))
    assert _modified(data) == written


def _modified(data: Path) -> dict[Path, int]:
    """When each file under ``data`` was last written, the run lock's holder record aside."""
    lock = Layout(data).run_lock
    return {p: p.stat().st_mtime_ns for p in data.rglob("*") if p.is_file() and p != lock}
