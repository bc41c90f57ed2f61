"""What every source module shares: the writer, the damage log, the window and record numbering."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bench.scenarios.deliver import Institution, SourcesWriter
from bench.scenarios.holdout.damage import Damager
from bench.scenarios.holdout.people import City, Household, Person


@dataclass
class Ctx:
    rng: random.Random
    writer: SourcesWriter
    dmg: Damager
    city: City
    orgs: list[Institution]
    counters: dict[tuple, int] = field(default_factory=dict)
    home: dict[str, str] = field(default_factory=dict)  # household → its community centre
    mentions: dict[str, int] = field(default_factory=dict)  # "source/role" → count

    @property
    def start(self) -> date:
        return self.city.start

    @property
    def end(self) -> date:
        return self.city.end

    def in_window(self, d: date | datetime) -> bool:
        d = d.date() if isinstance(d, datetime) else d
        return self.start <= d <= self.end

    def next(self, *key: object) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def person(self, pid: str) -> Person | None:
        return self.city.by_pid.get(pid) if pid else None

    def household(self, p: Person) -> Household:
        return self.city.by_hid[p.hid]

    def mention(self, source: str, org: str, record_id: str, role: str, p: Person) -> tuple:
        key = (source, org, record_id, role)
        self.writer.truth(source, org, record_id, role, p.pid)
        self.mentions[f"{source}/{role}"] = self.mentions.get(f"{source}/{role}", 0) + 1
        return key

    # --- where people go --------------------------------------------------------------------

    def with_system(self, system: str, *, org_type: str = "", district: str = "") -> list[str]:
        return [
            o.org_code
            for o in self.orgs
            if system in o.systems
            and (not org_type or o.org_type == org_type)
            and (not district or o.district_code == district)
        ]

    def chc(self, hh: Household) -> str:
        """The household's community health centre (same district)."""
        if hh.hid not in self.home:
            self.home[hh.hid] = self.rng.choice(
                self.with_system("mch", org_type="community_health_center", district=hh.district)
            )
        return self.home[hh.hid]

    def birth_hospital(self, hh: Household) -> str:
        key = "birth:" + hh.hid
        if key not in self.home:
            births = [
                o.org_code
                for o in self.orgs
                if {"hospital", "mch", "vaccination"} <= set(o.systems)
                and o.org_type != "community_health_center"
            ]
            near = [o for o in births if o[2:6] == hh.district[2:]]
            self.home[key] = self.rng.choice(near if near and self.rng.random() < 0.7 else births)
        return self.home[key]

    def hospital_for(self, hh: Household, *, big: float = 0.35) -> str:
        hosp = [o for o in self.orgs if "hospital" in o.systems]
        near = [
            o.org_code
            for o in hosp
            if o.district_code == hh.district and o.org_type != "tertiary_hospital"
        ]
        tertiary = [o.org_code for o in hosp if o.org_type == "tertiary_hospital"]
        if near and self.rng.random() > big:
            return self.rng.choice(near)
        return self.rng.choice(tertiary)

    def day_time(self, d: date, lo: int = 8, hi: int = 17) -> datetime:
        return datetime.combine(
            d, time(self.rng.randrange(lo, hi), self.rng.randrange(60), self.rng.randrange(60))
        )

    def clamp(self, when: datetime) -> datetime:
        first = datetime.combine(self.start, time(0, 5))
        last = datetime.combine(self.end, time(23, 50))
        return min(max(when, first), last)

    def later_day(self, d: date, lo: int, hi: int) -> date | None:
        """A day ``lo``–``hi`` days after ``d`` still inside the window, if any."""
        latest = min(d + timedelta(hi), self.end)
        earliest = d + timedelta(lo)
        if earliest > latest:
            return None
        return earliest + timedelta(self.rng.randrange((latest - earliest).days + 1))


ORDER = "大二三"


def placeholder(rng: random.Random, child: Person, mother: Person, system: str) -> str:
    """The name a desk gives a baby that has none yet (or whose name the desk did not ask)."""
    m, fam = mother.name, child.fam or mother.fam or mother.name[:1]
    son = "之子" if child.sex == "1" else "之女"
    if child.twin_group and rng.random() < (0.6 if system != "vaccination" else 0.5):
        k = max(child.birth_order, 1) - 1
        return rng.choice(
            [
                f"{m}{ORDER[k]}宝",
                f"{m}之{'子女'[child.sex == '2']}{k + 1}",
                f"{m}婴{'一二三'[k]}",
                f"{fam}{ORDER[k]}宝",
            ]
        )
    forms = {
        "hospital": [
            f"{m}{son}",
            f"{m}{son}",
            f"{m}婴",
            "婴儿",
            "新生儿",
            f"{m}(婴)",
            f"{m}之婴",
            f"{fam}宝宝",
        ],
        "vaccination": [f"{m}{son}", f"{m}{son}", f"{m}宝宝", f"{fam}宝宝", f"小{fam}", f"{m}之婴"],
        "mch": [f"{m}{son}", f"{fam}宝宝", f"{m}宝宝", f"{m}之婴"],
    }[system]
    return rng.choice(forms)


def guardian_of(ctx: Ctx, child: Person) -> Person:
    """Who brings the child: mother, father or a grandparent (rates.GUARDIAN)."""
    from bench.scenarios.holdout import rates as R

    hh = ctx.household(child)
    r = ctx.rng.random()
    if r < R.GUARDIAN["mother"] or (hh.father is None and not hh.grandparents):
        return hh.mother
    if (r < R.GUARDIAN["mother"] + R.GUARDIAN["father"] and hh.father) or not hh.grandparents:
        return hh.father or hh.mother
    return ctx.rng.choice(hh.grandparents)


def doc(rng: random.Random, p: Person) -> tuple[str, str]:
    """The document a person shows at a desk: the primary one, or the alternative."""
    if p.alt_doc and rng.random() < 0.5:
        return p.alt_doc
    return p.id_type, p.id_no


def delivery_mode(ctx: Ctx, hh: Household) -> str:
    """How the household's baby (or babies) came, decided once (twins: 80 % cesarean)."""
    if not hh.mode:
        if len(hh.babies) > 1 and ctx.rng.random() < 0.8:
            hh.mode = "cesarean"
        else:
            hh.mode = ctx.rng.choices(["vaginal", "cesarean", "assisted"], [60, 35, 5])[0]
    return hh.mode
