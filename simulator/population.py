"""The residents, as numpy arrays with one element per person (index = person number).

Numbers only here: age, sex, district, origin, chronic conditions, latent health traits,
household links (mother, shared phones, shared home). Names and ID numbers are added by
:mod:`simulator.identity`; newborns of simulated pregnancies by :func:`with_newborns`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator.config import SimConfig, load, weighted

LOCAL, MIGRANT, PERMIT, FOREIGNER = 0, 1, 2, 3
KNOWN = np.iinfo(np.int32).min // 2  # "known since long before the window"
PHONE_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        155,
        156,
        157,
        158,
        159,
        166,
        176,
        177,
        180,
        181,
        182,
        186,
        187,
        188,
        189,
        199,
    ]
)


@dataclass
class People:
    sex: np.ndarray  # int8: 1 male, 2 female
    birth: np.ndarray  # int32 epoch day
    district: np.ndarray  # int8 index into places.yaml districts
    origin: np.ndarray  # int8 LOCAL | MIGRANT | PERMIT | FOREIGNER
    minority: np.ndarray  # bool: name written with ·
    mother: np.ndarray  # int32 person number, -1 unknown
    newborn: np.ndarray  # bool: born of a simulated pregnancy
    named_at: np.ndarray  # int32 epoch day from which the given name is in use
    id_at: np.ndarray  # int32 epoch day from which the ID number exists
    htn: np.ndarray  # bool: hypertension
    dm: np.ndarray  # bool: type 2 diabetes
    latent: np.ndarray  # float32 (n, 4): BMI, blood pressure, glucose, lipids (z-scores)
    height_z: np.ndarray  # float32
    phone: np.ndarray  # int64 mobile number, 0 none
    home: np.ndarray  # int32 (n, 5): rural, street/town, number/village, building/group, room
    employer: np.ndarray  # int16, -1 none

    def __len__(self) -> int:
        return len(self.sex)


def concat(a: People, b: People) -> People:
    return People(
        **{f.name: np.concatenate([getattr(a, f.name), getattr(b, f.name)]) for f in fields(People)}
    )


def residents(n: int, start: int, rng: np.random.Generator, cfg: SimConfig) -> People:
    """``n`` residents alive on epoch day ``start``, with households among them."""
    pop, places = load("population"), load("places")
    birth = start - 1 - _ages_in_days(n, pop["age_pyramid"], rng)
    age = (start - birth) / 365.25
    male = np.where(age < 15, 0.515, pop["male_share"])
    sex = np.where(rng.random(n) < male, 1, 2).astype(np.int8)
    _, district_p = weighted({d["code"]: d["population"] for d in places["districts"]})
    district = rng.choice(len(district_p), n, p=district_p).astype(np.int8)
    origin = _origins(age, pop, rng)
    _move_expats(district, origin, places, rng)
    minority = (origin == MIGRANT) & (rng.random(n) < pop["minority_name_share"] / 0.2)
    latent = rng.standard_normal((n, 4)).astype(np.float32)
    htn, dm = _chronic(age, latent, rng)
    people = People(
        sex=sex,
        birth=birth.astype(np.int32),
        district=district,
        origin=origin,
        minority=minority,
        mother=np.full(n, -1, np.int32),
        newborn=np.zeros(n, bool),
        named_at=np.full(n, KNOWN, np.int32),
        id_at=np.full(n, KNOWN, np.int32),
        htn=htn,
        dm=dm,
        latent=latent,
        height_z=rng.standard_normal(n).astype(np.float32),
        phone=np.zeros(n, np.int64),
        home=_homes(district, places, pop, rng),
        employer=_employers(age, pop, rng),
    )
    _phones(people, age, pop, rng)
    _mothers(people, age, rng)
    _twins(people, age, rng, cfg.twin_share or pop["twin_share_children"])
    _infant_paperwork(people, start, rng)
    return people


def _ages_in_days(n: int, pyramid: dict[int, float], rng: np.random.Generator) -> np.ndarray:
    lows, p = weighted(pyramid)
    band = rng.choice(len(lows), n, p=p)
    return (np.array(lows)[band] * 365.25 + rng.uniform(0, 5 * 365.25, n)).astype(np.int32)


def _origins(age: np.ndarray, pop: dict, rng: np.random.Generator) -> np.ndarray:
    lows = np.array(sorted(pop["migrant_share"]))
    share = np.array([pop["migrant_share"][k] for k in lows])[
        np.searchsorted(lows, age, "right") - 1
    ]
    u = rng.random(len(age))
    origin = np.where(u < share, MIGRANT, LOCAL).astype(np.int8)
    adult = (age >= 18) & (age < 70)
    v = rng.random(len(age))
    origin[adult & (v < pop["foreigner_share"])] = FOREIGNER
    origin[
        adult & (v >= pop["foreigner_share"]) & (v < pop["foreigner_share"] + pop["permit_share"])
    ] = PERMIT
    return origin


def _move_expats(
    district: np.ndarray, origin: np.ndarray, places: dict, rng: np.random.Generator
) -> None:
    """Foreigners and permit holders live mostly in the industrial park and Kunshan."""
    codes = [d["code"] for d in places["districts"]]
    keys, p = weighted(places["expat_districts"])
    expats = np.flatnonzero(origin >= PERMIT)
    district[expats] = np.array([codes.index(k) for k in keys])[
        rng.choice(len(keys), len(expats), p=p)
    ]


def _chronic(
    age: np.ndarray, latent: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Hypertension follows the blood-pressure trait, diabetes the glucose and BMI traits."""
    clinical = load("clinical")
    band = np.searchsorted(clinical["age_bands"], age, "right") - 1
    prev_htn = np.array(clinical["chronic"]["I10"]["prevalence"])[band]
    prev_dm = np.array(clinical["chronic"]["E11.9"]["prevalence"])[band]
    lift_htn = np.exp(0.6 * latent[:, 1] + 0.2 * latent[:, 0]) / np.exp(0.2)
    lift_dm = np.exp(0.6 * latent[:, 2] + 0.3 * latent[:, 0]) / np.exp(0.225)
    htn = rng.random(len(age)) < prev_htn * lift_htn
    dm = rng.random(len(age)) < prev_dm * lift_dm
    return htn, dm


def _homes(district: np.ndarray, places: dict, pop: dict, rng: np.random.Generator) -> np.ndarray:
    n = len(district)
    codes = [d["code"] for d in places["districts"]]
    rural_share = np.array([pop["rural_share"].get(c, 0.0) for c in codes])[district]
    has_towns = np.array([len(d["towns"]) > 0 for d in places["districts"]])[district]
    rural = (rng.random(n) < rural_share) & has_towns
    n_streets = np.array([len(d["streets"]) for d in places["districts"]])[district]
    n_towns = np.maximum(np.array([len(d["towns"]) for d in places["districts"]])[district], 1)
    place = np.where(
        rural, rng.integers(0, 1 << 20, n) % n_towns, rng.integers(0, 1 << 20, n) % n_streets
    )
    number = np.where(rural, rng.integers(1, 25, n), rng.integers(1, 900, n))
    building = np.where(rural, rng.integers(1, 16, n), rng.integers(1, 40, n))
    room = np.where(
        rural, rng.integers(1, 99, n), rng.integers(1, 26, n) * 100 + rng.integers(1, 5, n)
    )
    return np.stack([rural, place, number, building, room], axis=1).astype(np.int32)


def _employers(age: np.ndarray, pop: dict, rng: np.random.Generator) -> np.ndarray:
    lo, hi = pop["employed_age"]
    count = len(pop["employers"]) * len(pop["employer_words"])
    employed = (age >= lo) & (age < hi) & (rng.random(len(age)) < 0.75)
    return np.where(employed, rng.integers(0, count, len(age)), -1).astype(np.int16)


def _phones(people: People, age: np.ndarray, pop: dict, rng: np.random.Generator) -> None:
    """Own mobiles for adults; some elderly have none or use a relative's; some couples share."""
    n = len(people)
    own = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), n)] * 10**8 + rng.integers(
        0, 10**8, n
    )
    adult = age >= 16
    people.phone[:] = np.where(adult, own, 0)
    elderly = age >= 70
    r = rng.random(n)
    no_phone, shared = pop["no_phone_share"]["elderly"], pop["shared_phone_share"]["elderly"]
    people.phone[elderly & (r < no_phone)] = 0
    shares = elderly & (r >= no_phone) & (r < no_phone + shared)
    shares |= (age >= 25) & (age < 60) & (rng.random(n) < pop["shared_phone_share"]["spouse"])
    helpers = np.flatnonzero((age >= 25) & (age < 60))
    if len(helpers):
        _copy_within_district(people, np.flatnonzero(shares), helpers, rng, ("phone",))


def _copy_within_district(
    people: People,
    takers: np.ndarray,
    givers: np.ndarray,
    rng: np.random.Generator,
    attrs: tuple[str, ...],
) -> None:
    """Each taker copies ``attrs`` from a random giver of the same district (if there is one)."""
    order = givers[np.argsort(people.district[givers], kind="stable")]
    bounds = np.searchsorted(people.district[order], np.arange(people.district.max() + 2))
    lo, hi = bounds[people.district[takers]], bounds[people.district[takers] + 1]
    ok = hi > lo
    pick = order[
        np.minimum(lo + (rng.random(len(takers)) * (hi - lo)).astype(np.int64), len(order) - 1)
    ]
    for attr in attrs:
        getattr(people, attr)[takers[ok]] = getattr(people, attr)[pick[ok]]


def _mothers(people: People, age: np.ndarray, rng: np.random.Generator) -> None:
    """Children under 14 get a mother aged 20–42 at their birth, in their district; they share
    her home, phone and origin (a migrant's child is registered at her birthplace)."""
    kids = np.flatnonzero(age < 14)
    women = np.flatnonzero(
        (people.sex == 2) & (age >= 20) & (age < 60) & (people.origin <= MIGRANT)
    )
    if not len(kids) or not len(women):
        return
    key = people.district[women].astype(np.int64) * 10**6 + (people.birth[women] + 50_000)
    order = women[np.argsort(key, kind="stable")]
    sorted_key = key[np.argsort(key, kind="stable")]
    base = people.district[kids].astype(np.int64) * 10**6 + 50_000
    lo = np.searchsorted(sorted_key, base + people.birth[kids] - int(42 * 365.25))
    hi = np.searchsorted(sorted_key, base + people.birth[kids] - int(20 * 365.25))
    ok = hi > lo
    pick = order[
        np.minimum(lo + (rng.random(len(kids)) * (hi - lo)).astype(np.int64), len(order) - 1)
    ]
    kids, pick = kids[ok], pick[ok]
    people.mother[kids] = pick
    for attr in ("home", "phone", "origin", "district"):
        getattr(people, attr)[kids] = getattr(people, attr)[pick]
    people.minority[kids] = people.minority[pick]


def _twins(people: People, age: np.ndarray, rng: np.random.Generator, share: float) -> None:
    """Some young children are twins: same mother, same birth date (IDs then get consecutive
    sequence numbers because both share address code and birth date)."""
    kids = np.flatnonzero((age < 7) & (people.mother >= 0))
    pairs = min(len(kids) // 2, max(1, round(share * len(kids) / 2)))
    if pairs == 0:
        return
    chosen = rng.choice(kids, 2 * pairs, replace=False)
    first, second = chosen[:pairs], chosen[pairs:]
    for attr in ("birth", "mother", "home", "phone", "origin", "district", "minority"):
        getattr(people, attr)[second] = getattr(people, attr)[first]


def _infant_paperwork(people: People, start: int, rng: np.random.Generator) -> None:
    """Babies born shortly before the window may not have their name or ID number yet."""
    young = np.flatnonzero(people.birth > start - 400)
    paperwork(people, young, rng)


def paperwork(people: People, who: np.ndarray, rng: np.random.Generator) -> None:
    """Days after birth until the name is given and the ID number (户口) is issued."""
    spec = load("services")["pregnancy"]
    naming = np.minimum(
        rng.gamma(2.0, spec["naming_days"]["median"] / 1.7, len(who)), spec["naming_days"]["max"]
    )
    issuing = np.minimum(
        rng.gamma(2.5, spec["id_days"]["median"] / 2.2, len(who)), spec["id_days"]["max"]
    )
    people.named_at[who] = people.birth[who] + naming.astype(np.int32) + 1
    people.id_at[who] = people.birth[who] + issuing.astype(np.int32) + 7


def with_newborns(
    people: People,
    mothers: np.ndarray,
    births: np.ndarray,
    sexes: np.ndarray,
    rng: np.random.Generator,
) -> People:
    """Append the babies of simulated pregnancies (they share their mother's household)."""
    n = len(mothers)
    babies = People(
        sex=sexes.astype(np.int8),
        birth=births.astype(np.int32),
        district=people.district[mothers],
        origin=np.minimum(people.origin[mothers], MIGRANT),
        minority=people.minority[mothers],
        mother=mothers.astype(np.int32),
        newborn=np.ones(n, bool),
        named_at=np.zeros(n, np.int32),
        id_at=np.zeros(n, np.int32),
        htn=np.zeros(n, bool),
        dm=np.zeros(n, bool),
        latent=rng.standard_normal((n, 4)).astype(np.float32),
        height_z=rng.standard_normal(n).astype(np.float32),
        phone=people.phone[mothers],
        home=people.home[mothers],
        employer=np.full(n, -1, np.int16),
    )
    paperwork(babies, np.arange(n), rng)
    return concat(people, babies)
