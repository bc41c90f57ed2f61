"""Vaccination (免疫规划信息系统): one JSON object per dose, exported nightly per clinic.

The schedule is the 国家免疫规划 of 2021 with the 2025 百白破 change (DTaP at 2, 4, 6, 18 months
and 6 years; no 白破 at 6): 乙肝 0/1/6 月, 卡介苗 birth, IPV 2/3 月, bOPV 4 月 and 4 岁, 麻腮风
8/18 月, 乙脑减毒 8 月 and 2 岁, A群流脑 6/9 月, A群C群流脑 3/6 岁, 甲肝减毒 18 月. A dose is given
0–21 days after it falls due; doses due together are given the same morning, one record each.
Suzhou parents also buy 非免疫规划 vaccines: EV71 at 6/7 月 (60 % take it), 水痘 at 1 and 4 岁 (80
%), 13价肺炎 at 3/4/5/12 月 (35 %); their product codes are the clinic system's, not the
crosswalk's.

* Birth doses (乙肝 1 and 卡介苗) come from the birth hospital's 产科接种室 within a day of birth,
  under a placeholder: the mother's name with 之子/之女, 男婴/女婴, 新生儿, 宝宝 (or the 乳名, when
  the parents give one: 15 %); no ID (none exists). 30 % of them are re-exported (same
  ``record_id``) once the child is named, with the name and, if the child has one by then, the ID
  number.
* The 个案 a clinic keeps is typed once: the same slip repeats on every dose there; the child's ID
  is on it in 55 % of cases once the child has one (the rest never come back with the 户口本).
* The guardian is the mother (70 %), the father (20 %) or a grandparent (10 %; 30 % at 吴江松陵,
  where grandparents bring the children).
* 常熟虞山 types every ID number with full-width digits.
* 1.5 % of doses are voided a few days later (re-exported with ``status`` voided): a wrong batch,
  re-entered, or — for twins — entered on the other twin. The voided record keeps the identity it
  was entered under, and that is who its truth row names.
* 2 % of doses go out with a damaged birth date and are re-exported corrected.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from bench.scenarios.holdout2 import desk
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.idcards import damage_date, fullwidth
from bench.scenarios.holdout2.ledger import Ledger, at, clock
from bench.scenarios.holdout2.orgs import DISTRICT_BIRTH, DISTRICT_CHC, ORGS, Org
from bench.scenarios.holdout2.population import City, Person

SOURCE, ROLE = "vaccination", "recipient"
COLUMNS = {
    "name": "recipient_name",
    "sex": "recipient_sex",
    "birth_date": "recipient_birth_date",
    "id_no": "recipient_id_no",
}

# key: (code, short name, product name, abbreviation, manufacturers, site)
VACCINES = {
    "HepB": (
        "0201",
        "乙肝疫苗",
        "重组乙型肝炎疫苗(酿酒酵母)",
        "HEPB",
        "深圳康泰生物制品 大连汉信生物制药",
        "右上臂三角肌",
    ),
    "BCG": (
        "0101",
        "卡介苗",
        "皮内注射用卡介苗",
        "BCG",
        "上海生物制品研究所 成都生物制品研究所",
        "左上臂三角肌中部略下处",
    ),
    "IPV": (
        "0311",
        "脊灰灭活疫苗",
        "脊髓灰质炎灭活疫苗(Vero细胞)",
        "IPV",
        "北京生物制品研究所 中国医学科学院医学生物学研究所",
        "左大腿前外侧",
    ),
    "bOPV": (
        "0312",
        "二价脊灰减毒活疫苗",
        "二价脊灰减毒活疫苗",
        "BOPV",
        "北京生物制品研究所",
        "口服",
    ),
    "DTaP": (
        "0401",
        "百白破疫苗",
        "吸附无细胞百白破联合疫苗",
        "DTAP",
        "武汉生物制品研究所 成都生物制品研究所",
        "右上臂三角肌",
    ),
    "MMR": (
        "1201",
        "麻腮风疫苗",
        "麻疹腮腺炎风疹联合减毒活疫苗",
        "MMR",
        "北京生物制品研究所",
        "左上臂三角肌下缘",
    ),
    "JE": (
        "1401",
        "乙脑减毒活疫苗",
        "乙型脑炎减毒活疫苗",
        "乙脑减毒活疫苗",
        "成都生物制品研究所",
        "右上臂三角肌下缘",
    ),
    "MenA": (
        "1601",
        "A群流脑多糖疫苗",
        "A群脑膜炎球菌多糖疫苗",
        "MPSV-A",
        "兰州生物制品研究所 玉溪沃森生物",
        "左上臂三角肌",
    ),
    "MenAC": (
        "1701",
        "A群C群流脑多糖疫苗",
        "A群C群脑膜炎球菌多糖疫苗",
        "MPSV-AC",
        "玉溪沃森生物",
        "左上臂三角肌",
    ),
    "HepA": (
        "1901",
        "甲肝减毒活疫苗",
        "甲型肝炎减毒活疫苗",
        "甲肝减毒活疫苗",
        "浙江普康生物技术",
        "右上臂三角肌下缘",
    ),
    # 非免疫规划 vaccines, with the product codes the clinic system prints (not on the crosswalk)
    "EV71": (
        "5101",
        "EV71疫苗",
        "肠道病毒71型灭活疫苗(Vero细胞)",
        "EV71",
        "武汉生物制品研究所 中国医学科学院医学生物学研究所",
        "右上臂三角肌",
    ),
    "VarV": (
        "2401",
        "水痘疫苗",
        "水痘减毒活疫苗",
        "VarV",
        "长春百克生物 上海荣盛生物",
        "左上臂三角肌下缘",
    ),
    "PCV13": (
        "4001",
        "13价肺炎疫苗",
        "13价肺炎球菌多糖结合疫苗",
        "PCV13",
        "玉溪沃森生物 辉瑞",
        "左大腿前外侧",
    ),
}
# (age in months, vaccine, dose number)
SCHEDULE = (
    (1, "HepB", 2),
    (2, "IPV", 1),
    (2, "DTaP", 1),
    (3, "IPV", 2),
    (4, "bOPV", 3),
    (4, "DTaP", 2),
    (6, "HepB", 3),
    (6, "MenA", 1),
    (6, "DTaP", 3),
    (8, "MMR", 1),
    (8, "JE", 1),
    (9, "MenA", 2),
    (18, "DTaP", 4),
    (18, "MMR", 2),
    (18, "HepA", 1),
    (24, "JE", 2),
    (36, "MenAC", 1),
    (48, "bOPV", 4),
    (72, "MenAC", 2),
    (72, "DTaP", 5),
    (3, "PCV13", 1),
    (4, "PCV13", 2),
    (5, "PCV13", 3),
    (6, "EV71", 1),
    (7, "EV71", 2),
    (12, "VarV", 1),
    (12, "PCV13", 4),
    (48, "VarV", 2),
)


def _months(birth: date, months: int) -> date:
    y, m = divmod(birth.month - 1 + months, 12)
    return date(birth.year + y, m + 1, min(birth.day, 28))


class Clinic:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.rng = ledger.rng("nip")

    def _record_id(self, org: Org, day: date) -> str:
        return f"{org.code[2:8]}{day:%Y%m%d}{self.ledger.serial(f'nip:{org.key}'):05d}"

    def _guardian(self, org: Org, child: Person, fam: dict | None) -> Person:
        key = ("nip-guardian", org.key, child.pid)
        cache = self.ledger.desk_cache
        if key not in cache:
            rng = self.rng
            grand = fam.get("grandparent") if fam else None
            roll = rng.random()
            share = org.habits.get("grandparent_guardian", R.GUARDIAN["grandparent"])
            if grand is not None and roll < share:
                cache[key] = grand
            elif roll < share + R.GUARDIAN["father"]:
                cache[key] = child.father
            else:
                cache[key] = child.mother
        return cache[key]

    def dose(
        self,
        org: Org,
        child: Person,
        fam: dict | None,
        vaccine: str,
        dose_no: int,
        when: datetime,
        *,
        placeholder: str | None = None,
        fate: str | None = None,
    ) -> dict:
        """Write one dose (and its later re-export, if ``fate`` or chance gives it one)."""
        ledger, rng = self.ledger, self.rng
        day = when.date()
        written = desk.profile(ledger, child, org, SOURCE, day)
        damage = list(written.damage)
        name = written.name
        if placeholder is not None or not name:
            name = placeholder or child.father.name[0] + "宝宝"
            kind = "name_milk_name" if name == child.milk_name else "name_placeholder"
            damage = [d for d in damage if d[0] != "name"] + [("name", kind)]
        id_no = written.id_no
        id_key = ("nip-id", org.key, child.pid)
        if (
            id_no
            and ledger.desk_cache.setdefault(id_key, rng.random() < R.CHILD_ID_ON_DOSE) is False
        ):
            id_no = ""
            damage = [d for d in damage if d[0] != "id_no"]
        guardian = child.mother if placeholder is not None else self._guardian(org, child, fam)
        g_id = guardian.id_no or ""
        if org.habits.get("fullwidth_ids"):
            g_id = fullwidth(g_id)
        code, short, product, abbrev, makers, site = VACCINES[vaccine]
        vname = {"short": short, "product": product, "abbrev": abbrev}[
            org.habits.get("vaccine_names", "short")
        ]
        record_id = self._record_id(org, day)
        made = when - timedelta(days=rng.randrange(90, 540))  # batches are 3–18 months old
        batch = f"{made:%Y%m}{rng.randrange(1, 999):03d}"
        row = {
            "record_id": record_id,
            "recipient_name": name,
            "recipient_id_type": "01" if id_no else "",
            "recipient_id_no": id_no,
            "recipient_sex": written.sex,
            "recipient_birth_date": written.birth_text or child.birth.isoformat(),
            "guardian_name": guardian.name,
            "guardian_id_no": g_id,
            "guardian_phone": guardian.phone,
            "vaccine_code": code,
            "vaccine_name": vname,
            "dose_no": dose_no,
            "vaccinated_at": when,
            "batch_no": batch,
            "manufacturer": rng.choice(makers.split()),
            "site": site,
            "status": "active",
        }
        later = day + timedelta(1 if fate else rng.randrange(1, 6))
        if fate is None:
            roll = rng.random()
            renamed = roll < R.PLACEHOLDER_RENAMED or ledger.first("renamed_on_redelivery")
            if placeholder and child.named_on and renamed and ledger.in_window(child.named_on):
                fate, later = "renamed", max(child.named_on, day + timedelta(1))
            elif roll < R.VOIDED or ledger.first("voided"):
                fate = "voided"
            elif roll < R.VOIDED + R.BIRTH_DATE_CORRECTED and not any(
                d[0] == "birth_date" for d in damage
            ):
                fate = "corrected"
        if not ledger.in_window(later):
            fate = None
        first = dict(row)
        if fate == "corrected":
            hit = damage_date(rng, child.birth, ("date_md_swap",)) or damage_date(
                rng, child.birth, ("date_off_by_one",)
            )
            first["recipient_birth_date"] = hit[0].isoformat()
        ledger.writer.vaccination(org.code, day, first)
        ledger.mention(SOURCE, org.code, record_id, ROLE, child)
        desk.log(
            ledger,
            desk.Written(name, "", None, "", id_no, "", "", damage),
            SOURCE,
            org,
            record_id,
            ROLE,
            COLUMNS,
            child,
        )
        if placeholder and child.mother.name in placeholder:
            ledger.kind(child.mother, "mother_with_baby_records")
        if fate == "renamed":
            new = {**row, "recipient_name": child.name}
            if child.has_id(later):
                new["recipient_id_type"], new["recipient_id_no"] = "01", child.id_no
            ledger.writer.vaccination(org.code, later, new)
            ledger.damaged(
                SOURCE, org.code, record_id, ROLE, "recipient_name", "renamed_on_redelivery"
            )
        elif fate in ("voided", "voided_entered_on_twin"):
            ledger.writer.vaccination(org.code, later, {**row, "status": "voided"})
            ledger.damaged(SOURCE, org.code, record_id, ROLE, "status", fate)
        elif fate == "corrected":
            ledger.writer.vaccination(org.code, later, row)
            ledger.damaged(
                SOURCE,
                org.code,
                record_id,
                ROLE,
                "recipient_birth_date",
                "birth_date_corrected_later",
                child,
            )
        return row


def placeholder(rng: random.Random, child: Person) -> str:
    m = child.mother.name
    son = child.sex == "1"
    return rng.choice(
        (f"{m}之{'子' if son else '女'}", "男婴" if son else "女婴", "新生儿", f"{m}宝宝", f"{m}婴")
    )


def run(ledger: Ledger, city: City) -> None:
    clinic = Clinic(ledger)
    rng = clinic.rng
    fam_of = {k.pid: fam for fam in city.families for k in fam["kids"]}
    jobs: list[tuple] = []
    milk_given = False  # the first baby with a 乳名 gets it on its birth doses (short builds)
    for p in city.people:
        if p.group not in ("child", "newborn"):
            continue
        fam = fam_of.get(p.pid)
        if p.group == "newborn":
            org = ORGS[DISTRICT_BIRTH[p.district]]
            if ledger.in_window(p.birth):
                base = p.birth_time + timedelta(hours=rng.randrange(1, 20))
                # one 个案 at the 产科接种室, both doses carry it; a 乳名 if the parents give one
                milk = p.milk_name and (rng.random() < 0.15 or not milk_given)
                milk_given = milk_given or bool(milk)
                name = p.milk_name if milk else placeholder(rng, p)
                for n, vaccine in enumerate(("HepB", "BCG")):
                    when = base + timedelta(minutes=n * rng.randrange(2, 30))
                    if ledger.in_window(when.date()):
                        jobs.append((when, p.pid, (org, p, fam, vaccine, 1, when, name)))
        org = ORGS[DISTRICT_CHC[p.district]]
        for months, vaccine, dose_no in SCHEDULE:
            due = _months(p.birth, months)
            if due >= ledger.end or due < ledger.start - timedelta(30):
                continue
            if vaccine in R.NON_NIP_UPTAKE:
                takes = ledger.desk_cache.setdefault(
                    ("nip-opt", p.pid, vaccine), rng.random() < R.NON_NIP_UPTAKE[vaccine]
                )
                if not takes:
                    continue
            # one visit per due date; twins come together
            key = ("nip-delay", p.twin_group or p.pid, due)
            delay = ledger.desk_cache.setdefault(key, rng.randrange(*R.VACCINE_DELAY_DAYS))
            day = due + timedelta(delay)
            if not ledger.in_window(day):
                continue
            hour = ledger.desk_cache.setdefault(
                ("nip-hour", *key), rng.choice((8, 9, 10, 13, 14, 15))
            )
            when = at(day, hour, rng.randrange(60), rng.randrange(60))
            jobs.append((when, p.pid, (org, p, fam, vaccine, dose_no, when, None)))
    jobs.sort(key=lambda j: (j[0], j[1], j[2][3]))
    for _, _, (org, p, fam, vaccine, dose_no, when, name) in jobs:
        clinic.dose(org, p, fam, vaccine, dose_no, when, placeholder=name)
    _voided_twins(clinic, city)


def _voided_twins(clinic: Clinic, city: City) -> None:
    """A dose entered on one twin, voided, and entered again on the other (forced, early)."""
    ledger, rng = clinic.ledger, clinic.ledger.rng("nip-twins")
    fam_of = {k.pid: fam for fam in city.families for k in fam["kids"]}
    twins = [
        k for k in city.people if k.twin_group and k.group == "child" and k.age(ledger.start) > 0.3
    ]
    done: list[str] = []
    for k in twins:
        if k.twin_group in done or len(done) >= 2 or ledger.days < 3:
            continue
        other = next(o for o in twins if o.twin_group == k.twin_group and o is not k)
        done.append(k.twin_group)
        org = ORGS[DISTRICT_CHC[k.district]]
        when = clock(rng, ledger.start + timedelta(rng.randrange(min(ledger.days - 2, 5))), 8, 11)
        age = k.age(when.date())
        vaccine, dose_no = (
            ("MenA", 2)
            if age < 1
            else ("JE", 2)
            if age < 2.5
            else ("MenAC", 1)
            if age < 4
            else ("bOPV", 4)
        )
        clinic.dose(
            org, k, fam_of.get(k.pid), vaccine, dose_no, when, fate="voided_entered_on_twin"
        )
        clinic.dose(
            org,
            other,
            fam_of.get(other.pid),
            vaccine,
            dose_no,
            when + timedelta(minutes=4),
            fate="",
        )
