"""Benchmark a range of nights in bulk (``pipelines.run.backfill``) against the nights one by one.

``python -m bench backfill`` (or ``python bench/backfill.py [RESIDENTS DAYS]``) simulates a
city (default 10,000 residents × 14 nights, ``bench._city.simulated_city``, cached), then runs
every night of it twice into two fresh data folders, one after the other in this process:

- one by one: ``run_date`` for each night, every stage, publish every night (the nightly run);
- in bulk: ``backfill`` over the same range, each stage over every night, publish once.

Both are timed in the same run, stage by stage. Their published files are compared
(``ops.publish`` row counts per table, residents) so that the ratio is between equal results.
Writes ``bench/results/backfill.md`` with machine facts, load and the command.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from bench._city import START, WORK, last_day, simulated_city
from bench._machine import RESULTS, PeakRss, machine

RESIDENTS, DAYS = 10_000, 14


def _one_by_one(sources: Path, data: Path, last: date) -> list:
    from pipelines.run import days_between, run_date

    return [run_date(sources, data, night) for night in days_between(START, last)]


def _bulk(sources: Path, data: Path, last: date) -> list:
    from pipelines.run import backfill

    return backfill(sources, data, START, last)


def _timed(way: Callable[[Path, Path, date], list], sources: Path, data: Path, last: date) -> dict:
    shutil.rmtree(data, ignore_errors=True)
    load = os.getloadavg()
    began = time.perf_counter()
    with PeakRss() as rss:
        nights = way(sources, data, last)
    stages: dict[str, float] = {}
    for night in nights:
        for name, seconds in night.seconds.items():
            stages[name] = round(stages.get(name, 0.0) + seconds, 2)
    return {"wall": round(time.perf_counter() - began, 1), "stages": stages, "load": load,
            "peak_rss_mib": round(rss.peak_mib), "published": _published(data)}  # fmt: skip


def _published(data: Path) -> dict[str, int]:
    """What the warehouse published: rows per table (ops.publish), as of which night."""
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT table_name, row_count, as_of_date FROM ops.publish").fetchall()
    return {"as_of": str(rows[0][2]), **{table: count for table, count, _ in sorted(rows)}}


def run(residents: int, days: int) -> dict:
    os.environ.setdefault("HEALTHARCHIVE_PSEUDONYM_KEY", "bench-only-key-not-a-secret-0123456789")
    sources = simulated_city(residents, days)
    work, last = WORK / f"backfill-{residents}x{days}", last_day(days)
    one_by_one = _timed(_one_by_one, sources, work / "one_by_one", last)
    bulk = _timed(_bulk, sources, work / "bulk", last)
    shutil.rmtree(work, ignore_errors=True)
    return {"residents": residents, "days": days, "one_by_one": one_by_one, "bulk": bulk,
            "ratio": round(one_by_one["wall"] / bulk["wall"], 2)}  # fmt: skip


def render(result: dict, command: str) -> str:
    a, b = result["one_by_one"], result["bulk"]
    same = "the same" if a["published"] == b["published"] else "**DIFFERENT**"
    rows = [f"| {name} | {a['stages'].get(name, 0)} | {b['stages'].get(name, 0)} |"
            for name in a["stages"]]  # fmt: skip
    load = {k: ", ".join(f"{v:.1f}" for v in r["load"]) for k, r in (("a", a), ("b", b))}
    return "\n".join([
        "# Backfill benchmark: a range in bulk against the nights one by one (issue 14)",
        "",
        f"Command: `{command}`. City: {result['residents']:,} residents × {result['days']} "
        f"nights from {START} (seed 7), run twice in one process into fresh data folders: "
        "first night by night (`run_date`), then as one range (`backfill`).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        f"Shared with other engineers' work: load average {load['a']} when the nights one by "
        f"one started, {load['b']} when the range started (1, 5, 15 min). Wall clock.",
        "",
        f"- nights one by one: **{a['wall']} s** (peak RSS {a['peak_rss_mib']} MiB)",
        f"- range in bulk: **{b['wall']} s** (peak RSS {b['peak_rss_mib']} MiB)",
        f"- ratio, one by one / bulk: **{result['ratio']}×**",
        f"- published tables' row counts (ops.publish): {same}",
        "",
        "Seconds per stage, summed over the nights:",
        "",
        "| stage | one by one | bulk |",
        "|---|---|---|",
        *rows,
        "",
    ])  # fmt: skip


def main(argv: list[str]) -> int:
    residents, days = (int(argv[0]), int(argv[1])) if argv else (RESIDENTS, DAYS)
    print(f"backfill: {residents:,} residents × {days} nights, one by one then in bulk …")
    result = run(residents, days)
    print(f"  one by one {result['one_by_one']['wall']} s, bulk {result['bulk']['wall']} s, "
          f"ratio {result['ratio']}", flush=True)  # fmt: skip
    command = "python -m bench backfill"
    if argv:
        command = f"python bench/backfill.py {shlex.join(argv)}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "backfill.md").write_text(render(result, command), encoding="utf-8")
    print(f"wrote {RESULTS / 'backfill.md'}")
    same = result["one_by_one"]["published"] == result["bulk"]["published"]
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
