"""A city small enough for a real scheduler: two nights, two institutions of one district.

The nights are 28 February and 1 March: the first closes a month, so the monthly reports run
too.

Every Airflow task is a process of its own, so the scheduler tests count tasks, not rows: the
simulated city is cut down to two institutions — an MCH hospital (hospital, vaccination and MCH
deliveries) and a tertiary hospital with a checkup department: five extract units a night, every
source system — keeping what they delivered as delivered, manifests rewritten to list only
their files.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

START, NIGHTS = date(2026, 2, 28), 2
LAST = START + timedelta(days=NIGHTS - 1)
KEEP = ("320583-M001", "320583-T001")


def build_tiny_city(out: Path, residents: int = 20_000, seed: int = 3) -> Path:
    """Simulate, then keep only the institutions ``KEEP``; returns the sources root."""
    from simulator import simulate_city

    simulate_city(out, residents=residents, start=START, days=NIGHTS, seed=seed)
    _keep_reference(out / "reference" / "institutions.csv", set(KEEP))
    for folder in (out / "hospital").iterdir():
        if folder.name not in KEEP:
            shutil.rmtree(folder)
    for folder in out.glob("mch/*/*"):
        if folder.name not in KEEP:
            shutil.rmtree(folder)
    for system in ("vaccination", "checkup"):
        for night in (out / system).iterdir():
            _keep_drop(night, set(KEEP))
    shutil.rmtree(out / "truth")  # nothing here evaluates linkage; it no longer matches
    return out


def _keep_reference(path: Path, keep: set[str]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["org_code"] in keep)


def _keep_drop(night: Path, keep: set[str]) -> None:
    """A file drop folder with only the kept institutions' files, its manifest to match."""
    manifest = night / "_manifest.json"
    body = json.loads(manifest.read_text(encoding="utf-8"))
    body["files"] = [f for f in body["files"] if Path(f["name"]).stem in keep]
    for path in night.iterdir():
        if path.name != manifest.name and path.stem not in keep:
            path.unlink()
    manifest.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")


def file_drops(sources: Path, night: date) -> list[Path]:
    """The delivered files of one night's file drops (not manifests), in a stable order."""
    found = [
        p
        for system in ("vaccination", "mch", "checkup")
        for p in (sources / system / night.isoformat()).rglob("*")
        if p.is_file() and p.name != "_manifest.json"
    ]
    return sorted(found)


def break_delivery(path: Path) -> str:
    """Change a delivered file so that it no longer matches its manifest (an incomplete
    delivery, a contract violation); returns its extract unit, ``<system>/<org_code>``."""
    data = path.read_bytes()
    path.write_bytes(data + data.splitlines(keepends=True)[-1])  # its last line twice
    for parent in path.parents:
        if parent.parent.name in ("vaccination", "mch", "checkup"):
            kind = parent.parent.name
            return f"{kind}/{path.parent.name if kind == 'mch' else path.stem}"
    raise ValueError(f"{path} is not in a file drop")


def listed_units(sources: Path) -> set[str]:
    """``<system>/<org_code>`` of every system the reference lists for an institution."""
    with (sources / "reference" / "institutions.csv").open(encoding="utf-8") as f:
        return {
            f"{system}/{row['org_code']}"
            for row in csv.DictReader(f)
            for system in row["systems"].split(";")
        }
