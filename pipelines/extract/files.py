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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.extract.conform import LINE, text_values
from pipelines.extract.decoding import decode
from pipelines.extract.errors import DeliveryStopped
from pipelines.extract.outcomes import BAD_LINES_SCHEMA

# A CSV field may be long (Python's csv stops at 128 KiB by default and would stop the night);
# a value longer than the contracts allow is quarantined by ``conform`` instead.
CSV_FIELD_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class DeliveredFile:
    texts: pa.Table  # text values, delivered column names, plus LINE
    bad_lines: pa.Table  # LINE, record (the line as it reads), reason
    sha256: str
    rows: int  # data rows in the file, parsed or not (what the manifest counts)
    wrong: str = ""  # the whole file is not in its declared encoding: why
    note: str = ""


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or under it (both resolved by the caller)."""
    return path == root or root in path.parents


def linked_outside(path: Path, root: Path) -> bool:
    """A delivered file that is a symbolic link to somewhere outside the sources root and its
    own folder: never read (a folder may be a link, e.g. to a mounted share; a file may not
    lead the pipeline elsewhere)."""
    if not path.is_symlink():
        return False
    target = path.resolve()
    return not (inside(target, root.resolve()) or inside(target, path.parent.resolve()))


def read_manifest(path: Path) -> dict[str, dict]:
    """``_manifest.json`` as {file name: {"rows", "sha256"}}; DeliveryStopped if unusable."""
    if not path.exists():
        raise DeliveryStopped("incomplete", f"no {path.name} in {path.parent.name}")
    try:
        body = json.loads(path.read_text(encoding="utf-8-sig"))
        entries = {f["name"]: f for f in body["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryStopped("incomplete", f"unreadable {path.name}: {exc}") from exc
    for name in entries:
        if not _plain_name(name):
            raise DeliveryStopped(
                "incomplete",
                f"{path.name} lists {name!r}, which is not a file name of this folder: "
                "the manifest cannot be trusted, nothing it lists is loaded",
            )
    return entries


def _plain_name(name: object) -> bool:
    """A file name in the delivery folder: no folder part, no way up, no absolute path."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and not any(c in name for c in "/\\\0")
        and not (len(name) > 1 and name[1] == ":")  # C:foo on Windows
    )


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


def read_delivered(raw: bytes, kind: str, encoding: str) -> DeliveredFile:
    """Decode (``decoding``) and parse one delivered file's bytes. A file not in its declared
    encoding as a whole comes back with ``wrong`` set and every line in ``bad_lines``."""
    decoded = decode(raw, encoding, header=kind != "jsonl")
    undecodable = _bad([b.line for b in decoded.bad], [b.text for b in decoded.bad],
                       [b.reason for b in decoded.bad])  # fmt: skip
    if decoded.wrong:
        empty = _with_lines(pa.table({}), [])
        return DeliveredFile(empty, undecodable, sha256_of(raw), undecodable.num_rows,
                             decoded.wrong, decoded.note)  # fmt: skip
    texts, bad = read_jsonl(decoded.text) if kind == "jsonl" else read_csv(decoded.text)
    if undecodable.num_rows:
        bad = pa.concat_tables([bad, undecodable]).sort_by(LINE)
    rows = texts.num_rows + bad.num_rows
    return DeliveredFile(texts, bad, sha256_of(raw), rows, note=decoded.note)


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
    lines = physical_lines(text)
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


def physical_lines(text: str) -> list[str]:
    """Lines split at line feeds only: ``str.splitlines`` also splits at U+2028, U+0085 and
    other characters a value may hold."""
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _read_csv_slowly(text: str) -> tuple[pa.Table, pa.Table]:
    limit = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        return _read_rows(csv.reader(io.StringIO(text)))
    finally:
        csv.field_size_limit(limit)


def _read_rows(reader: Iterator[list[str]]) -> tuple[pa.Table, pa.Table]:
    header = [c.strip() for c in next(reader)]
    rows, lines, bad = [], [], ([], [], [])
    for fields in reader:
        if not fields:
            continue
        if len(fields) != len(header):
            bad[0].append(reader.line_num)  # type: ignore[attr-defined]
            bad[1].append(",".join(fields))
            bad[2].append(f"{len(fields)} fields, header has {len(header)}")
            continue
        rows.append(fields)
        lines.append(reader.line_num)  # type: ignore[attr-defined]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    arrays = [pa.array(list(v), pa.string()) for v in columns]
    table = pa.Table.from_arrays(arrays, names=header)  # a doubled header stays doubled: drift
    return _with_lines(table, lines), _bad(*bad)


def read_jsonl(text: str) -> tuple[pa.Table, pa.Table]:
    """One JSON object per line; keys missing from a line are null, broken lines set aside."""
    records, lines, bad = [], [], ([], [], [])
    for number, line in enumerate(physical_lines(text), start=1):
        if not line.strip():
            continue
        record, why = _json_object(line)
        if why:
            bad[0].append(number)
            bad[1].append(line.rstrip("\r"))
            bad[2].append(why)
            continue
        records.append(record)
        lines.append(number)
    keys = list(dict.fromkeys(k for r in records for k in r))  # first-seen order
    table = pa.table({k: text_values([r.get(k) for r in records]) for k in keys})
    return _with_lines(table, lines), _bad(*bad)


def _json_object(line: str) -> tuple[dict, str]:
    """(the object on one line, or why the line is not one: the parser's words, no values)."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Unterminated string") or exc.pos >= len(line.rstrip()):
            return {}, "not a JSON object: the line ends before the object does (cut short?)"
        return {}, f"not a JSON object: {exc.msg} at character {exc.pos + 1}"
    if not isinstance(value, dict):
        return {}, f"not a JSON object but a JSON {_json_kind(value)}"
    return value, ""


def _json_kind(value: object) -> str:
    kinds = {list: "array", str: "string", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "number")
