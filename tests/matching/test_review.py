"""The reviewers' side: the offline review page and ``healtharchive review page|apply``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from matching import index
from matching.decisions import decisions_dir
from pipelines.cli import app
from tests.matching.bridge_city import A3, NIGHT, bridge_city
from tests.support import chromium, requires_chromium


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review")
    bridge_city(root)
    return root


@pytest.fixture(scope="module")
def page(data: Path) -> Path:
    result = CliRunner().invoke(app, ["review", "page", "--data", str(data)])
    assert result.exit_code == 0, result.output
    return data / "reports" / "review" / f"review-{NIGHT[1]}.html"


def test_the_page_shows_each_queued_pair_side_by_side(data: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    queue = pd.read_parquet(index.night_path(data, NIGHT[1], index.QUEUE))
    assert len(queue) >= 1
    for pair in queue["pair_id"]:
        assert f'data-pair="{pair}"' in html
    # the bridge pair (a3 and the resident it did not join), with the identities a reviewer
    # compares: names are shown on this restricted page
    bridge = queue[(queue["mention_id_l"] == A3) | (queue["mention_id_r"] == A3)]
    assert len(bridge) == 1 and f'data-pair="{bridge["pair_id"].iloc[0]}"' in html
    assert "王建国" in html
    assert "comparison level" in html and "exact" in html


def test_the_page_is_self_contained(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    # no stylesheet, script, image or font fetched from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


@requires_chromium
def test_the_page_script_runs_in_a_browser(page: Path, tmp_path: Path) -> None:
    # headless, offline: the script fills the decisions preview with the CSV header
    dom = chromium(["--virtual-time-budget=3000", "--dump-dom", page.as_uri()], tmp_path)
    preview = re.search(r'<pre id="csv-preview"[^>]*>(.*?)</pre>', dom, re.S)
    assert preview and preview.group(1).startswith(
        "pair_id,mention_id_l,mention_id_r,decision,reviewer,reason"
    )


def test_apply_stores_good_decisions_and_refuses_bad_ones(data: Path, tmp_path: Path) -> None:
    queue = pd.read_parquet(index.night_path(data, NIGHT[1], index.QUEUE))
    row = queue.iloc[0]
    good = tmp_path / "good.csv"
    pd.DataFrame([{"pair_id": row["pair_id"], "mention_id_l": row["mention_id_l"],
                   "mention_id_r": row["mention_id_r"], "decision": "match",
                   "reviewer": "zhang.wei", "reason": "same man, ID and phone agree"}]).to_csv(
        good, index=False)  # fmt: skip
    runner = CliRunner()
    done = runner.invoke(app, ["review", "apply", "--data", str(data), "--decisions", str(good)])
    assert done.exit_code == 0, done.output
    assert "1 decisions stored (1 match, 0 non-match; 1 from the current queue)" in done.output
    stored = sorted(decisions_dir(data).glob("decisions-*.csv"))
    assert len(stored) == 1
    again = runner.invoke(app, ["review", "apply", "--data", str(data), "--decisions", str(good)])
    assert "applied before" in again.output and len(list(decisions_dir(data).glob("*"))) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8").replace(",match,", ",perhaps,"),
                   encoding="utf-8")  # fmt: skip
    refused = runner.invoke(app, ["review", "apply", "--data", str(data), "--decisions", str(bad)])
    assert refused.exit_code != 0
    assert "line 2: decision 'perhaps'" in str(refused.exception)
    assert len(list(decisions_dir(data).glob("*"))) == 1  # nothing stored
