"""The lake as dbt sources: typed empty views, paths as literals, what a publish requires."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from kernel.layout import Layout
from kernel.sql import sql_string
from pipelines.publish.errors import InputError
from pipelines.publish.sources import SOURCES, create_sources, drop_sources
from schemas.contracts import code_sets
from tests.publish.tiny_lake import write_crosswalk, write_std

DAY = date(2026, 1, 1)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    write_crosswalk(tmp_path, DAY, {})
    connection = duckdb.connect()
    create_sources(connection, Layout(tmp_path), DAY)
    yield connection
    connection.close()


def test_inputs_that_nobody_wrote_read_as_typed_empty_views(con: duckdb.DuckDBPyConnection) -> None:
    lab = con.sql("SELECT * FROM lake_std.lab_result")
    assert lab.fetchall() == [] and "encounter_key" in lab.columns
    quality = con.sql("SELECT * FROM lake_nightly.quality_result")
    assert dict(zip(quality.columns, map(str, quality.types), strict=True))["failed"] == "BIGINT"
    assert con.sql("SELECT * FROM lake_reference.population").fetchall() == []
    assert con.sql("SELECT * FROM lake_previous.record_link").fetchall() == []


def test_every_declared_source_is_a_view(con: duckdb.DuckDBPyConnection) -> None:
    views = {f"{s}.{v}" for s, v in con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()}  # fmt: skip
    assert views == {f"{s.schema}.{t}" for s in SOURCES for t in s.tables}
    drop_sources(con)
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone() == (0,)


def test_the_code_sets_are_rows_of_the_contracts_source(con: duckdb.DuckDBPyConnection) -> None:
    sex = con.execute(
        "SELECT code, label FROM lake_contracts.code_set WHERE code_set = 'sex' ORDER BY code"
    ).fetchall()
    assert sex == sorted(code_sets()["sex"].items())


def test_a_publish_needs_the_crosswalk_of_the_night(tmp_path: Path) -> None:
    with duckdb.connect() as con, pytest.raises(InputError, match="link stage"):
        create_sources(con, Layout(tmp_path), DAY)


def test_a_data_path_with_a_quote_is_read_as_a_path_not_as_sql(tmp_path: Path) -> None:
    quoted = tmp_path / "it's"
    write_std(quoted, "lab_result", DAY, [])
    write_crosswalk(quoted, DAY, {})
    with duckdb.connect() as con:
        create_sources(con, Layout(quoted), DAY)
        lab = con.sql("SELECT * FROM lake_std.lab_result")
        assert lab.fetchall() == [] and "encounter_key" in lab.columns


def test_sql_string_quotes_survive_a_round_trip() -> None:
    with duckdb.connect() as con:
        text = "o'brien'; DROP TABLE x; --"
        assert con.execute("SELECT " + sql_string(text)).fetchall() == [(text,)]
