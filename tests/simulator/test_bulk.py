"""Bulk mentions: the contract's rows, made by the standardise stage from what the sources
would deliver, at the damage rates of the institutions' profiles; same seed, same rows."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from kernel import idno
from schemas.contracts import contract
from schemas.tables import conform
from simulator import SimConfig, simulate_city
from simulator.bulk import BulkCity, bulk_city, next_night, small_city, write_std
from simulator.clock import epoch_day, years
from simulator.config import load
from simulator.population import FOREIGNER

START = date(2024, 3, 1)
NOISE = 4.0  # every damage rate × 4: each kind occurs often enough among 3,000 people


@pytest.fixture(scope="module")
def city() -> BulkCity:
    config = SimConfig(noise_scale=NOISE)
    return bulk_city(
        3000, seed=4, start=START, nights=2, config=config, typical_institutions=True, keep_raw=True
    )


def _rate(name: str) -> float:
    rule = load("profiles")["rates"][name]
    return min(rule["base"] * NOISE, rule["cap"])


def _persons(mentions: pd.DataFrame) -> np.ndarray:
    return mentions["person_id"].str[1:].astype(int).to_numpy()  # P00000042 → 42


def _delivered(city: BulkCity, dataset: str, record_id: str, role: str = "") -> pd.DataFrame:
    """One dataset's raw rows beside the std row of their mention of ``role`` (default: the
    first block's)."""
    assert city.raw is not None
    raw = city.raw[dataset].to_pandas()
    spec = contract(dataset)
    role = role or spec.person_mentions[0]["role"]
    raw["mention_id"] = (spec.source + ":" + raw["org_code"] + ":" + dataset + ":"
                         + raw[record_id] + ":" + role)  # fmt: skip
    return raw.merge(city.mentions, on="mention_id", suffixes=("_raw", ""))


def test_rows_follow_the_person_mention_contract(city: BulkCity, tmp_path: Path) -> None:
    table = city.table
    assert table.column_names[-1] == "person_id" and table["person_id"].null_count == 0
    conform(table.drop_columns(["person_id"]), "std.person_mention")  # raises on any drift
    spec = contract("std.person_mention")
    for column in spec.required:
        assert table[column].null_count == 0, column
    m = city.mentions
    assert m["mention_id"].is_unique and 8000 < len(m) < 10000  # about 3 per person
    assert set(m["role"]) == {"patient", "examinee", "recipient", "child", "mother", "newborn"}
    assert set(m["load_date"]) == {START, START + timedelta(days=1)}
    assert not pc.any(table["is_deleted"]).as_py()  # bulk nights delete nothing
    paths = write_std(table, tmp_path)
    assert [p.parent.name for p in paths] == ["date=2024-03-01", "date=2024-03-02"]
    assert sum(len(pd.read_parquet(p)) for p in paths) == len(m)


def test_the_standardise_stage_made_the_rows(city: BulkCity) -> None:
    rows = _delivered(city, "hospital.patient", "patient_id")
    delivered = rows["id_no_raw"].fillna("")
    # a 15-digit number (people born before 1960) comes out as its 18-digit form
    legacy = rows[delivered.str.fullmatch(r"[0-9]{15}")]
    assert len(legacy) > 20
    assert (legacy["id_no"] == legacy["id_no_raw"].map(idno.from_legacy15)).all()
    assert (legacy["id_damage"] == "legacy15").all() and legacy["id_no_valid"].all()
    # full-width digits are made half-width; the number is kept, and so is the damage found
    full = rows[
        delivered.str.contains("[０-９Ｘ]")
        & delivered.map(lambda v: idno.is_valid(idno.normalise(v)))
    ]
    assert len(full) > 5
    assert (full["id_no"] == full["id_no_raw"].map(idno.normalise)).all()
    assert set(full["id_damage"]) <= {"fullwidth", "legacy15"} and full["id_no_valid"].all()
    # a delivery register's baby written as <mother>之子 has no name, only the flag
    babies = _delivered(city, "mch.delivery", "record_id", "newborn")
    placeholder = babies[babies["baby_name"].fillna("").str.endswith(("之子", "之女"))]
    assert len(placeholder) > 0
    assert placeholder["name"].isna().all() and placeholder["name_is_placeholder"].all()
    # +86, dashes and spaces go; a landline written instead of the mobile is not a phone
    phones = rows["phone_raw"].fillna("")
    styled = rows[phones.str.startswith("+86") | phones.str.fullmatch(r"1\d\d[- ]\d{4}[- ]\d{4}")]
    assert len(styled) > 10 and styled["phone"].str.fullmatch(r"1\d{10}").all()
    assert rows.loc[phones.str.startswith("0512-"), "phone"].isna().all()
    # checkup centres write 男/女
    visits = _delivered(city, "checkup.visit", "exam_no")
    labels = visits["sex_label"].map({"男": "1", "女": "2"})
    assert (visits["sex_code"][labels.notna()] == labels.dropna()).all()


def _share(mask: pd.Series, expected: float) -> None:
    """The observed share is the expected rate within four binomial standard errors."""
    n = len(mask)
    assert n > 200
    assert abs(mask.mean() - expected) <= 4 * math.sqrt(expected * (1 - expected) / n) + 1e-3


def test_damage_rates_are_the_profiles(city: BulkCity) -> None:
    m = city.mentions[city.mentions["dataset"].isin(["hospital.patient", "checkup.visit"])]
    people = city.world.people
    person = _persons(m)
    born = years(people.birth[person])
    # adults with an 18-digit number: the clerk leaves it empty at the id_missing rate
    resident = (born < 2006) & (people.origin[person] != FOREIGNER)
    _share((m["id_damage"] == "empty")[resident], _rate("id_missing"))
    # someone born before 1960: a number not left empty is the 15-digit form at id_legacy15
    elderly = resident & (born < 1960) & (m["id_damage"] != "empty").to_numpy()
    _share((m["id_damage"] == "legacy15")[elderly], _rate("id_legacy15"))
    # sex recorded as unknown, 0 or 9 (a checkup centre's 性别 then stays empty)
    hospital = (m["dataset"] == "hospital.patient").to_numpy()
    _share(m["sex_code"].isin(["0", "9"])[hospital], _rate("sex_unknown"))
    # a phone is left empty (phone_missing), or written in another style, one in five of
    # which is a landline standardisation cannot keep (phone_format / 5)
    owns = (people.phone[person] > 0) & hospital
    missing, styled = _rate("phone_missing"), _rate("phone_format")
    _share(m["phone"].isna()[owns], missing + (1 - missing) * styled / 5)


def test_same_seed_same_rows_and_another_seed_others() -> None:
    first, again = small_city(400, seed=2, nights=1), small_city(400, seed=2, nights=1)
    assert first.table.equals(again.table)
    assert not first.table.equals(small_city(400, seed=3, nights=1).table)


def test_the_people_are_the_simulated_citys(tmp_path: Path) -> None:
    simulate_city(tmp_path / "city", 300, START, 2, seed=11)
    truth = pd.read_csv(tmp_path / "city" / "truth" / "person.csv", dtype=str)
    bulk = bulk_city(300, seed=11, start=START, nights=2)
    assert bulk.world.ident.id_no.to_pylist() == truth["id_no"].tolist()
    assert bulk.world.ident.name.to_pylist() == truth["name"].tolist()
    assert set(bulk.mentions["person_id"]) <= set(truth["person_id"])


def test_a_next_night_mentions_known_and_new_people() -> None:
    city = small_city(1000, seed=6, nights=1)
    before, last = set(city.mentions["person_id"]), city.nights[-1]
    night = next_night(city, 200)
    assert len(night) == 200 and set(night["load_date"]) == {last + timedelta(days=1)}
    assert not set(night["mention_id"]) & set(city.mentions["mention_id"])
    conform(pa.Table.from_pandas(night.drop(columns="person_id")), "std.person_mention")
    seen = night["person_id"].isin(before)
    assert 0.8 <= seen.mean() < 1  # a tenth, at most, are people never mentioned before
    newcomers = _persons(night[~seen])
    assert (city.world.people.birth[newcomers] <= epoch_day(last) + 1).all()
    assert city.known[newcomers].all() and city.nights[-1] == last + timedelta(days=1)
