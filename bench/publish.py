"""Benchmark the publish stage and ``archive show`` on the 100,000-resident × 30-day city.

``python -m bench publish`` (or ``python bench/publish.py``) takes the shared processed city
(``bench._city.processed_city``: every night already run), publishes its last night into a
scratch data folder whose lake, MPI and quality folders are links to the city's (so the shared
city is not touched), and times:

- ``publish(data, D)``: both warehouses, built and swapped in (target: under a minute);
- ``show_archive`` in this process for residents with the most, a median and the fewest
  events, by resident_id in each format and by a damaged ID number (target: under a second);
- the ``healtharchive archive show`` command as a new process (import time included);
- ``export_archives`` of every archive as JSON Lines and as FHIR NDJSON (validated).

Writes ``bench/results/publish.md``.
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from bench._city import last_day, processed_city
from bench._machine import RESULTS, PeakRss, machine
from bench._publish_pair import kept_tail
from pipelines.publish import publish
from pipelines.publish.archive import ArchiveFormat, export_archives, show_archive

RESIDENTS, DAYS = 100_000, 30
LINKED = ("lake", "mpi", "quality")  # read by publish; everything it writes stays in scratch
REPEATS = 3
HEALTHARCHIVE = Path(sys.executable).with_name("healtharchive")
TEXT = ArchiveFormat.TEXT


def scratch_data(city_data: Path, scratch: Path) -> Path:
    data = scratch / "data"
    data.mkdir(parents=True)
    for name in LINKED:
        (data / name).symlink_to((city_data / name).resolve(), target_is_directory=True)
    return data


def time_publish(data: Path) -> dict:
    day = last_day(DAYS)
    with PeakRss() as rss:
        began = time.perf_counter()
        summary = publish(data, day)
        wall = time.perf_counter() - began
    sizes = {f: (data / f).stat().st_size / 2**20 for f in ("warehouse.duckdb", "analytics.duckdb")}
    return {"day": day, "wall": wall, "rss": rss.peak_mib, "tables": summary.tables, "sizes": sizes}


def sample_residents(data: Path) -> dict[str, tuple[str, int, str | None]]:
    """Residents with the most, the median and the fewest timeline rows (and a valid ID)."""
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT r.resident_id, count(t.resident_id) AS n, "
            "CASE WHEN r.id_no_valid THEN r.id_no END "
            "FROM mpi.resident AS r LEFT JOIN archive.timeline AS t USING (resident_id) "
            "GROUP BY ALL ORDER BY n DESC, r.resident_id"
        ).fetchall()
    with_id = [r for r in rows if r[2]]
    return {"most events": rows[0], "median": rows[len(rows) // 2], "fewest": rows[-1],
            "most events, valid ID": with_id[0]}  # fmt: skip


def damaged(id_no: str) -> str:
    """A typical delivered form: full-width digits, spaces, lower-case x."""
    wide = id_no.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return f" {wide[:6]} {wide[6:14]} {wide[14:]} ".lower()


def time_calls(data: Path, samples: dict) -> list[tuple[str, str, float, float]]:
    """(case, format, median s, max s) of in-process show_archive calls."""
    results = []
    for case, (rid, events, id_no) in samples.items():
        for fmt in ArchiveFormat:
            timed = _timed(lambda r=rid, f=fmt: show_archive(data, r, None, f, "bench"))
            results.append((f"{case} ({events} events), by resident_id", fmt.value, *timed))
        if id_no:
            typed = damaged(id_no)
            timed = _timed(lambda n=typed: show_archive(data, None, n, TEXT, "bench"))
            results.append((f"{case} ({events} events), by damaged ID number", "text", *timed))
    return results


def time_commands(data: Path, samples: dict) -> list[tuple[str, float, float]]:
    """(command, median s, max s) of the CLI run as a new process each time."""
    rid, _, id_no = samples["most events, valid ID"]
    commands = [
        ["archive", "show", "--data", str(data), "--resident", rid, "--user", "bench"],
        ["archive", "show", "--data", str(data), "--resident", rid, "--format", "fhir",
         "--user", "bench"],
        ["archive", "show", "--data", str(data), "--id-no", id_no, "--user", "bench"],
        ["archive", "show", "--data", str(data), "--id-no", damaged(id_no), "--user", "bench"],
    ]  # fmt: skip
    results = []
    for args in commands:
        run = [str(HEALTHARCHIVE), *args]
        median, worst = _timed(lambda a=run: subprocess.run(a, check=True, capture_output=True))
        shown = shlex.join(["healtharchive", *args]).replace(str(data), "DATA")
        # the command line, without the (simulated) ID number it looked up
        shown = shown.replace(shlex.quote(damaged(id_no)), "'<damaged ID>'")
        results.append((shown.replace(id_no, "<ID number>"), median, worst))
    return results


def time_exports(data: Path) -> list[tuple[str, float, int, int, float]]:
    """(format, seconds, archives, lines, MiB) of one export of every archive per format."""
    results = []
    for fmt in ("jsonl", "fhir-ndjson"):
        out = data / f"export.{fmt}"
        summary = export_archives(data, out, fmt, "bench")
        size = out.stat().st_size / 2**20
        results.append((fmt, summary.seconds, summary.archives, summary.lines, size))
        out.unlink()
    return results


def _timed(call) -> tuple[float, float]:
    seconds = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), max(seconds)


def render(pub: dict, calls: list, commands: list, exports: list, command: str) -> str:
    facts = machine()
    lines = [
        "# Publish benchmark",
        "",
        f"Command: `{command}`. City: {RESIDENTS:,} residents × {DAYS} days "
        f"(`bench._city.processed_city`), published for its last night {pub['day']}.",
        "",
        "Machine: "
        + ", ".join(f"{k} {v}" for k, v in facts.items())
        + ". Shared with four other engineers while this ran: figures are upper bounds.",
        "",
        "## publish(data, D): warehouse.duckdb + analytics.duckdb, built and swapped in",
        "",
        f"- wall time: **{pub['wall']:.1f} s** (target: under 60 s)",
        f"- peak RSS: {pub['rss']:.0f} MiB",
        f"- files: warehouse.duckdb {pub['sizes']['warehouse.duckdb']:.1f} MiB, "
        f"analytics.duckdb {pub['sizes']['analytics.duckdb']:.1f} MiB",
        "",
        "| table | rows |",
        "|---|---|",
        *(f"| {t} | {n:,} |" for t, n in sorted(pub["tables"].items())),
        "",
        f"## archive show, in process (median and max of {REPEATS} calls; target under 1 s)",
        "",
        "| lookup | format | median s | max s |",
        "|---|---|---|---|",
        *(f"| {case} | {fmt} | {med:.3f} | {worst:.3f} |" for case, fmt, med, worst in calls),
        "",
        "The first lookup by a damaged ID number in a process also imports the standardisation",
        "code (`pipelines.standardise.ids`, whose package imports the whole standardise and",
        "extract stages: pandas, SQLAlchemy, pypinyin …); the medians hide it, the max shows it.",
        "An ID number already in standard form skips that import. The command-line figures",
        "below include every import.",
        "",
        f"## `healtharchive archive show` as a new process (median and max of {REPEATS})",
        "",
        "| command | median s | max s |",
        "|---|---|---|",
        *(f"| `{cmd}` | {med:.2f} | {worst:.2f} |" for cmd, med, worst in commands),
        "",
        "## archive export (every archive, once per format)",
        "",
        "| format | seconds | archives | lines | MiB |",
        "|---|---|---|---|---|",
        *(
            f"| {f} | {sec:.1f} | {n:,} | {lines:,} | {mib:.1f} |"
            for f, sec, n, lines, mib in exports
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    _, city_data = processed_city(RESIDENTS, DAYS)
    os.environ.setdefault("HEALTHARCHIVE_PSEUDONYM_KEY", "bench-only-key-not-a-secret-0123456789")
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        data = scratch_data(city_data, Path(tmp))
        print("publishing …", flush=True)
        pub = time_publish(data)
        print(f"  {pub['wall']:.1f} s, peak {pub['rss']:.0f} MiB", flush=True)
        samples = sample_residents(data)
        calls = time_calls(data, samples)
        commands = time_commands(data, samples)
        exports = time_exports(data)
    for row in calls + commands + exports:
        print("  ", *row, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = RESULTS / "publish.md"
    text = render(pub, calls, commands, exports, "python -m bench publish")
    kept = kept_tail(results.read_text(encoding="utf-8")) if results.exists() else ""
    if kept:  # the before/after figures of bench._publish_pair are not measured here
        text = text.rstrip("\n") + "\n\n" + kept
    results.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS / 'publish.md'}")
    return 0 if pub["wall"] < 60 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
