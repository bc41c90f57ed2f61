"""warehouse/quality/result.sql: every night's results, from both stages, queryable as history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.publish.inputs import LakeInputs
from pipelines.publish.runner import WAREHOUSE_DIR, parse_model, run_model
from quality.results import describe_rows, finalise

NIGHTS = (date(2026, 2, 27), date(2026, 3, 1))
MODEL = WAREHOUSE_DIR / "quality" / "result.sql"


def _write(path: Path, day: date, check_code: str, failed: int) -> None:
    counts = pd.DataFrame([{
        "source": "hospital", "dataset": "hospital.patient", "org_code": "H1",
        "check_code": check_code, "field": "id_no", "checked": 10, "failed": failed,
        "examples": "hospital:H1:hospital.patient:p1" if failed else "",
    }])  # fmt: skip
    write_parquet(finalise([describe_rows(counts, day)]), path)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    # validate: 1 then 2 invalid ID numbers; check stage: 3 unusable ones, on the second night
    for failed, night in enumerate(NIGHTS, start=1):
        _write(
            Layout(tmp_path).night("quality.result", night, "validate"),
            night,
            "id_no_valid",
            failed,
        )
    _write(
        Layout(tmp_path).night("quality.result", NIGHTS[1], "check"), NIGHTS[1], "id_no_usable", 3
    )
    return tmp_path


def _publish(data: Path, day: date) -> pd.DataFrame:
    con = duckdb.connect()
    run_model(
        con, parse_model(MODEL, WAREHOUSE_DIR), LakeInputs(Layout(data), day).template_globals()
    )
    return con.sql("SELECT * FROM quality.result").df()


def test_both_stages_of_every_night_with_every_column(data: Path) -> None:
    frame = _publish(data, NIGHTS[1])
    assert frame[["run_date", "check_code", "failed"]].astype(str).values.tolist() == [
        ["2026-02-27", "id_no_valid", "1"], ["2026-03-01", "id_no_usable", "3"],
        ["2026-03-01", "id_no_valid", "2"],
    ]  # fmt: skip
    extra = ["severity", "threshold", "passed", "description", "examples"]
    assert list(frame.columns[-5:]) == extra
    assert frame["examples"].tolist() == ["hospital:H1:hospital.patient:p1"] * 3
    assert set(frame["dimension"]) == {"identity"}


def test_a_publish_reads_no_night_after_its_own(data: Path) -> None:
    assert _publish(data, NIGHTS[0])["check_code"].tolist() == ["id_no_valid"]


def test_nights_before_any_check_stage_still_publish(tmp_path: Path) -> None:
    # older nights (or a lake that never ran the check stage) have no post_link.parquet
    _write(
        Layout(tmp_path).night("quality.result", NIGHTS[0], "validate"), NIGHTS[0], "id_no_valid", 1
    )
    frame = _publish(tmp_path, NIGHTS[1])
    assert frame["check_code"].tolist() == ["id_no_valid"]
    assert frame["passed"].tolist() == [False]  # 1 of 10 = 10 %, past the 5 % threshold
