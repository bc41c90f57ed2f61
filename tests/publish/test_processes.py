"""A publish leaves no process behind.

dbt makes its locks in multiprocessing's "spawn" context, and the first such lock starts
Python's resource tracker: one helper process per interpreter, a child of the process that
published. It stays while that process lives (were the process killed, it would remove the
locks' semaphores) and exits by itself as soon as the process is gone. dbt starts nothing else
(its workers are threads). So a process that publishes and exits — the CLI, an Airflow task —
leaves nothing running; checked here on one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PROC = Path("/proc")
PUBLISH = (
    "import os, sys; from pathlib import Path; from pipelines.publish import publish; "
    "from tests.publish.scenario import D, build_city; "
    "from tests.publish.test_processes import children; "
    "data = Path(sys.argv[1]); build_city(data); publish(data, D); "
    "print(*children(os.getpid()), sep='\\n')"
)


def _stat(pid: int | str) -> list[str] | None:
    """/proc/<pid>/stat from the state on (field 3), or None when there is no such process."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(parent: int) -> list[str]:
    """'pid start command' of every child of ``parent`` (start: clock ticks after boot)."""
    found = []
    for entry in PROC.iterdir():
        fields = _stat(entry.name) if entry.name.isdigit() else None
        if fields and int(fields[1]) == parent:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            found.append(f"{entry.name} {fields[19]} {command}")
    return found


def running(pid: int, start: str) -> bool:
    """The process is still there: not gone, not a zombie, not another process under its pid."""
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z" and fields[19] == start


@pytest.mark.skipif(not (PROC / "self" / "stat").exists(), reason="needs Linux /proc")
def test_a_process_that_published_leaves_nothing_running(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PUBLISH, str(tmp_path)],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    left = [line.split(" ", 2) for line in done.stdout.splitlines()]
    # while the process lived: the resource tracker at most, no pool of dbt's
    assert all("multiprocessing.resource_tracker" in command for _, _, command in left), left
    # once it is gone, its children are too (the tracker reads the end of its pipe and exits)
    deadline = time.monotonic() + 10
    while any(running(int(pid), start) for pid, start, _ in left) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = [command for pid, start, command in left if running(int(pid), start)]
    assert still == [], still
