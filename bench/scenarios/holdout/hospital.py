"""Hospital front-end databases: ``patient``, ``encounter``, ``diagnosis``, some ``prescription``.

One ``patient`` row per registration. A person keeps the row of their first registration at a
hospital unless the desk makes a new one (``rates.HOSPITAL_DUPLICATE``: forgot the card, another
campus, a new medical-insurance card). Per 45 nights a person visits a hospital with probability
0.20 (school-age), 0.30 (working age), 0.60 (60+), 0.70 (pregnant, obstetric outpatient), 0.35
(infants) and 0.45 (toddlers); 20 % of visitors also go to a second hospital. 60+ patients come
back monthly for chronic-disease refills (more encounters, same row).

Newborns (``rates.NEWBORN_*``): the row is made at birth under a placeholder (``李丽之子``,
``李丽婴``, ``婴儿``, twins ``李丽大宝``/``李丽之子2``) or simply the mother's name (15 %), with the
mother's ID number (70 %), her birth date (30 %), sex 0 (70 %). A jaundice recheck 3–10 days
later makes a second row 60 % of the time, under the real name once there is one.

Two harsh desk habits: 借用家属证件 (``relative_id_used``, 1.5 % of adult registrations; in a
quarter of them the whole identity is the relative's, as with a borrowed insurance card) and 无名氏
emergency patients registered properly under a new row a day or two later.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bench.scenarios.deliver import legacy15
from bench.scenarios.holdout import rates as R
from bench.scenarios.holdout.context import Ctx, doc
from bench.scenarios.holdout.orgs import SHARED_NUMBERING
from bench.scenarios.holdout.people import Person

DX = {
    "child": [
        ("J06.900", "急性上呼吸道感染"),
        ("J20.900", "急性支气管炎"),
        ("A09.900", "感染性腹泻"),
        ("L20.900", "特应性皮炎"),
        ("R50.900", "发热"),
        ("H66.900", "中耳炎"),
        ("J18.900", "肺炎"),
    ],
    "adult": [
        ("J06.900", "急性上呼吸道感染"),
        ("K29.700", "胃炎"),
        ("M54.500", "腰痛"),
        ("N39.000", "泌尿道感染"),
        ("J02.900", "急性咽炎"),
        ("K80.200", "胆囊结石"),
        ("R51", "头痛"),
        ("E78.500", "高脂血症"),
        ("S61.000", "手指开放性伤口"),
    ],
    "old": [
        ("I10.x00", "高血压"),
        ("E11.900", "2型糖尿病"),
        ("I25.100", "冠状动脉粥样硬化性心脏病"),
        ("J44.900", "慢性阻塞性肺病"),
        ("M17.900", "膝关节病"),
        ("H25.900", "老年性白内障"),
        ("K21.900", "胃食管反流病"),
        ("I63.900", "脑梗死"),
    ],
    "ob": [("Z34.900", "正常妊娠监督"), ("O24.400", "妊娠期糖尿病"), ("O13.x00", "妊娠期高血压")],
    "newborn": [
        ("Z38.000", "单胎活产婴儿"),
        ("P59.900", "新生儿黄疸"),
        ("P07.300", "早产儿"),
        ("P22.100", "新生儿暂时性呼吸增快"),
    ],
}
DEPT = {"child": "儿科", "adult": "内科", "old": "心血管内科", "ob": "产科门诊"}
DRUGS = {
    "I10.x00": ("86901234000011", "苯磺酸氨氯地平片", 5, "mg", "qd", 30),
    "E11.900": ("86902345000012", "盐酸二甲双胍片", 0.5, "g", "tid", 30),
    "J06.900": ("86903456000013", "阿莫西林胶囊", 0.5, "g", "tid", 5),
    "A09.900": ("86904567000014", "蒙脱石散", 3, "g", "tid", 3),
}


class Hospitals:
    def __init__(self, ctx: Ctx):
        self.ctx, self.rng = ctx, ctx.rng
        self.rows: dict[tuple[str, str], str] = {}  # (org, person) → patient_id
        self.idents: dict[tuple[str, str], dict] = {}  # (org, patient_id) → delivered identity

    # --- rows ---------------------------------------------------------------------------

    def _patient_id(self, org: str) -> str:
        n = self.ctx.next("patient", org)
        if org in SHARED_NUMBERING:
            return f"{100000 + n}"
        style = sum(map(ord, org)) % 3
        return (f"MZ{n + 3000:08d}", f"P{org[2:6]}{n:06d}", f"{n + 52000:010d}")[style]

    def _write_patient(self, org: str, pid: str, ident: dict, when: datetime) -> None:
        row = {
            "patient_id": pid,
            **{
                k: ident.get(k, "")
                for k in ("id_type", "id_no", "name", "birth_date", "phone", "address")
            },
            "sex_code": ident.get("sex", ""),
        }
        self.ctx.writer.hospital(org, "patient", row, self.ctx.clamp(when))

    def register(
        self,
        org: str,
        p: Person,
        when: datetime,
        ident: dict,
        *,
        own: bool = True,
        slot: str = "",
        log: list[tuple[str, str]] = (),
    ) -> str:
        """A patient row for ``p`` at ``org`` (existing unless the desk duplicates it)."""
        ctx, slot = self.ctx, slot or p.pid
        existing = self.rows.get((org, slot))
        if existing and self.rng.random() >= R.HOSPITAL_DUPLICATE:
            if own:
                self._refresh(org, existing, p, ident, when)
            return existing
        pid = self._patient_id(org)
        key = ctx.mention("hospital", org, pid, "patient", p)
        cols = {k: {"sex": "sex_code"}.get(k, k) for k in ident}
        for field, kind in log:
            ctx.dmg.log(key, field, kind, p)
        if existing:
            ctx.dmg.log(key, "patient_id", "duplicate_registration", p)
        ctx.dmg.identity(key, p, ident, cols, "hospital", when.date(), own=own)
        self._write_patient(org, pid, ident, when)
        self.rows[(org, slot)] = pid
        self.idents[(org, pid)] = ident
        return pid

    def _refresh(self, org: str, pid: str, p: Person, ident: dict, when: datetime) -> None:
        """At a return visit the desk fills what the row lacks (更新患者信息): phone, ID number."""
        stored = self.idents[(org, pid)]
        changes = {k: ident[k] for k in ("phone", "id_no") if not stored.get(k) and ident.get(k)}
        if "id_no" in changes:
            changes["id_type"] = ident.get("id_type", "")
        if changes and self.rng.random() < R.HOSPITAL_REFRESH:
            self.amend(org, pid, p, changes, when)

    def amend(self, org: str, pid: str, p: Person, changes: dict, when: datetime) -> None:
        """The HIS updates a row (a newborn's real name, sex, own ID): only the final state is
        delivered, so the damage logged on those fields no longer applies."""
        ident = self.idents[(org, pid)]
        key = ("hospital", org, pid, "patient")
        for field, value in changes.items():
            if ident.get(field) != value:
                ident[field] = value
                column = {"sex": "sex_code"}.get(field, field)
                self.ctx.dmg.drop(key, column)
                self.ctx.dmg.log(key, column, "amended_later", None)
        self._write_patient(org, pid, ident, when)

    def encounter(
        self,
        org: str,
        pid: str,
        etype: str,
        dept: str,
        admit: datetime,
        dx: list[tuple[str, str]],
        stay_days: int = 0,
    ) -> None:
        ctx, rng = self.ctx, self.rng
        admit = ctx.clamp(admit)
        eid = f"E{org[2:6]}{ctx.next('enc', org):07d}"
        discharge = None
        if etype == "inpatient":
            out = admit + timedelta(days=stay_days, hours=rng.randrange(8))
            discharge = out if ctx.in_window(out) else None
        elif rng.random() < 0.5:
            discharge = admit + timedelta(minutes=rng.randrange(10, 90))
            discharge = discharge if ctx.in_window(discharge) else None
        row = {
            "encounter_id": eid,
            "patient_id": pid,
            "encounter_type": etype,
            "dept_name": dept,
            "admit_time": admit,
            "discharge_time": discharge,
        }
        ctx.writer.hospital(org, "encounter", row, discharge or admit)
        for n, (code, label) in enumerate(dx):
            at = admit + timedelta(minutes=20 + n)
            did = f"D{org[2:6]}{ctx.next('dx', org):08d}"
            ctx.writer.hospital(
                org,
                "diagnosis",
                {
                    "diagnosis_id": did,
                    "encounter_id": eid,
                    "icd10_code": code,
                    "diagnosis_name": label,
                    "is_primary": 1 if n == 0 else 0,
                    "diagnosed_at": at,
                },
                at,
            )
            if code in DRUGS and rng.random() < 0.8:
                dcode, dname, dose, unit, freq, days = DRUGS[code]
                rx = f"R{org[2:6]}{ctx.next('rx', org):08d}"
                ctx.writer.hospital(
                    org,
                    "prescription",
                    {
                        "rx_id": rx,
                        "encounter_id": eid,
                        "drug_code": dcode,
                        "drug_name": dname,
                        "dose": dose,
                        "dose_unit": unit,
                        "frequency": freq,
                        "days": days,
                        "prescribed_at": at + timedelta(minutes=5),
                    },
                    at + timedelta(minutes=5),
                )

    # --- identities ---------------------------------------------------------------------

    def own_ident(self, p: Person, when: datetime) -> tuple[dict, list[tuple[str, str]]]:
        ctx, rng = self.ctx, self.rng
        log: list[tuple[str, str]] = []
        id_type, id_no = doc(rng, p)
        if p.legacy15 and id_type == "01" and rng.random() < 0.6:
            id_no = legacy15(id_no)
            log.append(("id_no", "id_legacy15"))
            p.kinds.add("non_checksummed_id")
        phone = p.phone
        if not phone:  # children: a parent's phone
            hh = ctx.household(p)
            carers = [q for q in (hh.mother, hh.father, *hh.members) if q and q.phone]
            phone = carers[0].phone if rng.random() < 0.75 or len(carers) < 2 else carers[1].phone
            phone = phone if carers else ""
        if p.id_from and when.date() < p.id_from:
            id_type, id_no = "", ""
            if rng.random() < 0.15 and p.mother:
                m = ctx.person(p.mother)
                id_type, id_no = m.id_type, m.id_no
                log.append(("id_no", "id_mother_on_child"))
                m.kinds.add("mother_with_baby_records")
        elif p.id_from and rng.random() < 0.2:
            id_type, id_no = "", ""
        ident = {
            "name": p.name,
            "id_type": id_type,
            "id_no": id_no,
            "sex": p.sex,
            "birth_date": p.birth.isoformat(),
            "phone": phone,
            "address": p.address,
        }
        return ident, log

    def _relative(self, p: Person) -> Person | None:
        hh = self.ctx.household(p)
        rel = [
            q
            for q in hh.members
            if q is not p
            and q.birth.year < self.ctx.start.year - 18
            and q.id_type == "01"
            and not q.alt_doc
        ]
        return self.rng.choice(rel) if rel and p.id_type == "01" else None

    def visit(
        self,
        org: str,
        p: Person,
        d: date,
        group: str,
        *,
        etype: str = "outpatient",
        dx: list | None = None,
        stay: int = 0,
        at: datetime | None = None,
    ) -> None:
        ctx, rng = self.ctx, self.rng
        when = at or ctx.day_time(d, 7, 17 if etype == "outpatient" else 24)
        ident, log = self.own_ident(p, when)
        adult = p.birth.year < ctx.start.year - 18
        if (
            adult
            and (org, p.pid) not in self.rows
            and ctx.dmg.chance("relative_id_used", R.DAMAGE["hospital"]["relative_id_used"])
        ):
            rel = self._relative(p)
            if rel is not None:
                ident.update(id_type="01", id_no=rel.id_no)
                log.append(("id_no", "relative_id_used"))
                if rng.random() < 0.6:
                    ident["birth_date"] = rel.birth.isoformat()
                    log.append(("birth_date", "relative_id_used"))
                if ctx.dmg.chance("relative_identity", 0.25):
                    ident.update(name=rel.name, sex=rel.sex, birth_date=rel.birth.isoformat())
                    log.append(("name", "relative_identity"))
                p.kinds.add("relative_id_used")
                rel.kinds.add("relative_id_used")
        pid = self.register(org, p, when - timedelta(minutes=rng.randrange(5, 40)), ident, log=log)
        self.encounter(
            org,
            pid,
            etype,
            DEPT.get(group, "内科") if etype != "emergency" else "急诊科",
            when,
            dx or [rng.choice(DX[group])],
            stay,
        )

    # --- newborns ------------------------------------------------------------------------
