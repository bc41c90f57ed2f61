"""Wall time, CPU time and peak resident memory of one step, for the scale benchmarks.

CPU is user + system time of this process and its waited-for children. The peak is the
kernel's own high-water mark of this process (``VmHWM``), reset before the step through
``/proc/self/clear_refs`` (Linux 4.0+), so each step gets its own peak rather than the
process's lifetime one; a child process (a Spark JVM) is sampled from ``/proc`` beside it.
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mib: float = 0.0

    def add(self, other: Measured) -> None:
        """Sum times, keep the larger peak (steps run one after another)."""
        self.wall_s += other.wall_s
        self.cpu_s += other.cpu_s
        self.peak_rss_mib = max(self.peak_rss_mib, other.peak_rss_mib)

    def as_dict(self) -> dict[str, float]:
        return {"wall_s": round(self.wall_s, 2), "cpu_s": round(self.cpu_s, 2),
                "peak_rss_mib": round(self.peak_rss_mib)}  # fmt: skip


def _cpu() -> float:
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _status_kib(field_name: str, pid: str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def _children_rss() -> int:
    """Resident bytes of this process's live descendants (a Spark JVM, a dbt worker)."""
    total, own = 0, str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == own:  # ppid; grandchildren are rare here and left out
            total += int(fields[21]) * PAGE
    return total


class Interval:
    """One measured interval, started on creation and ended by ``stop`` (for steps whose start
    and end are two calls, such as ``run_date``'s ``on_stage`` callbacks)."""

    def __init__(self, interval: float = 0.5) -> None:
        with contextlib.suppress(OSError):  # reset VmHWM to the current RSS (Linux 4.0+)
            Path("/proc/self/clear_refs").write_text("5")
        self._stop, self._child_peak = threading.Event(), 0
        self._sampler = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._sampler.start()
        self._wall, self._cpu = time.perf_counter(), _cpu()

    def _sample(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._child_peak = max(self._child_peak, _children_rss())

    def stop(self) -> Measured:
        wall, cpu = time.perf_counter() - self._wall, _cpu() - self._cpu
        self._stop.set()
        self._sampler.join()
        peak = (_status_kib("VmHWM") * 1024 + self._child_peak) / 2**20
        return Measured(wall, cpu, peak)


@contextmanager
def meter(interval: float = 0.5) -> Iterator[Measured]:
    """Measure the ``with`` block; the figures are filled in when it ends."""
    out, running = Measured(), Interval(interval)
    try:
        yield out
    finally:
        done = running.stop()
        out.wall_s, out.cpu_s, out.peak_rss_mib = done.wall_s, done.cpu_s, done.peak_rss_mib


@dataclass
class StageTable:
    """Per stage totals over many calls (nights), plus each call's own figures."""

    stages: dict[str, Measured] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)

    _open: tuple[str, dict[str, Any], Interval] | None = None

    def run(self, stage: str, call: Callable[[], Any], **labels: Any) -> Any:
        self.switch(stage, **labels)
        try:
            return call()
        finally:
            self.close()

    def switch(self, stage: str, **labels: Any) -> None:
        """End the stage being measured, if any, and start measuring ``stage``."""
        self.close()
        self._open = (stage, labels, Interval())

    def close(self) -> None:
        """End the stage being measured, if any, and record it."""
        if self._open is None:
            return
        stage, labels, running = self._open
        self._open = None
        m = running.stop()
        self.stages.setdefault(stage, Measured()).add(m)
        self.calls.append({"stage": stage, **labels, **m.as_dict()})

    def total(self) -> Measured:
        out = Measured()
        for m in self.stages.values():
            out.add(m)
        return out
