"""Maternity and the emergency room in the HIS: 产检, deliveries, newborns, 无名氏.

* **newborns under the mother** at the birth hospital (:func:`newborn`): her name with 之子/之女,
  婴, 婴儿 or 大宝/二宝/三宝, her ID number (吴江 leaves it empty), at 吴江 40 % of the time her
  birth date, at 张家港 no sex; 运河 and 昆山妇幼 register every baby (as 产科 inpatients,
  母婴同室), the others only the babies admitted to 新生儿科. The baby's stay is coded Z38.x
  (liveborn infant by plurality, born in hospital) with P07.3 早产, P59.9 黄疸 or P22.1 湿肺 in
  新生儿科; the mother's stay O80/O81/O82 or O84.2 with O30.x for multiples, O60.1 when preterm,
  and Z37.x. A quarter of the babies come back 3–10 days later for a 黄疸 re-check, registered once
  more as a new patient.
* **无名氏**: a handful of unconscious emergency patients registered as 无名氏N, with no ID, birth
  date or phone, and registered again under their own name when identified the next days.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bench.scenarios.holdout2 import desk, his_care, namebook
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.ledger import clock
from bench.scenarios.holdout2.orgs import ORGS, Org
from bench.scenarios.holdout2.population import City, Person

if TYPE_CHECKING:
    from bench.scenarios.holdout2.his import Frontend

SOURCE = "hospital"


def prenatal(fe: Frontend, org: Org, fam: dict, day) -> None:
    """A 产检 visit at the birth hospital's 产科门诊."""
    rng, mother = fe.rng, fam["mother"]
    when = clock(rng, day)
    code, name = rng.choice(his_care.PRENATAL) if rng.random() < 0.15 else his_care.PRENATAL[0]
    exam = ("US", "产科") if rng.random() < 0.25 else None
    fe.encounter(
        org,
        fe.patient(org, mother, when),
        "outpatient",
        "产科",
        when,
        [(code, name)],
        lab_code="Z34" if rng.random() < 0.3 else None,
        exam=exam,
    )


def delivery(fe: Frontend, org: Org, fam: dict) -> None:
    """The mother's delivery stay at the birth hospital, and her babies' rows there."""
    rng, mother, plan = fe.rng, fam["mother"], fam["pregnancy"]
    admit = plan["time"] - timedelta(hours=rng.randrange(2, 20))
    if admit.date() < fe.ledger.start:  # labour began the night before the window
        admit = plan["time"] - timedelta(minutes=rng.randrange(30, 60))
    n, mode = plan["n"], plan["mode"]
    dx = [
        {
            "vaginal": ("O80.000", "单胎顺产"),
            "assisted": ("O81.000", "低位产钳分娩"),
            "cesarean": ("O82.000", "剖宫产分娩"),
        }[mode]
        if n == 1
        else ("O84.200", "多胎剖宫产分娩")
    ]
    if n > 1:
        dx.append(("O30.000", "双胎妊娠") if n == 2 else ("O30.100", "三胎妊娠"))
    if plan["weeks"] < 37:
        dx.append(("O60.100", "早产"))
    dx.append(
        {1: ("Z37.000", "单胎活产"), 2: ("Z37.200", "双胎活产"), 3: ("Z37.500", "其他多胎活产")}[n]
    )
    stay = 3 if mode != "cesarean" else rng.randrange(4, 7)
    fe.encounter(
        org, fe.patient(org, mother, admit), "inpatient", "产科", admit, dx, stay_days=stay
    )
    for rank, baby in enumerate(plan["babies"]):
        newborn(fe, org, fam, baby, rank, n, stay)


def newborn(fe: Frontend, org: Org, fam: dict, baby: Person, rank: int, n: int, stay: int) -> None:
    ledger, rng, mother = fe.ledger, fe.rng, fam["mother"]
    style = org.habits.get("newborn", "zhizi")
    all_babies = style in ("zhizi_rank", "zhizi_paren")
    when = baby.birth_time + timedelta(minutes=rng.randrange(10, 50))
    if all_babies or baby.nicu:
        name = desk.mother_form(rng, baby, style, rank, n)
        damage = [("name", "name_mother_form")]
        if org.habits.get("gbk_db") and namebook.gbk_safe(name) != name:
            name = namebook.gbk_safe(name)
            damage.append(("name", "name_rare_char_sub"))
        id_no = org.habits.get("newborn_id", mother.id_no)
        if id_no:
            damage.append(("id_no", "id_of_mother"))
        birth = baby.birth
        rate = org.habits.get("newborn_mother_birth", 0.0)
        if rng.random() < rate or (rate and ledger.first("date_of_mother")):
            birth = mother.birth
            damage.append(("birth_date", "date_of_mother"))
        sex = baby.sex
        if org.habits.get("newborn_sex_blank"):
            sex = ""
            damage.append(("sex", "sex_missing"))
        written = desk.Written(name, sex, birth, "01", id_no, mother.phone, mother.address, damage)
        pid = fe.patient(org, baby, when, written, new=True)
        ledger.kind(baby, "newborn_infant")
        ledger.kind(mother, "mother_with_baby_records")
        plural = {
            1: ("Z38.000", "单胎活产婴儿，在医院内出生"),
            2: ("Z38.300", "双胎活产婴儿，在医院内出生"),
            3: ("Z38.600", "其他多胎活产婴儿，在医院内出生"),
        }[n]
        if baby.nicu:
            sick = [his_care.NEWBORN_SICK[2]] if baby.weight_g < 2500 else []
            sick.append(rng.choice(his_care.NEWBORN_SICK[:2]))
            fe.encounter(
                org,
                pid,
                "inpatient",
                "新生儿科",
                when,
                [*sick, plural],
                stay_days=rng.randrange(5, 15),
                lab_code=sick[-1][0],
            )
        else:
            fe.encounter(org, pid, "inpatient", "产科", when, [plural], stay_days=stay)
    if rng.random() < 0.25:  # 黄疸复查 at the outpatient clinic, registered again
        day = baby.birth + timedelta(rng.randrange(3, 11))
        if ledger.in_window(day):
            at = clock(rng, day)
            written = desk.profile(ledger, baby, org, SOURCE, day, fresh=f"recheck:{baby.pid}")
            extra = (("patient_id", "duplicate_registration"),) if all_babies or baby.nicu else ()
            pid = fe.patient(org, baby, at, written, new=True, extra=extra)
            fe.encounter(
                org,
                pid,
                "outpatient",
                "新生儿科门诊",
                at,
                [his_care.NEWBORN_SICK[0]],
                lab_code="P59",
            )
            ledger.kind(baby, "newborn_infant")
            if any(k == "id_of_mother" or k == "name_mother_form" for _, k in written.damage):
                ledger.kind(mother, "mother_with_baby_records")


def unknown_patients(fe: Frontend, city: City) -> None:
    ledger = fe.ledger
    rng = ledger.rng("unknown")
    pool = [p for p in city.people if p.group in ("elderly", "adult") and p.origin != "foreign"]
    for n in range(R.UNKNOWN_PATIENTS):
        p = pool[rng.randrange(len(pool))]
        org = ORGS[("H_GS", "H_WJ", "H_XC", "H_CSH")[n % 4]]
        day = ledger.early_day(rng)
        at = clock(rng, day, 0, 24)
        written = desk.Written(
            f"无名氏{rng.randrange(1, 30)}",
            p.sex,
            None,
            "",
            "",
            "",
            "",
            [("name", "name_unknown"), ("id_no", "id_missing"), ("birth_date", "birth_missing")],
        )
        pid = fe.patient(org, p, at, written, new=True)
        code, name = rng.choice(
            his_care.ELDERLY_EMERGENCY if p.group == "elderly" else (("S06.000", "脑震荡"),)
        )
        fe.encounter(org, pid, "emergency", "急诊科", at, [(code, name)], exam=("CT", "头颅"))
        later = day + timedelta(rng.randrange(1, 3))
        if ledger.in_window(later):
            when = clock(rng, later)
            written = desk.profile(ledger, p, org, SOURCE, later, fresh=f"id:{pid}")
            own = fe.patient(
                org, p, when, written, extra=(("patient_id", "duplicate_registration"),)
            )
            fe.encounter(
                org,
                own,
                "inpatient",
                "神经外科",
                when,
                [(code, name)],
                stay_days=rng.randrange(3, 10),
            )
