"""Hospital front-end databases: the rows changed on the logical date, whatever their spelling."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from kernel.layout import Layout
from pipelines.extract import extract_date
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY


def _raw(data: Path, dataset: str) -> pd.DataFrame:
    path = Layout(data).raw_dir("hospital", dataset, DAY) / "H001.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame({"patient_id": []})


def _log(data: Path) -> pd.DataFrame:
    log = pd.read_parquet(Layout(data).night("ops.load_log", DAY))
    return log.set_index(["dataset", "org_code"])


def test_only_rows_updated_on_the_date_are_extracted(tmp_path: Path) -> None:
    sources, data = tmp_path / "s", tmp_path / "d"
    fx.write_reference(sources)
    patients = [
        fx.patient(patient_id="in-1", updated_at="2026-03-01T00:00:00+08:00"),  # first instant: in
        fx.patient(patient_id="in-2", updated_at="2026-03-01 23:59:59"),  # no offset = +08:00: in
        fx.patient(patient_id="in-3", updated_at="2026/03/01 12:00:00"),  # slashes: in
        fx.patient(patient_id="in-4", updated_at="2026-02-28T16:30:00Z"),  # = 03-01 00:30 +08: in
        fx.patient(patient_id="out-1", updated_at="2026-02-28T23:59:59+08:00"),  # the day before
        fx.patient(patient_id="out-2", updated_at="2026-03-02T00:00:00+08:00"),  # D+1 00:00: out
        fx.patient(patient_id="out-3", updated_at="2026-03-01T16:30:00Z"),  # = 03-02 00:30 +08
        fx.patient(patient_id="in-5", updated_at="2026-03-01T10:00:00+00:00"),  # = 18:00 +08: in
    ]
    fx.write_frontend(sources / "hospital" / "H001" / "frontend.sqlite", {"patient": patients})
    extract_date(sources, data, DAY)
    assert sorted(_raw(data, "patient")["patient_id"]) == ["in-1", "in-2", "in-3", "in-4", "in-5"]


def test_deleted_rows_are_extracted_by_deleted_at(tmp_path: Path) -> None:
    sources, data = tmp_path / "s", tmp_path / "d"
    fx.write_reference(sources)
    deleted = [
        {"table_name": "patient", "row_id": "P9", "deleted_at": "2026-03-01T08:00:00+08:00"},
        {"table_name": "patient", "row_id": "P8", "deleted_at": "2026-02-27T08:00:00+08:00"},
    ]
    fx.write_frontend(sources / "hospital" / "H001" / "frontend.sqlite", {"deleted_rows": deleted})
    extract_date(sources, data, DAY)
    assert _raw(data, "deleted_rows")["row_id"].tolist() == ["P9"]


def test_a_drifted_table_stops_only_that_table(tmp_path: Path) -> None:
    sources, data = tmp_path / "s", tmp_path / "d"
    fx.write_reference(sources)
    enc = fx.encounter()
    enc["ward"] = "3F"  # a column the contract does not know
    fx.write_frontend(
        sources / "hospital" / "H001" / "frontend.sqlite",
        {"patient": [fx.patient()], "encounter": [enc]},
    )
    extract_date(sources, data, DAY)
    log = _log(data)
    assert log.loc[("encounter", "H001"), "status"] == "drift"
    assert "unexpected columns ['ward']" in log.loc[("encounter", "H001"), "message"]
    assert log.loc[("patient", "H001"), "status"] == "loaded"


def test_an_unreadable_database_is_an_incomplete_delivery(tmp_path: Path) -> None:
    sources, data = tmp_path / "s", tmp_path / "d"
    fx.write_reference(sources)
    db = sources / "hospital" / "H001" / "frontend.sqlite"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database")
    summary = extract_date(sources, data, DAY)
    log = _log(data)
    assert set(log.loc[log.index.get_level_values("org_code") == "H001", "status"]) == {
        "incomplete"
    }
    assert summary.by_status["incomplete"] == 7  # every table of H001


def test_extract_never_writes_to_the_front_end(tmp_path: Path) -> None:
    sources, data = tmp_path / "s", tmp_path / "d"
    fx.tiny_city(sources)
    db = sources / "hospital" / "H001" / "frontend.sqlite"
    before = db.read_bytes()
    extract_date(sources, data, DAY)
    assert db.read_bytes() == before and not Path(f"{db}-journal").exists()


def _front_end(sources: Path, patient_row: dict | None, drop_table: bool = False) -> None:
    fx.write_reference(sources)
    db = sources / "hospital" / "H001" / "frontend.sqlite"
    fx.write_frontend(db, {"patient": [patient_row]} if patient_row else {})
    if drop_table:
        with sqlite3.connect(db) as con:
            con.execute("DROP TABLE patient")


def _renamed(row: dict) -> dict:
    row = dict(row)
    row["mobile"] = row.pop("phone")
    return row


def _without(row: dict, column: str) -> dict:
    return {k: v for k, v in row.items() if k != column}


# Drift in a front-end table, as a table: (patient row written, table dropped?, words expected).
DRIFT = [
    ("extra column", fx.patient(ward="3F"), False, "unexpected columns ['ward']"),
    ("renamed column", _renamed(fx.patient()), False, "renamed? 'phone' → 'mobile'"),
    ("missing column", _without(fx.patient(), "address"), False, "missing columns ['address']"),
    ("no change time", _without(fx.patient(), "updated_at"), False,
     "missing columns ['updated_at']"),
    ("no table", None, True, "front-end database has no table 'patient'"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "row", "drop", "words"), DRIFT, ids=[d[0] for d in DRIFT])
def test_drift_in_a_front_end_table_stops_that_table(
    tmp_path: Path, case: str, row: dict | None, drop: bool, words: str
) -> None:
    sources, data = tmp_path / "s", tmp_path / "d"
    _front_end(sources, row, drop)
    extract_date(sources, data, DAY)
    log = _log(data)
    entry = log.loc[("patient", "H001")]
    assert entry["status"] == "drift" and words in entry["message"]
    assert entry["message"].startswith("hospital/H001/frontend.sqlite#patient: ")  # names the table
    assert log.loc[("encounter", "H001"), "status"] == "empty"  # the other tables go on
