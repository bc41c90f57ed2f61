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

from kernel.layout import Layout
from matching.blocking import TRAINING_KEYS, count_candidate_pairs, training_rules
from matching.features import build_features
from matching.inference import score_new
from matching.model import Thresholds, load_model, save_model
from matching.relations import count
from matching.settings import settings_creator

log = logging.getLogger(__name__)

U_MAX_PAIRS = 2e6
# Share of true matching pairs that "same ID number and birth date" finds (IDs go missing).
DETERMINISTIC_RECALL = 0.8
# Comparisons of identifiers: their u comes from all mentions, decontaminated (see below).
# The others take u from one mention per valid ID number, where every pair is two people.
IDENTIFIER_COMPARISONS = ("id_no", "mother")


def train_model(
    mentions: pd.DataFrame,
    out: Path,
    seed: int = 42,
    trained_on: str = "unspecified",
    thresholds: Thresholds | None = None,
) -> Path:
    """Train on standardised person mentions and save a versioned model JSON.

    ``out`` is a ``.json`` file or a models folder (then ``v<N+1>.json`` is written there).
    ``thresholds`` default to those of the newest shipped model. The saved metadata holds a
    truth-free evaluation on the training mentions (``self_evaluation``).
    """
    thresholds = thresholds or _current_thresholds()
    con = duckdb.connect()
    try:
        con.register("mentions_in", mentions)
        rows = count(con, build_features(con, "mentions_in"))
        settings = _estimate(con, seed)
        evaluation = self_evaluation(con, settings, thresholds)
    finally:
        con.close()
    log.info("trained linkage model on %d mentions: %s", rows, evaluation)
    meta = {
        "trained_on": trained_on,
        "mentions": rows,
        "seed": seed,
        "thresholds": vars(thresholds),
        "evaluation": evaluation,
    }
    return save_model(settings, meta, out)


def _current_thresholds() -> Thresholds:
    try:
        return load_model().thresholds
    except FileNotFoundError:
        return Thresholds()


def _estimate(con: duckdb.DuckDBPyConnection, seed: int) -> dict[str, Any]:
    """Prior, u and m of every level (Splink), then our corrections."""
    db = DuckDBAPI(connection=con)
    linker = Linker(db.register("mention_features"), settings_creator(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_key", "birth_key")], recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for keys, rule in zip(TRAINING_KEYS, training_rules(), strict=True):
        pairs = _block_pairs(con, keys)
        if not MIN_EM_PAIRS <= pairs <= MAX_EM_PAIRS:  # a city without mothers' IDs (FEBRL …)
            log.info("training block %s compares %d pairs: skipped", keys, pairs)
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    settings = linker.misc.save_model_to_json()
    priors = {"mother": _prior_within(con, ("mother_key", "birth_key"), "mother_key")}
    settings = _decontaminate_u(settings, priors)
    settings = _take_u(settings, _distinct_person_u(con, seed))
    return _floor_m(_neutralise_unobserved(settings))


# EM needs a few hundred compared pairs to say anything (Splink's own advice); a u sample
# needs people enough to draw its pairs from.
MIN_EM_PAIRS = 500
# ... and a block of common names alone in a city of millions would compare billions of pairs.
MAX_EM_PAIRS = 20_000_000
MIN_DISTINCT_PEOPLE = 1000


def _block_pairs(con: duckdb.DuckDBPyConnection, keys: tuple[str, ...]) -> int:
    """Pairs a training block compares, from its block sizes."""
    filled = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    return int(
        con.execute(f"""SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM (
        SELECT count(*) AS n FROM mention_features WHERE {filled}
        GROUP BY {", ".join(keys)})""").fetchall()[0][0]
    )


def _distinct_person_u(con: duckdb.DuckDBPyConnection, seed: int) -> dict[str, Any] | None:
    """u from one mention per valid ID number: every sampled pair is two different people, so
    household agreement (a shared address or phone) is measured, not mistaken for matches.
    None when too few mentions carry a valid resident number (a city of passports)."""
    con.execute("""CREATE OR REPLACE TABLE _distinct_people AS
        SELECT * FROM mention_features WHERE id_valid
        QUALIFY row_number() OVER (PARTITION BY id_key ORDER BY unique_id) = 1""")
    if count(con, "_distinct_people") < MIN_DISTINCT_PEOPLE:
        return None
    linker = Linker(
        DuckDBAPI(connection=con).register("_distinct_people"),
        settings_creator(),
        log_level=logging.WARNING,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    return linker.misc.save_model_to_json()


def _take_u(settings: dict[str, Any], distinct: dict[str, Any] | None) -> dict[str, Any]:
    """Non-identifier levels take their u from the distinct-person sample where it saw them."""
    if distinct is None:
        return settings
    other = {c["output_column_name"]: c for c in distinct["comparisons"]}
    for comp in settings["comparisons"]:
        name = comp["output_column_name"]
        if name in IDENTIFIER_COMPARISONS:
            continue
        for level, twin in zip(
            comp["comparison_levels"], other[name]["comparison_levels"], strict=True
        ):
            if not level.get("is_null_level") and twin.get("u_probability"):
                level["u_probability"] = twin["u_probability"]
    return settings


# A trained m below this is raised to it: a level must not become a veto (weight -40) by chance.
M_FLOOR = 1e-3
# The documented prior of the damage a true match shows, per level: how often one person's two
# records disagree in that way in registry data (a few per cent change phone or move house in a
# year, about one in a hundred birth dates or ID numbers is mistyped). A trained m below it is
# raised to it, and a level training never saw among matches takes it: a simulated month or a
# clean first night sees too little damage to learn it, and a city's own data corrects it when
# the model is retrained there.
PRIOR_M: dict[tuple[str, str], float] = {
    ("id_no", "one character mistyped"): 0.01,
    ("id_no", "other ID one or two characters apart"): 0.01,
    ("id_no", "month and day swapped in the birth part"): 0.002,
    ("id_no", "All other comparisons"): 0.005,
    ("name", "same pinyin"): 0.005,
    ("name", "the mother name of the other record"): 0.02,
    ("name", "close spelling"): 0.01,
    ("name", "a part of the name shared"): 0.005,
    ("name", "All other comparisons"): 0.005,
    ("birth_date", "month and day swapped"): 0.002,
    ("birth_date", "one digit or one day off"): 0.01,
    ("birth_date", "same year"): 0.002,
    ("birth_date", "All other comparisons"): 0.005,
    ("sex", "All other comparisons"): 0.005,
    ("phone", "last 8 digits"): 0.005,
    ("phone", "All other comparisons"): 0.1,
    ("address", "similar address"): 0.05,
    ("address", "same district"): 0.1,
    ("address", "All other comparisons"): 0.1,
    # a child's two records, one without the mother's number, both naming her: child checkups
    # always name the mother, vaccination records name the guardian (the mother three times in
    # four), a newborn's records carry her name
    ("mother", "same mother's name"): 0.2,
}
# The documented u of levels added to the comparisons after the shipped model was trained
# (``matching.reship`` carries the trained levels over): how often two different children's
# records agree that way. Two random children share a mother's name about once in ten thousand
# pairs (Σp² over women's names; 王芳, the commonest, is about 0.1 % of women), and only pairs
# without both mothers' numbers fall in the level.
PRIOR_U: dict[tuple[str, str], float] = {
    ("mother", "same mother's name"): 5e-5,
    # two people's numbers one a month/day swap of the other share the address code, year and
    # sequence: rarer than one in 10⁹ pairs; set at the one-character typo's order (5e-7 trained)
    # so the level weighs no more than that typo (+14.3)
    ("id_no", "month and day swapped in the birth part"): 1e-7,
}


def _floor_m(settings: dict[str, Any]) -> dict[str, Any]:
    for comp in settings["comparisons"]:
        for level in comp["comparison_levels"]:
            m = level.get("m_probability")
            if m is None or level.get("fix_m_probability") or level.get("is_null_level"):
                continue
            prior = PRIOR_M.get((comp["output_column_name"], level.get("label_for_charts")))
            level["m_probability"] = max(m, M_FLOOR, prior or 0.0)
    return settings


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


# A level no sampled pair fell in has u at most about 3 / pairs sampled (rule of three).
UNSEEN_U = 3 / U_MAX_PAIRS
# A level never seen at all gets weight 0: neither for nor against.
UNOBSERVED_PROBABILITY = 1e-6


def _neutralise_unobserved(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill what training could not see: a missing u of a trained level by the rule-of-three
    bound; a level without a trained m gets m = u, i.e. match weight 0."""
    for comp in settings["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            prior = PRIOR_M.get((comp["output_column_name"], level.get("label_for_charts")))
            if m is None and prior is not None:  # unseen among matches: the documented prior
                level["m_probability"] = m = prior
            if u is None and (m is not None or level.get("fix_m_probability")):
                level["u_probability"] = UNSEEN_U
            elif m is None:
                level["m_probability"] = level["u_probability"] = u or UNOBSERVED_PROBABILITY
                log.info(
                    "level %s / %s unobserved among matches: weight 0",
                    comp["output_column_name"],
                    level.get("label_for_charts"),
                )
    return settings


def self_evaluation(
    con: duckdb.DuckDBPyConnection, settings: dict[str, Any], thresholds: Thresholds
) -> dict[str, Any]:
    """Truth-free figures of the model on its training mentions, linked in one pass: pairs
    per decision band and the expected number of false automatic links (Σ 1 − p)."""
    candidates = count_candidate_pairs(con, "mention_features")
    score_new(
        con,
        settings,
        new="mention_features",
        index=None,
        out="_training_pairs",
        min_match_weight=thresholds.review_match_weight,
    )
    auto, review, expected_false = con.execute(f"""
        SELECT count(*) FILTER (match_weight >= {thresholds.auto_match_weight}),
               count(*) FILTER (match_weight < {thresholds.auto_match_weight}
                                AND match_weight >= {thresholds.review_match_weight}),
               coalesce(sum(1 - match_probability)
                        FILTER (match_weight >= {thresholds.auto_match_weight}), 0)
        FROM _training_pairs""").fetchall()[0]
    return {
        "candidate_pairs": sum(candidates.values()),
        "auto_pairs": auto,
        "review_pairs": review,
        "expected_false_auto_pairs": round(expected_false, 2),
        "expected_auto_precision": round(1 - expected_false / auto, 6) if auto else None,
    }


def train_model_from_lake(data: Path, day: date, out: Path | None = None, seed: int = 42) -> Path:
    """Train a candidate on the person mentions current in the lake as of ``day``
    (``healtharchive model train``): u by sampling, m by EM, pinned levels kept. ``out``
    defaults to the next version among the city's candidates (``mpi/models/candidates``);
    ``matching.promotion`` decides whether it replaces the pinned model."""
    from matching.model import MODELS_DIR, next_model_path, pinned_model_path
    from schemas.tables import std_current_sql

    layout = Layout(data)
    con = duckdb.connect()
    try:
        mentions = con.sql(std_current_sql(layout, "person_mention", day)).df()
    finally:
        con.close()
    where = Path(data).resolve()
    if where.is_relative_to(Path.cwd()):
        where = where.relative_to(Path.cwd())
    trained_on = f"std.person_mention current at {day.isoformat()} in {where}"
    if out is None:
        layout.model_candidates_dir.mkdir(parents=True, exist_ok=True)
        out = next_model_path(layout.model_candidates_dir, MODELS_DIR, layout.models_dir)
    thresholds = load_model(pinned_model_path(data)).thresholds
    return train_model(mentions, out, seed=seed, trained_on=trained_on, thresholds=thresholds)


def main(argv: list[str] | None = None) -> None:
    """Train a model on the person mentions of a lake: ``python -m matching.training --data
    DIR``. For a simulated city's bulk mentions, land them first with ``python -m
    simulator.bulk --data DIR`` (the simulator sits above the stages: matching never imports
    it)."""
    import argparse

    from kernel.layout import partition_date

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--date", type=date.fromisoformat, help="default: the newest night")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--out", type=Path, help="default: the next candidate (mpi/models/candidates)"
    )
    args = parser.parse_args(argv)
    nights = Layout(args.data).std_files("person_mention")
    if not nights:
        parser.error(f"no std.person_mention under {args.data}")
    day = args.date or partition_date(nights[-1])
    print(train_model_from_lake(args.data, day, args.out, seed=args.seed))


if __name__ == "__main__":
    main()
