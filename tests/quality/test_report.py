"""The governance report over two small validated months: content, no identities, offline,
and drawn charts in headless Chromium."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.cli import app
from quality import validate_date
from quality.report import build_quality_report, report_path
from quality.report_data import ReportDataError
from quality.results import describe_rows, finalise
from tests.quality.quality_fixtures import DAMAGED_ID_NO, write_sample_night
from tests.support import chromium, requires_chromium

FEB, MAR = date(2026, 2, 14), date(2026, 3, 1)
# what the sample deliveries carry about people: none of it may reach the report
IDENTITIES = ("王伟", "11010519491231002", DAMAGED_ID_NO, "13800000000")


def _reference(data: Path) -> None:
    orgs = ["H1", "H2", "H3", "V1", "V2", "V3", "C1"]
    path = Layout(data).reference("institutions")
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({
        "org_code": orgs, "org_name": [f"{o}机构" for o in orgs],
        "district_code": ["320505"] * 4 + ["320506"] * 3, "org_type": "secondary_hospital",
        "systems": "hospital",
    }).to_parquet(path)  # fmt: skip
    pd.DataFrame({
        "district_code": ["320505", "320506"], "district_name": ["虎丘区", "吴中区"],
        "year": 2026, "resident_population": [1000, 2000],
    }).to_parquet(Layout(data).reference("population"))  # fmt: skip


def _post_link(data: Path, day: date) -> None:
    """One check-stage row: 2 of H1's 4 adult mentions without a usable ID number."""
    counts = pd.DataFrame([{
        "source": "hospital", "dataset": "hospital.patient", "org_code": "H1",
        "check_code": "id_no_usable", "field": "id_no", "checked": 4, "failed": 2,
        "examples": ", ".join(f"hospital:H1:hospital.patient:{p}:patient" for p in ("p2", "p3")),
    }])  # fmt: skip
    write_parquet(
        finalise([describe_rows(counts, day)]), Layout(data).night("quality.result", day, "check")
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("data")
    _reference(data)
    for night in (FEB, MAR):
        write_sample_night(data, night)
        validate_date(data, night)
    _post_link(data, MAR)
    path = build_quality_report(data, "2026-03")
    return data, path.read_text(encoding="utf-8")


def test_report_is_written_where_the_cli_promises(report: tuple[Path, str]) -> None:
    data, html = report
    assert report_path(data, "2026-03") == data / "reports" / "quality" / "2026-03.html"
    assert html.startswith("<!doctype html>") and "数据质量通报 · 2026年3月" in html
    for section in ("summary", "ranking", "districts", "worst-checks", "fixes", "method"):
        assert f'id="{section}"' in html


def test_report_ranks_scores_and_says_what_to_fix(report: tuple[Path, str]) -> None:
    _, html = report
    # every org that delivered rows appears in the scorecard with its reference name
    for org in ("H1机构", "H2机构", "V1机构", "虎丘区", "吴中区"):
        assert org in html
    # the check stage's rows are in: H1's unusable ID numbers, with their record keys
    assert "id_no_usable" in html and "hospital:H1:hospital.patient:p2:patient" in html
    # H1 held back for a duplicate key: the fix names the check's advice
    assert "primary_key_unique" in html and "同一主键的同一版本只能出现一次" in html
    # the February night makes March month-on-month: a previous rank is shown somewhere
    assert re.search(r'<td class="num">[+-]\d+\.\d</td>', html)


def test_report_carries_no_identities(report: tuple[Path, str]) -> None:
    _, html = report
    for value in IDENTITIES:
        assert value not in html


def test_report_loads_nothing_from_anywhere(report: tuple[Path, str]) -> None:
    _, html = report
    # inline SVG names its XML namespace (xmlns="http://www.w3.org/2000/svg"): not a load
    assert not re.search(r"""\bsrc\s*=""", html)
    assert re.findall(r"""href\s*=\s*["']([^"']*)""", html) == [
        h for h in re.findall(r"""href\s*=\s*["']([^"']*)""", html) if h.startswith("#")
    ]
    assert all(u.startswith("#") for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", html))
    assert "@import" not in html and "fetch(" not in html and "<script" not in html
    assert html.count("<svg") == 4


def test_month_without_results_is_refused(report: tuple[Path, str]) -> None:
    data, _ = report
    with pytest.raises(ReportDataError, match="no quality results on record for 2026-01"):
        build_quality_report(data, "2026-01")
    with pytest.raises(ReportDataError, match="YYYY-MM"):
        build_quality_report(data, "2026-3")


def test_cli_builds_the_report(report: tuple[Path, str]) -> None:
    data, html = report
    args = ["report", "quality", "--data", str(data), "--month", "2026-02"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    february = report_path(data, "2026-02").read_text(encoding="utf-8")
    assert "2026年2月" in february and february != html


@requires_chromium
def test_charts_draw_in_headless_chromium(report: tuple[Path, str], tmp_path: Path) -> None:
    from PIL import Image

    data, _ = report
    url = report_path(data, "2026-03").resolve().as_uri()
    dom = chromium(["--dump-dom", url], tmp_path / "profile-dom")
    sizes = re.findall(r'<svg[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"', dom)
    assert len(sizes) == 4 and all(float(w) > 100 and float(h) > 100 for w, h in sizes)
    assert dom.count("<path") > 40  # axes, lines, markers and bars were laid out
    shot = tmp_path / "report.png"
    chromium(["--hide-scrollbars", "--window-size=1200,4200", f"--screenshot={shot}", url],
              tmp_path / "profile-shot")  # fmt: skip
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=np.int16).reshape(-1, 3)
    # the district bars are drawn in #8c564b, a colour only the charts use
    bars = int((np.abs(pixels - (140, 86, 75)).max(axis=1) < 12).sum())
    blank = int((pixels == 255).all(axis=1).sum())
    assert bars > 2000, bars
    assert blank < 0.97 * len(pixels)
