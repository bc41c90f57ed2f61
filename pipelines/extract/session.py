"""One hospital's front-end connection, driven so that no call can outlast its limit.

A hanging hospital database must not stall the night. Every call to a database server
(connecting, each query) runs on the session's own worker thread, and the night waits for it at
most ``connect_s`` (to connect) or ``statement_s`` (per query). The drivers get the same limits
where they have them — libpq's ``connect_timeout`` and PostgreSQL's ``statement_timeout``,
PyMySQL's connect and read timeouts — so that a server that is only slow stops the query
itself. A server that does not answer at all (a stopped process, a firewall that drops packets)
is left behind: the socket is shut down so that the driver's call returns, and the worker, a
daemon thread, is abandoned to finish or fail on its own; the session is then ``broken``.

A SQLite file has no server to hang: its calls run on the night's own thread (handing each one
to another thread would cost more than reading most of the spec's small tables), bounded by
SQLite itself — a busy timeout for another program's lock, and a progress handler that
interrupts a query past its limit.
"""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from time import monotonic
from typing import Any

import sqlalchemy as sa

from kernel.city import city


@dataclass(frozen=True)
class Limits:
    """Seconds a front end may take: to answer a connection, to answer one query."""

    connect_s: float
    statement_s: float

    @classmethod
    def from_city(cls) -> Limits:
        c = city()
        return cls(c.frontend_connect_timeout_s, c.frontend_statement_timeout_s)


class FrontendTimeout(Exception):
    """A call to a front end did not come back within its limit."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"did not answer within {seconds:g} s ({what})")
        self.what = what
        self.seconds = seconds


def sqlite_lock_wait(limits: Limits) -> float:
    """How long SQLite waits on another program's lock: a little less than the session waits,
    so that the reason given is "locked", not a bare timeout."""
    return max(limits.statement_s * 0.8, limits.statement_s - 1)


def connect_args(url: sa.URL, limits: Limits, day: date) -> dict[str, Any]:
    """Driver options that hold the driver itself to ``limits`` (what it supports)."""
    backend = url.get_backend_name()
    if backend == "sqlite":  # waiting on another program's lock (see Session._open)
        return {"timeout": sqlite_lock_wait(limits)}
    if backend == "postgresql":
        # libpq counts whole seconds (at least 2); the statement limit is the server's own
        statement = f"-c statement_timeout={int(limits.statement_s * 1000)}"
        given = url.query.get("options")
        options = f"{given} {statement}" if isinstance(given, str) else statement
        return {"connect_timeout": max(2, round(limits.connect_s)), "options": options}
    if backend in ("mysql", "mariadb"):
        # a read that waits longer than a statement may run means the server is gone; TIMESTAMP
        # columns come back on the city's clock, like DATETIME columns holding Beijing time
        noon = datetime.combine(day, time(12), tzinfo=city().zone).utcoffset()
        minutes = int(noon.total_seconds() // 60) if noon is not None else 0
        zone = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        margin = limits.statement_s + 1  # the session's own limit comes first
        return {
            "connect_timeout": max(1, round(limits.connect_s)),
            "read_timeout": margin,
            "write_timeout": margin,
            "init_command": f"SET time_zone = '{zone}'",
        }
    return {}


class Session:
    """A front-end connection whose every call is bounded (see the module docstring)."""

    def __init__(self, url: str, limits: Limits, day: date, sqlite_uri: str | None = None) -> None:
        self.url = sa.make_url(url)
        self.limits = limits
        self.day = day
        self.sqlite_uri = sqlite_uri  # the spec's SQLite file: opened by its URI, read-only
        self.inline = sqlite_uri is not None or self.url.get_backend_name() == "sqlite"
        self.broken = False
        self._jobs: queue.Queue = queue.Queue()
        self._engine: sa.Engine | None = None
        self._conn: sa.Connection | None = None
        self._dbapi: Any = None
        self._deadline: float | None = None  # inline calls: when SQLite is to stop
        if not self.inline:
            threading.Thread(target=self._work, name="frontend-session", daemon=True).start()

    def connect(self) -> None:
        self._call(self._open, self.limits.connect_s, "connect")

    def run(self, job: Callable[[sa.Connection], Any], what: str) -> Any:
        """``job(connection)`` on the worker, within the statement limit."""
        if self.broken:
            raise FrontendTimeout(what, 0)
        return self._call(lambda: job(self._conn), self.limits.statement_s, what)

    def close(self) -> None:
        """Close the connection; a broken session closes once its stuck call returns."""
        if self.inline:
            self._shut()
            return
        self._jobs.put((self._shut, None))
        self._jobs.put(None)

    # -- on the worker ------------------------------------------------------------------------
    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            work, reply = job
            try:
                outcome = (True, work())
            except BaseException as exc:  # handed to the waiting night, which decides
                outcome = (False, exc)
            if reply is not None:
                reply.put(outcome)

    def _open(self) -> None:
        if self.sqlite_uri is not None:
            uri, wait = self.sqlite_uri, sqlite_lock_wait(self.limits)
            self._engine = sa.create_engine(
                "sqlite://",
                creator=lambda: sqlite3.connect(uri, uri=True, timeout=wait),
                poolclass=sa.pool.NullPool,
            )
        else:
            args = connect_args(self.url, self.limits, self.day)
            self._engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool, connect_args=args)
        self._conn = self._engine.connect()
        self._dbapi = self._conn.connection.dbapi_connection
        if self.inline:  # SQLite asks every so many steps whether the query is overdue
            self._dbapi.set_progress_handler(self._overdue, 10_000)

    def _overdue(self) -> int:
        return int(self._deadline is not None and monotonic() > self._deadline)

    def _shut(self) -> None:
        with contextlib.suppress(Exception):  # closing a connection that failed is no news
            if self._conn is not None:
                self._conn.close()
        if self._engine is not None:
            self._engine.dispose()

    # -- on the night's thread ----------------------------------------------------------------
    def _call(self, work: Callable[[], Any], seconds: float, what: str) -> Any:
        if self.inline:
            return self._call_inline(work, seconds, what)
        reply: queue.Queue = queue.Queue(maxsize=1)
        self._jobs.put((work, reply))
        try:
            ok, value = reply.get(timeout=seconds)
        except queue.Empty:
            self.broken = True
            self._interrupt()
            raise FrontendTimeout(what, seconds) from None
        if not ok:
            raise value
        return value

    def _call_inline(self, work: Callable[[], Any], seconds: float, what: str) -> Any:
        self._deadline = monotonic() + seconds
        try:
            return work()
        except (sa.exc.OperationalError, sqlite3.OperationalError) as exc:
            if "interrupted" in str(exc) and self._overdue():
                raise FrontendTimeout(what, seconds) from exc
            raise
        finally:
            self._deadline = None

    def _interrupt(self) -> None:
        """Make a stuck driver call return, where the driver allows it (best effort)."""
        dbapi = self._dbapi
        if dbapi is None:
            return
        with contextlib.suppress(Exception):
            fileno = dbapi.fileno() if hasattr(dbapi, "fileno") else dbapi._sock.fileno()
            # shutting the socket down wakes a read blocked on it; the dup keeps the driver's
            # own descriptor for it to close
            with socket.socket(fileno=os.dup(fileno)) as sock:
                sock.shutdown(socket.SHUT_RDWR)


# What a driver's error means, by words in its message, said for a clerk. The driver's own text
# is never passed on: it can quote a value or an account name.
_KNOWN = (
    ("file is not a database", "not a SQLite database (damaged, or another kind of file)"),
    ("malformed", "the SQLite database is damaged (database disk image is malformed)"),
    ("unable to open database", "the database file cannot be opened"),
    ("database is locked", "locked by another program for longer than {lock:g} s"),
    ("interrupted", "did not answer within {statement:g} s (interrupted)"),
    ("statement timeout", "a query ran longer than {statement:g} s (statement timeout)"),
    ("max_statement_time", "a query ran longer than {statement:g} s (statement timeout)"),
    ("timeout expired", "did not answer within {connect:g} s (connect)"),
    ("timed out", "did not answer within {statement:g} s"),
    ("lost connection", "the connection was lost"),
    ("server closed the connection", "the connection was lost"),
    ("connection refused", "connection refused (no server listening there)"),
    ("password authentication failed", "the account or its password was refused"),
    ("access denied", "the account or its password was refused"),
)
# Failures after which the rest of the hospital's tables are not tried tonight: the database is
# not answering, and every further table would wait out its own limit.
_STOPS_THE_HOSPITAL = ("locked", "did not answer", "statement timeout", "connection was lost")
# Failures that may be gone in a few minutes (a server restarting, a lock released): worth a
# retry of that hospital's extract. A refused password or a damaged file is not.
_MAY_PASS = (*_STOPS_THE_HOSPITAL, "connection refused")


def describe(exc: BaseException, limits: Limits) -> str:
    """Why a call to a front end failed, in words a clerk can act on; no database values."""
    if isinstance(exc, FrontendTimeout):
        return str(exc)
    if isinstance(exc, ImportError):
        return f"its database driver is not installed ({exc.name or 'unknown module'})"
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    for words, said in _KNOWN:
        if words in text:
            return said.format(connect=limits.connect_s, statement=limits.statement_s,
                               lock=sqlite_lock_wait(limits))  # fmt: skip
    return type(orig).__name__


def stops_the_hospital(reason: str) -> bool:
    return any(words in reason for words in _STOPS_THE_HOSPITAL)


def may_pass(reason: str) -> bool:
    """True when the front end may answer if asked again later (``describe``'s words)."""
    return any(words in reason for words in _MAY_PASS)
