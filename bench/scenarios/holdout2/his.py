"""Hospitals and community centres: rows in each institution's front-end database.

One ``patient`` row per person per institution (the HIS's 患者主索引), touched by the front-end
sync when the person's first encounter of the window is pushed; then ``encounter``, ``diagnosis``,
``prescription``, ``lab_result`` and ``exam_report`` rows. Patients who were registered years ago
keep old-looking numbers; patients new to the hospital (newborns) get the next number.

Real-life patterns:

* **duplicate registration**: 1–6 % of patients come back without their card and are registered
  again (a second patient row at the same hospital, typed afresh, the ID left empty 40 % of the
  time); at 常熟海虞 it is 6 %;
* **elderly** see the community centre's 全科 for 配药 (chronic diagnoses first, 28-day
  prescriptions) and their district hospital's specialist clinics; 12 % of their hospital contacts
  are admissions (脑梗死, COPD 急性加重, 心衰, 股骨颈骨折 …), 8 % emergencies;
* **migrant factory workers** come to 急诊 with hand injuries (S61/S62) twice as often as others;
* **children** go to 儿科 (summer: 手足口病, diarrhoea), 10 % to 儿科急诊, 8 % are admitted;
* **退号**: 1.5 % of adults' outpatient registrations are cancelled and listed in
  ``deleted_rows``.

Maternity (产检, deliveries, newborns under the mother's identity) and 无名氏 emergency patients
are in :mod:`.his_births`.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bench.scenarios.holdout2 import desk, his_births, his_care
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.births import care_dates
from bench.scenarios.holdout2.ledger import Ledger, clock
from bench.scenarios.holdout2.orgs import (
    DISTRICT_BIRTH,
    DISTRICT_CHC,
    DISTRICT_HOSPITAL,
    HOSP,
    ORGS,
    Org,
)
from bench.scenarios.holdout2.population import City, Person

COLUMNS = {
    "name": "name",
    "sex": "sex_code",
    "birth_date": "birth_date",
    "id_no": "id_no",
    "phone": "phone",
}
SOURCE = "hospital"


class Frontend:
    """The HIS side of the build: patient numbering and row writing."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.rng = ledger.rng("his")
        self.registered: dict[tuple[str, str], str] = {}  # (org, person) -> patient_id
        self.used: set[str] = set()

    # --- numbering -----------------------------------------------------------------------
    def _number(self, org: Org, new: bool) -> str:
        style = org.habits.get("pid", "num10")
        while True:
            if new:
                n = 900000 + self.ledger.serial(f"pid:{org.key}")
            else:
                n = self.rng.randrange(10000, 880000)
            value = {
                "num10": f"{int(org.code[3:6]) * 10**6 + n:010d}",
                "mz8": f"MZ{n:08d}",
                "card12": f"8600{n * 7 + 13:08d}",
                "P8": f"P{n:08d}",
                "jm9": f"{int(org.code[5:8]) % 9 + 1}{n:08d}",
            }[style]
            if (org.key, value) not in self.used:
                self.used.add((org.key, value))
                return value

    def _stamp(self, when: datetime) -> datetime:
        """An ``updated_at`` inside the window: a row touched before or after it is synced by the
        front-end on the window's first or last night."""
        first = datetime.combine(self.ledger.start, datetime.min.time())
        last = datetime.combine(self.ledger.end, datetime.min.time()) - timedelta(minutes=1)
        return max(first, min(when, last))

    # --- rows ----------------------------------------------------------------------------
    def patient(
        self,
        org: Org,
        p: Person,
        when: datetime,
        written: desk.Written | None = None,
        *,
        new: bool = False,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> str:
        """The patient row of ``p`` at ``org`` (created on first use)."""
        key = (org.key, p.pid)
        if key in self.registered and written is None:
            return self.registered[key]
        number = self._number(org, new)
        if written is None:
            written = desk.profile(self.ledger, p, org, SOURCE, when.date())
        row = {
            "patient_id": number,
            "id_type": "01" if written.id_no else "",
            "id_no": written.id_no,
            "name": written.name,
            "sex_code": written.sex,
            "birth_date": written.birth_text,
            "phone": written.phone,
            "address": written.address,
        }
        if written.id_no and written.id_type != "01":
            row["id_type"] = written.id_type
        self.ledger.writer.hospital(
            org.code, "patient", row, self._stamp(when - timedelta(minutes=2))
        )
        self.ledger.mention(SOURCE, org.code, number, "patient", p)
        desk.log(self.ledger, written, SOURCE, org, number, "patient", COLUMNS, p)
        for column, kind in extra:
            self.ledger.damaged(SOURCE, org.code, number, "patient", column, kind, p)
        self.registered.setdefault(key, number)
        return number

    def encounter(
        self,
        org: Org,
        patient_id: str,
        etype: str,
        dept: str,
        admit: datetime,
        diagnoses: list[tuple[str, str]],
        *,
        stay_days: int = 0,
        drugs: tuple = (),
        lab_code: str | None = None,
        exam: tuple | None = None,
    ) -> str:
        w, rng, ledger = self.ledger.writer, self.rng, self.ledger
        prefix = {"outpatient": "MZ", "emergency": "JZ", "inpatient": "ZY"}[etype]
        eid = f"{prefix}{admit:%y%m%d}{ledger.serial(f'enc:{org.key}'):06d}"
        end = datetime.combine(ledger.end, datetime.min.time())
        discharge = None
        if etype == "emergency":
            discharge = admit + timedelta(minutes=rng.randrange(90, 420))
        elif etype == "inpatient":
            discharge = admit + timedelta(days=stay_days, hours=rng.randrange(-3, 5))
        if discharge is not None and discharge >= end:
            discharge = None
        touched = discharge or admit + timedelta(minutes=rng.randrange(3, 25))
        row = {
            "encounter_id": eid,
            "patient_id": patient_id,
            "encounter_type": etype,
            "dept_name": dept,
            "admit_time": admit,
            "discharge_time": discharge,
        }
        w.hospital(org.code, "encounter", row, self._stamp(touched))
        if not diagnoses:  # 退号: registered, then cancelled
            gone = self._stamp(admit + timedelta(minutes=rng.randrange(20, 120)))
            w.deleted(org.code, "encounter", eid, gone)
            return eid
        for n, (code, name) in enumerate(diagnoses, start=1):
            at = admit + timedelta(minutes=rng.randrange(8, 50) + n)
            w.hospital(
                org.code,
                "diagnosis",
                {
                    "diagnosis_id": f"{eid}-{n}",
                    "encounter_id": eid,
                    "icd10_code": code,
                    "diagnosis_name": name,
                    "is_primary": int(n == 1),
                    "diagnosed_at": at,
                },
                self._stamp(at),
            )
        at = admit + timedelta(minutes=rng.randrange(30, 70))
        for n, (dcode, dname, dose, unit, freq) in enumerate(drugs, start=1):
            days = 28 if etype == "outpatient" and dcode < "Y09" else rng.choice((3, 5, 7))
            w.hospital(
                org.code,
                "prescription",
                {
                    "rx_id": f"{eid}-R{n}",
                    "encounter_id": eid,
                    "drug_code": dcode,
                    "drug_name": dname,
                    "dose": dose,
                    "dose_unit": unit,
                    "frequency": freq,
                    "days": days,
                    "prescribed_at": at,
                },
                self._stamp(at),
            )
        result = his_care.lab(rng, lab_code) if lab_code else None
        if result:
            at = admit + timedelta(minutes=rng.randrange(60, 200))
            if at < end:
                w.hospital(
                    org.code,
                    "lab_result",
                    {"result_id": f"{eid}-L1", "encounter_id": eid, **result, "reported_at": at},
                    self._stamp(at),
                )
        if exam and exam[0]:
            at = admit + timedelta(minutes=rng.randrange(60, 600))
            if at < end:
                report = his_care.exam(rng, exam[0], exam[1], diagnoses[0][1])
                w.hospital(
                    org.code,
                    "exam_report",
                    {"report_id": f"{eid}-X1", "encounter_id": eid, **report, "reported_at": at},
                    self._stamp(at),
                )
        return eid


def _pick_hospital(rng: random.Random, p: Person, exclude: str | None = None) -> Org:
    roll = rng.random()
    key = DISTRICT_HOSPITAL[p.district]
    if p.origin == "foreign":
        key = "H_INT" if roll < 0.7 else "H_GS"
    elif roll > 0.85:
        key = "H_GS" if roll < 0.93 else rng.choice([k for k in ORGS if k.startswith("H_")])
    if key == exclude:
        key = "H_GS" if exclude != "H_GS" else DISTRICT_HOSPITAL[p.district]
        if key == exclude:
            key = "H_XC"
    return ORGS[key]


def _contact(fe: Frontend, org: Org, p: Person, day, kind: str, rng: random.Random) -> None:
    """One person's contact with one institution: one or more encounters."""
    when = clock(rng, day, 7, 17)
    age = p.age(day)
    if kind == "chc":
        pid = fe.patient(org, p, when)
        for n in range(1 + (rng.random() < 0.4)):
            at = when + timedelta(days=n * rng.randrange(27, 32))
            if not fe.ledger.in_window(at.date()):
                break
            dx = his_care.chronic_visit(rng, p.conditions)
            drugs = sum((his_care.drugs(c) for c, _ in dx), ())
            lab = dx[0][0] if rng.random() < 0.15 else None
            fe.encounter(org, pid, "outpatient", "全科医学科", at, dx, drugs=drugs, lab_code=lab)
        return
    roll = rng.random()
    if age >= 60:
        if roll < R.ELDERLY_INPATIENT:
            code, name, dept, mod, body = rng.choice(his_care.ELDERLY_INPATIENT)
            dx = [(code, name), *his_care.chronic_visit(rng, p.conditions)[:1]]
            pid = fe.patient(org, p, when)
            fe.encounter(
                org,
                pid,
                "inpatient",
                dept,
                when,
                dx,
                stay_days=rng.randrange(4, 15),
                lab_code=code,
                exam=(mod, body),
            )
            return
        if roll < R.ELDERLY_INPATIENT + 0.08:
            code, name = rng.choice(his_care.ELDERLY_EMERGENCY)
            at = clock(rng, day, 0, 24)
            fe.encounter(
                org,
                fe.patient(org, p, at),
                "emergency",
                "急诊科",
                at,
                [(code, name)],
                exam=("ECG", "心脏") if code < "J" else ("CT", "头颅"),
            )
            return
        if rng.random() < 0.7:
            dx = his_care.chronic_visit(rng, p.conditions)
            dept = his_care.DEPT_OF[dx[0][0][:3]]
        else:
            code, name, dept = rng.choice(his_care.ELDERLY_ACUTE)
            dx = [(code, name)]
        drugs = sum((his_care.drugs(c) for c, _ in dx), ())
        fe.encounter(
            org,
            fe.patient(org, p, when),
            "outpatient",
            dept,
            when,
            dx,
            drugs=drugs,
            lab_code=dx[0][0] if rng.random() < 0.3 else None,
        )
        return
    if age < 14:
        table = his_care.CHILD_INPATIENT if roll < 0.08 else his_care.CHILD_OUTPATIENT
        code, name, dept = rng.choice(table)
        etype = "inpatient" if roll < 0.08 else "emergency" if roll < 0.18 else "outpatient"
        at = clock(rng, day, 0, 24) if etype == "emergency" else when
        dept = "儿科急诊" if etype == "emergency" else dept
        fe.encounter(
            org,
            fe.patient(org, p, at),
            etype,
            dept,
            at,
            [(code, name)],
            stay_days=rng.randrange(3, 8),
            drugs=his_care.drugs(code),
            lab_code=code if rng.random() < 0.4 else None,
        )
        return
    factory = p.origin == "migrant" and p.employer and "有限公司" in p.employer
    if roll < 0.05:
        code, name, dept = rng.choice(his_care.ADULT_INPATIENT)
        fe.encounter(
            org,
            fe.patient(org, p, when),
            "inpatient",
            dept,
            when,
            [(code, name)],
            stay_days=rng.randrange(3, 9),
            exam=("US", "腹部"),
        )
        return
    if roll < (0.25 if factory else 0.12):
        code, name, dept = rng.choice(his_care.ADULT_EMERGENCY)
        at = clock(rng, day, 0, 24)
        fe.encounter(
            org,
            fe.patient(org, p, at),
            "emergency",
            dept,
            at,
            [(code, name)],
            exam=("DR", "手部") if code.startswith("S6") else None,
        )
        return
    table = his_care.ADULT_OUTPATIENT + (his_care.WOMEN_OUTPATIENT if p.sex == "2" else ())
    code, name, dept = rng.choice(table)
    cancelled = rng.random() < 0.015
    fe.encounter(
        org,
        fe.patient(org, p, when),
        "outpatient",
        dept,
        when,
        [] if cancelled else [(code, name)],
        drugs=his_care.drugs(code),
    )


def _duplicate(fe: Frontend, org: Org, p: Person, day, rng: random.Random) -> None:
    """The patient comes back without the card and is registered again."""
    later = day + timedelta(rng.randrange(1, 12))
    if not fe.ledger.in_window(later):
        return
    when = clock(rng, later)
    written = desk.profile(fe.ledger, p, org, SOURCE, later, fresh=f"dup:{p.pid}")
    extra = [("patient_id", "duplicate_registration")]
    if written.id_no and rng.random() < 0.4:
        written = desk.Written(
            **{
                **written.__dict__,
                "id_no": "",
                "damage": [d for d in written.damage if d[0] != "id_no"]
                + [("id_no", "id_missing")],
            }
        )
    pid = fe.patient(org, p, when, written, extra=tuple(extra))
    dx = (
        [rng.choice(his_care.ADULT_OUTPATIENT)[:2]]
        if p.age(later) >= 14
        else [("J06.900", "急性上呼吸道感染")]
    )
    dept = "儿科" if p.age(later) < 14 else "全科医学科"
    fe.encounter(org, pid, "outpatient", dept, when, dx)


def run(ledger: Ledger, city: City) -> None:
    """All HIS rows of the window. Contacts run in date order so that a patient row is created
    (and stamped) by its person's first encounter at that institution."""
    fe = Frontend(ledger)
    rng = fe.rng
    jobs: list[tuple] = []
    for p in city.people:
        plans: list[tuple[float, str]] = []
        if p.group == "elderly":
            plans = [
                (R.ELDERLY_CHC, "chc"),
                (R.ELDERLY_HOSPITAL, "h1"),
                (R.ELDERLY_SECOND_HOSPITAL, "h2"),
            ]
        elif p.group in ("adult", "foreign"):
            plans = [(R.ADULT_HOSPITAL, "h1"), (R.ADULT_SECOND_HOSPITAL, "h2")]
        elif p.group in ("mother", "father"):
            plans = [(R.PARENT_HOSPITAL, "h1")]
        elif p.group == "child":
            plans = [(R.CHILD_HOSPITAL, "h1"), (R.CHILD_SECOND_HOSPITAL, "h2")]
        first = None
        for rate, kind in plans:
            if not ledger.chance(rng, rate):
                continue
            day = ledger.some_day(rng)
            if kind == "chc":
                org = ORGS[DISTRICT_CHC[p.district]]
                if HOSP not in org.systems:
                    continue
            else:
                org = _pick_hospital(rng, p, first)
                first = org.key
            if day is not None:
                jobs.append((day, 1, p.pid, len(jobs), (_visit, fe, org, p, day, kind)))
        if p.showcase:
            day, org = ledger.early_day(rng), ORGS["H_GS"] if p.latin else _pick_hospital(rng, p)
            jobs.append((day, 1, p.pid, len(jobs), (_visit, fe, org, p, day, "h1")))
    for fam in city.families:
        if not fam["pregnancy"]:
            continue
        dates = care_dates(fam, ledger)
        org = ORGS[DISTRICT_BIRTH[fam["district"]]]
        for day, _weeks in dates["prenatal"]:
            if ledger.in_window(day):
                jobs.append(
                    (day, 0, fam["mother"].pid, len(jobs), (his_births.prenatal, fe, org, fam, day))
                )
        if dates["delivery"] and ledger.in_window(dates["delivery"]):
            day = dates["delivery"]
            jobs.append((day, 0, fam["mother"].pid, len(jobs), (his_births.delivery, fe, org, fam)))
    jobs.sort(key=lambda j: j[:4])
    for *_, (fn, *args) in jobs:
        fn(*args)
    his_births.unknown_patients(fe, city)


def _visit(fe: Frontend, org: Org, p: Person, day, kind: str) -> None:
    rng = fe.rng
    fresh_patient = (org.key, p.pid) not in fe.registered
    _contact(fe, org, p, day, "chc" if kind == "chc" else "visit", rng)
    if fresh_patient and rng.random() < org.habits.get("dup", R.DUPLICATE_REGISTRATION):
        _duplicate(fe, org, p, day, rng)
