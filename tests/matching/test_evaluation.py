"""Pairwise figures from cluster sizes, worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from matching.evaluation import mention_misses, pairwise_metrics


def test_pairwise_metrics_from_cluster_sizes() -> None:
    # truth: person A has m1 m2 m3, person B has m4 m5
    # predicted: R1 = {m1, m2}, R2 = {m3, m4, m5}
    frame = pd.DataFrame(
        {
            "resident_id": ["R1", "R1", "R2", "R2", "R2"],
            "person_id": ["A", "A", "A", "B", "B"],
        }
    )
    got = pairwise_metrics(frame, "resident_id")
    # true pairs: C(3,2) + C(2,2) = 3 + 1 = 4; predicted: C(2,2) + C(3,2) = 1 + 3 = 4
    # true positives: cells (R1,A)=2 → 1, (R2,A)=1 → 0, (R2,B)=2 → 1: 2
    assert (got["true_pairs"], got["predicted_pairs"], got["true_positive_pairs"]) == (4, 4, 2)
    assert got["precision"] == pytest.approx(0.5)
    assert got["recall"] == pytest.approx(0.5)
    assert got["f1"] == pytest.approx(0.5)
    # A is split over R1 and R2 (1 of 2 persons); R2 mixes A and B (1 of 2 residents)
    assert got["persons_split"] == 1 and got["persons_split_share"] == pytest.approx(0.5)
    assert got["clusters_mixed"] == 1 and got["clusters_mixed_share"] == pytest.approx(0.5)


def test_all_singletons_have_perfect_precision_and_no_recall() -> None:
    frame = pd.DataFrame({"resident_id": ["R1", "R2"], "person_id": ["A", "A"]})
    got = pairwise_metrics(frame, "resident_id")
    assert (got["precision"], got["recall"], got["persons_split"]) == (1.0, 0.0, 1)


def test_mentions_away_from_their_person_or_with_a_stranger() -> None:
    # person A: m1, m2 in R1 and m3 in R2; person B: m4 in R2 with m3
    frame = pd.DataFrame(
        {
            "resident_id": ["R1", "R1", "R2", "R2"],
            "person_id": ["A", "A", "A", "B"],
        }
    )
    got = mention_misses(frame, "resident_id")
    # A's home is R1 (2 mentions): m3 is split off. R2 holds one A and one B: the tie goes
    # to the smaller person id A, so m4 (B) is the one merged with a stranger
    assert got["split"].tolist() == [False, False, True, False]
    assert got["merged"].tolist() == [False, False, False, True]
