"""Rerunning a date replaces its partitions: same bytes, nothing stale left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.layout import Layout
from pipelines.extract import extract_date
from pipelines.extract import staging as staging_module
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY


def _files(data: Path, staged: bool = True) -> dict[str, bytes]:
    """Every Parquet file of the lake (without the extract's staging: its working state)."""
    lake_dir = data / "lake"
    return {
        str(p.relative_to(lake_dir)): p.read_bytes()
        for p in sorted(lake_dir.rglob("*.parquet"))
        if staged or not p.is_relative_to(lake_dir / "staging")
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
    checkup = Layout(data).raw_dir("checkup", "visit", DAY) / "C001.parquet"
    assert checkup.exists()
    (sources / "checkup" / DAY.isoformat() / "C001.csv").unlink()
    (sources / "checkup" / DAY.isoformat() / "_manifest.json").unlink()
    extract_date(sources, data, DAY)
    assert not checkup.exists()


def test_a_crash_mid_write_leaves_the_previous_night_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    extract_date(sources, data, DAY)
    before = _files(data, staged=False)
    fx.write_drop(sources / "vaccination" / DAY.isoformat(),
                  {"V001.jsonl": fx.jsonl_text([fx.dose(dose_no=3)]).encode()})  # fmt: skip
    calls = []

    def crash_on_second_file(table: object, path: object, **kwargs: object) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        real(table, path, **kwargs)

    real = staging_module.pq.write_table  # every delivered partition is written there first
    monkeypatch.setattr(staging_module.pq, "write_table", crash_on_second_file)
    with pytest.raises(OSError, match="disk full"):
        extract_date(sources, data, DAY, reload=True)
    # every partition and the load log as the first run left them
    assert _files(data, staged=False) == before
    assert not [p for p in (data / "lake").iterdir() if p.name.startswith(".")]
