"""Import one DAG file the way the DAG processor does and report what importing it did.

Run as ``python -m tests.dags.import_probe DAG_FILE`` in a fresh interpreter: Airflow's own
modules are loaded first (they are not ours to measure), then an audit hook records every file
opened, socket connected, process started and SQLite database opened while the DAG file is
imported. Prints JSON: seconds, the modules the import added, the events.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time

WATCHED = ("socket.connect", "subprocess.Popen", "os.system", "os.exec", "sqlite3.connect")


def main(path: str) -> None:
    from airflow.sdk import Asset, CronTriggerTimetable, Param, dag, task  # noqa: F401

    before = set(sys.modules)
    events: list[list[str]] = []

    def audit(event: str, args: tuple) -> None:
        if event == "open" and isinstance(args[0], str | bytes):
            name = args[0].decode() if isinstance(args[0], bytes) else args[0]
            if not name.endswith((".py", ".pyc", ".so", ".pth")) and "__pycache__" not in name:
                events.append([event, name])
        elif event in WATCHED:
            events.append([event, repr(args)[:200]])

    sys.addaudithook(audit)
    started = time.perf_counter()
    spec = importlib.util.spec_from_file_location("probed_dag_file", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"seconds": seconds, "modules": sorted(set(sys.modules) - before), "events": events}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
