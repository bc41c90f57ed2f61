"""The scale tiers of ``python -m bench scale`` and the results file they share.

A tier is a city size and a history length. ``bench/results/scale.json`` is a list of tiers,
one entry per tier name, each run replacing its own entry and keeping the others, so tiers run
on different days (the 1M × 365 one takes hours) end up in one table and one plot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Tier:
    name: str
    residents: int
    days: int  # nights of history in the full build; the nightly increment is one more
    on_demand: bool = False  # too long for ``make bench``: run with ``--tier NAME``


TIERS: dict[str, Tier] = {
    t.name: t
    for t in (
        Tier("10k", 10_000, 30),
        Tier("100k", 100_000, 90),
        Tier("1m", 1_000_000, 365, on_demand=True),
        # a year of history on a city small enough to build in about an hour: what a night
        # (the incremental publish above all) costs once a year of nights is behind it
        Tier("10k-year", 10_000, 365, on_demand=True),
    )
}

# What every entry of scale.json carries (issue 14), and what each stage's figures carry.
REQUIRED = ("tier", "residents", "days", "full_build_s", "floor_s", "nightly_s", "peak_rss_mib",
            "stages", "nightly_stages")  # fmt: skip
STAGE_FIELDS = ("wall_s", "cpu_s", "peak_rss_mib", "x_floor", "rows_per_s")


def parse_tier(text: str) -> Tier:
    """A tier by name, case and a trailing "residents" spelling forgiven (``10K``, ``1M``)."""
    key = text.strip().lower().replace("_", "").replace(",", "")
    key = {"10000": "10k", "100000": "100k", "1000000": "1m"}.get(key, key)
    if key not in TIERS:
        raise ValueError(f"unknown tier {text!r}; known: {', '.join(TIERS)}")
    return TIERS[key]


def default_tiers() -> list[Tier]:
    """The tiers ``make bench`` runs: those that finish in minutes."""
    return [t for t in TIERS.values() if not t.on_demand]


def check_entry(entry: dict[str, Any]) -> None:
    """Raise ValueError when a scale.json entry lacks a required figure."""
    missing = [k for k in REQUIRED if k not in entry]
    for where in ("stages", "nightly_stages"):
        for stage, figures in entry.get(where, {}).items():
            missing += [f"{where}.{stage}.{k}" for k in STAGE_FIELDS if k not in figures]
    if missing:
        raise ValueError(f"scale.json entry {entry.get('tier')!r} lacks {', '.join(missing)}")


def load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of tiers")
    return entries


def merge(entries: list[dict[str, Any]], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """``entries`` with ``entry`` in place of its tier's earlier one, ordered by residents."""
    check_entry(entry)
    kept = [e for e in entries if e.get("tier") != entry["tier"]]
    return sorted([*kept, entry], key=lambda e: (e["residents"], e["days"]))


def save(path: Path, entries: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
