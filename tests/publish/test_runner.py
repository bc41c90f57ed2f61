"""The model runner: headers, dependency order, safe rendering, typed empty inputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from kernel.layout import Layout
from kernel.sql import sql_string
from pipelines.publish import runner
from pipelines.publish.errors import InputError, ModelError, PublishError
from pipelines.publish.inputs import LakeInputs
from tests.publish.tiny_lake import write_std


def write_model(root: Path, name: str, body: str, depends: str = "", rule: str = "A rule.") -> None:
    schema, model = name.split(".")
    path = root / schema / f"{model}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"-- {rule}\n-- depends: {depends}\n{body}\n", encoding="utf-8")


def test_models_run_after_what_they_depend_on(tmp_path: Path) -> None:
    # c reads b, b reads a; z depends on nothing: order a, z (ready together, by name), b, c
    write_model(tmp_path, "s.c", "CREATE TABLE s.c AS SELECT n + 1 AS n FROM s.b", "s.b")
    write_model(tmp_path, "s.b", "CREATE TABLE s.b AS SELECT n + 1 AS n FROM s.a", "s.a")
    write_model(tmp_path, "s.a", "CREATE TABLE s.a AS SELECT 1 AS n")
    write_model(tmp_path, "s.z", "CREATE TABLE s.z AS SELECT 0 AS n")
    models = runner.discover(tmp_path)
    assert [m.name for m in runner.build_order(models)] == ["s.a", "s.z", "s.b", "s.c"]
    with duckdb.connect() as con:
        counts = runner.run_models(con, models, {})
        assert con.execute("SELECT n FROM s.c").fetchall() == [(3,)]
    assert counts == {"s.a": 1, "s.z": 1, "s.b": 1, "s.c": 1}


def test_the_opening_comment_becomes_the_table_comment(tmp_path: Path) -> None:
    write_model(tmp_path, "s.a", "CREATE TABLE s.a AS SELECT 1 AS n", rule="One row, it's n.")
    with duckdb.connect() as con:
        runner.run_models(con, runner.discover(tmp_path), {})
        assert con.execute("SELECT comment FROM duckdb_tables()").fetchall() == [
            ("One row, it's n.",)
        ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CREATE TABLE s.a AS SELECT 1", "must open with its rule"),
        ("-- depends:\nCREATE TABLE s.a AS SELECT 1", "must open with its rule"),
        ("-- A rule without dependencies line.\nCREATE TABLE s.a AS SELECT 1", "depends"),
    ],
)
def test_a_model_without_its_header_is_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.sql").write_text(text, encoding="utf-8")
    with pytest.raises(PublishError, match=message):
        runner.discover(tmp_path)


def test_unknown_dependencies_and_cycles_are_refused(tmp_path: Path) -> None:
    write_model(tmp_path, "s.a", "SELECT 1", "s.missing")
    with pytest.raises(PublishError, match="unknown models"):
        runner.build_order(runner.discover(tmp_path))
    write_model(tmp_path, "s.a", "SELECT 1", "s.b")
    write_model(tmp_path, "s.b", "SELECT 1", "s.a")
    with pytest.raises(PublishError, match="cycle"):
        runner.build_order(runner.discover(tmp_path))


def test_a_failing_model_is_named(tmp_path: Path) -> None:
    write_model(tmp_path, "s.a", "CREATE TABLE s.a AS SELECT * FROM nowhere")
    with duckdb.connect() as con, pytest.raises(ModelError, match=r"s\.a"):
        runner.run_models(con, runner.discover(tmp_path), {})


@pytest.mark.parametrize(
    "body",
    [
        "CREATE TABLE s.a AS SELECT {{ undefined_value }}",  # StrictUndefined
        "CREATE TABLE s.a AS SELECT '{{ day.__class__ }}'",  # the sandbox refuses internals
    ],
)
def test_templates_cannot_reach_beyond_their_globals(tmp_path: Path, body: str) -> None:
    write_model(tmp_path, "s.a", body)
    with duckdb.connect() as con, pytest.raises(ModelError, match="template"):
        runner.run_models(con, runner.discover(tmp_path), {"day": "DATE '2026-01-01'"})


def test_sql_string_quotes_survive_a_round_trip() -> None:
    with duckdb.connect() as con:
        text = "o'brien'; DROP TABLE x; --"
        assert con.execute("SELECT " + sql_string(text)).fetchall() == [(text,)]


def test_inputs_that_nobody_wrote_read_as_typed_empty_tables(tmp_path: Path) -> None:
    inputs = LakeInputs(Layout(tmp_path), date(2026, 1, 1))
    with duckdb.connect() as con:
        lab = con.sql(inputs.std("lab_result"))
        assert lab.fetchall() == [] and "encounter_key" in lab.columns
        quality = con.sql(inputs.daily("quality"))
        assert (
            dict(zip(quality.columns, map(str, quality.types), strict=True))["failed"] == "BIGINT"
        )
        assert con.sql(inputs.reference("population")).fetchall() == []
    with pytest.raises(InputError, match="link stage"):
        inputs.crosswalk()


def test_a_data_path_with_a_quote_is_read_as_a_path_not_as_sql(tmp_path: Path) -> None:
    quoted = tmp_path / "it's"
    write_std(quoted, "lab_result", date(2026, 1, 1), [])
    with duckdb.connect() as con:
        lab = con.sql(LakeInputs(Layout(quoted), date(2026, 1, 1)).std("lab_result"))
        assert lab.fetchall() == [] and "encounter_key" in lab.columns


def test_every_shipped_model_has_a_rule_and_a_known_order() -> None:
    restricted = runner.discover(runner.WAREHOUSE_DIR, exclude=("analytics",))
    analytics = runner.discover(runner.WAREHOUSE_DIR / "analytics")
    for models in (restricted, analytics):
        assert len(runner.build_order(models)) == len(models)
        assert all(len(m.rule) > 30 for m in models)
    names = {m.name for m in restricted}
    assert {"mpi.record_link", "mpi.resident", "archive.timeline", "metrics.indicator"} <= names
