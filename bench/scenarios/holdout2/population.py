"""The people of the second holdout city: who they are, where their cards were issued, who is
whose mother, grandmother or adult child.

Groups (sizes in :mod:`.rates`): elderly (60–92, 12 % of them 老漂 — migrants who came to mind
grandchildren, so other-province ID codes among the old too), working-age adults, pregnant
families, young families (children 0–6, often two or three close in age, twins), foreigners with
passports, Hong Kong and Taiwan residents with two identity documents, minority names, and forced
namesake pairs (same name and birth year, some the same birth date).

A child gets an ID number only after 落户 (12–60 days after birth): until then every record of the
child has no number of its own. A newborn of the window is created by :mod:`.births`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bench.scenarios.holdout2 import idcards, namebook
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.orgs import POPULATION

_STREETS = {
    "320505": ("枫桥街道", "长江路 金山路 玉山路 竹园路"),
    "320506": ("长桥街道", "宝带西路 友新路 吴中东路 东吴南路"),
    "320507": ("元和街道", "阳澄湖中路 相城大道 华元路 嘉元路"),
    "320508": ("双塔街道", "十全街 凤凰街 干将东路 人民路 十梓街"),
    "320509": ("松陵街道", "中山南路 鲈乡北路 长安路 流虹路"),
    "320571": ("娄葑街道", "星湖街 现代大道 东环路 金鸡湖大道"),
    "320581": ("虞山街道", "海虞北路 湖山路 枫林路 珠江路"),
    "320582": ("杨舍镇", "暨阳中路 人民路 长安南路 沙洲西路"),
    "320583": ("周市镇", "青阳北路 长江北路 白塘路 前进东路"),
    "320585": ("城厢镇", "县府街 上海东路 新华路 郑和中路"),
}
_CITY = {"320581": "常熟市", "320582": "张家港市", "320583": "昆山市", "320585": "太仓市"}
_EMPLOYERS = [
    "{d}鼎鑫精密电子有限公司",
    "{d}华达光电科技有限公司",
    "{d}宏利汽车零部件有限公司",
    "{d}永康纺织有限公司",
    "{d}恒瑞物流有限公司",
    "{d}通达模具厂",
    "{d}新联食品有限公司",
    "{d}博远机械制造有限公司",
]
_OFFICES = [
    "苏州市{d}人民政府",
    "苏州银行",
    "{d}实验小学",
    "苏州供电公司",
    "{d}税务局",
    "苏州轨道交通集团",
]


@dataclass(eq=False)
class Person:
    pid: str
    name: str
    sex: str  # "1" / "2"
    birth: date
    district: str
    group: str  # elderly, adult, mother, father, child, newborn, foreign
    origin: str = "local"  # local, migrant, foreign, hk, tw
    id_type: str = "01"
    id_no: str | None = None
    id_from: date | None = None  # a child's 落户 date; before it the child has no number
    legacy: str | None = None  # the 15-digit number an old HIS record may still hold
    permit: tuple[str, str] | None = None  # (type, number) of a HK/TW travel permit
    phone: str = ""
    phone2: str | None = None  # a migrant's new SIM
    landline: str | None = None
    address: str = ""
    latin: str | None = None  # foreigners: "SURNAME GIVEN [MIDDLE]"
    minority: bool = False
    milk_name: str | None = None
    named_on: date | None = None  # a baby's registered name exists from this day
    employer: str = ""
    mother: Person | None = None
    father: Person | None = None
    kids: list[Person] = field(default_factory=list)
    grandparent: Person | None = None
    adult_child: Person | None = None
    twin_group: str = ""
    conditions: tuple[str, ...] = ()
    weight_g: int = 0  # newborns of the window
    nicu: bool = False
    birth_time: datetime | None = None
    showcase: bool = False  # a rare case given one early hospital visit (see his.run)

    def has_id(self, day: date) -> bool:
        return self.id_no is not None and (self.id_from is None or day >= self.id_from)

    def age(self, day: date) -> float:
        return (day - self.birth).days / 365.25


@dataclass
class City:
    people: list[Person] = field(default_factory=list)
    families: list[dict] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)
    used_phones: set[str] = field(default_factory=set)
    twin_sets: int = 0

    def add(self, person: Person) -> Person:
        self.people.append(person)
        return person


def _district(rng: random.Random, older: bool = False) -> str:
    codes = list(POPULATION)
    weights = [POPULATION[c][1] for c in codes]
    if older:  # 姑苏 and 常熟 are older than their share of residents
        weights = [
            w * (1.8 if c in ("320508", "320581") else 1.0)
            for c, w in zip(codes, weights, strict=True)
        ]
    return rng.choices(codes, weights)[0]


def address(rng: random.Random, district: str, migrant: bool = False) -> str:
    town, roads = _STREETS[district]
    city = _CITY.get(district, "苏州市")
    area = "" if district in _CITY else POPULATION[district][0]
    road = rng.choice(roads.split())
    if migrant and rng.random() < 0.5:
        return f"{city}{area}{town}{road}{rng.randrange(20, 400)}号员工宿舍{rng.randrange(1, 12)}栋"
    return (
        f"{city}{area}{town}{road}{rng.randrange(1, 300)}号"
        f"{rng.randrange(1, 30)}幢{rng.randrange(1, 25)}0{rng.randrange(1, 5)}室"
    )


def _birth(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(rng.randrange((last - first).days + 1))


def person(
    city: City,
    rng: random.Random,
    group: str,
    sex: str,
    birth: date,
    district: str,
    origin: str = "local",
    name: str | None = None,
    id_code: str | None = None,
) -> Person:
    """A person with a card issued where their origin says, a phone and an address."""
    pid = f"HZ2-{len(city.people) + 1:05d}"
    name = name or namebook.surname(rng) + namebook.given(rng, birth.year, sex)
    if id_code is None:
        if origin == "migrant":
            id_code = rng.choice(idcards.MIGRANT_COUNTIES)
        elif birth.year < 1985:
            id_code = rng.choice(idcards.SUZHOU_OLD)
        else:
            id_code = district if district in idcards.SUZHOU_NOW else "320508"
    p = Person(pid, name, sex, birth, district, group, origin)
    p.id_no = idcards.new_id(rng, id_code, birth, sex, city.used_ids)
    if rng.random() < R.INVALID_CHECKSUM_ID and birth.year < 1985:
        p.id_no = idcards.bad_check(p.id_no)
    if birth.year < 1975:
        p.legacy = idcards.to_legacy(p.id_no)
    p.phone = idcards.phone(rng, city.used_phones)
    if origin == "migrant" and rng.random() < R.MIGRANT_SECOND_PHONE:
        p.phone2 = idcards.phone(rng, city.used_phones)
    p.address = address(rng, district, origin == "migrant")
    return city.add(p)


_CHRONIC = (
    ("I10.x00", "高血压", 0.55),
    ("E11.900", "2型糖尿病", 0.25),
    ("I25.100", "冠状动脉粥样硬化性心脏病", 0.15),
    ("J44.900", "慢性阻塞性肺疾病", 0.1),
    ("I69.300", "脑梗死后遗症", 0.08),
    ("E78.500", "高脂血症", 0.2),
    ("M17.900", "膝关节骨关节炎", 0.12),
    ("N18.900", "慢性肾脏病", 0.04),
    ("G20.x00", "帕金森病", 0.02),
    ("K29.500", "慢性胃炎", 0.1),
    ("M81.900", "骨质疏松", 0.1),
)


def elderly(city: City, rng: random.Random) -> None:
    for _ in range(R.ELDERLY):
        sex = rng.choice("12")
        birth = _birth(rng, date(1934, 1, 1), date(1966, 6, 30))
        lao_piao = rng.random() < 0.12
        p = person(
            city,
            rng,
            "elderly",
            sex,
            birth,
            _district(rng, older=not lao_piao),
            "migrant" if lao_piao else "local",
        )
        p.conditions = tuple(c for c, _, w in _CHRONIC if rng.random() < w) or ("I10.x00",)
        if rng.random() < R.ELDERLY_LANDLINE:
            p.landline = idcards.landline(rng)
        p.employer = "退休" if rng.random() < 0.5 else ""


def adults(city: City, rng: random.Random) -> None:
    for _ in range(R.ADULTS):
        sex = rng.choice("12")
        birth = _birth(rng, date(1967, 1, 1), date(2006, 6, 30))
        migrant = rng.random() < R.MIGRANT_ADULT
        d = "320583" if migrant and rng.random() < 0.35 else _district(rng)
        p = person(city, rng, "adult", sex, birth, d, "migrant" if migrant else "local")
        area = POPULATION[d][0]
        p.employer = rng.choice(_EMPLOYERS if migrant else _EMPLOYERS + _OFFICES).format(d=area)


def minorities(city: City, rng: random.Random) -> None:
    for n in range(R.MINORITY):
        sex = rng.choice("12")
        dotted = n % 2 == 0
        pool = namebook.MINORITY_DOT if dotted else namebook.MINORITY_PLAIN
        name = rng.choice(pool[0 if sex == "2" else 1].split())
        birth = _birth(rng, date(1975, 1, 1), date(2004, 12, 31))
        code = (
            rng.choice(idcards.XINJIANG) if dotted else rng.choice(("513431", "542621", "152501"))
        )
        p = person(city, rng, "adult", sex, birth, _district(rng), "migrant", name, code)
        p.minority = True
        p.showcase = n == 0
        p.employer = rng.choice(_EMPLOYERS).format(d=POPULATION[p.district][0])


def foreigners(city: City, rng: random.Random) -> None:
    for n in range(R.FOREIGN):
        nat, pattern, surnames, female, male = namebook.FOREIGN[n % len(namebook.FOREIGN)]
        sex = rng.choice("12")
        given = rng.choice((female if sex == "2" else male).split())
        latin = f"{'MUELLER' if n == 2 else rng.choice(surnames.split())} {given}"
        if nat in ("US", "DE") and (rng.random() < 0.5 or n == 2):
            latin += " " + rng.choice(namebook.MIDDLE[sex == "1"])
        birth = _birth(rng, date(1970, 1, 1), date(1998, 12, 31))
        p = Person(
            f"HZ2-{len(city.people) + 1:05d}",
            latin,
            sex,
            birth,
            "320571",
            "foreign",
            "foreign",
            "03",
            namebook.passport_no(rng, pattern),
        )
        p.latin = latin
        p.showcase = n in (0, 2)
        p.phone = idcards.phone(rng, city.used_phones)
        p.address = address(rng, "320571")
        p.employer = rng.choice(
            ("苏州工业园区外资研发中心", "园区某日资电子公司", "园区德资精密机械公司")
        )
        city.add(p)
    for origin, count, code in (("hk", R.HK, "810000"), ("tw", R.TW, "830000")):
        for _ in range(count):
            sex = rng.choice("12")
            birth = _birth(rng, date(1965, 1, 1), date(1996, 12, 31))
            p = person(
                city,
                rng,
                "adult",
                sex,
                birth,
                rng.choice(("320571", "320583", "320508")),
                origin,
                id_code=code,
            )
            p.legacy = None
            p.permit = idcards.permit_no(rng, origin)
            p.showcase = p.showcase or (
                namebook.has_traditional(p.name)
                and not any(q.showcase for q in city.people if q.origin == origin)
            )
            p.employer = "台资企业" if origin == "tw" else "港资贸易公司"


def namesakes(city: City, rng: random.Random) -> None:
    """Forced pairs: the second person takes the first one's name (and, for some, birth date)."""
    pool = [p for p in city.people if p.group in ("elderly", "adult") and p.origin == "local"]
    rng.shuffle(pool)
    pairs = 0
    for a, b in zip(pool[0::2], pool[1::2], strict=False):
        if pairs >= R.NAMESAKE_PAIRS:
            break
        if a.sex != b.sex or a.group != b.group or a.minority or b.minority:
            continue
        b.name = a.name
        if pairs < R.NAMESAKE_SAME_DATE:
            b.birth = a.birth
            city.used_ids.discard(b.id_no)
            code = a.id_no[:6] if pairs % 2 == 0 else b.id_no[:6]  # same district: hardest
            b.id_no = idcards.new_id(rng, code, b.birth, b.sex, city.used_ids)
            b.legacy = idcards.to_legacy(b.id_no) if b.birth.year < 1975 else None
        else:
            b.birth = b.birth.replace(year=a.birth.year, day=min(b.birth.day, 28))
            city.used_ids.discard(b.id_no)
            b.id_no = idcards.new_id(rng, b.id_no[:6], b.birth, b.sex, city.used_ids)
            b.legacy = idcards.to_legacy(b.id_no) if b.birth.year < 1975 else None
        pairs += 1


def kin(city: City, rng: random.Random) -> None:
    """Adult children of the elderly (whose cards they lend) and grandparents of the young."""
    parents = [
        p
        for p in city.people
        if p.group in ("adult", "mother", "father") and p.origin in ("local", "migrant")
    ]
    by_decade: dict[int, list[Person]] = {}
    for p in parents:
        by_decade.setdefault(p.birth.year // 5, []).append(p)
    for old in (p for p in city.people if p.group == "elderly"):
        if rng.random() < 0.5:
            options = by_decade.get((old.birth.year + rng.choice((25, 28, 30, 33))) // 5, [])
            same = [c for c in options if c.name[0] == old.name[0] and c.origin == old.origin]
            if same or options:
                old.adult_child = rng.choice(same or options)
    elders = [p for p in city.people if p.group == "elderly" and p.birth.year >= 1950]
    rng.shuffle(elders)  # one family per grandparent (the other grandparents are not modelled)
    for fam in city.families:
        if elders and rng.random() < 0.6:
            fam["grandparent"] = elders.pop()


def rare_names(city: City, rng: random.Random) -> None:
    """A few people whose given name has a 生僻字 that GBK cannot hold (䶮, 㛃, 𫖮)."""
    pool = [
        p
        for p in city.people
        if p.group in ("adult", "child", "mother") and p.origin == "local" and len(p.name) == 3
    ]
    for n, p in enumerate(rng.sample(pool, 9)):
        p.name = p.name[:2] + list(namebook.RARE)[n % len(namebook.RARE)]
