"""The scenario writer and the hard-case / FEBRL builders, checked against SOURCES.md itself.

The expected layouts below are copied from spec/SOURCES.md, not imported from the writer, so a
drift in ``bench.scenarios.deliver`` shows up here. No network: FEBRL is read from a fake cache.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from bench.scenarios.deliver import Institution, SourcesWriter
from bench.scenarios.febrl import HOSPITAL_A, HOSPITAL_B, build_febrl, fetch_febrl
from bench.scenarios.hard_cases import CASES, build_hard_cases

HOSPITAL_TABLES = {  # SOURCES.md section 1
    "patient": "patient_id id_type id_no name sex_code birth_date phone address updated_at",
    "encounter": "encounter_id patient_id encounter_type dept_name admit_time discharge_time "
    "updated_at",
    "diagnosis": "diagnosis_id encounter_id icd10_code diagnosis_name is_primary diagnosed_at "
    "updated_at",
    "prescription": "rx_id encounter_id drug_code drug_name dose dose_unit frequency days "
    "prescribed_at updated_at",
    "lab_result": "result_id encounter_id item_code item_name value unit ref_range abnormal_flag "
    "reported_at updated_at",
    "exam_report": "report_id encounter_id modality body_part findings conclusion reported_at "
    "updated_at",
    "deleted_rows": "table_name row_id deleted_at",
}
# fmt: off
VACCINATION = [
    "record_id", "org_code", "recipient_name", "recipient_id_type", "recipient_id_no",
    "recipient_sex", "recipient_birth_date", "guardian_name", "guardian_id_no", "guardian_phone",
    "vaccine_code", "vaccine_name", "dose_no", "vaccinated_at", "batch_no",
    "manufacturer", "site", "status", "exported_at",
]
# fmt: on
MCH = {  # columns beyond record_id, org_code, exported_at; roles
    "maternal_registration": (
        "mother_name mother_id_type mother_id_no mother_birth_date "
        "mother_phone address last_menstrual_date registered_at",
        ["mother"],
    ),
    "prenatal_visit": (
        "mother_name mother_id_no visit_date gestational_weeks weight_kg "
        "systolic_bp diastolic_bp hemoglobin fundal_height_cm",
        ["mother"],
    ),
    "delivery": (
        "mother_name mother_id_no delivery_time delivery_mode gestational_weeks baby_sex "
        "baby_birth_weight_g baby_name birth_certificate_no",
        ["mother", "newborn"],
    ),
    "postpartum_visit": (
        "mother_name mother_id_no visit_date days_after_delivery systolic_bp diastolic_bp notes",
        ["mother"],
    ),
    "child_checkup": (
        "child_name child_sex child_birth_date child_id_no mother_name mother_id_no "
        "checkup_date height_cm weight_kg head_circumference_cm development_result",
        ["child"],
    ),
}
# fmt: off
CHECKUP_HEADER = [
    "体检编号", "姓名", "性别", "出生日期", "证件类型", "证件号码", "联系电话",
    "工作单位", "体检日期", "身高cm", "体重kg", "收缩压", "舒张压", "空腹血糖mmol/L",
    "总胆固醇mmol/L", "甘油三酯mmol/L", "尿酸umol/L", "总检结论", "导出时间",
]
# fmt: on


def gb11643_valid(number: str) -> bool:
    """Independent MOD 11-2 check (STANDARDS.md), with a real birth date in the middle."""
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return "10X98765432"[total % 11] == number[17]


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def delivered_mentions(root: Path) -> set[tuple[str, str, str, str]]:
    """Every person mention in a sources root, read from the deliveries as SOURCES.md says."""
    out = set()
    for db in sorted(root.glob("hospital/*/frontend.sqlite")):
        con = sqlite3.connect(db)
        out |= {
            ("hospital", db.parent.name, r[0], "patient")
            for r in con.execute("SELECT patient_id FROM patient")
        }
        con.close()
    for f in root.glob("vaccination/*/*.jsonl"):
        for line in f.read_text("utf-8").splitlines():
            out.add(("vaccination", f.stem, json.loads(line)["record_id"], "recipient"))
    for f in root.glob("mch/*/*/*.csv"):
        for row in read_csv(f):
            out |= {("mch", f.parent.name, row["record_id"], role) for role in MCH[f.stem][1]}
    for f in root.glob("checkup/*/*.csv"):
        out |= {("checkup", f.stem, r["体检编号"], "examinee") for r in read_csv(f, "gbk")}
    return out


def check_manifests(root: Path) -> int:
    folders = [*root.glob("vaccination/*"), *root.glob("mch/*/*"), *root.glob("checkup/*")]
    for folder in folders:
        manifest = json.loads((folder / "_manifest.json").read_text("utf-8"))
        day = folder.relative_to(root).parts[1]
        assert manifest["date"] == day
        names = sorted(p.name for p in folder.iterdir() if p.name != "_manifest.json")
        assert [f["name"] for f in manifest["files"]] == names
        for f in manifest["files"]:
            data = (folder / f["name"]).read_bytes()
            assert f["sha256"] == hashlib.sha256(data).hexdigest()
            if f["name"].endswith(".jsonl"):
                rows = len(data.decode("utf-8").splitlines())
            else:
                enc = "gbk" if folder.parts[-2] == "checkup" else "utf-8"
                rows = len(read_csv(folder / f["name"], enc))
            assert f["rows"] == rows, folder / f["name"]
    return len(folders)


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hard_cases(tmp_path_factory.mktemp("hard") / "sources")


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_writer_layout_matches_sources_md(tmp_path: Path) -> None:
    orgs = [
        Institution("H1", "医院", "320508", "tertiary_hospital", ("hospital",)),
        Institution("C1", "中心", "320571", "community_health_center", ("vaccination", "mch")),
        Institution("K1", "体检", "320583", "checkup_center", ("checkup",)),
    ]
    out = SourcesWriter(tmp_path, orgs, days=[date(2026, 3, 1), date(2026, 3, 2)])
    out.hospital("H1", "patient", {"patient_id": "p1", "name": "张三"}, datetime(2026, 3, 1, 9))
    out.vaccination("C1", date(2026, 3, 1), {"record_id": "v1", "dose_no": 1})
    out.mch("C1", date(2026, 3, 2), "delivery", {"record_id": "d1", "mother_name": "李四"})
    out.checkup("K1", date(2026, 3, 2), {"体检编号": "t1", "姓名": "張伟", "性别": "1"})
    out.close()
    con = sqlite3.connect(tmp_path / "hospital/H1/frontend.sqlite")
    for table, cols in HOSPITAL_TABLES.items():
        assert [r[1] for r in con.execute(f"PRAGMA table_info({table})")] == cols.split()
    assert (
        con.execute("SELECT updated_at FROM patient").fetchone()[0] == "2026-03-01T09:00:00+08:00"
    )
    con.close()
    dose = json.loads((tmp_path / "vaccination/2026-03-01/C1.jsonl").read_text("utf-8"))
    assert list(dose) == VACCINATION and dose["dose_no"] == 1
    assert (tmp_path / "vaccination/2026-03-02/C1.jsonl").read_bytes() == b""  # idle night
    for rt, (cols, _) in MCH.items():
        header = (tmp_path / f"mch/2026-03-02/C1/{rt}.csv").read_text("utf-8").splitlines()[0]
        assert header.split(",") == ["record_id", "org_code", *cols.split(), "exported_at"]
    checkup = (tmp_path / "checkup/2026-03-02/K1.csv").read_bytes().decode("gbk")  # strict GBK
    rows = list(csv.reader(io.StringIO(checkup)))
    assert rows[0] == CHECKUP_HEADER and rows[1][1:3] == ["張伟", "男"]
    assert check_manifests(tmp_path) == 6
    inst = read_csv(tmp_path / "reference/institutions.csv")
    assert inst[0] == {
        "org_code": "C1",
        "org_name": "中心",
        "district_code": "320571",
        "org_type": "community_health_center",
        "systems": "vaccination;mch",
    }


def test_hard_cases_deterministic_and_well_formed(hard: Path, tmp_path: Path) -> None:
    assert tree(build_hard_cases(tmp_path / "again")) == tree(hard)
    assert check_manifests(hard) > 0
    for f in hard.glob("checkup/*/*.csv"):
        assert f.read_bytes().decode("gbk").splitlines()[0].split(",") == CHECKUP_HEADER


def test_truth_covers_every_mention(hard: Path) -> None:
    truth = {
        (r["source"], r["org_code"], r["record_id"], r["role"]): r["person_id"]
        for r in read_csv(hard / "truth/record_person.csv")
    }
    assert set(truth) == delivered_mentions(hard)
    cases = read_csv(hard / "truth/cases.csv")
    assert list(cases[0]) == [
        "case_id",
        "kind",
        "source",
        "org_code",
        "record_id",
        "role",
        "person_id",
        "note",
    ]
    assert {
        (r["source"], r["org_code"], r["record_id"], r["role"]): r["person_id"] for r in cases
    } == truth
    assert all(r["note"].strip() for r in cases)
    assert {r["case_id"] for r in cases} == {c.case_id for c in CASES}
    assert len(CASES) >= 40 and len(cases) >= 250
    assert any("ambiguous: review expected" in r["note"] for r in cases if r["kind"] == "twins")
    persons = set(truth.values())
    families = read_csv(hard / "truth/mother_child.csv")
    assert families and all(
        r["mother_person_id"] in persons and r["child_person_id"] in persons for r in families
    )
    assert sum(1 for r in families if r["twin_group"]) == 8  # four pairs of twins


def test_every_id_called_valid_is_valid_and_damage_never_is() -> None:
    for case in CASES:
        canonical = {p.id_no for p in case.persons.values()}
        for key, p in case.persons.items():
            if p.id_type == "01":
                assert gb11643_valid(p.id_no), (case.case_id, key)
                assert p.id_no[6:14] == p.birth.replace("-", "")
                assert int(p.id_no[16]) % 2 == (1 if p.sex == "1" else 0)
        for rec in case.records:
            damaged = rec.over.get("id_no", "")
            # (a lower-case x is the same number, not damage to the digits)
            if len(damaged) == 18 and damaged.isascii() and damaged.upper() not in canonical:
                assert not gb11643_valid(damaged), (case.case_id, damaged)


def test_groups_are_isolated() -> None:
    seen: dict[str, str] = {}
    for case in CASES:
        assert case.note and case.kind
        for p in case.persons.values():
            for value in (p.id_no, p.phone, p.birth):
                if value:
                    assert seen.setdefault(value, case.case_id) == case.case_id, value


FEBRL_HEADER = (
    "rec_id, given_name, surname, street_number, address_1, address_2, suburb, "
    "postcode, state, date_of_birth, soc_sec_id"
)
FEBRL_A = [
    "rec-12-org, sarah , smith, 7, gray street, , dickson, 2602, act, 19830417, 5310044",
    "rec-7-org, , o'brien, , kent street, villa 3, hall, 2618, nsw, 19711331, 1234567",
]
FEBRL_B = [
    "rec-12-dup-0, sara, smith, 7, grey street, , dickson, 2602, act, , 5310044",
    "rec-7-dup-1, john, obrien, 12, kent st, villa 3, hall, 2618, nsw, 19710113, 1234576",
    "rec-9-org, , , 3, ash lane, , hall, 2618, nsw, 19500101, 7654321",  # no name: left out
]


@pytest.fixture()
def febrl_cache(tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    cache.mkdir()
    for name, rows in {
        "dataset1.csv": FEBRL_A + FEBRL_B,
        "dataset2.csv": FEBRL_A,
        "dataset3.csv": FEBRL_B,
        "dataset4a.csv": FEBRL_A,
        "dataset4b.csv": FEBRL_B,
    }.items():
        (cache / name).write_text("\n".join([FEBRL_HEADER, *rows]) + "\n", encoding="utf-8")
    return cache


def patients(root: Path) -> dict[str, tuple[str, tuple]]:
    out = {}
    for db in root.glob("hospital/*/frontend.sqlite"):
        con = sqlite3.connect(db)
        query = "SELECT patient_id, id_type, id_no, name, sex_code, birth_date, phone, address"
        for row in con.execute(query + " FROM patient"):
            out[row[0]] = (db.parent.name, row[1:])
        con.close()
    return out


def test_febrl_mapping(febrl_cache: Path, tmp_path: Path) -> None:
    assert fetch_febrl(febrl_cache) == febrl_cache  # cached: no download attempted
    root = build_febrl("febrl4", febrl_cache, tmp_path / "f4")
    got = patients(root)
    assert got["rec-12-org"] == (
        HOSPITAL_A,
        ("99", "5310044", "sarah smith", "", "1983-04-17", "", "7 gray street dickson 2602 act"),
    )
    assert got["rec-7-org"][1][2:4] == ("o'brien", "")  # empty given name dropped; month 13
    assert got["rec-12-dup-0"][0] == HOSPITAL_B and got["rec-12-dup-0"][1][4] == ""
    assert got["rec-7-dup-1"][1][6] == "12 kent st villa 3 hall 2618 nsw"
    truth = read_csv(root / "truth/record_person.csv")
    assert {r["record_id"]: r["person_id"] for r in truth} == {
        "rec-12-org": "12",
        "rec-7-org": "7",
        "rec-12-dup-0": "12",
        "rec-7-dup-1": "7",
    }
    one = patients(build_febrl("febrl1", febrl_cache, tmp_path / "f1"))
    assert set(one) == set(got) and {h for h, _ in one.values()} <= {HOSPITAL_A, HOSPITAL_B}
    again = patients(build_febrl("febrl1", febrl_cache, tmp_path / "f1b"))
    assert again == one  # the split over the two hospitals is a stable hash
    with pytest.raises(ValueError):
        build_febrl("febrl5", febrl_cache, tmp_path / "bad")
