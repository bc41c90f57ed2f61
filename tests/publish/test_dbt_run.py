"""dbt_run.build reads dbt's run results: the run's timings, each node's, and the first line of
a failure (the line that names the node; the database's message after it may quote a value).
dbt itself is replaced by the shape of what ``dbtRunner.invoke`` returns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines.publish import ModelError, dbt_run

ENDED = datetime(2026, 2, 10, 18, 0, 30)  # dbt's generated_at: naive, UTC


def model(
    name: str, status: str = "success", seconds: float = 0.25, message: str = "OK"
) -> SimpleNamespace:
    node = SimpleNamespace(resource_type="model", name=name, database="warehouse",
                           schema="mpi", alias=name.split("__")[-1],
                           config=SimpleNamespace(materialized="table"))  # fmt: skip
    return SimpleNamespace(node=node, status=status, execution_time=seconds, message=message)


def data_test(name: str, of: str, seconds: float, kind: str = "test") -> SimpleNamespace:
    node = SimpleNamespace(resource_type=kind, name=name, attached_node=f"model.healtharchive.{of}")
    return SimpleNamespace(node=node, status="pass", execution_time=seconds, message=None)


def dbt_build(monkeypatch: pytest.MonkeyPatch, *results: SimpleNamespace) -> dbt_run.DbtRun:
    """dbt_run.build over a run of these node results, 12.5 s long, ended at ENDED."""
    ok = all(r.status in ("success", "pass") for r in results)
    done = SimpleNamespace(results=list(results), elapsed_time=12.5, generated_at=ENDED)
    answer = SimpleNamespace(result=done, exception=None, success=ok)
    monkeypatch.setattr(dbt_run, "invoke", lambda *args, **kwargs: answer)
    return dbt_run.build(Path("unused"), date(2026, 2, 10))


def test_the_run_is_timed_by_dbt(monkeypatch: pytest.MonkeyPatch) -> None:
    run = dbt_build(
        monkeypatch,
        model("mpi__resident", seconds=0.1234),
        data_test("unique_mpi__resident_resident_id", "mpi__resident", 0.05),
        data_test("not_null_mpi__resident_resident_id", "mpi__resident", 0.0704),
        data_test("test_district_rule", "mpi__resident", 0.3, kind="unit_test"),
        model("mpi__record_link"),
        data_test("relationships_mpi__record_link_resident_id", "mpi__record_link", 0.2),
    )
    # started = generated_at − elapsed_time: dbt measures the one up to the other
    assert run.started_at == datetime(2026, 2, 10, 18, 0, 17, 500000, tzinfo=UTC)
    assert run.started_at + timedelta(seconds=run.seconds) == ENDED.replace(tzinfo=UTC)
    assert [m.seconds for m in run.models()] == [0.123, 0.25]
    # a model's data tests: its own, not its unit tests (they test the SQL) nor another's tests
    tests = run.data_tests("mpi__resident")
    assert [t.seconds for t in tests] == [0.05, 0.07]


def test_a_failing_model_is_named_without_the_databases_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # dbt-duckdb wraps DuckDB's error under a first line naming the model; DuckDB's own message
    # may quote the value it choked on
    message = ("Runtime Error in model mpi__resident (models/mpi/mpi__resident.sql)\n"
               "  Conversion Error: Could not convert string '张三' to DATE")  # fmt: skip
    with pytest.raises(ModelError) as raised:
        dbt_build(monkeypatch, model("mpi__resident", status="error", message=message))
    assert raised.value.model == "mpi.resident (mpi__resident)"
    assert "Runtime Error in model mpi__resident" in str(raised.value)
    assert "张三" not in str(raised.value)
