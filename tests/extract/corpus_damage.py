"""The damage of the bad-input corpus (``corpus.py``): one small function per kind, each
damaging one delivery of the clean sources root that ``corpus.build`` writes.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from tests.extract import fixtures as fx
from tests.extract.fixtures import DAY

D = DAY.isoformat()
DAY2 = DAY + timedelta(days=1)
SECRET = "OUTSIDE-SECRET-夹带"  # written outside the roots: must never reach the lake
SQL = "'; DROP TABLE patient; --"


@dataclass
class Holder:
    env: dict[str, str] = field(default_factory=dict)
    close: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class Corpus:
    sources: Path
    outside: Path


# -- writing one delivery -----------------------------------------------------------------------
def _doses(c: Corpus, body: bytes, **manifest: object) -> None:
    fx.write_drop(c.sources / "vaccination" / D, {"V001.jsonl": body},
                  {"V001.jsonl": manifest} if manifest else None)  # fmt: skip


def _births(c: Corpus, body: bytes, **manifest: object) -> None:
    """MCH M001's delivery.csv, its sibling child_checkup.csv untouched."""
    folder = c.sources / "mch" / D / "M001"
    sibling = (folder / "child_checkup.csv").read_bytes()
    fx.write_drop(folder, {"delivery.csv": body, "child_checkup.csv": sibling},
                  {"delivery.csv": manifest} if manifest else None)  # fmt: skip


def _checkups(c: Corpus, body: bytes, name: str = "C001.csv") -> None:
    fx.write_drop(c.sources / "checkup" / D, {name: body})


def _also_listed(c: Corpus, names: list[str]) -> None:
    """The vaccination manifest, listing ``names`` besides its true entry."""
    path = c.sources / "vaccination" / D / "_manifest.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    body["files"] += [{"name": n, "rows": 1, "sha256": "0" * 64} for n in names]
    path.write_text(json.dumps(body), encoding="utf-8")


def _frontend(c: Corpus, **tables: list[dict]) -> None:
    """H001's front end written anew, ``tables`` instead of the clean city's."""
    db = c.sources / "hospital" / "H001" / "frontend.sqlite"
    db.unlink()
    clean = {"patient": [fx.patient()], "encounter": [fx.encounter()],
             "diagnosis": [fx.diagnosis()]}  # fmt: skip
    fx.write_frontend(db, clean | tables)


def _two_doses(**second: object) -> list[dict]:
    return [fx.dose(), fx.dose(record_id="R2", **second)]


def _two_births(**second: object) -> str:
    return fx.csv_text([fx.delivery(), fx.delivery(record_id="DL2", **second)])


def _two_checkups(**second: object) -> list[dict]:
    return [fx.checkup(), fx.checkup(体检编号="T2", **second)]


# -- the kinds ----------------------------------------------------------------------------------
def ragged_long(c: Corpus) -> None:
    lines = _two_births().splitlines()
    _births(c, ("\n".join([*lines[:2], lines[2] + ",surplus"]) + "\n").encode())


def ragged_short(c: Corpus) -> None:
    lines = _two_births().splitlines()
    _births(c, ("\n".join([*lines[:2], lines[2].rsplit(",", 1)[0]]) + "\n").encode())


def wrong_delimiter(c: Corpus) -> None:
    _births(c, _two_births().replace(",", ";").encode())


def truncated_jsonl(c: Corpus) -> None:
    body = fx.jsonl_text([*_two_doses(), fx.dose(record_id="R3")]).encode()
    _doses(c, body[: len(body) - 40])  # the manifest describes what arrived: 3 lines


def truncated_in_transfer(c: Corpus) -> None:
    whole = fx.jsonl_text(_two_doses()).encode()
    _doses(c, whole)
    (c.sources / "vaccination" / D / "V001.jsonl").write_bytes(whole[:-30])  # manifest: whole


def invalid_jsonl(c: Corpus) -> None:
    text = fx.jsonl_text([fx.dose()]) + "{'record_id': 'R2'}\n[1, 2]\n"
    _doses(c, text.encode())


def invalid_gbk(c: Corpus) -> None:
    body = fx.csv_text(_two_checkups()).encode("gbk")
    _checkups(c, body.replace("陈建国".encode("gbk"), b"\xff\xfe", 1))  # line 2 only


def invalid_utf8(c: Corpus) -> None:
    body = fx.jsonl_text(_two_doses()).encode()
    _doses(c, body[::-1].replace("某厂".encode()[::-1], b"\xff", 1)[::-1])  # line 2 only


def utf8_line_in_gbk(c: Corpus) -> None:
    first, second = (fx.csv_text(_two_checkups()).splitlines(keepends=True)[i] for i in (1, 2))
    header = fx.csv_text([fx.checkup()]).splitlines(keepends=True)[0]
    _checkups(c, (header + first).encode("gbk") + second.encode("utf-8"))


def gbk_line_in_utf8(c: Corpus) -> None:
    lines = _two_births().splitlines(keepends=True)
    _births(c, "".join(lines[:2]).encode() + lines[2].encode("gbk"))


def bom_csv(c: Corpus) -> None:
    _births(c, b"\xef\xbb\xbf" + fx.csv_text([fx.delivery()]).encode())


def bom_jsonl(c: Corpus) -> None:
    _doses(c, b"\xef\xbb\xbf" + fx.jsonl_text([fx.dose()]).encode())


def bom_gbk(c: Corpus) -> None:
    _checkups(c, b"\xef\xbb\xbf" + fx.csv_text([fx.checkup()]).encode("gbk"))


def utf16(c: Corpus) -> None:
    _checkups(c, fx.csv_text([fx.checkup()]).encode("utf-16"))


def gbk_file_in_utf8(c: Corpus) -> None:
    _checkups(c, fx.csv_text(_two_checkups()).encode("utf-8"))


def zero_bytes(c: Corpus) -> None:
    _doses(c, b"")


def header_only(c: Corpus) -> None:
    _births(c, fx.csv_text([fx.delivery()]).splitlines(keepends=True)[0].encode())


def ten_mb_field(c: Corpus) -> None:
    _births(c, _two_births(baby_name="婴" * (10 * 2**20 // 3)).encode())


def no_manifest(c: Corpus) -> None:
    (c.sources / "vaccination" / D / "_manifest.json").unlink()


def wrong_sha256(c: Corpus) -> None:
    _doses(c, fx.jsonl_text([fx.dose()]).encode(), sha256="0" * 64)


def wrong_rows(c: Corpus) -> None:
    _doses(c, fx.jsonl_text([fx.dose()]).encode(), rows=5)


def extra_entry(c: Corpus) -> None:
    _also_listed(c, ["V002.jsonl"])


def not_in_manifest(c: Corpus) -> None:
    (c.sources / "vaccination" / D / "_manifest.json").write_text(
        f'{{"date": "{D}", "files": []}}', encoding="utf-8"
    )


def dotdot_entry(c: Corpus) -> None:
    _also_listed(c, ["../../outside/secret.jsonl"])


def absolute_entry(c: Corpus) -> None:
    _also_listed(c, [str(c.outside / "secret.jsonl")])


def link_outside(c: Corpus) -> None:
    path = c.sources / "vaccination" / D / "V001.jsonl"
    _doses(c, (c.outside / "secret.jsonl").read_bytes())  # the manifest even agrees
    path.unlink()
    path.symlink_to(c.outside / "secret.jsonl")


def quoted_names(c: Corpus) -> None:
    org = "C'0\"1"
    with (c.sources / "reference" / "institutions.csv").open("a", encoding="utf-8") as f:
        f.write(f'"{org.replace(chr(34), chr(34) * 2)}","体检""中心\'乙",320571,checkup_center,'
                "checkup\n")  # fmt: skip
    fx.write_drop(c.sources / "checkup" / D, {
        "C001.csv": fx.csv_text([fx.checkup()]).encode("gbk"),
        f"{org}.csv": fx.csv_text([fx.checkup(体检编号="T'9\"", 姓名="欧阳\"娜娜'")]).encode("gbk"),
    })  # fmt: skip


def uri_characters(c: Corpus) -> None:
    """A hospital folder whose name would cut a SQLite URI short and make it writable."""
    org = "H#1?mode=rwc&x"
    with (c.sources / "reference" / "institutions.csv").open("a", encoding="utf-8") as f:
        f.write(f"{org},丙医院,320505,tertiary_hospital,hospital\n")
    fx.write_frontend(c.sources / "hospital" / org / "frontend.sqlite",
                      {"patient": [fx.patient(patient_id="P#1")]})  # fmt: skip


def duplicate(c: Corpus) -> None:
    shutil.copytree(c.sources / "vaccination" / D, c.sources / "vaccination" / DAY2.isoformat())


def renamed_column(c: Corpus) -> None:
    row = fx.delivery()
    row["baby_weight_g"] = row.pop("baby_birth_weight_g")
    _births(c, fx.csv_text([row]).encode())


def missing_column(c: Corpus) -> None:
    row = fx.dose()
    del row["site"]
    _doses(c, fx.jsonl_text([row]).encode())


def frontend_drift(c: Corpus) -> None:
    _frontend(c, encounter=[fx.encounter(ward="3F")])


def odd_dates(c: Corpus) -> None:
    doses = [fx.dose(vaccinated_at="2099-01-01T10:00:00+08:00"),
             fx.dose(record_id="R2", recipient_birth_date="1899-12-31")]  # fmt: skip
    _doses(c, fx.jsonl_text(doses).encode())


def not_in_reference(c: Corpus) -> None:
    fx.write_drop(c.sources / "checkup" / D, {
        "C001.csv": fx.csv_text([fx.checkup()]).encode("gbk"),
        "C999.csv": fx.csv_text([fx.checkup(体检编号="T9")]).encode("gbk"),
    })  # fmt: skip


def corrupt_sqlite(c: Corpus) -> None:
    (c.sources / "hospital" / "H001" / "frontend.sqlite").write_bytes(b"SQLite format 2\0" * 512)


def damaged_sqlite(c: Corpus) -> None:
    db = c.sources / "hospital" / "H001" / "frontend.sqlite"
    body = bytearray(db.read_bytes())
    body[100:4096] = b"\x5a" * (4096 - 100)  # page 1 after the header: the schema is gone
    db.write_bytes(bytes(body))


def locked_sqlite(c: Corpus) -> Holder:
    """Another program holds the front end's write lock all night: reads wait, then give up."""
    con = sqlite3.connect(c.sources / "hospital" / "H001" / "frontend.sqlite", isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    return Holder(close=con.close)


def endless_query(c: Corpus) -> None:
    """A front-end table (a view) whose query runs for minutes: SQLite is stopped at the limit."""
    with sqlite3.connect(c.sources / "hospital" / "H001" / "frontend.sqlite") as con:
        con.execute("DROP TABLE deleted_rows")
        con.execute(
            "CREATE VIEW deleted_rows AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
            "FROM n WHERE x < 1000000000) SELECT 'patient' AS table_name, x AS row_id, "
            "'2026-03-01T08:00:00+08:00' AS deleted_at FROM n WHERE x = 0"
        )


def silent_server(c: Corpus) -> Holder:
    """A PostgreSQL URL whose server accepts the connection and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    url = f"postgresql+psycopg://ro:pw@127.0.0.1:{listener.getsockname()[1]}/fe"

    def close() -> None:
        listener.close()
        for s in accepted:
            s.close()

    return Holder(env={"HEALTHARCHIVE_FRONTEND_URL_H001": url}, close=close)


def sql_values(c: Corpus) -> None:
    _doses(c, fx.jsonl_text([fx.dose(recipient_name=SQL, batch_no=SQL)]).encode())
    _frontend(c, patient=[fx.patient(name=SQL, address=SQL)])


def line_separator(c: Corpus) -> None:
    # the manifest counts one row: U+2028 and U+0085 are characters of the value, not line ends
    _doses(c, fx.jsonl_text([fx.dose(manufacturer="某厂\u2028二车间\x85")]).encode(), rows=1)


def nul_bytes(c: Corpus) -> None:
    _births(c, _two_births(baby_name="小\x00明").encode())


def crlf(c: Corpus) -> None:
    _births(c, _two_births().replace("\n", "\r\n").encode())


def multiline_value(c: Corpus) -> None:
    _births(c, _two_births(baby_name="第一行\n第二行").encode(), rows=2)


def unreadable_stamp(c: Corpus) -> None:
    patients = [fx.patient(), fx.patient(patient_id="P2", updated_at="昨天")]
    _frontend(c, patient=patients)
