"""Maternal and child health (妇幼保健信息系统): daily CSVs per institution and record type.

The 孕产妇 档案 is one per pregnancy and shared by every institution in the MCH system: the
community centre (or, where it does not report, the birth hospital's 产科门诊) types it at 建册,
and the hospital's 产检 visits, the delivery and the 产后访视 carry the same identity, slips and
all. 15 % of migrant mothers never 建册 (流动孕产妇 who arrive late): the birth hospital types
them afresh at delivery, as it does for 10 % of others whose 档案 it cannot find.

* ``delivery``: one row per baby (twins two rows, triplets three); ``baby_name`` is empty for
  85 % of babies, 大宝/小宝 for some multiples, the registered name when the family already chose
  one; the 出生医学证明 number is filled for 70 % (issued later for the rest).
* ``postpartum_visit`` at 3–7 and 26–30 days after delivery, by the community centre that reports
  to MCH (虎丘, 常熟, 吴江; 昆山妇幼 for 昆山/太仓); elsewhere no record reaches the platform.
* ``child_checkup`` at 1, 3, 6, 8, 12, 18, 24, 30, 36 months and 4, 5, 6 years (a week early to
  two weeks late; twins together): the 儿童保健 档案 uses the 乳名 until the child is named and
  carries the child's ID in 40 % of cases once there is one.
"""

from __future__ import annotations

from datetime import date, timedelta

from bench.scenarios.holdout2 import desk
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.births import care_dates
from bench.scenarios.holdout2.ledger import Ledger, clock
from bench.scenarios.holdout2.orgs import (
    DISTRICT_BIRTH,
    DISTRICT_CHILD_MCH,
    DISTRICT_REGISTRATION,
    ORGS,
    Org,
)
from bench.scenarios.holdout2.population import City, Person

SOURCE = "mch"
MOTHER_COLUMNS = {
    "name": "mother_name",
    "id_no": "mother_id_no",
    "birth_date": "mother_birth_date",
    "phone": "mother_phone",
}
CHILD_COLUMNS = {
    "name": "child_name",
    "sex": "child_sex",
    "birth_date": "child_birth_date",
    "id_no": "child_id_no",
}
CHECK_MONTHS = (1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72)
_PREFIX = {
    "maternal_registration": "JC",
    "prenatal_visit": "CJ",
    "delivery": "FM",
    "postpartum_visit": "CH",
    "child_checkup": "ET",
}


class MchSystem:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.rng = ledger.rng("mch")

    def rid(self, org: Org, record_type: str, day: date) -> str:
        n = self.ledger.serial(f"mch:{org.key}:{record_type}")
        return f"{_PREFIX[record_type]}{org.code[4:8]}{day:%Y%m%d}{n:04d}"

    def mother_profile(self, fam: dict, day: date) -> desk.Written:
        """The shared 孕产妇 档案 identity (typed at the registration institution)."""
        reg = ORGS[DISTRICT_REGISTRATION[fam["district"]]]
        return desk.profile(self.ledger, fam["mother"], reg, SOURCE, day)

    def write(
        self,
        org: Org,
        record_type: str,
        day: date,
        row: dict,
        mentions: list[tuple[str, Person, desk.Written | None, dict]],
    ) -> str:
        record_id = self.rid(org, record_type, day)
        self.ledger.writer.mch(org.code, day, record_type, {"record_id": record_id, **row})
        for role, person, written, columns in mentions:
            self.ledger.mention(SOURCE, org.code, record_id, role, person)
            if written is not None:
                desk.log(self.ledger, written, SOURCE, org, record_id, role, columns, person)
        return record_id


def _mother_fields(w: desk.Written) -> dict:
    return {"mother_name": w.name, "mother_id_no": w.id_no}


def _pregnancy(mch: MchSystem, fam: dict) -> None:
    ledger, rng, mother = mch.ledger, mch.rng, fam["mother"]
    dates, plan = care_dates(fam, ledger), fam["pregnancy"]
    never = mother.origin == "migrant" and rng.random() < 0.15
    reg_org = ORGS[DISTRICT_REGISTRATION[fam["district"]]]
    birth_org = ORGS[DISTRICT_BIRTH[fam["district"]]]
    cols = {k: v for k, v in MOTHER_COLUMNS.items() if k in ("name", "id_no")}
    if not never and ledger.in_window(dates["registered"]):
        day = dates["registered"]
        w = mch.mother_profile(fam, day)
        row = {
            **_mother_fields(w),
            "mother_id_type": w.id_type if w.id_no else "",
            "mother_birth_date": w.birth_text,
            "mother_phone": w.phone,
            "address": w.address,
            "last_menstrual_date": plan["lmp"],
            "registered_at": clock(rng, day),
        }
        mch.write(
            reg_org, "maternal_registration", day, row, [("mother", mother, w, MOTHER_COLUMNS)]
        )
    for day, weeks in dates["prenatal"]:
        if not ledger.in_window(day):
            continue
        w = (
            mch.mother_profile(fam, day)
            if not never
            else desk.profile(ledger, mother, birth_org, SOURCE, day)
        )
        sbp = rng.randrange(98, 128) + (15 if rng.random() < 0.05 else 0)
        row = {
            **_mother_fields(w),
            "visit_date": day,
            "gestational_weeks": weeks,
            "weight_kg": round(rng.uniform(50, 62) + weeks * 0.35, 1),
            "systolic_bp": sbp,
            "diastolic_bp": sbp - rng.randrange(35, 50),
            "hemoglobin": rng.randrange(98, 136),
            "fundal_height_cm": weeks - rng.randrange(-2, 3) if weeks >= 20 else "",
        }
        mch.write(birth_org, "prenatal_visit", day, row, [("mother", mother, w, cols)])
    if dates["delivery"] and ledger.in_window(dates["delivery"]):
        day = dates["delivery"]
        fresh = never or rng.random() < 0.1
        w = (
            desk.profile(ledger, mother, birth_org, SOURCE, day, fresh="dlv")
            if fresh
            else mch.mother_profile(fam, day)
        )
        n = plan["n"]
        for rank, baby in enumerate(plan["babies"]):
            name = ""
            if n > 1 and rng.random() < 0.4:
                name = ("大宝", "二宝", "小宝")[rank if n == 3 else rank * 2]
            elif rng.random() < 0.15:
                name = baby.name
            cert = f"T32{rng.randrange(10**7):07d}" if rng.random() < 0.7 else ""
            row = {
                **_mother_fields(w),
                "delivery_time": baby.birth_time,
                "delivery_mode": plan["mode"],
                "gestational_weeks": plan["weeks"],
                "baby_sex": baby.sex,
                "baby_birth_weight_g": baby.weight_g,
                "baby_name": name,
                "birth_certificate_no": cert,
            }
            record_day = (
                day if rng.random() < 0.7 else min(day + timedelta(1), ledger.end - timedelta(1))
            )
            rid = mch.write(
                birth_org,
                "delivery",
                record_day,
                row,
                [("mother", mother, w, cols), ("newborn", baby, None, {})],
            )
            if name and name != baby.name:
                ledger.damaged(
                    SOURCE, birth_org.code, rid, "newborn", "baby_name", "name_placeholder", baby
                )
            ledger.kind(baby, "newborn_infant")
            ledger.kind(mother, "mother_with_baby_records")
    _postpartum(mch, fam, dates)


def _postpartum(mch: MchSystem, fam: dict, dates: dict) -> None:
    ledger, rng, mother = mch.ledger, mch.rng, fam["mother"]
    key = DISTRICT_CHILD_MCH.get(fam["district"])
    if key is None:
        return
    org = ORGS[key]
    born = dates["born"]
    for day in dates["postpartum"]:
        if not ledger.in_window(day):
            continue
        w = mch.mother_profile(fam, day)
        after = (day - born).days if born else ""
        sbp = rng.randrange(100, 132)
        note = rng.choice(
            ("恶露正常，子宫复旧良好", "母乳喂养，乳汁充足", "切口愈合良好", "情绪稍低落，已指导")
        )
        row = {
            **_mother_fields(w),
            "visit_date": day,
            "days_after_delivery": after,
            "systolic_bp": sbp,
            "diastolic_bp": sbp - rng.randrange(35, 50),
            "notes": note,
        }
        mch.write(
            org,
            "postpartum_visit",
            day,
            row,
            [("mother", mother, w, {"name": "mother_name", "id_no": "mother_id_no"})],
        )


def _child_checkups(mch: MchSystem, kid: Person, fam: dict) -> None:
    ledger, rng = mch.ledger, mch.rng
    key = DISTRICT_CHILD_MCH.get(kid.district)
    if key is None:
        return
    org = ORGS[key]
    for months in CHECK_MONTHS:
        y, m = divmod(kid.birth.month - 1 + months, 12)
        due = date(kid.birth.year + y, m + 1, min(kid.birth.day, 28))
        if due >= ledger.end + timedelta(10) or due < ledger.start - timedelta(20):
            continue
        shift = ledger.desk_cache.setdefault(
            ("ck", kid.twin_group or kid.pid, months), rng.randrange(*R.CHECKUP_DELAY_DAYS)
        )
        day = max(due + timedelta(shift), kid.birth + timedelta(26))
        if not ledger.in_window(day):
            continue
        w = desk.profile(ledger, kid, org, SOURCE, day)
        cols = dict(CHILD_COLUMNS)
        id_no = w.id_no
        if (
            id_no
            and ledger.desk_cache.setdefault(
                ("ck-id", org.key, kid.pid), rng.random() < R.CHILD_ID_ON_CHECKUP
            )
            is False
        ):
            id_no = ""
            cols.pop("id_no")
        mw = desk.profile(ledger, fam["mother"], org, SOURCE, day)
        age_m = (day - kid.birth).days / 30.4
        height = round(
            50 + 25 * min(age_m, 12) / 12 + 0.7 * max(0, age_m - 12) + rng.uniform(-2, 2), 1
        )
        weight = round(
            3.3 + 6.5 * min(age_m, 12) / 12 + 0.18 * max(0, age_m - 12) + rng.uniform(-0.6, 0.6), 1
        )
        row = {
            "child_name": w.name,
            "child_sex": w.sex,
            "child_birth_date": w.birth_text or kid.birth.isoformat(),
            "child_id_no": id_no,
            "mother_name": mw.name,
            "mother_id_no": mw.id_no,
            "checkup_date": day,
            "height_cm": height,
            "weight_kg": weight,
            "head_circumference_cm": round(
                34 + 12 * min(age_m, 12) / 12 + 0.1 * max(0, age_m - 12), 1
            )
            if age_m < 36
            else "",
            "development_result": "正常"
            if rng.random() < 0.93
            else rng.choice(("可疑", "建议复查")),
        }
        mch.write(org, "child_checkup", day, row, [("child", kid, w, cols)])
        if kid.group == "newborn" or (ledger.start - kid.birth).days < 60:
            ledger.kind(kid, "newborn_infant")


def run(ledger: Ledger, city: City) -> None:
    mch = MchSystem(ledger)
    fam_of = {k.pid: fam for fam in city.families for k in fam["kids"]}
    for fam in city.families:
        if fam["pregnancy"]:
            _pregnancy(mch, fam)
        else:
            _postpartum(mch, fam, care_dates(fam, ledger))
    for p in city.people:
        if p.group in ("child", "newborn") and p.pid in fam_of:
            _child_checkups(mch, p, fam_of[p.pid])
