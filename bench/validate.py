"""Benchmark the quality stages on one night of the shared 100,000-resident × 30-day city.

``python -m bench validate`` (or ``python bench/validate.py [NIGHT]``) takes the processed bench
city (``bench._city.processed_city``), links one night's raw deliveries, load log, standardised
lake and MPI into a temporary data directory (the shared city is only read), then times:

- ``validate_date`` cold (first call in the process: Great Expectations' import included) and
  warm (a rerun of the same night), against the one-minute budget of issue 5;
- ``check_date``, the checks after link, over the lake as it stands after that night.

Writes ``bench/results/validate.md`` with machine facts, load and the command.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._city import last_day, processed_city
from bench._machine import RESULTS, PeakRss, machine
from kernel.layout import Layout

RESIDENTS, DAYS = 100_000, 30
BUDGET_SECONDS = 60.0


def _link_night(data: Path, work: Path, night: date) -> None:
    """Symlink what the quality stages read for ``night`` into ``work`` (nothing is copied)."""
    for folder in (data / "lake" / "raw").glob(f"*/*/date={night.isoformat()}"):
        target = work / folder.relative_to(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(folder)
    log = Layout(data).night("ops.load_log", night).parent
    (work / log.relative_to(data)).parent.mkdir(parents=True, exist_ok=True)
    (work / log.relative_to(data)).symlink_to(log)
    (work / "lake" / "std").symlink_to(data / "lake" / "std")
    mpi = Layout(data).night("mpi.record_link", night).parent
    (work / mpi.relative_to(data)).parent.mkdir(parents=True, exist_ok=True)
    (work / mpi.relative_to(data)).symlink_to(mpi)


def _timed(step: object, *args: object) -> tuple[float, object]:
    began = time.perf_counter()
    result = step(*args)  # type: ignore[operator]
    return round(time.perf_counter() - began, 2), result


def run(night: date) -> dict:
    """Time both quality stages on ``night``; the figures and the stages' summaries."""
    _, data = processed_city(RESIDENTS, DAYS)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp, PeakRss() as rss:
        work = Path(tmp) / "data"
        _link_night(data, work, night)
        from quality import check_date, validate_date  # imported here: the cold run is timed

        cold, summary = _timed(validate_date, work, night)
        warm, _ = _timed(validate_date, work, night)
        check, checked = _timed(check_date, work, night)
    return {"night": night, "cold": cold, "warm": warm, "check": check, "summary": summary,
            "checked": checked, "peak_rss_mib": round(rss.peak_mib), "load": load}  # fmt: skip


def render(result: dict, command: str) -> str:
    s, c = result["summary"], result["checked"]
    load = ", ".join(f"{v:.1f}" for v in result["load"])
    verdict = "within" if result["cold"] < BUDGET_SECONDS else "OVER"
    return "\n".join([
        "# Quality stages benchmark (issue 5)",
        "",
        f"Command: `{command}`: night {result['night']} of the bench city "
        f"({RESIDENTS:,} residents × {DAYS} days, seed 7, every night already processed).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        f"The machine was shared with four other engineers' work: load average {load} "
        "(1, 5, 15 min) when the run started. Times are wall clock.",
        "",
        "| step | wall s | what it did |",
        "|---|---|---|",
        f"| validate_date, cold | {result['cold']} | {s.datasets} datasets, {s.deliveries:,} "
        f"deliveries, {s.rows:,} raw rows → {s.results:,} result rows, {s.held} held; "
        "includes importing Great Expectations |",
        f"| validate_date, warm rerun | {result['warm']} | same night again (idempotent) |",
        f"| check_date (after link) | {result['check']} | {c.results:,} result rows over the "
        "night's standardised records and MPI |",
        "",
        f"Peak RSS of the process: {result['peak_rss_mib']} MiB. Not passed, validate: "
        f"{s.not_passed}; check: {c.not_passed}.",
        "",
        f"Budget: one night validated in under {BUDGET_SECONDS:.0f} s on 2 cores: "
        f"**{verdict}** ({result['cold']} s cold).",
        "",
    ])  # fmt: skip


def main(argv: list[str]) -> int:
    night = date.fromisoformat(argv[0]) if argv else last_day(DAYS)
    print(f"validating night {night} of the {RESIDENTS:,}-resident bench city …", flush=True)
    result = run(night)
    print(f"  validate cold {result['cold']} s, warm {result['warm']} s, "
          f"check {result['check']} s, peak {result['peak_rss_mib']} MiB", flush=True)  # fmt: skip
    command = "python -m bench validate"
    if argv:
        command = f"python bench/validate.py {shlex.join(argv)}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "validate.md").write_text(render(result, command), encoding="utf-8")
    print(f"wrote {RESULTS / 'validate.md'}")
    return 0 if result["cold"] < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
