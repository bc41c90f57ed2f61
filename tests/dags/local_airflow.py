"""A real Airflow in a throwaway AIRFLOW_HOME: metadata database, API server (the execution API
tasks report to), DAG processor and scheduler with the LocalExecutor, the project's DAGs.

Each server runs in its own session; ``stop`` ends them (SIGTERM to each session, SIGKILL to
what is left after a grace period) — only the processes this object started. States are read
from the metadata database directly (SQLite, read-only): polling the CLI would cost an Airflow
import per look.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")
SERVERS = (("api-server", "--apps", "execution"), ("dag-processor",), ("scheduler",))
FINISHED = ("success", "failed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalAirflow:
    home: Path
    env_extra: Mapping[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        env |= {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.port}/execution/",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "PATH": f"{AIRFLOW.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        return env | dict(self.env_extra)

    def cli(self, *args: str, timeout: float = 240, attempts: int = 5) -> str:
        for attempt in range(attempts):
            done = subprocess.run(
                [str(AIRFLOW), *args], env=self.env, capture_output=True, text=True,
                timeout=timeout,
            )  # fmt: skip
            # SQLite has one writer: a command that lost the race to the scheduler was rolled
            # back whole and may simply be run again (PostgreSQL, in production, waits instead)
            locked = done.returncode and "database is locked" in done.stdout + done.stderr
            if not locked or attempt == attempts - 1:
                break
            time.sleep(2 * (attempt + 1))
        if done.returncode:
            raise RuntimeError(
                f"airflow {' '.join(args)}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
            )
        return done.stdout

    def start(self, timeout: float = 300) -> None:
        self.launch(timeout)
        self.wait_ready(timeout)

    def launch(self, timeout: float = 300) -> None:
        """Create the metadata database and start the servers (``wait_ready`` waits for them)."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.cli("db", "migrate", timeout=timeout)
        for args in SERVERS:
            log = (self.home / f"{args[0]}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [str(AIRFLOW), *args],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=self.home,
                )
            )

    def wait_ready(self, timeout: float = 300) -> None:
        self._wait(self._healthy, timeout, "the API server to answer")

    def stop(self, grace: float = 30) -> None:
        for p in self.processes:
            _signal_session(p, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for p in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(max(0.1, deadline - time.monotonic()))
            _signal_session(p, signal.SIGKILL)  # the session's workers too
            p.wait()
        self.processes.clear()

    def set_variables(self, **values: str) -> None:
        """Airflow Variables ``healtharchive_<name>`` (one CLI call for all of them)."""
        path = self.home / "variables.json"
        path.write_text(json.dumps({f"healtharchive_{k}": v for k, v in values.items()}))
        self.cli("variables", "import", str(path))

    # -- reading the metadata database ---------------------------------------------------------
    def query(self, sql: str, *args: object) -> list[tuple]:
        db = self.home / "airflow.db"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as con:
            return con.execute(sql, args).fetchall()

    def dag_parsed(self, dag_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM serialized_dag WHERE dag_id = ?", dag_id))

    def runs(self, dag_id: str) -> dict[str, str]:
        """run_id → state."""
        return dict(self.query("SELECT run_id, state FROM dag_run WHERE dag_id = ?", dag_id))

    def task_states(self, dag_id: str, run_id: str) -> dict[tuple[str, str], tuple[str, int]]:
        """(task_id, map label) → (state, try_number) of one run."""
        rows = self.query(
            "SELECT task_id, coalesce(rendered_map_index, CAST(map_index AS TEXT)), state, "
            "try_number FROM task_instance WHERE dag_id = ? AND run_id = ?",
            dag_id,
            run_id,
        )
        return {(t, m): (s, n) for t, m, s, n in rows}

    def task_times(self, dag_id: str) -> list[tuple[str, str, str, str]]:
        """(run_id, task_id, start, end) of every finished task instance, by start."""
        return self.query(
            "SELECT run_id, task_id, start_date, end_date FROM task_instance WHERE dag_id = ? "
            "AND end_date IS NOT NULL ORDER BY start_date",
            dag_id,
        )

    def wait_parsed(self, dag_id: str, timeout: float = 300) -> None:
        self._wait(lambda: self.dag_parsed(dag_id), timeout, f"{dag_id} to be parsed")

    def wait_finished(self, dag_id: str, runs: int, timeout: float) -> dict[str, str]:
        def done() -> bool:
            states = self.runs(dag_id)
            return len(states) >= runs and all(s in FINISHED for s in states.values())

        self._wait(done, timeout, f"{runs} runs of {dag_id} to finish")
        return self.runs(dag_id)

    def wait_run(self, dag_id: str, run_id: str, timeout: float) -> str:
        """The state of run ``run_id`` once it has finished."""

        def done() -> bool:
            return self.runs(dag_id).get(run_id) in FINISHED

        self._wait(done, timeout, f"{dag_id} {run_id} to finish")
        return self.runs(dag_id)[run_id]

    def logs(self) -> str:
        """The servers' logs, last lines: for a failing test's message."""
        return "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-4000:]}"
            for p in sorted(self.home.glob("*.log"))
        )

    def _healthy(self) -> bool:
        url = f"http://127.0.0.1:{self.port}/execution/health"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(
                    f"an Airflow server exited while waiting for {what}\n{self.logs()}"
                )
            if ready():
                return
            time.sleep(2)
        raise TimeoutError(f"waited {timeout:.0f} s for {what}\n{self.logs()}")


def _signal_session(p: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the session is gone already
        os.killpg(p.pid, sig)  # its own session: the server and the workers it started
