"""Training recovers the m and u probabilities the simulated city was generated with."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matching import train_model
from matching.comparisons import TWIN_M_PROBABILITY
from matching.model import load_model
from simulator.bulk import BulkCity, small_city
from simulator.clock import years
from simulator.config import load

# Every institution at the typical profile's rates (data/profiles.yaml) times NOISE: at the
# base rates alone a few thousand people show too little damage to measure an m.
NOISE = 5.0


def _level(settings: dict, comparison: str, label: str) -> dict:
    comp = next(c for c in settings["comparisons"] if c["output_column_name"] == comparison)
    return next(lv for lv in comp["comparison_levels"] if lv.get("label_for_charts") == label)


def _rate(name: str) -> float:
    rule = load("profiles")["rates"][name]
    return min(rule["base"] * NOISE, rule["cap"])


@pytest.fixture(scope="module")
def city() -> BulkCity:
    return small_city(3000, seed=11, nights=1, noise_scale=NOISE)


@pytest.fixture(scope="module")
def trained(city: BulkCity, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("models")
    path = train_model(city.mentions, out, seed=42, trained_on="test city")
    return path, json.loads(path.read_text(encoding="utf-8"))


def _persons(mentions: pd.DataFrame) -> np.ndarray:
    return mentions["person_id"].str[1:].astype(int).to_numpy()  # P00000042 → 42


def test_model_is_saved_as_the_next_version_with_metadata(trained) -> None:
    path, raw = trained
    assert path.name == "v1.json"
    model = load_model(path)
    assert model.version == 1 and model.meta["trained_on"] == "test city"
    assert model.thresholds.auto_match_weight > model.thresholds.review_match_weight
    assert "healtharchive" in raw and "healtharchive" not in model.settings


def test_id_exact_m_matches_the_damage_rates(city: BulkCity, trained) -> None:
    _, settings = trained
    # A delivered 18-digit number keeps its 17 digits unless mistyped (one digit, id_typo)
    # or two digits swapped (id_swap): intact = (1 - t)(1 - w) ≈ 0.965 at these rates. The
    # rest of the damage (full-width, spaces, lower-case x) is repaired by standardisation.
    # Someone born before 1960 has a share l of numbers delivered in the 15-digit form, which
    # standardisation converts back losslessly and which the noise never mistypes:
    # intact_elderly = l + (1 - l)·intact ≈ 0.974. Two mentions of one person agree exactly
    # when both are intact, so m(exact) = intact² (≈ 0.93), intact_elderly² (≈ 0.95) for the
    # elderly's share e of the mentions carrying a number.
    t, w, legacy = _rate("id_typo"), _rate("id_swap"), _rate("id_legacy15")
    intact = (1 - t) * (1 - w)
    intact_elderly = legacy + (1 - legacy) * intact
    numbered = city.mentions[city.mentions["id_no"].notna()]
    e = float((years(city.world.people.birth[_persons(numbered)]) < 1960).mean())
    expected = (1 - e) * intact**2 + e * intact_elderly**2
    got = _level(settings, "id_no", "exact")["m_probability"]
    assert got == pytest.approx(expected, abs=0.02)


def test_same_pinyin_m_matches_the_homophone_rate(city: BulkCity, trained) -> None:
    _, settings = trained
    # A name gets a same-sounding character with probability h (name_homophone), unless it
    # was written in traditional characters instead (name_traditional, tr; standardisation
    # simplifies those back). Only names with a character of the homophone table after the
    # first (names.yaml) can change: a share f of the mentions' names. A mention's name is
    # a homophone with h' = h·(1 - tr)·f; a pair of mentions is "same pinyin" unless both
    # are original: 1 - (1 - h')² ≈ 0.027.
    table = load("names")["homophones"]
    named = city.mentions[city.mentions["name"].notna()]
    names = np.asarray(city.world.ident.name.to_pylist(), dtype=object)[_persons(named)]
    f = float(np.mean([any(c in table for c in n[1:]) for n in names]))
    h = _rate("name_homophone") * (1 - _rate("name_traditional")) * f
    got = _level(settings, "name", "same pinyin")["m_probability"]
    assert got == pytest.approx(1 - (1 - h) ** 2, abs=0.01)


def test_u_probabilities_match_the_population(city: BulkCity, trained) -> None:
    _, settings = trained
    # two random people share sex half the time
    assert _level(settings, "sex", "exact")["u_probability"] == pytest.approx(0.5, abs=0.05)
    # and a district with probability Σ p², p the districts' shares of the addresses
    # (nearly always at another address: "same district", not "same address")
    shares = city.mentions["district_code"].value_counts(normalize=True)
    assert _level(settings, "address", "same district")["u_probability"] == pytest.approx(
        float((shares**2).sum()), abs=0.02
    )
    # random people practically never share an ID number
    assert _level(settings, "id_no", "exact")["u_probability"] < 1e-3


def test_twin_level_stays_pinned(trained) -> None:
    _, settings = trained
    level = _level(settings, "id_no", "same address and birth, other sequence")
    assert level["m_probability"] == TWIN_M_PROBABILITY and level["fix_m_probability"]


def test_birth_date_m_is_trained(trained) -> None:
    # the simulator changes a birth date's format only (standardisation repairs it): two
    # mentions of one person agree on it. The comparison reads the ID columns too, so the ID
    # and birth-date training blocks cannot estimate it; a block leaving it free must.
    _, settings = trained
    exact = _level(settings, "birth_date", "exact")
    assert exact["m_probability"] > 0.95
    assert exact["m_probability"] / exact["u_probability"] > 1000
