"""Health checkups (体检): one GBK CSV per institution and night, Chinese headers.

Who comes: the free 老年人健康体检 for residents 65 and over, run by the community centres that
have a checkup system (虎丘, 姑苏双塔, 吴江松陵, 太仓城厢) over the summer; employers' annual
checkups and the 入职体检 of factory workers (昆山仁和 takes most migrants); foreigners at the
international hospital. Every visit is typed afresh at the front desk (no 档案 to reuse), so slips
differ visit to visit; GBK cannot hold 生僻字, which become their usual homophone.

8 % of rows are exported on the day of the visit with 总检结论 "待总检" and again, with the same
体检编号, when the chief examiner signs the report 2–6 days later; a name slip found at 总检 is
corrected in that re-export.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.scenarios.holdout2 import desk, namebook
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.ledger import Ledger
from bench.scenarios.holdout2.orgs import CHK, DISTRICT_CHC, DISTRICT_CHECKUP, ORGS, Org
from bench.scenarios.holdout2.population import City, Person

SOURCE, ROLE = "checkup", "examinee"
COLUMNS = {
    "name": "name",
    "sex": "sex_label",
    "birth_date": "birth_date",
    "id_no": "id_no",
    "phone": "phone",
}


def _exam_no(ledger: Ledger, org: Org, day: date) -> str:
    n = ledger.serial(f"tj:{org.key}")
    if org.key.startswith("C_"):
        return f"LN{day:%y}{org.code[5:8]}{n:05d}"
    return f"TJ{day:%Y%m%d}{n:04d}"


def _measures(rng: random.Random, p: Person, day: date) -> dict:
    age = p.age(day)
    male = p.sex == "1"
    height = rng.gauss(170 if male else 158, 6) - max(0, age - 60) * 0.15
    bmi = rng.gauss(24.5 if age > 45 else 22.5, 3)
    sbp = int(rng.gauss(118 + max(0, age - 35) * 0.7, 12))
    dbp = int(sbp * rng.uniform(0.58, 0.7))
    diabetic = "E11.900" in p.conditions
    glucose = rng.gauss(8.2 if diabetic else 5.2, 1.4 if diabetic else 0.5)
    chol = rng.gauss(4.9 + (0.4 if age > 50 else 0), 0.8)
    tg = max(0.4, rng.gauss(1.5, 0.7))
    ua = rng.gauss(380 if male else 290, 70)
    notes = []
    if sbp >= 140 or dbp >= 90:
        notes.append("血压偏高，建议心血管内科随访")
    if glucose >= 7.0:
        notes.append("空腹血糖升高，建议内分泌科就诊")
    if chol >= 5.7 or tg >= 2.3:
        notes.append("血脂异常，建议低脂饮食")
    if ua >= 420:
        notes.append("高尿酸血症，建议少食高嘌呤食物")
    if bmi >= 28:
        notes.append("肥胖，建议控制体重")
    return {
        "身高cm": round(height, 1),
        "体重kg": round(bmi * (height / 100) ** 2, 1),
        "收缩压": sbp,
        "舒张压": dbp,
        "空腹血糖mmol/L": round(max(3.2, glucose), 2),
        "总胆固醇mmol/L": round(chol, 2),
        "甘油三酯mmol/L": round(tg, 2),
        "尿酸umol/L": round(ua),
        "总检结论": "；".join(notes) or "未见明显异常",
    }


def visit(ledger: Ledger, org: Org, p: Person, day: date) -> None:
    rng = ledger.rng("tijian")
    exam_no = _exam_no(ledger, org, day)
    w = desk.profile(ledger, p, org, SOURCE, day, gbk=True, fresh=exam_no)
    employer = p.employer if p.group != "elderly" else ("" if rng.random() < 0.7 else p.employer)
    row = {
        "体检编号": exam_no,
        "姓名": w.name,
        "性别": w.sex,
        "出生日期": w.birth_text,
        "证件类型": w.id_type if w.id_no else "",
        "证件号码": w.id_no,
        "联系电话": w.phone,
        "工作单位": employer,
        "体检日期": day,
        **_measures(rng, p, day),
    }
    later = day + timedelta(rng.randrange(2, 7))
    if rng.random() < R.CHECKUP_REEXPORT and ledger.in_window(later):
        final = dict(row)
        first = {**row, "总检结论": "待总检"}
        fixed = [d for d in w.damage if d == ("name", "name_homophone")]
        if not fixed and ledger.first("name_corrected_later") and namebook.homophone(rng, p.name):
            first["姓名"] = namebook.homophone(rng, p.name)
            fixed = [("name", "name_homophone")]
        if fixed:
            final["姓名"] = p.name
        ledger.writer.checkup(org.code, day, first)
        ledger.writer.checkup(org.code, later, final)
        ledger.damaged(SOURCE, org.code, exam_no, ROLE, "conclusion", "reexported_after_review")
        if fixed:
            ledger.damaged(SOURCE, org.code, exam_no, ROLE, "name", "name_corrected_later", p)
            w = desk.Written(**{**w.__dict__, "damage": [d for d in w.damage if d not in fixed]})
    else:
        ledger.writer.checkup(org.code, day, row)
    ledger.mention(SOURCE, org.code, exam_no, ROLE, p)
    desk.log(ledger, w, SOURCE, org, exam_no, ROLE, COLUMNS, p)


def _place(p: Person, rng: random.Random) -> Org | None:
    if p.origin == "foreign":
        return ORGS["H_INT"] if rng.random() < 0.6 else ORGS["K_HK"]
    if p.group == "elderly":
        chc = ORGS[DISTRICT_CHC[p.district]]
        return chc if CHK in chc.systems else None
    if p.origin == "migrant" and "有限公司" in p.employer and rng.random() < 0.6:
        return ORGS["K_RH"]
    return ORGS[DISTRICT_CHECKUP[p.district]]


def run(ledger: Ledger, city: City) -> None:
    rng = ledger.rng("tijian-plan")
    pregnant = {fam["mother"].pid for fam in city.families if fam["pregnancy"]}
    jobs = []
    for p in city.people:
        rate = 0.0
        if p.group == "elderly":
            rate = R.ELDERLY_CHECKUP if p.age(ledger.start) >= 65 else 0.0
        elif p.group in ("adult", "foreign"):
            rate = R.ADULT_CHECKUP
        elif p.group in ("mother", "father") and p.pid not in pregnant:
            rate = R.PARENT_CHECKUP
        if not rate or not ledger.chance(rng, rate):
            continue
        org = _place(p, rng)
        day = ledger.some_day(rng)
        if org is not None and day is not None:
            jobs.append((day, p.pid, org.key, p))
    jobs.sort(key=lambda j: j[:3])
    for day, _, key, p in jobs:
        visit(ledger, ORGS[key], p, day)
