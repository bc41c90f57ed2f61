"""The simulator's institution profiles show up in the scorecard of a simulated city.

Every damage rate of an institution is ``base × sloppiness × own jitter`` (the simulator's
profiles.yaml): tiers clean 0.15, typical 1, poor 3, terrible 8, each jittered (σ 0.35, log).
Two nights of a 100,000-resident city with identity damage tripled give each hospital some
40-80 patient mentions and hundreds of records a night. A typical hospital then fails about
10 % of its ID checks, 3 % of phone/date formats and few uploads; a terrible one 40-80 % of
IDs and a fifth of its uploads arrive after 24 h. Between tiers those shares differ by many
standard errors, within the typical tier (two thirds of institutions, sloppiness 0.5-2) they
overlap: so the ranking sorts the tiers and shuffles inside them, and the rank correlation with
sloppiness lands well above 0.6 without reaching 1 (0.85 when this test was written).
Institutions that delivered nothing are not ranked; checkup centres with a handful of records
are pulled towards the city average by the scorecard's smoothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from pipelines.run import stage_extract, stage_link, stage_reference, stage_standardise
from quality import check_date, validate_date
from quality import report_data as rd
from quality import scorecard as sc
from quality.report import build_quality_report

pytestmark = pytest.mark.e2e

START, NIGHTS = date(2026, 3, 1), 2
TIERS = ["clean", "typical", "poor", "terrible"]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from simulator import SimConfig, simulate_city

    root = tmp_path_factory.mktemp("city")
    sources, data = root / "sources", root / "data"
    simulate_city(sources, residents=100_000, start=START, days=NIGHTS, seed=11,
                  config=SimConfig(noise_scale=3.0))  # fmt: skip
    stage_reference(sources, data, START)
    for night in (START + timedelta(days=i) for i in range(NIGHTS)):
        stage_extract(sources, data, night)
        validate_date(data, night)
        stage_standardise(sources, data, night)
        stage_link(sources, data, night)
        check_date(data, night)
    return sources, data


@pytest.fixture(scope="module")
def ranked(city: tuple[Path, Path]) -> pd.DataFrame:
    sources, data = city
    month = rd.Month.parse("2026-03")
    results = rd.month_results(data, month)
    table = sc.ranking(results, rd.institutions(data),
                       rd.activity(results, rd.held_deliveries(data, month)))  # fmt: skip
    profiles = pd.read_csv(sources / "truth" / "institution_profiles.csv")
    return table.merge(profiles[["org_code", "tier", "sloppiness"]], on="org_code")


def test_rank_follows_the_simulated_sloppiness(ranked: pd.DataFrame) -> None:
    assert len(ranked) >= 50  # nearly every institution delivered something in two nights
    assert ranked["rank"].corr(ranked["sloppiness"], method="spearman") >= 0.6


def test_worse_tiers_rank_lower_and_the_terrible_ones_at_the_bottom(ranked: pd.DataFrame) -> None:
    mean_rank = ranked.groupby("tier")["rank"].mean().reindex(TIERS)
    assert mean_rank.is_monotonic_increasing, mean_rank.to_dict()
    terrible = ranked[ranked["tier"] == "terrible"]
    assert len(terrible) >= 4
    # all in the bottom quarter (ranks 57-65 of 65 when written; the best of them had 29 records)
    assert (terrible["rank"] > 0.75 * len(ranked)).all(), terrible[["org_code", "rank"]]


def test_the_report_names_the_worst_institution_last_with_its_fixes(
    city: tuple[Path, Path], ranked: pd.DataFrame
) -> None:
    _, data = city
    html = build_quality_report(data, "2026-03").read_text(encoding="utf-8")
    last = ranked.sort_values("rank").iloc[-1]
    assert f"第{last['rank']}名 · {last['org_code']}" in html  # its 整改要求 block
    fixes = html.split('id="fixes"', 1)[1]
    # the fixes start with the lowest-ranked institution
    others = [code for code in ranked["org_code"] if code in fixes and code != last["org_code"]]
    assert fixes.index(last["org_code"]) < min(fixes.index(code) for code in others)
