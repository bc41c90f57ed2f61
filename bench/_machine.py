"""Machine facts and peak memory, recorded beside every benchmark result."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, str]:
    mem_kib = next(
        (int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")),
        0,
    )  # fmt: skip
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "cpu": platform.processor() or platform.machine(),
        "python": sys.version.split()[0],
        "os": platform.platform(),
    }


def commit(checkout: Path = Path(__file__).parents[1]) -> str:
    """The checkout's commit, "+changes" when tracked files other than results differ from
    it: which code a figure was measured on."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=checkout, capture_output=True, text=True)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
    return git("rev-parse", "--short", "HEAD") + ("+changes" if changed else "")


class PeakRss:
    """Peak resident memory of this process and its children, sampled from /proc."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)

    def _sample(self, interval: float) -> None:
        while not self._stop.is_set():
            rss = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            self.peak_bytes = max(self.peak_bytes, rss)
            time.sleep(interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.peak_bytes = max(self.peak_bytes, maxrss_kib * 1024)

    @property
    def peak_mib(self) -> float:
        return self.peak_bytes / 1024 / 1024
