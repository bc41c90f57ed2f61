"""Turn one hard-case record into the row its source delivers, and name who it mentions.

Identity values come from the case table (the person's truth plus the record's overrides);
everything else — vaccine batch, blood pressure, growth — is plausible filler chosen from the
person's age, so that a row looks like a real one but carries no extra identity signal.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bench.scenarios.deliver import iso_ts
from bench.scenarios.hard_cases_common import Case, Person, Rec

# vaccine key → (code, name, manufacturer) as a clinic's system sends them (product level; the
# pipeline's crosswalk maps them to CV08.50.001)
VACCINES = {
    "HepB": ("0201", "乙肝疫苗(酿酒酵母)", "深圳康泰生物制品股份有限公司"),
    "BCG": ("0101", "皮内注射用卡介苗", "上海生物制品研究所有限责任公司"),
    "IPV": ("0311", "脊髓灰质炎灭活疫苗", "北京科兴生物制品有限公司"),
    "DTaP": ("0401", "吸附无细胞百白破联合疫苗", "武汉生物制品研究所有限责任公司"),
    "MMR": ("1201", "麻腮风联合减毒活疫苗", "上海生物制品研究所有限责任公司"),
    "MPSV": ("1701", "A群C群脑膜炎球菌多糖疫苗", "兰州生物制品研究所有限责任公司"),
    "DT": ("0601", "吸附白喉破伤风联合疫苗", "武汉生物制品研究所有限责任公司"),
    "Flu": ("1903", "流感病毒裂解疫苗", "华兰生物疫苗股份有限公司"),
    "PPV23": ("2301", "23价肺炎球菌多糖疫苗", "成都生物制品研究所有限责任公司"),
    "Rabies": ("2801", "冻干人用狂犬病疫苗(Vero细胞)", "辽宁成大生物股份有限公司"),
    "HPV": ("5103", "9价人乳头瘤病毒疫苗(酿酒酵母)", "默沙东"),
}
DIAGNOSES = {
    "新生儿科": ("P59.9", "新生儿黄疸"),
    "儿科": ("J06.9", "急性上呼吸道感染"),
    "内科": ("J06.9", "急性上呼吸道感染"),
    "产科": ("Z34.9", "正常妊娠监督"),
    "心内科": ("I10", "特发性(原发性)高血压"),
    "急诊科": ("S93.4", "踝关节扭伤"),
}
# age in months → (height cm, weight kg, head circumference cm), about the WHO medians
_GROWTH = ((0, 50.0, 3.3, 34.5), (1, 54.5, 4.4, 37.0), (2, 58.0, 5.4, 39.0),
           (3, 61.0, 6.2, 40.5), (6, 67.0, 7.8, 43.0), (8, 70.0, 8.5, 44.0),
           (12, 75.5, 9.5, 46.0), (18, 82.0, 10.8, 47.0), (24, 87.0, 12.0, 48.0),
           (36, 95.5, 14.2, 49.0), (48, 103.0, 16.2, 50.0), (72, 116.0, 20.5, 51.0))  # fmt: skip
_MCH_PREFIX = {
    "maternal_registration": "JC",
    "prenatal_visit": "CJ",
    "delivery": "FM",
    "postpartum_visit": "CH",
    "child_checkup": "ET",
}


def event_time(rec: Rec, default: time) -> datetime:
    """The record's event as a Beijing datetime (``default`` when the table gives a date)."""
    if len(rec.at) > 10:
        return datetime.fromisoformat(rec.at)
    return datetime.combine(date.fromisoformat(rec.at), default)


def age_days(person: Person, rec: Rec) -> int:
    return (date.fromisoformat(rec.at[:10]) - date.fromisoformat(person.birth)).days


def identity(case: Case, rec: Rec) -> dict[str, str]:
    """What the record delivers for its person: truth, then the record's overrides."""
    p = case.persons[rec.who]
    out = {"name": p.name, "sex": p.sex, "birth": p.birth, "id_no": p.id_no, "id_type": p.id_type}
    out |= {"phone": p.phone, "address": p.address}
    out |= {k: v for k, v in rec.over.items() if k in out}
    if "id_no" in rec.over and "id_type" not in rec.over:
        # A blanked number goes with a blank type; a damaged one keeps the person's type.
        out["id_type"] = p.id_type if rec.over["id_no"] else ""
    return out


def kin_identity(case: Case, rec: Rec) -> dict[str, str]:
    """Guardian / mother fields on a child's record (empty for an adult's own record)."""
    kin = case.persons.get(rec.kin) if rec.kin else None
    out = {"g_name": "", "g_id": "", "g_phone": ""}
    if kin is not None:
        out = {"g_name": kin.name, "g_id": kin.id_no, "g_phone": kin.phone}
    return out | {k: v for k, v in rec.over.items() if k in out}


def mentions(rec: Rec) -> list[tuple[str, str]]:
    """(role, person key) of every person mention of the record (SOURCES.md roles)."""
    if rec.form == "delivery":
        return [("mother", rec.who), ("newborn", rec.kin)]
    role = {"patient": "patient", "dose": "recipient", "visit": "examinee"}.get(rec.form)
    if role is None:
        role = "child" if rec.form == "child_checkup" else "mother"
    return [(role, rec.who)]


def record_id(rec: Rec, serial: int) -> str:
    """An opaque, per-institution serial: says nothing about the case or the person."""
    if rec.source == "hospital":
        return f"{700000 + serial * 37}"
    if rec.source == "vaccination":
        return f"JZ{26000000 + serial * 13}"
    if rec.source == "checkup":
        return f"TJ2026{10000 + serial * 7:06d}"
    return f"{_MCH_PREFIX[rec.form]}{300000 + serial * 11}"


def hospital_rows(case: Case, rec: Rec, rid: str) -> list[tuple[str, dict[str, Any]]]:
    """The ``patient`` row and one encounter with its primary diagnosis."""
    v = identity(case, rec)
    p = case.persons[rec.who]
    age = age_days(p, rec)
    dept = rec.over.get("dept") or (
        "新生儿科" if age < 28 else "儿科" if age < 14 * 365 else "心内科" if age > 60 * 365
        else "内科"
    )  # fmt: skip
    enc = rec.over.get("enc") or ("inpatient" if dept == "新生儿科" else "outpatient")
    admit = event_time(rec, time(10, 0))
    discharge = iso_ts(admit + timedelta(days=4)) if enc == "inpatient" else ""
    code, dx_name = rec.over.get("dx") or DIAGNOSES[dept]
    patient = {"patient_id": rid, "id_type": v["id_type"], "id_no": v["id_no"], "name": v["name"]}
    patient |= {"sex_code": v["sex"], "birth_date": v["birth"], "phone": v["phone"]}
    patient["address"] = v["address"]
    encounter = {"encounter_id": f"E{rid}", "patient_id": rid, "encounter_type": enc}
    encounter |= {"dept_name": dept, "admit_time": iso_ts(admit), "discharge_time": discharge}
    diagnosis = {"diagnosis_id": f"D{rid}", "encounter_id": f"E{rid}", "icd10_code": code}
    diagnosis |= {"diagnosis_name": dx_name, "is_primary": 1, "diagnosed_at": iso_ts(admit)}
    return [("patient", patient), ("encounter", encounter), ("diagnosis", diagnosis)]


def vaccination_row(case: Case, rec: Rec, rid: str) -> dict[str, Any]:
    v, g = identity(case, rec), kin_identity(case, rec)
    adult = not rec.kin
    key = rec.over.get("vac") or ("Flu" if adult else "HepB")
    code, name, maker = VACCINES[key]
    when = event_time(rec, time(9, 30))
    return {
        "record_id": rid, "recipient_name": v["name"], "recipient_id_type": v["id_type"],
        "recipient_id_no": v["id_no"], "recipient_sex": v["sex"],
        "recipient_birth_date": v["birth"],
        "guardian_name": g["g_name"], "guardian_id_no": g["g_id"],
        # an adult's own mobile goes in the one phone field the system has
        "guardian_phone": v["phone"] if adult else g["g_phone"],
        "vaccine_code": code, "vaccine_name": name, "dose_no": int(rec.over.get("dose", 1)),
        "vaccinated_at": iso_ts(when), "batch_no": f"{when:%Y}{int(rid[-4:]) % 97:02d}{code[-2:]}",
        "manufacturer": maker, "site": "左上臂三角肌" if key != "BCG" else "左上臂外侧",
        "status": "active",
    }  # fmt: skip


def _growth(months: int) -> tuple[float, float, float]:
    row = max((g for g in _GROWTH if g[0] <= months), key=lambda g: g[0])
    return row[1], row[2], row[3]


def mch_row(case: Case, rec: Rec, rid: str) -> dict[str, Any]:
    v, g = identity(case, rec), kin_identity(case, rec)
    at = event_time(rec, time(9, 0))
    row: dict[str, Any] = {"record_id": rid}
    if rec.form == "maternal_registration":
        lmp = at.date() - timedelta(weeks=int(rec.over.get("gw", 10)))
        row |= {
            "mother_name": v["name"],
            "mother_id_type": v["id_type"],
            "mother_id_no": v["id_no"],
        }
        row |= {
            "mother_birth_date": v["birth"],
            "mother_phone": v["phone"],
            "address": v["address"],
        }
        row |= {"last_menstrual_date": lmp.isoformat(), "registered_at": iso_ts(at)}
    elif rec.form == "prenatal_visit":
        gw = int(rec.over.get("gw", 24))
        row |= {"mother_name": v["name"], "mother_id_no": v["id_no"], "visit_date": at.date()}
        row |= {"gestational_weeks": gw, "weight_kg": 52.0 + gw * 0.4, "systolic_bp": 112}
        row |= {"diastolic_bp": 72, "hemoglobin": 118, "fundal_height_cm": max(gw - 4, 12)}
    elif rec.form == "delivery":
        baby = case.persons[rec.kin]
        if baby.birth != rec.at[:10]:
            raise ValueError(f"{case.case_id}: delivery_time {rec.at} is not {baby.birth}")
        row |= {"mother_name": v["name"], "mother_id_no": v["id_no"], "delivery_time": iso_ts(at)}
        row |= {"delivery_mode": rec.over.get("mode", "vaginal")}
        row |= {"gestational_weeks": int(rec.over.get("gw", 39))}
        row |= {"baby_sex": rec.over.get("baby_sex", baby.sex)}
        row |= {"baby_birth_weight_g": int(rec.over.get("bw", 3300))}
        row |= {"baby_name": rec.over.get("baby_name", ""), "birth_certificate_no": f"Q{rid[2:]}26"}
    elif rec.form == "postpartum_visit":
        row |= {"mother_name": v["name"], "mother_id_no": v["id_no"], "visit_date": at.date()}
        row |= {"days_after_delivery": int(rec.over.get("dad", 7)), "systolic_bp": 118}
        row |= {"diastolic_bp": 76, "notes": "恶露正常，子宫复旧良好"}
    else:  # child_checkup
        months = age_days(case.persons[rec.who], rec) // 30
        height, weight, head = _growth(months)
        row |= {"child_name": v["name"], "child_sex": v["sex"], "child_birth_date": v["birth"]}
        row |= {"child_id_no": v["id_no"], "mother_name": g["g_name"], "mother_id_no": g["g_id"]}
        row |= {"checkup_date": at.date(), "height_cm": height, "weight_kg": weight}
        row |= {"head_circumference_cm": head, "development_result": "正常"}
    return row


def checkup_row(case: Case, rec: Rec, rid: str) -> dict[str, Any]:
    v = identity(case, rec)
    male = case.persons[rec.who].sex == "1"
    old = age_days(case.persons[rec.who], rec) > 60 * 365
    return {
        "体检编号": rid, "姓名": v["name"], "性别": v["sex"], "出生日期": v["birth"],
        "证件类型": v["id_type"], "证件号码": v["id_no"], "联系电话": v["phone"],
        "工作单位": rec.over.get("employer", ""),
        "体检日期": rec.at[:10], "身高cm": 172.5 if male else 160.0,
        "体重kg": 70.2 if male else 55.4, "收缩压": 138 if old else 121,
        "舒张压": 84 if old else 77,
        "空腹血糖mmol/L": 5.6 if old else 4.9, "总胆固醇mmol/L": 4.7, "甘油三酯mmol/L": 1.3,
        "尿酸umol/L": 352 if male else 268, "总检结论": "未见明显异常",
    }  # fmt: skip
