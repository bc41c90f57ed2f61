"""Simulated cities shared by the benchmarks, built once and cached under bench/work/.

``simulated_city`` writes the sources; ``processed_city`` also runs every night of it through
the pipeline, so a stage benchmark can time its own stage on a realistic lake.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

WORK = Path(__file__).parent / "work"
START = date(2026, 1, 1)


def _root(residents: int, days: int, seed: int) -> Path:
    return WORK / f"city-{residents}x{days}-s{seed}"


@contextmanager
def _exclusive(root: Path) -> Iterator[None]:
    """One builder at a time: benchmarks started together wait for the first to finish."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def simulated_city(residents: int = 100_000, days: int = 30, seed: int = 7) -> Path:
    """The sources root of a simulated city (built on first use)."""
    from simulator import simulate_city

    root = _root(residents, days, seed)
    sources = root / "sources"
    with _exclusive(root):
        if not (sources / "truth" / "record_person.csv").exists():
            simulate_city(sources, residents, START, days, seed)
    return sources


def processed_city(residents: int = 100_000, days: int = 30, seed: int = 7) -> tuple[Path, Path]:
    """(sources, data) after every night of the city has run (built on first use)."""
    from pipelines.run import days_between, run_date

    sources = simulated_city(residents, days, seed)
    data = _root(residents, days, seed) / "data"
    done = data / ".all-nights-done"
    with _exclusive(data.parent / "data-lock"):
        if done.exists():
            return sources, data
        os.environ.setdefault(
            "HEALTHARCHIVE_PSEUDONYM_KEY", "bench-only-key-not-a-secret-0123456789"
        )
        logging.getLogger("healtharchive").info("running %d nights of the bench city", days)
        for night in days_between(START, last_day(days)):
            run_date(sources, data, night)
        done.touch()
    return sources, data


def last_day(days: int) -> date:
    return START + timedelta(days=days - 1)
