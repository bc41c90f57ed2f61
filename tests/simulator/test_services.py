"""Clinical realism: lab flags, stays, schedules, and values that follow the person."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from simulator import SimConfig
from simulator.checkup import Checkups
from simulator.city import build_world
from simulator.config import load
from simulator.plans import BIRTH, POSTPARTUM, PRENATAL, REGISTRATION


@pytest.fixture(scope="module")
def year_world():
    """Plans for a whole year of a 3,000-resident city (no files written)."""
    return build_world(3000, date(2026, 1, 1), 365, seed=9, cfg=SimConfig())


def test_lab_flags_agree_with_values_and_ranges(delivered: dict[str, pd.DataFrame]) -> None:
    labs = delivered["hospital.lab_result"]
    bounds = labs["ref_range"].str.split("-", expand=True).astype(float)
    value = labs["value"].astype(float)
    expected = np.where(value > bounds[1], "H", np.where(value < bounds[0], "L", "N"))
    assert (labs["abnormal_flag"] == expected).all()
    assert set(labs["abnormal_flag"]) == {"H", "L", "N"}


def test_rows_follow_their_events(delivered: dict[str, pd.DataFrame]) -> None:
    enc = delivered["hospital.encounter"]
    assert set(enc["encounter_type"]) == {"outpatient", "emergency", "inpatient"}
    left = enc.dropna(subset=["discharge_time"])
    assert (left["discharge_time"] > left["admit_time"]).all()
    assert (
        enc["updated_at"] >= enc["admit_time"]
    ).all()  # same +08:00 offset: text order is time order
    vacc = delivered["vaccination.dose"]
    assert (vacc["exported_at"] >= vacc["vaccinated_at"]).all()
    dx = delivered["hospital.diagnosis"]
    assert dx.groupby(["_org", "encounter_id"])["is_primary"].sum().max() == 1


def test_childhood_doses_come_in_order(year_world) -> None:
    plan = pd.DataFrame(year_world.vaccinations.columns)
    assert len(plan) > 300  # ~200 children under 7, ~3 doses a year each
    gaps = (
        plan.sort_values(["person", "vaccine", "dose"])
        .groupby(["person", "vaccine"])["day"]
        .diff()
        .dropna()
    )
    assert (gaps >= 28).all()
    schedule = load("services")["child_schedule"]
    birth_doses = {
        (list(load("services")["vaccines"]).index(v), d) for v, d, age in schedule if age == 0
    }
    births = plan[
        [(v, d) in birth_doses for v, d in zip(plan["vaccine"], plan["dose"], strict=True)]
    ]
    newborn = year_world.people.newborn[births["person"]]
    assert (births["day"][newborn] == year_world.people.birth[births["person"][newborn]]).all()


def test_pregnancy_care_comes_in_order(year_world) -> None:
    plan = pd.DataFrame(year_world.maternal.columns)
    first = plan.groupby(["preg", "kind"])["day"].min().unstack()
    last = plan.groupby(["preg", "kind"])["day"].max().unstack()
    full = first.dropna(subset=[REGISTRATION, BIRTH])
    assert len(full) >= 5
    assert (full[REGISTRATION] < full[BIRTH]).all()
    assert (last[PRENATAL].reindex(full.index).fillna(-1) < full[BIRTH]).all()
    after = first.dropna(subset=[BIRTH, POSTPARTUM])
    assert (after[POSTPARTUM] > after[BIRTH]).all()
    twins = plan[(plan["kind"] == BIRTH)].groupby("preg").size()
    assert twins.max() <= 2


def test_checkup_values_follow_chronic_conditions(year_world) -> None:
    people = year_world.people
    adults = np.flatnonzero((year_world.start - people.birth) > 40 * 365)
    values = Checkups(year_world)._measures(adults, year_world.start, np.random.default_rng(0))
    htn, dm = people.htn[adults], people.dm[adults]
    assert values["systolic_bp"][htn].mean() > values["systolic_bp"][~htn].mean() + 15
    assert values["fasting_glucose"][dm].mean() > values["fasting_glucose"][~dm].mean() + 2
    assert np.median(values["fasting_glucose"][~dm]) < 6.1
    assert pd.Series(values["conclusion"][htn]).str.contains("高血压").all()


def test_chronic_patients_get_their_diagnoses(delivered: dict[str, pd.DataFrame]) -> None:
    dx = delivered["hospital.diagnosis"]
    codes = dx["icd10_code"].str[:3]
    assert {"I10", "E11"} <= set(codes)
    assert dx.loc[codes == "I10", "is_primary"].isin([0, 1]).all()
    # a quarter of hospitals write the national clinical edition (I10.x00), the rest plain ICD-10
    assert dx["icd10_code"].str.fullmatch(r"[A-Z]\d{2}(\.\d{1,2})?").mean() > 0.5
