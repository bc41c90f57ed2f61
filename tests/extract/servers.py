"""Real front-end database servers for the tests: PostgreSQL 15 and MariaDB 10.11.

Both come from Debian's packages (``scripts/install-system-deps.sh``). Each test session starts
its own server in a throwaway folder on a free local port, as an unprivileged user (``nobody``
when the tests run as root, as CI does; the packages' own services are never used), and stops
it at the end. A server that cannot start skips its tests on a developer's machine and fails
them under ``CI=true`` (``tests/support.py``), with the server's own log in the message.

Each server has a superuser for setting up (over its Unix socket) and a read-only account with
a password (over TCP), which is what extract is given, as a hospital would give it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipelines.extract.marks import stamp_column
from schemas.contracts import source_contracts
from tests.support import in_ci

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/nonexistent"))
MARIADBD = Path(shutil.which("mariadbd") or "/usr/sbin/mariadbd")
INSTALL_DB = Path(shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db")
READER, READER_PASSWORD = "extract_ro", "ro-test-only-pw"
START_SECONDS = 60


@dataclass
class Server:
    kind: str  # postgresql | mariadb
    folder: Path
    port: int
    pid_file: Path

    @property
    def pids(self) -> list[int]:
        """The server's processes (PostgreSQL: the postmaster and every backend)."""
        main = int(self.pid_file.read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == main:
                children.append(int(stat.parent.name))
        return [main, *children]

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The server stops answering (SIGSTOP) until the block ends (SIGCONT)."""
        pids = self.pids
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        # delivery is asynchronous: wait until every process is seen stopped, or a query sent
        # at once might still be answered
        _wait_until(lambda: all(_stopped(pid) or _fail() for pid in pids), 5)
        try:
            yield
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)

    def reader_url(self, database: str) -> str:
        driver = "postgresql+psycopg" if self.kind == "postgresql" else "mysql+pymysql"
        return f"{driver}://{READER}:{READER_PASSWORD}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str | None = None) -> Any:  # a DB-API connection
        """A superuser connection over the server's Unix socket (autocommit)."""
        if self.kind == "postgresql":
            import psycopg

            return psycopg.connect(host=str(self.folder), port=self.port, user="postgres",
                                   dbname=database or "postgres", autocommit=True)  # fmt: skip
        import pymysql

        return pymysql.connect(unix_socket=str(self.folder / "mysqld.sock"), user="root",
                               database=database, autocommit=True, charset="utf8mb4")  # fmt: skip

    def create_database(self, name: str) -> None:
        """An empty database the read-only account may read."""
        with self.admin() as con, con.cursor() as cur:
            if self.kind == "postgresql":
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cur.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
                cur.execute(f'GRANT CONNECT ON DATABASE "{name}" TO {READER}')
            else:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
                cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
                cur.execute(f"GRANT SELECT ON `{name}`.* TO '{READER}'@'%'")
        if self.kind == "postgresql":
            with self.admin(name) as con, con.cursor() as cur:
                cur.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES "
                            f"TO {READER}")  # fmt: skip

    def load(self, database: str, tables: dict[str, list[dict]]) -> None:
        """Create every front-end table of the spec (typed columns, an index on the change
        time) and insert ``tables``' rows; timestamps are written as the server keeps them."""
        with self.admin(database) as con, con.cursor() as cur:
            for spec in source_contracts().values():
                if spec.delivery.get("kind") != "frontend_table":
                    continue
                table, stamp = spec.delivery["table"], stamp_column(spec)
                columns = ", ".join(f"{c.name} {self._type(c.type)}" for c in spec.columns)
                cur.execute(f"DROP TABLE IF EXISTS {table}")
                cur.execute(f"CREATE TABLE {table} ({columns})")
                cur.execute(f"CREATE INDEX {table}_{stamp} ON {table} ({stamp})")
                types = {c.name: c.type for c in spec.columns}
                for row in tables.get(table, []):
                    self.insert(cur, table, {k: self._value(types[k], v) for k, v in row.items()})

    def insert(self, cur: Any, table: str, row: dict) -> None:
        marks = ", ".join(["%s"] * len(row))
        cur.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", list(row.values()))

    def _type(self, kind: str) -> str:
        if kind == "timestamp":  # PostgreSQL: an instant; MariaDB: Beijing wall-clock time
            return "TIMESTAMPTZ" if self.kind == "postgresql" else "DATETIME(6)"
        return {"string": "VARCHAR(255)", "integer": "BIGINT", "decimal": "NUMERIC(12, 3)",
                "date": "DATE", "boolean": "BOOLEAN"}[kind]  # fmt: skip

    def _value(self, kind: str, value: object) -> object:
        if kind == "timestamp" and self.kind == "mariadb" and isinstance(value, str):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment = moment.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
            return moment.isoformat(" ")
        return value


def _stopped(pid: int) -> bool:
    """Whether a process and all its threads are stopped (state T in /proc)."""
    states = [Path(t, "stat").read_text().rsplit(")", 1)[1].split()[0]
              for t in Path(f"/proc/{pid}/task").iterdir()]  # fmt: skip
    return all(state in "tT" for state in states)


def _fail() -> bool:
    raise RuntimeError("not stopped yet")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unprivileged() -> dict:
    """subprocess options that run a server as ``nobody`` when the tests run as root."""
    if os.geteuid() != 0:
        return {}
    return {"user": "nobody", "group": "nogroup", "extra_groups": []}


def _folder(kind: str) -> Path:
    """A throwaway folder the server's user owns (pytest's own are root's, mode 700)."""
    folder = Path(tempfile.mkdtemp(prefix=f"healtharchive-{kind}-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody", "nogroup")
    return folder


def _run(args: list[str], log: Path) -> None:
    env = {"PATH": "/usr/sbin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
    with log.open("ab") as out:
        subprocess.run(args, check=True, stdout=out, stderr=subprocess.STDOUT, env=env,
                       cwd="/", timeout=START_SECONDS, **_unprivileged())  # fmt: skip


def _unavailable(what: str, *logs: Path) -> None:
    """Skip, or fail under CI=true, saying why (with the end of the server's logs)."""
    tails = [log.read_text(errors="replace")[-1500:] for log in logs if log.exists()]
    message = "\n".join([f"{what} (scripts/install-system-deps.sh installs the servers)", *tails])
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _wait_until(ready: Callable[[], object], seconds: float = START_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            ready()
            return True
        except Exception:  # not up yet
            time.sleep(0.2)
    return False


@pytest.fixture(scope="session")
def postgresql() -> Iterator[Server]:
    if not (PG_BIN / "initdb").exists():
        _unavailable(f"PostgreSQL is not installed ({PG_BIN}/initdb)")
    folder = _folder("postgresql")
    data, setup = folder / "data", folder / "setup.log"
    server = Server("postgresql", folder, _free_port(), data / "postmaster.pid")
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log")]
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        try:
            _run(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                ],
                setup,
            )
            _run([*pg_ctl, "-o", options, "-w", "start"], setup)
        except (subprocess.SubprocessError, OSError):
            _unavailable("PostgreSQL did not start", setup, folder / "server.log")
        with server.admin() as con, con.cursor() as cur:
            cur.execute(f"CREATE ROLE {READER} LOGIN PASSWORD '{READER_PASSWORD}'")
        yield server
    finally:
        if server.pid_file.exists():
            _run([*pg_ctl, "-m", "immediate", "stop"], setup)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb() -> Iterator[Server]:
    if not (MARIADBD.exists() and INSTALL_DB.exists()):
        _unavailable(f"MariaDB is not installed ({MARIADBD})")
    folder = _folder("mariadb")
    data, setup, log = folder / "data", folder / "setup.log", folder / "server.log"
    server = Server("mariadb", folder, _free_port(), folder / "mysqld.pid")
    args = [str(MARIADBD), "--no-defaults", f"--datadir={data}", f"--port={server.port}",
            "--bind-address=127.0.0.1", f"--socket={folder / 'mysqld.sock'}",
            f"--pid-file={server.pid_file}", f"--log-error={log}", "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M", "--skip-log-bin"]  # fmt: skip
    process = None
    try:
        try:
            _run([str(INSTALL_DB), "--no-defaults", f"--datadir={data}", "--skip-test-db",
                  "--auth-root-authentication-method=normal"], setup)  # fmt: skip
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       cwd="/", **_unprivileged())  # fmt: skip
        except (subprocess.SubprocessError, OSError):
            _unavailable("MariaDB did not start", setup, log)
        if not _wait_until(lambda: server.admin().close() or server.pid_file.read_text()):
            _unavailable("MariaDB did not start", setup, log)
        with server.admin() as con, con.cursor() as cur:
            cur.execute(f"CREATE USER '{READER}'@'%' IDENTIFIED BY '{READER_PASSWORD}'")
        yield server
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=START_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest) -> Server:
    """Each test that takes ``server`` runs once against each kind of server."""
    return request.getfixturevalue(request.param)
