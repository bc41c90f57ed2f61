"""Every published table and column explains itself through COMMENT ON (read via duckdb_columns)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.publish import properties

DATABASES = ("warehouse.duckdb", "analytics.duckdb")


@pytest.fixture
def city(published_city: Path) -> Path:
    return published_city


def catalogue(data: Path, db: str, sql: str) -> list[tuple]:
    with duckdb.connect(str(data / db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("db", DATABASES)
def test_every_table_and_column_has_a_comment(city: Path, db: str) -> None:
    tables = catalogue(city, db, "SELECT schema_name || '.' || table_name, comment "
                                 "FROM duckdb_tables() WHERE NOT internal")  # fmt: skip
    assert len(tables) >= 8 and [t for t, c in tables if not c] == []
    bare = catalogue(
        city, db,
        "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE NOT internal AND coalesce(comment, '') = ''",
    )  # fmt: skip
    assert bare == []


def test_a_model_comment_wins_over_the_glossary(city: Path) -> None:
    # district_code is in the glossary, but mpi.resident says how it was chosen
    sql = ("SELECT comment FROM duckdb_columns() "
           "WHERE table_name = 'resident' AND column_name = 'district_code'")  # fmt: skip
    ((comment,),) = catalogue(city, "warehouse.duckdb", sql)
    assert comment.startswith("GB/T 2260: most recent address district")


def test_analytics_inherits_the_restricted_comments(city: Path) -> None:
    sql = ("SELECT comment FROM duckdb_columns() WHERE schema_name = 'quality' "
           "AND table_name = 'result' AND column_name = 'dimension'")  # fmt: skip
    assert catalogue(city, "analytics.duckdb", sql) == catalogue(city, "warehouse.duckdb", sql)


def test_every_glossary_entry_names_a_published_column(city: Path) -> None:
    sql = "SELECT column_name FROM duckdb_columns() WHERE NOT internal"
    published = {c for db in DATABASES for (c,) in catalogue(city, db, sql)}
    assert set(properties.glossary()) - published == set()
