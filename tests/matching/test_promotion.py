"""Promotion: a candidate replaces the pinned model only when it is not worse on labelled pairs.

The city is the hand-built hard-case suite (``bench/scenarios``, written by someone who had not
read the model): its review queue decided from its truth is what a reviewer would record, and
the suite itself, linked with each model, is the second labelled set. A "worse" candidate is
the shipped model damaged in one way a bad retraining could: the prior overrated.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bench.scenarios.hard_cases import build_hard_cases
from kernel.layout import Layout
from matching.decisions import store
from matching.evaluation import truth_decisions
from matching.link import link_date
from matching.model import MODELS_DIR, load_model, newest_model_path, pinned_model_path
from matching.promotion import PromotionError, compare, labels_file
from pipelines.model_promotion import promote_candidate, suites_prepared
from pipelines.run import days_between, run_stage

START, LAST = date(2026, 3, 1), date(2026, 3, 3)  # the hard cases' nights


@pytest.fixture(scope="module")
def city(suite_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sources, data): the hard cases as a city, linked night by night with the shipped
    model, its review queue decided from the truth."""
    sources, data = suite_sources, tmp_path_factory.mktemp("promotion") / "data"
    for night in days_between(START, LAST):
        for stage in ("reference", "extract", "standardise", "link"):
            run_stage(stage, sources, data, night)
    store(data, truth_decisions(sources, data))
    return sources, data


@pytest.fixture(scope="module")
def suite_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hard_cases(tmp_path_factory.mktemp("hard") / "sources")


@pytest.fixture(scope="module")
def suite(suite_sources: Path):
    with suites_prepared([suite_sources]) as (prepared,):
        yield prepared


def _write(model_path: Path, out: Path, damage=None) -> Path:
    raw = json.loads(model_path.read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    if damage:
        damage(raw)
    out.write_text(json.dumps(raw), encoding="utf-8")
    return out


def _prior_overrated(raw: dict) -> None:
    """A broken retraining: the prior that two records match estimated 10,000 times too high
    (every pair gains about 13 bits of match weight)."""
    raw["probability_two_random_records_match"] *= 1e4


def test_the_shipped_model_scores_the_suite_as_the_scorecard_says(suite) -> None:
    verdict = compare(newest_model_path(), newest_model_path(), [suite])
    got = verdict.pooled["pinned"]
    # linked night by night as the scorecard links it (bench/results/linkage_scorecard.md):
    # 452 true pairs among 311 mentions, no false link, recall about 0.9
    assert got["matches"] == 452 and got["non_matches"] == 311 * 310 // 2 - 452
    assert got["false_links"] == 0 and 0.8 < got["recall"] < 1
    assert verdict.pooled["candidate"] == got and verdict.promoted


def test_a_worse_candidate_is_refused_and_nothing_changes(city, suite_sources, tmp_path) -> None:
    _, data = city
    worse = _write(newest_model_path(), tmp_path / "v90.json", _prior_overrated)
    before = pinned_model_path(data)
    verdict = promote_candidate(data, worse, LAST, suites=[suite_sources])
    assert not verdict.promoted and verdict.reason.startswith("refused")
    assert verdict.pooled["candidate"]["false_links"] > verdict.pooled["pinned"]["false_links"]
    assert pinned_model_path(data) == before
    record = json.loads(verdict.record.read_text(encoding="utf-8"))
    assert record["promoted"] is False and "reviewer decisions" in record["by_set"]


def test_a_candidate_not_worse_is_promoted_and_the_next_night_scores_with_it(city) -> None:
    _, data = city
    candidate = Layout(data).model_candidates_dir / "v7.json"
    candidate.parent.mkdir(parents=True, exist_ok=True)
    _write(newest_model_path(), candidate)
    verdict = promote_candidate(data, candidate, LAST)
    labelled = verdict.pooled["pinned"]
    assert labelled["matches"] + labelled["non_matches"] > 0  # the decided review queue
    assert verdict.promoted, verdict.reason
    shipped = load_model(newest_model_path(MODELS_DIR)).version
    assert verdict.promoted_to == Layout(data).models_dir / f"v{shipped + 1}.json"
    assert pinned_model_path(data) == verdict.promoted_to
    promoted = load_model(verdict.promoted_to)
    assert promoted.meta["promoted_over"] == newest_model_path().name
    assert promoted.settings == load_model(candidate).settings
    assert link_date(data, LAST).model_version == shipped + 1


def test_nothing_labelled_nothing_promoted(tmp_path) -> None:
    verdict = compare(newest_model_path(), newest_model_path(), [])
    assert not verdict.promoted and "no labelled pairs" in verdict.reason


def test_a_labels_file_naming_unknown_mentions_is_an_error(tmp_path) -> None:
    mentions = pd.DataFrame({"mention_id": ["a", "b"]})
    path = tmp_path / "labels.csv"
    path.write_text("mention_id_l,mention_id_r,decision\na,zzz,match\n", encoding="utf-8")
    with pytest.raises(PromotionError, match="not in the lake"):
        labels_file(path, mentions)
    path.write_text("mention_id_l,mention_id_r,decision\na,b,maybe\n", encoding="utf-8")
    with pytest.raises(PromotionError, match="match or non-match"):
        labels_file(path, mentions)
