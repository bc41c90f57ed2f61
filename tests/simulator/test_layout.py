"""The simulated tree is spec/SOURCES.md: paths, manifests, column order, encodings, tables."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pandas as pd

from schemas.contracts import source_contracts
from simulator import SimulationSummary

from .conftest import DAYS, START

DAY = r"(?P<day>\d{4}-\d{2}-\d{2})"
ORG = r"(?P<org>\d{6}-[A-Z]\d{3})"
MCH_TYPES = "maternal_registration|prenatal_visit|delivery|postpartum_visit|child_checkup"
PATTERNS = {  # path pattern → the source system the institution must run
    rf"hospital/{ORG}/frontend\.sqlite": "hospital",
    rf"vaccination/{DAY}/{ORG}\.jsonl": "vaccination",
    rf"vaccination/{DAY}/_manifest\.json": None,
    rf"mch/{DAY}/{ORG}/({MCH_TYPES})\.csv": "mch",
    rf"mch/{DAY}/{ORG}/_manifest\.json": "mch",
    rf"checkup/{DAY}/{ORG}\.csv": "checkup",
    rf"checkup/{DAY}/_manifest\.json": None,
    r"reference/(institutions|population)\.csv": None,
    r"truth/(record_person|institution_profiles|person)\.csv": None,
}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")


def _institutions(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "reference" / "institutions.csv", dtype=str).set_index("org_code")


def test_every_file_is_one_the_spec_names(small_city: tuple[Path, SimulationSummary]) -> None:
    root, _ = small_city
    systems = _institutions(root)["systems"].str.split(";")
    window = {(START + timedelta(days=i)).isoformat() for i in range(DAYS)}
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    assert files and not [f for f in files if f.startswith(".")]
    for name in files:
        match = next((m for p in PATTERNS if (m := re.fullmatch(p, name))), None)
        assert match, f"unexpected file {name}"
        found = match.groupdict()
        if "day" in found:
            assert found["day"] in window, name
        if "org" in found:
            system = next(s for p, s in PATTERNS.items() if re.fullmatch(p, name))
            assert system in systems[found["org"]], f"{name}: {found['org']} does not run {system}"


def test_every_hospital_has_a_front_end_with_the_seven_tables(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, _ = small_city
    hospitals = _institutions(root).query("systems.str.contains('hospital')").index
    contracts = {c.name: c for c in source_contracts().values() if c.source == "hospital"}
    assert len(contracts) == 7
    for org in hospitals:
        with sqlite3.connect(root / "hospital" / org / "frontend.sqlite") as con:
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            assert tables == set(contracts), org
            for name, contract in contracts.items():
                columns = [r[1] for r in con.execute(f"PRAGMA table_info({name})")]
                assert columns == contract.column_names, (org, name)


def test_manifests_list_every_file_with_its_rows_and_checksum(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, summary = small_city
    rows_per_source: dict[str, int] = {}
    manifests = sorted(root.glob("*/*/_manifest.json")) + sorted(
        root.glob("mch/*/*/_manifest.json")
    )
    assert manifests
    for manifest in manifests:
        body = json.loads(manifest.read_text(encoding="utf-8"))
        folder = manifest.parent
        source = manifest.relative_to(root).parts[0]
        day = folder.parent.name if source == "mch" else folder.name  # mch/<D>/<org>/
        assert body["date"] == day
        listed = {f["name"] for f in body["files"]}
        assert listed == {
            p.name for p in folder.iterdir() if p.name != "_manifest.json" and p.is_file()
        }
        for entry in body["files"]:
            data = (folder / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            lines = data.splitlines()
            header = 0 if entry["name"].endswith(".jsonl") else 1
            assert entry["rows"] == len(lines) - header >= 1  # an org with nothing sends no file
            rows_per_source[source] = rows_per_source.get(source, 0) + entry["rows"]
    for source in ("vaccination", "mch", "checkup"):
        assert rows_per_source.get(source, 0) == summary.rows[source] > 0


def test_delivered_columns_follow_the_contracts_in_order(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, _ = small_city
    contracts = source_contracts()
    for path in root.glob("vaccination/*/*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert list(json.loads(line)) == contracts["vaccination.dose"].column_names
    for path in root.glob("mch/*/*/*.csv"):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == contracts[f"mch.{path.stem}"].delivered_names, path
    checkups = list(root.glob("checkup/*/*.csv"))
    assert checkups
    for path in checkups:
        text = path.read_bytes().decode("gbk")  # strict: every byte is GBK
        assert text.splitlines()[0].split(",") == contracts["checkup.visit"].delivered_names
        assert "体检编号" in text and "\r\n" in text


def test_timestamps_are_iso_with_offset_and_files_hold_that_days_exports(
    delivered: dict[str, pd.DataFrame],
) -> None:
    for name, frame in delivered.items():
        stamp = "updated_at" if name.startswith("hospital.") else "exported_at"
        if name == "hospital.deleted_rows":
            stamp = "deleted_at"
        values = frame[stamp].astype(str)
        if name == "checkup.visit":  # the checkup vendor writes local time without an offset
            assert values.str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
        else:
            assert values.map(STAMP.match).notna().all(), name
        if "_folder" in frame:
            assert (values.str[:10] == frame["_folder"]).all(), name


def test_reference_tables(small_city: tuple[Path, SimulationSummary]) -> None:
    root, summary = small_city
    contracts = source_contracts()
    inst = pd.read_csv(root / "reference" / "institutions.csv", dtype=str)
    pop = pd.read_csv(root / "reference" / "population.csv", dtype={"district_code": str})
    assert list(inst.columns) == contracts["reference.institutions"].column_names
    assert list(pop.columns) == contracts["reference.population"].column_names
    assert (
        60 <= len(inst) <= 70
        and inst["org_code"].is_unique
        and inst["district_code"].nunique() == 10
    )
    counts = inst["org_type"].value_counts()
    assert counts["tertiary_hospital"] == 8 and counts["community_health_center"] == 30
    assert set(inst["systems"].str.split(";").explode()) == {
        "hospital",
        "vaccination",
        "mch",
        "checkup",
    }
    assert set(pop["district_code"]) == set(inst["district_code"]) and set(pop["year"]) == {
        START.year
    }
    # the bureau's figure is close to, not exactly, the simulated residents
    assert abs(pop["resident_population"].sum() - summary.residents) < 0.05 * summary.residents
