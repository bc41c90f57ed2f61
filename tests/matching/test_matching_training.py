"""Training recovers the m and u probabilities the synthetic city was generated with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching import train_model
from matching.comparisons import TWIN_M_PROBABILITY
from matching.model import load_model
from matching.synthetic import Damage, synthetic_mentions


def _level(settings: dict, comparison: str, label: str) -> dict:
    comp = next(c for c in settings["comparisons"] if c["output_column_name"] == comparison)
    return next(lv for lv in comp["comparison_levels"] if lv.get("label_for_charts") == label)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("models")
    path = train_model(synthetic_mentions(3000, seed=11), out, seed=42, trained_on="test city")
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_model_is_saved_as_the_next_version_with_metadata(trained) -> None:
    path, raw = trained
    assert path.name == "v1.json"
    model = load_model(path)
    assert model.version == 1 and model.meta["trained_on"] == "test city"
    assert model.thresholds.auto_match_weight > model.thresholds.review_match_weight
    assert "healtharchive" in raw and "healtharchive" not in model.settings


def test_m_probabilities_match_the_damage_rates(trained) -> None:
    _, settings = trained
    d = Damage()
    # an adult's ID that is present is intact with probability 1 - (typo + swap + check
    # typo)/(1 - missing) ≈ 0.964; a pair agrees exactly when both are intact: ≈ 0.93. Splink
    # averages the EM sessions that can see the ID: the pinyin+birth one (adults, ≈ 0.93) and
    # the mother+birth one (children). This city's children with an ID in two mentions agree
    # in 66 of 79 pairs (counted from its truth: 0.835), so the average is ≈ 0.88.
    intact = 1 - (d.id_typo + d.id_swap + d.id_check_typo) / (1 - d.id_missing)
    expected = (intact**2 + 66 / 79) / 2
    assert _level(settings, "id_no", "exact")["m_probability"] == pytest.approx(expected, abs=0.02)
    # a present name carries a homophone with probability h ≈ 0.04; a pair is "same pinyin"
    # unless both are original: 1 - (1 - h)² ≈ 0.08
    h = d.homophone / (1 - d.name_missing)
    assert _level(settings, "name", "same pinyin")["m_probability"] == pytest.approx(
        1 - (1 - h) ** 2, abs=0.03
    )


def test_u_probabilities_match_the_population(trained) -> None:
    _, settings = trained
    # two random people share sex half the time, and one of ten districts a tenth of it
    # (nearly always at another house number: "same district", not "same address")
    assert _level(settings, "sex", "exact")["u_probability"] == pytest.approx(0.5, abs=0.05)
    assert _level(settings, "address", "same district")["u_probability"] == pytest.approx(
        0.1, abs=0.04
    )
    # random people practically never share an ID number
    assert _level(settings, "id_no", "exact")["u_probability"] < 1e-3


def test_twin_level_stays_pinned(trained) -> None:
    _, settings = trained
    level = _level(settings, "id_no", "same address and birth, other sequence")
    assert level["m_probability"] == TWIN_M_PROBABILITY and level["fix_m_probability"]
