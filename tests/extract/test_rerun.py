"""Rerunning a date replaces its partitions: same bytes, nothing stale left behind."""

from __future__ import annotations

from pathlib import Path

from pipelines import lake
from pipelines.extract import extract_date
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY


def _files(data: Path) -> dict[str, bytes]:
    lake_dir = data / "lake"
    return {
        str(p.relative_to(lake_dir)): p.read_bytes() for p in sorted(lake_dir.rglob("*.parquet"))
    }


def test_a_rerun_writes_identical_parquet(tmp_path: Path) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    extract_date(sources, data, DAY)
    first = _files(data)
    extract_date(sources, data, DAY)
    assert _files(data) == first  # byte for byte: load_id and loaded_at are deterministic
    assert not [p for p in (data / "lake").iterdir() if p.name.startswith(".")]  # no scratch left


def test_a_rerun_removes_what_the_date_no_longer_has(tmp_path: Path) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    extract_date(sources, data, DAY)
    checkup = lake.raw_dir(data, "checkup", "visit", DAY) / "C001.parquet"
    assert checkup.exists()
    (sources / "checkup" / DAY.isoformat() / "C001.csv").unlink()
    (sources / "checkup" / DAY.isoformat() / "_manifest.json").unlink()
    extract_date(sources, data, DAY)
    assert not checkup.exists()
