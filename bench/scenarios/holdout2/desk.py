"""The registration desk: how one institution writes one person's identity.

A hospital patient row, a vaccination 个案 and a maternal 档案 are typed once and then carried by
every later record of that person at that institution, so a slip made at the desk repeats on
every dose or visit there (:func:`profile` caches per institution, system and person). Checkup
centres re-type every visit (``fresh=True``).

What the desk does, beyond the institution habits of :mod:`.orgs` (rates in :mod:`.rates`):
foreigners' Latin names in a different order or with the middle name dropped, umlauts
transliterated (MÜLLER/MUELLER/MULLER), passport numbers mistyped; Taiwan and Hong Kong residents
written in 繁体 and registered with either their residence permit (a valid 18-digit number) or
their travel permit; minority names with the 间隔号 written another way; homophones; a missing or
flipped sex; damaged birth dates; elderly registered with a landline or with an adult child's
card; children registered with a parent's card; migrants with their new or old phone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from bench.scenarios.holdout2 import idcards, namebook
from bench.scenarios.holdout2 import rates as R
from bench.scenarios.holdout2.ledger import Ledger
from bench.scenarios.holdout2.orgs import Org
from bench.scenarios.holdout2.population import Person


@dataclass
class Written:
    name: str
    sex: str
    birth: date | None
    id_type: str
    id_no: str
    phone: str
    address: str
    damage: list[tuple[str, str]] = field(default_factory=list)

    @property
    def birth_text(self) -> str:
        return self.birth.isoformat() if self.birth else ""


def _latin(ledger: Ledger, rng: random.Random, p: Person, org: Org, out: Written) -> str:
    surname, _, rest = p.latin.partition(" ")
    parts = rest.split()
    if len(parts) > 1 and (
        rng.random() < R.LATIN_MIDDLE_DROPPED or ledger.first("name_middle_dropped")
    ):
        parts = parts[:1]
        out.damage.append(("name", "name_middle_dropped"))
    if surname in namebook.UMLAUT and (rng.random() < 0.6 or ledger.first("name_latin_translit")):
        surname = rng.choice(namebook.UMLAUT[surname])
        out.damage.append(("name", "name_latin_translit"))
    keep = org.habits.get("latin_upper_surname_first") or rng.random() < 0.5
    if keep and not (
        ledger.first("name_latin_order") and not org.habits.get("latin_upper_surname_first")
    ):
        return " ".join([surname, *parts])
    out.damage.append(("name", "name_latin_order"))
    return " ".join([*parts, surname]).title()


def mother_form(rng: random.Random, p: Person, style: str, rank: int = 0, n: int = 1) -> str:
    """How a HIS names a baby registered under its mother: 之子/之女, 婴, 大宝/二宝 …"""
    m = p.mother.name
    son = p.sex == "1"
    if style == "any":
        style = rng.choice(("zhizi", "zhizi", "ying", "baby"))
    if style == "zhizi_rank" and n > 1:
        return m + ("大宝", "二宝", "三宝")[rank]
    if style == "zhizi_paren" and n > 1:
        tag = ("大", "小") if n == 2 else ("大", "二", "小")
        return f"{m}之{'子' if son else '女'}({tag[rank]})"
    if style == "ying":
        return m + "婴" + (str(rank + 1) if n > 1 else "")
    if style == "baby":
        return m + "婴儿" + (str(rank + 1) if n > 1 else "")
    return m + ("之子" if son else "之女")


def _name(
    ledger: Ledger,
    rng: random.Random,
    p: Person,
    org: Org,
    source: str,
    day: date,
    out: Written,
    gbk: bool,
) -> str:
    if p.named_on and day < p.named_on and p.mother is not None:
        if source == "hospital":
            out.damage.append(("name", "name_mother_form"))
            name = mother_form(rng, p, org.habits.get("newborn", "any"))
            if gbk and namebook.gbk_safe(name) != name:
                out.damage.append(("name", "name_rare_char_sub"))
            return namebook.gbk_safe(name) if gbk else name
        if p.milk_name:
            out.damage.append(("name", "name_milk_name"))
            return p.milk_name
        return ""
    if p.latin:
        name = _latin(ledger, rng, p, org, out)
        if gbk and not _gbk_ok(name):
            name = name.replace("Ü", "U")
        return name
    name = p.name
    trad = rng.random() < R.TRAD_FOR_TW_HK or ledger.first("name_traditional")
    if p.origin in ("tw", "hk") and trad and namebook.has_traditional(name):
        name = namebook.traditional(name)
        out.damage.append(("name", "name_traditional"))
    if "·" in name and (rng.random() < R.NAME_DOT_VARIANT or ledger.first("name_dot_variant")):
        name = namebook.dot_variant(rng, name, gbk)
        out.damage.append(("name", "name_dot_variant"))
    if rng.random() < org.habits.get("homophone", R.NAME_HOMOPHONE):
        other = namebook.homophone(rng, name)
        if other:
            name = other
            out.damage.append(("name", "name_homophone"))
    if gbk and namebook.gbk_safe(name) != name:
        name = namebook.gbk_safe(name)
        out.damage.append(("name", "name_rare_char_sub"))
    return name


def _unseen(ledger: Ledger, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds not yet recorded, while there are any (so a short build has each), else all."""
    return tuple(k for k in kinds if ledger.first(k)) or kinds


def _gbk_ok(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _id(
    ledger: Ledger, rng: random.Random, p: Person, org: Org, source: str, day: date, out: Written
) -> None:
    if p.latin:
        out.id_type, out.id_no = "03", p.id_no
        if rng.random() < R.PASSPORT_TYPO or ledger.first("passport_typo"):
            out.id_no = namebook.passport_typo(rng, p.id_no)
            out.damage.append(("id_no", "passport_typo"))
        return
    if p.permit and (rng.random() < 0.5 or ledger.first("id_travel_permit")):
        out.id_type, out.id_no = p.permit
        out.damage.append(("id_no", "id_travel_permit"))
        return
    out.id_type = "01"
    if not p.has_id(day):
        out.id_no = ""
        if source == "hospital" and p.mother is not None and rng.random() < 0.6:
            out.id_no = p.mother.id_no
            out.damage.append(("id_no", "id_of_mother"))
        return
    number = p.id_no
    child = p.age(day) < 14
    missing = R.ID_MISSING.get(source, 0.0) + org.habits.get("id_missing", 0.0)
    if p.group == "elderly" and p.legacy:
        legacy = org.habits.get(
            "legacy_elderly", R.LEGACY_ELDERLY_ELSEWHERE if p.birth.year < 1950 else 0
        )
        if source == "hospital" and rng.random() < legacy:
            out.id_no = p.legacy
            out.damage.append(("id_no", "id_legacy15"))
            return
        if source == "hospital" and p.adult_child and rng.random() < R.RELATIVE_ID_ELDERLY:
            out.id_no = p.adult_child.id_no
            out.damage.append(("id_no", "id_of_relative"))
            return
    if child and source == "hospital" and p.mother:
        rate = R.RELATIVE_ID_CHILD
        if p.age(day) < 3:
            rate = max(rate, org.habits.get("child_mother_id", 0.0))
        if rng.random() < rate:
            parent = p.mother if rng.random() < 0.8 else p.father
            out.id_no = parent.id_no
            out.damage.append(("id_no", "id_of_mother" if parent is p.mother else "id_of_relative"))
            return
    if not child and rng.random() < missing:
        out.id_no = ""
        out.damage.append(("id_no", "id_missing"))
        return
    if rng.random() < R.ID_DAMAGE.get(source, 0.0):
        number, kind = idcards.damage_id(rng, number, _unseen(ledger, R.ID_DAMAGE_KINDS))
        out.damage.append(("id_no", kind))
    if org.habits.get("lowercase_x") and number.endswith("X"):
        number = number[:-1] + "x"
        out.damage.append(("id_no", "id_lowercase_x"))
    if (
        org.habits.get("fullwidth_ids") and source == "vaccination"
    ) or rng.random() < R.STRAY_FULLWIDTH:
        number = idcards.fullwidth(number)
        out.damage.append(("id_no", "id_fullwidth"))
    out.id_no = number


def _birth(
    ledger: Ledger, rng: random.Random, p: Person, org: Org, source: str, out: Written
) -> date:
    value = p.birth
    if p.group == "elderly" and source == "checkup":
        rate = org.habits.get("lunar_birthday", 0.0)
        if rng.random() < rate or (rate and ledger.first("date_lunar")):
            value, kind = idcards.damage_date(rng, value, ("date_lunar",))
            out.damage.append(("birth_date", kind))
            return value
    rate = R.BIRTH_DAMAGE + org.habits.get("md_swap", 0.0)
    if rng.random() < rate:
        kinds = ("date_md_swap",) if org.habits.get("md_swap") and rng.random() < 0.7 else None
        hit = idcards.damage_date(rng, value, kinds or _unseen(ledger, R.BIRTH_DAMAGE_KINDS))
        if hit:
            out.damage.append(("birth_date", hit[1]))
            return hit[0]
    return value


def _phone(rng: random.Random, p: Person, org: Org, day: date, out: Written) -> str:
    if p.age(day) < 14 and p.mother is not None:
        if org.habits.get("child_mother_phone"):
            out.damage.append(("phone", "phone_of_mother"))
            return p.mother.phone
        return p.mother.phone if rng.random() < 0.6 else p.father.phone
    if p.landline and rng.random() < max(0.5, org.habits.get("landline", 0.0)):
        return p.landline
    number = p.phone2 if p.phone2 and rng.random() < 0.5 else p.phone
    if rng.random() < R.PHONE_TYPO:
        out.damage.append(("phone", "phone_typo"))
        return idcards.phone_typo(rng, number)
    return number


def profile(
    ledger: Ledger,
    p: Person,
    org: Org,
    source: str,
    day: date,
    *,
    gbk: bool = False,
    fresh: str | None = None,
) -> Written:
    """The identity ``org`` writes for ``p`` in ``source`` on ``day``. Cached per institution,
    system and person (and whether the person had an ID yet), unless ``fresh`` names a record."""
    named = p.named_on is None or day >= p.named_on
    key = (org.key, source, p.pid, p.has_id(day), named, fresh)
    if key in ledger.desk_cache:
        return ledger.desk_cache[key]
    rng = ledger.rng(f"desk:{source}")
    out = Written("", "", None, "01", "", "", p.address)
    out.name = _name(ledger, rng, p, org, source, day, out, gbk or org.habits.get("gbk_db", False))
    out.sex = p.sex
    roll = rng.random()
    if (
        source == "hospital" and org.habits.get("newborn_sex_blank") and p.age(day) < 0.1
    ) or roll < R.SEX_MISSING:
        out.sex = ""
        out.damage.append(("sex", "sex_missing"))
    elif roll < R.SEX_MISSING + R.SEX_FLIPPED or (p.age(day) > 14 and ledger.first("sex_flipped")):
        out.sex = "1" if p.sex == "2" else "2"
        out.damage.append(("sex", "sex_flipped"))
    out.birth = _birth(ledger, rng, p, org, source, out)
    _id(ledger, rng, p, org, source, day, out)
    out.phone = _phone(rng, p, org, day, out)
    ledger.desk_cache[key] = out
    return out


def log(
    ledger: Ledger,
    written: Written,
    source: str,
    org: Org,
    record_id: str,
    role: str,
    columns: dict[str, str],
    person: Person,
) -> None:
    """Damage rows of one mention; ``columns`` maps name/sex/birth_date/id_no/phone to the
    contract column names of this source (absent: the source does not carry that field)."""
    for key, kind in written.damage:
        if key in columns:
            ledger.damaged(source, org.code, record_id, role, columns[key], kind, person)
            if kind in ("name_mother_form", "id_of_mother") and person.mother is not None:
                ledger.kind(person.mother, "mother_with_baby_records")
