"""Who goes to hospital in the window, and the newborn and 无名氏 desk cases.

The rates are in :mod:`.hospital`'s docstring; this module turns them into visits: maternity
(obstetric outpatient, delivery admission by mode), newborn rows and rechecks, paediatrics,
general and chronic-disease visits (monthly refills), and 无名氏 emergencies (6 per 45 nights).
"""

from __future__ import annotations

from datetime import date, timedelta

from bench.scenarios.holdout import rates as R
from bench.scenarios.holdout.context import Ctx, delivery_mode, doc, placeholder
from bench.scenarios.holdout.hospital import DX, Hospitals
from bench.scenarios.holdout.people import Household, Person


class Desk(Hospitals):
    """Registration desks with the newborn and unidentified-patient habits."""

    def newborn(self, hh: Household, baby: Person, org: str) -> None:
        ctx, rng, m = self.ctx, self.rng, hh.mother
        when = baby.birth_dt + timedelta(hours=rng.uniform(0.3, 30))
        if not ctx.in_window(when):
            return
        log = []
        if rng.random() < R.NEWBORN_UNDER_MOTHER_NAME:
            name = m.name
            log.append(("name", "name_mother_on_child"))
        else:
            name = placeholder(rng, baby, m, "hospital")
            log.append(("name", "name_placeholder"))
        id_type, id_no = "", ""
        if rng.random() < R.NEWBORN_MOTHER_ID:
            id_type, id_no = doc(rng, m)
            log.append(("id_no", "id_mother_on_child"))
        r = rng.random()
        birth = (
            m.birth.isoformat()
            if r < R.NEWBORN_MOTHER_BIRTH
            else baby.birth.isoformat()
            if r < R.NEWBORN_MOTHER_BIRTH + 0.55
            else ""
        )
        if r < R.NEWBORN_MOTHER_BIRTH:
            log.append(("birth_date", "birth_mother_on_child"))
        sex = baby.sex
        if rng.random() < R.NEWBORN_SEX_UNKNOWN:
            sex = "0"
            log.append(("sex_code", "sex_unknown_newborn"))
        phone = m.phone if rng.random() < 0.8 or not hh.father else hh.father.phone
        ident = {
            "name": name,
            "id_type": id_type,
            "id_no": id_no,
            "sex": sex,
            "birth_date": birth,
            "phone": phone,
            "address": hh.address,
        }
        m.kinds.add("mother_with_baby_records")
        pid = self.register(org, baby, when, ident, own=False, slot="nb:" + baby.pid, log=log)
        nicu = rng.random() < 0.3
        dx = [DX["newborn"][0]] + ([rng.choice(DX["newborn"][1:])] if nicu else [])
        self.encounter(
            org,
            pid,
            "inpatient",
            "新生儿科" if nicu else "产科(母婴同室)",
            when,
            dx,
            rng.randint(2, 7),
        )
        if rng.random() < R.NEWBORN_RECHECK:
            d = ctx.later_day(baby.birth, 3, 10)
            if d is not None:
                self._recheck(hh, baby, org, d, pid)

    def _recheck(self, hh: Household, baby: Person, org: str, d: date, first_pid: str) -> None:
        ctx, rng, m = self.ctx, self.rng, hh.mother
        when = ctx.day_time(d)
        named = d >= baby.name_from
        if named:
            second = not ctx.dmg.chance("amended_later", 1 - R.NEWBORN_SECOND_ROW)
        else:
            second = rng.random() < R.NEWBORN_SECOND_ROW
        if second:
            log = []
            name = baby.name if named else placeholder(rng, baby, m, "hospital")
            if not named:
                log.append(("name", "name_placeholder"))
            id_type, id_no = ("01", baby.id_no) if d >= baby.id_from else ("", "")
            if not id_no and rng.random() < 0.5:
                id_type, id_no = doc(rng, m)
                log.append(("id_no", "id_mother_on_child"))
            sex = baby.sex if rng.random() < 0.6 else "0"
            if sex == "0":
                log.append(("sex_code", "sex_unknown_newborn"))
            ident = {
                "name": name,
                "id_type": id_type,
                "id_no": id_no,
                "sex": sex,
                "birth_date": baby.birth.isoformat(),
                "phone": m.phone,
                "address": hh.address,
            }
            pid = self.register(org, baby, when, ident, own=named, slot="nb2:" + baby.pid, log=log)
            ctx.dmg.log(
                ("hospital", org, pid, "patient"), "patient_id", "duplicate_registration", baby
            )
        else:
            pid = first_pid
            if named:
                changes = {"name": baby.name, "sex": baby.sex}
                if d >= baby.id_from:
                    changes.update(id_type="01", id_no=baby.id_no)
                self.amend(org, pid, baby, changes, when)
        self.encounter(org, pid, "outpatient", "新生儿科门诊", when, [DX["newborn"][1]])

    def unidentified(self, p: Person, org: str, d: date) -> None:
        """无名氏: an emergency patient without identity, registered properly days later."""
        ctx, rng = self.ctx, self.rng
        when = ctx.day_time(d, 0, 24)
        name = rng.choice(
            [
                "无名氏",
                f"无名氏{rng.randrange(1, 99)}",
                "男性无名氏" if p.sex == "1" else "女性无名氏",
                f"未知{d:%m%d}",
            ]
        )
        ident = {
            "name": name,
            "id_type": "",
            "id_no": "",
            "sex": p.sex,
            "birth_date": f"{p.birth.year // 10 * 10}-01-01" if rng.random() < 0.5 else "",
            "phone": "",
            "address": "",
        }
        pid = self.register(
            org,
            p,
            when,
            ident,
            own=False,
            slot="anon:" + p.pid,
            log=[("name", "unidentified_emergency")],
        )
        self.encounter(
            org,
            pid,
            "emergency",
            "急诊科",
            when,
            [
                rng.choice(
                    [
                        ("S06.000", "脑震荡"),
                        ("R10.400", "腹痛"),
                        ("I21.900", "急性心肌梗死"),
                        ("T14.000", "浅表损伤"),
                    ]
                )
            ],
        )
        later = ctx.later_day(d, 1, 3)
        if later:
            self.visit(org, p, later, "adult" if p.birth.year > 1966 else "old")


def deliver(ctx: Ctx) -> None:
    h, rng = Desk(ctx), ctx.rng
    days = ctx.city.days
    for hh in ctx.city.households:
        for p in hh.members:
            if p in hh.babies:
                continue
            age = (ctx.start - p.birth).days / 365.25
            if p is hh.mother and hh.kind in ("birth", "pregnant"):
                _maternity(ctx, h, hh)
            elif age < 18 and rng.random() < (0.45 if age < 7 else 0.3):
                h.visit(ctx.hospital_for(hh, big=0.5), p, _day(ctx), "child")
            elif age >= 18 and rng.random() < (
                R.SPECIAL_VISIT if _special(p) else 0.7 if age >= 60 else 0.4
            ):
                _general(ctx, h, hh, p, age)
        for b in hh.babies:
            if hh.kind == "birth" and rng.random() < R.NEWBORN_HOSPITAL_ROW:
                h.newborn(hh, b, ctx.birth_hospital(hh))
            elif hh.kind == "birth" and rng.random() < 0.15:
                d = ctx.later_day(b.birth, 5, 30)
                if d:
                    h.visit(ctx.hospital_for(hh, big=0.5), b, d, "child")
            elif hh.kind in ("infant", "toddler") and rng.random() < (
                0.35 if hh.kind == "infant" else 0.45
            ):
                h.visit(
                    ctx.hospital_for(hh, big=0.5),
                    b,
                    _day(ctx),
                    "child",
                    etype="emergency" if rng.random() < 0.08 else "outpatient",
                )
    adults = [
        p
        for p in ctx.city.persons
        if 25 <= (ctx.start - p.birth).days / 365.25 <= 85 and not p.foreign
    ]
    for p in rng.sample(adults, max(2, round(6 * days / 45))):
        org = rng.choice(
            [
                o.org_code
                for o in ctx.orgs
                if o.org_type.endswith("hospital") and o.org_type != "mch_hospital"
            ]
        )
        h.unidentified(p, org, ctx.start + timedelta(rng.randrange(max(1, days - 3))))


def _special(p: Person) -> bool:
    return bool(p.special or p.rare or "namesake" in p.kinds)


def _day(ctx: Ctx) -> date:
    return ctx.start + timedelta(ctx.rng.randrange(ctx.city.days))


def _general(ctx: Ctx, h: Desk, hh: Household, p: Person, age: float) -> None:
    rng = ctx.rng
    group = "old" if age >= 60 else "adult"
    orgs = [ctx.hospital_for(hh)]
    if rng.random() < 0.3:
        orgs.append(ctx.hospital_for(hh, big=0.8))
    for org in orgs:
        d = _day(ctx)
        if group == "old" and rng.random() < 0.08:
            h.visit(
                org,
                p,
                d,
                group,
                etype="inpatient",
                stay=rng.randint(5, 12),
                dx=[rng.choice(DX["old"][2:])],
            )
            continue
        chronic = group == "old" and rng.random() < 0.5
        dx = [rng.choice(DX["old"][:2])] if chronic else None
        h.visit(org, p, d, group, dx=dx, etype="emergency" if rng.random() < 0.06 else "outpatient")
        while chronic and (d := d + timedelta(rng.randint(26, 32))) <= ctx.end:
            h.visit(org, p, d, group, dx=dx)


def _maternity(ctx: Ctx, h: Desk, hh: Household) -> None:
    rng, m = ctx.rng, hh.mother
    org = ctx.birth_hospital(hh)
    if hh.kind == "pregnant":
        if rng.random() < 0.7:
            for _ in range(rng.randint(1, 3)):
                h.visit(org, m, _day(ctx), "ob")
        return
    birth = hh.babies[0].birth_dt
    if rng.random() < 0.5:
        d = birth.date() - timedelta(rng.randint(3, 14))
        if ctx.in_window(d):
            h.visit(org, m, d, "ob")
    mode = delivery_mode(ctx, hh)
    dx = {
        "vaginal": ("O80.000", "单胎顺产"),
        "cesarean": ("O82.000", "剖宫产"),
        "assisted": ("O81.000", "产钳助产"),
    }[mode]
    if len(hh.babies) > 1:
        dx = ("O84.000", "多胎分娩")
    admit = ctx.clamp(birth - timedelta(hours=rng.uniform(2, 20)))
    h.visit(
        org,
        m,
        admit.date(),
        "ob",
        etype="inpatient",
        dx=[dx],
        at=admit,
        stay=rng.randint(2, 3) if mode != "cesarean" else rng.randint(4, 6),
    )
