"""The holdout city's people: households built around births, plus adults and the elderly.

A household has a kind (see ``rates.HOUSEHOLDS``) that decides who lives in it and what happens
to them in the window. Newborns get a birth time inside the window, a date from which their real
name is used (``name_from``) and a date from which their own ID number exists (``id_from``, weeks
or months after birth). Second children take the mother's surname 20 % of the time (二孩随母姓);
Uyghur children are named given-name·father's-given-name. Twins share mother, birth date, phone
and usually a first given-name character; one pair per build is born across midnight.

After the households, two passes make deliberately hard look-alikes: namesake pairs that share
name *and* birth date (different ID numbers), and homophone pairs born in the same year.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bench.scenarios.deliver import resident_id
from bench.scenarios.holdout import ids, names
from bench.scenarios.holdout import rates as R


@dataclass
class Person:
    pid: str
    hid: str
    role: str  # mother father grandparent newborn infant child sibling adult elderly
    name: str
    sex: str
    birth: date
    fam: str = ""  # surname as written in the canonical name
    trad: bool = False  # canonical name is in 繁体 (Taiwan, Hong Kong, Macao)
    id_type: str = "01"
    id_no: str = ""
    alt_doc: tuple[str, str] | None = None  # a second valid document (permit, residence ID)
    id_from: date | None = None  # first day the person's own ID exists (children)
    name_from: date | None = None  # first day the real name is used (newborns)
    birth_dt: datetime | None = None
    phone: str = ""
    phone2: str = ""  # the number they changed to (or the old one)
    district: str = ""
    address: str = ""
    migrant: bool = False
    foreign: tuple | None = None  # names.FOREIGN row
    minority: bool = False
    rare: bool = False
    special: str = ""  # foreign, hk_macau, taiwan, minority
    legacy15: bool = False
    lunar: bool = False
    mother: str = ""
    father: str = ""
    twin_group: str = ""
    birth_order: int = 0
    kinds: set[str] = field(default_factory=set)


@dataclass
class Household:
    hid: str
    kind: str
    district: str
    address: str
    members: list[Person] = field(default_factory=list)
    mother: Person | None = None
    father: Person | None = None
    grandparents: list[Person] = field(default_factory=list)
    babies: list[Person] = field(default_factory=list)  # newborns or the infant/toddler
    sibling: Person | None = None
    lmp: date | None = None  # last menstrual period (birth and pregnant households)
    mode: str = ""  # delivery mode (birth households)


class City:
    """Generates people deterministically from one ``random.Random``."""

    def __init__(self, rng: random.Random, start: date, days: int):
        self.rng, self.start, self.days = rng, start, days
        self.end = start + timedelta(days - 1)
        self.scale = days / 45
        self.persons: list[Person] = []
        self.households: list[Household] = []
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.by_pid: dict[str, Person] = {}
        self.by_hid: dict[str, Household] = {}
        self._pn = 0

    # --- people -----------------------------------------------------------------------------

    def _person(
        self,
        hh: Household,
        role: str,
        sex: str,
        birth: date,
        *,
        surname: str = "",
        given: str = "",
        migrant: bool = False,
        id_code: str = "",
        special: bool = True,
    ) -> Person:
        rng = self.rng
        self._pn += 1
        p = Person(
            f"HP{self._pn:05d}",
            hh.hid,
            role,
            "",
            sex,
            birth,
            district=hh.district,
            address=hh.address,
            migrant=migrant,
        )
        adult = birth.year < self.start.year - 17
        fam = surname or names.surname(rng)
        p.fam = fam
        p.name = fam + (given or names.given(rng, birth.year, sex, R.COMMON_NAME))
        if adult and rng.random() < R.RARE_CHAR:
            p.name, p.rare = fam + rng.choice(names.RARE_GIVEN) + p.name[len(fam) + 1 :], True
        code = id_code or ids.id_address_code(rng, hh.district, birth, migrant)
        p.id_no = ids.new_resident_id(rng, code, birth, sex, self.used_ids)
        if adult:
            p.phone = ids.mobile(rng, self.used_phones)
            if rng.random() < (0.12 if migrant else 0.05):
                p.phone2 = ids.mobile(rng, self.used_phones)
            if birth.year < 1955 and rng.random() < R.LEGACY15_ELDERLY:
                p.legacy15 = True
            if birth.year < 1961 and rng.random() < R.LUNAR_BIRTHDAY_ELDERLY:
                p.lunar = True
            if rng.random() < 0.3 and p.legacy15 is False and birth.year < 1961:
                p.phone2 = p.phone2 or ids.landline(rng)
            if special:
                self._special(p)
        self.persons.append(p)
        hh.members.append(p)
        return p

    def _special(self, p: Person) -> None:
        """Foreigners, cross-strait residents and minorities (adults only)."""
        r, acc = self.rng.random(), 0.0
        for kind, rate in (
            ("foreign", R.FOREIGNER),
            ("hk_macau", R.HK_MACAU),
            ("taiwan", R.TAIWAN),
            ("minority", R.MINORITY_DOT),
        ):
            acc += rate
            if r < acc:
                self._make_special(p, kind)
                return

    def _make_special(self, p: Person, kind: str, row: tuple | None = None) -> None:
        rng = self.rng
        p.special, p.rare = kind, False
        if kind == "foreign":
            row = row or rng.choice([f for f in names.FOREIGN if f[4] == p.sex] or names.FOREIGN)
            p.foreign, p.sex = row, row[4]
            p.name, p.fam = f"{row[1]} {row[2]} {row[3]}".strip(), row[1]
            p.id_type, p.id_no = "03", ids.passport(rng, row[0])
            if rng.random() < 0.2:
                p.alt_doc = ("99", ids.permanent_residence_id(rng, row[0], p.birth))
            p.kinds |= {"latin_name", "non_checksummed_id"}
        elif kind in ("hk_macau", "taiwan"):
            taiwan = kind == "taiwan"
            macau = not taiwan and rng.random() < 0.3
            if names.traditional(p.name) is None:
                p.fam = rng.choice("陈张刘黄")
                p.name = p.fam + p.name[1:]
            trad = names.traditional(p.name)
            if trad:
                p.name, p.fam, p.trad = trad, names.traditional(p.fam) or p.fam, True
            permit = ids.taiwan_permit(rng) if taiwan else ids.hk_macau_permit(rng, macau)
            code = "830000" if taiwan else "820000" if macau else "810000"
            residence = ids.new_resident_id(rng, code, p.birth, p.sex, self.used_ids)
            p.id_type, p.id_no = ("07" if taiwan else "06"), permit
            p.alt_doc = ("01", residence)
            p.kinds.add("non_checksummed_id")
        elif kind == "minority":
            given_, father_given, _sex = rng.choice(
                [m for m in names.MINORITY if m[2] == p.sex] or names.MINORITY
            )
            p.name, p.minority, p.migrant = f"{given_}·{father_given}", True, True
            p.fam = ""
            self.used_ids.discard(p.id_no)
            code = ids.id_address_code(rng, p.district, p.birth, True, xinjiang=True)
            p.id_no = ids.new_resident_id(rng, code, p.birth, p.sex, self.used_ids)
        elif kind == "rare":
            p.special, p.rare = "", True
            p.name = p.fam + rng.choice(names.RARE_GIVEN) + p.name[len(p.fam) + 1 :]

    def _force_specials(self) -> None:
        """``rates.MIN_SPECIAL``: every variant exists even in a small build."""
        pool = [
            p
            for h in self.households
            if h.kind in ("adult", "elderly")
            for p in h.members
            if p.role in ("adult", "elderly")
            and not p.special
            and not p.rare
            and all(q.role != "child" for q in h.members)
        ]
        self.rng.shuffle(pool)
        rows = [f for f in names.FOREIGN if f[3]] + [f for f in names.FOREIGN if f[5]]
        for kind, minimum in R.MIN_SPECIAL.items():
            have = sum(1 for p in self.persons if (p.rare if kind == "rare" else p.special == kind))
            for k in range(max(0, minimum - have)):
                p = pool.pop()
                row = rows[(k * 3) % len(rows)] if kind == "foreign" else None
                self._make_special(p, kind, row)
        for column in (3, 5):  # middle names, kanji/hanja names
            have = sum(1 for p in self.persons if p.foreign and p.foreign[column])
            variants = [f for f in names.FOREIGN if f[column]]
            for k in range(max(0, R.MIN_FOREIGN_VARIANTS - have)):
                self._make_special(pool.pop(), "foreign", variants[k % len(variants)])

    def _age_birth(self, lo: float, hi: float) -> date:
        return self.start - timedelta(days=int(self.rng.uniform(lo, hi) * 365.25))

    # --- households -------------------------------------------------------------------------

    def build(self) -> None:
        rng = self.rng
        for kind, base in R.HOUSEHOLDS.items():
            count = max(round(base * self.scale), 3)
            for _ in range(count):
                district = rng.choice(list(ids.DISTRICTS))
                hh = Household(
                    f"HH{len(self.households) + 1:04d}", kind, district, ids.address(rng, district)
                )
                self.households.append(hh)
                getattr(self, f"_hh_{kind}")(hh)
        self._force_multiples()
        self._force_specials()
        self._hard_namesakes()
        self.by_pid = {p.pid: p for p in self.persons}
        self.by_hid = {h.hid: h for h in self.households}

    def _parents(self, hh: Household, mother_age: float) -> None:
        rng = self.rng
        migrant = rng.random() < R.MIGRANT_ADULT
        mb = self._age_birth(mother_age, mother_age + 1)
        hh.mother = self._person(hh, "mother", "2", mb, migrant=migrant)
        if rng.random() >= R.FATHER_ABSENT or hh.mother.foreign:
            fb = self._age_birth(mother_age + rng.uniform(-2, 6), mother_age + 6.5)
            hh.father = self._person(
                hh, "father", "1", fb, migrant=migrant, special=not hh.mother.foreign
            )
        for _ in range(min(4, int(rng.expovariate(1) * R.GRANDPARENTS_MEAN.get(hh.kind, 0) + 0.5))):
            gb = self._age_birth(mother_age + rng.uniform(22, 34), mother_age + 35)
            side = hh.father if hh.father and rng.random() < 0.5 else hh.mother
            sur = side.fam if rng.random() < 0.5 and side.fam and not side.foreign else ""
            g = self._person(
                hh, "grandparent", rng.choice("12"), gb, surname=sur, migrant=side.migrant
            )
            hh.grandparents.append(g)

    def _child(
        self,
        hh: Household,
        role: str,
        birth: date,
        sex: str,
        *,
        order: int = 0,
        given: str = "",
        mothers_surname: bool | None = None,
    ) -> Person:
        rng = self.rng
        m, f = hh.mother, hh.father
        parent = f if f and not f.foreign and f.fam else m
        fam = parent.fam or "安"
        if mothers_surname is None:
            mothers_surname = order >= 2 and rng.random() < R.SECOND_CHILD_MOTHERS_SURNAME
        if mothers_surname and m.fam and not m.foreign:
            fam = m.fam
        fam = names.simplified(fam)
        code = ids.id_address_code(rng, hh.district, birth, False)
        if parent.migrant and parent.id_type == "01" and rng.random() < 0.7:
            code = parent.id_no[:6]
        c = self._person(hh, role, sex, birth, surname=fam, given=given, id_code=code)
        if f and f.minority:
            mg = rng.choice([g for g in names.MINORITY if g[2] == sex])[0]
            c.name, c.minority, c.fam = f"{mg}·{f.name.split('·')[0]}", True, ""
        c.mother, c.father = m.pid, f.pid if f else ""
        c.phone = m.phone
        return c

    def _newborns(self, hh: Household, when: datetime, count: int) -> None:
        rng = self.rng
        order0 = 2 if hh.sibling else 1
        sexes = [rng.choice("12") for _ in range(count)]
        if count > 1 and rng.random() < 0.55:
            sexes = [sexes[0]] * count
        tw = names.twin_given(rng, when.year, sexes) if count > 1 else []
        group = f"TW{hh.hid[2:]}" if count > 1 else ""
        all_mothers = order0 >= 2 and rng.random() < R.SECOND_CHILD_MOTHERS_SURNAME
        split = count > 1 and rng.random() < R.TWIN_SPLIT_SURNAME
        first: Person | None = None
        for k in range(count):
            bdt = when + timedelta(minutes=k * rng.randrange(1, 15))
            c = self._child(
                hh,
                "newborn",
                bdt.date(),
                sexes[k],
                given=tw[k] if tw else "",
                mothers_surname=all_mothers or (split and k >= 1),
            )
            if tw:
                c.twin_group, c.birth_order = group, k + 1
                c.kinds.add("twin")
                if first is None:
                    first = c
                else:  # registered together: the next sequence numbers of the same office
                    self._next_sequence(c, first, k)
            c.birth_dt = bdt
            named = rng.random() < R.NAME_AT_BIRTH
            c.name_from = bdt.date() + timedelta(0 if named else rng.randint(3, 30))
            late = rng.random() < R.ID_LATE
            c.id_from = bdt.date() + timedelta(
                rng.randint(121, 300) if late else rng.randint(*R.ID_ISSUE_DAYS)
            )
            if first is not None and first is not c and rng.random() < 0.7:
                c.id_from = first.id_from  # twins registered at the same 派出所 visit
            c.kinds.add("newborn_infant")
            hh.babies.append(c)

    def _next_sequence(self, c: Person, first: Person, k: int) -> None:
        seq = int(first.id_no[14:17]) + 2 * k - (k > 0 and c.sex != first.sex)
        if (seq % 2 == 1) != (c.sex == "1"):
            seq += 1
        number = resident_id(first.id_no[:6], c.birth, seq % 1000 or 2)
        if number not in self.used_ids and c.birth == first.birth:
            self.used_ids.discard(c.id_no)
            self.used_ids.add(number)
            c.id_no = number

    def _sibling(self, hh: Household, lo: float, hi: float) -> None:
        if self.rng.random() < R.OLDER_SIBLING.get(hh.kind, 0):
            hh.sibling = self._child(hh, "sibling", self._age_birth(lo, hi), self.rng.choice("12"))

    def _hh_birth(self, hh: Household) -> None:
        rng = self.rng
        self._parents(hh, rng.uniform(22, 39))
        self._sibling(hh, 2, 10)
        day = self.start + timedelta(rng.randrange(self.days))
        when = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)))
        r = rng.random()
        count = 3 if r < R.TRIPLET_RATE else 2 if r < R.TWIN_RATE else 1
        hh.lmp = day - timedelta(days=self._gestation(count))
        self._newborns(hh, when, count)

    def _gestation(self, count: int) -> int:
        """Days from the last menstrual period to delivery: multiples come early."""
        lo, hi = {1: (259, 290), 2: (238, 259), 3: (217, 238)}[count]
        return self.rng.randint(lo, hi)

    def _hh_pregnant(self, hh: Household) -> None:
        self._parents(hh, self.rng.uniform(22, 39))
        self._sibling(hh, 2, 10)
        hh.lmp = self.start - timedelta(days=self.rng.randint(60, 230))

    def _hh_infant(self, hh: Household) -> None:
        rng = self.rng
        self._parents(hh, rng.uniform(22, 39))
        self._sibling(hh, 2, 10)
        born = self.start - timedelta(days=rng.randint(1, 365))
        when = datetime.combine(born, time(rng.randrange(24), rng.randrange(60)))
        r = rng.random()
        self._newborns(hh, when, 2 if r < R.TWIN_RATE else 1)
        for b in hh.babies:
            b.role = "infant"

    def _hh_toddler(self, hh: Household) -> None:
        rng = self.rng
        age = rng.uniform(1, 6.5)
        born = self._age_birth(age, age)
        self._parents(hh, age + rng.uniform(22, 36))
        self._sibling(hh, age + 2, age + 6)
        c = self._child(hh, "child", born, rng.choice("12"), order=2 if hh.sibling else 1)
        c.id_from = born + timedelta(rng.randint(20, 200))
        hh.babies.append(c)

    def _hh_adult(self, hh: Household) -> None:
        rng = self.rng
        n = rng.choice([1, 2, 2, 2, 3])
        base = rng.uniform(22, 60)
        migrant = rng.random() < R.MIGRANT_ADULT
        for k in range(n):
            age = base + rng.uniform(-3, 3) if k < 2 else rng.uniform(8, 17)
            role = "adult" if k < 2 else "child"
            sex = ("1" if k == 0 else "2") if k < 2 else rng.choice("12")
            sur = hh.members[0].fam if k == 2 and not hh.members[0].foreign else ""
            self._person(hh, role, sex, self._age_birth(age, age + 1), surname=sur, migrant=migrant)

    def _hh_elderly(self, hh: Household) -> None:
        rng = self.rng
        base = rng.uniform(65, 88)
        for k in range(rng.choice([1, 2, 2])):
            self._person(hh, "elderly", "12"[k], self._age_birth(base + k * 2, base + k * 2 + 1))

    # --- forced hard cases ------------------------------------------------------------------

    def _force_multiples(self) -> None:
        """At least two twin sets and a triplet set born in the window; a pair across midnight."""
        birth = [h for h in self.households if h.kind == "birth"]
        if not any(len(h.babies) == 3 for h in birth):
            self._remake_babies(birth[len(birth) // 2], 3)
        while sum(len(h.babies) == 2 for h in birth) < 2:
            self._remake_babies(next(h for h in birth if len(h.babies) == 1), 2)
        pair = next(h for h in birth if len(h.babies) == 2)
        first = pair.babies[0].birth_dt
        if first.date() < self.end:
            late = datetime.combine(first.date(), time(23, 52))
            for k, b in enumerate(pair.babies):
                b.birth_dt = late + timedelta(minutes=k * 17)
                b.birth = b.birth_dt.date()
                self.used_ids.discard(b.id_no)
                b.id_no = ids.new_resident_id(self.rng, b.id_no[:6], b.birth, b.sex, self.used_ids)

    def _remake_babies(self, hh: Household, count: int) -> None:
        when = hh.babies[0].birth_dt
        for b in hh.babies:
            self.persons.remove(b)
            hh.members.remove(b)
        hh.babies = []
        hh.lmp = when.date() - timedelta(days=self._gestation(count))
        self._newborns(hh, when, count)

    def _hard_namesakes(self) -> None:
        """Same name and birth date (different IDs); homophone names in the same birth year.

        Mothers take part (two mothers with one name and birth date, each on babies' records);
        fathers do not, because their children already carry their surname."""
        rng = self.rng
        pool = [
            p
            for p in self.persons
            if p.role in ("adult", "mother", "elderly", "grandparent")  # fathers pass on surnames
            and p.id_type == "01"
            and not p.special
            and not p.rare
            and not p.alt_doc
        ]
        rng.shuffle(pool)
        n_same = max(2, round(R.HARD_NAMESAKE_PAIRS * self.scale))
        n_homo = max(2, round(R.HOMOPHONE_PAIRS * self.scale))
        pairs = []
        for a in pool:
            if len(pairs) >= n_same + n_homo:
                break
            b = next(
                (
                    q
                    for q in pool
                    if q is not a
                    and q.sex == a.sex
                    and q.hid != a.hid
                    and abs(q.birth.year - a.birth.year) <= 3
                    and q.role == a.role
                    and all(q not in pr and a not in pr for pr in pairs)
                ),
                None,
            )
            if b is not None and all(a not in pr for pr in pairs):
                pairs.append((a, b))
        for k, (a, b) in enumerate(pairs):
            if k < n_same:
                b.name, b.fam, new_birth = a.name, a.fam, a.birth
            else:
                b.name = names.homophone(a.name, rng) or names.wu_dialect(a.name) or b.name
                b.fam = b.name[: len(a.fam)]
                new_birth = b.birth.replace(year=a.birth.year) if b.birth.month != 2 else b.birth
            self.used_ids.discard(b.id_no)
            b.birth = new_birth
            b.id_no = ids.new_resident_id(rng, b.id_no[:6], new_birth, b.sex, self.used_ids)
            a.kinds.add("namesake")
            b.kinds.add("namesake")
