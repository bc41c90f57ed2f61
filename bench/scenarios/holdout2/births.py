"""Families: mothers, fathers, young children close in age, pregnancies and births.

A pregnant family has a last menstrual date; 45 % of them deliver within the nominal 40 nights (at
37–41 weeks, 7 % preterm at 30–36), the rest later. The first pregnant families are forced cases
placed early in the window so that a short build has them too: one set of triplets (cesarean at
32–33 weeks, all three to 新生儿科; born in 常熟 to a mother whose name has a 生僻字 the hospital's
GBK database cannot hold) and two sets of twins (吴江, 昆山). Young families have one to three
children 0–6 years old, 12–30 months apart; about one in seven had a baby in the 60 days before the
window (so the 28-day 产后访视, the 满月 checkup and 乙肝 2 fall inside it).

Children are named by their father's surname; a second child takes the mother's 15 % of the time.
Twins usually share the first character of the given name (欣怡/欣悦). Half the babies have a 乳名
(豆豆, 乐乐) that the family gives at the 满月 checkup before the registered name exists; the
registered name exists 2–5 days after birth for one baby in five (chosen before the birth), 7–40
days after for the others.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.scenarios.holdout2 import idcards, namebook
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.ledger import Ledger, at
from bench.scenarios.holdout2.population import City, Person, _birth, _district, person


def _child_name(
    rng: random.Random, surname: str, birth: date, sex: str, twin_of: str | None
) -> str:
    first = namebook.given(rng, birth.year, sex)
    if twin_of and len(twin_of) == 3 and rng.random() < 0.6:
        for _ in range(10):
            other = namebook.given(rng, birth.year, sex)
            if len(other) == 2 and other[1] != twin_of[2]:
                return surname + twin_of[1] + other[1]
    if twin_of and surname + first == twin_of:
        first = first[::-1] if len(first) == 2 else first + "儿"
    return surname + first


def child(
    city: City,
    rng: random.Random,
    fam: dict,
    birth: date,
    sex: str,
    order: int,
    twin_of: Person | None = None,
    group: str = "child",
) -> Person:
    mother, father = fam["mother"], fam["father"]
    surname = father.name[0]
    if order == 2 and rng.random() < R.SECOND_CHILD_MOTHER_SURNAME:
        surname = mother.name[0]
    if twin_of is not None:
        surname = twin_of.name[0]
    name = _child_name(rng, surname, birth, sex, twin_of.name if twin_of else None)
    home = father.id_no[:6]
    migrant = mother.origin == "migrant"
    if migrant and rng.random() < R.MIGRANT_CHILD_HOME_HUKOU:
        code = home
    else:
        code = fam["district"] if fam["district"] in idcards.SUZHOU_NOW else "320506"
    kid = person(city, rng, group, sex, birth, fam["district"], mother.origin, name, code)
    kid.legacy = None
    kid.phone, kid.phone2 = mother.phone, None
    kid.address = mother.address
    kid.id_from = birth + timedelta(rng.randrange(*R.ID_AFTER_BIRTH_DAYS))
    kid.mother, kid.father = mother, father
    kid.milk_name = rng.choice(namebook.MILK_NAMES) if rng.random() < 0.5 else None
    kid.named_on = birth + timedelta(
        rng.randrange(2, 6) if rng.random() < 0.2 else rng.randrange(7, 40)
    )
    mother.kids.append(kid)
    father.kids.append(kid)
    fam["kids"].append(kid)
    return kid


def _births(
    rng: random.Random, fam: dict, city: City, birth: date, order: int, n: int, group: str = "child"
) -> list[Person]:
    kids: list[Person] = []
    for _ in range(n):
        kid = child(
            city, rng, fam, birth, rng.choice("12"), order, kids[0] if kids else None, group
        )
        kids.append(kid)
    if n > 1:
        city.twin_sets += 1
        for kid in kids:
            kid.twin_group = f"M{city.twin_sets:03d}"
    return kids


def _parents(
    city: City, rng: random.Random, start: date, oldest_age_days: int, district: str | None = None
) -> dict:
    migrant = rng.random() < R.MIGRANT_MOTHER
    district = district or ("320583" if migrant and rng.random() < 0.3 else _district(rng))
    latest = min(date(2003, 6, 30), start - timedelta(days=oldest_age_days + 21 * 365))
    birth = _birth(rng, date(1986, 1, 1), latest)
    origin = "migrant" if migrant else "local"
    mother = person(city, rng, "mother", "2", birth, district, origin)
    fbirth = birth - timedelta(rng.randrange(-400, 6 * 365))
    fcode = mother.id_no[:6] if migrant and rng.random() < 0.7 else None
    father = person(city, rng, "father", "1", fbirth, district, origin, id_code=fcode)
    father.address = mother.address
    father.legacy = mother.legacy = None
    return {
        "mother": mother,
        "father": father,
        "kids": [],
        "district": district,
        "pregnancy": None,
        "grandparent": None,
    }


def _existing_kids(
    city: City,
    rng: random.Random,
    fam: dict,
    start: date,
    count: int,
    min_age: int,
    force_twins: bool = False,
) -> None:
    if not count:
        return
    recent = min_age == 0 and rng.random() < 0.15
    youngest = (
        rng.randrange(1, 61)
        if recent
        else int(rng.triangular(max(min_age, 61), 1500, max(min_age, 90)))
    )
    ages = [youngest]
    for _ in range(count - 1):
        ages.append(ages[-1] + rng.randrange(365, 915))
    for order, age in enumerate(sorted(ages, reverse=True), start=1):
        if age > 6 * 365 + 300:
            continue
        twins = (force_twins and order == 1) or rng.random() < R.TWIN_BIRTH
        _births(rng, fam, city, start - timedelta(age), order, 2 if twins else 1)


FORCED_DISTRICT = {0: "320581", 1: "320509", 2: "320583"}


def families(city: City, ledger: Ledger) -> None:
    rng = ledger.rng("families")
    start = ledger.start
    for n in range(R.PREGNANT_FAMILIES + R.YOUNG_FAMILIES):
        pregnant = n < R.PREGNANT_FAMILIES
        table = R.SIBLINGS_PREGNANT if pregnant else R.SIBLINGS
        count = rng.choices(list(table), list(table.values()))[0]
        # the forced multiple births: triplets in 常熟 (old GBK HIS), twins in 吴江 and 昆山
        fam = _parents(city, rng, start, 1500 * count + 400, FORCED_DISTRICT.get(n))
        if n == 0:
            fam["mother"].name = fam["mother"].name[0] + "䶮"  # a 生僻字 GBK cannot hold
        city.families.append(fam)
        _existing_kids(
            city, rng, fam, start, count, 365 if pregnant else 0, n == R.PREGNANT_FAMILIES
        )
        if pregnant:
            fam["pregnancy"] = pregnancy(city, rng, ledger, fam, n)


def pregnancy(city: City, rng: random.Random, ledger: Ledger, fam: dict, n: int) -> dict:
    """The plan of one pregnancy; the babies exist only when it ends inside the nominal span."""
    forced = {0: 3, 1: 2, 2: 2}.get(n)
    if forced or rng.random() < R.DELIVER_IN_WINDOW:
        day = (
            ledger.early_day(rng)
            if forced
            else ledger.start + timedelta(rng.randrange(ledger.nominal))
        )
        babies = forced or (2 if rng.random() < R.TWIN_BIRTH else 1)
        if babies == 3:
            weeks = rng.choice((32, 33))
        elif forced:  # the forced twins are preterm, so both go to 新生儿科
            weeks = rng.choice((33, 34))
        elif rng.random() < R.PRETERM or (babies == 2 and rng.random() < 0.5):
            weeks = rng.randrange(30, 37)
        else:
            weeks = rng.randrange(37, 42)
        lmp = day - timedelta(weeks * 7 + rng.randrange(7))
        cesarean = babies > 1 or rng.random() < R.CESAREAN
        mode = "cesarean" if cesarean else rng.choices(("vaginal", "assisted"), (0.92, 0.08))[0]
        plan = {"lmp": lmp, "delivery": day, "weeks": weeks, "mode": mode, "n": babies}
        plan["time"] = at(day, rng.randrange(24), rng.randrange(60))
        order = len(fam["kids"]) + 1
        plan["babies"] = _births(rng, fam, city, day, order, babies, "newborn")
        for rank, baby in enumerate(plan["babies"]):
            low, high = (2700, 4000) if weeks >= 37 else (1500, 2700)
            if babies > 1:
                low, high = low - 400, high - 700
            baby.weight_g = rng.randrange(low, high, 10)
            baby.nicu = weeks < 35 or babies == 3 or rng.random() < R.NICU
            baby.birth_time = plan["time"] + timedelta(minutes=rank * rng.randrange(1, 4))
    else:
        lmp = ledger.start - timedelta(rng.randrange(4 * 7, 33 * 7))
        plan = {"lmp": lmp, "delivery": None, "weeks": None, "mode": None, "n": 1, "babies": []}
    plan["registered"] = plan["lmp"] + timedelta(rng.randrange(8 * 7, 13 * 7))
    return plan


def care_dates(fam: dict, ledger: Ledger) -> dict:
    """When a family's mother is seen for this pregnancy (or the last one): 建册, 产检 visits
    (every 4 weeks to week 28, every 2 to week 36, then weekly), delivery and 产后访视. All dates,
    in or out of the window; callers keep those inside it. Cached on the family."""
    if "dates" in fam:
        return fam["dates"]
    rng = ledger.rng(f"care:{fam['mother'].pid}")
    plan = fam["pregnancy"]
    out: dict = {"registered": None, "prenatal": [], "delivery": None, "postpartum": []}
    if plan:
        out["registered"] = plan["registered"]
        end = plan["delivery"] or ledger.end + timedelta(60)
        day = plan["registered"]
        while True:
            weeks = (day - plan["lmp"]).days // 7
            step = next(s for limit, s in R.PRENATAL_EVERY_WEEKS if weeks < limit)
            day = day + timedelta(step * 7 + rng.randrange(-2, 3))
            if day >= end:
                break
            out["prenatal"].append((day, (day - plan["lmp"]).days // 7))
        out["delivery"] = plan["delivery"]
        born = plan["delivery"]
    else:
        recent = [k for k in fam["kids"] if (ledger.start - k.birth).days <= 60]
        born = recent[0].birth if recent else None
    out["born"] = born
    if born:
        out["postpartum"] = [
            born + timedelta(rng.randrange(a, b + 1)) for a, b in R.POSTPARTUM_DAYS
        ]
    fam["dates"] = out
    return out
