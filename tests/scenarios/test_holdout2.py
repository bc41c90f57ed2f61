"""The second holdout city (``bench.scenarios.holdout2``) against SOURCES.md and the contracts.

An 8-night build is checked for layout (every file where SOURCES.md puts it, nothing else),
manifests (sha256 and row counts), GBK checkup files, front-end SQLite tables and columns as
``schemas/sources`` declares them, required fields, code sets and typed values (what the pipeline
would quarantine a delivery for), complete truth (every person mention has exactly one truth row
and vice versa), determinism (a second build is byte-identical), and that every damage kind and
every person kind occurs.
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

from bench.scenarios.holdout2 import DAMAGE_KINDS, PERSON_KINDS, build_holdout2

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
START, DAYS, SEED = date(2026, 7, 1), 8, 5
WINDOW = [START + timedelta(n) for n in range(DAYS)]
DISTRICTS = {"320505", "320506", "320507", "320508", "320509", "320571", "320581", "320582",
             "320583", "320585"}  # fmt: skip
MCH_ROLES = {"maternal_registration": ("mother",), "prenatal_visit": ("mother",),
             "delivery": ("mother", "newborn"), "postpartum_visit": ("mother",),
             "child_checkup": ("child",)}  # fmt: skip
CODE_SETS = yaml.safe_load((SCHEMAS / "code_sets.yaml").read_text(encoding="utf-8"))
FORMATS = yaml.safe_load((SCHEMAS / "formats.yaml").read_text(encoding="utf-8"))
# formats the city keeps even in damaged records; id_no and phone are broken on purpose
STRICT_FORMATS = {"date", "timestamp", "icd10", "district_code"}


def _contracts() -> dict[str, dict]:
    out = {}
    for path in sorted((SCHEMAS / "sources").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[spec["dataset"]] = spec
    return out


CONTRACTS = _contracts()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_holdout2(
        tmp_path_factory.mktemp("holdout2") / "city", days=DAYS, start=START, seed=SEED
    )


def _csv(path: Path, encoding: str = "utf-8") -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding))))


def _institutions(root: Path) -> list[dict]:
    return _csv(root / "reference" / "institutions.csv")


def _orgs(root: Path, system: str) -> list[str]:
    return sorted(r["org_code"] for r in _institutions(root) if system in r["systems"].split(";"))


def _check_value(dataset: str, column: dict, value, where: str) -> None:
    """Required, code set, type and (strict) format of one delivered value."""
    name = column["name"]
    blank = value is None or (isinstance(value, str) and not value.strip())
    if column.get("required"):
        assert not blank, f"{where}: required {dataset}.{name} is empty"
    if blank:
        return
    text = str(value)
    if "code_set" in column:
        assert text in {str(k) for k in CODE_SETS[column["code_set"]]}, f"{where}: {name}={text!r}"
    kind = column["type"]
    if kind == "integer":
        assert re.fullmatch(r"-?\d+", text), f"{where}: {name}={text!r} is not an integer"
    elif kind == "decimal":
        float(text)
    elif kind == "date":
        date.fromisoformat(text)
    elif kind == "timestamp":
        assert re.match(FORMATS["timestamp"], text), f"{where}: {name}={text!r}"
    fmt = column.get("format")
    if fmt in STRICT_FORMATS:
        assert re.match(FORMATS[fmt], text), f"{where}: {name}={text!r} breaks format {fmt}"


def _check_rows(dataset: str, rows: list[dict], where: str) -> None:
    spec = CONTRACTS[dataset]
    for row in rows:
        for column in spec["columns"]:
            key = column.get("header", column["name"])
            _check_value(dataset, column, row.get(key), where)


def _manifest(folder: Path) -> dict[str, dict]:
    manifest = json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))
    entries = {e["name"]: e for e in manifest["files"]}
    assert manifest["date"] == folder.name or manifest["date"] == folder.parent.name
    present = {p.name for p in folder.iterdir()} - {"_manifest.json"}
    assert present == set(entries), f"{folder}: files and manifest disagree"
    for name, entry in entries.items():
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{folder / name}: sha256"
    return entries


def test_reference(root: Path) -> None:
    inst = _institutions(root)
    assert list(inst[0]) == [c["name"] for c in CONTRACTS["reference.institutions"]["columns"]]
    assert len({r["org_code"] for r in inst}) == len(inst) >= 20
    assert {r["district_code"] for r in inst} <= DISTRICTS
    _check_rows("reference.institutions", inst, "institutions.csv")
    for r in inst:
        assert set(r["systems"].split(";")) <= {"hospital", "vaccination", "mch", "checkup"}
    pop = _csv(root / "reference" / "population.csv")
    _check_rows("reference.population", pop, "population.csv")
    assert {r["district_code"] for r in pop} == DISTRICTS
    assert sorted(p.name for p in root.iterdir()) == [
        "checkup",
        "hospital",
        "mch",
        "reference",
        "truth",
        "vaccination",
    ]


def test_hospital_frontends(root: Path) -> None:
    orgs = _orgs(root, "hospital")
    assert sorted(p.name for p in (root / "hospital").iterdir()) == orgs
    for org in orgs:
        con = sqlite3.connect(root / "hospital" / org / "frontend.sqlite")
        con.row_factory = sqlite3.Row
        try:
            tables = {
                r[0] for r in con.execute("select name from sqlite_master where type='table'")
            }
            for dataset, spec in CONTRACTS.items():
                if not dataset.startswith("hospital."):
                    continue
                table = spec["delivery"]["table"]
                assert table in tables, f"{org}: no table {table}"
                columns = [r[1] for r in con.execute(f"pragma table_info({table})")]
                assert columns == [c["name"] for c in spec["columns"]], f"{org}.{table}"
                rows = [dict(r) for r in con.execute(f"select * from {table}")]
                _check_rows(dataset, rows, f"{org}.{table}")
                for row in rows:
                    if "updated_at" in row:  # every row is extracted by one night of the window
                        assert date.fromisoformat(row["updated_at"][:10]) in WINDOW, row
            ids = {r[0] for r in con.execute("select encounter_id from encounter")}
            for table in ("diagnosis", "prescription", "lab_result", "exam_report"):
                refs = {r[0] for r in con.execute(f"select encounter_id from {table}")}
                assert refs <= ids, f"{org}.{table} refers to unknown encounters"
            patients = {r[0] for r in con.execute("select patient_id from patient")}
            assert {r[0] for r in con.execute("select patient_id from encounter")} <= patients
        finally:
            con.close()


def _file_deliveries(root: Path):
    """Yield (source, org, day, record_type, rows) for every delivered file, checked on the way."""
    for source in ("vaccination", "checkup", "mch"):
        assert sorted(p.name for p in (root / source).iterdir()) == [d.isoformat() for d in WINDOW]
    for day in WINDOW:
        folder = root / "vaccination" / day.isoformat()
        entries = _manifest(folder)
        assert sorted(entries) == [f"{o}.jsonl" for o in _orgs(root, "vaccination")]
        for name, entry in entries.items():
            lines = (folder / name).read_text(encoding="utf-8").splitlines()
            assert entry["rows"] == len(lines)
            rows = [json.loads(line) for line in lines]
            cols = [c["name"] for c in CONTRACTS["vaccination.dose"]["columns"]]
            assert all(list(r) == cols for r in rows)
            yield "vaccination", name[:-6], day, "dose", rows
        folder = root / "checkup" / day.isoformat()
        entries = _manifest(folder)
        assert sorted(entries) == [f"{o}.csv" for o in _orgs(root, "checkup")]
        headers = [c["header"] for c in CONTRACTS["checkup.visit"]["columns"]]
        for name, entry in entries.items():
            rows = _csv(folder / name, "gbk")  # strict: a non-GBK byte fails here
            first = (folder / name).read_bytes().decode("gbk").splitlines()[0]
            assert first.split(",") == headers
            assert entry["rows"] == len(rows)
            yield "checkup", name[:-4], day, "visit", rows
        assert sorted(p.name for p in (root / "mch" / day.isoformat()).iterdir()) == _orgs(
            root, "mch"
        )
        for org in _orgs(root, "mch"):
            folder = root / "mch" / day.isoformat() / org
            entries = _manifest(folder)
            assert sorted(entries) == sorted(f"{rt}.csv" for rt in MCH_ROLES)
            for name, entry in entries.items():
                rt = name[:-4]
                cols = [c["name"] for c in CONTRACTS[f"mch.{rt}"]["columns"]]
                first = (folder / name).read_text(encoding="utf-8").splitlines()[0]
                assert first.split(",") == cols
                rows = _csv(folder / name)
                assert entry["rows"] == len(rows)
                yield "mch", org, day, rt, rows


def _mentions(root: Path) -> Counter:
    found: Counter = Counter()
    for org in _orgs(root, "hospital"):
        con = sqlite3.connect(root / "hospital" / org / "frontend.sqlite")
        try:
            for (pid,) in con.execute("select patient_id from patient"):
                found[("hospital", org, pid, "patient")] += 1
        finally:
            con.close()
    seen: set[tuple] = set()
    for source, org, _day, rt, rows in _file_deliveries(root):
        for row in rows:
            if source == "vaccination":
                keys = [(source, org, row["record_id"], "recipient")]
            elif source == "checkup":
                keys = [(source, org, row["体检编号"], "examinee")]
            else:
                keys = [(source, org, row["record_id"], role) for role in MCH_ROLES[rt]]
            for key in keys:
                if key not in seen:  # a re-delivered record is the same mention
                    seen.add(key)
                    found[key] += 1
    return found


def test_file_deliveries_follow_the_contracts(root: Path) -> None:
    datasets = {"dose": "vaccination.dose", "visit": "checkup.visit"}
    redelivered: Counter = Counter()
    for source, org, day, rt, rows in _file_deliveries(root):
        dataset = datasets.get(rt, f"mch.{rt}")
        _check_rows(dataset, rows, f"{source}/{day}/{org}/{rt}")
        key = "体检编号" if source == "checkup" else "record_id"
        ids = [r[key] for r in rows]
        assert len(ids) == len(set(ids)), f"{source}/{day}/{org}/{rt}: a key twice in one delivery"
        for r in rows:
            if source != "checkup":
                assert r["org_code"] == org
            redelivered[(source, org, r[key])] += 1
    assert sum(1 for (s, *_), n in redelivered.items() if s == "vaccination" and n > 1) > 0
    assert sum(1 for (s, *_), n in redelivered.items() if s == "checkup" and n > 1) > 0


def test_every_mention_has_exactly_one_truth_row(root: Path) -> None:
    truth = _csv(root / "truth" / "record_person.csv")
    keys = Counter((r["source"], r["org_code"], r["record_id"], r["role"]) for r in truth)
    assert max(keys.values()) == 1, "a mention with two truth rows"
    assert all(r["person_id"] for r in truth)
    found = _mentions(root)
    assert set(keys) == set(found)
    assert len(truth) > 1000


def test_truth_files(root: Path) -> None:
    truth = _csv(root / "truth" / "record_person.csv")
    mentions = {(r["source"], r["org_code"], r["record_id"], r["role"]) for r in truth}
    persons = {r["person_id"]: r for r in _csv(root / "truth" / "persons.csv")}
    assert {r["person_id"] for r in truth} <= set(persons)
    pairs = _csv(root / "truth" / "mother_child.csv")
    assert list(pairs[0]) == ["mother_person_id", "child_person_id", "twin_group"]
    for pair in pairs:
        assert pair["mother_person_id"] in persons and pair["child_person_id"] in persons
        assert persons[pair["mother_person_id"]]["sex"] == "2"
    groups = Counter(p["twin_group"] for p in persons.values() if p["twin_group"])
    assert 3 in groups.values(), "no set of triplets"
    assert sum(1 for n in groups.values() if n == 2) >= 2
    kinds = _csv(root / "truth" / "kinds.csv")
    assert {k["person_id"] for k in kinds} <= set(persons)
    got = Counter(k["kind"] for k in kinds)
    assert set(got) == set(PERSON_KINDS), set(PERSON_KINDS) ^ set(got)
    damage = _csv(root / "truth" / "damage.csv")
    assert list(damage[0]) == ["source", "org_code", "record_id", "role", "field", "kind"]
    for row in damage:
        assert (row["source"], row["org_code"], row["record_id"], row["role"]) in mentions, row
    counts = Counter(r["kind"] for r in damage)
    assert set(counts) == set(DAMAGE_KINDS), set(DAMAGE_KINDS) ^ set(counts)
    assert all(counts[k] > 0 for k in DAMAGE_KINDS)


def test_newborns_are_registered_under_their_mother(root: Path) -> None:
    persons = {r["person_id"]: r for r in _csv(root / "truth" / "persons.csv")}
    truth = _csv(root / "truth" / "record_person.csv")
    under_mother = 0
    for org in _orgs(root, "hospital"):
        con = sqlite3.connect(root / "hospital" / org / "frontend.sqlite")
        try:
            rows = {r[0]: r[1:] for r in con.execute("select patient_id, id_no, name from patient")}
        finally:
            con.close()
        for t in truth:
            if t["source"] != "hospital" or t["org_code"] != org:
                continue
            person = persons[t["person_id"]]
            mother = persons.get(person["mother_person_id"])
            id_no, name = rows[t["record_id"]]
            if person["group"] == "newborn" and mother and id_no == mother["id_no"]:
                # 之子/之女/婴/大宝 after her name (a GBK HIS may have changed a 生僻字 of it)
                under_mother += name.startswith(mother["name"][:1]) and len(name) > len(
                    mother["name"]
                )
    assert under_mother >= 5


def test_same_seed_same_bytes(root: Path, tmp_path: Path) -> None:
    again = build_holdout2(tmp_path / "again", days=DAYS, start=START, seed=SEED)

    def files(base: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()
        }

    first, second = files(root), files(again)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []
