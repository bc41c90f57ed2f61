"""The night's extract in units (one institution's deliveries of one source system): extracted
one by one, as the scheduler's mapped tasks do, the lake is what one call makes; a unit whose
extract did not finish is reported, not dropped; a unit extracted again replaces its attempt."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kernel.layout import Layout
from pipelines.extract import (
    Unit,
    begin_extract,
    extract_date,
    extract_units,
    finish_extract,
)
from pipelines.extract.errors import ExtractError
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY

# fx.tiny_city: H001 and H002 hospitals (H002 delivers nothing), V001 vaccination, M001 MCH
# and vaccination (no vaccination file), C001 checkup
UNITS = [
    "hospital/H001",
    "hospital/H002",
    "vaccination/M001",
    "vaccination/V001",
    "mch/M001",
    "checkup/C001",
]


def _lake(data: Path) -> dict[str, bytes]:
    """Every file the extract leaves for the stages after it (not its own staging)."""
    lake = data / "lake"
    return {
        str(p.relative_to(lake)): p.read_bytes()
        for p in sorted(lake.rglob("*"))
        if p.is_file() and "staging" not in p.relative_to(lake).parts
    }


def _log(data: Path) -> pd.DataFrame:
    return pd.read_parquet(Layout(data).night("ops.load_log", DAY))


def test_the_units_are_the_reference_lists_and_what_was_found(tmp_path: Path) -> None:
    sources = fx.tiny_city(tmp_path / "s")
    stranger = sources / "vaccination" / DAY.isoformat()
    fx.write_drop(
        stranger,
        {
            "V001.jsonl": fx.jsonl_text([fx.dose()]).encode(),
            "X009.jsonl": fx.jsonl_text([fx.dose()]).encode(),
        },
    )
    units = begin_extract(sources, tmp_path / "d", DAY)
    assert [str(u) for u in units] == [*UNITS[:4], "vaccination/X009", *UNITS[4:]]


def test_unit_by_unit_gives_the_lake_of_one_call(tmp_path: Path) -> None:
    sources = fx.tiny_city(tmp_path / "s")
    at_once, one_by_one = tmp_path / "once", tmp_path / "units"
    whole = extract_date(sources, at_once, DAY)
    units = begin_extract(sources, one_by_one, DAY)
    assert [str(u) for u in units] == UNITS
    for unit in reversed(units):  # any order, one call each, as the mapped tasks run
        (result,) = extract_units(sources, one_by_one, DAY, [unit])
        assert result.unit == unit and not result.stopped
    summary = finish_extract(sources, one_by_one, DAY)
    assert _lake(one_by_one) == _lake(at_once)  # byte for byte
    assert summary.units == len(UNITS) and summary.unfinished == ()
    assert summary.by_status == whole.by_status and summary.by_status["loaded"] == 7


def test_a_unit_that_did_not_finish_is_reported_and_the_rest_goes_in(tmp_path: Path) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    units = begin_extract(sources, data, DAY)
    extract_units(sources, data, DAY, [u for u in units if str(u) != "mch/M001"])
    summary = finish_extract(sources, data, DAY)
    assert summary.unfinished == ("mch/M001",)
    log = _log(data).set_index(["source", "dataset", "org_code"])
    mch = log.loc["mch"]
    assert len(mch) == 5 and set(mch["status"]) == {"incomplete"}  # every MCH dataset of M001
    assert mch["message"].str.contains("the extract of mch/M001 did not finish").all()
    assert not Layout(data).raw_dir("mch", "delivery", DAY).exists()
    assert log.loc[("checkup", "visit", "C001"), "status"] == "loaded"


def test_a_unit_extracted_again_replaces_its_attempt(tmp_path: Path) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    drop = sources / "checkup" / DAY.isoformat()
    fx.write_drop(
        drop, {"C001.csv": fx.csv_text([fx.checkup()]).encode("gbk")}, {"C001.csv": {"rows": 7}}
    )  # a manifest that disagrees
    units = begin_extract(sources, data, DAY)
    (first,) = extract_units(sources, data, DAY, [Unit("checkup", "C001")])
    assert [o.status for o in first.stopped] == ["incomplete"] and not first.may_pass
    fx.write_drop(drop, {"C001.csv": fx.csv_text([fx.checkup()]).encode("gbk")})  # delivered again
    extract_units(sources, data, DAY, units)
    finish_extract(sources, data, DAY)
    log = _log(data).set_index(["source", "org_code"])
    assert log.loc[("checkup", "C001"), "status"] == "loaded"
    assert not Layout(data).quarantine_dir("checkup", "visit", DAY).exists()


def test_putting_together_a_night_never_begun_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="was not begun"):
        finish_extract(fx.tiny_city(tmp_path / "s"), tmp_path / "d", DAY)


@pytest.mark.parametrize("text", ["hospital", "fax/H001", "hospital/", "mch/a/b", ""])
def test_a_unit_is_a_system_and_an_institution(text: str) -> None:
    with pytest.raises(ExtractError, match="is not an extract unit"):
        Unit.parse(text)
    assert str(Unit.parse("mch/320583-C001")) == "mch/320583-C001"
