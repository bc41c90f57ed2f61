"""End to end: a tiny simulated city, every night of it, published tables checked against truth."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.publish.ops_publish import VOLATILE
from pipelines.run import days_between, run_date

pytestmark = pytest.mark.e2e

START, DAYS = date(2026, 3, 1), 6
LAST = START + timedelta(days=DAYS - 1)

# DESIGN.md: published tables and the columns outside tools rely on
PUBLISHED = {
    "mpi.record_link": {"source", "org_code", "record_id", "role", "resident_id"},
    "mpi.resident": {
        "resident_id", "id_no", "name", "sex_code", "birth_date", "phone", "address",
        "district_code",
    },
    "archive.timeline": {
        "resident_id", "event_time", "source", "org_code", "event_type", "code", "description",
        "value", "unit",
    },
    "metrics.indicator": {
        "period", "scope_type", "scope_code", "indicator_code", "breakdown", "numerator",
        "denominator", "value",
    },
    "quality.result": {
        "run_date", "source", "org_code", "dataset", "check_code", "dimension", "checked", "failed",
        "severity",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from simulator import SimConfig, simulate_city

    root = tmp_path_factory.mktemp("city")
    sources, data = root / "sources", root / "data"
    # a tiny city sees few families and little damage at realistic rates: turn both up
    noisy = SimConfig(noise_scale=3.0, birth_rate=0.3)
    simulate_city(sources, residents=1200, start=START, days=DAYS, seed=11, config=noisy)
    for night in days_between(START, LAST):
        run_date(sources, data, night)
    return sources, data


def _table(data: Path, name: str, db: str = "warehouse.duckdb") -> pd.DataFrame:
    with duckdb.connect(str(data / db), read_only=True) as con:
        return con.sql(f"SELECT * FROM {name}").df()


def test_published_tables_have_the_contracted_columns(city: tuple[Path, Path]) -> None:
    _, data = city
    for name, columns in PUBLISHED.items():
        assert columns <= set(_table(data, name).columns), name


def test_every_person_mention_has_exactly_one_record_link(city: tuple[Path, Path]) -> None:
    sources, data = city
    key = ["source", "org_code", "record_id", "role"]
    truth = pd.read_csv(sources / "truth" / "record_person.csv", dtype=str)
    links = _table(data, "mpi.record_link")[key].astype(str)
    assert not links.duplicated().any()
    merged = truth[key].merge(links, on=key, how="outer", indicator=True)
    # deleted hospital rows may leave the index; nothing else may be missing or invented
    assert (merged["_merge"] == "right_only").sum() == 0
    missing = merged[merged["_merge"] == "left_only"]
    assert len(missing) <= 0.01 * len(truth), missing.head()


def test_linkage_beats_the_id_number_only_index(city: tuple[Path, Path]) -> None:
    from matching import evaluate

    sources, data = city
    figures = evaluate(sources, data)
    model, baseline = figures["overall"], figures["id_only_baseline"]
    assert model["precision"] >= 0.99
    assert model["true_pairs"] >= 20, "the city is too small to compare the two indexes"
    assert model["recall"] > baseline["recall"]
    assert model["persons_split_share"] < baseline["persons_split_share"]


def test_rerunning_a_night_gives_the_same_warehouse(city: tuple[Path, Path]) -> None:
    sources, data = city
    before = {name: _sorted(_table(data, name), name) for name in PUBLISHED}
    run_date(sources, data, LAST)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(_sorted(_table(data, name), name), frame, obj=name)


def _sorted(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    # every column but those a rerun may change (declared with ops.publish; none of these)
    frame = frame.drop(columns=list(VOLATILE.get(table, ())))
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_analytics_holds_no_direct_identifiers(city: tuple[Path, Path]) -> None:
    _, data = city
    with duckdb.connect(str(data / "analytics.duckdb"), read_only=True) as con:
        columns = {
            row[0]
            for row in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE NOT internal"
            ).fetchall()
        }
    assert not columns & {"id_no", "name", "phone", "address", "birth_date"}
