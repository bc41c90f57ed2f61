"""The extract steps the nightly DAG calls (``pipelines.run``): one unit per call under a shared
lock, its failure said as "a retry may help" or "a retry cannot help", and what did not load
reported by the night's report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kernel.layout import Layout
from kernel.runlock import RunLocked, exclusive, shared
from pipelines.extract.connectors import env_name
from pipelines.night_report import night_report
from pipelines.run import (
    DeliveryRejected,
    SourceUnavailable,
    collect_extract,
    extract_unit,
    plan_extract,
)
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY

HOLD = (
    "import sys, time; from kernel.runlock import {how}\nwith {how}(sys.argv[1]):\n"
    "    print('held', flush=True); time.sleep(60)"
)


def test_a_unit_that_loads_returns_its_deliveries_by_status(tmp_path: Path) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    units = plan_extract(sources, data, DAY)
    assert "mch/M001" in units
    assert extract_unit(sources, data, DAY, "mch/M001") == {"loaded": 2, "missing": 3}


def test_a_delivery_off_its_manifest_is_rejected_and_reported(tmp_path: Path) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    fx.write_drop(
        sources / "checkup" / DAY.isoformat(),
        {"C001.csv": fx.csv_text([fx.checkup()]).encode("gbk")},
        {"C001.csv": {"sha256": "0" * 64}},
    )
    for unit in plan_extract(sources, data, DAY):
        if unit == "checkup/C001":
            with pytest.raises(DeliveryRejected, match="checkup/C001: 1 not loaded: incomplete"):
                extract_unit(sources, data, DAY, unit)
        else:
            extract_unit(sources, data, DAY, unit)
    summary = collect_extract(sources, data, DAY)
    assert summary.by_status["incomplete"] == 1 and summary.unfinished == ()
    report = night_report(data, DAY)
    assert [(r["org_code"], r["dataset"], r["status"]) for r in report.not_loaded] == [
        ("C001", "checkup.visit", "incomplete")
    ]
    assert report.subject() == f"night {DAY}: 1 deliveries not loaded"


def test_a_database_that_does_not_answer_may_pass(tmp_path: Path, monkeypatch) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    # port 1 on this machine: refused at once; never the network
    monkeypatch.setenv(env_name("H001"), "postgresql://ro:secret@127.0.0.1:1/fe")
    plan_extract(sources, data, DAY)
    with pytest.raises(SourceUnavailable, match="hospital/H001 did not answer") as raised:
        extract_unit(sources, data, DAY, "hospital/H001")
    assert "secret" not in str(raised.value)


def test_units_share_the_lock_and_a_stage_waits_for_them(tmp_path: Path) -> None:
    lock = Layout(tmp_path).run_lock
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(how="shared"), str(lock)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with shared(lock):  # another unit of the night, beside it
            pass
        with pytest.raises(RunLocked, match="extract tasks of one night"), exclusive(lock):
            pass
    finally:
        holder.kill()
        holder.wait()
    with shared(lock), pytest.raises(RuntimeError, match="held shared"), exclusive(lock):
        pass  # a unit may not turn its shared hold into a stage's


def test_a_unit_waits_for_a_stage(tmp_path: Path) -> None:
    lock = Layout(tmp_path).run_lock
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(how="exclusive"), str(lock)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match="pid"), shared(lock):
            pass
    finally:
        holder.kill()
        holder.wait()
