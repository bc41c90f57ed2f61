"""Benchmark extract + standardise over every night of the 100,000-resident × 30-day city.

``python -m bench extract_standardise`` (or ``python bench/extract_standardise.py [RESIDENTS
DAYS]``) takes the cached sources of ``bench._city.simulated_city``, lands the reference data
once, then runs ``extract_date`` and ``standardise_date`` for each night into a temporary data
directory. The validate stage that runs between them in a real night is skipped: it is not
part of what is measured. A second pass reruns every night on the same data (unchanged files are
kept, not parsed again). Writes ``bench/results/extract_standardise.md``.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._city import START, simulated_city
from bench._machine import RESULTS, PeakRss, machine

SIZE = (100_000, 30)
# The first version of extract/standardise (commit 1d96ee4), measured once with the same loop
# over the same 100,000 × 30 city on this machine, equally shared: the figure to beat.
BASELINE = (
    "Before (first version, commit 1d96ee4, same loop and city, measured once on this shared"
    " machine): extract 194.2 s (1,767 rows/s), standardise 31.5 s, both 225.7 s (1,520 rows/s),"
    " max RSS 286 MiB."
)


def _nights(sources: Path, data: Path, days: int) -> dict:
    """Extract then standardise each night in order; seconds and rows per stage."""
    from pipelines.extract import extract_date
    from pipelines.standardise import standardise_date

    totals = dict.fromkeys(("delivered", "accepted", "quarantined", "deliveries", "kept"), 0)
    totals |= {"std_rows": 0, "extract_s": 0.0, "standardise_s": 0.0, "slowest_night_s": 0.0}
    for n in range(days):
        night = START + timedelta(days=n)
        began = time.perf_counter()
        summary = extract_date(sources, data, night)
        middle = time.perf_counter()
        std = standardise_date(data, night)
        ended = time.perf_counter()
        totals["extract_s"] += middle - began
        totals["standardise_s"] += ended - middle
        totals["slowest_night_s"] = max(totals["slowest_night_s"], ended - began)
        totals["delivered"] += summary.rows_delivered
        totals["accepted"] += summary.rows_accepted
        totals["quarantined"] += summary.rows_quarantined
        totals["deliveries"] += summary.deliveries
        totals["kept"] += summary.kept
        totals["std_rows"] += sum(std.rows.values())
    return totals


def run(residents: int, days: int) -> dict:
    from pipelines.extract.reference import load_reference

    sources = simulated_city(residents, days)  # cached under bench/work/, built once
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp, PeakRss() as rss:
        data = Path(tmp) / "data"
        load_reference(sources, data)
        first = _nights(sources, data, days)
        rerun = _nights(sources, data, days)
    return {"residents": residents, "days": days, "first": first, "rerun": rerun,
            "peak_rss_mib": round(rss.peak_mib)}  # fmt: skip


def _row(label: str, t: dict) -> str:
    both = t["extract_s"] + t["standardise_s"]
    cells = [
        label, f"{t['deliveries']:,}", f"{t['delivered']:,}", f"{t['quarantined']:,}",
        f"{t['kept']:,}", f"{t['extract_s']:.1f}", f"{t['delivered'] / t['extract_s']:,.0f}",
        f"{t['standardise_s']:.1f}", f"{t['accepted'] / t['standardise_s']:,.0f}",
        f"{both:.1f}", f"{t['delivered'] / both:,.0f}", f"{t['slowest_night_s']:.1f}",
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def render(result: dict, command: str) -> str:
    facts = machine()
    first = result["first"]
    return "\n".join([
        "# Extract + standardise benchmark",
        "",
        f"Command: `{command}` — {result['residents']:,} residents × {result['days']} nights of",
        f"`bench._city.simulated_city` (seed 7, from {START}), sources cached under bench/work/.",
        "Each night runs `extract_date` then `standardise_date` into a temporary data directory;",
        "the validate stage that sits between them in a real night is **skipped** (not measured).",
        "The rerun pass runs every night again on the same data: unchanged files are kept from",
        "the first pass, front-end tables are queried and landed again.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()) + ". The machine was",
        "shared with four other engineers' work at the time: figures are indicative, not best.",
        "",
        "| pass | deliveries | rows delivered | quarantined | files kept | extract s |"
        " extract rows/s | standardise s | standardise rows/s | both s | both rows/s |"
        " slowest night s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        _row("first run", first),
        _row("rerun", result["rerun"]),
        "",
        f"Peak resident memory of the whole benchmark process: **{result['peak_rss_mib']} MiB**.",
        "",
        BASELINE,
        "",
        f"Standardised rows written (person mentions + event tables): {first['std_rows']:,}.",
        "rows/s: rows delivered per second of extract; raw rows accepted per second of",
        "standardise; rows delivered per second of both.",
        "",
    ])  # fmt: skip


def main(argv: list[str]) -> int:
    residents, days = (int(argv[0]), int(argv[1])) if len(argv) == 2 else SIZE
    print(f"extract + standardise over {residents:,} residents × {days} nights …", flush=True)
    result = run(residents, days)
    first = result["first"]
    both = first["extract_s"] + first["standardise_s"]
    rate = first["delivered"] / both
    print(f"  {first['delivered']:,} rows in {both:.1f} s ({rate:,.0f} rows/s), "
          f"peak {result['peak_rss_mib']} MiB", flush=True)  # fmt: skip
    command = (
        "python -m bench extract_standardise"
        if not argv
        else f"python bench/extract_standardise.py {shlex.join(argv)}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "extract_standardise.md").write_text(render(result, command), encoding="utf-8")
    print(f"wrote {RESULTS / 'extract_standardise.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
