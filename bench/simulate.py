"""Benchmark the city simulator: 100,000 residents × 30 days, and the demo size (3,000 × 14).

``python -m bench simulate`` (or ``python bench/simulate.py [RESIDENTS DAYS]``) simulates into a
temporary folder, measures wall time, peak memory and output, and writes
``bench/results/simulate.md``.
"""

from __future__ import annotations

import json
import shlex
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._machine import RESULTS, PeakRss, machine
from simulator import simulate_city

START, SEED = date(2026, 1, 1), 7
SIZES = [(3_000, 14), (100_000, 30)]  # small first: peak RSS is per process


def run(residents: int, days: int) -> dict:
    """One simulation in a temporary folder: its summary plus time, memory and disk figures."""
    with tempfile.TemporaryDirectory(prefix="bench-simulate-") as tmp, PeakRss() as rss:
        began = time.perf_counter()
        summary = simulate_city(Path(tmp) / "city", residents, START, days, SEED)
        wall = time.perf_counter() - began
        size = sum(p.stat().st_size for p in (Path(tmp) / "city").rglob("*") if p.is_file())
    return {
        "residents": residents, "days": days, "wall_seconds": round(wall, 1),
        "peak_rss_mib": round(rss.peak_mib), "disk_mib": round(size / 2**20, 1),
        "summary": asdict(summary),
    }  # fmt: skip


def render(results: list[dict], command: str) -> str:
    facts = machine()
    lines = [
        "# Simulator benchmark",
        "",
        f"Command: `{command}` (seed {SEED}, start {START}).",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()),
        "",
        "| residents × days | wall s | peak RSS MiB | files | disk MiB | person mentions |"
        " hospital rows | vaccination | mch | checkup |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s, rows = r["summary"], r["summary"]["rows"]
        cells = [
            f"{r['residents']:,} × {r['days']}", r["wall_seconds"], r["peak_rss_mib"],
            f"{s['files']:,}", r["disk_mib"], f"{s['person_mentions']:,}",
            *(f"{rows.get(k, 0):,}" for k in ("hospital", "vaccination", "mch", "checkup")),
        ]  # fmt: skip
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    per_dataset = {
        f"{r['residents']}x{r['days']}": r["summary"]["rows_by_dataset"] for r in results
    }
    lines += ["", "Rows per dataset (deliveries, corrections included):", "", "```json"]
    lines.append(json.dumps(per_dataset, indent=2, ensure_ascii=False))
    lines += ["```", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sizes = [(int(argv[0]), int(argv[1]))] if len(argv) == 2 else SIZES
    results = []
    for residents, days in sizes:
        print(f"simulating {residents:,} residents × {days} days …", flush=True)
        results.append(run(residents, days))
        r = results[-1]
        print(
            f"  {r['wall_seconds']} s, peak {r['peak_rss_mib']} MiB, {r['summary']['rows']}",
            flush=True,
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    command = (
        "python -m bench simulate" if not argv else f"python bench/simulate.py {shlex.join(argv)}"
    )
    (RESULTS / "simulate.md").write_text(render(results, command), encoding="utf-8")
    print(f"wrote {RESULTS / 'simulate.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
