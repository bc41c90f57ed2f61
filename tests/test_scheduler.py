"""What the DAGs call (``pipelines.scheduler``): errors a retry cannot help fail at once, the
others keep their retries; the months a run reports; the roots from Variables or the
environment."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from kernel.runlock import RunLocked
from pipelines import scheduler
from pipelines.monthly import month_of, months_closed_by
from pipelines.run import DeliveryRejected, SourceUnavailable
from pipelines.scheduler import RETRY_CANNOT_HELP, call, retry_cannot_help


@pytest.mark.parametrize("name", sorted(RETRY_CANNOT_HELP))
def test_every_error_named_as_final_exists(name: str) -> None:
    module, _, cls = name.rpartition(".")
    found = getattr(importlib.import_module(module), cls)
    assert issubclass(found, Exception)


def test_a_contract_violation_fails_at_once_a_database_down_is_retried() -> None:
    from airflow.sdk.exceptions import AirflowFailException

    from pipelines.publish.errors import DataTestError

    def rejected() -> None:
        raise DeliveryRejected("checkup/C001: 1 not loaded")

    with pytest.raises(AirflowFailException, match="DeliveryRejected: checkup/C001"):
        call(rejected)
    assert retry_cannot_help(DataTestError("unique_x", "archive__timeline", "2 rows"))
    for may_pass in (
        SourceUnavailable("hospital/H001 did not answer"),
        RunLocked("in use"),
        OSError("disk"),
        TimeoutError(),
    ):
        assert not retry_cannot_help(may_pass)

        def step(error: Exception = may_pass) -> None:
            raise error

        with pytest.raises(type(may_pass)):
            call(step)
    assert call(lambda a, b: a + b, 1, 2) == 3


def test_a_month_is_reported_once_its_last_night_is_in() -> None:
    assert months_closed_by([date(2026, 3, 30)]) == []
    assert months_closed_by([date(2026, 3, 31), date(2026, 4, 1)]) == ["2026-03"]
    assert months_closed_by([date(2024, 2, 29), date(2026, 2, 28), date(2025, 12, 31)]) == [
        "2024-02",
        "2025-12",
        "2026-02",
    ]
    assert month_of("2026-03") == "2026-03"
    for wrong in ("2026-3", "2026-13", "March"):
        with pytest.raises(ValueError):
            month_of(wrong)


def test_link_and_publish_run_on_the_runs_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "stage", lambda name, engine: f"{name} on {engine}")
    monkeypatch.setattr(scheduler, "param", lambda name: {"engine": "spark"}.get(name))
    assert scheduler.on_engine("link") == "link on spark"
    assert scheduler.on_engine("publish") == "publish on spark"
    monkeypatch.setattr(scheduler, "param", lambda name: None)  # a run before the param existed
    assert scheduler.on_engine("link") == "link on duckdb"
