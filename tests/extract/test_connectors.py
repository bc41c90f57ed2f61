"""Front ends by database URL: env var, config file, the spec's SQLite file; no credentials shown.

Tested with SQLite here; ``test_servers.py`` reads real PostgreSQL and MariaDB servers, and
docs/sources.md says how to point a hospital at them.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from kernel.layout import Layout
from pipelines.extract import extract_date
from pipelines.extract.connectors import URLS_FILE_ENV, env_name, frontends
from pipelines.extract.errors import ExtractError
from pipelines.extract.session import Limits
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY

SECRET = "s3cret-pw"


def _log(data: Path) -> pd.DataFrame:
    log = pd.read_parquet(Layout(data).night("ops.load_log", DAY))
    return log.set_index(["dataset", "org_code"])


def _elsewhere(tmp_path: Path) -> Path:
    """H001's front end outside the sources root, as a hospital's own database would be."""
    db = tmp_path / "h001-frontend" / "his.sqlite"
    fx.write_frontend(db, {"patient": [fx.patient()], "encounter": [fx.encounter()]})
    return db


def test_env_var_names_follow_the_org_code() -> None:
    assert env_name("320508-T001") == "HEALTHARCHIVE_FRONTEND_URL_320508_T001"


def test_the_first_configured_source_wins(tmp_path: Path) -> None:
    sources = tmp_path / "s"
    (sources / "hospital" / "H003").mkdir(parents=True)
    (sources / "hospital" / "H003" / "frontend.sqlite").touch()
    config = tmp_path / "frontends.yaml"
    config.write_text(
        "H001: postgresql+psycopg://ro:${H001_PW}@db1:5432/fe\n"
        "H002: mysql+pymysql://ro:${NOT_SET}@db2/fe\n"
        "H009: sqlite:////srv/h009.sqlite\n",
        encoding="utf-8",
    )
    env = {URLS_FILE_ENV: str(config), "H001_PW": SECRET, env_name("H009"): "sqlite:////env.db"}
    found = {f.org_code: f for f in frontends(sources, {"H001", "H002"}, env)}
    # H001 from the file with its password filled in; H002 needs a variable nobody set;
    # H003 only on disk (not in the reference) is read too; H009's env var beats the file
    assert found["H001"].url == f"postgresql+psycopg://ro:{SECRET}@db1:5432/fe"
    assert SECRET not in found["H001"].shown and "***" in found["H001"].shown
    assert found["H001"].label == "frontend:H001" and found["H001"].path is None
    assert "NOT_SET" in found["H002"].problem and SECRET not in found["H002"].problem
    assert found["H003"].path == sources / "hospital" / "H003" / "frontend.sqlite"
    assert found["H009"].url == "sqlite:////env.db"


def test_a_hospital_configured_by_file_is_extracted(tmp_path: Path, monkeypatch) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    config = tmp_path / "frontends.yaml"
    config.write_text(f"H002: sqlite:///{_elsewhere(tmp_path)}\n", encoding="utf-8")
    monkeypatch.setenv(URLS_FILE_ENV, str(config))
    extract_date(sources, data, DAY)
    log = _log(data)
    # H002 has no file under sources/hospital: before, every table was 'missing'
    assert log.loc[("patient", "H002"), "status"] == "loaded"
    assert log.loc[("patient", "H002"), "source_file"] == "frontend:H002#patient"
    assert log.loc[("patient", "H001"), "source_file"] == "hospital/H001/frontend.sqlite#patient"


def test_an_env_var_points_a_hospital_elsewhere(tmp_path: Path, monkeypatch) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    monkeypatch.setenv(env_name("H001"), f"sqlite:///{_elsewhere(tmp_path)}")
    extract_date(sources, data, DAY)
    raw = pd.read_parquet(Layout(data).raw_dir("hospital", "encounter", DAY) / "H001.parquet")
    assert raw["source_file"].tolist() == ["frontend:H001#encounter"]
    assert _log(data).loc[("diagnosis", "H001"), "status"] == "empty"  # not in that database


def test_an_unreachable_database_stops_that_hospital_without_showing_its_password(
    tmp_path: Path, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    sources, data = fx.tiny_city(tmp_path / "s"), tmp_path / "d"
    # port 1 on this machine: refused at once (or no driver installed); never the network
    monkeypatch.setenv(env_name("H001"), f"postgresql://ro:{SECRET}@127.0.0.1:1/fe")
    with caplog.at_level(logging.DEBUG):
        summary = extract_date(sources, data, DAY)
    log = _log(data)
    h001 = log[log.index.get_level_values("org_code") == "H001"]
    assert set(h001["status"]) == {"incomplete"} and len(h001) == 7
    assert h001["message"].str.contains("cannot connect to postgresql://ro:\\*\\*\\*@").all()
    assert SECRET not in caplog.text and not log["message"].str.contains(SECRET).any()
    assert summary.by_status["loaded"] >= 4  # the file drops still came in


def test_an_unreadable_config_file_is_an_error_naming_it(tmp_path: Path, monkeypatch) -> None:
    sources = fx.tiny_city(tmp_path / "s")
    config = tmp_path / "frontends.yaml"
    config.write_text("- just\n- a list\n", encoding="utf-8")
    monkeypatch.setenv(URLS_FILE_ENV, str(config))
    with pytest.raises(ExtractError, match="expected a mapping of org_code to URL"):
        extract_date(sources, tmp_path / "d", DAY)


def test_a_hospital_may_have_limits_of_its_own(tmp_path: Path) -> None:
    config = tmp_path / "frontends.yaml"
    config.write_text(
        "H001: {url: 'sqlite:////h1.db', connect_timeout_s: 30, statement_timeout_s: 600}\n"
        "H002: sqlite:////srv/h002.sqlite\n",
        encoding="utf-8",
    )
    found = {f.org_code: f for f in frontends(tmp_path / "s", set(), {URLS_FILE_ENV: str(config)})}
    assert found["H001"].limits == Limits(connect_s=30, statement_s=600)
    assert found["H002"].limits == Limits(connect_s=10, statement_s=120)  # the city's defaults


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("{url: 'sqlite:////x', statment_timeout_s: 5}", "unknown keys ['statment_timeout_s']"),
        ("{url: 'sqlite:////x', connect_timeout_s: soon}", "connect_timeout_s is not seconds > 0"),
        ("{connect_timeout_s: 5}", "expected a mapping of org_code to URL"),
    ],
)
def test_limits_in_the_front_ends_file_are_checked(tmp_path: Path, entry: str, words: str) -> None:
    config = tmp_path / "frontends.yaml"
    config.write_text(f"H001: {entry}\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=re.escape(words)):
        frontends(tmp_path / "s", set(), {URLS_FILE_ENV: str(config)})
