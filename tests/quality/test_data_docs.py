"""Data Docs: GE's site for one night, made to load nothing over the network."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from quality import build_data_docs, validate_date
from quality.offline import external_loads, rewrite
from tests.quality.quality_fixtures import DAMAGED_ID_NO, write_sample_night

D = date(2026, 3, 1)
TEXT_SUFFIXES = (".html", ".css", ".js")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    write_sample_night(data, D)
    validate_date(data, D)
    return build_data_docs(data, D).parent


def _texts(site: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
            if p.suffix in TEXT_SUFFIXES}  # fmt: skip


def test_no_generated_file_loads_anything_over_http(site: Path) -> None:
    assert external_loads(site) == []
    assert len([p for p in _texts(site) if p.suffix == ".html"]) >= 5  # index, 2 results, 2 suites


def test_local_assets_the_pages_point_at_exist(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for asset in ("static/vendor/jquery/jquery.min.js",
                  "static/vendor/bootstrap/css/bootstrap.min.css",
                  "static/vendor/bootstrap/js/bootstrap.bundle.min.js",
                  "static/bootstrap-table-lite.js",
                  "static/vendor/font_awesome/css/all.min.css"):  # fmt: skip
        assert f'"./{asset}"' in index or f'"{asset}"' in index, asset
        assert (site / asset).is_file(), asset
    assert (site / "static/vendor/font_awesome/webfonts/fa-solid-900.woff2").is_file()


def test_pages_cover_the_night_and_show_no_personal_values(site: Path) -> None:
    pages = _texts(site)
    names = " ".join(str(p) for p in pages)
    assert "hospital.patient" in names and "vaccination.dose" in names
    assert not any(DAMAGED_ID_NO in text for text in pages.values())


def test_the_scanner_finds_every_kind_of_load() -> None:
    page = """<script src="https://cdn.example/x.js"></script><link href='http://e.example/a.css'>
    <style>@import "https://f.example/b.css";
    .a { background: url( 'https://g.example/c.png') }</style>
    <a href="#local">ok</a> <img src="static/images/logo-long.png">"""
    found = _scan(page)
    assert sorted(found) == sorted([
        "https://cdn.example/x.js", "http://e.example/a.css", "https://f.example/b.css",
        "https://g.example/c.png",
    ])  # fmt: skip


def _scan(text: str) -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "page.html").write_text(text, encoding="utf-8")
        return [url for _, url in external_loads(Path(folder))]


def test_rewrite_points_cdn_assets_home_and_drops_the_rest(tmp_path: Path) -> None:
    page = """<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>
<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1">
<a href="https://greatexpectations.io">Great Expectations</a>"""
    out = rewrite(page, "../..", tmp_path)
    assert '<script src="../../static/vendor/jquery/jquery.min.js"></script>' in out
    assert "vega" not in out
    assert 'src="../../static/images/logo-long.png"' in out
    assert "<a>Great Expectations</a>" in out
