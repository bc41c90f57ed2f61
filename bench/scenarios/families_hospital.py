"""Hospital front-end rows of the families scenario: patient master rows and their encounters.

An HIS keeps one patient row per person it has registered, and every later visit is a new
encounter on that row; so a person is one mention per hospital — except when the registration
desk creates a second row (重复建档: once with the ID card, once as a self-paying walk-in), which
happens on about 4 % of return visits.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bench.scenarios.families_common import iso, phone_at_org
from bench.scenarios.families_damage import Ctx, Damager
from bench.scenarios.families_model import Household, Person, Record, Scenario

P_DUPLICATE_ROW = 0.04
P_NO_ID_ADULT = 0.04  # emergencies and walk-ins registered without an ID card
P_NO_ADDRESS = 0.15

DRUGS = {
    "J06.900": ("X0000001", "小儿氨酚黄那敏颗粒", 1, "袋", "tid", 3),
    "J20.900": ("X0000002", "阿莫西林克拉维酸钾干混悬剂", 0.25, "g", "bid", 5),
    "A08.400": ("X0000003", "蒙脱石散", 1.5, "g", "tid", 3),
    "I10.x00": ("X0000004", "苯磺酸氨氯地平片", 5, "mg", "qd", 28),
    "E11.900": ("X0000005", "盐酸二甲双胍片", 0.5, "g", "bid", 28),
    "K29.700": ("X0000006", "奥美拉唑肠溶胶囊", 20, "mg", "qd", 14),
    "M54.500": ("X0000007", "双氯芬酸钠缓释片", 75, "mg", "qd", 7),
}


class Hospitals:
    """Creates patient rows and encounters, remembering who is registered where."""

    def __init__(self, rng: random.Random, sc: Scenario, dmg: Damager) -> None:
        self.rng = rng
        self.sc = sc
        self.dmg = dmg
        self._rows: dict[tuple[str, str], str] = {}  # (org, pid) -> patient_id
        self._clean = Damager(random.Random(0), enabled=False)

    def _household(self, p: Person) -> Household:
        return self.sc.households[int(p.household[1:]) - 1]

    def patient_row(
        self,
        org: str,
        p: Person,
        when: datetime,
        *,
        fallback_phone: str = "",
        override: dict | None = None,
    ) -> str:
        """A new patient row for ``p`` (``override`` replaces identity fields verbatim; such rows
        are already a deliberate distortion and get no further damage)."""
        rng, sc = self.rng, self.sc
        dmg = self._clean if override else self.dmg
        pid = sc.next_id(org, "PT", 8)
        ctx = Ctx("hospital", org, pid, "patient")
        hh = self._household(p)
        child = p.relation == "child"
        mother = sc.persons[p.mother] if child else None
        if child:
            # a child's row carries the parent's phone; the ID is there once the HIS has seen
            # the 户口簿 or the child's 医保卡 (Suzhou's 少儿医保 needs one)
            known = p.id_known is not None and when.date() >= p.id_known and rng.random() < 0.7
            id_no = dmg.id_no(ctx, "id_no", p.id_no if known else "", None, mother_id=mother.id_no)
            id_type = ("02" if rng.random() < 0.25 else "01") if id_no else ""
            phone = (
                mother.phone
                if rng.random() < 0.8 or not p.father
                else sc.persons[p.father].phone or mother.phone
            )
            birth = dmg.birth(ctx, "birth_date", p.birth, None, mother_birth=mother.birth)
        else:
            clean = "" if rng.random() < P_NO_ID_ADULT else p.id_no
            id_no = dmg.id_no(ctx, "id_no", clean, None, birth=p.birth, legacy_ok=True)
            id_type = "01" if id_no else ""
            phone = phone_at_org(rng, p, fallback_phone)
            birth = dmg.birth(ctx, "birth_date", p.birth, None)
        row = {
            "patient_id": pid,
            "id_type": id_type,
            "id_no": id_no,
            "name": dmg.name(ctx, "name", p.name, None),
            "sex_code": str(p.sex),
            "birth_date": birth,
            "phone": dmg.phone(ctx, "phone", phone, None),
            "address": "" if rng.random() < P_NO_ADDRESS else hh.address,
        }
        row.update(override or {})
        sc.add(
            Record("hospital", org, "patient", when.date(), row, pid, (("patient", p.pid),), when)
        )
        return pid

    def registered(self, org: str, p: Person, when: datetime, fallback_phone: str = "") -> str:
        """The patient_id ``p`` has at ``org``, registering them (or a duplicate) if needed."""
        key = (org, p.pid)
        if key not in self._rows or self.rng.random() < P_DUPLICATE_ROW:
            self._rows[key] = self.patient_row(org, p, when, fallback_phone=fallback_phone)
        return self._rows[key]

    def encounter(
        self,
        org: str,
        patient_id: str,
        when: datetime,
        etype: str,
        dept: str,
        diagnoses: list[tuple[str, str]],
        discharge: datetime | None = None,
        lab: tuple[str, str, float, str, str] | None = None,
    ) -> str:
        """An encounter with its diagnoses (first one primary), a prescription and a lab result."""
        sc, rng = self.sc, self.rng
        eid = sc.next_id(org, "EN", 9)
        end = discharge if etype == "inpatient" else None
        sc.add(
            Record(
                "hospital",
                org,
                "encounter",
                when.date(),
                {
                    "encounter_id": eid,
                    "patient_id": patient_id,
                    "encounter_type": etype,
                    "dept_name": dept,
                    "admit_time": iso(when),
                    "discharge_time": iso(end) if end else "",
                },
                eid,
                (),
                when,
            )
        )
        dx_time = min(
            when + timedelta(minutes=rng.randint(5, 40)), when.replace(hour=23, minute=59, second=0)
        )
        for i, (icd, label) in enumerate(diagnoses):
            did = sc.next_id(org, "DX", 9)
            sc.add(
                Record(
                    "hospital",
                    org,
                    "diagnosis",
                    dx_time.date(),
                    {
                        "diagnosis_id": did,
                        "encounter_id": eid,
                        "icd10_code": icd,
                        "diagnosis_name": label,
                        "is_primary": 1 if i == 0 else 0,
                        "diagnosed_at": iso(dx_time),
                    },
                    did,
                    (),
                    dx_time,
                )
            )
        if diagnoses and diagnoses[0][0] in DRUGS and etype != "inpatient":
            code, drug, dose, unit, freq, days = DRUGS[diagnoses[0][0]]
            rid = sc.next_id(org, "RX", 9)
            sc.add(
                Record(
                    "hospital",
                    org,
                    "prescription",
                    dx_time.date(),
                    {
                        "rx_id": rid,
                        "encounter_id": eid,
                        "drug_code": code,
                        "drug_name": drug,
                        "dose": dose,
                        "dose_unit": unit,
                        "frequency": freq,
                        "days": days,
                        "prescribed_at": iso(dx_time),
                    },
                    rid,
                    (),
                    dx_time,
                )
            )
        if lab is not None:
            item, name, value, unit, ref = lab
            lo, hi = (float(x) for x in ref.split("-"))
            flag = "L" if value < lo else "H" if value > hi else "N"
            # reported the same day (the nightly extract of that day carries it)
            rep = min(
                when + timedelta(hours=rng.randint(1, 4)),
                when.replace(hour=23, minute=59, second=0),
            )
            lid = sc.next_id(org, "LR", 9)
            sc.add(
                Record(
                    "hospital",
                    org,
                    "lab_result",
                    rep.date(),
                    {
                        "result_id": lid,
                        "encounter_id": eid,
                        "item_code": item,
                        "item_name": name,
                        "value": value,
                        "unit": unit,
                        "ref_range": ref,
                        "abnormal_flag": flag,
                        "reported_at": iso(rep),
                    },
                    lid,
                    (),
                    rep,
                )
            )
        return eid
