"""healtharchive docs: dbt's documentation of the warehouse, one page that works offline."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.publish.docs import check_offline, manifest_of, remove_tracker
from pipelines.publish.errors import PublishError


@pytest.fixture(scope="module")
def page(published_city: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    data = tmp_path_factory.mktemp("docs")
    for name in ("warehouse.duckdb", "analytics.duckdb"):  # the shared city stays as it is
        shutil.copy(published_city / name, data / name)
    # the docs run no model: they need no pseudonymisation key (None unsets it for the command)
    no_key = {"HEALTHARCHIVE_PSEUDONYM_KEY": None, "HEALTHARCHIVE_PSEUDONYM_KEY_FILE": None}
    result = CliRunner().invoke(app, ["docs", "--data", str(data)], env=no_key)
    assert result.exit_code == 0, result.output
    return (data / "reports" / "warehouse" / "index.html").read_text(encoding="utf-8")


def test_the_page_is_self_contained_and_sends_nothing(page: str) -> None:
    check_offline(page)  # raises when a script, style or image would come from the network
    # independently of check_offline: no remote script/style/image, no remote .src, no remote CSS
    remote = r"""\s*=?\s*\(?\s*["']?\s*(?:https?:)?//"""
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)" + remote, page)
    assert not re.search(r"(?:\.src|url|@import)" + remote, page)
    assert "cloudfront.net" not in page  # dbt's usage tracker is cut out, not only switched off
    assert "turn_on_tracking()" not in page.replace("turn_on_tracking:function", "")
    assert manifest_of(page)["metadata"]["send_anonymous_usage_stats"] is False
    # the overview shown is the project's own (it takes precedence over dbt's default one)
    overview = manifest_of(page)["docs"]["doc.healtharchive.__overview__"]
    assert overview["block_contents"].startswith("# healtharchive: the published warehouse")


def test_the_lineage_runs_from_the_lake_to_the_published_tables(page: str) -> None:
    nodes = manifest_of(page)["nodes"]
    timeline = nodes["model.healtharchive.archive__timeline"]
    assert "source.healtharchive.std.encounter" in timeline["depends_on"]["nodes"]
    analytics = nodes["model.healtharchive.analytics__archive__timeline"]
    assert "model.healtharchive.archive__timeline" in analytics["depends_on"]["nodes"]
    assert timeline["description"].startswith("One row per clinical event")
    assert timeline["columns"]["event_time"]["description"]


def test_the_check_refuses_a_page_that_calls_out() -> None:
    with pytest.raises(PublishError, match="network"):
        check_offline('<script src="https://cdn.example/x.js"></script>')
    for loads in (
        '<link rel="stylesheet" href="//fonts.example/a.css">',
        '<img class="logo" src="http://cdn.example/logo.png">',
        'i.async=1,i.src="//cdn.example/sp.js"',
        "body{background:url( 'https://cdn.example/b.png')}",
    ):
        with pytest.raises(PublishError, match="network"):
            check_offline(loads + ' "send_anonymous_usage_stats": false')
    check_offline('<a href="https://example.org/">a link</a> "send_anonymous_usage_stats": false')
    with pytest.raises(PublishError, match="usage"):
        check_offline('{"send_anonymous_usage_stats": true}')


def test_a_docs_bundle_whose_tracker_moved_is_refused() -> None:
    with pytest.raises(PublishError, match="tracker"):
        remove_tracker("<html>another dbt version</html>")
