"""File drops (vaccination JSONL, MCH CSV, checkup GBK CSV): manifest, decoding, parsing.

Every value comes back as Arrow text under the delivered column names, with the 1-based line
it came from, so that drift checks and typing (``conform``) treat files and databases alike.
Lines that cannot be parsed at all (wrong field count, broken JSON) are returned separately to
be quarantined, so delivered = accepted + quarantined still holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.extract.conform import LINE, text_values
from pipelines.extract.errors import DeliveryStopped
from pipelines.extract.outcomes import BAD_LINES_SCHEMA

# The declared encoding, read leniently: a UTF-8 BOM is allowed, GB18030 is a superset of GBK.
DECODERS = {"utf-8": "utf-8-sig", "gbk": "gb18030"}


@dataclass(frozen=True)
class DeliveredFile:
    texts: pa.Table  # text values, delivered column names, plus LINE
    bad_lines: pa.Table  # LINE, record (the raw line), reason
    sha256: str
    rows: int  # data rows in the file, parsed or not (what the manifest counts)


def read_manifest(path: Path) -> dict[str, dict]:
    """``_manifest.json`` as {file name: {"rows", "sha256"}}; DeliveryStopped if unusable."""
    if not path.exists():
        raise DeliveryStopped("incomplete", f"no {path.name} in {path.parent.name}")
    try:
        body = json.loads(path.read_text(encoding="utf-8-sig"))
        return {f["name"]: f for f in body["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryStopped("incomplete", f"unreadable {path.name}: {exc}") from exc


def manifest_entry(manifest: Path, name: str) -> dict:
    entry = read_manifest(manifest).get(name)
    if entry is None:
        raise DeliveryStopped("incomplete", f"{name} is not listed in the manifest")
    return entry


def check_manifest(entry: dict, sha256: str, rows: int | None) -> None:
    """Stop the delivery when its checksum or row count disagrees with the manifest."""
    if str(entry.get("sha256", "")).lower() != sha256:
        raise DeliveryStopped("incomplete", "sha256 differs from the manifest")
    if rows is not None and _int(entry.get("rows")) != rows:
        raise DeliveryStopped(
            "incomplete", f"manifest says {entry.get('rows')} rows, file has {rows}"
        )


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_delivered(name: str, raw: bytes, kind: str, encoding: str) -> DeliveredFile:
    """Decode and parse one delivered file's bytes; DeliveryStopped("drift") if not decodable."""
    try:
        text = raw.decode(DECODERS.get(encoding, encoding))
    except UnicodeDecodeError as exc:
        raise DeliveryStopped("drift", f"{name} is not {encoding} text ({exc.reason})") from exc
    texts, bad = read_jsonl(text) if kind == "jsonl" else read_csv(text)
    return DeliveredFile(texts, bad, sha256_of(raw), texts.num_rows + bad.num_rows)


def undecodable_lines(raw: bytes, kind: str, reason: str) -> pa.Table:
    """Every data line of a file that cannot be decoded, for quarantine (bytes shown as �)."""
    lines = raw.decode("utf-8", "replace").splitlines()
    first = 1 if kind == "jsonl" else 2  # CSV: line 1 is the header
    kept = [(n, line) for n, line in enumerate(lines[first - 1 :], start=first) if line.strip()]
    return _bad([n for n, _ in kept], [line for _, line in kept], [reason] * len(kept))


def _bad(lines: list[int], records: list[str], reasons: list[str]) -> pa.Table:
    return pa.Table.from_arrays(
        [pa.array(lines, pa.int64()), pa.array(records, pa.string()), pa.array(reasons)],
        schema=BAD_LINES_SCHEMA,
    )


def _with_lines(table: pa.Table, lines: object) -> pa.Table:
    return table.append_column(LINE, pa.array(lines, pa.int64()))


def read_csv(text: str) -> tuple[pa.Table, pa.Table]:
    """CSV with a header, every value text. Arrow's parser when each physical line is one row
    (line numbers follow); line by line with ``csv`` otherwise (bad or multi-line rows)."""
    if not text.strip():
        return _with_lines(pa.table({}), []), _bad([], [], [])
    header = next(csv.reader(io.StringIO(text)))
    names = [c.strip() for c in header]
    lines = text.splitlines()
    if len(set(names)) == len(names) and all(line.strip() for line in lines[1:]):
        table = _arrow_csv(text, names)
        if table is not None and table.num_rows == len(lines) - 1:
            return _with_lines(table, range(2, table.num_rows + 2)), _bad([], [], [])
    return _read_csv_slowly(text)


def _arrow_csv(text: str, names: list[str]) -> pa.Table | None:
    """Arrow's CSV reader with all columns as text, or None on any malformed row."""
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        return pacsv.read_csv(io.BytesIO(text.encode()), read_options=read, convert_options=convert)
    except pa.ArrowInvalid:
        return None


def _read_csv_slowly(text: str) -> tuple[pa.Table, pa.Table]:
    reader = csv.reader(io.StringIO(text))
    header = [c.strip() for c in next(reader)]
    rows, lines, bad = [], [], ([], [], [])
    for fields in reader:
        if not fields:
            continue
        if len(fields) != len(header):
            bad[0].append(reader.line_num)
            bad[1].append(",".join(fields))
            bad[2].append(f"{len(fields)} fields, header has {len(header)}")
            continue
        rows.append(fields)
        lines.append(reader.line_num)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    arrays = [pa.array(list(v), pa.string()) for v in columns]
    table = pa.Table.from_arrays(arrays, names=header)  # a doubled header stays doubled: drift
    return _with_lines(table, lines), _bad(*bad)


def read_jsonl(text: str) -> tuple[pa.Table, pa.Table]:
    """One JSON object per line; keys missing from a line are null, broken lines set aside."""
    records, lines, bad = [], [], ([], [], [])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            bad[0].append(number)
            bad[1].append(line)
            bad[2].append("not a JSON object")
            continue
        records.append(record)
        lines.append(number)
    keys = list(dict.fromkeys(k for r in records for k in r))  # first-seen order
    table = pa.table({k: text_values([r.get(k) for r in records]) for k in keys})
    return _with_lines(table, lines), _bad(*bad)
