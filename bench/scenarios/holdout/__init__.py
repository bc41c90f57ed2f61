"""A holdout city for the record-linkage model, written from domain knowledge alone.

It was written without reading the linkage model, its standardisation, the simulator or the other
scenario generators: only ``spec/SOURCES.md``, ``spec/STANDARDS.md``, ``DESIGN.md``, the source
contracts in ``schemas/`` and the writer :mod:`bench.scenarios.deliver`. Its damage and its rates
(documented in :mod:`.rates` and in each module) come from how Suzhou-area HIS, 免疫规划, 妇幼 and
体检 systems really record people, so that a measurement on it tests the model rather than
mirroring the data the model was tuned on.

At 45 nights (seed 11): 4,683 people in 1,440 households (3,291 of them with records; the others
appear only as guardians or not at all), birth-heavy (~360 deliveries, 36 twin/triplet sets),
8,207 person mentions in 35 institutions of the ten Suzhou districts: hospital front-end SQLite
(patient, encounter, diagnosis, prescription), vaccination JSON Lines, the five MCH CSVs and GBK
checkup CSVs, plus ``truth/`` (``record_person``, ``persons``, ``mother_child``, ``damage``,
``kinds``). Everything is seeded: the same arguments give byte-identical files.

Modules: :mod:`.rates` (every rate and why), :mod:`.names`, :mod:`.ids`, :mod:`.people`
(households), :mod:`.orgs` (institutions), :mod:`.damage`, :mod:`.context`, one module per source
(:mod:`.hospital` with :mod:`.hospital_plan`, :mod:`.vaccination`, :mod:`.mch`, :mod:`.checkup`) and
:mod:`.city` (truth).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench.scenarios.holdout.city import build, summary

__all__ = ["build_holdout", "holdout_summary"]


def build_holdout(
    root: Path, days: int = 45, start: date = date(2026, 5, 1), seed: int = 11
) -> Path:
    """Write the holdout city as a sources root under ``root`` and return ``root``.

    Run it with ``healtharchive run --sources ROOT --date START --through START+days-1``."""
    return build(Path(root), days, start, seed)[0]


def holdout_summary(
    root: Path, days: int = 45, start: date = date(2026, 5, 1), seed: int = 11
) -> dict:
    """Build like :func:`build_holdout` and return its counts (persons, mentions, damage)."""
    return summary(build(Path(root), days, start, seed)[1])
