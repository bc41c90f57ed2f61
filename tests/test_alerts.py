"""Alerts go through the channels the environment configures, and only those; an alert names
steps, institutions and error types, never a value of a record."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

from pipelines import alerts
from pipelines.alerts import Alert, scrub, send
from pipelines.scheduler import describe, task_failed


class FakeSMTP:
    """Stands in for smtplib.SMTP and keeps what a server would have received."""

    sent: ClassVar[list] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.calls = [("connect", host, port)]

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        FakeSMTP.sent.append(self.calls)

    def starttls(self) -> None:
        self.calls.append(("starttls",))

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", user, password))

    def send_message(self, message) -> None:
        self.calls.append(("message", message["To"], message["Subject"], message.get_content()))


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> list:
    import smtplib

    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return FakeSMTP.sent


def test_nothing_is_sent_unless_configured(smtp: list, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert send(Alert("task_failed", "x failed"), environ={}) == []
    assert smtp == [] and "no channel configured" in caplog.text


def test_the_log_channel_appends_one_json_line_per_alert(tmp_path: Path) -> None:
    log = tmp_path / "alerts" / "alerts.jsonl"
    env = {"HEALTHARCHIVE_ALERT_LOG": str(log)}
    assert send(Alert("task_failed", "a failed", ["line 1"]), environ=env) == ["log"]
    send(Alert("deliveries_not_loaded", "night 2026-03-01: 1 held back"), environ=env)
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert [(a["kind"], a["subject"]) for a in lines] == [
        ("task_failed", "a failed"),
        ("deliveries_not_loaded", "night 2026-03-01: 1 held back"),
    ]
    assert lines[0]["lines"] == ["line 1"] and lines[0]["at"]
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_email_goes_through_the_configured_server(tmp_path: Path, smtp: list) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("pw-from-file\n")
    env = {
        "HEALTHARCHIVE_ALERT_EMAIL_TO": "ops@example.org, duty@example.org",
        "HEALTHARCHIVE_ALERT_SMTP_HOST": "smtp.example.org",
        "HEALTHARCHIVE_ALERT_SMTP_PORT": "2525",
        "HEALTHARCHIVE_ALERT_SMTP_USER": "healtharchive",
        "HEALTHARCHIVE_ALERT_SMTP_PASSWORD_FILE": str(secret),
    }
    assert send(Alert("task_failed", "link failed", ["night 2026-03-01"]), environ=env) == ["email"]
    (calls,) = smtp
    assert calls[:3] == [
        ("connect", "smtp.example.org", 2525),
        ("starttls",),
        ("login", "healtharchive", "pw-from-file"),
    ]
    _, to, subject, body = calls[3]
    assert to == "ops@example.org, duty@example.org"
    assert subject == "[healtharchive] link failed" and "night 2026-03-01" in body


def test_a_channel_that_fails_does_not_fail_the_caller(tmp_path: Path, smtp: list) -> None:
    env = {
        "HEALTHARCHIVE_ALERT_EMAIL_TO": "ops@example.org",  # no server configured
        "HEALTHARCHIVE_ALERT_LOG": str(tmp_path / "alerts.jsonl"),
    }
    assert send(Alert("task_failed", "x"), environ=env) == ["log"]
    assert smtp == []


def test_an_error_is_told_without_what_it_quotes() -> None:
    from pipelines.publish.errors import ModelError

    wrapped = RuntimeError("wrapper")
    wrapped.__cause__ = ModelError("archive.timeline", "Conversion Error: '张三' is not a date")
    assert describe(wrapped) == (
        "ModelError: warehouse model archive.timeline failed: Conversion Error: '…' is not a date"
    )
    assert describe(ValueError("invalid literal for int(): 320106199001011234")) == "ValueError"
    assert scrub('id "320106199001011234" and `13912345678`') == "id '…' and '…'"


def test_a_failed_task_is_an_alert_naming_the_task_and_its_unit(monkeypatch, tmp_path) -> None:
    from pipelines.run import DeliveryRejected

    log = tmp_path / "alerts.jsonl"
    monkeypatch.setenv("HEALTHARCHIVE_ALERT_LOG", str(log))
    ti = SimpleNamespace(
        task_id="extract",
        rendered_map_index="checkup/320583-T001",
        map_index=4,
        dag_id="nightly_archive",
        run_id="scheduled__x",
        try_number=1,
    )
    error = DeliveryRejected(
        "checkup/320583-T001: 1 not loaded: incomplete: checkup/…csv: "
        "the manifest says 3 rows, the file has 4"
    )
    task_failed({"ti": ti, "exception": error})
    (alert,) = [json.loads(x) for x in log.read_text().splitlines()]
    assert alert["subject"] == "nightly_archive: extract[checkup/320583-T001] failed"
    assert "DeliveryRejected: checkup/320583-T001: 1 not loaded" in " ".join(alert["lines"])


def test_a_callback_that_cannot_alert_does_not_raise(caplog) -> None:
    with caplog.at_level(logging.ERROR):
        task_failed({})  # no task instance at all
    assert "could not be made" in caplog.text
    assert alerts.PREFIX == "HEALTHARCHIVE_ALERT_"
