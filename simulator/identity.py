"""Who people are on paper: names, ID numbers, address codes, and the identity a record shows.

Built once for everybody (vectorised over cohorts; ``idno.make`` per person), then each source
asks :func:`as_of` for the identity fields of the people it serves on a given day: a newborn
has no name or ID number yet, a child is reached through the mother's phone, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import opencc
import pandas as pd
import pyarrow as pa

from kernel import idno
from simulator.clock import iso_dates, years
from simulator.config import SimConfig, load, weighted
from simulator.population import FOREIGNER, LOCAL, MIGRANT, PERMIT, People

VILLAGES = (
    "新民",
    "永红",
    "东风",
    "长浜",
    "联星",
    "龙潭",
    "金星",
    "太平",
    "双桥",
    "三星",
    "张家",
    "沈家",
    "东湖",
    "西塘",
    "南港",
    "北庄",
    "胜利",
    "光明",
    "建新",
    "友谊",
    "富强",
    "向阳",
)


@dataclass
class Identity:
    name: pa.Array  # the name on the ID card
    id_no: pa.Array  # 18-character number, or passport number for foreigners
    passport: np.ndarray  # bool: id_type 03


def build(
    people: People, start: int, rng: np.random.Generator, cfg: SimConfig, fixed: np.ndarray
) -> Identity:
    """Names and ID numbers of everybody (``start``: epoch day of the first simulated day;
    ``fixed``: people whose birth date and sex must stay, e.g. expectant mothers)."""
    names = _names(people, rng)
    share = (
        cfg.namesake_share
        if cfg.namesake_share is not None
        else load("population")["namesake_share"]
    )
    _namesakes(people, names, start, rng, share, fixed)
    codes = _address_codes(people, rng)
    numbers = _id_numbers(people, codes, rng)
    return Identity(
        name=pa.array(names, pa.string()),
        id_no=pa.array(numbers, pa.string()),
        passport=people.origin == FOREIGNER,
    )


# --- names ---------------------------------------------------------------------------------


def _cohort(birth: np.ndarray) -> np.ndarray:
    year = years(birth)
    return np.select([year < 1970, year < 1990, year < 2010], ["old", "mid", "young"], "kids")


def _names(people: People, rng: np.random.Generator) -> np.ndarray:
    n, spec = len(people), load("names")
    surname = _surnames(people, spec, rng)
    given = np.empty(n, dtype=object)
    cohort = _cohort(people.birth)
    for sex, key in ((1, "male"), (2, "female")):
        for era in ("old", "mid", "young", "kids"):
            who = np.flatnonzero((people.sex == sex) & (cohort == era))
            given[who] = _given(len(who), spec, key, era, rng)
    names = (surname.astype(object) + given).astype(object)
    _minority_and_foreign(people, names, spec, rng)
    permit = np.flatnonzero(people.origin == PERMIT)  # Hong Kong, Macao, Taiwan: traditional script
    if len(permit):
        s2t = opencc.OpenCC("s2t")
        names[permit] = [s2t.convert(v) for v in names[permit]]
    return names


def _surnames(people: People, spec: dict, rng: np.random.Generator) -> np.ndarray:
    keys, national = weighted(spec["surnames"])
    boost = np.array([spec["local_boost"].get(k, 1.0) for k in keys])
    local_p = national * boost / (national * boost).sum()
    table = np.array(keys, dtype=object)
    local = people.origin == LOCAL
    out = np.where(
        local,
        table[rng.choice(len(keys), len(people), p=local_p)],
        table[rng.choice(len(keys), len(people), p=national)],
    )
    return out


def _given(n: int, spec: dict, key: str, era: str, rng: np.random.Generator) -> np.ndarray:
    chars = np.array(list(spec["given_chars"][key]), dtype=object)
    zipf = 1.0 / (np.arange(len(chars)) + 4.0)
    zipf /= zipf.sum()
    first = chars[rng.choice(len(chars), n, p=zipf)]
    second = chars[rng.choice(len(chars), n, p=zipf)]
    single = rng.random(n) < spec["single_char_share"][era]
    out = np.where(single, first, first + second)
    popular = np.array(spec["popular"][key][era], dtype=object)
    use_popular = rng.random(n) < spec["popular_share"]
    out[use_popular] = popular[rng.integers(0, len(popular), use_popular.sum())]
    return out


def _minority_and_foreign(
    people: People, names: np.ndarray, spec: dict, rng: np.random.Generator
) -> None:
    for sex, key in ((1, "male"), (2, "female")):
        who = np.flatnonzero(people.minority & (people.sex == sex))
        given = np.array(spec["minority"][key], dtype=object)[
            rng.integers(0, len(spec["minority"][key]), len(who))
        ]
        father = np.array(spec["minority"]["father"], dtype=object)[
            rng.integers(0, len(spec["minority"]["father"]), len(who))
        ]
        names[who] = given + "·" + father
        who = np.flatnonzero((people.origin == FOREIGNER) & (people.sex == sex))
        given = np.array(spec["foreign"][key], dtype=object)[
            rng.integers(0, len(spec["foreign"][key]), len(who))
        ]
        family = np.array(spec["foreign"]["family"], dtype=object)[
            rng.integers(0, len(spec["foreign"]["family"]), len(who))
        ]
        names[who] = given + " " + family


def _namesakes(
    people: People,
    names: np.ndarray,
    start: int,
    rng: np.random.Generator,
    share: float,
    fixed: np.ndarray,
) -> None:
    """Deliberate namesakes: a second person gets the same name, sex and birth date (but not
    the same family or ID number) — the case an ID-less linkage must not merge."""
    mothers = np.zeros(len(people), bool)
    mothers[people.mother[people.mother >= 0]] = True
    mothers[fixed] = True
    han_adults = np.flatnonzero(
        (people.birth < start - 20 * 365) & (people.origin <= MIGRANT) & ~people.minority & ~mothers
    )
    pairs = min(len(han_adults) // 2, max(2, round(share * len(people))) if share > 0 else 0)
    if pairs == 0:
        return
    chosen = rng.choice(han_adults, 2 * pairs, replace=False)
    first, second = chosen[:pairs], chosen[pairs:]
    names[second] = names[first]
    people.birth[second] = people.birth[first]
    people.sex[second] = people.sex[first]


def placeholder(mother_names: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """How a nameless newborn is written: ``<mother's name>之子`` / ``之女``."""
    return mother_names.astype(object) + np.where(sex == 1, "之子", "之女").astype(object)


def name_placeholders(frame: pd.DataFrame, people: People, rows: np.ndarray) -> None:
    """Write the placeholder into the ``rows`` (a mask) of an :func:`as_of` frame: how a
    record names a baby whose name is not known yet."""
    frame.loc[rows, "name"] = placeholder(
        frame.loc[rows, "mother_name"].to_numpy(object),
        people.sex[frame.loc[rows, "person"].to_numpy()],
    )


# --- ID numbers ----------------------------------------------------------------------------


def _address_codes(people: People, rng: np.random.Generator) -> np.ndarray:
    """Birth-registration address codes: district (or its pre-2012 code) for locals, the home
    province for migrants, 81/82/83 for permit holders; children take their mother's."""
    places = load("places")
    districts = places["districts"]
    code = np.array([int(d["code"]) for d in districts])[people.district]
    year = years(people.birth)
    for i, d in enumerate(districts):
        if "legacy_codes" not in d:
            continue
        keys, p = weighted(d["legacy_codes"])
        who = np.flatnonzero((people.district == i) & (year < d["legacy_before"]))
        code[who] = np.array([int(k) for k in keys])[rng.choice(len(keys), len(who), p=p)]
    migrants = np.flatnonzero(people.origin == MIGRANT)
    keys, p = weighted(places["migrant_codes"])
    code[migrants] = np.array([int(k) for k in keys])[rng.choice(len(keys), len(migrants), p=p)]
    permit = np.flatnonzero(people.origin == PERMIT)
    keys, p = weighted(places["permit_codes"])
    code[permit] = np.array([int(k) for k in keys])[rng.choice(len(keys), len(permit), p=p)]
    # a migrant mother's child is registered at her birthplace (children were built after her)
    kids = np.flatnonzero((people.mother >= 0) & (people.origin == MIGRANT))
    code[kids] = code[people.mother[kids]]
    return code


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    return np.char.zfill(np.asarray(values).astype(str), width).astype(object)


def _compact_dates(days: np.ndarray) -> np.ndarray:
    """``YYYYMMDD`` of each epoch day."""
    return np.char.replace(iso_dates(days).astype(str), "-", "").astype(object)


def _id_numbers(people: People, codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sequence numbers unique per (address code, birth date); twins get consecutive ones."""
    key = codes.astype(np.int64) * 100_000 + (people.birth.astype(np.int64) + 50_000)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first_of_group = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    group_start = np.maximum.accumulate(np.where(first_of_group, np.arange(len(order)), 0))
    # next free number of the right parity (odd = male): +1 when the sex changes, else +2
    male = (people.sex[order] == 1).astype(np.int64)
    step = np.where(first_of_group, 0, np.where(male != np.r_[0, male[:-1]], 1, 2))
    climb = np.cumsum(step) - np.cumsum(step)[group_start]
    base = rng.integers(0, 400, len(order))[group_start]  # one random start per group
    seq = np.empty(len(order), np.int64)
    seq[order] = np.minimum(2 * base + male[group_start] + climb, 999 - (1 - male))
    # idno.make for everybody at once: address code, birth date, sequence, check character
    first17 = _digits(codes, 6) + _compact_dates(people.birth) + _digits(seq, 3)
    numbers = first17 + idno.check_chars(first17).to_numpy(zero_copy_only=False).astype(object)
    foreign = np.flatnonzero(people.origin == FOREIGNER)
    letters = np.array(list("EGKMPST"))[rng.integers(0, 7, len(foreign))]
    digits = rng.integers(10**7, 10**8, len(foreign))
    for i, letter, d in zip(foreign, letters, digits, strict=True):
        numbers[i] = f"{letter}{d}"
    return numbers


# --- identity of a record ------------------------------------------------------------------


def as_of(
    people: People, ident: Identity, who: np.ndarray, day: int, rng: np.random.Generator
) -> pd.DataFrame:
    """The identity fields a record made on epoch ``day`` would carry, undamaged.

    Columns: person, id_type, id_no, name, sex, birth_date, phone, address, mother,
    mother_name, mother_id_no, named (bool), child (under 14), elderly (born before 1960).
    """
    who = np.asarray(who, dtype=np.int64)
    take = pa.array(who)
    name = ident.name.take(take).to_numpy(zero_copy_only=False).astype(object)
    id_no = ident.id_no.take(take).to_numpy(zero_copy_only=False).astype(object)
    has_id = people.id_at[who] <= day
    named = people.named_at[who] <= day
    mother = people.mother[who]
    mother_name, mother_id = _mothers(people, ident, mother, day)
    name = np.where(named, name, "").astype(object)
    id_no = np.where(has_id, id_no, "").astype(object)
    id_type = np.where(~has_id, "", np.where(ident.passport[who], "03", "01")).astype(object)
    phone = people.phone[who]
    return pd.DataFrame(
        {
            "person": who,
            "id_type": id_type,
            "id_no": id_no,
            "name": name,
            "sex": people.sex[who].astype(str).astype(object),
            "birth_date": iso_dates(people.birth[who]),
            "phone": np.where(phone > 0, phone.astype(str), "").astype(object),
            "address": addresses(people, who, rng),
            "mother": mother,
            "mother_name": mother_name,
            "mother_id_no": mother_id,
            "named": named,
            "child": people.birth[who] > day - 14 * 365,
            "elderly": years(people.birth[who]) < 1960,
        }
    )


def _mothers(
    people: People, ident: Identity, mother: np.ndarray, day: int
) -> tuple[np.ndarray, np.ndarray]:
    known = mother >= 0
    safe = np.where(known, mother, 0)
    names = ident.name.take(pa.array(safe)).to_numpy(zero_copy_only=False).astype(object)
    ids = ident.id_no.take(pa.array(safe)).to_numpy(zero_copy_only=False).astype(object)
    ids = np.where(people.id_at[safe] <= day, ids, "")
    return np.where(known, names, "").astype(object), np.where(known, ids, "").astype(object)


def addresses(people: People, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Free-text current address, written with or without province and city."""
    places = load("places")
    districts = places["districts"]
    home, district = people.home[who], people.district[who]
    styles = rng.integers(0, 3, len(who))
    heads = np.array([places["province"] + places["city"], places["city"], ""], dtype=object)
    names = np.array([d["name"] for d in districts], dtype=object)
    rural, place, number, building, room = (home[:, i] for i in range(5))
    rest = np.empty(len(who), dtype=object)
    villages = np.array(VILLAGES, dtype=object)
    for i, dist in enumerate(districts):
        town = np.flatnonzero((district == i) & (rural != 0))
        if len(town):  # 村 and 组 in a town (镇) of the district
            towns = np.array(dist["towns"], dtype=object)
            rest[town] = (
                towns[place[town] % len(towns)]
                + villages[number[town] % len(villages)]
                + "村"
                + _text(building[town])
                + "组"
                + _text(room[town])
                + "号"
            )
        street = np.flatnonzero((district == i) & (rural == 0))
        if len(street):  # number, building (幢) and flat (室) on a street
            streets = np.array(dist["streets"], dtype=object)
            rest[street] = (
                streets[place[street]]
                + _text(number[street])
                + "号"
                + _text(building[street])
                + "幢"
                + _text(room[street])
                + "室"
            )
    return heads[styles] + names[district] + rest


def _text(values: np.ndarray) -> np.ndarray:
    return values.astype(str).astype(object)
