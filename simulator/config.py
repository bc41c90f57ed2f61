"""Simulator settings: the data files under ``data/`` and the few knobs a caller may turn.

Everything that describes the city (places, names, clinical content, schedules, data-quality
rates) is data in ``simulator/data/*.yaml``; code reads it through :func:`load`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

DATA = Path(__file__).parent / "data"
HOSPITAL_TABLES = ("patient", "encounter", "diagnosis", "prescription", "lab_result", "exam_report")
MCH_TYPES = (
    "maternal_registration",
    "prenatal_visit",
    "delivery",
    "postpartum_visit",
    "child_checkup",
)


@cache
def load(name: str) -> dict[str, Any]:
    """One data file, e.g. ``load("names")`` for ``data/names.yaml``."""
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SimConfig:
    """Knobs on top of the data files; the defaults are the realistic city.

    ``noise_scale`` multiplies every identity-damage rate (0 gives clean mentions);
    ``birth_rate`` (births per resident-year) and ``twin_share`` let tests see families in a
    tiny city, where a realistic birth rate yields almost no deliveries in a few days.
    """

    noise_scale: float = 1.0
    birth_rate: float | None = None
    twin_share: float | None = None
    namesake_share: float | None = None


def weighted(mapping: dict[Any, float]) -> tuple[list[Any], np.ndarray]:
    """Keys and normalised probabilities of a ``{value: weight}`` mapping, in file order."""
    keys = list(mapping)
    weights = np.array([float(mapping[k]) for k in keys])
    return keys, weights / weights.sum()


def day_rng(seed: int, stream: int, day: int) -> np.random.Generator:
    """An independent generator per (seed, stream, day): stages never share a random stream,
    so changing one stage's draws leaves the others' output unchanged."""
    return np.random.default_rng(np.random.SeedSequence([seed, stream, day]))
