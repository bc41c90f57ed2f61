"""People and families: pyramid, migrants, twins, namesakes, nameless and ID-less newborns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kernel import idno
from simulator import SimConfig, SimulationSummary
from simulator.city import build_world

from .conftest import START


def _people(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "truth" / "person.csv", dtype=str, keep_default_na=False)


def test_population_looks_like_a_jiangsu_city() -> None:
    world = build_world(20_000, date(2026, 1, 1), 1, seed=3, cfg=SimConfig())
    people = world.people
    age = (world.start - people.birth[~people.newborn]) / 365.25
    # Suzhou 2020 census: about 17% aged 60+, 14% under 15, a fifth migrants
    assert 0.14 < (age >= 60).mean() < 0.21 and 0.11 < (age < 15).mean() < 0.17
    assert 0.17 < (people.origin == 1).mean() < 0.26
    assert 0.5 < (people.sex == 1).mean() < 0.54
    adults = age >= 60
    assert (
        0.25 < people.htn[: len(age)][adults].mean() < 0.6
        and people.dm[: len(age)][adults].mean() > 0.08
    )


def test_twins_share_mother_birth_date_and_consecutive_sequences(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, _ = small_city
    people = _people(root)
    kids = people[people["mother_person_id"] != ""]
    twins = kids.groupby(["mother_person_id", "birth_date"]).filter(lambda g: len(g) == 2)
    assert (
        len(twins) >= 4 and twins["newborn"].eq("True").any() and twins["newborn"].eq("False").any()
    )
    for _, pair in twins.groupby(["mother_person_id", "birth_date"]):
        first, second = sorted(pair["id_no"])
        assert first[:14] == second[:14]  # same address code and birth date
        assert 1 <= int(second[14:17]) - int(first[14:17]) <= 2


def test_namesakes_are_different_people_with_the_same_name_and_birth_date(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, _ = small_city
    people = _people(root)
    same = people.groupby(["name", "birth_date"]).filter(lambda g: len(g) > 1)
    assert same["id_no"].is_unique and same.groupby(["name", "birth_date"]).ngroups >= 4


def test_newborns_appear_nameless_and_without_id(
    small_city: tuple[Path, SimulationSummary], delivered: dict[str, pd.DataFrame]
) -> None:
    root, _ = small_city
    truth = pd.read_csv(root / "truth" / "record_person.csv", dtype=str)
    newborns = set(_people(root).query("newborn == 'True'")["person_id"])
    vaccinated = delivered["vaccination.dose"].merge(
        truth[truth["source"] == "vaccination"],
        left_on=["_org", "record_id"],
        right_on=["org_code", "record_id"],
    )
    babies = vaccinated[vaccinated["person_id"].isin(newborns)]
    assert len(babies) and (babies["recipient_id_no"].fillna("") == "").mean() > 0.5
    assert (babies["guardian_name"].fillna("") != "").all()  # reached through the mother
    births = delivered["mch.delivery"]
    assert (
        births["baby_name"].eq("").any()
        and births["baby_name"].str.endswith(("之子", "之女")).any()
    )
    checkups = delivered["mch.child_checkup"]
    assert checkups["child_id_no"].eq("").any() and checkups["mother_id_no"].ne("").any()


def test_elderly_sometimes_carry_legacy_numbers(delivered: dict[str, pd.DataFrame]) -> None:
    ids = pd.concat(
        [delivered["hospital.patient"]["id_no"], delivered["checkup.visit"]["id_no"]]
    ).dropna()
    legacy = ids[ids.str.fullmatch(r"\d{15}")]
    assert len(legacy)
    born = pd.to_datetime(legacy.map(idno.from_legacy15).map(idno.birth_date))
    assert (born.dt.year < 1960).all()


def test_people_use_a_few_institutions_near_home(
    small_city: tuple[Path, SimulationSummary],
) -> None:
    root, _ = small_city
    truth = pd.read_csv(root / "truth" / "record_person.csv", dtype=str)
    people = _people(root).set_index("person_id")
    orgs = truth.groupby("person_id")["org_code"].nunique()
    assert orgs.max() <= 6 and (orgs >= 2).any()
    home = people.loc[truth["person_id"], "district_code"].to_numpy()
    assert np.mean(truth["org_code"].str[:6].to_numpy() == home) > 0.6


def test_window_start_is_respected(delivered: dict[str, pd.DataFrame]) -> None:
    admitted = pd.to_datetime(delivered["hospital.encounter"]["admit_time"].str[:10])
    assert admitted.min().date() >= START
