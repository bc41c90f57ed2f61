"""Training the linkage model — offline, never in the nightly run.

u probabilities come from seeded random sampling of pairs (almost all non-matches); m
probabilities from expectation maximisation on a few training blocking rules. Levels that EM
gets wrong are pinned in ``matching.comparisons`` (same address+birth but another sequence —
twins — would otherwise be learned as a match signal).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, block_on

from matching.blocking import training_rules
from matching.features import build_features
from matching.model import save_model
from matching.settings import settings_creator

log = logging.getLogger(__name__)

U_MAX_PAIRS = 2e6
# Share of true matching pairs that "same ID number and birth date" finds (IDs go missing).
DETERMINISTIC_RECALL = 0.8


def train_model(
    mentions: pd.DataFrame, out: Path, seed: int = 42, trained_on: str = "unspecified"
) -> Path:
    """Train on standardised person mentions and save a versioned model JSON.

    ``out`` is a ``.json`` file or a models folder (then ``v<N+1>.json`` is written there).
    """
    con = duckdb.connect()
    try:
        con.register("mentions_in", mentions)
        rows = build_features(con, "mentions_in")
        linker = Linker(
            DuckDBAPI(connection=con).register("mention_features"),
            settings_creator(),
            log_level=logging.WARNING,
        )
        linker.training.estimate_probability_two_random_records_match(
            [block_on("id_key", "birth_key")], recall=DETERMINISTIC_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
        for rule in training_rules():
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        settings = linker.misc.save_model_to_json()
        priors = {"mother": _prior_within(con, ("mother_key", "birth_key"), "mother_key")}
        settings = _neutralise_unobserved(_decontaminate_u(settings, priors))
    finally:
        con.close()
    log.info("trained linkage model on %d mentions", rows)
    meta = {"trained_on": trained_on, "mentions": rows, "seed": seed}
    return save_model(settings, meta, out)


# Corrected u never falls below this share of the sampled u.
U_FLOOR_SHARE = 0.01


def _prior_within(con: duckdb.DuckDBPyConnection, keys: tuple[str, ...], column: str) -> float:
    """Share of matching pairs among mentions where ``column`` is known: pairs sharing ``keys``
    (a near-deterministic rule), divided by its recall, over all pairs of such mentions."""
    found, total = con.execute(f"""
        SELECT (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (
                    SELECT count(*) AS n FROM mention_features
                    WHERE {" AND ".join(f"{k} IS NOT NULL" for k in keys)}
                    GROUP BY {", ".join(keys)})),
               (SELECT count(*) * (count(*) - 1) / 2 FROM mention_features
                WHERE {column} IS NOT NULL)""").fetchall()[0]
    return min(float(found) / DETERMINISTIC_RECALL / float(total), 0.5) if total else 0.0


def _decontaminate_u(settings: dict[str, Any], priors: dict[str, float]) -> dict[str, Any]:
    """Remove the true matches that random sampling draws along with non-matches.

    Sampled u = λ·m + (1 - λ)·u_true, λ the share of matching pairs. For names and dates the
    λ·m term is negligible, but for identifiers it is the bulk of the sampled u, which would
    value an agreeing ID number only as much as the prior against a match. ``priors`` gives a
    λ for comparisons only known on a subset (the mother's ID, on child mentions).
    """
    default = settings["probability_two_random_records_match"]
    for comp in settings["comparisons"]:
        lam = priors.get(comp["output_column_name"], default)
        for level in comp["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or m is None or u is None:
                continue
            level["u_probability"] = max((u - lam * m) / (1 - lam), U_FLOOR_SHARE * u)
    return settings


# A level never seen in training (no pair fell in it) gets weight 0: neither for nor against.
UNOBSERVED_PROBABILITY = 1e-6


def _neutralise_unobserved(settings: dict[str, Any]) -> dict[str, Any]:
    """Give levels without a trained m (or u) probability m = u, i.e. match weight 0."""
    for comp in settings["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if level.get("fix_m_probability"):  # pinned m: only u may be missing
                level["u_probability"] = level.get("u_probability") or UNOBSERVED_PROBABILITY
            elif level.get("m_probability") is None or level.get("u_probability") is None:
                value = level.get("u_probability") or UNOBSERVED_PROBABILITY
                level["m_probability"] = level["u_probability"] = value
                log.info("level %s / %s unobserved in training: weight 0",
                         comp["output_column_name"], level.get("label_for_charts"))
    return settings


def train_model_from_lake(
    data: Path, day: date, out: Path | None = None, seed: int = 42
) -> Path:
    """Train on the person mentions current in the lake as of ``day`` (``healtharchive model
    train``); ``out`` defaults to the next version in ``matching/models``."""
    from matching.model import MODELS_DIR
    from pipelines import lake

    con = duckdb.connect()
    try:
        mentions = con.sql(lake.current_sql(data, "person_mention", day)).df()
    finally:
        con.close()
    trained_on = f"person_mention current at {day.isoformat()} in {Path(data).name}"
    return train_model(mentions, out or MODELS_DIR, seed=seed, trained_on=trained_on)


def main(argv: list[str] | None = None) -> None:
    """Train the shipped model on the synthetic city: ``python -m matching.training``."""
    import argparse

    from matching.model import MODELS_DIR
    from matching.synthetic import synthetic_mentions

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--city-seed", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    args = parser.parse_args(argv)
    mentions = synthetic_mentions(args.residents, seed=args.city_seed)
    trained_on = (f"matching.synthetic.synthetic_mentions(residents={args.residents}, "
                  f"seed={args.city_seed})")
    print(train_model(mentions, args.out, seed=args.seed, trained_on=trained_on))


if __name__ == "__main__":
    main()
