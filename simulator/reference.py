"""The files written once per city: reference data and the static parts of the truth."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.clock import iso_dates
from simulator.config import load
from simulator.identity import Identity
from simulator.institutions import Institutions
from simulator.population import People
from simulator.writers import person_ids

ORIGINS = np.array(["local", "migrant", "permit", "foreigner"], dtype=object)


def write_all(
    root: Path,
    people: People,
    ident: Identity,
    inst: Institutions,
    start: date,
    days: int,
    rng: np.random.Generator,
) -> int:
    """Write reference/ and truth/ tables; returns the number of files."""
    (root / "reference").mkdir(parents=True, exist_ok=True)
    _csv(inst.reference, root / "reference" / "institutions.csv")
    _csv(population(people, start, days, rng), root / "reference" / "population.csv")
    _csv(inst.profiles(), root / "truth" / "institution_profiles.csv")
    _csv(persons(people, ident), root / "truth" / "person.csv")
    return 4


def population(people: People, start: date, days: int, rng: np.random.Generator) -> pd.DataFrame:
    """常住人口 per district and calendar year of the window: the simulated residents living
    there on the first day, off by a percent or two as the statistics bureau's figure is."""
    districts = load("places")["districts"]
    start_day = (start - date(1970, 1, 1)).days
    living = np.bincount(people.district[people.birth < start_day], minlength=len(districts))
    last = start + timedelta(days=days - 1)
    rows = []
    for year in range(start.year, last.year + 1):
        factor = rng.normal(1.0, 0.015, len(districts))
        for d, count, f in zip(districts, living, factor, strict=True):
            rows.append(
                {
                    "district_code": d["code"],
                    "district_name": d["name"],
                    "year": year,
                    "resident_population": round(count * f),
                }
            )
    return pd.DataFrame(rows)


def persons(people: People, ident: Identity) -> pd.DataFrame:
    """``truth/person.csv``: every simulated person as they really are (evaluation only)."""
    districts = np.array([d["code"] for d in load("places")["districts"]], dtype=object)
    mother = people.mother
    return pd.DataFrame(
        {
            "person_id": person_ids(np.arange(len(people))),
            "id_type": np.where(ident.passport, "03", "01"),
            "id_no": ident.id_no.to_numpy(zero_copy_only=False),
            "name": ident.name.to_numpy(zero_copy_only=False),
            "sex_code": people.sex.astype(str),
            "birth_date": iso_dates(people.birth),
            "district_code": districts[people.district],
            "origin": ORIGINS[people.origin],
            "mother_person_id": np.where(mother >= 0, person_ids(np.maximum(mother, 0)), ""),
            "newborn": people.newborn,
            "hypertension": people.htn,
            "diabetes": people.dm,
        }
    )


def _csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
