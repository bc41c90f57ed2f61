"""The night's extract in units: one institution's deliveries of one source system.

A unit is what one Airflow mapped task extracts (``dags/nightly_archive.py``) and what one
failure costs: a hospital whose database does not answer, a clinic whose file breaks its
contract. The units of night D are the institutions the reference lists for each system, plus
any hospital database or file drop found from an institution it does not list (read all the
same, with a note: see ``deliveries``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.extract.connectors import frontends
from pipelines.extract.deliveries import (
    contracts_of,
    discovered_orgs,
    expected_orgs,
    institutions,
)
from pipelines.extract.errors import ExtractError
from pipelines.extract.outcomes import Delivery

SYSTEMS = ("hospital", "vaccination", "mch", "checkup")
FILE_KINDS = {"csv", "jsonl"}


@dataclass(frozen=True)
class Unit:
    """One institution's deliveries of one source system, e.g. ``mch/320583-C001``."""

    system: str
    org_code: str

    def __str__(self) -> str:
        return f"{self.system}/{self.org_code}"

    @classmethod
    def parse(cls, text: str) -> Unit:
        system, sep, org = str(text).partition("/")
        if not sep or system not in SYSTEMS or not org or "/" in org:
            raise ExtractError(f"{text!r} is not an extract unit (<system>/<org_code>)")
        return cls(system, org)

    @property
    def order(self) -> tuple[int, str]:
        return SYSTEMS.index(self.system), self.org_code


def plan_units(sources: Path, day: date) -> list[Unit]:
    """Every unit night ``day`` extracts, hospitals first, each system by org code."""
    orgs = institutions(sources)
    hospitals = frontends(sources, expected_orgs(orgs, "hospital"))
    units = {Unit("hospital", f.org_code) for f in hospitals}
    for c in contracts_of(FILE_KINDS):
        found = expected_orgs(orgs, c.source) | discovered_orgs(sources, c, day)
        units |= {Unit(c.source, org) for org in found}
    return sorted(units, key=lambda u: u.order)


def unit_deliveries(sources: Path, day: date, unit: Unit) -> list[Delivery]:
    """What a unit delivers, named as its outcomes name it: every front-end table of a
    hospital, every dataset of a file-drop system."""
    if unit.system == "hospital":
        label = next((f.label for f in frontends(sources, {unit.org_code})
                      if f.org_code == unit.org_code),
                     f"hospital/{unit.org_code}/frontend.sqlite")  # fmt: skip
        return [Delivery(c, unit.org_code, f"{label}#{c.delivery['table']}", day)
                for c in contracts_of({"frontend_table"})]  # fmt: skip
    return [
        Delivery(c, unit.org_code,
                 c.delivery["path"].format(date=day.isoformat(), org_code=unit.org_code), day)
        for c in contracts_of(FILE_KINDS)
        if c.source == unit.system
    ]  # fmt: skip
