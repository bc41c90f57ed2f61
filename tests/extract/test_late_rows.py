"""Late rows: a front-end row stamped before the night it reaches the database is taken the next
night (high-water mark + look-back, ``pipelines/extract/marks.py``), and no row is taken twice.

On the spec's SQLite front end; ``test_servers.py`` checks the same on PostgreSQL and MariaDB.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kernel.city import city
from kernel.layout import Layout
from pipelines.extract import extract_date
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY

DAY0, DAY2 = DAY - timedelta(days=1), DAY + timedelta(days=1)


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path]:
    sources = tmp_path / "sources"
    fx.write_reference(sources)
    fx.write_frontend(_db(sources), {})
    return sources, tmp_path / "data"


def _db(sources: Path) -> Path:
    return sources / "hospital" / "H001" / "frontend.sqlite"


def _arrive(sources: Path, *patients: dict) -> None:
    """Rows reaching the front end (the HIS syncing into it), whatever their stamp."""
    with sqlite3.connect(_db(sources)) as con:
        for row in patients:
            con.execute(f"INSERT INTO patient ({', '.join(row)}) VALUES "
                        f"({', '.join('?' * len(row))})", list(row.values()))  # fmt: skip


def _night(roots: tuple[Path, Path], day: date) -> pd.Series:
    extract_date(*roots, day)
    log = pd.read_parquet(Layout(roots[1]).night("ops.load_log", day))
    return log.set_index(["dataset", "org_code"]).loc[("patient", "H001")]


def _patients(data: Path, day: date) -> list[str]:
    path = Layout(data).raw_dir("hospital", "patient", day) / "H001.parquet"
    return sorted(pd.read_parquet(path)["patient_id"]) if path.exists() else []


def _stamp(day: date, hour: int) -> str:
    return f"{day}T{hour:02d}:00:00+08:00"


def test_a_row_stamped_yesterday_that_arrives_late_is_taken_tonight(roots) -> None:
    sources, data = roots
    _arrive(sources, fx.patient(patient_id="P1", updated_at=_stamp(DAY, 9)))
    _night(roots, DAY)
    # after night D ran: a row stamped 23:00 on D arrives, and one of D+1
    _arrive(sources, fx.patient(patient_id="P2", updated_at=_stamp(DAY, 23)),
            fx.patient(patient_id="P3", updated_at=_stamp(DAY2, 8)))  # fmt: skip
    entry = _night(roots, DAY2)
    assert _patients(data, DAY2) == ["P2", "P3"]  # P1, extracted on D, is not taken again
    assert (entry["rows_delivered"], entry["rows_accepted"], entry["rows_quarantined"]) == (2, 2, 0)
    assert "1 late rows (changed before 2026-03-02, not extracted before) taken" in entry["message"]
    marks = json.loads(Layout(data).frontend_marks(DAY2).read_text(encoding="utf-8"))
    assert marks["H001"]["patient"] == "2026-03-02T08:00:00+08:00"  # the greatest taken


def test_the_first_night_of_a_table_takes_only_its_date(roots) -> None:
    sources, data = roots
    _arrive(sources, fx.patient(patient_id="P0", updated_at=_stamp(DAY0, 23)),
            fx.patient(patient_id="P1", updated_at=_stamp(DAY, 9)))  # fmt: skip
    _night(roots, DAY)  # no mark yet: nothing to look back from
    assert _patients(data, DAY) == ["P1"]


def test_a_night_the_front_end_could_not_be_read_is_made_up_the_next(roots) -> None:
    sources, data = roots
    _arrive(sources, fx.patient(patient_id="P0", updated_at=_stamp(DAY0, 10)))
    _night(roots, DAY0)
    good = _db(sources).read_bytes()
    _db(sources).write_bytes(b"not a database at all" * 100)
    assert _night(roots, DAY)["status"] == "incomplete"  # the mark stays at night D-1's
    _db(sources).write_bytes(good)
    _arrive(sources, fx.patient(patient_id="P1", updated_at=_stamp(DAY, 9)),
            fx.patient(patient_id="P2", updated_at=_stamp(DAY2, 9)))  # fmt: skip
    entry = _night(roots, DAY2)
    assert _patients(data, DAY2) == ["P1", "P2"] and "1 late rows" in entry["message"]


def test_an_older_version_arriving_late_does_not_supersede_a_newer_one(roots) -> None:
    sources, data = roots
    _arrive(sources, fx.patient(patient_id="P1", phone="13900000002", updated_at=_stamp(DAY, 12)))
    _night(roots, DAY)
    _arrive(sources, fx.patient(patient_id="P1", phone="13900000001", updated_at=_stamp(DAY, 10)))
    entry = _night(roots, DAY2)
    assert _patients(data, DAY2) == [] and entry["status"] == "empty"


def test_a_quarantined_row_is_not_quarantined_again_the_next_night(roots) -> None:
    sources = roots[0]
    _arrive(sources, fx.patient(patient_id="P1", name="", updated_at=_stamp(DAY, 22)))
    assert _night(roots, DAY)["rows_quarantined"] == 1  # name is required
    entry = _night(roots, DAY2)  # still in the look-back window: already dealt with
    assert (entry["status"], entry["rows_delivered"]) == ("empty", 0)


def test_a_rerun_of_a_night_takes_the_same_rows(roots) -> None:
    sources, data = roots
    _arrive(sources, fx.patient(patient_id="P1", updated_at=_stamp(DAY, 9)))
    _night(roots, DAY)
    _arrive(sources, fx.patient(patient_id="P2", updated_at=_stamp(DAY, 23)))
    first = _night(roots, DAY2)
    again = _night(roots, DAY2)  # marks and raw of the nights before D+1 only
    assert _patients(data, DAY2) == ["P2"] and first.equals(again)


def test_without_look_back_only_rows_after_the_mark_are_late(roots, monkeypatch) -> None:
    sources, data = roots
    monkeypatch.setenv("HEALTHARCHIVE_CITY_FRONTEND_LOOKBACK_HOURS", "0")
    city.cache_clear()
    try:
        _arrive(sources, fx.patient(patient_id="P1", updated_at=_stamp(DAY, 12)))
        _night(roots, DAY)
        _arrive(
            sources,
            fx.patient(patient_id="P2", updated_at=_stamp(DAY, 10)),  # before
            fx.patient(patient_id="P3", updated_at=_stamp(DAY, 13)),
        )  # after the mark
        _night(roots, DAY2)
        assert _patients(data, DAY2) == ["P3"]
    finally:
        city.cache_clear()
