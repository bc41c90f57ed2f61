"""A bad-input corpus, built by code: each kind damages one delivery of a small clean city.

``build(kind, parent)`` writes a clean sources root (``fixtures.tiny_city``: front end H001,
vaccination V001, MCH M001, checkup C001) under ``parent/sources``, a folder of files that must
never be read under ``parent/outside``, then lets the kind's builder damage one delivery.
``KINDS`` is the table: (kind, builder, what extract is expected to make of it). A builder may
return a ``Holder`` — environment to set while the night runs, something to close after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.extract import corpus_damage as damage
from tests.extract import fixtures as fx
from tests.extract.corpus_damage import DAY, DAY2, SECRET, Corpus, Holder

__all__ = ["KINDS", "SECRET", "Corpus", "Expect", "Holder", "build"]


@dataclass(frozen=True)
class Expect:
    dataset: str  # "vaccination.dose"; a source alone ("hospital") means all its tables
    org: str
    status: str
    words: tuple[str, ...] = ()  # in the load-log message
    accepted: int | None = None
    quarantined: int | None = None
    held_text: str = ""  # the quarantined record reads so (its own encoding)
    nights: tuple = (DAY,)  # extracted in order; the last one is checked
    whole_night: bool = False  # pipelines.run.run_date instead of extract alone
    quality_check: str = ""  # whole night: a check_code quality.result fails for the org


def build(builder: Callable[[Corpus], Holder | None], parent: Path) -> tuple[Corpus, Holder]:
    c = Corpus(parent / "sources", parent / "outside")
    fx.tiny_city(c.sources)
    c.outside.mkdir()
    (c.outside / "secret.jsonl").write_text(fx.jsonl_text([fx.dose(record_id=SECRET)]), "utf-8")
    return c, builder(c) or Holder()


DOSE, BIRTH, VISIT = "vaccination.dose", "mch.delivery", "checkup.visit"
KINDS: list[tuple[str, Callable[[Corpus], Holder | None], Expect]] = [
    ("ragged row, too many fields", damage.ragged_long,
     Expect(BIRTH, "M001", "loaded", ("line 3", "13 fields, header has 12"), 1, 1)),
    ("ragged row, too few fields", damage.ragged_short,
     Expect(BIRTH, "M001", "loaded", ("line 3", "11 fields, header has 12"), 1, 1)),
    ("wrong delimiter", damage.wrong_delimiter,
     Expect(BIRTH, "M001", "drift", ("M001/delivery.csv", "separated by ';'"), 0, 2)),
    ("truncated JSON Lines", damage.truncated_jsonl,
     Expect(DOSE, "V001", "loaded", ("line 3", "cut short"), 2, 1)),
    ("truncated in transfer (manifest of the whole file)", damage.truncated_in_transfer,
     Expect(DOSE, "V001", "incomplete", ("V001.jsonl", "sha256 differs from the manifest"), 0, 2)),
    ("invalid JSON Lines", damage.invalid_jsonl,
     Expect(DOSE, "V001", "loaded", ("line 2: not a JSON object", "line 3", "JSON array"), 1, 2)),
    ("invalid GBK bytes", damage.invalid_gbk,
     Expect(VISIT, "C001", "loaded", ("line 2", "not GBK text at byte"), 1, 1,
            held_text="未见异常")),
    ("invalid UTF-8 bytes", damage.invalid_utf8,
     Expect(DOSE, "V001", "loaded", ("line 2", "not UTF-8 text"), 1, 1, held_text="乙肝疫苗")),
    ("mixed encodings: a UTF-8 line in the GBK file", damage.utf8_line_in_gbk,
     Expect(VISIT, "C001", "loaded", ("line 3", "a UTF-8 line in a GBK file"), 1, 1,
            held_text="陈建国")),
    ("mixed encodings: a GBK line in a UTF-8 file", damage.gbk_line_in_utf8,
     Expect(BIRTH, "M001", "loaded", ("line 3", "reads as GBK"), 1, 1, held_text="张丽")),
    ("UTF-8 BOM on a CSV", damage.bom_csv, Expect(BIRTH, "M001", "loaded", (), 1, 0)),
    ("UTF-8 BOM on JSON Lines", damage.bom_jsonl, Expect(DOSE, "V001", "loaded", (), 1, 0)),
    ("UTF-8 BOM on the GBK file", damage.bom_gbk,
     Expect(VISIT, "C001", "loaded", ("byte-order mark before GBK text was ignored",), 1, 0)),
    ("UTF-16 file", damage.utf16, Expect(VISIT, "C001", "drift", ("is UTF-16 text, not GBK",), 0, 1,
                                  held_text="陈建国")),
    ("the GBK file delivered as UTF-8", damage.gbk_file_in_utf8,
     Expect(VISIT, "C001", "drift", ("C001.csv is UTF-8 text, not GBK",), 0, 2,
            held_text="陈建国")),
    ("empty file, 0 bytes", damage.zero_bytes, Expect(DOSE, "V001", "empty", (), 0, 0)),
    ("empty file, header only", damage.header_only, Expect(BIRTH, "M001", "empty", (), 0, 0)),
    ("a 10 MB field", damage.ten_mb_field,
     Expect(BIRTH, "M001", "loaded", ("line 3", "baby_name: longer than 65536 characters"), 1, 1)),
    ("missing manifest", damage.no_manifest,
     Expect(DOSE, "V001", "incomplete", ("V001.jsonl", "no _manifest.json"), 0, 1)),
    ("lying manifest: wrong sha256", damage.wrong_sha256,
     Expect(DOSE, "V001", "incomplete", ("sha256 differs from the manifest",), 0, 1)),
    ("lying manifest: wrong row count", damage.wrong_rows,
     Expect(DOSE, "V001", "incomplete", ("manifest says 5 rows, file has 1",), 0, 1)),
    ("extra manifest entry", damage.extra_entry,
     Expect(DOSE, "V002", "incomplete", ("V002.jsonl is listed in the manifest but absent",),
            0, 0)),
    ("file not in the manifest", damage.not_in_manifest,
     Expect(DOSE, "V001", "incomplete", ("V001.jsonl is not listed in the manifest",), 0, 1)),
    ("manifest names ../", damage.dotdot_entry,
     Expect(DOSE, "V001", "incomplete", ("'../../outside/secret.jsonl'", "not a file name"), 0, 1)),
    ("manifest names an absolute path", damage.absolute_entry,
     Expect(DOSE, "V001", "incomplete", ("secret.jsonl'", "not a file name of this folder"), 0, 1)),
    ("a delivered file linking outside the sources root", damage.link_outside,
     Expect(DOSE, "V001", "incomplete", ("link to a file outside the sources root",), 0, 0)),
    ("file and institution names with quotes", damage.quoted_names,
     Expect(VISIT, "C'0\"1", "loaded", (), 1, 0, whole_night=True)),
    ("a hospital folder named with # ? & =", damage.uri_characters,
     Expect("hospital.patient", "H#1?mode=rwc&x", "loaded", (), 1, 0)),
    ("duplicate delivery", damage.duplicate,
     Expect(DOSE, "V001", "duplicate", ("identical (sha256) to the delivery loaded on 2026-03-01",),
            0, 0, nights=(DAY, DAY2))),
    ("renamed column", damage.renamed_column,
     Expect(BIRTH, "M001", "drift", ("renamed? 'baby_birth_weight_g' → 'baby_weight_g'",), 0, 1)),
    ("missing column", damage.missing_column,
     Expect(DOSE, "V001", "drift", ("missing columns ['site']",), 0, 1)),
    ("a front-end table with a column more", damage.frontend_drift,
     Expect("hospital.encounter", "H001", "drift", ("#encounter", "unexpected columns ['ward']"))),
    ("dates in the future and before 1900", damage.odd_dates,
     Expect(DOSE, "V001", "loaded", (), 2, 0, whole_night=True, quality_check="event_not_future")),
    ("an institution not in the reference", damage.not_in_reference,
     Expect(VISIT, "C999", "loaded", ("'C999' is not listed for checkup",), 1, 0)),
    ("a corrupt SQLite file", damage.corrupt_sqlite,
     Expect("hospital", "H001", "incomplete", ("not a SQLite database",), 0, 0)),
    ("a damaged SQLite file", damage.damaged_sqlite,
     Expect("hospital", "H001", "incomplete", ("damaged",), 0, 0)),
    ("a locked SQLite database (never answers)", damage.locked_sqlite,
     Expect("hospital", "H001", "incomplete", ("locked by another program for longer than",
                                              "stopped answering at deleted_rows"),
            0, 0)),
    ("a front-end query that never ends", damage.endless_query,
     Expect("hospital", "H001", "incomplete",
            ("did not answer within 1 s (deleted_rows)", "stopped answering at deleted_rows"),
            0, 0)),
    ("a database server that never answers", damage.silent_server,
     Expect("hospital", "H001", "incomplete",
            ("cannot connect to postgresql", "did not answer within 2 s"), 0, 0)),
    ("values that look like SQL", damage.sql_values,
     Expect(DOSE, "V001", "loaded", (), 1, 0, whole_night=True)),
    ("a line separator (U+2028) inside a value", damage.line_separator,
     Expect(DOSE, "V001", "loaded", (), 1, 0)),
    ("NUL bytes in a value", damage.nul_bytes, Expect(BIRTH, "M001", "loaded", (), 2, 0)),
    ("CRLF line ends", damage.crlf, Expect(BIRTH, "M001", "loaded", (), 2, 0)),
    ("a quoted value over two lines", damage.multiline_value,
     Expect(BIRTH, "M001", "loaded", (), 2, 0)),
    ("a front-end row with an unreadable change time", damage.unreadable_stamp,
     Expect("hospital.patient", "H001", "loaded", ("1 rows with an unreadable change time",),
            1, 0)),
]  # fmt: skip
