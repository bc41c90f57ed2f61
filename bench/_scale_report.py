"""``scale.md`` and ``scale.png`` from the tiers in ``scale.json`` (``bench/scale.py``).

The hand-written reading of a run (what dominated, what to try) lives in
``bench/results/scale_notes.md`` and is copied in, so regenerating the table keeps it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench._machine import RESULTS

NOTES = RESULTS / "scale_notes.md"
# Issue 14's targets: the largest tier's build within 6× the floor, its nightly increment
# within 60 s, and every tier under 8 GiB.
BUILD_X_FLOOR, NIGHTLY_S, PEAK_MIB = 6.0, 60.0, 8 * 1024
THREADS = "; cProfile sees this thread only, so dbt's threads show as waiting on a lock"
WRAPPERS = "pipelines/run.py"  # run_stage and its lock: the whole stage, said once already


def render_markdown(entries: list[dict[str, Any]]) -> str:
    lines = [
        "# Scale tiers: full build, then one nightly increment",
        "",
        "`make bench` (`python -m bench scale`) runs the tiers that finish in minutes, 10k × 30 "
        "and 100k × 90; the 1M × 365 tier takes hours and is run on demand: "
        "`python -m bench scale --tier 1m`, as is 10k × 365 (`--tier 10k-year`, about an hour: "
        "a night on top of a year of history). `--days N` runs a tier on a shorter history, "
        "marked *reduced* below. Each tier replaces its own entry in `scale.json`.",
        "",
        "The floor: every delivered row of the range read once (front-end SQLite through "
        "`sqlite3`, file drops with DuckDB's readers) and written once as Parquet, measured in "
        "the same run; each stage is a multiple of it (wall time; CPU multiples in the JSON). "
        "Rows per second: delivered rows over the stage's wall time.",
        "",
        *_summary(entries),
        "",
    ]
    for entry in entries:
        lines += _tier_section(entry)
    if NOTES.exists():
        lines += ["## Reading", "", NOTES.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines)


def _summary(entries: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| tier | residents × nights | delivered rows | floor s | full build s | × floor | "
        "nightly s | × its floor | peak RSS MiB | candidate pairs (scored) | precision | recall | "
        "F1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        link = e["linkage"]["after_nightly"]
        lines.append(
            f"| {e['tier']} | {_size(e)} | {e['delivered_rows']:,} | {e['floor_s']} | "
            f"{e['full_build_s']} | {e['full_build_x_floor']} | {e['nightly_s']} | "
            f"{e['nightly_x_floor']} | {e['peak_rss_mib']:,} | {e['candidate_pairs']:,} "
            f"({e['scored_pairs']:,}) | "
            f"{_fig(link['precision'])} | {_fig(link['recall'])} | {_fig(link['f1'])} |"
        )
    return [*lines, "", *targets(entries)]


def targets(entries: list[dict[str, Any]]) -> list[str]:
    """The issue's targets, each said met or not for the tiers it applies to."""
    out = [f"- Peak memory under 8 GiB: {'met' if e['peak_rss_mib'] < PEAK_MIB else 'NOT met'} "
           f"at {e['tier']} ({e['peak_rss_mib']:,} MiB)." for e in entries]  # fmt: skip
    largest = [e for e in entries if e["tier"] == "1m" and not e["reduced"]]
    if not largest:
        return [*out, "- 1M × 365 within 6× the floor, nightly within 60 s: not measured yet "
                      "(`python -m bench scale --tier 1m`)."]  # fmt: skip
    e = largest[0]
    return [
        *out,
        f"- 1M × 365 full build within 6× the floor: {e['full_build_x_floor']}× "
        f"({'met' if e['full_build_x_floor'] <= BUILD_X_FLOOR else 'NOT met'}).",
        f"- Nightly increment within 60 s: {e['nightly_s']} s "
        f"({'met' if e['nightly_s'] <= NIGHTLY_S else 'NOT met'}).",
    ]


def _tier_section(e: dict[str, Any]) -> list[str]:
    sim = e["simulate"]
    lines = [
        f"## {e['tier']}: {_size(e)}",
        "",
        f"Command: `{e['command']}`, measured {e['measured_at']}. Machine: "
        + ", ".join(f"{k} {v}" for k, v in e["machine"].items())
        + ". Shared with other engineers' jobs"
        + _load(e.get("load_average"))
        + ": wall seconds are upper bounds, CPU seconds the steadier figure.",
        "",
        f"Simulated {e['residents']:,} residents × {sim['days']} days"
        + (" (cached from an earlier run)" if sim.get("cached") else "")
        + f": wall {sim['wall_s']} s, peak {sim['peak_rss_mib']:,} MiB; sources "
        f"{e['sources_mib']:,} MiB, data after the increment {e['data_mib']:,} MiB. Floor of the "
        f"history: {e['delivered_rows']:,} rows, {e['floor']['files']:,} files and tables, "
        f"{e['floor_s']} s; of the increment's night: {e['increment_rows']:,} rows, "
        f"{e['increment_floor']['wall_s']} s.",
        "",
        "| stage | build wall s | build CPU s | share | × floor | rows/s | peak MiB | "
        "nightly wall s | nightly × floor | nightly peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in e["stages"].items():
        n = e["nightly_stages"].get(name, {})
        share = s["wall_s"] / e["full_build_s"] if e["full_build_s"] else 0.0
        lines.append(
            f"| {name} | {s['wall_s']} | {s['cpu_s']} | {share:.0%} | {s['x_floor']} | "
            f"{s['rows_per_s']:,} | {s['peak_rss_mib']:,} | {n.get('wall_s', '')} | "
            f"{n.get('x_floor', '')} | {n.get('peak_rss_mib', '')} |"
        )
    lines += [
        f"| **all** | {e['full_build_s']} | {e['full_build_cpu_s']} | 100% | "
        f"{e['full_build_x_floor']} | | {e['peak_rss_mib']:,} | {e['nightly_s']} | "
        f"{e['nightly_x_floor']} | |",
        "",
        f"Nights' wall seconds, first → last: {_nights(e['night_wall_s'])}.",
        "",
        *_profile_lines(e["profile"]),
        "",
    ]
    return lines


def _profile_lines(profile: dict[str, Any]) -> list[str]:
    lines = [*_publish_lines(profile["reports"].get("publish", {})),
             *_link_lines(profile["reports"].get("link", {}))]  # fmt: skip
    for stage, p in profile["stages"].items():
        steps = [r for r in p["project_by_cumulative"] if not r["function"].startswith(WRAPPERS)]
        top = "; ".join(f"`{r['function']}` {r['cum_s']} s" for r in steps[:8])
        own = "; ".join(f"`{r['function']}` {r['own_s']} s" for r in p["all_by_own_time"][:5])
        lines += [
            f"Inside `{stage}` (rerun for {profile['night']} under cProfile, {p['profiled_s']} s "
            f"profiled{THREADS if stage == 'publish' else ''}): project functions by "
            f"cumulative time: {top}. By own time: {own}.",
            "",
        ]
    return lines


def _publish_lines(p: dict[str, Any]) -> list[str]:
    if not p:
        return []
    kinds = ", ".join(f"{k} {v} s" for k, v in p["node_seconds_by_kind"].items())
    slow = ", ".join(f"`{n['name']}` {n['seconds']} s" for n in p["slowest_nodes"])
    return [
        f"The increment's publish ({p['mode']}) by its own report: {p['seconds']} s, of which "
        f"dbt's run {p['dbt_seconds']} s over {p['nodes']} nodes (summed node seconds: {kinds}); "
        f"slowest nodes: {slow}.",
        "",
    ]


def _link_lines(k: dict[str, Any]) -> list[str]:
    if not k:
        return []
    return [
        f"The increment's link by its own account: {k['seconds']} s, of which scoring "
        f"{k['scoring_seconds']} s; {k['new_mentions']:,} new mentions against "
        f"{k['mentions']:,}, {k['scored_pairs']:,} pairs scored.",
        "",
    ]


def _load(load: dict[str, list[float]] | None) -> str:
    if not load:
        return ""
    return (f" (load average over 1, 5, 15 min on these 2 cores: {load['start']} at the start, "
            f"{load['end']} at the end)")  # fmt: skip


def _nights(walls: list[float]) -> str:
    if len(walls) <= 8:
        return ", ".join(str(w) for w in walls)
    return ", ".join(str(w) for w in walls[:4]) + " … " + ", ".join(str(w) for w in walls[-4:])


def _size(e: dict[str, Any]) -> str:
    reduced = f" (reduced from {e['tier_days']})" if e["reduced"] else ""
    # entries measured before the build became the bulk backfill built night by night
    by = e.get("full_build_by", "night by night")
    return f"{e['residents']:,} × {e['days']}{reduced} + 1 (built {by})"


def _fig(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def render_plot(entries: list[dict[str, Any]], path: Path) -> None:
    """Seconds against residents, log-log: the totals (full build, its floor, the increment),
    and per night of history, which compares tiers run over different numbers of nights."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    residents = [e["residents"] for e in entries]
    fig, (total, per_night) = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, per in ((total, False), (per_night, True)):
        for key, label in (("full_build_s", "full build"), ("floor_s", "I/O floor of the build"),
                           ("nightly_s", "nightly increment")):  # fmt: skip
            ys = [e[key] / (e["days"] if per and key != "nightly_s" else 1) for e in entries]
            ax.plot(residents, ys, marker="o", label=label)
        ax.set(xscale="log", yscale="log", xlabel="residents", ylabel="wall seconds")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    for e in entries:
        total.annotate(f"{e['days']} nights", (e["residents"], e["full_build_s"]), fontsize=7,
                       textcoords="offset points", xytext=(4, 4))  # fmt: skip
    total.set_title("time against residents", fontsize=10)
    per_night.set_title("per night of history (build and floor ÷ nights)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
