"""publish(): tiny lake in, both warehouses out; reruns agree; a failing model or dbt test
leaves the last pair. Tests that only read share the module's published city (one dbt build)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

import pipelines.publish.build as build
from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.publish import (
    DataTestError,
    InputError,
    ModelError,
    PseudonymKeyError,
    dbt_run,
    manifest_cache,
    publish,
)
from pipelines.publish.pseudonym import pseudonym_key, pseudonymise
from tests.publish.compare_published import DATABASES, steady_select
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


def snapshot(data: Path, db: str, timings: bool = False) -> dict[str, pa.Table]:
    """Every table of one database, rows in a total order; without the dbt timings in
    ops.publish (all a rerun of the night may change) unless ``timings``."""
    with duckdb.connect(str(data / db), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1"
        ).fetchall()
        select = (lambda t: f"SELECT * FROM {t}") if timings else steady_select
        return {t: con.sql(f"{select(t)} ORDER BY ALL").to_arrow_table() for (t,) in tables}


def published_rows(data: Path) -> dict[str, int]:
    return dict(rows(data, "SELECT table_name, row_count FROM ops.publish"))


def test_publish_builds_the_restricted_warehouse(published_city: Path) -> None:
    city = published_city
    tables = published_rows(city)
    assert (city / "analytics.duckdb").exists()
    # 7 current mentions: the deleted m8 is gone from the crosswalk and everywhere else
    assert tables["mpi.record_link"] == 7
    assert rows(city, "SELECT count(*) FROM mpi.record_link WHERE mention_id LIKE '%p9%'") == [(0,)]
    assert rows(city, "SELECT resident_id, id_no, phone, birth_date, sex_code, district_code "
                      "FROM mpi.resident WHERE resident_id = 'R2'") == [
        # valid ID_B over ID_B_TYPO; the phone of m4 (09:00) over m3's (08:00); born and sex from
        # the ID (sequence 202 is even: a woman); district from the institution H1
        ("R2", ID_B, PHONES[2], date(1975, 3, 9), "2", "320505"),
    ]  # fmt: skip
    assert tables["quality.result"] == 5 and tables["ops.load_log"] == 7
    assert tables["mpi.person_mention"] == 7 and tables["mpi.review_queue"] == 0


def test_the_review_queue_is_published_with_its_level_columns(city: Path) -> None:
    queue = pa.table({
        "pair_id": ["p1"], "queued_on": [D], "mention_id_l": [M3["mention_id"]],
        "mention_id_r": [M4["mention_id"]],
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


def test_ops_publish_records_how_dbt_built_each_table(published_city: Path) -> None:
    built = {t: (m, how, n) for t, m, how, n in rows(
        published_city, "SELECT table_name, model, materialized, data_tests FROM ops.publish"
    )}  # fmt: skip
    assert built["archive.timeline"][:2] == ("archive__timeline", "incremental")
    assert built["metrics.indicator"][:2] == ("metrics__indicator", "table")
    assert all(n > 0 for t, (_, _, n) in built.items() if t != "audit.access")


def test_ops_publish_records_how_long_dbt_took(published_city: Path) -> None:
    timed = [
        row
        for db in DATABASES
        for row in rows(published_city, "SELECT model, data_tests, model_seconds, "
                        "data_test_seconds, dbt_seconds, dbt_started_at FROM ops.publish", db)
    ]  # fmt: skip
    # every published table's model ran in this build, and its data tests with it
    assert all(built > 0 for _, _, built, *_ in timed)
    assert all((tests > 0) == (tested > 0) for _, tests, _, tested, *_ in timed)
    # one dbt build made both files: one run, timed once, on every row
    ((seconds, started),) = {(s, at) for *_, s, at in timed}
    # its nodes ran one at a time (threads: 1), so the published models and their tests, part
    # of them, took less than the whole run; the run started before this test did
    assert sum(built + tested for _, _, built, tested, *_ in timed) < seconds
    assert datetime.now(UTC) - timedelta(hours=1) < started < datetime.now(UTC)
    # the figures of the run's report, both read from dbt's run results
    report = json.loads((published_city / "reports" / "publish" / f"{D}.json").read_text())
    node_seconds = {n["name"]: n["seconds"] for n in report["nodes"]}
    assert report["dbt_seconds"] == seconds
    assert all(node_seconds[model] == built for model, _, built, *_ in timed)


def test_timeline_has_one_row_per_clinical_event(published_city: Path) -> None:
    city = published_city
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
    first = {db: snapshot(city, db) for db in DATABASES}
    publish(city, D)
    assert {db: snapshot(city, db) for db in first} == first


def test_a_failing_model_or_test_leaves_the_previous_warehouse(
    city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(city, D)
    # untouched: the very files, timings and all
    before = {db: snapshot(city, db, timings=True) for db in DATABASES}
    # a delivery logged on 02-09 would change ops.load_log and record_count; the build fails
    write_load_log(city, date(2026, 2, 9), [{"source": "checkup", "dataset": "visit",
                                             "org_code": "C1", "rows_delivered": 3}])  # fmt: skip
    real = build.create_sources

    def without_the_load_log(con, layout, day) -> None:  # ops.load_log's source is gone
        real(con, layout, day)
        con.execute("DROP VIEW lake_nightly.load_log")

    monkeypatch.setattr(build, "create_sources", without_the_load_log)
    with pytest.raises(ModelError, match=r"ops\.load_log"):
        publish(city, D)
    monkeypatch.undo()
    # an institution listed twice breaks reference.institution's grain: its unique test fails
    institutions = pa.table({"org_code": ["H1", "H1"], "org_name": ["一院", "一院"]})
    write_parquet(institutions, Layout(city).reference("institutions"))
    with pytest.raises(DataTestError, match=r"unique.*reference__institution"):
        publish(city, D)
    assert {db: snapshot(city, db, timings=True) for db in before} == before
    # no build folder left behind (the parsed project may be kept: it holds no data)
    leftovers = [p.name for p in city.iterdir() if p.name.startswith(".") and p.name != ".dbt"]
    assert leftovers == []


def test_a_later_publish_reuses_the_parsed_project(
    city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(manifest_cache, "_IN_MEMORY", {})  # as in a new process
    publish(city, D)
    kept = list(Layout(city).dbt_cache_dir.glob("manifest-*.msgpack"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0
    first = {db: snapshot(city, db) for db in DATABASES}
    # a new process: nothing in memory; the kept manifest is read, dbt does not parse again
    monkeypatch.setattr(manifest_cache, "_IN_MEMORY", {})
    parses: list[object] = []
    monkeypatch.setattr(dbt_run, "parse", lambda args: parses.append(args))
    publish(city, D)
    assert parses == []
    assert {db: snapshot(city, db) for db in first} == first
    # an unreadable manifest (another dbt, a torn write) is parsed again and replaced
    monkeypatch.undo()
    monkeypatch.setattr(manifest_cache, "_IN_MEMORY", {})
    kept[0].write_bytes(b"not a manifest")
    publish(city, D)
    assert {db: snapshot(city, db) for db in first} == first
    assert kept[0].read_bytes() != b"not a manifest"


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


def test_analytics_holds_no_direct_identifiers(published_city: Path) -> None:
    city = published_city
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


def test_published_tables_explain_themselves(published_city: Path) -> None:
    city = published_city
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
