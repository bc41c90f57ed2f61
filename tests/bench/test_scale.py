"""``python -m bench scale``: tiers, the results file's schema, the figures and the report.

The measuring itself is a benchmark, not a test; these check the logic around it on made-up
figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench import _tiers, scale
from bench.__main__ import split_arguments
from bench._floor import Floor
from bench._meter import Measured, StageTable
from bench._scale_report import render_markdown, render_plot, targets
from bench._stage_profile import is_project


@pytest.mark.parametrize(
    ("text", "name"),
    [("10k", "10k"), ("10K", "10k"), ("100k", "100k"), ("1M", "1m"), ("1,000,000", "1m")],
)
def test_a_tier_is_named_loosely(text: str, name: str) -> None:
    assert _tiers.parse_tier(text).name == name


@pytest.mark.parametrize("text", ["5k", "", "10m"])
def test_an_unknown_tier_says_which_exist(text: str) -> None:
    with pytest.raises(ValueError, match="known: 10k, 100k, 1m, 10k-year"):
        _tiers.parse_tier(text)


def test_make_bench_runs_the_tiers_that_fit_and_the_year_is_on_demand() -> None:
    assert [t.name for t in _tiers.default_tiers()] == ["10k", "100k"]
    assert (_tiers.TIERS["1m"].residents, _tiers.TIERS["1m"].days) == (1_000_000, 365)


def test_options_go_to_the_one_benchmark_named() -> None:
    assert split_arguments(["scale", "--tier", "1m"]) == (["scale"], ["--tier", "1m"])
    assert split_arguments(["simulate", "publish"]) == (["simulate", "publish"], [])
    assert split_arguments([]) == ([], [])


def test_days_need_a_tier_and_a_tier_must_exist() -> None:
    for wrong in (["--days", "3"], ["--tier", "10k", "--days", "0"], ["--tier", "5k"]):
        with pytest.raises(SystemExit):
            scale._arguments(wrong)
    assert scale._arguments(["--tier", "10k", "--days", "3"]).days == 3


def _floor(rows: int = 1000, wall: float = 2.0) -> Floor:
    return Floor(rows=rows, files=10, measured=Measured(wall, 1.0, 200.0))


def _table() -> StageTable:
    table = StageTable()
    table.stages = {"extract": Measured(4.0, 3.0, 500.0), "publish": Measured(10.0, 6.0, 700.0)}
    table.calls = [
        {"stage": "extract", "night": 1, "wall_s": 1.5},
        {"stage": "publish", "night": 1, "wall_s": 6.0},
        {"stage": "extract", "night": 2, "wall_s": 2.5},
        {"stage": "publish", "night": 2, "wall_s": 4.0},
    ]
    return table


def test_each_stage_is_a_multiple_of_the_floor_with_rows_per_second() -> None:
    figures = scale.stage_figures(_table(), _floor(rows=1000, wall=2.0))
    assert figures["publish"]["x_floor"] == 5.0  # 10 s over a 2 s floor
    assert figures["publish"]["x_floor_cpu"] == 6.0  # 6 CPU s over 1 CPU s
    assert figures["extract"]["rows_per_s"] == 250  # 1,000 delivered rows in 4 s
    assert set(_tiers.STAGE_FIELDS) <= set(figures["extract"])


def test_nights_and_the_heaviest_stages_come_from_the_calls() -> None:
    assert scale.night_walls(_table()) == [7.5, 6.5]
    assert scale.heaviest(_table(), 1) == ["publish"]
    assert scale.heaviest(_table(), 5) == ["publish", "extract"]


def test_candidate_and_scored_pairs_of_a_night() -> None:
    link = SimpleNamespace(candidate_pairs={"id_no": 3, "pinyin+birth": 4}, scored_pairs=5)
    night = SimpleNamespace(results={"link": link})
    assert (scale.candidate_pairs(night), scale.scored_pairs(night)) == (7, 5)
    empty = SimpleNamespace(results={})
    assert (scale.candidate_pairs(empty), scale.scored_pairs(empty)) == (0, 0)


def entry(tier: str = "10k", residents: int = 10_000, **changes: Any) -> dict[str, Any]:
    """A scale.json entry as ``run_tier`` writes it, with made-up figures."""
    stages = scale.stage_figures(_table(), _floor())
    linkage = {"precision": 1.0, "recall": 0.99, "f1": 0.995}
    base = {
        "tier": tier, "residents": residents, "days": 2, "tier_days": 30, "reduced": True,
        "full_build_by": "in bulk (--through)",
        "command": f"python -m bench scale --tier {tier} --days 2", "measured_at": "now",
        "machine": {"cores": "2"}, "simulate": {"days": 3, "wall_s": 1.0, "peak_rss_mib": 300},
        "delivered_rows": 1000, "increment_rows": 400, "floor_s": 2.0,
        "floor": {"files": 10}, "increment_floor": {"wall_s": 1.0},
        "full_build_s": 14.0, "full_build_cpu_s": 9.0, "full_build_x_floor": 7.0,
        "nightly_s": 6.0, "nightly_x_floor": 6.0, "peak_rss_mib": 700,
        "stages": stages, "nightly_stages": stages, "candidate_pairs": 12, "scored_pairs": 5,
        "night_wall_s": [7.5, 6.5], "data_mib": 1.0, "sources_mib": 1.0,
        "linkage": {"full_build": linkage, "after_nightly": linkage},
        "profile": {"night": "2026-01-03", "reports": {}, "stages": {}},
    }  # fmt: skip
    return {**base, **changes}


def test_an_entry_without_a_required_figure_is_refused() -> None:
    _tiers.check_entry(entry())
    broken = entry()
    del broken["floor_s"]
    del broken["stages"]["publish"]["x_floor"]
    with pytest.raises(ValueError, match=r"floor_s, stages\.publish\.x_floor"):
        _tiers.check_entry(broken)


def test_a_tier_replaces_its_own_entry_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "scale.json"
    _tiers.save(path, _tiers.merge([], entry("100k", 100_000)))
    _tiers.save(path, _tiers.merge(_tiers.load(path), entry("10k", full_build_s=1.0)))
    _tiers.save(path, _tiers.merge(_tiers.load(path), entry("10k", full_build_s=2.0)))
    entries = json.loads(path.read_text())
    assert [(e["tier"], e["full_build_s"]) for e in entries] == [("10k", 2.0), ("100k", 14.0)]


def test_the_report_says_what_ran_and_what_was_reduced(tmp_path: Path) -> None:
    text = render_markdown([entry()])
    assert (
        "| 10k | 10,000 × 2 (reduced from 30) + 1 (built in bulk (--through)) | 1,000 | 2.0 | "
        "14.0 | 7.0 |"
    ) in text
    assert "`python -m bench scale --tier 10k --days 2`" in text
    assert "| publish | 10.0 | 6.0 | 71% | 5.0 |" in text
    render_plot([entry(), entry("100k", 100_000)], tmp_path / "scale.png")
    assert (tmp_path / "scale.png").read_bytes()[:4] == b"\x89PNG"


def test_targets_are_judged_only_on_the_full_year_of_the_largest_tier() -> None:
    assert any("not measured yet" in line for line in targets([entry()]))
    year = entry("1m", 1_000_000, days=365, tier_days=365, reduced=False,
                 full_build_x_floor=5.5, nightly_s=75.0, peak_rss_mib=9000)  # fmt: skip
    said = "\n".join(targets([year]))
    assert "5.5× (met)" in said and "75.0 s (NOT met)" in said
    assert "Peak memory under 8 GiB: NOT met at 1m" in said


def test_profiled_functions_are_told_from_library_ones() -> None:
    assert is_project("/work/x/pipelines/publish/build.py")
    assert not is_project("/work/x/.venv/lib/python3.11/site-packages/duckdb/__init__.py")
    assert not is_project("~")
