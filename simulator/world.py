"""The simulated world one day's generators share: people, institutions, plans, counters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import SimConfig
from simulator.identity import Identity
from simulator.institutions import Institutions
from simulator.noise import Noise
from simulator.outbox import Outbox
from simulator.plans import Pregnancies, Schedule
from simulator.population import People

KINDS = (
    "patient",
    "encounter",
    "diagnosis",
    "prescription",
    "lab_result",
    "exam_report",
    "vaccination",
    "mch",
    "checkup",
    "certificate",
)


class Counters:
    """Per-institution running numbers for record identifiers (deterministic, gap-free)."""

    def __init__(self, n_orgs: int, rng: np.random.Generator) -> None:
        # systems have been running for years: numbering starts somewhere in the thousands
        self.next = rng.integers(1_000, 400_000, (n_orgs, len(KINDS))).astype(np.int64)

    def take(self, kind: str, org: np.ndarray) -> np.ndarray:
        """The next numbers of ``kind`` for each row's institution, in row order."""
        k = KINDS.index(kind)
        org = np.asarray(org, np.int64)
        order = np.argsort(org, kind="stable")
        sorted_org = org[order]
        starts = np.r_[0, np.flatnonzero(sorted_org[1:] != sorted_org[:-1]) + 1]
        rank_sorted = np.arange(len(org)) - np.repeat(starts, np.diff(np.r_[starts, len(org)]))
        rank = np.empty(len(org), np.int64)
        rank[order] = rank_sorted
        numbers = self.next[org, k] + rank + 1
        np.add.at(self.next[:, k], org, 1)
        return numbers


def ids(prefix: str | np.ndarray, numbers: np.ndarray, width: int | np.ndarray) -> np.ndarray:
    """Record identifiers such as ``E000000123`` (prefix and width may vary per row)."""
    text = np.asarray(numbers).astype(str).astype(object)
    width = np.broadcast_to(width, len(text))
    padded = [t.zfill(int(w)) for t, w in zip(text, width, strict=True)]
    return (np.asarray(prefix, dtype=object) + np.array(padded, dtype=object)).astype(object)


def upload_lag(inst: Institutions, org: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Seconds from a clinical event to its upload: the institution's usual hours, plus one or
    more days for its share of late uploads."""
    late = rng.random(len(org)) < inst.rate("late_share", org)
    hours = rng.exponential(inst.rate("lag_hours", org)) * 3600
    return (hours + late * (1 + rng.exponential(inst.rate("late_days", org))) * 86_400).astype(
        np.int64
    )


@dataclass
class World:
    start: int  # epoch day of the first simulated day
    days: int
    seed: int
    cfg: SimConfig
    people: People
    ident: Identity
    inst: Institutions
    net: np.ndarray  # (people, slot) institution index
    noise: Noise
    outbox: Outbox
    counters: Counters
    preg: Pregnancies
    maternal: Schedule
    vaccinations: Schedule
    child_checkups: Schedule
