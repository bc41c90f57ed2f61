"""Every delivered row accounted for, on a small simulated city with its realistic damage.

For each delivery of each night: rows delivered = rows accepted + rows quarantined; the raw and
quarantine files hold exactly those rows; a file's rows are what its manifest says; a hospital
table's rows are those whose updated_at (read independently, with pandas) falls on the night.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kernel.layout import Layout
from pipelines.extract import extract_date
from pipelines.extract.reference import load_reference
from pipelines.standardise import standardise_date
from schemas.contracts import source_contracts
from simulator import simulate_city

START, DAYS = date(2026, 3, 1), 3
NIGHTS = [START + timedelta(days=i) for i in range(DAYS)]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("reconcile")
    sources, data = root / "sources", root / "data"
    simulate_city(sources, 3000, START, DAYS, seed=11)
    load_reference(sources, data)
    for night in NIGHTS:
        extract_date(sources, data, night)
        standardise_date(data, night)
    logs = [pd.read_parquet(Layout(data).night("ops.load_log", night)) for night in NIGHTS]
    return sources, data, pd.concat(logs, ignore_index=True)


def _rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0


def test_delivered_is_accepted_plus_quarantined(city) -> None:
    _, _, log = city
    assert (log["rows_delivered"] == log["rows_accepted"] + log["rows_quarantined"]).all()
    assert log["rows_accepted"].sum() > 500  # the city really delivered something


def test_the_lake_files_hold_exactly_the_logged_rows(city) -> None:
    _, data, log = city
    for row in log.itertuples():
        name = f"{row.org_code}.parquet"
        raw = Layout(data).raw_dir(row.source, row.dataset, row.load_date) / name
        held = Layout(data).quarantine_dir(row.source, row.dataset, row.load_date) / name
        assert (_rows(raw), _rows(held)) == (row.rows_accepted, row.rows_quarantined), row


def test_file_deliveries_match_their_manifests(city) -> None:
    sources, _, log = city
    files = log[log["sha256"].notna()]
    assert len(files) > 10
    for row in files.itertuples():
        folder = (sources / row.source_file).parent
        manifest = json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))
        listed = {f["name"]: f["rows"] for f in manifest["files"]}
        assert row.rows_delivered == listed[Path(row.source_file).name], row


def test_hospital_tables_deliver_the_rows_changed_that_night(city) -> None:
    sources, _, log = city
    hospital = log[log["source"] == "hospital"]
    for (org, table), logged in hospital.groupby(["org_code", "dataset"]):
        db = sources / "hospital" / org / "frontend.sqlite"
        if not db.exists():
            continue
        stamp = "deleted_at" if table == "deleted_rows" else "updated_at"
        with sqlite3.connect(db) as con:
            stamps = pd.read_sql(f"SELECT {stamp} FROM {table}", con)[stamp]
        days = pd.to_datetime(stamps, format="ISO8601", utc=True).dt.tz_convert("Asia/Shanghai")
        expected = days.dt.date.value_counts()
        for row in logged.itertuples():
            assert row.rows_delivered == expected.get(row.load_date, 0), (org, table, row)


def test_every_accepted_person_row_becomes_its_mentions(city) -> None:
    _, data, log = city
    # per night: one mention per role a delivered row names (a delivery names the mother and
    # the newborn), and one tombstone mention per deleted patient row
    roles = {c.name: len(c.person_mentions) for c in source_contracts().values()}
    for night in NIGHTS:
        tonight = log[log["load_date"] == night]
        expected = sum(
            row.rows_accepted * roles.get(row.dataset, 0) for row in tonight.itertuples()
        ) + _deleted_patients(data, night)
        assert _rows(Layout(data).std("person_mention", night)) == expected > 0, night


def _deleted_patients(data: Path, night: date) -> int:
    folder = Layout(data).raw_dir("hospital", "deleted_rows", night)
    parts = [pq.read_table(p, columns=["table_name"]) for p in folder.glob("*.parquet")]
    return sum(t.column("table_name").to_pylist().count("patient") for t in parts)
