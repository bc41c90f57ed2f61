"""No one is exposed: a simulated city run the way operators run it, then everything an analyst,
a governance officer or a log reader sees is scanned for the city's names, ID numbers and
phones; what staff open is owner-only and every identified read is in the access audit.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kernel.layout import Layout
from pipelines.publish.pseudonym import pseudonym_key, pseudonymise

pytestmark = pytest.mark.e2e

START, DAYS = date(2026, 3, 1), 3
REPO = Path(__file__).resolve().parents[2]
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def healtharchive(*args: str) -> str:
    """Run the command as an operator would, verbose; returns everything it logged."""
    done = subprocess.run(
        [sys.executable, "-c", "from pipelines.cli import main; main()", "-v", *args],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "USER": "officer-7"},
    )  # fmt: skip
    assert done.returncode in (0, 3), done.stderr[-3000:]
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    from simulator import SimConfig, simulate_city

    root = tmp_path_factory.mktemp("exposed")
    sources, data = root / "sources", root / "data"
    simulate_city(sources, 800, START, DAYS, seed=21, config=SimConfig(noise_scale=2.0))
    last = date(2026, 3, DAYS).isoformat()
    logs = healtharchive("run", "--sources", str(sources), "--data", str(data),
                         "--date", START.isoformat(), "--through", last)  # fmt: skip
    logs += healtharchive("report", "quality", "--data", str(data), "--month", "2026-03")
    logs += healtharchive("report", "metrics", "--data", str(data), "--month", "2026-03")
    logs += healtharchive("review", "page", "--data", str(data))
    return sources, data, logs


def identities(sources: Path) -> tuple[set[str], set[str]]:
    """(names, ID numbers) of every simulated person."""
    with (sources / "truth" / "person.csv").open(encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    names = {p["name"] for p in people if len(p["name"] or "") >= 2}
    return names, {p["id_no"] for p in people if p["id_no"]}


def exposed(text: str, names: set[str], ids: set[str]) -> list[str]:
    found = [m for m in ID_PATTERN.findall(text) if m.upper() in ids or m in ids]
    found += PHONE_PATTERN.findall(text)
    found += [n for n in names if n in text]
    return found


def test_logs_carry_no_identity(city: tuple[Path, Path, str]) -> None:
    sources, _, logs = city
    names, ids = identities(sources)
    assert len(logs) > 5000 and len(names) > 300  # the scan saw a real night's logging
    assert exposed(logs, names, ids) == []


def test_reports_and_data_docs_carry_no_identity(city: tuple[Path, Path, str]) -> None:
    sources, data, _ = city
    names, ids = identities(sources)
    scanned = 0
    for kind in ("quality", "metrics", "data_docs"):
        for path in Layout(data).reports(kind).rglob("*"):
            if path.suffix in (".html", ".json"):
                assert exposed(path.read_text(encoding="utf-8"), names, ids) == [], path
                scanned += 1
    assert scanned >= 3


def test_analytics_is_keyed_by_pseudonyms_and_holds_no_identity(
    city: tuple[Path, Path, str],
) -> None:
    sources, data, _ = city
    names, ids = identities(sources)
    with duckdb.connect(str(Layout(data).warehouse), read_only=True) as wh:
        residents = {r for (r,) in wh.execute("SELECT resident_id FROM mpi.resident").fetchall()}
    with duckdb.connect(str(Layout(data).analytics), read_only=True) as con:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE NOT internal AND data_type = 'VARCHAR'"
        ).fetchall()
        assert "resident_id" not in {c for _, _, c in columns}
        keys = {k for (k,) in con.execute("SELECT person_key FROM archive.resident").fetchall()}
        for schema, table, column in columns:
            values = con.execute(f'SELECT DISTINCT "{column}" FROM {schema}.{table}').fetchall()
            text = "\n".join(str(v) for (v,) in values if v is not None)
            assert not residents & {v for (v,) in values}, (table, column)
            assert exposed(text, names, ids) == [], (table, column)
    key = pseudonym_key()
    assert keys == {pseudonymise(key, r) for r in residents}  # one keyed pseudonym per resident


def test_what_staff_open_is_owner_only_and_audited(city: tuple[Path, Path, str]) -> None:
    _, data, _ = city
    layout = Layout(data)
    page = next(layout.reports("review").glob("review-*.html"))
    for path in (
        page,
        layout.warehouse,
        layout.analytics,
        *layout.access_audit_dir.rglob("*.jsonl"),
    ):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    lines = [
        json.loads(line)
        for path in layout.access_audit_dir.rglob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    shown = {r["resident_id"] for r in lines if r["action"] == "review_page"}
    assert all(r["accessed_by"] == "officer-7" for r in lines)
    queue = duckdb.sql(
        f"SELECT resident_id_l, resident_id_r FROM '{layout.nights('mpi.review_queue')[-1]}'"
    ).fetchall()
    assert shown == {r for pair in queue[:200] for r in pair if r}


def test_reidentification_is_audited_with_its_reason(city: tuple[Path, Path, str]) -> None:
    _, data, _ = city
    with duckdb.connect(str(Layout(data).analytics), read_only=True) as con:
        person_key = con.execute("SELECT min(person_key) FROM archive.resident").fetchone()[0]
    said = healtharchive("reidentify", "--data", str(data), "--person-key", person_key,
                         "--reason", "court order 2026-17")  # fmt: skip
    resident = re.search(r"\bR\d{10}\b", said).group(0)
    assert pseudonymise(pseudonym_key(), resident) == person_key
    audited = [
        json.loads(line)
        for path in Layout(data).access_audit_dir.rglob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert any(
        a["action"] == "reidentify" and a["resident_id"] == resident
        and a["reason"] == "court order 2026-17"
        for a in audited
    )  # fmt: skip
