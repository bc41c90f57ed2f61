"""Scale tiers (issue 14): a city's whole history built, then one nightly increment on top.

``python -m bench scale`` runs the tiers that finish in minutes (``bench._tiers``: 10k × 30
and 100k × 90), each in its own process so that peak memory is per tier;
``python bench/scale.py --tier 1m`` runs one tier (1,000,000 residents × 365 days takes hours:
run it on demand), ``--days N`` a shorter history than the tier's (recorded as reduced).

Per tier: the city is simulated (``healtharchive simulate``, days + 1, cached under
bench/work/), the I/O floor measured (``bench._floor``: every delivered row read once and
written once as Parquet) for the history and for the increment's night, the full build run
(``full_build``: the bulk backfill of ``--through``), the increment run (one night,
``run_date``), and each stage's wall and CPU seconds, peak memory, rows
per second and multiple of the floor recorded, with the candidate pairs and the linkage figures
against the simulator's truth. The heaviest stage of the increment and of the full build are
then run once more for the increment's night under cProfile (not timed) to say what dominates
inside them. Results: ``bench/results/scale.json``
(a list of tiers), ``scale.md``, ``scale.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _tiers
from bench._city import START
from bench._floor import Floor, io_floor
from bench._machine import RESULTS, machine
from bench._meter import Measured, StageTable, meter
from bench._scale_report import render_markdown, render_plot
from bench._stage_profile import link_report, profile_stage, publish_report

WORK = Path(__file__).parent / "work"
SEED = 7
KEY = "bench-only-key-not-a-secret-0123456789"
RESULTS_JSON = RESULTS / "scale.json"


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    if args.tier is None:
        for tier in _tiers.default_tiers():
            print(f"scale tier {tier.name} ({tier.residents:,} × {tier.days}) …", flush=True)
            subprocess.run([sys.executable, __file__, "--tier", tier.name], check=True)
        return 0
    tier = _tiers.parse_tier(args.tier)
    command = f"python -m bench scale --tier {tier.name}"
    command += f" --days {args.days}" if args.days else ""
    entry = run_tier(tier, args.days or tier.days, command)
    entries = _tiers.merge(_tiers.load(RESULTS_JSON), entry)
    _tiers.save(RESULTS_JSON, entries)
    (RESULTS / "scale.md").write_text(render_markdown(entries), encoding="utf-8")
    render_plot(entries, RESULTS / "scale.png")
    print(f"wrote {RESULTS_JSON}, scale.md, scale.png", flush=True)
    return 0


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__)
    parser.add_argument("--tier", help=f"one tier: {', '.join(_tiers.TIERS)}")
    parser.add_argument("--days", type=int, help="a shorter history than the tier's (reduced)")
    args = parser.parse_args(argv)
    if args.days is not None and (args.tier is None or args.days < 1):
        parser.error("--days needs --tier and a positive number")
    if args.tier is not None:
        try:
            _tiers.parse_tier(args.tier)
        except ValueError as unknown:
            parser.error(str(unknown))
    return args


def run_tier(tier: _tiers.Tier, days: int, command: str) -> dict[str, Any]:
    os.environ.setdefault("HEALTHARCHIVE_PSEUDONYM_KEY", KEY)
    load_at_start = os.getloadavg()
    root = WORK / f"scale-{tier.residents}x{days + 1}-s{SEED}"
    sources, simulated = simulated_city(root, tier.residents, days + 1)
    last, increment = START + timedelta(days=days - 1), START + timedelta(days=days)
    floor, night_floor = io_floor(sources, START, last), io_floor(sources, increment, increment)
    data = root / "data"
    shutil.rmtree(data, ignore_errors=True)
    build, nightly = StageTable(), StageTable()
    print(f"  full build: {days} nights", flush=True)
    nights = full_build(sources, data, START, last, build)
    linkage_build = _linkage(sources, data)
    print(f"  nightly increment: {increment}", flush=True)
    increment_night = run_night(sources, data, increment, nightly, night=days + 1)
    linkage_after = _linkage(sources, data)
    reports = {"publish": publish_report(data, increment), "link": link_report(increment_night)}
    inside = {stage: profile_stage(stage, sources, data, increment)
              for stage in dict.fromkeys([*heaviest(nightly, 2), *heaviest(build, 1)])}  # fmt: skip
    peak = max(build.total().peak_rss_mib, nightly.total().peak_rss_mib,
               floor.measured.peak_rss_mib, night_floor.measured.peak_rss_mib)  # fmt: skip
    return {
        **_identity(tier, days, command), "simulate": simulated,
        "delivered_rows": floor.rows, "increment_rows": night_floor.rows,
        "floor_s": round(floor.measured.wall_s, 2), "floor": floor.as_dict(),
        "increment_floor": night_floor.as_dict(),
        **_totals("full_build", build, floor), **_totals("nightly", nightly, night_floor),
        "peak_rss_mib": round(peak), "stages": stage_figures(build, floor),
        "nightly_stages": stage_figures(nightly, night_floor),
        "candidate_pairs": sum(candidate_pairs(n) for n in nights),
        "scored_pairs": sum(scored_pairs(n) for n in nights),
        "nightly_candidate_pairs": candidate_pairs(increment_night),
        "nightly_scored_pairs": scored_pairs(increment_night),
        "night_wall_s": night_walls(build),
        "linkage": {"full_build": linkage_build, "after_nightly": linkage_after},
        "data_mib": _mib(data), "sources_mib": _mib(sources),
        "profile": {"night": increment.isoformat(), "reports": reports, "stages": inside},
        "load_average": {"start": [round(x, 1) for x in load_at_start],
                         "end": [round(x, 1) for x in os.getloadavg()]},
    }  # fmt: skip


def _identity(tier: _tiers.Tier, days: int, command: str) -> dict[str, Any]:
    return {"tier": tier.name, "residents": tier.residents, "days": days,
            "full_build_by": "in bulk (--through)",
            "tier_days": tier.days, "reduced": days < tier.days, "seed": SEED,
            "command": command, "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": machine()}  # fmt: skip


# --- the build: the bulk backfill of a history, then one night as the scheduler runs it ---


def full_build(sources: Path, data: Path, first: date, last: date, table: StageTable) -> list:
    """Every night ``first``..``last`` into ``data`` as ``healtharchive run --date FIRST
    --through LAST`` builds a history: the bulk backfill (``pipelines.run.backfill``: each
    stage over every night before the next, publish once). Each stage of each night is
    measured into ``table`` (label ``night``: its number in the range)."""
    from pipelines.run import backfill, days_between

    number = {day: n for n, day in enumerate(days_between(first, last), start=1)}

    def measure(day: date, stage: str) -> None:
        if number[day] == 1 or day == last:
            print(f"    {stage}: night {number[day]} {day}", flush=True)
        table.switch(stage, night=number[day])

    try:
        return backfill(sources, data, first, last, on_stage=measure)
    finally:
        table.close()


def run_night(sources: Path, data: Path, day: date, table: StageTable, **labels: Any) -> Any:
    """One night through ``run_date`` (the CLI's path), each stage measured from its
    ``on_stage`` call to the next."""
    from pipelines.run import run_date

    try:
        return run_date(sources, data, day, on_stage=lambda name: table.switch(name, **labels))
    finally:
        table.close()


# --- the figures -----------------------------------------------------------------------


def stage_figures(table: StageTable, floor: Floor) -> dict[str, dict[str, float]]:
    """Each stage's totals, as a multiple of the floor and in delivered rows per second."""
    return {name: _figures(m, floor) for name, m in table.stages.items()}


def _figures(m: Measured, floor: Floor) -> dict[str, float]:
    return {
        **m.as_dict(),
        "x_floor": round(m.wall_s / floor.measured.wall_s, 2) if floor.measured.wall_s else 0.0,
        "x_floor_cpu": round(m.cpu_s / floor.measured.cpu_s, 2) if floor.measured.cpu_s else 0.0,
        "rows_per_s": round(floor.rows / m.wall_s) if m.wall_s else 0,
    }


def _totals(prefix: str, table: StageTable, floor: Floor) -> dict[str, float]:
    figures = _figures(table.total(), floor)
    return {f"{prefix}_s": figures["wall_s"], f"{prefix}_cpu_s": figures["cpu_s"],
            f"{prefix}_x_floor": figures["x_floor"],
            f"{prefix}_x_floor_cpu": figures["x_floor_cpu"]}  # fmt: skip


def candidate_pairs(night: Any) -> int:
    """The candidate pairs of a night's link stage (``run_date``'s result), summed over the
    blocking rules as the stage logs them: a pair two rules find counts twice (an upper bound)."""
    link = night.results.get("link")
    return int(sum(getattr(link, "candidate_pairs", {}).values()))


def scored_pairs(night: Any) -> int:
    """The distinct pairs a night's link stage scored."""
    return int(getattr(night.results.get("link"), "scored_pairs", 0))


def heaviest(table: StageTable, n: int) -> list[str]:
    """The ``n`` stages with the most wall time, heaviest first."""
    return sorted(table.stages, key=lambda s: table.stages[s].wall_s, reverse=True)[:n]


def night_walls(table: StageTable) -> list[float]:
    """Wall seconds of each night, in order: how a night's cost grows with the history."""
    walls: dict[int, float] = {}
    for call in table.calls:
        walls[call["night"]] = walls.get(call["night"], 0.0) + call["wall_s"]
    return [round(walls[n], 2) for n in sorted(walls)]


def _linkage(sources: Path, data: Path) -> dict[str, Any]:
    from matching import evaluate

    figures = evaluate(sources, data)
    keep = ("precision", "recall", "f1", "persons_split", "clusters_mixed")
    return {"crosswalk_date": figures["crosswalk_date"],
            "mentions_with_truth": figures["mentions_with_truth"],
            **{k: figures["overall"].get(k) for k in keep},
            "id_only_baseline": {k: figures["id_only_baseline"].get(k) for k in keep}}  # fmt: skip


def _mib(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


# --- the city ----------------------------------------------------------------------------


def simulated_city(root: Path, residents: int, days: int) -> tuple[Path, dict[str, Any]]:
    """The sources of a city (simulated through the CLI on first use, then cached) and the
    figures of the run that simulated it."""
    sources, stamp = root / "sources", root / "simulate.json"
    if stamp.exists() and (sources / "truth" / "record_person.csv").exists():
        return sources, {**json.loads(stamp.read_text()), "cached": True}
    shutil.rmtree(sources, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    cli = Path(sys.executable).with_name("healtharchive")
    print(f"  simulating {residents:,} residents × {days} days", flush=True)
    command = [str(cli), "simulate", "--out", str(sources), "--residents", str(residents),
               "--days", str(days), "--seed", str(SEED), "--start", START.isoformat()]  # fmt: skip
    with meter() as m:
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"healtharchive simulate failed:\n{done.stderr[-3000:]}")
    figures = {"days": days, **m.as_dict()}
    stamp.write_text(json.dumps(figures) + "\n")
    return sources, {**figures, "cached": False}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
