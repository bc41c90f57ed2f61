"""The published archives of a small simulated city (simulated_city.py), checked against its truth.

analytics.duckdb must hold no direct identifier: every text column is scanned for ID-number and
phone patterns and for every name the simulator gave a person (truth/person.csv). Archives are
looked up by real (damaged) ID numbers and shown in every format; the README's analyst queries
run without error on a real city too.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from fhir.resources.R4B.bundle import Bundle

from kernel import idno
from pipelines.publish.archive import ArchiveFormat, export_archives, show_archive
from tests.publish.readme_queries import analyst_queries, setup_statements

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


@pytest.fixture
def data(small_city: tuple[Path, Path], tmp_path: Path) -> Path:
    """The city's restricted warehouse in a private folder (lookups write the access audit)."""
    shutil.copy(small_city[1] / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    return tmp_path


def simulated_names(sources: Path) -> set[str]:
    with (sources / "truth" / "person.csv").open(encoding="utf-8") as handle:
        return {row["name"] for row in csv.DictReader(handle) if row["name"]}


def test_analytics_holds_no_name_id_number_or_phone(small_city: tuple[Path, Path]) -> None:
    sources, city = small_city
    names = simulated_names(sources)
    assert len(names) > 500
    with duckdb.connect(str(city / "analytics.duckdb"), read_only=True) as con:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE NOT internal"
        ).fetchall()
        assert not {c[2] for c in columns} & {"id_no", "name", "phone", "address", "birth_date"}
        text = [c for c in columns if c[3] == "VARCHAR"]
        assert len(text) > 30  # every text column of every table is scanned
        scanned = 0
        for schema, table, column, _ in text:
            sql = f'SELECT DISTINCT "{column}" FROM {schema}.{table} WHERE "{column}" IS NOT NULL'
            for (value,) in con.execute(sql).fetchall():
                where = f"{schema}.{table}.{column}: {value[:40]}"
                assert not ID_PATTERN.search(value), where
                assert not PHONE_PATTERN.search(value), where
                assert not any(name in value for name in names), where
                scanned += 1
    assert scanned > 500


def test_the_restricted_warehouse_does_hold_them(small_city: tuple[Path, Path]) -> None:
    # the scan above would find the identities if they had leaked: they are in warehouse.duckdb
    sources, city = small_city
    with duckdb.connect(str(city / "warehouse.duckdb"), read_only=True) as con:
        names = {n for (n,) in con.execute("SELECT name FROM mpi.resident").fetchall() if n}
    assert len(names & simulated_names(sources)) > 20


def test_every_archive_shows_in_every_format(data: Path) -> None:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        (busiest,) = con.execute(
            "SELECT resident_id FROM archive.timeline GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
    archive = json.loads(show_archive(data, busiest, None, ArchiveFormat.JSON, "dr.li"))
    assert archive["documents"][0]["code"] == "HSDA00.01" and len(archive["documents"]) >= 2
    text = show_archive(data, busiest, None, ArchiveFormat.TEXT, "dr.li")
    assert "首页" in text and archive["documents"][1]["name"] in text
    bundle = Bundle.model_validate_json(
        show_archive(data, busiest, None, ArchiveFormat.FHIR, "dr.li")
    )
    assert bundle.entry[0].resource.get_resource_type() == "Patient" and len(bundle.entry) > 3


def test_damaged_forms_of_real_id_numbers_find_their_residents(data: Path) -> None:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        residents = con.execute(
            "SELECT resident_id, id_no FROM mpi.resident WHERE id_no_valid "
            "AND id_no NOT IN (SELECT id_no FROM mpi.resident WHERE id_no IS NOT NULL "
            "GROUP BY id_no HAVING count(*) > 1) ORDER BY resident_id LIMIT 5"
        ).fetchall()
    assert len(residents) == 5
    for resident_id, id_no in residents:
        wide = id_no.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
        forms = [f" {wide[:6]} {wide[6:]}", id_no.lower()]
        if id_no[6:8] == "19":
            forms.append(idno.to_legacy15(id_no))
        for typed in forms:
            found = json.loads(show_archive(data, None, typed, ArchiveFormat.JSON, "dr.li"))
            assert found["resident_id"] == resident_id, typed


def test_export_holds_every_resident_once(data: Path) -> None:
    summary = export_archives(data, data / "all.jsonl", "jsonl", "analyst")
    ids = [json.loads(line)["resident_id"] for line in (data / "all.jsonl").open(encoding="utf-8")]
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT resident_id FROM mpi.resident ORDER BY 1").fetchall()
    expected = [r for (r,) in rows]
    assert ids == expected and summary.archives == len(expected) > 30


def test_the_readme_queries_run_on_a_simulated_city(small_city: tuple[Path, Path]) -> None:
    with duckdb.connect(str(small_city[1] / "analytics.duckdb"), read_only=True) as con:
        for statement in setup_statements():
            con.execute(statement)
        answered = {
            n: len(con.execute(sql).fetchall()) for n, (_, sql) in analyst_queries().items()
        }
    assert len(answered) == 10
    # three days of data: no hypertensive resident can have gone six months without a visit (3),
    # and the validate stage was skipped, so there are no completeness results (5)
    assert {n for n, rows in answered.items() if rows == 0} <= {3, 5}
