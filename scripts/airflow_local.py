"""``make airflow``: a real local Airflow with the project's DAGs and a simulated city.

Simulates a small city whose last night is yesterday (once; kept in ``--root``), then runs
``airflow standalone`` (metadata database, API server and UI, scheduler, DAG processor,
triggerer; SQLite and the LocalExecutor) with:

- the DAGs of ``dags/``, the city's sources and data root as ``HEALTHARCHIVE_SOURCES`` and
  ``HEALTHARCHIVE_DATA``, a random pseudonymisation key made for this folder;
- ``HEALTHARCHIVE_FIRST_NIGHT`` set to the city's first night, so that ``nightly_archive``,
  unpaused here with ``monthly_reports``, catches up every simulated night in order;
- alerts written to ``<root>/alerts.jsonl``.

Prints the URL and the login, then stays in the foreground: Ctrl-C stops Airflow (SIGINT, which
``airflow standalone`` passes on to every process it started).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
UNPAUSED = ("nightly_archive", "monthly_reports")


def main() -> int:
    # Ctrl-C (SIGINT) and a service manager's SIGTERM both stop Airflow the way it wants to be
    # stopped: SIGINT to `airflow standalone`, which stops every process it started (SIGTERM
    # would leave them behind). Restored first: a shell may start this with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    args = _options()
    root = args.root.resolve()
    sources, data, home = root / "sources", root / "data", root / "airflow-home"
    first = date.today() - timedelta(days=args.days)
    if not (sources / "reference" / "institutions.csv").exists():
        given = {"--out": sources, "--residents": args.residents, "--days": args.days,
                 "--start": first, "--seed": 7}  # fmt: skip
        _run([BIN / "healtharchive", "simulate", *(x for pair in given.items() for x in pair)])
    first = _first_night(sources)
    env = _environment(root, sources, data, home, first, args.port)
    # its own session: a Ctrl-C reaches this script only, which passes on exactly one SIGINT
    # (a second one would interrupt standalone's own shut-down and leave processes behind)
    server = subprocess.Popen(
        [BIN / "airflow", "standalone"],
        env=env,
        cwd=root,
        start_new_session=True,
        stdout=(root / "airflow.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(args.port, server)
        for dag_id in UNPAUSED:
            _wait_parsed(dag_id, env, server)
            _run([BIN / "airflow", "dags", "unpause", dag_id], env=env, quiet=True)
        _print_welcome(args.port, home, root, first)
        server.wait()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("stopping Airflow …", flush=True)
        server.send_signal(signal.SIGINT)
        server.wait()
    return server.returncode or 0


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO / "airflow-demo")
    parser.add_argument("--port", type=int, default=int(os.environ.get("AIRFLOW_PORT", 8080)))
    parser.add_argument("--residents", type=int, default=3000)
    parser.add_argument("--days", type=int, default=3)
    return parser.parse_args()


def _first_night(sources: Path) -> date:
    """The first night the city delivered (a city simulated on an earlier day keeps its own)."""
    nights = [date.fromisoformat(p.name) for p in sources.glob("vaccination/*") if p.is_dir()]
    return min(nights)


def _environment(root: Path, sources: Path, data: Path, home: Path, first: date, port: int):
    key = root / "secrets" / "pseudonym.key"
    if not key.exists():  # this demo's own random key, never one in code
        key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key.write_text(secrets.token_hex(32))
        key.chmod(0o600)
    return {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")} | {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "2",  # two cores: two tasks at a time
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://localhost:{port}/execution/",
        "HEALTHARCHIVE_SOURCES": str(sources),
        "HEALTHARCHIVE_DATA": str(data),
        "HEALTHARCHIVE_PSEUDONYM_KEY_FILE": str(key),
        "HEALTHARCHIVE_FIRST_NIGHT": first.isoformat(),
        "HEALTHARCHIVE_ALERT_LOG": str(root / "alerts.jsonl"),
    }


def _wait_healthy(port: int, server: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("airflow standalone exited; see airflow.log")
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/api/v2/monitor/health") as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(2)
    raise SystemExit(f"Airflow did not answer on port {port} within {timeout:.0f} s")


def _wait_parsed(dag_id: str, env: dict, server: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        listed = subprocess.run(
            [BIN / "airflow", "dags", "list", "--output", "json"],
            env=env,
            capture_output=True,
            text=True,
        )
        if listed.returncode == 0 and dag_id in listed.stdout:
            return
        time.sleep(5)
    raise SystemExit(f"{dag_id} was not parsed; see the DAG processor's log in airflow.log")


def _print_welcome(port: int, home: Path, root: Path, first: date) -> None:
    passwords = home / "simple_auth_manager_passwords.json.generated"
    login = json.loads(passwords.read_text()) if passwords.exists() else {}
    user, password = next(iter(login.items()), ("admin", "(see airflow.log)"))
    print(
        f"""
Airflow is running: http://localhost:{port}
  login      {user} / {password}
  DAGs       nightly_archive (catching up every night since {first}), monthly_reports,
             linkage_model (trigger it by hand)
  city       {root / "sources"}  →  {root / "data"}
  alerts     {root / "alerts.jsonl"}
  log        {root / "airflow.log"}
Ctrl-C stops it.""",
        flush=True,
    )


def _run(command: list, env: dict | None = None, quiet: bool = False) -> None:
    subprocess.run(
        [str(c) for c in command], env=env, check=True, stdout=subprocess.DEVNULL if quiet else None
    )


if __name__ == "__main__":
    sys.exit(main())
