"""Maternal and child health events: registration, prenatal care, delivery, postpartum visits,
the hospital rows of a birth, and child health checkups."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from bench.scenarios.families_common import (
    age_months,
    at,
    delivery_day,
    exported_at,
    growth,
    hash_unit,
    iso,
    phone_at_org,
)
from bench.scenarios.families_damage import Ctx, Damager
from bench.scenarios.families_hospital import Hospitals
from bench.scenarios.families_model import (
    CHILDRENS,
    CITY_DELIVERY,
    DISTRICT_MCH,
    ORGS,
    Household,
    Person,
    Record,
    Scenario,
)
from bench.scenarios.families_names import hospital_newborn_name, vaccination_placeholder

# Suzhou's practice: visits every 4 weeks to week 28, every 2 weeks to 36, then weekly.
PRENATAL_WEEKS = (12, 16, 20, 24, 28, 30, 32, 34, 36, 37, 38, 39, 40, 41)
P_PRENATAL_ATTEND = 0.9
P_NEWBORN_HOSPITAL_ROW = 0.65
P_NEWBORN_ROW_MOTHER_ID = 0.4
P_BABY_NAME_IF_NAMED = 0.85  # baby_name is filled in when the name existed at birth …
P_BIRTH_CERT_AT_EXPORT = 0.65  # … and the 出生医学证明 number when it was issued before export
CHECKUP_MONTHS = (1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72)  # 国家基本公卫 0–6 岁儿童健康管理
P_CHILD_ID_IN_CHECKUP = 0.55
P_MOTHER_ID_IN_CHECKUP = 0.85


class MchEvents:
    def __init__(self, rng: random.Random, sc: Scenario, dmg: Damager, hosp: Hospitals) -> None:
        self.rng, self.sc, self.dmg, self.hosp = rng, sc, dmg, hosp

    def _mch(
        self,
        org: str,
        kind: str,
        prefix: str,
        event_day: date,
        row: dict,
        mentions: tuple[tuple[str, str], ...],
    ) -> None:
        day = delivery_day(self.rng, self.sc, event_day, org)
        row["exported_at"] = exported_at(day, self.rng)
        self.sc.add(Record("mch", org, kind, day, row, row["record_id"], mentions))

    def _mother_fields(
        self,
        org: str,
        rid: str,
        m: Person,
        id_field: str = "mother_id_no",
        id_present: float = 0.95,
    ) -> dict:
        ctx = Ctx("mch", org, rid, "mother")
        # the mother's handbook at one institution is typed once; every record repeats it
        key = (m.pid, org, "mch")
        keep_id = self.rng.random() < id_present
        return {
            "mother_name": self.dmg.name(ctx, "mother_name", m.name, key),
            id_field: self.dmg.id_no(ctx, id_field, m.id_no if keep_id else "", key),
        }

    def household(self, hh: Household) -> None:
        m = self.sc.persons[hh.mother]
        preg = hh.pregnancy
        if preg is not None:
            self._pregnancy(hh, m)
        for cid in hh.children:
            c = self.sc.persons[cid]
            # a baby born shortly before the window: the mother's postpartum visits fall in it
            if (
                c.birth_time
                and not c.birth_org
                and (self.sc.start - c.birth).days <= 60
                and not c.twin_index
            ):
                self._postpartum(hh, m, c.birth_time, c.birth_org or hh.community, cid)
            self._child_checkups(hh, m, c)
            if (self.sc.start - c.birth).days <= 60:
                self._infant_hospital(hh, m, c)

    def _pregnancy(self, hh: Household, m: Person) -> None:
        rng, sc, preg = self.rng, self.sc, hh.pregnancy
        assert preg is not None
        reg_day = preg.lmp + timedelta(
            days=rng.randint(56, 91) if rng.random() < 0.9 else rng.randint(98, 140)
        )
        reg_org = hh.community if rng.random() < 0.8 else preg.org
        if sc.in_window(reg_day) and (preg.delivery is None or reg_day < preg.delivery.date()):
            rid = sc.next_id(reg_org, "JC", 8)
            ctx = Ctx("mch", reg_org, rid, "mother")
            key = (m.pid, reg_org, "mch")
            row = {
                "record_id": rid,
                "org_code": reg_org,
                **self._mother_fields(reg_org, rid, m, id_present=1.0),
                "mother_id_type": "01",
                "mother_birth_date": self.dmg.birth(ctx, "mother_birth_date", m.birth, key),
                "mother_phone": self.dmg.phone(ctx, "mother_phone", phone_at_org(rng, m), key),
                "address": hh.address.removeprefix("江苏省") if rng.random() < 0.5 else hh.address,
                "last_menstrual_date": preg.lmp.isoformat(),
                "registered_at": iso(at(reg_day, rng)),
            }
            self._mch(reg_org, "maternal_registration", "JC", reg_day, row, (("mother", m.pid),))
        last = preg.delivery.date() - timedelta(days=1) if preg.delivery else sc.end
        for weeks in PRENATAL_WEEKS:
            day = preg.lmp + timedelta(days=weeks * 7 + rng.randint(0, 4))
            if not (sc.in_window(day) and day <= last) or rng.random() > P_PRENATAL_ATTEND:
                continue
            org = reg_org if weeks < 16 else preg.org
            rid = sc.next_id(org, "CJ", 8)
            bmi_weight = 55 + rng.gauss(0, 7) + max(0, weeks - 12) * 0.45
            row = {
                "record_id": rid,
                "org_code": org,
                **self._mother_fields(org, rid, m),
                "visit_date": day.isoformat(),
                "gestational_weeks": weeks,
                "weight_kg": round(bmi_weight, 1),
                "systolic_bp": rng.randint(100, 135),
                "diastolic_bp": rng.randint(60, 88),
                "hemoglobin": round(rng.gauss(118, 10)),
                "fundal_height_cm": weeks - 4 + rng.randint(-2, 2) if weeks >= 20 else "",
            }
            self._mch(org, "prenatal_visit", "CJ", day, row, (("mother", m.pid),))
            when = at(day, rng, 8, 12)
            pid = self.hosp.registered(org, m, when) if "hospital" in self._systems(org) else ""
            if pid:
                self.hosp.encounter(
                    org,
                    pid,
                    when,
                    "outpatient",
                    "产科门诊",
                    [("Z34.900", "正常妊娠监督")],
                    lab=("HGB", "血红蛋白", row["hemoglobin"], "g/L", "110-150"),
                )
        if preg.delivery is not None:
            self._delivery(hh, m)

    def _systems(self, org: str) -> tuple[str, ...]:
        return next(o.systems for o in ORGS if o.org_code == org)

    def _delivery(self, hh: Household, m: Person) -> None:
        rng, sc, preg = self.rng, self.sc, hh.pregnancy
        assert preg is not None and preg.delivery is not None
        org, when = preg.org, preg.delivery
        # admitted hours before the birth (never before the window: the HIS row must be extracted)
        admit = max(
            when - timedelta(hours=rng.randint(2, 20)),
            datetime(sc.start.year, sc.start.month, sc.start.day, 0, 5, tzinfo=when.tzinfo),
        )
        stay = rng.randint(4, 6) if preg.mode == "cesarean" else rng.randint(2, 4)
        discharge = when + timedelta(days=stay, hours=rng.randint(0, 5))
        for cid in preg.children:
            c = sc.persons[cid]
            rid = sc.next_id(org, "FM", 8)
            weight = round(
                rng.gauss(
                    3300 if preg.babies == 1 else 2450 - 300 * (preg.babies - 2),
                    420 if preg.babies == 1 else 380,
                )
            )
            named = c.name_known == c.birth and rng.random() < P_BABY_NAME_IF_NAMED
            row = {
                "record_id": rid,
                "org_code": org,
                **self._mother_fields(org, rid, m),
                "delivery_time": iso(c.birth_time or when),
                "delivery_mode": preg.mode,
                "gestational_weeks": preg.weeks,
                "baby_sex": "0" if rng.random() < 0.01 else str(c.sex),
                "baby_birth_weight_g": weight,
                "baby_name": c.name
                if named
                else (m.name + ("之子" if c.sex == 1 else "之女") if rng.random() < 0.05 else ""),
                "birth_certificate_no": f"T32{rng.randrange(10**7):07d}"
                if rng.random() < P_BIRTH_CERT_AT_EXPORT
                else "",
            }
            self._mch(
                org, "delivery", "FM", when.date(), row, (("mother", m.pid), ("newborn", c.pid))
            )
        pid = self.hosp.registered(org, m, admit)
        dx = {
            "cesarean": ("O82.000", "剖宫产术的单胎分娩"),
            "assisted": ("O81.000", "产钳和真空吸引器助产"),
        }
        main = dx.get(preg.mode, ("O80.000", "单胎顺产"))
        extra = (
            [("O30.000", "双胎妊娠")]
            if preg.babies == 2
            else [("O30.100", "三胎妊娠")]
            if preg.babies == 3
            else []
        )
        if preg.weeks < 37:
            extra.append(("O60.100", "早产伴早产分娩"))
        self.hosp.encounter(org, pid, admit, "inpatient", "产科", [main, *extra], discharge)
        for cid in preg.children:
            if rng.random() < P_NEWBORN_HOSPITAL_ROW:
                self._newborn_row(hh, m, sc.persons[cid], org, discharge)
        self._postpartum(hh, m, when, org, preg.children[0], discharge)

    def _newborn_row(
        self, hh: Household, m: Person, c: Person, org: str, discharge: datetime
    ) -> None:
        """The HIS registers the baby under its mother: her name (+之女/婴), her ID or none."""
        rng = self.rng
        assert c.birth_time is not None
        with_mother_id = rng.random() < P_NEWBORN_ROW_MOTHER_ID
        name = (
            c.name
            if c.name_known == c.birth and rng.random() < 0.3
            else hospital_newborn_name(
                rng, m.name, c.sex, c.twin_index, hash_unit(c.twin_group + org)
            )
        )
        override = {
            "name": name,
            "id_type": "01" if with_mother_id else "",
            "id_no": m.id_no if with_mother_id else "",
            "sex_code": "0" if rng.random() < 0.2 else str(c.sex),
            # an HIS that reads the mother's ID card often takes her birth date with it
            "birth_date": (
                m.birth if with_mother_id and rng.random() < 0.5 else c.birth
            ).isoformat(),
            "phone": m.phone,
            "address": hh.address,
        }
        pid = self.hosp.patient_row(org, c, c.birth_time, override=override)
        twins = c.twin_index is not None
        dept = "新生儿科" if twins or rng.random() < 0.3 else "产科"
        dx = [("Z38.300", "双胎活产婴儿") if twins else ("Z38.000", "单胎活产婴儿")]
        if rng.random() < 0.3:
            dx.append(("P59.900", "新生儿黄疸"))
        self.hosp.encounter(
            org,
            pid,
            c.birth_time,
            "inpatient",
            dept,
            dx,
            discharge + timedelta(days=rng.choice((0, 0, 0, 2, 4))),
        )

    def _infant_hospital(self, hh: Household, m: Person, c: Person) -> None:
        """Hospital visits of the first weeks: the jaundice recheck (新生儿黄疸复查, at 3–14 days,
        about a third of babies) and the 42-day infant check at the birth hospital's 儿保科."""
        rng, sc = self.rng, self.sc
        birth_org = c.birth_org or CITY_DELIVERY[0][0]
        visits = []
        if rng.random() < 0.35:
            visits.append(
                (
                    c.birth + timedelta(days=rng.randint(3, 14)),
                    CHILDRENS if rng.random() < 0.6 else birth_org,
                    "新生儿科",
                    ("P59.900", "新生儿黄疸"),
                )
            )
        if rng.random() < 0.6:
            visits.append(
                (
                    c.birth + timedelta(days=rng.randint(42, 50)),
                    birth_org,
                    "儿童保健科",
                    ("Z00.100", "常规儿童健康检查"),
                )
            )
        for day, org, dept, dx in visits:
            if not sc.in_window(day):
                continue
            when = at(day, rng, 8, 16)
            if day >= (c.name_known or c.birth):
                pid = self.hosp.registered(org, c, when)
            else:  # still nameless: registered like at birth, under the mother
                with_id = rng.random() < 0.3
                pid = self.hosp.patient_row(
                    org,
                    c,
                    when,
                    override={
                        "name": hospital_newborn_name(
                            rng, m.name, c.sex, c.twin_index, hash_unit(c.twin_group + org)
                        ),
                        "id_type": "01" if with_id else "",
                        "id_no": m.id_no if with_id else "",
                        "phone": m.phone,
                    },
                )
            self.hosp.encounter(org, pid, when, "outpatient", dept, [dx])

    def _postpartum(
        self,
        hh: Household,
        m: Person,
        when: datetime,
        org: str,
        cid: str,
        discharge: datetime | None = None,
    ) -> None:
        rng, sc = self.rng, self.sc
        discharge = discharge or when + timedelta(days=3)
        home = discharge.date() + timedelta(days=rng.randint(3, 7))  # 产后访视 3–7 days home
        check42 = when.date() + timedelta(days=rng.randint(42, 50))  # 产后42天健康检查
        for day, place, note in (
            (home, hh.community, "产后访视，恶露正常，母乳喂养"),
            (
                check42,
                org if rng.random() < 0.6 else hh.community,
                "产后42天健康检查，子宫复旧良好",
            ),
        ):
            if not sc.in_window(day) or rng.random() > 0.9:
                continue
            rid = sc.next_id(place, "CH", 8)
            row = {
                "record_id": rid,
                "org_code": place,
                **self._mother_fields(place, rid, m),
                "visit_date": day.isoformat(),
                "days_after_delivery": (day - when.date()).days,
                "systolic_bp": rng.randint(100, 135),
                "diastolic_bp": rng.randint(60, 88),
                "notes": note,
            }
            self._mch(place, "postpartum_visit", "CH", day, row, (("mother", m.pid),))

    def _child_checkups(self, hh: Household, m: Person, c: Person) -> None:
        rng, sc, dmg = self.rng, self.sc, self.dmg
        org = DISTRICT_MCH.get(hh.district, hh.community) if rng.random() < 0.15 else hh.community
        records_child_id = rng.random() < P_CHILD_ID_IN_CHECKUP
        records_mother_id = rng.random() < P_MOTHER_ID_IN_CHECKUP
        placeholder = vaccination_placeholder(
            rng, c.placeholder_surname, m.name, c.sex, c.twin_index, hash_unit(c.twin_group + org)
        )
        for months in CHECKUP_MONTHS:
            attend = 0.9 if months <= 12 else 0.8 if months <= 36 else 0.7
            day = c.birth + timedelta(days=round(months * 30.44) + round(rng.expovariate(1 / 5)))
            if not sc.in_window(day) or rng.random() > attend:
                continue
            rid = sc.next_id(org, "ET", 8)
            ctx = Ctx("mch", org, rid, "child")
            key = (c.pid, org, "child_health")
            # before the name is settled the clinic writes what the family calls the baby
            name = c.name if day >= (c.name_known or c.birth) else placeholder
            known = c.id_known is not None and day >= c.id_known and records_child_id
            w, h, head = growth(rng, age_months(c.birth, day))
            row = {
                "record_id": rid,
                "org_code": org,
                "child_name": dmg.name(ctx, "child_name", name, key) if name == c.name else name,
                "child_sex": dmg.sex(ctx, "child_sex", str(c.sex), key),
                "child_birth_date": dmg.birth(
                    ctx, "child_birth_date", c.birth, key, mother_birth=m.birth
                ),
                "child_id_no": dmg.id_no(
                    ctx, "child_id_no", c.id_no if known else "", key, mother_id=m.id_no
                ),
                "mother_name": dmg.name(ctx, "mother_name", m.name, (m.pid, org, "mch")),
                "mother_id_no": dmg.id_no(
                    ctx, "mother_id_no", m.id_no if records_mother_id else "", (m.pid, org, "mch")
                ),
                "checkup_date": day.isoformat(),
                "height_cm": h,
                "weight_kg": w,
                "head_circumference_cm": head if months <= 36 else "",
                "development_result": "正常" if rng.random() < 0.95 else "可疑",
            }
            self._mch(org, "child_checkup", "ET", day, row, (("child", c.pid),))
