"""Maternal and child health CSVs: registration, prenatal and postpartum visits, deliveries and
child checkups.

* 建册 happens at 7–13 weeks, mostly before the window; inside it come late registrants (25 % of
  migrant mothers, 8 % of local ones, a few weeks before delivery — 转入建册) and 6 % of mothers
  registered a second time at the birth hospital (a second registration, another record_id).
* Prenatal visits follow the 2017 规范 rhythm: weeks 12, 16, 20, 24, 28, then every two weeks to
  36 and weekly to 40; 85 % attendance; from week 28, 75 % at the birth hospital.
* Deliveries: one row per baby (twins two rows, the same mother, minutes apart); baby_name empty
  80 %, else a placeholder, a bare 大宝/二宝 for twins, or the real name when the parents had it;
  8 % re-exported days later with the real name and the birth-certificate number.
* Postpartum visits at days 3–7, 14 (40 %), 28 (30 %) and the 42-day check (85 %).
* Child checkups at 1, 3, 6, 8, 12, 18, 24, 30, 36 months and yearly to 6; 80 % attendance; the
  child's own ID on half of them once it exists; the mother's name and ID copied from the card.
* 5 % of registration/visit rows re-exported later with the same record_id (a corrected ID number,
  a fixed phone or weight): the later version must win.
"""

from __future__ import annotations

from datetime import date, timedelta

from bench.scenarios.holdout import rates as R
from bench.scenarios.holdout.context import Ctx, delivery_mode, doc, placeholder
from bench.scenarios.holdout.people import Household, Person

PREFIX = {
    "maternal_registration": "JC",
    "prenatal_visit": "CJ",
    "delivery": "FM",
    "postpartum_visit": "CH",
    "child_checkup": "ET",
}
MOTHER = {"name": "mother_name", "id_no": "mother_id_no"}
WEEKS = (12, 16, 20, 24, 28, 30, 32, 34, 36, 37, 38, 39, 40)
CHILD_AGES = (30, 91, 182, 243, 365, 547, 730, 912, 1095, 1460, 1825, 2190)
NOTES = ("恢复良好", "恶露未净", "乳汁不足", "伤口愈合良好", "轻度贫血", "")


class MCH:
    def __init__(self, ctx: Ctx):
        self.ctx, self.rng = ctx, ctx.rng

    def _rid(self, org: str, rt: str, d: date) -> str:
        return f"{PREFIX[rt]}{org[2:6]}{d:%y%m%d}{self.ctx.next('mch', org, rt):04d}"

    def _mother(self, key: tuple, m: Person, row: dict, day: date, *, full: bool = False) -> dict:
        """Mother's identity into ``row`` with damage; returns the undamaged values."""
        id_type, id_no = doc(self.rng, m)
        ident = {"name": m.name, "id_type": id_type, "id_no": id_no}
        cols = dict(MOTHER)
        if full:
            ident.update(birth_date=m.birth.isoformat(), phone=m.phone)
            cols.update(birth_date="mother_birth_date", phone="mother_phone")
        clean = dict(ident)
        self.ctx.dmg.identity(key, m, ident, cols, "mch", day)
        for k, c in cols.items():
            row[c] = ident.get(k, "")
        if full:
            row["mother_id_type"] = ident["id_type"] if ident["id_no"] else ""
        return {cols[k]: v for k, v in clean.items() if k in cols}

    def _emit(self, org: str, day: date, rt: str, row: dict, key: tuple, clean: dict) -> None:
        ctx = self.ctx
        ctx.writer.mch(org, day, rt, row)
        if self.rng.random() >= R.MCH_CORRECTION:
            return
        later = ctx.later_day(day, 1, 12)
        if later is None:
            return
        fixed = {**row, **clean}
        changed = [c for c in clean if fixed[c] != row[c]]
        if not changed:
            field = next(
                (c for c in ("weight_kg", "systolic_bp", "notes", "address") if c in row), None
            )
            if field is None:
                return
            fixed[field] = {
                "weight_kg": lambda v: f"{float(v or 60) + 0.5:.1f}",
                "systolic_bp": lambda v: str(int(v or 110) + 2),
                "notes": lambda v: (v or "") + "(已复核)",
                "address": lambda v: (v or "") + "(更正)",
            }[field](row[field])
            changed = [field]
        ctx.writer.mch(org, later, rt, fixed)
        for c in changed:
            ctx.dmg.log(key, c, "correction_redelivered", None)

    # --- mothers -------------------------------------------------------------------------

    def registration(self, hh: Household, org: str, d: date) -> None:
        m, ctx, rng = hh.mother, self.ctx, self.rng
        rid = self._rid(org, "maternal_registration", d)
        key = ctx.mention("mch", org, rid, "mother", m)
        row = {
            "record_id": rid,
            "address": hh.address,
            "last_menstrual_date": hh.lmp,
            "registered_at": ctx.day_time(d),
        }
        clean = self._mother(key, m, row, d, full=True)
        self._emit(org, d, "maternal_registration", row, key, clean)
        if rng.random() < 0.06:
            d2 = ctx.later_day(d, 3, 40)
            hosp = ctx.birth_hospital(hh)
            if d2 and hosp != org:
                self.registration_once(hh, hosp, d2)

    def registration_once(self, hh: Household, org: str, d: date) -> None:
        m, ctx = hh.mother, self.ctx
        rid = self._rid(org, "maternal_registration", d)
        key = ctx.mention("mch", org, rid, "mother", m)
        ctx.dmg.log(key, "record_id", "duplicate_registration", m)
        row = {
            "record_id": rid,
            "address": hh.address,
            "last_menstrual_date": hh.lmp,
            "registered_at": ctx.day_time(d),
        }
        clean = self._mother(key, m, row, d, full=True)
        self._emit(org, d, "maternal_registration", row, key, clean)

    def prenatal(self, hh: Household, d: date, week: int) -> None:
        ctx, rng, m = self.ctx, self.rng, hh.mother
        hosp = rng.random() < (0.75 if week >= 28 else 0.4)
        org = ctx.birth_hospital(hh) if hosp else ctx.chc(hh)
        rid = self._rid(org, "prenatal_visit", d)
        key = ctx.mention("mch", org, rid, "mother", m)
        row = {
            "record_id": rid,
            "visit_date": d,
            "gestational_weeks": week,
            "weight_kg": f"{rng.uniform(50, 72) + week * 0.35:.1f}",
            "systolic_bp": rng.randint(98, 135),
            "diastolic_bp": rng.randint(60, 88),
            "hemoglobin": rng.randint(98, 135),
            "fundal_height_cm": f"{max(week - rng.uniform(0, 4), 10):.0f}" if week >= 20 else "",
        }
        clean = self._mother(key, m, row, d)
        self._emit(org, d, "prenatal_visit", row, key, clean)

    def postpartum(self, hh: Household, d: date, days_after: int) -> None:
        ctx, rng, m = self.ctx, self.rng, hh.mother
        org = ctx.birth_hospital(hh) if days_after >= 40 and rng.random() < 0.5 else ctx.chc(hh)
        rid = self._rid(org, "postpartum_visit", d)
        key = ctx.mention("mch", org, rid, "mother", m)
        row = {
            "record_id": rid,
            "visit_date": d,
            "days_after_delivery": days_after,
            "systolic_bp": rng.randint(100, 138),
            "diastolic_bp": rng.randint(62, 90),
            "notes": rng.choice(NOTES),
        }
        clean = self._mother(key, m, row, d)
        self._emit(org, d, "postpartum_visit", row, key, clean)

    # --- babies --------------------------------------------------------------------------

    def delivery(self, hh: Household, baby: Person, weeks: int, mode: str) -> None:
        ctx, rng, m = self.ctx, self.rng, hh.mother
        org = ctx.birth_hospital(hh)
        day = baby.birth_dt.date()
        if rng.random() < 0.4 and day < ctx.end:
            day += timedelta(1)
        rid = self._rid(org, "delivery", day)
        mkey = ctx.mention("mch", org, rid, "mother", m)
        nkey = ctx.mention("mch", org, rid, "newborn", baby)
        m.kinds.add("mother_with_baby_records")
        name = ""
        if rng.random() >= R.DELIVERY_BABY_NAME_EMPTY:
            if baby.twin_group and rng.random() < 0.5:
                name = "大二三"[baby.birth_order - 1] + "宝"
            elif baby.name_from <= baby.birth and rng.random() < 0.6:
                name = baby.name
            else:
                name = placeholder(rng, baby, m, "mch")
            if name != baby.name:
                ctx.dmg.log(nkey, "baby_name", "name_placeholder", baby)
        base = 3300 - (37 - weeks) * 180 * (weeks < 37) - 350 * bool(baby.twin_group)
        cert = f"{rng.choice('NOPQ')}{rng.randrange(320000000, 329999999)}"
        row = {
            "record_id": rid,
            "delivery_time": baby.birth_dt,
            "delivery_mode": mode,
            "gestational_weeks": weeks,
            "baby_sex": baby.sex,
            "baby_birth_weight_g": int(rng.gauss(base, 380)),
            "baby_name": name,
            "birth_certificate_no": cert if rng.random() < 0.5 else "",
        }
        if rng.random() < 0.01:
            row["baby_sex"] = "0"
            ctx.dmg.log(nkey, "baby_sex", "sex_unknown_newborn", baby)
        clean = self._mother(mkey, m, row, day)
        ctx.writer.mch(org, day, "delivery", row)
        later = ctx.later_day(day, 2, 14) if rng.random() < R.DELIVERY_CORRECTION else None
        if later:
            fixed = {**row, **clean, "birth_certificate_no": row["birth_certificate_no"] or cert}
            if later >= baby.name_from:
                fixed["baby_name"] = baby.name
            ctx.writer.mch(org, later, "delivery", fixed)
            for c in ("baby_name", "mother_id_no", "mother_name"):
                if fixed[c] != row[c]:
                    ctx.dmg.log(
                        nkey if c == "baby_name" else mkey, c, "correction_redelivered", None
                    )

    def child_checkup(self, hh: Household, c: Person, d: date, age_days: int) -> None:
        ctx, rng, m = self.ctx, self.rng, hh.mother
        mch_hosp = [o for o in ctx.with_system("mch", org_type="mch_hospital")]
        org = rng.choice(mch_hosp) if rng.random() < 0.2 else ctx.chc(hh)
        rid = self._rid(org, "child_checkup", d)
        key = ctx.mention("mch", org, rid, "child", c)
        m.kinds.add("mother_with_baby_records")
        named = c.name_from is None or d >= c.name_from
        name = c.name if named else placeholder(rng, c, m, "mch")
        if not named:
            ctx.dmg.log(key, "child_name", "name_placeholder", c)
        own_id = (
            c.id_from is None or d >= c.id_from
        ) and rng.random() < R.CHECKUP_CHILD_ID_WHEN_ISSUED
        ident = {
            "name": name,
            "sex": c.sex,
            "birth_date": c.birth.isoformat(),
            "id_no": c.id_no if own_id else "",
        }
        ctx.dmg.identity(
            key,
            c,
            ident,
            {
                "name": "child_name",
                "sex": "child_sex",
                "birth_date": "child_birth_date",
                "id_no": "child_id_no",
            },
            "mch",
            d,
            own=named,
        )
        months = age_days / 30.4
        row = {
            "record_id": rid,
            "child_name": ident["name"],
            "child_sex": ident["sex"],
            "child_birth_date": ident["birth_date"] or c.birth.isoformat(),
            "child_id_no": ident["id_no"],
            "checkup_date": d,
            "height_cm": f"{50 + 25 * min(months, 12) / 12 + 8 * max(months - 12, 0) / 12:.1f}",
            "weight_kg": f"{3.3 + 6.5 * min(months, 12) / 12 + 2 * max(months - 12, 0) / 12:.1f}",
            "head_circumference_cm": f"{34 + 12 * min(months, 12) / 12:.1f}" if months < 37 else "",
            "development_result": rng.choice(["正常", "正常", "未见异常", "通过", "可疑"]),
        }
        mrow: dict = {}
        mident = {"name": m.name, "id_no": doc(rng, m)[1] if rng.random() < 0.85 else ""}
        ctx.dmg.identity(key, m, mident, MOTHER, "mch", d, own=False, tag=False)
        mrow = {"mother_name": mident["name"], "mother_id_no": mident["id_no"]}
        ctx.writer.mch(org, d, "child_checkup", {**row, **mrow})


def deliver(ctx: Ctx) -> None:
    mch, rng = MCH(ctx), ctx.rng
    for hh in ctx.city.households:
        if hh.kind in ("birth", "pregnant"):
            _pregnancy(ctx, mch, hh)
        if hh.kind in ("birth", "infant") and hh.babies:
            first = hh.babies[0].birth
            for days_after, p in (
                (rng.randint(3, 7), 1.0),
                (14, 0.4),
                (28, 0.3),
                (rng.randint(42, 47), 0.85),
            ):
                d = first + timedelta(days_after)
                if ctx.in_window(d) and rng.random() < p:
                    mch.postpartum(hh, d, days_after)
        for c in [*hh.babies, *([hh.sibling] if hh.sibling else [])]:
            for age in CHILD_AGES:
                d = c.birth + timedelta(age + rng.randint(-3, 12))
                if ctx.in_window(d) and rng.random() < 0.8:
                    mch.child_checkup(hh, c, d, age)


def _pregnancy(ctx: Ctx, mch: MCH, hh: Household) -> None:
    rng, m = ctx.rng, hh.mother
    due = hh.babies[0].birth if hh.babies else hh.lmp + timedelta(280)
    reg = hh.lmp + timedelta(rng.randint(49, 91))
    if hh.babies and rng.random() < (0.25 if m.migrant else 0.08):
        reg = due - timedelta(rng.randint(5, 100))
    if ctx.in_window(reg) and reg < due:
        mch.registration(hh, ctx.chc(hh), reg)
    for w in WEEKS:
        d = hh.lmp + timedelta(7 * w + rng.randint(-3, 3))
        if ctx.in_window(d) and d < due and d >= reg and rng.random() < 0.85:
            mch.prenatal(hh, d, w)
    if hh.babies:
        weeks = (hh.babies[0].birth - hh.lmp).days // 7
        mode = delivery_mode(ctx, hh)
        for b in hh.babies:
            mch.delivery(hh, b, weeks, mode)
