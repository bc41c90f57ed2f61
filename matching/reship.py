"""A new shipped model from the newest one, when the comparisons change but nothing new was learned.

The comparisons' SQL lives in the model file (Splink's saved settings), so a change to
``matching.comparisons`` reaches the nightly run only through a new ``v<N>.json``. This carries
every trained level of the newest shipped model over, matched by comparison and label; a level
the trained model does not have takes the documented priors (``PRIOR_M``, ``PRIOR_U``), and a
pinned level keeps its pinned m. The metadata says what was carried and what is new.

``python -m matching.reship`` writes the next version into ``matching/models``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from matching.model import MODELS_DIR, load_model, save_model
from matching.settings import settings_creator
from matching.training import PRIOR_M, PRIOR_U

Level = tuple[str, str]


def reship(old_path: Path | None = None, out: Path = MODELS_DIR) -> Path:
    """Write today's comparisons with the newest shipped model's parameters; returns the path."""
    old = load_model(old_path)
    prior = old.settings["probability_two_random_records_match"]
    fresh = settings_creator(prior).create_settings_dict(sql_dialect_str="duckdb")
    trained = {
        (comp["output_column_name"], level.get("label_for_charts")): level
        for comp in old.settings["comparisons"]
        for level in comp["comparison_levels"]
    }
    new = [key for key, level in _levels(fresh).items() if _carry(key, level, trained)]
    meta = {**old.meta, "carried_from": old.version, "new_levels": [list(k) for k in new]}
    meta.pop("version", None)
    return save_model(fresh, meta, out)


def _levels(settings: dict[str, Any]) -> dict[Level, dict[str, Any]]:
    return {
        (comp["output_column_name"], level.get("label_for_charts")): level
        for comp in settings["comparisons"]
        for level in comp["comparison_levels"]
        if not level.get("is_null_level")
    }


def _carry(key: Level, level: dict[str, Any], trained: dict[Level, dict[str, Any]]) -> bool:
    """Fill one level's m and u; true when the level is new (priors)."""
    was = trained.get(key)
    if was is not None:
        if not level.get("fix_m_probability"):
            level["m_probability"] = was["m_probability"]
        level["u_probability"] = was["u_probability"]
        return False
    if key not in PRIOR_U or (key not in PRIOR_M and not level.get("fix_m_probability")):
        raise KeyError(f"level {key} is new and has no documented prior in matching.training")
    if not level.get("fix_m_probability"):
        level["m_probability"] = PRIOR_M[key]
    level["u_probability"] = PRIOR_U[key]
    return True


if __name__ == "__main__":
    print(reship(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
