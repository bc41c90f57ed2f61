"""Vaccination of every child on the national schedule, as a province-wide vaccination archive
exports it: placeholder names at birth, the real name and then the ID number weeks later, the
guardian of the day, and voided or corrected re-exports."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bench.scenarios.families_common import at, delivery_day, exported_at, hash_unit, iso
from bench.scenarios.families_damage import Ctx, Damager
from bench.scenarios.families_model import Household, Person, Record, Scenario
from bench.scenarios.families_names import vaccination_placeholder

# Illustrative 4-digit codes in the style of the national 免疫规划信息系统 (category + product);
# clinics send product-level names, several per vaccine.
VACCINES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "BCG": (
        "0101",
        (
            ("皮内注射用卡介苗", "上海生物制品研究所有限责任公司"),
            ("卡介苗", "成都生物制品研究所有限责任公司"),
        ),
    ),
    "HepB": (
        "0201",
        (
            ("乙肝疫苗(酿酒酵母)10μg", "深圳康泰生物制品股份有限公司"),
            ("重组乙型肝炎疫苗(汉逊酵母)10μg", "大连汉信生物制药有限公司"),
            ("乙肝疫苗(CHO)10μg", "华北制药金坦生物技术股份有限公司"),
        ),
    ),
    "IPV": (
        "0311",
        (
            ("脊髓灰质炎灭活疫苗(Vero细胞)", "北京生物制品研究所有限责任公司"),
            ("Sabin株脊髓灰质炎灭活疫苗", "中国医学科学院医学生物学研究所"),
        ),
    ),
    "bOPV": ("0303", (("二价脊灰减毒活疫苗(人二倍体细胞)", "中国医学科学院医学生物学研究所"),)),
    "DTaP": (
        "0402",
        (
            ("吸附无细胞百白破联合疫苗", "武汉生物制品研究所有限责任公司"),
            ("百白破(无细胞)", "成都生物制品研究所有限责任公司"),
        ),
    ),
    "DT": ("0601", (("吸附白喉破伤风联合疫苗(儿童用)", "武汉生物制品研究所有限责任公司"),)),
    "MMR": ("1201", (("麻腮风联合减毒活疫苗", "北京生物制品研究所有限责任公司"),)),
    "JE-L": ("1401", (("乙型脑炎减毒活疫苗", "成都生物制品研究所有限责任公司"),)),
    "MPSV-A": ("1601", (("A群脑膜炎球菌多糖疫苗", "兰州生物制品研究所有限责任公司"),)),
    "MPSV-AC": ("1701", (("A群C群脑膜炎球菌多糖疫苗", "玉溪沃森生物技术有限公司"),)),
    "HepA-L": ("1901", (("甲型肝炎减毒活疫苗", "浙江普康生物技术股份有限公司"),)),
    "PCV13": (
        "2501",
        (
            ("13价肺炎球菌多糖结合疫苗", "辉瑞制药有限公司"),
            ("13价肺炎球菌多糖结合疫苗(CRM197)", "玉溪沃森生物技术有限公司"),
        ),
    ),
    "Hib": ("2301", (("b型流感嗜血杆菌结合疫苗", "兰州生物制品研究所有限责任公司"),)),
    "RV5": ("2801", (("口服五价重配轮状病毒减毒活疫苗", "默沙东(中国)投资有限公司"),)),
    "EV71": (
        "5101",
        (
            ("肠道病毒71型灭活疫苗(Vero细胞)", "武汉生物制品研究所有限责任公司"),
            ("EV71疫苗(人二倍体细胞)", "中国医学科学院医学生物学研究所"),
        ),
    ),
    "VAR": ("3101", (("水痘减毒活疫苗", "长春百克生物科技股份公司"),)),
    "HPV9": ("4201", (("九价人乳头瘤病毒疫苗(酿酒酵母)", "默沙东(中国)投资有限公司"),)),
    "HPV2": ("4202", (("双价人乳头瘤病毒疫苗(大肠埃希菌)", "厦门万泰沧海生物技术有限公司"),)),
    "RZV": ("4401", (("重组带状疱疹疫苗(CHO细胞)", "葛兰素史克(中国)投资有限公司"),)),
}
# Adults at the same clinics: HPV for women 18–45 (uptake surged after 2023; 0/2/6 months) and
# recombinant zoster vaccine for people 50+ (0/2 months); share starting a course in the window.
ADULT_COURSES = {"HPV9": (0.05, (0, 61, 183)), "HPV2": (0.02, (0, 30, 183)), "RZV": (0.02, (0, 61))}
# 国家免疫规划疫苗儿童免疫程序 (2021): (age in days, vaccine, dose_no).
PROGRAMME = (
    (0, "HepB", 1),
    (0, "BCG", 1),
    (30, "HepB", 2),
    (61, "IPV", 1),
    (91, "IPV", 2),
    (91, "DTaP", 1),
    (122, "bOPV", 1),
    (122, "DTaP", 2),
    (152, "DTaP", 3),
    (183, "HepB", 3),
    (183, "MPSV-A", 1),
    (243, "MMR", 1),
    (243, "JE-L", 1),
    (274, "MPSV-A", 2),
    (548, "DTaP", 4),
    (548, "MMR", 2),
    (548, "HepA-L", 1),
    (730, "JE-L", 2),
    (1096, "MPSV-AC", 1),
    (1461, "bOPV", 2),
    (2191, "DT", 1),
    (2191, "MPSV-AC", 2),
)
# 非免疫规划 (self-paid) vaccines popular in Suzhou: share of families choosing each, schedule.
OPTIONAL = {
    "PCV13": (0.35, ((61, 1), (122, 2), (183, 3), (365, 4))),
    "Hib": (0.30, ((61, 1), (91, 2), (122, 3), (548, 4))),
    "RV5": (0.35, ((61, 1), (91, 2), (122, 3))),
    "EV71": (0.50, ((183, 1), (213, 2))),
    "VAR": (0.65, ((365, 1), (1461, 2))),
}
SITES = {"BCG": "左上臂三角肌", "bOPV": "口服", "RV5": "口服"}
THIGH = ("IPV", "PCV13", "Hib", "EV71")  # given in the thigh in the first year
P_NAME_UPDATE_AT_VISIT = 0.75  # the clinic updates the archive name at the first visit after
P_ID_UPDATE_AT_VISIT = 0.6  # … and the ID once the family brings the 户口簿
P_PLACEHOLDER_SEX_UNKNOWN = 0.15
P_VOIDED = 0.02
P_CORRECTED = 0.03
MAX_AGE_DAYS = 7 * 365


@dataclass
class Archive:
    """A child's vaccination archive: what the system currently shows for the child."""

    placeholder: str
    placeholder_sex: str
    name_set: bool = False
    id_set: bool = False
    phone: str = ""


def _clinic_day(org: str, day: date) -> date:
    """Community clinics vaccinate on fixed weekdays (four a week, chosen per clinic)."""
    off = int(org[-3:-1]) % 3
    days = {(off + k) % 7 for k in (0, 1, 3, 4)} - {6}
    while day.weekday() not in days:
        day += timedelta(days=1)
    return day


def _delay(rng: random.Random) -> int:
    r = rng.random()
    return rng.randint(0, 7) if r < 0.7 else rng.randint(8, 30) if r < 0.9 else rng.randint(31, 90)


class Vaccinations:
    def __init__(self, rng: random.Random, sc: Scenario, dmg: Damager) -> None:
        self.rng, self.sc, self.dmg = rng, sc, dmg

    def _plan(self, c: Person, clinic: str) -> list[tuple[date, str, list[tuple[str, int]]]]:
        """Visit dates (from birth on) with the doses given, on the clinic's real timetable."""
        rng = self.rng
        items = [(age, v, n) for age, v, n in PROGRAMME]
        for v, (share, doses) in OPTIONAL.items():
            if rng.random() < share:
                items += [(age, v, n) for age, n in doses]
        by_age: dict[int, list[tuple[str, int]]] = {}
        for age, v, n in sorted(items, key=lambda t: (t[0], t[1], t[2])):
            by_age.setdefault(age, []).append((v, n))
        plan: list[tuple[date, str, list[tuple[str, int]]]] = []
        last: date | None = None
        for age, doses in sorted(by_age.items()):
            if age == 0:  # birth doses at the delivering hospital, within 24 h
                if c.birth_org and c.birth_time is not None:
                    plan.append(
                        (
                            (c.birth_time + timedelta(hours=rng.randint(1, 20))).date(),
                            c.birth_org,
                            doses,
                        )
                    )
                last = c.birth
                continue
            due = c.birth + timedelta(days=age + _delay(rng))
            if last is not None:
                due = max(due, last + timedelta(days=28))  # minimum interval between visits
            day = _clinic_day(clinic, due)
            plan.append((day, clinic, doses))
            last = day
        return plan

    def child(self, hh: Household, c: Person, twins: dict[str, list]) -> None:
        """All in-window doses of one child; twins share their plan (they come together)."""
        sc, rng = self.sc, self.rng
        if (sc.start - c.birth).days > MAX_AGE_DAYS:
            return
        group = twins.get(c.twin_group) if c.twin_group else None
        plan = group if group is not None else self._plan(c, hh.community)
        if c.twin_group:
            twins[c.twin_group] = plan
        m = sc.persons[c.mother]
        settled = (sc.start - c.birth).days > 200  # archives of older children are long settled
        arc = Archive(
            vaccination_placeholder(
                rng, c.placeholder_surname, m.name, c.sex, c.twin_index, hash_unit(c.twin_group)
            ),
            "0" if rng.random() < P_PLACEHOLDER_SEX_UNKNOWN else str(c.sex),
            name_set=settled or (c.name_known == c.birth and rng.random() < 0.85),
            id_set=settled and rng.random() < 0.85,
        )
        # guardian phone: the mother's for nearly every child of a family (one shared phone);
        # archives opened years ago may still hold her old number
        father = sc.persons.get(c.father)
        r = rng.random()
        arc.phone = (
            father.phone
            if r < 0.1 and father and father.phone
            else m.old_phone
            if m.old_phone and settled and rng.random() < 0.5
            else m.phone
        )
        pending: list[tuple[date, dict]] = []  # corrected re-exports not yet due
        for day, org, doses in plan:
            if day > sc.end:
                break
            pending = self._flush(c, m, arc, pending, before=day)
            if (
                not arc.name_set
                and c.name_known
                and day >= c.name_known
                and rng.random() < P_NAME_UPDATE_AT_VISIT
            ):
                arc.name_set = True
            if (
                arc.name_set
                and not arc.id_set
                and c.id_known
                and day >= c.id_known
                and rng.random() < P_ID_UPDATE_AT_VISIT
            ):
                arc.id_set = True
            if day < sc.start:
                continue
            when = at(day, rng, 8, 16)
            guardian = self._guardian_person(hh, c, m, at_birth=org == c.birth_org)
            for k, (v, n) in enumerate(doses):
                pending += self._dose(
                    c, m, arc, guardian, org, when + timedelta(minutes=2 * k), v, n
                )
        self._flush(c, m, arc, pending, before=None)

    def _flush(
        self,
        c: Person,
        m: Person,
        arc: Archive,
        pending: list[tuple[date, dict]],
        before: date | None,
    ) -> list[tuple[date, dict]]:
        """Write the corrected re-exports due before ``before``, with the archive as it is then."""
        keep = []
        for later, row in pending:
            if before is not None and later >= before:
                keep.append((later, row))
                continue
            ctx = Ctx("vaccination", row["org_code"], row["record_id"], "recipient")
            again = {
                **row,
                **self._identity(c, m, arc, ctx),
                "exported_at": exported_at(later, self.rng),
            }
            self.sc.add(
                Record(
                    "vaccination",
                    row["org_code"],
                    "dose",
                    later,
                    again,
                    row["record_id"],
                    (("recipient", c.pid),),
                )
            )
        return keep

    def adult(self, hh: Household, p: Person, fallback_phone: str) -> None:
        """A vaccination course of an adult: own name, ID and phone, no guardian."""
        rng, sc, dmg = self.rng, self.sc, self.dmg
        age = (sc.start - p.birth).days / 365.25
        busy = p.pid == hh.mother and (hh.pregnancy is not None or hh.recent_birth)
        for vaccine, (share, offsets) in ADULT_COURSES.items():
            fits = (18 <= age <= 45 and p.sex == 2 and not busy) if vaccine != "RZV" else age >= 50
            if not fits or rng.random() >= share:
                continue
            first = sc.start + timedelta(days=rng.randrange((sc.end - sc.start).days + 1))
            for n, off in enumerate(offsets, 1):
                day = _clinic_day(hh.community, first + timedelta(days=off + rng.randint(0, 7)))
                if day > sc.end:
                    break
                org = hh.community
                when = at(day, rng, 8, 16)
                rid = sc.next_id(org, "JZ" + org[-4:], 10)
                ctx = Ctx("vaccination", org, rid, "recipient")
                key = (p.pid, "vaccination-archive")
                code, ((product, maker),) = VACCINES[vaccine]
                id_no = dmg.id_no(ctx, "recipient_id_no", p.id_no, key)
                row = {
                    "record_id": rid,
                    "org_code": org,
                    "recipient_name": dmg.name(ctx, "recipient_name", p.name, key),
                    "recipient_id_type": "01" if id_no else "",
                    "recipient_id_no": id_no,
                    "recipient_sex": str(p.sex),
                    "recipient_birth_date": dmg.birth(ctx, "recipient_birth_date", p.birth, key),
                    "guardian_name": "",
                    "guardian_id_no": "",
                    "guardian_phone": dmg.phone(
                        ctx, "guardian_phone", p.phone or fallback_phone, key
                    ),
                    "vaccine_code": code,
                    "vaccine_name": product,
                    "dose_no": n,
                    "vaccinated_at": iso(when),
                    "batch_no": f"{day.year - 1}{n:02d}{n:02d}",
                    "manufacturer": maker,
                    "site": "左上臂三角肌",
                    "status": "active",
                }
                out = delivery_day(rng, sc, day, org)
                sc.add(
                    Record(
                        "vaccination",
                        org,
                        "dose",
                        out,
                        {**row, "exported_at": exported_at(out, rng)},
                        rid,
                        (("recipient", p.pid),),
                    )
                )

    def _identity(self, c: Person, m: Person, arc: Archive, ctx: Ctx) -> dict:
        dmg = self.dmg
        key = (c.pid, "vaccination-archive")
        id_no = dmg.id_no(
            ctx, "recipient_id_no", c.id_no if arc.id_set else "", key, mother_id=m.id_no
        )
        return {
            "recipient_name": dmg.name(ctx, "recipient_name", c.name, key)
            if arc.name_set
            else arc.placeholder,
            "recipient_id_type": ("02" if self.rng.random() < 0.1 else "01") if id_no else "",
            "recipient_id_no": id_no,
            "recipient_sex": str(c.sex) if arc.name_set else arc.placeholder_sex,
            "recipient_birth_date": dmg.birth(
                ctx, "recipient_birth_date", c.birth, key, mother_birth=m.birth
            ),
        }

    def _guardian_person(
        self, hh: Household, c: Person, m: Person, at_birth: bool
    ) -> tuple[Person, float]:
        """Who brings the child today, and how often that guardian's ID is in the archive."""
        rng, sc = self.rng, self.sc
        r = rng.random()
        if r < 0.12 and c.father:
            return sc.persons[c.father], 0.3
        if r < 0.22 and hh.grandparents and not at_birth:
            return sc.persons[rng.choice(hh.grandparents)], 0.1
        return m, 0.65

    def _guardian(self, c: Person, arc: Archive, guardian: tuple[Person, float], ctx: Ctx) -> dict:
        dmg = self.dmg
        g, p_id = guardian
        key = (g.pid, c.pid, "vaccination-guardian")
        has_id = hash_unit(g.pid + c.pid) < p_id
        return {
            "guardian_name": dmg.name(ctx, "guardian_name", g.name, key),
            "guardian_id_no": dmg.id_no(ctx, "guardian_id_no", g.id_no if has_id else "", key),
            "guardian_phone": dmg.phone(ctx, "guardian_phone", arc.phone, (c.pid, "vacc-phone")),
        }

    def _dose(
        self,
        c: Person,
        m: Person,
        arc: Archive,
        guardian: tuple[Person, float],
        org: str,
        when: datetime,
        vaccine: str,
        dose_no: int,
    ) -> list[tuple[date, dict]]:
        rng, sc = self.rng, self.sc
        rid = sc.next_id(org, "JZ" + org[-4:], 10)
        ctx = Ctx("vaccination", org, rid, "recipient")
        code, products = VACCINES[vaccine]
        product, maker = products[int(org[-2:-1]) % len(products)]  # a clinic buys one product
        batch = f"{when.year - 1}{(int(org[-3:-1]) + len(vaccine)) % 12 + 1:02d}{dose_no:02d}"
        side = "左" if dose_no % 2 else "右"
        infant = (when.date() - c.birth).days < 365
        site = SITES.get(
            vaccine, side + ("大腿前外侧" if infant and vaccine in THIGH else "上臂三角肌")
        )
        row = {
            "record_id": rid,
            "org_code": org,
            **self._identity(c, m, arc, ctx),
            **self._guardian(c, arc, guardian, ctx),
            "vaccine_code": code,
            "vaccine_name": product,
            "dose_no": dose_no,
            "vaccinated_at": iso(when),
            "batch_no": batch,
            "manufacturer": maker,
            "site": site,
            "status": "active",
        }
        day = delivery_day(rng, sc, when.date(), org)
        sc.add(
            Record(
                "vaccination",
                org,
                "dose",
                day,
                {**row, "exported_at": exported_at(day, rng)},
                rid,
                (("recipient", c.pid),),
            )
        )
        r = rng.random()
        later = day + timedelta(days=rng.randint(1, 20))
        if r >= P_VOIDED + P_CORRECTED or later > sc.end:
            return []
        if r < P_CORRECTED:
            # corrected: the batch number fixed, and the archive's identity as it stands then
            return [(later, {**row, "batch_no": batch[:-2] + f"{(dose_no + 1) % 100:02d}"})]
        voided = {**row, "status": "voided", "exported_at": exported_at(later, rng)}
        sc.add(Record("vaccination", org, "dose", later, voided, rid, (("recipient", c.pid),)))
        return []
