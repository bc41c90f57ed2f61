"""Publish time before and after a change: two checkouts, the same city, whole processes in turn.

``python -m bench._publish_pair BEFORE [--runs N]`` (from the checkout "after"; BEFORE is another
checkout of the repository with its own ``make env``). Both publish the last night of the bench
city (``bench._city.processed_city``, 100,000 residents × 30 days) into scratch data folders
whose lake, MPI and quality folders link to the city's. Every publish is a new process (imports
included, as an Airflow task or a nightly run would start it), timed from outside; "before"
and each "after" case run in turn, B A B A …, and every "after" run is divided by the "before"
run next to it, so a machine whose speed drifts (a shared one) still gives a fair ratio. The
median of each is quoted. "After" cases:

- ``full``: a rerun of the night (a full build), the parsed dbt project kept from the run before;
- ``full, cold``: the same without the kept project (the first night after a deploy);
- ``incremental``: on top of the warehouse of the night before (built by "after" beforehand),
  the nightly case.

Rewrites the section ``SECTION`` of ``bench/results/publish.md``. ``bench.publish`` rewrites the
rest of that file and keeps everything from ``SECTION`` on (``kept_tail``), so notes written by
hand below this section survive both.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bench._city import last_day, processed_city
from bench._machine import RESULTS, commit, machine

RESIDENTS, DAYS = 100_000, 30
SECTION = "## Before and after a change"
HERE = Path(__file__).resolve().parents[1]
KEY = "bench-only-key-not-a-secret-0123456789"
# one publish, run by a checkout's own interpreter from that checkout
PUBLISH = (
    "import sys; from datetime import date; from pathlib import Path; "
    "from pipelines.publish import publish; "
    "publish(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]))"
)


def scratch(city_data: Path, folder: Path) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    for name in ("lake", "mpi", "quality"):
        (data / name).symlink_to((city_data / name).resolve(), target_is_directory=True)
    return data


def publish_seconds(checkout: Path, data: Path, day) -> tuple[float, float]:
    """(wall, CPU) seconds of one publish as a new process of ``checkout``. CPU seconds (user +
    system, the kernel's accounting of the finished child) move less than wall seconds when
    other work shares the machine."""
    python = checkout / ".venv" / "bin" / "python"
    env = {**os.environ, "HEALTHARCHIVE_PSEUDONYM_KEY": KEY}
    cpu_before, began = _children_cpu(), time.perf_counter()
    subprocess.run(
        [str(python), "-c", PUBLISH, str(data), day.isoformat()],
        cwd=checkout, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - began, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


Pair = tuple[tuple[float, float], tuple[float, float]]  # (after, before), each (wall, CPU)


def measure(before: Path, runs: int, tmp: Path) -> dict[str, list[Pair]]:
    """Case → [((after wall, CPU), (before wall, CPU) of the same pair)]."""
    _, city_data = processed_city(RESIDENTS, DAYS)
    day = last_day(DAYS)
    old, new = scratch(city_data, tmp / "before"), scratch(city_data, tmp / "after")
    night_before = tmp / "night-before"
    publish_seconds(HERE, new, day - timedelta(days=1))  # the warehouse incremental builds on
    night_before.mkdir()
    for name in ("warehouse.duckdb", "analytics.duckdb"):
        shutil.copy2(new / name, night_before / name)

    def restore_night_before() -> None:
        for name in ("warehouse.duckdb", "analytics.duckdb"):
            shutil.copy2(night_before / name, new / name)

    def forget_the_project() -> None:
        shutil.rmtree(new / ".dbt", ignore_errors=True)

    cases: dict[str, Callable[[], None]] = {
        "full": lambda: None,
        "full, cold": forget_the_project,
        "incremental": restore_night_before,
    }
    publish_seconds(before, old, day)  # warm-up: file caches, the "after" project kept
    publish_seconds(HERE, new, day)
    pairs: dict[str, list[Pair]] = {case: [] for case in cases}
    for _ in range(runs):
        for case, prepare in cases.items():
            baseline = publish_seconds(before, old, day)
            prepare()
            after = publish_seconds(HERE, new, day)
            pairs[case].append((after, baseline))
            print(f"  {case}: wall, CPU s {after} vs {baseline}", flush=True)
    return pairs


def render(pairs: dict[str, list[Pair]], before: Path, runs: int, head: str) -> str:
    lines = [
        SECTION,
        "",
        f"`python -m bench._publish_pair {before.name} --runs {runs}`: after = this checkout "
        f"({head}), before = {before.name} ({commit(before)}). The {RESIDENTS:,}-resident × "
        f"{DAYS}-day city's last night; every publish a new process, before and after in turn, "
        "each after run divided by the before run beside it (medians, min–max in brackets). The "
        "machine is shared: the ratios are the figures to quote, CPU seconds (user + system) "
        "before wall seconds; the seconds themselves show the load as much as the code. "
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()) + ".",
        "",
        "| publish (after) | after CPU s | before CPU s | CPU after / before | "
        "after wall s | before wall s | wall after / before |",
        "|---|---|---|---|---|---|---|",
    ]
    for case, runs_ in pairs.items():
        cells = []
        for i in (1, 0):  # CPU, then wall
            ratios = [a[i] / b[i] for a, b in runs_]
            cells += [
                f"{statistics.median(a[i] for a, _ in runs_):.1f}",
                f"{statistics.median(b[i] for _, b in runs_):.1f}",
                f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})",
            ]
        lines.append(f"| {case} | {' | '.join(cells)} |")
    return "\n".join([*lines, ""])


def section_of(text: str) -> str | None:
    """The SECTION of a results file (to the next heading of its level), or None."""
    start = text.find(SECTION)
    if start < 0:
        return None
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end + 1] if end >= 0 else text[start:]


def kept_tail(text: str) -> str:
    """Everything from SECTION to the end of a results file ("" when it has none)."""
    start = text.find(SECTION)
    return text[start:] if start >= 0 else ""


def replace_section(text: str, section: str) -> str:
    """``text`` with its SECTION replaced by ``section``, or ``section`` added at the end."""
    old = section_of(text)
    if old is None:
        return text.rstrip("\n") + "\n\n" + section
    gap = "" if text.endswith(old) else "\n"  # a blank line before the heading that follows
    return text.replace(old, section.rstrip("\n") + "\n" + gap)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._publish_pair")
    parser.add_argument("before", type=Path, help="another checkout, with its own .venv")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    head = commit(HERE)
    with tempfile.TemporaryDirectory(prefix="bench-publish-pair-") as tmp:
        pairs = measure(args.before.resolve(), args.runs, Path(tmp))
    results = RESULTS / "publish.md"
    old = results.read_text(encoding="utf-8") if results.exists() else "# Publish benchmark\n"
    section = render(pairs, args.before.resolve(), args.runs, head)
    results.write_text(replace_section(old, section), encoding="utf-8")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
