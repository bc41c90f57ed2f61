"""A bulk city: the simulator's world, mentioned night by night in standardised mentions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from simulator.bulk.delivered import raw_tables
from simulator.bulk.lake import standardise
from simulator.bulk.plan import Plan, arrivals, concat, families, visits
from simulator.city import build_world
from simulator.clock import epoch_day
from simulator.config import SimConfig, day_rng, load
from simulator.world import World
from simulator.writers import person_ids

# Random streams beside simulator.city's (1–9 and 20–23): who is mentioned where, and what
# the records say. One generator per (stream, night), so the nights do not disturb each other.
PLAN, DELIVERED = 40, 41
# The small city of tests and training: namesakes and twins often enough to be seen among a
# few thousand people, every institution at the typical tier's rates (see ``typical``).
SMALL = SimConfig(twin_share=0.05, namesake_share=0.01)


@dataclass
class BulkCity:
    """The world and its bulk nights so far. ``table`` holds the first nights' mentions
    (``std.person_mention`` columns plus ``person_id``); :func:`next_night` adds nights."""

    world: World = field(repr=False)
    table: pa.Table = field(repr=False)
    nights: list[date]
    known: np.ndarray = field(repr=False)  # bool per person: mentioned on some night so far
    person_ids: np.ndarray = field(repr=False)  # truth id per person number (``P00000042``)
    raw: dict[str, pa.Table] | None = field(default=None, repr=False)  # ``keep_raw``

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """``table`` as pandas (dates as ``datetime.date``, as ``pd.read_parquet`` gives)."""
        return self.table.to_pandas()


def bulk_city(
    persons: int,
    seed: int = 0,
    start: date = date(2024, 3, 1),
    *,
    nights: int = 1,
    per_person: float = 3.0,
    newcomers: float = 0.01,
    config: SimConfig | None = None,
    typical_institutions: bool = False,
    keep_raw: bool = False,
) -> BulkCity:
    """``persons`` residents (``build_world``: the people ``simulate_city`` would deliver with
    the same arguments) with about ``per_person`` mentions each, loaded over ``nights`` nights
    from ``start``. A share ``newcomers`` of them is kept back unmentioned: the new people of
    :func:`next_night`. ``typical_institutions`` gives every institution the base rates of
    ``data/profiles.yaml`` (times ``config.noise_scale``), so expected damage is known;
    ``keep_raw`` keeps the raw tables the mentions were standardised from (``raw``)."""
    world = build_world(persons, start, nights, seed, config or SimConfig())
    if typical_institutions:
        typical(world)
    first = epoch_day(start)
    days = first + np.arange(nights)
    rng = day_rng(seed, PLAN, first)
    known = (world.people.birth <= first) & (rng.random(len(world.people)) >= newcomers)
    who = np.flatnonzero(known)
    counts = 1 + rng.poisson(max(per_person - 1, 0), len(who))
    plan = concat(
        visits(world, np.repeat(who, counts), days, rng), families(world, known, days, rng)
    )
    ids = person_ids(np.arange(len(world.people)))
    raw, table = _mentions(world, plan, ids, day_rng(seed, DELIVERED, first))
    dates = [start + timedelta(days=t) for t in range(nights)]
    return BulkCity(world, table, dates, known, ids, raw if keep_raw else None)


def bulk_mentions(
    persons: int, seed: int = 0, start: date = date(2024, 3, 1), **options: Any
) -> pd.DataFrame:
    """The mentions of :func:`bulk_city` (``options`` as there)."""
    return bulk_city(persons, seed, start, **options).mentions


def small_city(
    persons: int = 2000,
    seed: int = 0,
    start: date = date(2024, 3, 1),
    nights: int = 2,
    noise_scale: float = 1.0,
) -> BulkCity:
    """A few thousand people over ``nights`` nights for tests and training (``SMALL``, every
    damage rate times ``noise_scale``: a few thousand mentions see little damage otherwise)."""
    config = replace(SMALL, noise_scale=noise_scale)
    return bulk_city(persons, seed, start, nights=nights, config=config, typical_institutions=True)


def next_night(city: BulkCity, n: int, newcomers: float = 0.1) -> pd.DataFrame:
    """``n`` mentions loaded the night after the city's last: one new record each of people
    already mentioned (a hospital registers them again) and, a share ``newcomers`` of them,
    of people never mentioned before."""
    world, night = city.world, city.nights[-1] + timedelta(days=1)
    day = epoch_day(night)
    rng = day_rng(world.seed, PLAN, day)
    pool = np.flatnonzero(~city.known & (world.people.birth <= day))
    new = rng.choice(pool, min(round(n * newcomers), len(pool)), replace=False)
    seen = rng.choice(np.flatnonzero(city.known), n - len(new))
    plan = visits(world, np.sort(np.concatenate([seen, new])), np.array([day]), rng)
    _, mentions = _mentions(world, plan, city.person_ids, day_rng(world.seed, DELIVERED, day))
    city.known[new] = True
    city.nights.append(night)
    return mentions.to_pandas()


def typical(world: World) -> None:
    """Every institution at the typical tier: each rate its ``base`` (capped), no jitter."""
    inst, rates = world.inst, load("profiles")["rates"]
    inst.tier[:] = "typical"
    inst.sloppiness[:] = 1.0
    inst.rates = pd.DataFrame(
        {name: np.full(len(inst), min(r["base"], r["cap"])) for name, r in rates.items()}
    )


def _mentions(
    world: World, plan: Plan, ids: np.ndarray, rng: np.random.Generator
) -> tuple[dict[str, pa.Table], pa.Table]:
    """The plan's raw tables, and the std.person_mention rows standardised from them."""
    raw, truth = raw_tables(world, plan, arrivals(world, plan, rng), ids, rng)
    return raw, standardise(raw, truth)
