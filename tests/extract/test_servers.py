"""Hospital front ends on real database servers: PostgreSQL 15 and MariaDB 10.11.

Each test runs once per server (``servers.server``): H001's front end is a database on it,
read through a read-only account with a password, as docs/sources.md tells hospitals to set
it up. The same checks as on the SQLite front end: the rows of the date by their change time,
corrections, deletions, late rows, the same rows as SQLite — and a server that stops answering
(SIGSTOP) costs its hospital the night within the configured seconds, nothing more.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from kernel.city import city
from kernel.layout import Layout
from kernel.sql import current_version_sql, parquet_sql
from pipelines.extract import extract_date
from pipelines.extract.connectors import env_name
from pipelines.extract.reference import load_reference
from pipelines.standardise import standardise_date
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY
from tests.extract.servers import Server

pytestmark = pytest.mark.db
DAY2 = DAY + timedelta(days=1)
LINEAGE = ["source_file", "load_id", "loaded_at", "load_date"]


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[float, float], None]]:
    def set_limits(connect_s: float, statement_s: float) -> None:
        monkeypatch.setenv("HEALTHARCHIVE_CITY_FRONTEND_CONNECT_TIMEOUT_S", str(connect_s))
        monkeypatch.setenv("HEALTHARCHIVE_CITY_FRONTEND_STATEMENT_TIMEOUT_S", str(statement_s))
        city.cache_clear()

    yield set_limits
    city.cache_clear()


@pytest.fixture
def frontend(server: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Frontend:
    database = f"fe_{uuid.uuid4().hex[:8]}"
    server.create_database(database)
    monkeypatch.setenv(env_name("H001"), server.reader_url(database))
    fx.write_reference(tmp_path / "sources")
    return Frontend(server, database, tmp_path / "sources", tmp_path / "data")


class Frontend:
    """H001's front end on a server, and the sources and data roots of a night."""

    def __init__(self, server: Server, database: str, sources: Path, data: Path) -> None:
        self.server, self.database, self.sources, self.data = server, database, sources, data

    def load(self, **tables: list[dict]) -> None:
        self.server.load(self.database, tables)

    def insert(self, table: str, **row: object) -> None:
        """One more row, written the way the server keeps it (as ``load`` does)."""
        with self.server.admin(self.database) as con, con.cursor() as cur:
            types = dict.fromkeys(row, "string") | {
                k: "timestamp" for k in row if k.endswith("_at")
            }
            self.server.insert(
                cur, table, {k: self.server._value(types[k], v) for k, v in row.items()}
            )

    def night(self, day: date = DAY) -> pd.DataFrame:
        extract_date(self.sources, self.data, day)
        return self.log(day)

    def log(self, day: date = DAY) -> pd.DataFrame:
        log = pd.read_parquet(Layout(self.data).night("ops.load_log", day))
        return log[log["org_code"] == "H001"].set_index("dataset")

    def raw(self, dataset: str, day: date = DAY, org: str = "H001") -> pd.DataFrame:
        path = Layout(self.data).raw_dir("hospital", dataset, day) / f"{org}.parquet"
        return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def test_the_night_takes_the_rows_changed_on_its_date(frontend: Frontend) -> None:
    frontend.load(patient=[
        fx.patient(patient_id="in-1", updated_at="2026-03-01T00:00:00+08:00"),  # first instant
        fx.patient(patient_id="in-2", updated_at="2026-02-28T16:30:00+00:00"),  # 00:30 +08
        fx.patient(patient_id="in-3", updated_at="2026-03-01T23:59:59.5+08:00"),
        fx.patient(patient_id="out-1", updated_at="2026-02-28T23:59:59+08:00"),  # the day before
        fx.patient(patient_id="out-2", updated_at="2026-03-02T00:00:00+08:00"),  # D+1 00:00
    ], diagnosis=[fx.diagnosis()], encounter=[fx.encounter()])  # fmt: skip
    log = frontend.night()
    assert sorted(frontend.raw("patient")["patient_id"]) == ["in-1", "in-2", "in-3"]
    assert log.loc["patient", "source_file"] == "frontend:H001#patient"
    assert (log.loc["patient", "status"], log.loc["exam_report", "status"]) == ("loaded", "empty")
    row = frontend.raw("diagnosis").iloc[0]  # typed by the contract, whatever the server's types
    assert (row["diagnosis_id"], row["is_primary"], row["icd10_code"]) == ("D1", 1, "I10.x01")
    assert str(row["updated_at"].tz_convert("Asia/Shanghai")) == "2026-03-01 09:30:00+08:00"


def test_a_correction_supersedes_the_earlier_version(frontend: Frontend) -> None:
    frontend.load(patient=[fx.patient(phone="13900000001")])
    frontend.night()
    with frontend.server.admin(frontend.database) as con, con.cursor() as cur:
        stamp = frontend.server._value("timestamp", "2026-03-02T10:00:00+08:00")
        cur.execute("UPDATE patient SET phone = %s, updated_at = %s WHERE patient_id = 'P1'",
                    ["13900000002", stamp])  # fmt: skip
    frontend.night(DAY2)
    assert frontend.raw("patient", DAY2)["phone"].tolist() == ["13900000002"]
    assert _current_mentions(frontend, DAY2)["phone"].tolist() == ["13900000002"]


def test_a_deleted_row_is_removed_through_deleted_rows(frontend: Frontend) -> None:
    frontend.load(patient=[fx.patient()])
    frontend.night()
    frontend.insert("deleted_rows", table_name="patient", row_id="P1",
                    deleted_at="2026-03-02T08:00:00+08:00")  # fmt: skip
    log = frontend.night(DAY2)
    assert log.loc["deleted_rows", "rows_accepted"] == 1
    assert _current_mentions(frontend, DAY2).empty  # the tombstone wins


def test_a_late_row_is_taken_the_next_night_and_nothing_twice(frontend: Frontend) -> None:
    frontend.load(patient=[fx.patient(patient_id="P1", updated_at="2026-03-01T09:00:00+08:00")])
    frontend.night()
    # after night D ran: a row stamped late on D reaches the database, and one of D+1
    frontend.insert(
        "patient", **fx.patient(patient_id="P2", updated_at="2026-03-01T23:30:00+08:00")
    )
    frontend.insert(
        "patient", **fx.patient(patient_id="P3", updated_at="2026-03-02T10:00:00+08:00")
    )
    log = frontend.night(DAY2)
    assert sorted(frontend.raw("patient", DAY2)["patient_id"]) == ["P2", "P3"]  # not P1 again
    entry = log.loc["patient"]
    assert (entry["rows_delivered"], entry["rows_accepted"], entry["rows_quarantined"]) == (2, 2, 0)
    assert "1 late rows (changed before 2026-03-02, not extracted before) taken" in entry["message"]
    assert sorted(_current_mentions(frontend, DAY2)["record_id"]) == ["P1", "P2", "P3"]


def test_the_same_rows_as_the_sqlite_front_end(frontend: Frontend) -> None:
    tables = {"patient": [fx.patient(), fx.patient(patient_id="P2", name="李娜", sex_code="2")],
              "encounter": [fx.encounter()], "diagnosis": [fx.diagnosis()],
              "deleted_rows": [{"table_name": "patient", "row_id": "P0",
                                "deleted_at": "2026-03-01T07:00:00+08:00"}]}  # fmt: skip
    frontend.load(**tables)
    fx.write_frontend(frontend.sources / "hospital" / "H002" / "frontend.sqlite", tables)
    frontend.night()
    for dataset in ("patient", "encounter", "diagnosis", "deleted_rows"):
        on_server = frontend.raw(dataset).drop(columns=LINEAGE)
        on_sqlite = frontend.raw(dataset, org="H002").drop(columns=LINEAGE)
        pd.testing.assert_frame_equal(on_server, on_sqlite, check_dtype=True)


def test_a_server_that_stops_answering_costs_only_its_hospital(
    frontend: Frontend, limits: Callable[[float, float], None]
) -> None:
    limits(2, 5)
    frontend.load(patient=[fx.patient()])
    fx.tiny_city(frontend.sources)  # the file drops of the night as well (H001: on the server)
    with frontend.server.paused():
        started = time.perf_counter()
        extract_date(frontend.sources, frontend.data, DAY)
        seconds = time.perf_counter() - started
    log = frontend.log()
    assert set(log["status"]) == {"incomplete"} and len(log) == 7
    assert log["message"].str.contains("did not answer within 2 s").all()
    assert seconds < 2 + 3, seconds  # the limit, and a little for the rest of the night
    everything = pd.read_parquet(Layout(frontend.data).night("ops.load_log", DAY))
    assert (everything.set_index(["dataset", "org_code"]).loc[("dose", "V001"), "status"]
            == "loaded")  # fmt: skip
    frontend.night()  # answering again: the next run reads it
    assert frontend.log().loc["patient", "status"] == "loaded"


def test_a_query_that_hangs_is_given_up_within_the_limit(
    frontend: Frontend, limits: Callable[[float, float], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    limits(5, 2)
    frontend.load(patient=[fx.patient()])
    pause = frontend.server.paused()

    def stop_the_server(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("SELECT * FROM") and not getattr(pause, "entered", False):
            pause.__enter__()
            pause.entered = True

    sa.event.listen(sa.Engine, "before_cursor_execute", stop_the_server)
    try:
        started = time.perf_counter()
        extract_date(frontend.sources, frontend.data, DAY)
        seconds = time.perf_counter() - started
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", stop_the_server)
        if getattr(pause, "entered", False):
            pause.__exit__(None, None, None)
    log = frontend.log()
    first = log.loc["deleted_rows"]  # the first table read
    assert first["status"] == "incomplete" and "did not answer within 2 s" in first["message"]
    rest = log.drop(index="deleted_rows")
    assert set(rest["status"]) == {"incomplete"}
    assert rest["message"].str.contains("stopped answering at deleted_rows").all()
    assert seconds < 2 + 3, seconds


def _current_mentions(frontend: Frontend, day: date) -> pd.DataFrame:
    """The current version of every H001 person mention after night ``day`` (std layer)."""
    load_reference(frontend.sources, frontend.data)
    for night in sorted({DAY, day}):
        standardise_date(frontend.data, night)
    files = Layout(frontend.data).std_files("person_mention")
    sql = current_version_sql(parquet_sql(files), "mention_id", day)
    query = f"SELECT * FROM ({sql}) WHERE org_code = 'H001' ORDER BY record_id"
    return duckdb.sql(query).to_arrow_table().to_pandas()
