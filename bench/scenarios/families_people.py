"""Households of the families scenario: mothers, fathers, children, grandparents, pregnancies."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from bench.scenarios.families_ids import (
    DISTRICTS,
    MIGRANT_CODES,
    OLD_SUZHOU_CODES,
    SUZHOU_CODES,
    TAIWAN_PERMIT_CODE,
    IdFactory,
    make_id,
)
from bench.scenarios.families_model import (
    CITY_DELIVERY,
    COMMUNITY,
    DELIVERY_ORGS,
    TZ,
    Household,
    Person,
    Pregnancy,
    Scenario,
)
from bench.scenarios.families_names import SURNAMES, given_name, twin_name, weighted_pick

# Household shape (see the module docstring of families.py for why these rates).
P_BIRTH_IN_WINDOW = 0.25
P_PREGNANT_AFTER = 0.15
P_RECENT_BIRTH = 0.15  # a baby born in the 180 days before the window
P_FATHER = 0.88
P_TWINS = 0.03
P_TRIPLETS = 0.0015
P_MOTHERS_SURNAME = 0.10  # raised to 0.25 for a second child (二胎随母姓)
P_OLD_PHONE = 0.10
P_GRANDPARENT_OWN_PHONE = 0.75
P_TAIWAN_PERMIT = 0.02  # parents in 昆山 and the Industrial Park only

ROADS = {
    "320505": "狮山路 长江路 竹园路 玉山路",
    "320506": "东吴北路 龙西路 宝带西路 吴中大道",
    "320507": "相城大道 元和路 华元路 御窑路",
    "320508": "人民路 十全街 干将西路 凤凰街",
    "320509": "中山南路 鲈乡北路 仲英大道 笠泽路",
    "320571": "星湖街 现代大道 金鸡湖大道 苏州大道东",
    "320581": "海虞北路 虞山北路 黄河路 珠江路",
    "320582": "人民中路 暨阳西路 长安南路 港城大道",
    "320583": "前进西路 马鞍山路 柏庐南路 朝阳路",
    "320585": "上海东路 县府街 郑和中路 太平南路",
}
ESTATES = (
    "莲香新村",
    "枫桥花园",
    "湖畔天城",
    "翡翠湾",
    "锦绣江南",
    "中海国际",
    "东湖林语",
    "万科城",
    "新城花园",
    "金色家园",
    "阳光水岸",
    "滨湖苑",
    "富力城",
    "世茂运河城",
    "玲珑湾",
    "吴中家园",
)


def _address(rng: random.Random, district: str) -> str:
    road = rng.choice(ROADS[district].split())
    estate = rng.choice(ESTATES)
    return (
        f"江苏省苏州市{DISTRICTS[district][0]}{road}{rng.randint(1, 999)}号"
        f"{estate}{rng.randint(1, 30)}幢{rng.randint(1, 26)}0{rng.randint(1, 4)}室"
    )


def _birth_code(rng: random.Random, birth: date, district: str, migrant: bool) -> str:
    if migrant:
        return rng.choice(MIGRANT_CODES)
    if birth.year < 2001:  # ID issued before the 2000/2012 district reforms keeps its old code
        return rng.choice(OLD_SUZHOU_CODES)
    return district


def _pick(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


class PeopleBuilder:
    """Builds households one at a time into a :class:`Scenario`."""

    def __init__(self, rng: random.Random, scenario: Scenario, ids: IdFactory) -> None:
        self.rng = rng
        self.sc = scenario
        self.ids = ids

    def _person(
        self, hh: Household, relation: str, sex: int, birth: date, surname: str, generation: str
    ) -> Person:
        pid = f"P{len(self.sc.persons) + 1:06d}"
        given = given_name(self.rng, generation, sex)
        p = Person(pid, hh.hid, relation, sex, birth, surname, given)
        self.sc.persons[pid] = p
        return p

    def _adult(
        self,
        hh: Household,
        relation: str,
        sex: int,
        birth: date,
        surname: str,
        migrant: bool,
        generation: str = "parent",
    ) -> Person:
        p = self._person(hh, relation, sex, birth, surname, generation)
        taiwan = (
            generation == "parent"
            and hh.district in ("320583", "320571")
            and self.rng.random() < P_TAIWAN_PERMIT
        )
        addr = TAIWAN_PERMIT_CODE if taiwan else _birth_code(self.rng, birth, hh.district, migrant)
        p.id_no = self.ids.id_for(addr, birth, sex)
        return p

    def household(self) -> Household:
        rng, sc = self.rng, self.sc
        district = rng.choices(SUZHOU_CODES, weights=[DISTRICTS[c][1] for c in SUZHOU_CODES])[0]
        hh = Household(
            f"H{len(sc.households) + 1:05d}",
            district,
            _address(rng, district),
            COMMUNITY[district],
            mother="",
        )
        sc.households.append(hh)
        r = rng.random()
        state = (
            "birth"
            if r < P_BIRTH_IN_WINDOW
            else "pregnant"
            if r < P_BIRTH_IN_WINDOW + P_PREGNANT_AFTER
            else "recent"
            if r < P_BIRTH_IN_WINDOW + P_PREGNANT_AFTER + P_RECENT_BIRTH
            else "none"
        )
        # Mean maternal age at birth in Suzhou is about 30; women outside a pregnancy spread wider.
        age = (
            min(44, max(20, round(rng.gauss(30.5, 4.5))))
            if state != "none"
            else rng.randint(23, 46)
        )
        m_birth = sc.start - timedelta(days=365 * age + rng.randrange(365))
        migrant = rng.random() < 0.5  # about half of Suzhou's residents are 新苏州人
        f_surname = weighted_pick(rng, SURNAMES)
        mother = self._adult(hh, "mother", 2, m_birth, weighted_pick(rng, SURNAMES), migrant)
        hh.mother = mother.pid
        mother.phone = self.ids.phone()
        if rng.random() < P_OLD_PHONE:
            mother.old_phone = self.ids.phone()
        father: Person | None = None
        if rng.random() < P_FATHER:
            f_birth = m_birth - timedelta(days=round(rng.gauss(2.0, 2.5) * 365))
            father = self._adult(
                hh, "father", 1, f_birth, f_surname, migrant if rng.random() < 0.8 else not migrant
            )
            father.phone = self.ids.phone() if rng.random() < 0.97 else ""
            hh.father = father.pid
        self._existing_children(hh, mother, f_surname, state)
        if state in ("birth", "pregnant"):
            self._pregnancy(hh, mother, f_surname, state == "birth")
        self._grandparents(hh, mother, father, f_surname)
        return hh

    def _existing_children(self, hh: Household, mother: Person, f_surname: str, state: str) -> None:
        rng, start = self.rng, self.sc.start
        m_age = (start - mother.birth).days / 365.25
        weights = (
            [50, 40, 10, 0]
            if state in ("birth", "pregnant")
            else ([60, 35, 5, 0] if m_age < 27 else [20, 42, 30, 8])
        )
        n = rng.choices(range(4), weights=weights)[0]
        births: list[date] = []
        if state == "recent":
            births.append(start - timedelta(days=rng.randint(1, 180)))
            hh.recent_birth = True
        max_age = m_age - 21
        for _ in range(60):
            if len(births) >= n or max_age < 1:
                break
            # ages skewed young (a city of young families): 0–1 y 20 %, 1–3 y 25 %, 3–6 y 25 %
            band = rng.choices(((0.35, 1), (1, 3), (3, 6), (6, 16)), weights=(20, 25, 25, 30))[0]
            lo, hi = band[0], min(band[1], max_age)
            if hi <= lo:
                continue
            b = start - timedelta(days=round(rng.uniform(lo, hi) * 365))
            if all(abs((b - o).days) > 540 for o in births):
                births.append(b)
        for b in sorted(births):
            self.birth_event(
                hh,
                mother,
                f_surname,
                datetime(b.year, b.month, b.day, rng.randint(0, 23), rng.randint(0, 59), tzinfo=TZ),
                org="",
            )

    def _pregnancy(self, hh: Household, mother: Person, f_surname: str, delivers: bool) -> None:
        rng, sc = self.rng, self.sc
        babies = 3 if rng.random() < P_TRIPLETS else 2 if rng.random() < P_TWINS else 1
        if babies == 1:
            weeks = (
                rng.randint(32, 36)
                if rng.random() < 0.05
                else rng.choices([37, 38, 39, 40, 41], weights=[10, 25, 35, 22, 8])[0]
            )
        else:
            weeks = rng.randint(34, 37) if babies == 2 else rng.randint(31, 34)
        org = _pick(rng, DELIVERY_ORGS.get(hh.district, CITY_DELIVERY))
        # China's caesarean rate is about 40 %; most multiple births are delivered by section.
        mode = (
            "cesarean"
            if rng.random() < (0.85 if babies > 1 else 0.40)
            else "assisted"
            if rng.random() < 0.08
            else "vaginal"
        )
        if delivers:
            day = sc.start + timedelta(days=rng.randrange((sc.end - sc.start).days + 1))
            when = datetime(
                day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59), tzinfo=TZ
            )
            lmp = day - timedelta(days=weeks * 7 + rng.randint(0, 6))
        else:
            when = None
            # still pregnant at the end: gestation at the window's end below 37 weeks
            lmp = sc.end - timedelta(days=rng.randint(20, 36 * 7))
        hh.pregnancy = Pregnancy(lmp, when, weeks, babies, org, mode)
        if when is not None:
            hh.pregnancy.children = self.birth_event(hh, mother, f_surname, when, org, babies)

    def birth_event(
        self,
        hh: Household,
        mother: Person,
        f_surname: str,
        when: datetime,
        org: str,
        babies: int | None = None,
    ) -> list[str]:
        """Create the child(ren) of one birth, with their naming and hukou timeline."""
        rng = self.rng
        if babies is None:
            babies = 3 if rng.random() < P_TRIPLETS else 2 if rng.random() < P_TWINS else 1
        order = len(hh.children) + 1
        p_mother_surname = 0.25 if order >= 2 else P_MOTHERS_SURNAME
        surname = mother.surname if rng.random() < p_mother_surname else f_surname
        sexes = [rng.choice((1, 2)) for _ in range(babies)]
        group = f"T{hh.hid[1:]}{order}" if babies > 1 else ""
        bday = when.date()
        # hukou: 90 % in the district of residence, else where the father's hukou is
        addr = hh.district if rng.random() < 0.9 else rng.choice(MIGRANT_CODES)
        seqs = self.ids.sequences(addr, bday, sexes)
        # Names are settled at birth for about a third of babies, otherwise within weeks (the
        # birth certificate needs one); the hukou, and with it the ID number, follows within
        # about one to three months (the rule is one month, many families are late).
        name_lag = 0 if rng.random() < 0.3 else round(rng.triangular(3, 45, 12))
        id_lag = max(name_lag + 3, round(rng.triangular(14, 110, 35)))
        placeholder = f_surname if rng.random() < 0.75 else mother.surname
        pids: list[str] = []
        first_given = ""
        for i, sex in enumerate(sexes):
            child = self._person(hh, "child", sex, bday, surname, "child")
            if i and first_given:
                child.given = twin_name(rng, first_given, sex)
            first_given = first_given or child.given
            child.id_no = make_id(addr, bday, seqs[i])
            child.mother, child.father = mother.pid, hh.father
            child.twin_group = group
            child.twin_index = i if babies > 1 else None
            child.birth_time = when + timedelta(minutes=3 * i)
            child.name_known = bday + timedelta(days=name_lag)
            child.id_known = bday + timedelta(days=id_lag)
            child.placeholder_surname = placeholder
            child.birth_org = org
            hh.children.append(child.pid)
            pids.append(child.pid)
        return pids

    def _grandparents(
        self, hh: Household, mother: Person, father: Person | None, f_surname: str
    ) -> None:
        rng, start = self.rng, self.sc.start
        youngest = (
            min((start - self.sc.persons[c].birth).days for c in hh.children)
            if hh.children
            else 9999
        )
        # 隔代抚养: grandparents help with most infants and toddlers, far fewer older children
        if rng.random() >= (0.6 if youngest < 3 * 365 or hh.pregnancy else 0.25):
            return
        paternal = father is not None and rng.random() < 0.6
        parent = father if paternal and father else mother
        n = rng.choice((1, 2))
        for k in range(n):
            sex = 2 if k == 0 and ((n == 1 and rng.random() < 0.6) or n == 2) else 1
            age_gap = rng.randint(23, 32)
            birth = parent.birth - timedelta(days=age_gap * 365 + rng.randrange(365))
            surname = parent.surname if sex == 1 else weighted_pick(rng, SURNAMES)
            gp = self._adult(
                hh,
                "grandparent",
                sex,
                birth,
                surname,
                migrant=rng.random() < 0.4,
                generation="elder",
            )
            gp.phone = self.ids.phone() if rng.random() < P_GRANDPARENT_OWN_PHONE else ""
            hh.grandparents.append(gp.pid)


def build_people(rng: random.Random, scenario: Scenario, families: int) -> None:
    """Fill ``scenario`` with ``families`` households."""
    builder = PeopleBuilder(rng, scenario, IdFactory(rng))
    for _ in range(families):
        builder.household()
