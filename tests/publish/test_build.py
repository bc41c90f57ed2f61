"""publish(): tiny lake in, both warehouses out; reruns agree; a crash leaves the last pair."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.publish import InputError, ModelError, PseudonymKeyError, publish, runner
from pipelines.publish.pseudonym import pseudonym_key, pseudonymise
from tests.publish.scenario import (
    ADDRESSES,
    ID_A,
    ID_B,
    ID_B_TYPO,
    ID_C,
    ID_DELETED,
    M3,
    M4,
    NAMES,
    PHONES,
    D,
    build_city,
)
from tests.publish.tiny_lake import write_load_log

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


@pytest.fixture
def city(tmp_path: Path) -> Path:
    build_city(tmp_path)
    return tmp_path


def rows(data: Path, sql: str, db: str = "warehouse.duckdb") -> list[tuple]:
    with duckdb.connect(str(data / db), read_only=True) as con:
        return con.execute(sql).fetchall()


def snapshot(data: Path, db: str) -> dict[str, pa.Table]:
    """Every table of one database, rows in a total order."""
    with duckdb.connect(str(data / db), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1"
        ).fetchall()
        return {t: con.sql(f"SELECT * FROM {t} ORDER BY ALL").to_arrow_table() for (t,) in tables}


def test_publish_builds_the_restricted_warehouse(city: Path) -> None:
    summary = publish(city, D)
    assert summary.warehouse == city / "warehouse.duckdb" and summary.analytics.exists()
    # 7 current mentions: the deleted m8 is gone from the crosswalk and everywhere else
    assert summary.tables["mpi.record_link"] == 7
    assert rows(city, "SELECT count(*) FROM mpi.record_link WHERE mention_id LIKE '%p9%'") == [(0,)]
    assert rows(city, "SELECT resident_id, id_no, phone, birth_date, sex_code, district_code "
                      "FROM mpi.resident WHERE resident_id = 'R2'") == [
        # valid ID_B over ID_B_TYPO; the phone of m4 (09:00) over m3's (08:00); born and sex from
        # the ID (sequence 202 is even: a woman); district from the institution H1
        ("R2", ID_B, PHONES[2], date(1975, 3, 9), "2", "320505"),
    ]  # fmt: skip
    assert summary.tables["quality.result"] == 5 and summary.tables["ops.load_log"] == 7
    assert summary.tables["mpi.person_mention"] == 7 and summary.tables["mpi.review_queue"] == 0


def test_the_review_queue_is_published_with_its_level_columns(city: Path) -> None:
    queue = pa.table({
        "mention_id_l": [M3["mention_id"]], "mention_id_r": [M4["mention_id"]],
        "resident_id_l": ["R2"], "resident_id_r": ["R2"], "match_weight": [3.5],
        "match_probability": [0.92], "reason": ["between review and auto thresholds"],
        "id_no_level": ["one digit off"],
    })  # fmt: skip
    write_parquet(queue, Layout(city).night("mpi.record_link", D).with_name("review_queue.parquet"))
    publish(city, D)
    # joined to the identities a reviewer compares
    assert rows(city, "SELECT q.id_no_level, l.id_no, r.id_no FROM mpi.review_queue AS q "
                      "JOIN mpi.person_mention AS l ON l.mention_id = q.mention_id_l "
                      "JOIN mpi.person_mention AS r ON r.mention_id = q.mention_id_r") == [
        ("one digit off", ID_B, ID_B_TYPO)
    ]  # fmt: skip


def test_timeline_has_one_row_per_clinical_event(city: Path) -> None:
    publish(city, D)
    timeline = rows(city, "SELECT resident_id, event_type, code, value, unit FROM archive.timeline "
                          "ORDER BY resident_id, event_time")  # fmt: skip
    assert timeline == [
        ("R1", "encounter", "outpatient", "2", "day"),  # the corrected version: discharged 01-16
        ("R1", "diagnosis", "J06.9", "primary", None),  # reaches R1 through encounter e1
        ("R1", "checkup", "HSDC00.01", "128/82", "mmHg"),
        ("R2", "encounter", "outpatient", None, None),
        ("R3", "birth", "HSDB01.01", "3300", "g"),  # the newborn side of the delivery
        ("R3", "immunization", "HepB", "2", "dose"),  # the voided BCG dose is left out
        ("R4", "delivery", "vaginal", "39", "week"),
    ]


def test_rerunning_a_night_gives_the_same_content(city: Path) -> None:
    publish(city, D)
    first = {db: snapshot(city, db) for db in ("warehouse.duckdb", "analytics.duckdb")}
    publish(city, D)
    assert {db: snapshot(city, db) for db in first} == first


def test_a_failing_model_leaves_the_previous_warehouse(
    city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(city, D)
    before = {db: snapshot(city, db) for db in ("warehouse.duckdb", "analytics.duckdb")}
    # a delivery logged on 02-09 would change ops.load_log and record_count; the build crashes
    write_load_log(city, date(2026, 2, 9), [{"source": "checkup", "dataset": "visit",
                                             "org_code": "C1", "rows_delivered": 3}])  # fmt: skip
    real = runner.run_model

    def crash_on_indicator(con, model, template_globals) -> None:
        if model.name == "metrics.indicator":
            raise ModelError(model.name, "simulated crash")
        real(con, model, template_globals)

    monkeypatch.setattr(runner, "run_model", crash_on_indicator)
    with pytest.raises(ModelError, match=r"metrics\.indicator"):
        publish(city, D)
    assert {db: snapshot(city, db) for db in before} == before
    leftovers = [p.name for p in city.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_publish_needs_a_pseudonymisation_key(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEALTHARCHIVE_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("HEALTHARCHIVE_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(PseudonymKeyError, match="HEALTHARCHIVE_PSEUDONYM_KEY_FILE"):
        publish(city, D)
    assert not (city / "warehouse.duckdb").exists()


def test_publish_needs_the_crosswalk_of_the_night(city: Path) -> None:
    Layout(city).night("mpi.record_link", D).unlink()
    with pytest.raises(InputError, match="link stage"):
        publish(city, D)


def test_an_earlier_night_ignores_later_partitions(city: Path) -> None:
    publish(city, date(2026, 1, 15))
    # only January's three current mentions (m1, m3, m4; m8 is in the crosswalk of that night)
    assert rows(city, "SELECT max(period) FROM metrics.indicator") == [("2026-01",)]
    later = "SELECT count(*) FROM archive.timeline WHERE event_time > TIMESTAMPTZ '2026-02-01'"
    assert rows(city, later) == [(0,)]


def test_analytics_holds_no_direct_identifiers(city: Path) -> None:
    publish(city, D)
    known = {ID_A, ID_B, ID_B_TYPO, ID_C, ID_DELETED, *NAMES, *PHONES, *ADDRESSES}
    with duckdb.connect(str(city / "analytics.duckdb"), read_only=True) as con:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE NOT internal"
        ).fetchall()
        assert not {c[2] for c in columns} & {"id_no", "name", "phone", "address", "birth_date"}
        text_columns = [c for c in columns if c[3] == "VARCHAR"]
        assert len(text_columns) > 20  # the scan below looks at every one of them
        for schema, table, column, _ in text_columns:
            values = con.execute(
                f'SELECT DISTINCT "{column}" FROM {schema}.{table} WHERE "{column}" IS NOT NULL'
            ).fetchall()
            for (value,) in values:
                where = f"{schema}.{table}.{column}"
                assert not ID_PATTERN.search(value), where
                assert not PHONE_PATTERN.search(value), where
                assert not any(k in value for k in known), where
        keys = {k for (k,) in con.execute("SELECT person_key FROM archive.resident").fetchall()}
    # one keyed pseudonym per resident (R1 … R4), none of them the resident_id itself
    assert keys == {pseudonymise(pseudonym_key(), r) for r in ("R1", "R2", "R3", "R4")}


def test_published_tables_explain_themselves(city: Path) -> None:
    publish(city, D)
    for db in ("warehouse.duckdb", "analytics.duckdb"):
        uncommented = rows(city, "SELECT table_name FROM duckdb_tables() "
                                 "WHERE coalesce(comment, '') = ''", db)  # fmt: skip
        assert uncommented == [], db
    described = rows(
        city,
        "SELECT comment FROM duckdb_columns() "
        "WHERE table_name = 'resident' AND column_name = 'district_code'",
    )
    assert "address" in described[0][0]
