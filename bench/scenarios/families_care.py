"""Ordinary care of the families: outpatient visits of adults and children, and adult health
checkups at the two checkup centres (GBK CSV with Chinese headers)."""

from __future__ import annotations

import random
from datetime import timedelta

from bench.scenarios.families_common import at, delivery_day, exported_at, phone_at_org
from bench.scenarios.families_damage import Ctx, Damager
from bench.scenarios.families_hospital import Hospitals
from bench.scenarios.families_model import (
    CHECKUP_ORGS,
    CHILDRENS,
    DISTRICT_HOSPITAL,
    MATERNITY,
    SUDA1,
    WUJIANG_MCH,
    ZJG_MCH,
    Household,
    Person,
    Record,
    Scenario,
)

ADULT_DX = {
    "young": (
        ("J06.900", "急性上呼吸道感染"),
        ("K29.700", "胃炎"),
        ("M54.500", "腰痛"),
        ("N76.000", "急性阴道炎"),
        ("J20.900", "急性支气管炎"),
    ),
    "old": (
        ("I10.x00", "原发性高血压"),
        ("E11.900", "2型糖尿病"),
        ("I25.100", "动脉硬化性心脏病"),
        ("J06.900", "急性上呼吸道感染"),
        ("K29.700", "胃炎"),
        ("M54.500", "腰痛"),
    ),
}
CHILD_DX = (
    ("J06.900", "急性上呼吸道感染"),
    ("J20.900", "急性支气管炎"),
    ("A08.400", "病毒性肠炎"),
    ("J18.900", "肺炎"),
    ("L20.900", "特应性皮炎"),
)
EMPLOYERS = (
    "苏州工业园区某电子有限公司",
    "苏州高新区某精密机械有限公司",
    "昆山某光电科技有限公司",
    "苏州市某小学",
    "中国银行苏州分行",
    "苏州某物流有限公司",
    "江苏某建设集团有限公司",
    "苏州某软件有限公司",
    "个体",
    "",
)
CONCLUSIONS = (
    "未见明显异常",
    "血压偏高，建议复查",
    "血脂偏高，建议低脂饮食",
    "超重，建议控制体重",
    "空腹血糖偏高，建议内分泌科就诊",
    "脂肪肝(轻度)",
)


def _p_visit(p: Person, age: float) -> float:
    """Chance of at least one outpatient visit in two months (Suzhou: ~8 visits/person-year,
    concentrated on the old, the chronically ill and young children)."""
    if p.relation == "child":
        return 0.55 if age < 7 else 0.25
    return 0.65 if age >= 65 else 0.45 if age >= 45 else 0.35 if p.sex == 2 else 0.25


class CareEvents:
    def __init__(self, rng: random.Random, sc: Scenario, dmg: Damager, hosp: Hospitals) -> None:
        self.rng, self.sc, self.dmg, self.hosp = rng, sc, dmg, hosp

    def household(self, hh: Household) -> None:
        m = self.sc.persons[hh.mother]
        for pid in [hh.mother, hh.father, *hh.grandparents, *hh.children]:
            if not pid:
                continue
            p = self.sc.persons[pid]
            age = (self.sc.start - p.birth).days / 365.25
            if age >= 0.1 and self.rng.random() < _p_visit(p, age):
                self._visits(hh, p, age, fallback=m.phone)
            if p.relation != "child":
                self._checkup(hh, p, age, fallback=m.phone)

    def _hospital_for(self, hh: Household, p: Person, age: float) -> str:
        rng = self.rng
        r = rng.random()
        if p.relation == "child":
            return (
                CHILDRENS
                if r < 0.5
                else hh.community
                if r < 0.85
                else DISTRICT_HOSPITAL.get(hh.district, SUDA1)
            )
        if p.sex == 2 and age < 50 and r < 0.1:  # gynaecology at an MCH hospital
            return {"320509": WUJIANG_MCH, "320582": ZJG_MCH}.get(hh.district, MATERNITY)
        return (
            hh.community
            if r < (0.55 if age >= 60 else 0.3)
            else DISTRICT_HOSPITAL.get(hh.district, SUDA1)
        )

    def _visits(self, hh: Household, p: Person, age: float, fallback: str) -> None:
        rng, sc = self.rng, self.sc
        n = rng.choices((1, 2, 3, 4), weights=(50, 25, 15, 10))[0]
        org = self._hospital_for(hh, p, age)
        dx_pool = CHILD_DX if p.relation == "child" else ADULT_DX["old" if age >= 50 else "young"]
        days = sorted(
            sc.start + timedelta(days=rng.randrange((sc.end - sc.start).days + 1)) for _ in range(n)
        )
        dx = rng.choice(dx_pool)
        for day in days:
            if p.birth_time and day <= p.birth_time.date():
                continue
            if rng.random() < 0.3:  # a different hospital this time
                org = self._hospital_for(hh, p, age)
            when = at(day, rng, 7, 20)
            emergency = rng.random() < 0.08
            pid = self.hosp.registered(org, p, when, fallback_phone=fallback)
            dept = "儿科" if p.relation == "child" else "急诊科" if emergency else "内科"
            self.hosp.encounter(
                org, pid, when, "emergency" if emergency else "outpatient", dept, [dx]
            )

    def _checkup(self, hh: Household, p: Person, age: float, fallback: str) -> None:
        rng, sc, dmg = self.rng, self.sc, self.dmg
        preg = hh.pregnancy
        if p.pid == hh.mother and (preg is not None or hh.recent_birth):
            return  # pregnant and postpartum women are seen by maternal care, not checkups
        # employers' annual checkups cluster in spring; 65+ residents get a free yearly one
        share = 0.25 if age >= 65 else 0.10 if age >= 55 else 0.12
        if rng.random() >= share:
            return
        day = sc.start + timedelta(days=rng.randrange((sc.end - sc.start).days + 1))
        while day.weekday() == 6:  # checkup centres close on Sundays
            day -= timedelta(days=1)
        day = max(day, sc.start)
        org = rng.choice(CHECKUP_ORGS)
        rid = f"TJ{day:%y%m%d}{sc.next_id(org, '', 5)}"
        ctx = Ctx("checkup", org, rid, "examinee")
        id_no = dmg.id_no(
            ctx,
            "证件号码",
            "" if rng.random() < 0.02 else p.id_no,
            None,
            birth=p.birth,
            legacy_ok=True,
        )
        glucose = round(rng.gauss(5.2 if age < 50 else 5.9, 0.7), 1)
        row = {
            "体检编号": rid,
            "姓名": dmg.name(ctx, "姓名", p.name, None),
            "性别": "男" if p.sex == 1 else "女",
            "出生日期": dmg.birth(ctx, "出生日期", p.birth, None),
            "证件类型": "01" if id_no else "",
            "证件号码": id_no,
            "联系电话": dmg.phone(ctx, "联系电话", phone_at_org(rng, p, fallback), None),
            "工作单位": "退休" if age >= 60 else rng.choice(EMPLOYERS),
            "体检日期": day.isoformat(),
            "身高cm": round(rng.gauss(170 if p.sex == 1 else 159, 6), 1),
            "体重kg": round(rng.gauss(70 if p.sex == 1 else 57, 9), 1),
            "收缩压": round(rng.gauss(118 + max(0.0, age - 40) * 0.6, 12)),
            "舒张压": round(rng.gauss(76, 8)),
            "空腹血糖mmol/L": glucose,
            "总胆固醇mmol/L": round(rng.gauss(4.8, 0.8), 2),
            "甘油三酯mmol/L": round(abs(rng.gauss(1.5, 0.7)) + 0.3, 2),
            "尿酸umol/L": round(rng.gauss(380 if p.sex == 1 else 290, 60)),
            "总检结论": rng.choice(CONCLUSIONS),
        }
        out = delivery_day(rng, sc, day, org)
        row["导出时间"] = exported_at(out, rng).replace("T", " ")[:19]
        sc.add(Record("checkup", org, "visit", out, row, rid, (("examinee", p.pid),)))
