"""``simulate_city``: build the world, then stream it to disk one simulated day at a time.

The whole tree is built in a hidden sibling folder and swapped into place at the end, so a
crash never leaves a half-written city and a rerun replaces the previous one.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from kernel.atomic import replace_dir
from simulator import identity, institutions, plans, population, reference
from simulator.checkup import Checkups
from simulator.clock import DAY, epoch_day
from simulator.config import SimConfig, day_rng
from simulator.hospital import Hospitals
from simulator.institutions import CHC, DELIVERY, MCH_CARE, SECONDARY
from simulator.mch import Mch
from simulator.noise import Noise
from simulator.outbox import Outbox
from simulator.vaccination import Vaccination
from simulator.world import Counters, World
from simulator.writers import Deliveries

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
# random streams: one per stage, so that stages do not disturb each other's draws
POPULATION, PREGNANCY, INSTITUTIONS, NETWORK, IDENTITY, PLANS, OUTAGES, REFERENCE, COUNTERS = range(
    1, 10
)
GENERATORS = 20


@dataclass(frozen=True)
class SimulationSummary:
    residents: int  # residents on the first day
    newborns: int  # babies of simulated pregnancies (born before the window's end)
    institutions: int
    days: int
    files: int
    rows: dict[str, int]  # rows delivered per source (re-deliveries included)
    rows_by_dataset: dict[str, int] = field(default_factory=dict)
    person_mentions: int = 0  # rows of truth/record_person.csv
    seconds: float = 0.0


def simulate_city(
    out: Path,
    residents: int,
    start: date,
    days: int,
    seed: int,
    progress: Progress | None = None,
    *,
    config: SimConfig | None = None,
) -> SimulationSummary:
    """Write a simulated city's sources under ``out`` per spec/SOURCES.md, with ``truth/``.

    Same arguments, same bytes. ``progress(stage, done, total)`` is called as stages advance.
    """
    began = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    out = Path(out)
    _check_target(out)
    build = out.parent / f".{out.name}.building"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    try:
        world = build_world(residents, start, days, seed, config or SimConfig(), report)
        deliveries = Deliveries(build, world.inst)
        try:
            _run_days(world, deliveries, start, report)
        finally:
            deliveries.close()
        files = reference.write_all(
            build, world.people, world.ident, world.inst, start, days, day_rng(seed, REFERENCE, 0)
        )
        replace_dir(out, build)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    summary = _summary(world, deliveries, residents, files, time.perf_counter() - began)
    log.info(
        "simulated %d residents × %d days: %d files, %d person mentions in %.1f s",
        residents,
        days,
        summary.files,
        summary.person_mentions,
        summary.seconds,
    )
    return summary


def _check_target(out: Path) -> None:
    """Refuse to replace a folder that is not a simulated city (it would be deleted)."""
    if out.exists() and any(out.iterdir()) and not (out / "truth" / "record_person.csv").exists():
        raise FileExistsError(
            f"{out} exists and is not a simulated city; choose an empty or new folder"
        )


def build_world(
    residents: int,
    start: date,
    days: int,
    seed: int,
    cfg: SimConfig,
    report: Progress | None = None,
) -> World:
    """People, institutions, care networks, identities and plans for the window."""
    report = report or (lambda stage, done, total: None)
    first = epoch_day(start)
    steps = 6
    report("population", 0, steps)
    people = population.residents(residents, first, day_rng(seed, POPULATION, 0), cfg)
    preg = plans.pregnancies(people, first, days, day_rng(seed, PREGNANCY, 0), cfg)
    people = _add_babies(people, preg, first + days, day_rng(seed, PREGNANCY, 1))
    report("population", 1, steps)
    inst = institutions.build(day_rng(seed, INSTITUTIONS, 0))
    net = institutions.networks(people, inst, day_rng(seed, NETWORK, 0))
    kids = np.flatnonzero(people.mother >= 0)
    for slot in (CHC, SECONDARY, DELIVERY, MCH_CARE):  # children are taken where their mother goes
        net[kids, slot] = net[people.mother[kids], slot]
    report("population", 2, steps)
    ident = identity.build(people, first, day_rng(seed, IDENTITY, 0), cfg, fixed=preg.mother)
    report("population", 4, steps)
    rng = day_rng(seed, PLANS, 0)
    world = World(
        start=first,
        days=days,
        seed=seed,
        cfg=cfg,
        people=people,
        ident=ident,
        inst=inst,
        net=net,
        noise=Noise(inst, cfg.noise_scale),
        outbox=Outbox(first, days, institutions.next_open(inst, days, day_rng(seed, OUTAGES, 0))),
        counters=Counters(len(inst), day_rng(seed, COUNTERS, 0)),
        preg=preg,
        maternal=plans.maternal(preg, net, first, days, rng),
        vaccinations=plans.child_vaccinations(people, net, first, days, rng),
        child_checkups=plans.child_checkups(people, net, first, days, rng),
    )
    report("population", steps, steps)
    return world


def _add_babies(
    people: population.People, preg: plans.Pregnancies, end: int, rng: np.random.Generator
) -> population.People:
    """Babies born before the window ends become people; ``preg.baby`` points at them."""
    born = np.flatnonzero(preg.delivery // DAY < end)
    twin = born[preg.twins[born]]
    which = np.concatenate([born, twin])
    slot = np.concatenate([np.zeros(len(born), int), np.ones(len(twin), int)])
    order = np.lexsort((slot, which))
    which, slot = which[order], slot[order]
    first_new = len(people)
    preg.baby[which, slot] = first_new + np.arange(len(which))
    sexes = np.where(rng.random(len(which)) < 0.515, 1, 2)
    return population.with_newborns(
        people, preg.mother[which], preg.delivery[which] // DAY, sexes, rng
    )


def _run_days(world: World, deliveries: Deliveries, start: date, report: Progress) -> None:
    generators = (Hospitals(world), Vaccination(world), Mch(world), Checkups(world))
    for t in range(world.days):
        for stream, generator in enumerate(generators):
            generator.day(t, day_rng(world.seed, GENERATORS + stream, t))
        deliveries.write_day(start + timedelta(days=t), world.outbox.take(t))
        report("days", t + 1, world.days)


def _summary(
    world: World, deliveries: Deliveries, residents: int, files: int, seconds: float
) -> SimulationSummary:
    by_source: dict[str, int] = {}
    for dataset, rows in sorted(deliveries.rows.items()):
        by_source[dataset.split(".")[0]] = by_source.get(dataset.split(".")[0], 0) + rows
    return SimulationSummary(
        residents=residents,
        newborns=int(world.people.newborn.sum()),
        institutions=len(world.inst),
        days=world.days,
        files=deliveries.files + files,
        rows=by_source,
        rows_by_dataset=dict(sorted(deliveries.rows.items())),
        person_mentions=deliveries.mentions,
        seconds=round(seconds, 2),
    )
