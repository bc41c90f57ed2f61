"""The holdout city (``bench.scenarios.holdout``), checked against SOURCES.md and the contracts.

A 10-night build is checked for layout (every file where SOURCES.md puts it), manifests (sha256
and row counts), GBK checkup files, SQLite tables and columns as ``schemas/sources`` declares
them, required fields and code sets (so the pipeline has no reason to quarantine a delivery),
complete truth (every person mention has exactly one truth row and vice versa), determinism, and
that every damage kind and every hard kind occurs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from bench.scenarios.holdout import build_holdout

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
START, DAYS, SEED = date(2026, 5, 1), 10, 11
WINDOW = [START + timedelta(n) for n in range(DAYS)]
MCH_TYPES = (
    "maternal_registration",
    "prenatal_visit",
    "delivery",
    "postpartum_visit",
    "child_checkup",
)
MCH_ROLES = {
    "maternal_registration": ("mother",),
    "prenatal_visit": ("mother",),
    "delivery": ("mother", "newborn"),
    "postpartum_visit": ("mother",),
    "child_checkup": ("child",),
}
SUZHOU = {
    "320505",
    "320506",
    "320507",
    "320508",
    "320509",
    "320571",
    "320581",
    "320582",
    "320583",
    "320585",
}
DAMAGE_KINDS = {
    "amended_later",
    "birth_default_today",
    "birth_lunar",
    "birth_missing",
    "birth_mmdd_swap",
    "birth_mother_on_child",
    "birth_one_day_off",
    "birth_placeholder_1900",
    "birth_year_typo",
    "correction_redelivered",
    "duplicate_registration",
    "id_adjacent_swap",
    "id_digit_typo",
    "id_excel_zeroed",
    "id_fullwidth",
    "id_legacy15",
    "id_lowercase_x",
    "id_missing",
    "id_mmdd_swap",
    "id_mother_on_child",
    "id_spaces",
    "id_wrong_check",
    "latin_case_spacing",
    "latin_middle_dropped",
    "latin_order_swapped",
    "name_homophone",
    "name_kanji_for_latin",
    "name_minority_dot",
    "name_missing",
    "name_mother_on_child",
    "name_placeholder",
    "name_rare_char_substitute",
    "name_simplified",
    "name_space_inserted",
    "name_traditional",
    "name_wu_dialect",
    "passport_typo",
    "phone_changed",
    "phone_landline",
    "phone_missing",
    "phone_prefix86",
    "phone_typo",
    "relative_id_used",
    "relative_identity",
    "sex_unknown_newborn",
    "sex_wrong",
    "unidentified_emergency",
    "voided_dose",
}
HARD_KINDS = {
    "newborn_infant",
    "twin",
    "mother_with_baby_records",
    "damaged_id",
    "damaged_date",
    "non_checksummed_id",
    "latin_name",
    "namesake",
    "relative_id_used",
}


def contract(name: str) -> dict:
    return yaml.safe_load((SCHEMAS / "sources" / f"{name}.yaml").read_text(encoding="utf-8"))


CODE_SETS = yaml.safe_load((SCHEMAS / "code_sets.yaml").read_text(encoding="utf-8"))
FORMATS = yaml.safe_load((SCHEMAS / "formats.yaml").read_text(encoding="utf-8"))
DATE_LIKE = {"date": FORMATS["date"], "timestamp": FORMATS["timestamp"]}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_holdout(
        tmp_path_factory.mktemp("holdout") / "src", days=DAYS, start=START, seed=SEED
    )


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding))))


def orgs(root: Path, system: str) -> list[str]:
    return sorted(
        r["org_code"]
        for r in read_csv(root / "reference" / "institutions.csv")
        if system in r["systems"].split(";")
    )


def check_row(row: dict, spec: dict, where: str) -> None:
    """Required fields filled, code sets respected, dates and timestamps well formed."""
    for col in spec["columns"]:
        value = row.get(col.get("header", col["name"]))
        value = "" if value is None else str(value)
        if col.get("required"):
            assert value != "", f"{where}: required {col['name']} empty"
        if value and "code_set" in col:
            assert value in CODE_SETS[col["code_set"]], f"{where}: {col['name']}={value!r}"
        fmt = col.get("format") if col.get("format") == "date" else col["type"]
        if value and fmt in DATE_LIKE:
            assert re.match(DATE_LIKE[fmt], value), f"{where}: {col['name']}={value!r}"
            date.fromisoformat(value[:10])


# --- layout and manifests -----------------------------------------------------------------


def test_layout_follows_sources_md(city: Path) -> None:
    assert sorted(p.name for p in city.iterdir()) == [
        "checkup",
        "hospital",
        "mch",
        "reference",
        "truth",
        "vaccination",
    ]
    institutions = read_csv(city / "reference" / "institutions.csv")
    assert list(institutions[0]) == ["org_code", "org_name", "district_code", "org_type", "systems"]
    assert 30 <= len(institutions) <= 40
    assert {r["district_code"] for r in institutions} == SUZHOU
    for r in institutions:
        check_row(r, contract("reference.institutions"), "institutions")
    population = read_csv(city / "reference" / "population.csv")
    assert list(population[0]) == ["district_code", "district_name", "year", "resident_population"]
    assert {r["district_code"] for r in population} == SUZHOU
    assert sorted(p.name for p in (city / "hospital").iterdir()) == orgs(city, "hospital")
    for org in orgs(city, "hospital"):
        assert [p.name for p in (city / "hospital" / org).iterdir()] == ["frontend.sqlite"]
    days = [d.isoformat() for d in WINDOW]
    for system in ("vaccination", "mch", "checkup"):
        assert sorted(p.name for p in (city / system).iterdir()) == days
    for d in days:
        ext = {"vaccination": "jsonl", "checkup": "csv"}
        for system in ext:
            names = sorted(p.name for p in (city / system / d).iterdir())
            assert names == sorted(
                [f"{o}.{ext[system]}" for o in orgs(city, system)] + ["_manifest.json"]
            )
        assert sorted(p.name for p in (city / "mch" / d).iterdir()) == orgs(city, "mch")
        for org in orgs(city, "mch"):
            names = sorted(p.name for p in (city / "mch" / d / org).iterdir())
            assert names == sorted([f"{t}.csv" for t in MCH_TYPES] + ["_manifest.json"])


def test_manifests_match_files(city: Path) -> None:
    manifests = sorted(city.glob("*/*/_manifest.json")) + sorted(
        city.glob("mch/*/*/_manifest.json")
    )
    assert len(manifests) == DAYS * (2 + len(orgs(city, "mch")))
    for path in manifests:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        day = path.relative_to(city).parts[1]
        assert manifest["date"] == day
        listed = {f["name"] for f in manifest["files"]}
        assert listed == {p.name for p in path.parent.iterdir()} - {"_manifest.json"}
        for entry in manifest["files"]:
            data = (path.parent / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], path
            if entry["name"].endswith(".jsonl"):
                rows = len(data.decode("utf-8").splitlines())
            else:
                encoding = "gbk" if "checkup" in path.parts else "utf-8"
                rows = len(list(csv.reader(io.StringIO(data.decode(encoding))))) - 1
            assert rows == entry["rows"], (path, entry)


# --- every source against its contract, collecting person mentions -------------------------


def deliveries(city: Path) -> list[tuple[tuple[str, str, str, str], dict]]:
    """Every person mention as delivered (a re-delivered record counts once, later wins)."""
    out: dict[tuple, dict] = {}
    for org in orgs(city, "hospital"):
        con = sqlite3.connect(city / "hospital" / org / "frontend.sqlite")
        con.row_factory = sqlite3.Row
        for row in con.execute("SELECT * FROM patient"):
            out[("hospital", org, row["patient_id"], "patient")] = dict(row)
        con.close()
    for path in sorted(city.glob("vaccination/*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            out[("vaccination", obj["org_code"], obj["record_id"], "recipient")] = obj
    for path in sorted(city.glob("mch/*/*/*.csv")):
        for row in read_csv(path):
            for role in MCH_ROLES[path.stem]:
                out[("mch", row["org_code"], row["record_id"], role)] = row
    for path in sorted(city.glob("checkup/*/*.csv")):
        for row in read_csv(path, "gbk"):
            out[("checkup", path.stem, row["体检编号"], "examinee")] = row
    return list(out.items())


def test_hospital_databases_follow_contracts(city: Path) -> None:
    tables = {
        "patient",
        "encounter",
        "diagnosis",
        "prescription",
        "lab_result",
        "exam_report",
        "deleted_rows",
    }
    patients = encounters = 0
    for org in orgs(city, "hospital"):
        con = sqlite3.connect(city / "hospital" / org / "frontend.sqlite")
        con.row_factory = sqlite3.Row
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert names == tables
        for table in sorted(tables):
            spec = contract(f"hospital.{table}")
            columns = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            assert columns == [c["name"] for c in spec["columns"]], (org, table)
            ids = set()
            for row in con.execute(f"SELECT * FROM {table}"):
                row = dict(row)
                check_row(row, spec, f"{org}.{table}")
                if "updated_at" in row:
                    assert date.fromisoformat(row["updated_at"][:10]) in WINDOW
                    assert row["updated_at"].endswith("+08:00")
                if spec["primary_key"]:
                    ids.add(row[spec["primary_key"][0]])
            if table == "encounter":
                known = {r[0] for r in con.execute("SELECT patient_id FROM patient")}
                assert {r[0] for r in con.execute("SELECT patient_id FROM encounter")} <= known
                encounters += len(ids)
            if table == "patient":
                patients += len(ids)
        con.close()
    assert patients > 100 and encounters >= patients


def test_file_sources_follow_contracts(city: Path) -> None:
    vacc = contract("vaccination.dose")
    for path in sorted(city.glob("vaccination/*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            assert list(obj) == [c["name"] for c in vacc["columns"]]
            assert obj["org_code"] == path.stem
            assert isinstance(obj["dose_no"], int)
            check_row(obj, vacc, str(path))
    for rt in MCH_TYPES:
        spec = contract(f"mch.{rt}")
        header = ",".join(c["name"] for c in spec["columns"])
        for path in sorted(city.glob(f"mch/*/*/{rt}.csv")):
            text = path.read_text(encoding="utf-8")
            assert text.split("\n", 1)[0] == header
            for row in read_csv(path):
                assert row["org_code"] == path.parent.name
                check_row(row, spec, str(path))
    spec = contract("checkup.visit")
    header = ",".join(c["header"] for c in spec["columns"])
    rows = 0
    for path in sorted(city.glob("checkup/*/*.csv")):
        text = path.read_bytes().decode("gbk")  # strict: must decode
        assert text.split("\n", 1)[0] == header
        for row in read_csv(path, "gbk"):
            check_row(row, spec, str(path))
            rows += 1
    assert rows > 20


# --- truth ----------------------------------------------------------------------------------


def test_every_mention_has_exactly_one_truth_row(city: Path) -> None:
    truth = read_csv(city / "truth" / "record_person.csv")
    keys = [(r["source"], r["org_code"], r["record_id"], r["role"]) for r in truth]
    assert len(keys) == len(set(keys))
    delivered = {k for k, _ in deliveries(city)}
    assert set(keys) == delivered
    persons = {r["person_id"] for r in read_csv(city / "truth" / "persons.csv")}
    assert {r["person_id"] for r in truth} <= persons
    counts = Counter(k[0] + "/" + k[3] for k in keys)
    assert set(counts) == {
        "hospital/patient",
        "vaccination/recipient",
        "mch/mother",
        "mch/newborn",
        "mch/child",
        "checkup/examinee",
    }
    # a delivery row names two different people: the mother and the newborn
    by_key = {k: r["person_id"] for k, r in zip(keys, truth, strict=True)}
    for (source, org, rid, role), pid in by_key.items():
        if role == "newborn":
            assert by_key[(source, org, rid, "mother")] != pid


def test_family_and_damage_truth(city: Path) -> None:
    truth = {
        (r["source"], r["org_code"], r["record_id"], r["role"]): r["person_id"]
        for r in read_csv(city / "truth" / "record_person.csv")
    }
    persons = {r["person_id"]: r for r in read_csv(city / "truth" / "persons.csv")}
    pairs = read_csv(city / "truth" / "mother_child.csv")
    assert list(pairs[0]) == ["mother_person_id", "child_person_id", "twin_group"]
    for r in pairs:
        assert r["mother_person_id"] in persons and r["child_person_id"] in persons
        assert persons[r["mother_person_id"]]["sex"] == "2"
    groups = Counter(r["twin_group"] for r in pairs if r["twin_group"])
    assert sum(1 for n in groups.values() if n == 2) >= 2
    assert any(n == 3 for n in groups.values())  # a triplet set
    damage = read_csv(city / "truth" / "damage.csv")
    assert list(damage[0]) == ["source", "org_code", "record_id", "role", "field", "kind"]
    for r in damage:
        assert (r["source"], r["org_code"], r["record_id"], r["role"]) in truth
    counts = Counter(r["kind"] for r in damage)
    missing = DAMAGE_KINDS - set(counts)
    assert not missing, f"damage kinds absent from a {DAYS}-night build: {sorted(missing)}"
    assert set(counts) <= DAMAGE_KINDS, sorted(set(counts) - DAMAGE_KINDS)
    kinds = read_csv(city / "truth" / "kinds.csv")
    assert {r["kind"] for r in kinds} == HARD_KINDS
    assert {r["person_id"] for r in kinds} <= set(truth.values())


def test_records_change_across_nights(city: Path) -> None:
    """Corrections re-delivered with the same record_id, and voided doses."""
    seen: dict[tuple, list[dict]] = {}
    for path in sorted(city.glob("vaccination/*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            seen.setdefault(("v", obj["org_code"], obj["record_id"]), []).append(obj)
    for path in sorted(city.glob("mch/*/*/*.csv")):
        for row in read_csv(path):
            seen.setdefault((path.stem, row["org_code"], row["record_id"]), []).append(row)
    again = {k: v for k, v in seen.items() if len(v) > 1}
    assert again
    assert all(len({r["exported_at"][:10] for r in v}) == len(v) for v in again.values())
    assert any(v[-1].get("status") == "voided" for v in again.values())
    assert any(k[0] != "v" for k in again)


def test_same_seed_same_bytes(city: Path, tmp_path: Path) -> None:
    again = build_holdout(tmp_path / "again", days=DAYS, start=START, seed=SEED)

    def digest(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    assert digest(again) == digest(city)
    other = build_holdout(tmp_path / "other", days=DAYS, start=START, seed=SEED + 1)
    assert digest(other) != digest(city)
