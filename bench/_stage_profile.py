"""What dominates inside one stage: the stage run again for a night under cProfile.

Run after the measured nights (cProfile slows pure Python several-fold, so these seconds are
not the stage's time): a stage reruns its night idempotently. The figures kept are the
project's own functions by cumulative time (which step of the stage) and all functions by own
time (where the seconds are spent: a DuckDB ``execute``, a pyarrow conversion, Python code).
"""

from __future__ import annotations

import cProfile
import pstats
from datetime import date
from pathlib import Path
from typing import Any

PROJECT = ("pipelines", "matching", "quality", "kernel", "schemas", "warehouse", "simulator")
TOP = 12


def profile_stage(stage: str, sources: Path, data: Path, day: date) -> dict[str, Any]:
    """Rerun ``stage`` of night ``day`` under cProfile; its top functions, two ways."""
    from pipelines.run import run_stage

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        run_stage(stage, sources, data, day)
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler)
    rows = [_row(key, value) for key, value in stats.stats.items()]  # type: ignore[attr-defined]
    project = [r for r in rows if is_project(r["file"])]
    return {
        "profiled_s": round(max((r["cum_s"] for r in rows), default=0.0), 2),
        "project_by_cumulative": _top(project, "cum_s"),
        "all_by_own_time": _top(rows, "own_s"),
    }


def _row(key: tuple[str, int, str], value: tuple) -> dict[str, Any]:
    file, line, name = key
    _, calls, own, cumulative, _ = value
    return {"file": file, "function": f"{_short(file)}:{line}({name})", "calls": calls,
            "own_s": round(own, 3), "cum_s": round(cumulative, 3)}  # fmt: skip


def _top(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    ranked = sorted(rows, key=lambda r: r[key], reverse=True)[:TOP]
    return [{k: v for k, v in r.items() if k != "file"} for r in ranked]


def is_project(file: str) -> bool:
    """Whether a profiled function is this repository's code, not a library's."""
    parts = Path(file).parts
    return "site-packages" not in parts and any(p in PROJECT for p in parts)


def _short(file: str) -> str:
    """A path from its package on (``site-packages/duckdb/x.py`` → ``duckdb/x.py``)."""
    parts = Path(file).parts
    for i, part in enumerate(parts):
        if part == "site-packages" or part in PROJECT:
            return "/".join(parts[i + 1 :] if part == "site-packages" else parts[i:])
    return file


def publish_report(data: Path, day: date) -> dict[str, Any]:
    """What night ``day``'s publish recorded of itself (``reports/publish/<D>.json``): its
    mode, its seconds against dbt's, the seconds per node kind, the slowest nodes. Read before
    any rerun, which would overwrite it with a full build of the same date."""
    import json

    path = data / "reports" / "publish" / f"{day.isoformat()}.json"
    if not path.exists():
        return {}
    report = json.loads(path.read_text(encoding="utf-8"))
    nodes = report.get("nodes", [])
    by_kind: dict[str, float] = {}
    for node in nodes:
        by_kind[node["kind"]] = round(by_kind.get(node["kind"], 0.0) + node["seconds"], 2)
    slowest = sorted(nodes, key=lambda n: n["seconds"], reverse=True)[:6]
    return {"mode": report.get("mode"), "seconds": report.get("seconds"),
            "dbt_seconds": report.get("dbt_seconds"), "nodes": len(nodes),
            "node_seconds_by_kind": by_kind,
            "slowest_nodes": [{"name": n["name"], "kind": n["kind"], "seconds": n["seconds"]}
                              for n in slowest]}  # fmt: skip


def link_report(night: Any) -> dict[str, Any]:
    """The link stage's own account of a night (``run_date``'s result): seconds, of which
    scoring, and the candidate pairs per blocking rule."""
    link = night.results.get("link")
    if link is None:
        return {}
    return {"seconds": link.seconds, "scoring_seconds": link.scoring_seconds,
            "new_mentions": link.new_mentions, "mentions": link.mentions,
            "candidate_pairs": dict(link.candidate_pairs), "scored_pairs": link.scored_pairs,
            "index_candidates": link.index_candidates}  # fmt: skip
