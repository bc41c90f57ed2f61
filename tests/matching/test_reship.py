"""Carrying a trained model over to changed comparisons (``matching.reship``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching import reship as reship_module
from matching.comparisons import all_comparisons
from matching.model import MODELS_DIR, load_model
from matching.reship import reship
from matching.training import PRIOR_M, PRIOR_U


def _levels(settings: dict) -> dict[tuple[str, str], dict]:
    return {
        (c["output_column_name"], lv.get("label_for_charts")): lv
        for c in settings["comparisons"]
        for lv in c["comparison_levels"]
        if not lv.get("is_null_level")
    }


def test_trained_levels_are_carried_and_new_ones_take_their_priors(tmp_path: Path) -> None:
    old = load_model(MODELS_DIR / "v4.json")
    new = load_model(reship(MODELS_DIR / "v4.json", tmp_path / "v9.json"))
    before, after = _levels(old.settings), _levels(new.settings)
    # today's comparisons, in their order, are what the new file scores with
    today = [c.get_comparison("duckdb").as_dict() for c in all_comparisons()]
    wanted = [c["output_column_name"] for c in today]
    pinned = {
        (c["output_column_name"], lv.get("label_for_charts")): lv["m_probability"]
        for c in today
        for lv in c["comparison_levels"]
        if lv.get("fix_m_probability")
    }
    assert [c["output_column_name"] for c in new.settings["comparisons"]] == wanted
    for key, level in after.items():
        if key in before and level.get("fix_m_probability"):  # pinned: today's m, trained u
            assert level["m_probability"] == pinned[key]
            assert level["u_probability"] == before[key]["u_probability"]
        elif key in before:  # trained: m and u unchanged
            assert (level["m_probability"], level["u_probability"]) == (
                before[key]["m_probability"], before[key]["u_probability"])  # fmt: skip
        else:  # new since v4: the documented priors, and said so in the metadata
            assert (level["m_probability"], level["u_probability"]) == (PRIOR_M[key], PRIOR_U[key])
            assert list(key) in new.meta["new_levels"]
    assert new.meta["carried_from"] == 4 and new.version == 9
    assert new.settings["probability_two_random_records_match"] == pytest.approx(
        old.settings["probability_two_random_records_match"]
    )


def test_a_new_level_without_a_documented_prior_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reship_module, "PRIOR_U", {})
    with pytest.raises(KeyError, match="no documented prior"):
        reship(MODELS_DIR / "v4.json", tmp_path / "v9.json")
    assert not (tmp_path / "v9.json").exists()
