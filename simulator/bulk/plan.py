"""Which records name whom: the mentions of one bulk night, planned as integer columns.

No days of care are simulated. Each known person gets ``1 + Poisson(per_person - 1)`` visits,
each visit a record of a dataset that serves their age (a hospital registration, a checkup, a
vaccination dose, a child checkup) at the institution of their care network that a generator
would use; every baby of the last year also has the delivery register's row (naming mother
and newborn) and the mother's maternal registration. A person's hospital visits go to
different hospitals of their network (one ``patient`` row per hospital, as in a HIS), drawn
in order of the simulator's outpatient slot probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.clock import DAY, clinic_seconds
from simulator.hospital import SLOT_P
from simulator.institutions import CHC, CHECKUP, DELIVERY, HOSPITAL_SLOTS, MCH_CARE
from simulator.world import World, upload_lag

# The datasets a visit can be, per age group, and each one's share of the group's visits;
# children of 7 to 17 are seen in hospitals only.
ADULT_VISITS = {"hospital.patient": 0.8, "checkup.visit": 0.2}
YOUNG_CHILD_VISITS = {"hospital.patient": 0.3, "vaccination.dose": 0.5, "mch.child_checkup": 0.2}
YOUNG_CHILD_YEARS, ADULT_YEARS = 7, 18  # vaccination schedule and child checkups end at 7
VISIT_SLOT = {"checkup.visit": CHECKUP, "vaccination.dose": CHC, "mch.child_checkup": MCH_CARE}
INFANT_DAYS = 365  # babies this young still have their delivery record in the bulk
REGISTERED_DAYS_BEFORE_BIRTH = (150, 250)


@dataclass
class Plan:
    """One row per mention: who, which dataset and institution, when it happened."""

    person: np.ndarray  # int64 person number
    dataset: np.ndarray  # object: e.g. hospital.patient
    org: np.ndarray  # int64 institution index
    at: np.ndarray  # int64 local seconds of the clinical event
    night: np.ndarray  # int64 epoch day of the nightly load that brings it
    record: np.ndarray  # int64 record number within the plan (shared by one row's mentions)
    newborn: np.ndarray  # bool: the newborn of a delivery row (its mother is the row before)

    def __len__(self) -> int:
        return len(self.person)

    def take(self, rows: np.ndarray) -> Plan:
        return Plan(**{k: v[rows] for k, v in vars(self).items()})


def visits(world: World, who: np.ndarray, nights: np.ndarray, rng: np.random.Generator) -> Plan:
    """One visit per element of ``who`` (persons, repeated for several visits, sorted), on a
    night drawn from ``nights`` (epoch days)."""
    people = world.people
    night = nights[rng.integers(0, len(nights), len(who))]
    age = (night - people.birth[who]) / 365.25
    dataset = np.full(len(who), "hospital.patient", dtype=object)
    for group, shares in (
        ((age >= ADULT_YEARS), ADULT_VISITS),
        ((age < YOUNG_CHILD_YEARS), YOUNG_CHILD_VISITS),
    ):
        keys, p = list(shares), np.array(list(shares.values()))
        dataset[group] = np.array(keys, dtype=object)[rng.choice(len(keys), group.sum(), p=p)]
    org = np.zeros(len(who), np.int64)
    for name, slot in VISIT_SLOT.items():
        mine = dataset == name
        org[mine] = world.net[who[mine], slot]
    hospital = dataset == "hospital.patient"
    org[hospital] = _hospitals(world, who[hospital], age[hospital] < 14, rng)
    at = night * DAY + clinic_seconds(rng, len(who), 8.0, 17.0)
    return Plan(who, dataset, org, at, night, np.arange(len(who)), np.zeros(len(who), bool))


def _hospitals(
    world: World, who: np.ndarray, child: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The k-th hospital visit of a person goes to the k-th hospital of a random order of
    their network's hospitals, weighted by the outpatient slot probabilities (Gumbel top-k):
    a fifth visit returns to the first hospital, which registers the patient again."""
    _, first, inverse = np.unique(who, return_index=True, return_inverse=True)
    p = np.array([SLOT_P[("outpatient", False)], SLOT_P[("outpatient", True)]])
    weights = p[child[first].astype(int)]
    with np.errstate(divide="ignore"):  # a slot of weight 0 comes last
        keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1)
    rank = np.arange(len(who)) - first[inverse]  # ``who`` is sorted: visits of a person adjoin
    slot = np.array(HOSPITAL_SLOTS)[order[inverse, rank % len(HOSPITAL_SLOTS)]]
    return world.net[who, slot].astype(np.int64)


def families(world: World, known: np.ndarray, nights: np.ndarray, rng: np.random.Generator) -> Plan:
    """The delivery row (mother, then newborn) of every known baby born in the year before
    the first night to a known mother, and one maternal registration per such mother."""
    people = world.people
    mother = people.mother
    baby = np.flatnonzero(
        known
        & (mother >= 0)
        & (people.birth > nights[0] - INFANT_DAYS)
        & (people.birth <= nights[0])
    )
    baby = baby[known[mother[baby]]]
    mum = mother[baby]
    night = nights[rng.integers(0, len(nights), len(baby))]
    born = people.birth[baby] * DAY + rng.integers(0, DAY, len(baby))
    # a delivery row names two people: mother and newborn, with the same record number
    pair = np.arange(len(baby))
    delivery = Plan(
        person=np.column_stack([mum, baby]).ravel(),
        dataset=np.full(2 * len(baby), "mch.delivery", dtype=object),
        org=np.repeat(world.net[mum, DELIVERY].astype(np.int64), 2),
        at=np.repeat(born, 2),
        night=np.repeat(night, 2),
        record=np.repeat(pair, 2),
        newborn=np.tile([False, True], len(baby)),
    )
    mothers, first = np.unique(mum, return_index=True)
    lo, hi = REGISTERED_DAYS_BEFORE_BIRTH
    registered = (
        people.birth[baby[first]] - rng.integers(lo, hi, len(mothers))
    ) * DAY + clinic_seconds(rng, len(mothers), 8.5, 16.5)
    registration = Plan(
        person=mothers,
        dataset=np.full(len(mothers), "mch.maternal_registration", dtype=object),
        org=world.net[mothers, MCH_CARE].astype(np.int64),
        at=registered,
        night=night[first],
        record=len(baby) + np.arange(len(mothers)),
        newborn=np.zeros(len(mothers), bool),
    )
    return concat(delivery, registration)


def concat(*plans: Plan) -> Plan:
    """Plans one after another; record numbers are renumbered so they stay distinct."""
    offset, parts = 0, []
    for plan in plans:
        parts.append(Plan(**{**vars(plan), "record": plan.record + offset}))
        offset += int(plan.record.max()) + 1 if len(plan) else 0
    return Plan(**{k: np.concatenate([vars(p)[k] for p in parts]) for k in vars(plans[0])})


def arrivals(world: World, plan: Plan, rng: np.random.Generator) -> np.ndarray:
    """When each record reached the platform: the institution's upload lag after the event,
    but within its night (the bulk is what that night's extract found)."""
    night_start, night_end = plan.night * DAY, (plan.night + 1) * DAY - 1
    lagged = plan.at + upload_lag(world.inst, plan.org, rng)
    spread = night_start + rng.integers(0, DAY - 1, len(plan))
    return np.where((lagged >= night_start) & (lagged <= night_end), lagged, spread)
