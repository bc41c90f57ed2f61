"""A tiny sources root written exactly per spec/SOURCES.md, for extract and standardise tests.

Four institutions (one per system) and a few rows of each dataset on one day. Row builders take
overrides so a test can damage one value; ``write_drop`` writes a file-drop folder with a
correct ``_manifest.json`` unless told otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from datetime import date
from pathlib import Path

from kernel import idno
from schemas.contracts import contract

DAY = date(2026, 3, 1)
MOTHER_ID = idno.make("320505", date(1995, 5, 17), 24)  # even sequence: a woman
PATIENT_ID = idno.make("320506", date(1980, 1, 2), 13)  # odd sequence: a man
EXAMINEE_ID = idno.make("320508", date(1970, 7, 7), 31)

INSTITUTIONS = [
    {
        "org_code": "H001",
        "org_name": "甲医院",
        "district_code": "320505",
        "org_type": "tertiary_hospital",
        "systems": "hospital",
    },
    {
        "org_code": "H002",
        "org_name": "乙医院",
        "district_code": "320506",
        "org_type": "secondary_hospital",
        "systems": "hospital",
    },
    {
        "org_code": "V001",
        "org_name": "接种门诊",
        "district_code": "320508",
        "org_type": "community_health_center",
        "systems": "vaccination",
    },
    {
        "org_code": "M001",
        "org_name": "妇幼保健院",
        "district_code": "320508",
        "org_type": "mch_hospital",
        "systems": "mch;vaccination",
    },
    {
        "org_code": "C001",
        "org_name": "体检中心",
        "district_code": "320571",
        "org_type": "checkup_center",
        "systems": "checkup",
    },
]
POPULATION = [
    {
        "district_code": "320505",
        "district_name": "虎丘区",
        "year": 2026,
        "resident_population": 1000,
    },
    {
        "district_code": "320506",
        "district_name": "吴中区",
        "year": 2026,
        "resident_population": 2000,
    },
    {
        "district_code": "320508",
        "district_name": "姑苏区",
        "year": 2026,
        "resident_population": 3000,
    },
    {
        "district_code": "320571",
        "district_name": "苏州工业园区",
        "year": 2026,
        "resident_population": 4000,
    },
]


def patient(**kw: object) -> dict:
    row = {
        "patient_id": "P1",
        "id_type": "01",
        "id_no": PATIENT_ID,
        "name": "王伟",
        "sex_code": "1",
        "birth_date": "1980-01-02",
        "phone": "13912345678",
        "address": "江苏省苏州市吴中区木渎镇1号",
        "updated_at": "2026-03-01T09:00:00+08:00",
    }
    return row | kw


def encounter(**kw: object) -> dict:
    row = {
        "encounter_id": "E1",
        "patient_id": "P1",
        "encounter_type": "outpatient",
        "dept_name": "内科",
        "admit_time": "2026-03-01T09:10:00+08:00",
        "discharge_time": None,
        "updated_at": "2026-03-01T09:30:00+08:00",
    }
    return row | kw


def diagnosis(**kw: object) -> dict:
    row = {
        "diagnosis_id": "D1",
        "encounter_id": "E1",
        "icd10_code": "I10.x01",
        "diagnosis_name": "高血压",
        "is_primary": 1,
        "diagnosed_at": "2026-03-01T09:20:00+08:00",
        "updated_at": "2026-03-01T09:30:00+08:00",
    }
    return row | kw


def dose(**kw: object) -> dict:
    row = {
        "record_id": "R1",
        "org_code": "V001",
        "recipient_name": "李小明",
        "recipient_id_type": "01",
        "recipient_id_no": "",
        "recipient_sex": "1",
        "recipient_birth_date": "2026-01-15",
        "guardian_name": "张丽",
        "guardian_id_no": MOTHER_ID,
        "guardian_phone": "13800001111",
        "vaccine_code": "0201",
        "vaccine_name": "乙肝疫苗",
        "dose_no": 2,
        "vaccinated_at": "2026-03-01T10:00:00+08:00",
        "batch_no": "B1",
        "manufacturer": "某厂",
        "site": "左上臂",
        "status": "active",
        "exported_at": "2026-03-01T20:00:00+08:00",
    }
    return row | kw


def delivery(**kw: object) -> dict:
    row = {
        "record_id": "DL1",
        "org_code": "M001",
        "mother_name": "张丽",
        "mother_id_no": MOTHER_ID,
        "delivery_time": "2026-03-01T03:15:00+08:00",
        "delivery_mode": "vaginal",
        "gestational_weeks": "39",
        "baby_sex": "2",
        "baby_birth_weight_g": "3300",
        "baby_name": "",
        "birth_certificate_no": "Q001",
        "exported_at": "2026-03-01T20:00:00+08:00",
    }
    return row | kw


def child_checkup(**kw: object) -> dict:
    row = {
        "record_id": "CC1",
        "org_code": "M001",
        "child_name": "李小明",
        "child_sex": "1",
        "child_birth_date": "2026-01-15",
        "child_id_no": "",
        "mother_name": "张丽",
        "mother_id_no": MOTHER_ID,
        "checkup_date": "2026-03-01",
        "height_cm": "58.5",
        "weight_kg": "5.6",
        "head_circumference_cm": "39",
        "development_result": "正常",
        "exported_at": "2026-03-01T20:00:00+08:00",
    }
    return row | kw


def checkup(**kw: object) -> dict:
    row = {
        "体检编号": "T1",
        "姓名": "陈建国",
        "性别": "男",
        "出生日期": "1970/07/07",
        "证件类型": "01",
        "证件号码": EXAMINEE_ID,
        "联系电话": "+86 139-0000-2222",
        "工作单位": "某公司",
        "体检日期": "2026-03-01",
        "身高cm": "172",
        "体重kg": "70.5",
        "收缩压": "128",
        "舒张压": "82",
        "空腹血糖mmol/L": "5.4",
        "总胆固醇mmol/L": "4.8",
        "甘油三酯mmol/L": "1.2",
        "尿酸umol/L": "350",
        "总检结论": "未见异常",
        "导出时间": "2026-03-01 20:00:00",
    }
    return row | kw


def csv_text(rows: list[dict], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def jsonl_text(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def write_drop(
    folder: Path, files: dict[str, bytes], manifest: dict[str, dict] | None = None
) -> None:
    """Write a file-drop folder and its _manifest.json (``manifest`` overrides entries by name)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, body in files.items():
        (folder / name).write_bytes(body)
        rows = max(
            len([ln for ln in body.decode("utf-8", "replace").splitlines() if ln.strip()]), 0
        )
        rows = rows - 1 if not name.endswith(".jsonl") and rows else rows  # CSV header
        entry = {"name": name, "rows": rows, "sha256": hashlib.sha256(body).hexdigest()}
        entries.append(entry | (manifest or {}).get(name, {}))
    body = {
        "date": folder.name if folder.name[:2] == "20" else folder.parent.name,
        "files": entries,
    }
    (folder / "_manifest.json").write_text(json.dumps(body), encoding="utf-8")


def write_frontend(path: Path, tables: dict[str, list[dict]]) -> None:
    """A front-end SQLite database with every hospital table (columns per contract)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    for name in (
        "patient",
        "encounter",
        "diagnosis",
        "prescription",
        "lab_result",
        "exam_report",
        "deleted_rows",
    ):
        cols = contract(f"hospital.{name}").column_names
        rows = tables.get(name, [])
        if rows:
            cols = list(rows[0])
        con.execute(f"CREATE TABLE {name} ({', '.join(cols)})")
        con.executemany(
            f"INSERT INTO {name} VALUES ({', '.join('?' * len(cols))})",
            [tuple(r.get(c) for c in cols) for r in rows],
        )
    con.commit()
    con.close()


def write_reference(root: Path) -> None:
    (root / "reference").mkdir(parents=True, exist_ok=True)
    (root / "reference" / "institutions.csv").write_text(csv_text(INSTITUTIONS), encoding="utf-8")
    (root / "reference" / "population.csv").write_text(csv_text(POPULATION), encoding="utf-8")


def tiny_city(root: Path, day: date = DAY) -> Path:
    """Every source of SOURCES.md for one day; H002 delivers nothing. Returns ``root``."""
    d = day.isoformat()
    write_reference(root)
    write_frontend(
        root / "hospital" / "H001" / "frontend.sqlite",
        {"patient": [patient()], "encounter": [encounter()], "diagnosis": [diagnosis()]},
    )
    write_drop(root / "vaccination" / d, {"V001.jsonl": jsonl_text([dose()]).encode()})
    write_drop(
        root / "mch" / d / "M001",
        {
            "delivery.csv": csv_text([delivery()]).encode(),
            "child_checkup.csv": csv_text([child_checkup()]).encode(),
        },
    )
    write_drop(root / "checkup" / d, {"C001.csv": csv_text([checkup()]).encode("gbk")})
    return root
