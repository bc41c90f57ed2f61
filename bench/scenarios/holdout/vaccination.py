"""Vaccination JSON Lines: the national programme schedule, paid vaccines, adults, voids.

Programme doses follow the 2021 国家免疫规划 schedule (HepB 0/1/6 months, BCG at birth, IPV 2/3
months, bOPV 4 months and 4 years, DTaP 3/4/5/18 months, MPSV-A 6/9 months, MMR 8/18 months,
JE-L 8 months and 2 years, HepA-L 18 months, MPSV-AC 3 and 6 years, DT 6 years). 45 % of families
also buy PCV13, EV71, rotavirus and varicella. Delays: 70 % within a week, 20 % 1–4 weeks, 10 %
up to three months. Birth doses are given by the birth hospital's 产科接种室 within 24 hours under
a placeholder name (3 % with no name at all); later doses at the household's community centre.

Until the child is named the record uses a placeholder, and 12 % of children keep it for two
months after (the clinic never updated the card). The child's own ID appears on 60 % of doses
once it exists (40 % of those typed as 02 户口簿). The guardian is the mother (68 %), father (20 %)
or a grandparent (12 %), and changes on 20 % of visits.

Adults: rabies post-exposure courses (1.2 % of people aged 3+ per 45 nights: Essen 0/3/7/14/28 or
Zagreb 2-1-1, several records within the window), HPV (2 % of women 18–45), zoster (1 % of 50+).
Life-cycle: 4 % of doses re-exported later with a corrected name/ID (same record_id); 2 % voided
(double entry, or — for twins — entered on the other twin's card).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bench.scenarios.holdout import rates as R
from bench.scenarios.holdout.context import Ctx, doc, guardian_of, placeholder
from bench.scenarios.holdout.people import Person

SCHEDULE = [  # code, names (product-level variants), dose_no, age in days
    ("0201", ("乙肝疫苗", "重组乙型肝炎疫苗(酿酒酵母)", "乙肝疫苗(10μg)"), 1, 0),
    ("0101", ("卡介苗", "皮内注射用卡介苗"), 1, 0),
    ("0201", ("乙肝疫苗", "重组乙型肝炎疫苗(酿酒酵母)"), 2, 30),
    ("0311", ("脊灰灭活疫苗", "脊髓灰质炎灭活疫苗(Vero细胞)"), 1, 60),
    ("0311", ("脊灰灭活疫苗", "IPV"), 2, 90),
    ("0401", ("百白破疫苗", "吸附无细胞百白破联合疫苗"), 1, 90),
    ("0312", ("二价脊灰减毒活疫苗", "bOPV"), 3, 120),
    ("0401", ("百白破疫苗", "DTaP"), 2, 120),
    ("0401", ("百白破疫苗",), 3, 150),
    ("0201", ("乙肝疫苗",), 3, 180),
    ("1601", ("A群流脑多糖疫苗", "A群脑膜炎球菌多糖疫苗"), 1, 180),
    ("1201", ("麻腮风疫苗", "麻疹腮腺炎风疹联合减毒活疫苗"), 1, 240),
    ("1401", ("乙脑减毒活疫苗", "乙型脑炎减毒活疫苗"), 1, 240),
    ("1601", ("A群流脑多糖疫苗",), 2, 270),
    ("0401", ("百白破疫苗",), 4, 540),
    ("1201", ("麻腮风疫苗",), 2, 540),
    ("1901", ("甲肝减毒活疫苗", "甲型肝炎减毒活疫苗"), 1, 540),
    ("1401", ("乙脑减毒活疫苗",), 2, 730),
    ("1701", ("A群C群流脑多糖疫苗", "MPSV-AC"), 1, 1095),
    ("0312", ("二价脊灰减毒活疫苗",), 4, 1460),
    ("0601", ("白破疫苗", "吸附白喉破伤风联合疫苗"), 1, 2190),
    ("1701", ("A群C群流脑多糖疫苗",), 2, 2190),
]
PAID = [
    ("2601", ("13价肺炎球菌多糖结合疫苗",), 1, 60),
    ("2601", ("13价肺炎球菌多糖结合疫苗",), 2, 120),
    ("2601", ("13价肺炎球菌多糖结合疫苗",), 3, 180),
    ("2601", ("13价肺炎球菌多糖结合疫苗",), 4, 365),
    ("3201", ("口服五价重配轮状病毒减毒活疫苗",), 1, 45),
    ("3201", ("口服五价轮状病毒疫苗",), 2, 75),
    ("3201", ("口服五价轮状病毒疫苗",), 3, 105),
    ("2201", ("肠道病毒71型灭活疫苗",), 1, 180),
    ("2201", ("EV71疫苗",), 2, 210),
    ("2401", ("水痘减毒活疫苗",), 1, 365),
    ("2401", ("水痘减毒活疫苗",), 2, 1460),
]
MAKER = {
    "0201": "深圳康泰",
    "0101": "上海生物",
    "0311": "北京生物",
    "0312": "北京科兴",
    "0401": "武汉生物",
    "1601": "华兰生物",
    "1201": "上海生物",
    "1401": "成都生物",
    "1901": "长春生物",
    "1701": "沃森生物",
    "0601": "武汉生物",
    "2601": "辉瑞",
    "3201": "默沙东",
    "2201": "中国医学科学院医学生物学研究所",
    "2401": "长春百克",
    "2801": "辽宁成大",
    "5801": "默沙东",
    "6001": "葛兰素史克",
}
SITES = ("左上臂三角肌", "右上臂三角肌", "左大腿前外侧", "右大腿前外侧", "口服", "左上臂三角肌下缘")


class Vaccination:
    def __init__(self, ctx: Ctx):
        self.ctx, self.rng = ctx, ctx.rng
        self.sticky: dict[str, bool] = {}
        self.usual_guardian: dict[str, Person] = {}
        self.hex_ids = {
            o.org_code
            for o in ctx.orgs
            if "hospital" in o.systems and o.org_type != "community_health_center"
        }

    def _record_id(self, org: str, when: datetime) -> str:
        n = self.ctx.next("vacc", org)
        if org in self.hex_ids:  # the hospital's system numbers doses with random keys
            return f"{self.rng.getrandbits(64):016x}"
        return f"{org[2:6]}{when:%Y%m%d}{n:05d}"

    def _child_ident(self, c: Person, d: date, birth_dose: bool) -> tuple[dict, list]:
        ctx, rng = self.ctx, self.rng
        log = []
        if c.pid not in self.sticky:
            self.sticky[c.pid] = rng.random() < R.VACC_PLACEHOLDER_AFTER_NAMING
        m = ctx.person(c.mother)
        named = c.name_from is None or d >= c.name_from + timedelta(60 if self.sticky[c.pid] else 0)
        name = c.name
        if not named:
            name = placeholder(rng, c, m, "vaccination")
            log.append(("recipient_name", "name_placeholder"))
            if birth_dose and rng.random() < R.VACC_EMPTY_NAME:
                name = ""
                log[-1] = ("recipient_name", "name_missing")
        id_type, id_no = "", ""
        issued = c.id_from is None or d >= c.id_from  # None: had an ID before the window
        if issued and rng.random() < R.VACC_CHILD_ID_WHEN_ISSUED:
            id_type = "02" if rng.random() < R.VACC_ID_TYPE_HUKOU else "01"
            id_no = c.id_no
        if c.pid not in self.usual_guardian:
            self.usual_guardian[c.pid] = guardian_of(ctx, c)
        g = self.usual_guardian[c.pid] if rng.random() < 0.8 else guardian_of(ctx, c)
        g_id = doc(rng, g)[1]
        if g is m:  # the mother's own identity is on the baby's record
            m.kinds.add("mother_with_baby_records")
        ident = {
            "name": name,
            "id_type": id_type,
            "id_no": id_no,
            "sex": c.sex,
            "birth_date": c.birth.isoformat(),
            "phone": g.phone or m.phone,
            "g_name": g.name,
            "g_id": g_id,
        }
        return ident, log

    def _adult_ident(self, p: Person) -> dict:
        id_type, id_no = doc(self.rng, p)
        return {
            "name": p.name,
            "id_type": id_type,
            "id_no": id_no,
            "sex": p.sex,
            "birth_date": p.birth.isoformat(),
            "phone": p.phone,
            "g_name": "",
            "g_id": "",
        }

    def dose(
        self,
        org: str,
        p: Person,
        code: str,
        vname: str,
        dose_no: int,
        when: datetime,
        *,
        child: bool,
        birth_dose: bool = False,
        status: str = "active",
    ) -> str | None:
        ctx, rng = self.ctx, self.rng
        if not ctx.in_window(when):
            return None
        ident, log = (
            self._child_ident(p, when.date(), birth_dose) if child else (self._adult_ident(p), [])
        )
        rid = self._record_id(org, when)
        key = ctx.mention("vaccination", org, rid, "recipient", p)
        for field, kind in log:
            ctx.dmg.log(key, field, kind, p)
        cols = {
            "name": "recipient_name",
            "id_no": "recipient_id_no",
            "sex": "recipient_sex",
            "birth_date": "recipient_birth_date",
            "phone": "guardian_phone",
        }
        clean = dict(ident)
        ctx.dmg.identity(key, p, ident, cols, "vaccination", when.date(), own=not log)
        if ident["g_id"]:
            g = {"name": ident["g_name"], "id_no": ident["g_id"]}
            ctx.dmg.identity(
                key,
                p,
                g,
                {"name": "guardian_name", "id_no": "guardian_id_no"},
                "vaccination",
                when.date(),
                own=False,
                tag=False,
            )
            ident["g_name"], ident["g_id"] = g["name"], g["id_no"]
        batch = (
            f"{rng.choice(['', 'A', 'B', 'C'])}{when.year - rng.randrange(2)}"
            f"{rng.randrange(1, 13):02d}{rng.randrange(1000):03d}"
        )
        row = {
            "record_id": rid,
            "recipient_name": ident["name"],
            "recipient_id_type": ident["id_type"] if ident["id_no"] else "",
            "recipient_id_no": ident["id_no"],
            "recipient_sex": ident["sex"],
            "recipient_birth_date": ident["birth_date"] or p.birth.isoformat(),
            "guardian_name": ident["g_name"],
            "guardian_id_no": ident["g_id"],
            "guardian_phone": ident["phone"],
            "vaccine_code": code,
            "vaccine_name": vname,
            "dose_no": dose_no,
            "vaccinated_at": when,
            "batch_no": batch,
            "manufacturer": MAKER.get(code, ""),
            "site": rng.choice(SITES),
            "status": status,
        }
        day = when.date()
        if rng.random() < 0.1 and day < ctx.end:
            day += timedelta(1)  # uploaded the next night
        ctx.writer.vaccination(org, day, row)
        if status == "voided":
            ctx.dmg.log(key, "status", "voided_dose", p)
            return rid
        r = rng.random()
        if r < R.VACC_VOID:  # double entry: a second record, voided (later, or at once)
            rid2 = self._record_id(org, when)
            key2 = ctx.mention("vaccination", org, rid2, "recipient", p)
            later = ctx.later_day(day, 1, 7)
            if later:
                ctx.writer.vaccination(org, day, {**row, "record_id": rid2})
            ctx.writer.vaccination(
                org, later or day, {**row, "record_id": rid2, "status": "voided"}
            )
            ctx.dmg.log(key2, "status", "voided_dose", p)
        elif r < R.VACC_VOID + R.VACC_CORRECTION or (log and rng.random() < 0.05):
            later = ctx.later_day(day, 1, 10)
            if later:
                self._correct(key, org, later, row, p, clean, child)
        return rid

    def _correct(
        self, key: tuple, org: str, day: date, row: dict, p: Person, clean: dict, child: bool
    ) -> None:
        """Re-export with the identity fixed: real name once named, own ID once issued."""
        fixed = dict(row)
        named = not child or p.name_from is None or day >= p.name_from
        fixed["recipient_name"] = p.name if named else clean["name"]
        if child and (p.id_from is None or day >= p.id_from):
            fixed["recipient_id_type"], fixed["recipient_id_no"] = "01", p.id_no
        elif clean["id_no"]:
            fixed["recipient_id_type"], fixed["recipient_id_no"] = clean["id_type"], clean["id_no"]
        fixed["recipient_birth_date"] = p.birth.isoformat()
        fixed["recipient_sex"] = p.sex
        changed = [
            c
            for c in ("recipient_name", "recipient_id_no", "recipient_birth_date", "recipient_sex")
            if fixed[c] != row[c]
        ]
        if not changed:
            return
        self.ctx.writer.vaccination(org, day, fixed)
        for c in changed:
            self.ctx.dmg.log(key, c, "correction_redelivered", None)


def deliver(ctx: Ctx) -> None:
    """Every dose of the window, household by household."""
    v, rng = Vaccination(ctx), ctx.rng
    for hh in ctx.city.households:
        kids = [*hh.babies, *([hh.sibling] if hh.sibling else [])]
        paid = rng.random() < 0.45
        delays: dict[tuple, int] = {}
        for c in kids:
            clinic = ctx.chc(hh)
            if rng.random() < 0.10:  # moved: doses at another centre of the district (or city)
                clinic = rng.choice(
                    ctx.with_system("vaccination", org_type="community_health_center")
                )
            twin = [b for b in hh.babies if b is not c and c.twin_group and b.twin_group]
            for code, vnames, dose_no, age in SCHEDULE + (PAID if paid else []):
                k = (code, dose_no)
                if age == 0:
                    if c.birth_dt is None:
                        continue
                    when = c.birth_dt + timedelta(hours=rng.uniform(0.5, 20))
                    org = ctx.birth_hospital(hh)
                else:
                    if k not in delays:
                        r = rng.random()
                        delays[k] = (
                            rng.randint(0, 7)
                            if r < 0.7
                            else rng.randint(8, 30)
                            if r < 0.9
                            else rng.randint(31, 90)
                        )
                    d = c.birth + timedelta(age + delays[k])
                    if not ctx.in_window(d):
                        continue
                    when, org = ctx.day_time(d, 8, 16), clinic
                vname = vnames[sum(map(ord, org)) % len(vnames)]
                v.dose(org, c, code, vname, dose_no, when, child=True, birth_dose=age == 0)
                if twin and ctx.in_window(when) and rng.random() < 0.06:
                    v.dose(
                        org,
                        twin[0],
                        code,
                        vname,
                        dose_no,
                        when,
                        child=True,
                        birth_dose=age == 0,
                        status="voided",
                    )
        for p in hh.members:
            _adult_courses(ctx, v, hh, p)


def _adult_courses(ctx: Ctx, v: Vaccination, hh, p: Person) -> None:
    rng = ctx.rng
    age = (ctx.start - p.birth).days / 365.25
    child = age < 16 and bool(p.mother)
    if age >= 3 and rng.random() < 0.012:  # dog or cat bite
        d0 = ctx.start + timedelta(rng.randrange(ctx.city.days))
        org = rng.choice(ctx.with_system("vaccination", district=hh.district))
        zagreb = rng.random() < 0.4
        days = [0, 0, 7, 21] if zagreb else [0, 3, 7, 14, 28]
        name = "冻干人用狂犬病疫苗(Vero细胞)" if zagreb else "人用狂犬病疫苗(地鼠肾细胞)"
        for n, off in enumerate(days, 1):
            d = d0 + timedelta(off + (rng.randint(0, 2) if off else 0))
            v.dose(org, p, "2801", name, n, ctx.day_time(d), child=child)
    if p.sex == "2" and 18 <= age <= 45 and rng.random() < 0.02:
        d = ctx.start + timedelta(rng.randrange(ctx.city.days))
        v.dose(
            ctx.chc(hh),
            p,
            "5801",
            rng.choice(["九价人乳头瘤病毒疫苗", "双价HPV疫苗"]),
            rng.randint(1, 3),
            ctx.day_time(d),
            child=False,
        )
    if age >= 50 and rng.random() < 0.01:
        d = ctx.start + timedelta(rng.randrange(ctx.city.days))
        v.dose(
            ctx.chc(hh),
            p,
            "6001",
            "重组带状疱疹疫苗(CHO细胞)",
            rng.randint(1, 2),
            ctx.day_time(d),
            child=False,
        )
