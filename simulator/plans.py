"""Scheduled care, planned up front: pregnancies, childhood vaccination, child checkups.

These events follow a person's own clock (weeks of pregnancy, months of age), so they are
planned once for the window as compact integer tables and handed out day by day by
:class:`Schedule`; their clinical details are filled in on the day they happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.clock import DAY
from simulator.config import SimConfig, load, weighted
from simulator.institutions import CHC, DELIVERY, MCH_CARE
from simulator.population import FOREIGNER, People

REGISTRATION, PRENATAL, BIRTH, POSTPARTUM = range(4)
MODES = ("vaginal", "cesarean", "assisted")


class Schedule:
    """Integer columns sorted by ``day`` (epoch day); :meth:`on` gives one simulated day."""

    def __init__(self, columns: dict[str, np.ndarray], start: int, days: int) -> None:
        order = np.argsort(columns["day"], kind="stable")
        self.columns = {k: np.asarray(v)[order] for k, v in columns.items()}
        self.bounds = np.searchsorted(self.columns["day"], start + np.arange(days + 1))

    def on(self, t: int) -> dict[str, np.ndarray]:
        lo, hi = self.bounds[t], self.bounds[t + 1]
        return {k: v[lo:hi] for k, v in self.columns.items()}

    def __len__(self) -> int:
        return len(self.columns["day"])


@dataclass
class Pregnancies:
    mother: np.ndarray  # int64 person
    lmp: np.ndarray  # epoch day of the last menstrual period
    delivery: np.ndarray  # int64 local seconds of the birth
    weeks: np.ndarray  # completed gestational weeks at birth
    mode: np.ndarray  # index into MODES
    twins: np.ndarray  # bool
    baby: np.ndarray  # (n, 2) person numbers of the babies, -1 none (set by the caller)

    def __len__(self) -> int:
        return len(self.mother)


def pregnancies(
    people: People, start: int, days: int, rng: np.random.Generator, cfg: SimConfig
) -> Pregnancies:
    """Pregnancies whose care touches the window: births from two months before its start to
    ten months after its end, at the city's birth rate, mothers by age-specific fertility."""
    spec = load("services")["pregnancy"]
    rate = cfg.birth_rate if cfg.birth_rate is not None else spec["birth_rate"]
    first, last = start - 60, start + days + 300
    age = (start - people.birth) / 365.25
    women = np.flatnonzero(
        (people.sex == 2) & (age >= 20) & (age < 45) & (people.origin != FOREIGNER)
    )
    lows = np.array(sorted(spec["fertility_by_age"]))
    weight = np.array([spec["fertility_by_age"][k] for k in lows])[
        np.searchsorted(lows, age[women], "right") - 1
    ]
    count = min(rng.poisson(rate * len(people) * (last - first) / 365.25), len(women))
    mother = (
        np.sort(rng.choice(women, count, replace=False, p=weight / weight.sum()))
        if count
        else women[:0]
    )
    twin_share = cfg.twin_share if cfg.twin_share is not None else spec["twin_share"]
    twins = rng.random(count) < twin_share
    weeks = np.clip(np.round(rng.normal(39.2, 1.2, count)) - 2 * twins, 33, 42).astype(np.int64)
    birth_day = rng.integers(first, last, count)
    modes, p = weighted(spec["delivery_mode"])
    return Pregnancies(
        mother=mother.astype(np.int64),
        lmp=birth_day - weeks * 7 - rng.integers(0, 7, count),
        delivery=birth_day * DAY + rng.integers(0, DAY, count),
        weeks=weeks,
        mode=np.array([MODES.index(m) for m in modes])[rng.choice(len(modes), count, p=p)],
        twins=twins,
        baby=np.full((count, 2), -1, np.int64),
    )


def maternal(
    preg: Pregnancies, net: np.ndarray, start: int, days: int, rng: np.random.Generator
) -> Schedule:
    """Registration, prenatal visits, births (one row per baby) and postpartum visits."""
    spec = load("services")["pregnancy"]
    n, idx = len(preg), np.arange(len(preg))
    mother, care, hosp = preg.mother, net[preg.mother, MCH_CARE], net[preg.mother, DELIVERY]
    birth_day = preg.delivery // DAY
    parts = [
        _rows(
            REGISTRATION, idx, preg.lmp + rng.integers(*spec["registration_weeks"], n) * 7, care, 0
        )
    ]
    for week in spec["prenatal_weeks"]:
        keep = (week < preg.weeks) & (rng.random(n) >= spec["prenatal_skip_share"])
        day = preg.lmp + week * 7 + rng.integers(-3, 4, n)
        parts.append(
            _rows(PRENATAL, idx[keep], day[keep], np.where(week < 24, care, hosp)[keep], week)
        )
    for twin in (0, 1):
        has = preg.baby[:, twin] >= 0
        parts.append(_rows(BIRTH, idx[has], birth_day[has], hosp[has], twin))
    for after in spec["postpartum_days"]:
        keep = rng.random(n) >= spec["postpartum_skip_share"]
        day = birth_day + after + rng.integers(-2, 3, n)
        parts.append(_rows(POSTPARTUM, idx[keep], day[keep], care[keep], 0))
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    columns["person"] = mother[columns["preg"]]
    return Schedule(_window(columns, start, days), start, days)


def _rows(
    kind: int, preg: np.ndarray, day: np.ndarray, org: np.ndarray, detail: int | np.ndarray
) -> dict[str, np.ndarray]:
    n = len(preg)
    return {
        "kind": np.full(n, kind),
        "preg": preg,
        "day": np.asarray(day, np.int64),
        "org": np.asarray(org, np.int64),
        "detail": np.broadcast_to(detail, n).astype(np.int64),
    }


def _window(columns: dict[str, np.ndarray], start: int, days: int) -> dict[str, np.ndarray]:
    inside = (columns["day"] >= start) & (columns["day"] < start + days)
    return {k: v[inside] for k, v in columns.items()}


def child_vaccinations(
    people: People, net: np.ndarray, start: int, days: int, rng: np.random.Generator
) -> Schedule:
    """The national schedule for every child under 7: dose ``detail`` of ``vaccine``, given a
    few days (sometimes weeks) after it is due, never sooner than 28 days after the last dose
    of the same vaccine; birth doses at the delivery hospital on the day of birth."""
    spec = load("services")
    delay = spec["vaccination_delay_days"]
    vaccines = list(spec["vaccines"])
    kids = np.flatnonzero((people.birth > start + days - 7 * 365) & (people.birth < start + days))
    last: dict[str, np.ndarray] = {}
    parts = []
    for vaccine, dose, age in spec["child_schedule"]:
        n = len(kids)
        late = rng.random(n) < delay["late_share"]
        lag = np.where(
            late, rng.exponential(delay["late_mean"], n), rng.exponential(delay["mean"], n)
        )
        day = people.birth[kids] + age + (lag.astype(np.int64) if age else 0)
        if vaccine in last:
            day = np.maximum(day, last[vaccine] + delay["min_gap"])
        last[vaccine] = day
        org = net[kids, DELIVERY] if age == 0 else net[kids, CHC]
        parts.append(
            {
                "person": kids,
                "day": day,
                "org": org.astype(np.int64),
                "vaccine": np.full(n, vaccines.index(vaccine)),
                "dose": np.full(n, dose),
            }
        )
    columns = {
        k: np.concatenate([p[k] for p in parts])
        for k in ("person", "day", "org", "vaccine", "dose")
    }
    return Schedule(_window(columns, start, days), start, days)


def child_checkups(
    people: People, net: np.ndarray, start: int, days: int, rng: np.random.Generator
) -> Schedule:
    """Child health checkups at 1, 3, 6, 8, 12, 18, 24, 30 months and 3–6 years (some skipped)."""
    spec = load("services")
    kids = np.flatnonzero((people.birth > start + days - 7 * 365) & (people.birth < start + days))
    parts = []
    for age in spec["child_checkup_ages_days"]:
        keep = kids[rng.random(len(kids)) >= spec["child_checkup"]["skip_share"]]
        day = (
            people.birth[keep]
            + age
            + rng.exponential(spec["child_checkup"]["delay_mean_days"], len(keep)).astype(np.int64)
        )
        parts.append({"person": keep, "day": day, "org": net[keep, MCH_CARE].astype(np.int64)})
    columns = {k: np.concatenate([p[k] for p in parts]) for k in ("person", "day", "org")}
    return Schedule(_window(columns, start, days), start, days)
