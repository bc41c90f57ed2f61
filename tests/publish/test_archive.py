"""archive show / export on the hand-built city of scenario.py: lookups, formats, access audit."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from kernel import idno
from kernel.audit import audit_root
from pipelines.cli import app
from pipelines.publish import archive as archive_module
from pipelines.publish import publish
from pipelines.publish.archive import (
    ArchiveFormat,
    ArchiveLookupError,
    export_archives,
    show_archive,
)
from pipelines.publish.archive_lookup import standard_id_no
from tests.publish.scenario import ID_A, ID_B_TYPO, ID_C, D, build_city
from tests.publish.tiny_lake import mention, valid_id, write_crosswalk, write_std

TEXT, JSON = ArchiveFormat.TEXT, ArchiveFormat.JSON


@pytest.fixture
def city(published_city: Path, tmp_path: Path) -> Path:
    """A private copy of the published warehouse, so each test has its own audit store."""
    (tmp_path / "warehouse.duckdb").write_bytes((published_city / "warehouse.duckdb").read_bytes())
    return tmp_path


def audit_lines(data: Path) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(audit_root(data).glob("date=*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_json_archive_is_organised_by_ws_t_483_documents(city: Path) -> None:
    archive = json.loads(show_archive(city, "R1", None, JSON, "dr.li"))
    # R1: the golden record, checkup ck1 (成人健康体检), outpatient encounter e1 (门诊摘要)
    assert [d["code"] for d in archive["documents"]] == ["HSDA00.01", "HSDC00.01", "HSDC00.02"]
    golden = archive["documents"][0]["records"][0]
    assert (golden["id_no"], golden["name"], golden["district_name"]) == (ID_A, "张三", "虎丘区")
    (visit,) = archive["documents"][2]["records"]
    # the diagnosis d1 belongs to encounter e1: it is one of its items, not a record of its own
    assert visit["code"] == "outpatient" and [i["code"] for i in visit["items"]] == ["J06.9"]
    summary = archive["summary"]
    assert summary["basic"]["age_years"] == 45  # born 1980-05-01, as of 2026-02-10
    assert summary["flags"] == {
        "mch": False, "elderly_65_plus": False, "hypertension": False, "diabetes": False,
    }  # fmt: skip
    assert summary["blood_type"] == {"code": "5", "name": "不详"}
    # services: e1 (01-14) and ck1 (02-09); the diagnosis is not a service of its own
    assert [s["event_type"] for s in summary["services"]] == ["encounter", "checkup"]
    assert summary["services"][0]["event_time"] == "2026-01-14T08:00:00+08:00"


def test_text_archive_shows_the_front_page_then_each_document(city: Path) -> None:
    text = show_archive(city, "R3", None, TEXT, "dr.li")
    # R3 is the newborn of delivery b1 (出生医学证明) with one active dose (预防接种报告)
    sections = ("首页", "服务记录列表", "HSDA00.01 个人基本健康信息登记", "HSDB01.01 出生医学证明",
                "HSDB03.01 预防接种报告")  # fmt: skip
    order = [text.index(s) for s in sections]
    assert order == sorted(order)
    assert "妇幼" in text and "乙肝疫苗" in text and "3300 g" in text


@pytest.mark.parametrize(
    "typed",
    [
        ID_A,
        f" {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]} ",  # spaces
        ID_A.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full-width digits
        idno.to_legacy15(ID_A),  # the 15-digit legacy number
    ],
)
def test_an_id_number_in_any_damaged_form_finds_the_resident(city: Path, typed: str) -> None:
    assert json.loads(show_archive(city, None, typed, JSON, "dr.li"))["resident_id"] == "R1"
    (line,) = audit_lines(city)
    assert (line["found_by"], line["resident_id"], line["outcome"]) == ("id_no", "R1", "found")


def test_lower_case_x_standardises_like_the_delivered_numbers() -> None:
    with_x = idno.make("320505", date(1980, 5, 1), 105)  # sequence 105 gives check character X
    assert with_x.endswith("X") and standard_id_no(with_x.lower()) == with_x


@pytest.mark.parametrize(
    "typed",
    [
        ID_A,
        ID_B_TYPO,
        "11010519491231002X",
        "000000000000000000",
        " 11010519491231002x",
        ID_A.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "１２３",
    ],
)
def test_the_fast_path_agrees_with_standardisation(typed: str) -> None:
    import pandas as pd

    from pipelines.standardise.ids import standardise_ids

    assert standard_id_no(typed) == standardise_ids(pd.Series([typed]))["id_no"].iloc[0]


def test_a_damaged_number_that_was_delivered_finds_its_resident(city: Path) -> None:
    # ID_B_TYPO (wrong check character) is not R2's golden number but arrived on mention m4
    assert json.loads(show_archive(city, None, ID_B_TYPO, JSON, "dr.li"))["resident_id"] == "R2"
    assert audit_lines(city)[0]["found_by"] == "id_no_mention"


def test_a_failed_lookup_is_audited_too(city: Path) -> None:
    with pytest.raises(ArchiveLookupError, match="no archive found for resident_id R404"):
        show_archive(city, "R404", None, TEXT, "dr.li")
    with pytest.raises(ArchiveLookupError, match="no archive found for this ID number"):
        show_archive(city, None, valid_id("110105", date(1949, 12, 31), 2), TEXT, "dr.li")
    lines = audit_lines(city)
    assert [(x["outcome"], x["requested_resident_id"], x["resident_id"]) for x in lines] == [
        ("not_found", "R404", None),
        ("not_found", None, None),
    ]


def test_a_retired_resident_id_redirects_to_its_survivor(city: Path) -> None:
    # the linkage stage publishes mpi.resident_redirect (retired id → survivor); a chain
    # OLD2 → OLD1 → R4 is followed; GONE lost every record (no survivor)
    with duckdb.connect(str(city / "warehouse.duckdb")) as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS mpi.resident_redirect "
            "(retired_resident_id VARCHAR, survivor_resident_id VARCHAR)"
        )
        con.execute(
            "INSERT INTO mpi.resident_redirect BY NAME SELECT * FROM (VALUES ('OLD1', 'R4'), "
            "('OLD2', 'OLD1'), ('GONE', NULL)) AS t(retired_resident_id, survivor_resident_id)"
        )
    assert json.loads(show_archive(city, "OLD2", None, JSON, "dr.li"))["resident_id"] == "R4"
    with pytest.raises(ArchiveLookupError, match="GONE"):
        show_archive(city, "GONE", None, JSON, "dr.li")
    found, gone = audit_lines(city)
    assert (found["found_by"], found["requested_resident_id"], found["resident_id"]) == (
        "redirect", "OLD2", "R4",
    )  # fmt: skip
    assert (gone["outcome"], gone["resident_id"]) == ("not_found", None)


def test_an_id_number_on_two_archives_is_ambiguous(tmp_path: Path) -> None:
    # the mother's number entered for her newborn: two residents carry ID_C
    day = date(2026, 3, 1)
    mother = mention("hospital", "H1", "hospital.patient", "p1", "patient", id_no=ID_C)
    baby = mention("hospital", "H1", "hospital.patient", "p2", "patient", id_no=ID_C)
    write_std(tmp_path, "person_mention", day, [mother, baby])
    write_crosswalk(tmp_path, day, {mother["mention_id"]: ("M", "auto"),
                                    baby["mention_id"]: ("B", "auto")})  # fmt: skip
    publish(tmp_path, day)
    with pytest.raises(ArchiveLookupError, match="matches 2 archives: B, M"):
        show_archive(tmp_path, None, ID_C, TEXT, "dr.li")
    assert audit_lines(tmp_path)[0]["outcome"] == "ambiguous"


def test_export_writes_every_archive_and_audits_each(city: Path) -> None:
    summary = export_archives(city, city / "out" / "archives.jsonl", "jsonl", "analyst.zhao")
    lines = (city / "out" / "archives.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["resident_id"] for x in lines] == ["R1", "R2", "R3", "R4"]
    assert (summary.archives, summary.lines) == (4, 4)
    audited = audit_lines(city)
    assert {(x["action"], x["accessed_by"], x["resident_id"]) for x in audited} == {
        ("export", "analyst.zhao", rid) for rid in ("R1", "R2", "R3", "R4")
    }
    assert len({x["access_id"] for x in audited}) == 1  # one export, four archives


def test_no_audit_no_archive(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("audit store not writable")

    monkeypatch.setattr(archive_module, "record_access", broken)
    with pytest.raises(OSError, match="audit"):
        show_archive(city, "R1", None, TEXT, "dr.li")
    with pytest.raises(OSError, match="audit"):
        export_archives(city, city / "archives.jsonl", "jsonl", "analyst.zhao")
    assert not (city / "archives.jsonl").exists()
    assert [p.name for p in city.iterdir()] == ["warehouse.duckdb"]  # no temporary left


def test_the_access_audit_survives_republishing(tmp_path: Path) -> None:
    build_city(tmp_path)
    publish(tmp_path, D)
    show_archive(tmp_path, None, ID_A, TEXT, "dr.li")
    show_archive(tmp_path, "R2", None, ArchiveFormat.FHIR, "nurse.wu")
    publish(tmp_path, D)  # the nightly rebuild of warehouse.duckdb
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT accessed_by, action, found_by, resident_id, outcome, format, data_as_of "
            "FROM audit.access ORDER BY accessed_at"
        ).fetchall()
        every_value = "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM audit.access"
        text = " ".join(str(v) for row in con.execute(every_value).fetchall() for v in row)
    assert rows == [
        ("dr.li", "show", "id_no", "R1", "found", "text", D),
        ("nurse.wu", "show", "resident_id", "R2", "found", "fhir", D),
    ]
    assert ID_A not in text  # the audit keeps record keys, never the number searched for
    for path in audit_root(tmp_path).glob("date=*/*.jsonl"):
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_the_cli_prints_the_archive_and_fails_cleanly_when_none_matches(city: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["archive", "show", "--data", str(city), "--resident", "R4",
                                "--format", "json", "--user", "dr.li"])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["resident_id"] == "R4"
    missing = runner.invoke(app, ["archive", "show", "--data", str(city), "--resident", "R404",
                                  "--user", "nurse.wu"])  # fmt: skip
    assert missing.exit_code == 2 and "no archive found" in missing.output
    assert [x["accessed_by"] for x in audit_lines(city)] == ["dr.li", "nurse.wu"]
