"""Alerts to the people who run the platform, through the channels the environment configures.

Two channels, each used only when configured — nothing is sent otherwise:

- a log file, ``HEALTHARCHIVE_ALERT_LOG``: one JSON object per line, appended, owner-only;
- e-mail, ``HEALTHARCHIVE_ALERT_EMAIL_TO`` (comma-separated) through the SMTP server
  ``HEALTHARCHIVE_ALERT_SMTP_HOST`` (``…_SMTP_PORT``, default 587; ``…_SMTP_USER`` with
  ``…_SMTP_PASSWORD`` or the file named by ``…_SMTP_PASSWORD_FILE``; ``…_SMTP_STARTTLS``,
  default true; ``…_EMAIL_FROM``, default ``healtharchive@<host>``).

An alert says what failed or what was not loaded, by institution, dataset and step — never a
value of a record: the callers build it from names, counts and messages written without values,
and an exception's own text is kept only as far as it quotes nothing (``scrub``). A channel that
fails is logged and does not fail the caller: an alert must not turn a night into a failure.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

log = logging.getLogger(__name__)
PREFIX = "HEALTHARCHIVE_ALERT_"
_QUOTED = re.compile(r"""'[^']*'|"[^"]*"|`[^`]*`""")


@dataclass(frozen=True)
class Alert:
    kind: str  # task_failed | deliveries_not_loaded
    subject: str
    lines: list[str] = field(default_factory=list)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def text(self) -> str:
        return "\n".join([self.subject, "", *self.lines])


def scrub(text: str) -> str:
    """A message with anything it quotes taken out: driver and database errors quote values."""
    return _QUOTED.sub("'…'", text)


def send(alert: Alert, environ: Mapping[str, str] | None = None) -> list[str]:
    """Send ``alert`` through every configured channel; returns the channels it went to."""
    env = os.environ if environ is None else environ
    sent = []
    for name, channel, configured in (
        ("log", _to_log_file, bool(env.get(f"{PREFIX}LOG"))),
        ("email", _by_email, bool(env.get(f"{PREFIX}EMAIL_TO"))),
    ):
        if not configured:
            continue
        try:
            channel(alert, env)
            sent.append(name)
        except Exception as exc:  # an alert channel down must not fail the night
            log.error("alert channel %s failed (%s): %s", name, type(exc).__name__, alert.subject)
    if not sent:
        log.warning("alert (no channel configured): %s", alert.subject)
    return sent


def _to_log_file(alert: Alert, env: Mapping[str, str]) -> None:
    path = Path(env[f"{PREFIX}LOG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(alert), ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))  # one write per line: appenders do not interleave
    finally:
        os.close(fd)


def _by_email(alert: Alert, env: Mapping[str, str]) -> None:
    import smtplib

    host = env.get(f"{PREFIX}SMTP_HOST")
    if not host:
        raise ValueError(f"{PREFIX}EMAIL_TO is set but {PREFIX}SMTP_HOST is not")
    message = EmailMessage()
    message["Subject"] = f"[healtharchive] {alert.subject}"
    message["From"] = env.get(f"{PREFIX}EMAIL_FROM") or f"healtharchive@{socket.getfqdn()}"
    message["To"] = ", ".join(a.strip() for a in env[f"{PREFIX}EMAIL_TO"].split(",") if a.strip())
    message.set_content(alert.text())
    port = int(env.get(f"{PREFIX}SMTP_PORT") or 587)
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        if env.get(f"{PREFIX}SMTP_STARTTLS", "true").lower() not in ("false", "0", "no"):
            smtp.starttls()
        user = env.get(f"{PREFIX}SMTP_USER")
        if user:
            smtp.login(user, _password(env))
        smtp.send_message(message)


def _password(env: Mapping[str, str]) -> str:
    named = env.get(f"{PREFIX}SMTP_PASSWORD_FILE")
    if named:
        return Path(named).read_text(encoding="utf-8").strip()
    return env.get(f"{PREFIX}SMTP_PASSWORD", "")
