"""The monthly indicator report: self-contained HTML whose charts a real browser draws.

On the hand-built city of scenario.py, February 2026: coverage bars for 320505 (2/1000) and
320506 (1/2000); timeliness bars for C1 (1/1) and V1 (1/3); a completeness bar for C1 (4/4) only;
linkage and valid-ID lines over January and February.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipelines.publish import PublishError, publish
from pipelines.publish.metrics_report import build_metrics_report, definitions
from tests.publish.scenario import D, build_city
from tests.support import chromium, requires_chromium

EXPECTED_MARKS = {
    "coverage_by_district": 2,
    "timeliness_by_org": 2,
    "completeness_by_org": 1,
    "linkage_trend": 2,
}
# Appended to a copy of the report: measures every chart mark the browser laid out.
PROBE = """
<pre id="probe"></pre>
<script>
const charts = {};
for (const figure of document.querySelectorAll("figure[data-chart]")) {
  const box = figure.querySelector("svg").getBoundingClientRect();
  const drawn = [...figure.querySelectorAll('[id^="mark-"]')].filter(mark => {
    const b = mark.getBBox();
    return b.width > 0 && (b.height > 0 || mark.id.startsWith("mark-trend"));
  });
  charts[figure.dataset.chart] = {width: box.width, height: box.height, drawn: drawn.length,
                                  expected: Number(figure.dataset.marks)};
}
document.getElementById("probe").textContent = JSON.stringify(charts);
</script>
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("city")
    build_city(data)
    publish(data, D)
    return build_metrics_report(data, "2026-02")


def test_the_report_is_written_where_governance_staff_find_it(report: Path) -> None:
    assert report.name == "2026-02.html" and report.parent.parts[-2:] == ("reports", "metrics")


def test_the_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # only in-document url(#clip) refs
    assert html.count("<svg") == len(EXPECTED_MARKS)


def test_the_report_has_every_city_figure_with_its_definition(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    codes = [d["code"] for d in definitions()]
    assert len(codes) == 11 and all(f"<code>{code}</code>" in html for code in codes)
    # the coverage row of the city: 3 archives in districts with a population of 3000
    assert re.search(r"archive_coverage_rate</code></td>\s*<td[^>]*>3</td>\s*<td[^>]*>3,000", html)


@requires_chromium
def test_chromium_draws_every_chart(report: Path, tmp_path: Path) -> None:
    probed = tmp_path / "probed.html"
    probed.write_text(
        report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), "utf-8"
    )
    dom = chromium(["--dump-dom", probed.as_uri()], tmp_path / "profile")
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, flags=re.S)
    assert found, dom[:500]
    charts = json.loads(found.group(1).replace("&quot;", '"'))
    assert set(charts) == set(EXPECTED_MARKS)
    for name, chart in charts.items():
        assert chart["width"] > 300 and chart["height"] > 100, name
        assert chart["drawn"] == chart["expected"] == EXPECTED_MARKS[name], name
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_a_month_without_figures_is_refused(report: Path) -> None:
    data = report.parents[2]
    with pytest.raises(PublishError, match="published months: 2026-01, 2026-02"):
        build_metrics_report(data, "2025-12")
