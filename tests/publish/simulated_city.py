"""A small simulated city run through the pipeline once per test session and shared.

1,000 residents × 2 nights with identity damage and births turned up (as the end-to-end test
does), so the archive holds newborns, mothers, damaged ID numbers and every source. Only the
last night validates (Great Expectations costs seconds) and publishes, so that every stage table
exists for the grain tests (``tests/schemas/test_grain.py``). Built under a lock in a
folder every pytest-xdist worker of the session sees, so it is built once.
"""

from __future__ import annotations

import fcntl
from datetime import date, timedelta
from pathlib import Path

RESIDENTS, DAYS, SEED = 1000, 2, 5
START = date(2026, 1, 1)
LAST = START + timedelta(days=DAYS - 1)
LAST_NIGHT_ONLY = ("validate", "publish")


def build_small_city(root: Path) -> tuple[Path, Path]:
    """(sources, data) of the small city under ``root``, built on first use."""
    from pipelines.run import STAGES, days_between
    from simulator import SimConfig, simulate_city

    sources, data = root / "sources", root / "data"
    done = root / ".built"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return sources, data
        noisy = SimConfig(noise_scale=3.0, birth_rate=0.3)
        simulate_city(sources, RESIDENTS, START, DAYS, SEED, config=noisy)
        for night in days_between(START, LAST):
            for name, stage in STAGES:
                if name in LAST_NIGHT_ONLY and night != LAST:
                    continue
                stage(sources, data, night)
        done.touch()
    return sources, data
