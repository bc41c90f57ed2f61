"""Deliveries that come again: the same bytes are never loaded twice, changed bytes replace.

tiny_city's file drops on DAY: V001.jsonl (1 dose), M001 delivery.csv and child_checkup.csv,
C001.csv (GBK): four loaded files.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from kernel.layout import Layout
from pipelines.extract import deliveries, extract_date
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY

DAY2 = DAY + timedelta(days=1)


def _log(data: Path, day=DAY) -> pd.DataFrame:
    log = pd.read_parquet(Layout(data).night("ops.load_log", day))
    return log.set_index(["dataset", "org_code"])


def _raw(data: Path, day=DAY) -> Path:
    return Layout(data).raw_dir("vaccination", "dose", day) / "V001.parquet"


def _quarantined(data: Path, day=DAY) -> Path:
    return Layout(data).quarantine_dir("vaccination", "dose", day) / "V001.parquet"


def _doses(sources: Path, doses: list[dict], day=DAY, **manifest: object) -> None:
    body = fx.jsonl_text(doses).encode()
    fx.write_drop(sources / "vaccination" / day.isoformat(), {"V001.jsonl": body},
                  {"V001.jsonl": manifest} if manifest else None)  # fmt: skip


@pytest.fixture
def city(tmp_path: Path) -> tuple[Path, Path]:
    return fx.tiny_city(tmp_path / "sources"), tmp_path / "data"


def _no_parsing(*args: object, **kwargs: object) -> None:
    raise AssertionError("a file already loaded from the same bytes was parsed again")


def test_a_rerun_keeps_files_already_loaded_without_parsing_them(
    city: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, data = city
    first = extract_date(sources, data, DAY)
    before = _raw(data).read_bytes(), _log(data)
    monkeypatch.setattr(deliveries, "read_delivered", _no_parsing)
    again = extract_date(sources, data, DAY)
    assert first.kept == 0 and again.kept == 4  # the four loaded files of tiny_city
    assert _raw(data).read_bytes() == before[0]
    pd.testing.assert_frame_equal(_log(data), before[1])


def test_reload_parses_again(city: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    sources, data = city
    extract_date(sources, data, DAY)
    calls = []
    real = deliveries.read_delivered
    monkeypatch.setattr(deliveries, "read_delivered", lambda *a: calls.append(a[0]) or real(*a))
    summary = extract_date(sources, data, DAY, reload=True)
    assert summary.kept == 0 and len(calls) == 4


def test_a_changed_redelivery_of_the_same_day_replaces_the_first(city: tuple[Path, Path]) -> None:
    sources, data = city
    extract_date(sources, data, DAY)
    first_id = _log(data).loc[("dose", "V001"), "load_id"]
    # the clinic sends the day again: R1 corrected, R2 added
    _doses(sources, [fx.dose(dose_no=3), fx.dose(record_id="R2")])
    summary = extract_date(sources, data, DAY)
    entry = _log(data).loc[("dose", "V001")]
    assert summary.kept == 3 and entry["status"] == "loaded" and entry["load_id"] != first_id
    raw = pd.read_parquet(_raw(data))
    assert raw["record_id"].tolist() == ["R1", "R2"] and raw["dose_no"].tolist() == [3, 2]
    assert set(raw["load_id"]) == {entry["load_id"]}  # no row of the first delivery left


def test_an_incomplete_file_can_be_redelivered_and_rerun(city: tuple[Path, Path]) -> None:
    sources, data = city
    _doses(sources, [fx.dose()], rows=2)  # the manifest promises a second row that never came
    extract_date(sources, data, DAY)
    assert _log(data).loc[("dose", "V001"), "status"] == "incomplete"
    assert _quarantined(data).exists() and not _raw(data).exists()
    _doses(sources, [fx.dose(), fx.dose(record_id="R2")])  # re-delivered whole
    extract_date(sources, data, DAY)
    entry = _log(data).loc[("dose", "V001")]
    assert (entry["status"], entry["rows_accepted"], entry["rows_quarantined"]) == ("loaded", 2, 0)
    assert not _quarantined(data).exists()  # the stopped delivery's rows are gone with it


def test_a_drifted_file_corrected_and_rerun_is_loaded(city: tuple[Path, Path]) -> None:
    sources, data = city
    _doses(sources, [fx.dose(lot="L1")])
    extract_date(sources, data, DAY)
    assert _log(data).loc[("dose", "V001"), "status"] == "drift"
    _doses(sources, [fx.dose()])
    extract_date(sources, data, DAY)
    assert _log(data).loc[("dose", "V001"), "status"] == "loaded" and _raw(data).exists()


def test_the_same_file_on_a_later_night_is_a_duplicate(city: tuple[Path, Path]) -> None:
    sources, data = city
    extract_date(sources, data, DAY)
    first_id = _log(data).loc[("dose", "V001"), "load_id"]
    later = sources / "vaccination" / DAY2.isoformat()
    shutil.copytree(sources / "vaccination" / DAY.isoformat(), later)  # the same bytes again
    summary = extract_date(sources, data, DAY2)
    entry = _log(data, DAY2).loc[("dose", "V001")]
    assert entry["status"] == "duplicate" and entry["duplicate_of"] == first_id
    assert (entry["rows_delivered"], entry["rows_accepted"], entry["rows_quarantined"]) == (0, 0, 0)
    assert DAY.isoformat() in entry["message"] and not _raw(data, DAY2).exists()
    assert summary.by_status["duplicate"] == 1
    extract_date(sources, data, DAY2)  # a rerun of the later night: still a duplicate
    assert _log(data, DAY2).loc[("dose", "V001"), "status"] == "duplicate"


def test_a_duplicate_names_the_first_load_and_an_unreadable_log_breaks_nothing(
    city: tuple[Path, Path],
) -> None:
    sources, data = city
    extract_date(sources, data, DAY)
    first_id = _log(data).loc[("dose", "V001"), "load_id"]
    drops = sources / "vaccination"
    for day in (DAY2, DAY3 := DAY2 + timedelta(days=1)):
        shutil.copytree(drops / DAY.isoformat(), drops / day.isoformat())
    extract_date(sources, data, DAY2)
    extract_date(sources, data, DAY3)  # the same bytes a third time: the first load is named
    assert _log(data, DAY3).loc[("dose", "V001"), "duplicate_of"] == first_id
    Layout(data).night("ops.load_log", DAY).write_bytes(b"not parquet")  # a damaged old log
    extract_date(sources, data, DAY3)  # its loads are forgotten, the night still runs
    assert _log(data, DAY3).loc[("dose", "V001"), "status"] == "loaded"


def test_changed_content_on_a_later_night_is_loaded(city: tuple[Path, Path]) -> None:
    sources, data = city
    extract_date(sources, data, DAY)
    _doses(sources, [fx.dose(status="voided")], day=DAY2)  # the dose voided the next day
    extract_date(sources, data, DAY2)
    assert _log(data, DAY2).loc[("dose", "V001"), "status"] == "loaded"
    assert pd.read_parquet(_raw(data, DAY2))["status"].tolist() == ["voided"]


def test_a_stopped_file_is_no_reason_to_call_its_twin_a_duplicate(city: tuple[Path, Path]) -> None:
    sources, data = city
    _doses(sources, [fx.dose()], rows=2)  # incomplete on DAY: nothing of it was loaded
    extract_date(sources, data, DAY)
    _doses(sources, [fx.dose()], day=DAY2)  # the same bytes, a correct manifest
    extract_date(sources, data, DAY2)
    assert _log(data, DAY2).loc[("dose", "V001"), "status"] == "loaded"
