"""File drops: manifest checks, schema drift, typing and quarantine, one delivery at a time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kernel.layout import Layout
from pipelines.extract import deliveries, extract_date, frontend
from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY

D = DAY.isoformat()


def _log(data: Path) -> pd.DataFrame:
    log = pd.read_parquet(Layout(data).night("ops.load_log", DAY))
    return log.set_index(["dataset", "org_code"])


def _raw(data: Path, source: str, dataset: str, org: str) -> pd.DataFrame:
    return pd.read_parquet(Layout(data).raw_dir(source, dataset, DAY) / f"{org}.parquet")


def _quarantine(data: Path, source: str, dataset: str, org: str) -> pd.DataFrame:
    return pd.read_parquet(Layout(data).quarantine_dir(source, dataset, DAY) / f"{org}.parquet")


@pytest.fixture
def city(tmp_path: Path) -> tuple[Path, Path]:
    return fx.tiny_city(tmp_path / "sources"), tmp_path / "data"


def test_a_clean_night_loads_every_delivery(city: tuple[Path, Path]) -> None:
    sources, data = city
    summary = extract_date(sources, data, DAY)
    log = _log(data)
    # tiny_city: 1 patient, 1 encounter, 1 diagnosis, 1 dose, 1 delivery, 1 child checkup, 1 checkup
    assert summary.rows_accepted == 7 and summary.rows_quarantined == 0
    assert log.loc[("visit", "C001"), "status"] == "loaded"
    assert log.loc[("patient", "H002"), "status"] == "missing"  # H002 has no front-end database
    assert log.loc[("prescription", "H001"), "status"] == "empty"
    assert log.loc[("prenatal_visit", "M001"), "status"] == "missing"
    assert (log["rows_delivered"] == log["rows_accepted"] + log["rows_quarantined"]).all()


def test_checkup_gbk_chinese_headers_are_renamed_to_contract_names(city: tuple[Path, Path]) -> None:
    sources, data = city
    extract_date(sources, data, DAY)
    row = _raw(data, "checkup", "visit", "C001").iloc[0]
    assert row["exam_no"] == "T1" and row["name"] == "陈建国" and row["sex_label"] == "男"
    assert row["systolic_bp"] == 128 and row["fasting_glucose"] == pytest.approx(5.4)
    assert row["source_file"] == f"checkup/{D}/C001.csv" and row["load_date"] is not None


def test_utf8_with_bom_is_read(city: tuple[Path, Path]) -> None:
    sources, data = city
    body = b"\xef\xbb\xbf" + fx.csv_text([fx.delivery()]).encode()
    fx.write_drop(sources / "mch" / D / "M001", {"delivery.csv": body})
    extract_date(sources, data, DAY)
    assert _raw(data, "mch", "delivery", "M001")["record_id"].tolist() == ["DL1"]


# Negative cases as a table: (what is done to the delivery, expected status, words in message).
def _extra_column(s: Path) -> None:
    fx.write_drop(s / "vaccination" / D, {"V001.jsonl": fx.jsonl_text([fx.dose(lot="x")]).encode()})


def _missing_column(s: Path) -> None:
    row = fx.dose()
    del row["site"]
    fx.write_drop(s / "vaccination" / D, {"V001.jsonl": fx.jsonl_text([row]).encode()})


def _renamed_column(s: Path) -> None:
    row = fx.checkup()
    row["手机号码"] = row.pop("联系电话")
    fx.write_drop(s / "checkup" / D, {"C001.csv": fx.csv_text([row]).encode("gbk")})


def _bad_checksum(s: Path) -> None:
    body = fx.jsonl_text([fx.dose()]).encode()
    fx.write_drop(s / "vaccination" / D, {"V001.jsonl": body}, {"V001.jsonl": {"sha256": "0" * 64}})


def _bad_row_count(s: Path) -> None:
    body = fx.jsonl_text([fx.dose()]).encode()
    fx.write_drop(s / "vaccination" / D, {"V001.jsonl": body}, {"V001.jsonl": {"rows": 2}})


def _listed_but_absent(s: Path) -> None:
    (s / "vaccination" / D / "V001.jsonl").unlink()


def _not_in_manifest(s: Path) -> None:
    (s / "vaccination" / D / "_manifest.json").write_text('{"date": "x", "files": []}')


def _duplicated_column(s: Path) -> None:
    text = fx.csv_text([fx.delivery()])
    header, row = text.splitlines()
    fx.write_drop(s / "mch" / D / "M001", {
        "delivery.csv": f"{header},record_id\n{row},DL1\n".encode(),
        "child_checkup.csv": fx.csv_text([fx.child_checkup()]).encode(),
    })  # fmt: skip


def _no_manifest(s: Path) -> None:
    (s / "vaccination" / D / "_manifest.json").unlink()


def _broken_manifest(s: Path) -> None:
    (s / "vaccination" / D / "_manifest.json").write_text('{"files": [{"nam', encoding="utf-8")


def _not_gbk(s: Path) -> None:
    fx.write_drop(s / "checkup" / D, {"C001.csv": b"\xff\xfe\xff" + "体检编号\n".encode()})


NEGATIVE = [
    (_extra_column, "vaccination", "dose", "V001", "drift", "unexpected columns ['lot']"),
    (_missing_column, "vaccination", "dose", "V001", "drift", "missing columns ['site']"),
    (_renamed_column, "checkup", "visit", "C001", "drift", "renamed? '联系电话' → '手机号码'"),
    (_bad_checksum, "vaccination", "dose", "V001", "incomplete", "sha256 differs"),
    (
        _bad_row_count,
        "vaccination",
        "dose",
        "V001",
        "incomplete",
        "manifest says 2 rows, file has 1",
    ),
    (
        _listed_but_absent,
        "vaccination",
        "dose",
        "V001",
        "incomplete",
        "listed in the manifest but absent",
    ),
    (_not_in_manifest, "vaccination", "dose", "V001", "incomplete", "not listed in the manifest"),
    (_not_gbk, "checkup", "visit", "C001", "drift", "is UTF-16 text, not GBK"),
    (_duplicated_column, "mch", "delivery", "M001", "drift", "duplicated columns ['record_id']"),
    (_no_manifest, "vaccination", "dose", "V001", "incomplete", "no _manifest.json"),
    (_broken_manifest, "vaccination", "dose", "V001", "incomplete", "unreadable _manifest.json"),
]


@pytest.mark.parametrize(("damage", "source", "dataset", "org", "status", "words"), NEGATIVE)
def test_a_bad_delivery_stops_only_itself(
    city: tuple[Path, Path], damage, source: str, dataset: str, org: str, status: str, words: str
) -> None:
    sources, data = city
    damage(sources)
    extract_date(sources, data, DAY)
    log = _log(data)
    entry = log.loc[(dataset, org)]
    assert entry["status"] == status and words in entry["message"]
    assert entry["rows_accepted"] == 0
    assert not (Layout(data).raw_dir(source, dataset, DAY) / f"{org}.parquet").exists()
    # the rest of the night is loaded as usual
    assert f"{source}/{D}/" in entry["message"]  # the message names the file
    assert log.loc[("child_checkup", "M001"), "status"] == "loaded"
    assert log.loc[("patient", "H001"), "status"] == "loaded"
    assert (log["rows_delivered"] == log["rows_accepted"] + log["rows_quarantined"]).all()


def test_an_undecodable_line_is_quarantined_in_its_own_encoding(city: tuple[Path, Path]) -> None:
    sources, data = city
    body = fx.csv_text([fx.checkup(), fx.checkup(体检编号="T2")]).encode("gbk")
    body = body.replace("陈建国".encode("gbk"), b"\xff\xff", 1)  # bytes no GBK text has
    fx.write_drop(sources / "checkup" / D, {"C001.csv": body})
    extract_date(sources, data, DAY)
    entry = _log(data).loc[("visit", "C001")]
    # two data lines: line 2 quarantined with the reason, line 3 loaded
    assert (entry["status"], entry["rows_delivered"], entry["rows_quarantined"]) == ("loaded", 2, 1)
    assert "line 2: not GBK text at byte 4 of the line" in entry["message"]
    held = _quarantine(data, "checkup", "visit", "C001")
    assert held["line"].tolist() == [2]
    # the rest of the line reads as the GBK it is (before the fix it was re-decoded as UTF-8)
    assert "未见异常" in held["record"][0] and "\ufffd" in held["record"][0]


def test_a_stopped_file_keeps_its_rows_in_quarantine(city: tuple[Path, Path]) -> None:
    sources, data = city
    _bad_row_count(sources)
    extract_date(sources, data, DAY)
    kept = _quarantine(data, "vaccination", "dose", "V001")
    # the one delivered row, keyed by record_id, the whole row kept as JSON for review
    assert kept["row_key"].tolist() == ["R1"]
    assert '"vaccine_code":"0201"' in kept["record"][0]
    assert _log(data).loc[("dose", "V001"), "rows_delivered"] == 1


def test_unreadable_values_are_quarantined_and_the_rest_accepted(city: tuple[Path, Path]) -> None:
    sources, data = city
    rows = [
        fx.dose(record_id="R1"),
        fx.dose(record_id="R2", dose_no="two"),  # not an integer
        fx.dose(record_id="R3", vaccinated_at="2026-02-30 10:00"),  # no such day
        fx.dose(record_id="R4", vaccine_code=""),  # required and empty
        fx.dose(record_id="R5", recipient_id_no="１２３ x"),  # identity text: not quarantined
    ]
    body = (fx.jsonl_text(rows) + "{not json\n").encode()
    fx.write_drop(sources / "vaccination" / D, {"V001.jsonl": body})
    extract_date(sources, data, DAY)
    # 6 lines delivered: R1 and R5 accepted; R2, R3, R4 and the broken line quarantined
    assert _raw(data, "vaccination", "dose", "V001")["record_id"].tolist() == ["R1", "R5"]
    q = _quarantine(data, "vaccination", "dose", "V001").set_index("line")
    assert (
        q.loc[2, "column"] == "dose_no" and q.loc[2, "reason"] == "dose_no: not readable as integer"
    )
    assert q.loc[3, "column"] == "vaccinated_at"
    assert q.loc[4, "reason"] == "vaccine_code: required value missing"
    assert q.loc[6, "reason"].startswith("not a JSON object") and pd.isna(q.loc[6, "row_key"])
    entry = _log(data).loc[("dose", "V001")]
    assert (entry["rows_delivered"], entry["rows_accepted"], entry["rows_quarantined"]) == (6, 2, 4)
    assert entry["status"] == "loaded"


def test_a_csv_row_with_too_many_fields_is_quarantined_with_its_line(
    city: tuple[Path, Path],
) -> None:
    sources, data = city
    text = fx.csv_text([fx.delivery(record_id="DL1"), fx.delivery(record_id="DL2")])
    lines = text.splitlines()
    lines[2] += ",surplus"  # line 3 (second data row) has one field too many
    fx.write_drop(
        sources / "mch" / D / "M001", {"delivery.csv": ("\n".join(lines) + "\n").encode()}
    )
    extract_date(sources, data, DAY)
    assert _raw(data, "mch", "delivery", "M001")["record_id"].tolist() == ["DL1"]
    q = _quarantine(data, "mch", "delivery", "M001")
    assert q["line"].tolist() == [3] and "13 fields" in q["reason"][0]


def test_an_institution_that_delivers_nothing_is_not_an_error(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    fx.write_reference(sources)  # institutions, but not one file delivered
    summary = extract_date(sources, tmp_path / "data", DAY)
    assert summary.rows_delivered == 0 and set(summary.by_status) == {"missing"}


def test_an_institution_missing_from_the_reference_is_still_read(city: tuple[Path, Path]) -> None:
    sources, data = city
    fx.write_drop(sources / "checkup" / D, {
        "C001.csv": fx.csv_text([fx.checkup()]).encode("gbk"),
        "C999.csv": fx.csv_text([fx.checkup(体检编号="T9")]).encode("gbk"),
    })  # fmt: skip
    extract_date(sources, data, DAY)
    assert _raw(data, "checkup", "visit", "C999")["exam_no"].tolist() == ["T9"]
    assert pq.read_table(Layout(data).night("ops.load_log", DAY)).num_rows > 0


def test_a_fault_in_extract_costs_one_delivery_not_the_night(
    city: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    sources, data = city
    real = deliveries.read_delivered

    def broken_on_checkups(raw: bytes, kind: str, encoding: str) -> object:
        if encoding == "gbk":
            raise KeyError("".join(["陈", "建国"]))  # a bug, whose text quotes a value
        return real(raw, kind, encoding)

    monkeypatch.setattr(deliveries, "read_delivered", broken_on_checkups)
    monkeypatch.setattr(frontend, "_changed_rows", lambda *a: 1 / 0)
    extract_date(sources, data, DAY)
    log = _log(data)
    entry = log.loc[("visit", "C001")]
    assert entry["status"] == "incomplete" and "because of a fault in extract" in entry["message"]
    hospital = log[log.index.get_level_values("org_code") == "H001"]
    assert set(hospital["status"]) == {"incomplete"} and len(hospital) == 7
    assert log.loc[("dose", "V001"), "status"] == "loaded"
    assert "KeyError" in caplog.text and "陈建国" not in caplog.text  # where, never what
