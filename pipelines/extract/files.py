"""File drops (vaccination JSONL, MCH CSV, checkup GBK CSV): manifest, decoding, parsing.

Every value comes back as text under the delivered column names, with the 1-based line it came
from, so that typing and drift checks (``conform``) treat files and databases alike. Lines that
cannot be parsed at all (wrong field count, broken JSON) are returned separately to be
quarantined, so delivered = accepted + quarantined still holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.extract.conform import LINE
from pipelines.extract.errors import DeliveryStopped

# The declared encoding, read leniently: a UTF-8 BOM is allowed, GB18030 is a superset of GBK.
DECODERS = {"utf-8": "utf-8-sig", "gbk": "gb18030"}


@dataclass(frozen=True)
class DeliveredFile:
    frame: pd.DataFrame  # text values, delivered column names, plus LINE
    bad_lines: pd.DataFrame  # LINE, record (the raw line), reason
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


def check_manifest(entry: dict, sha256: str, rows: int) -> None:
    """Stop the delivery when its checksum or row count disagrees with the manifest."""
    if str(entry.get("sha256", "")).lower() != sha256:
        raise DeliveryStopped("incomplete", "sha256 differs from the manifest")
    if int(entry.get("rows", -1)) != rows:
        raise DeliveryStopped(
            "incomplete", f"manifest says {entry.get('rows')} rows, file has {rows}"
        )


def read_delivered(path: Path, kind: str, encoding: str) -> DeliveredFile:
    raw = path.read_bytes()
    try:
        text = raw.decode(DECODERS.get(encoding, encoding))
    except UnicodeDecodeError as exc:
        raise DeliveryStopped(
            "drift", f"{path.name} is not {encoding} text ({exc.reason})"
        ) from exc
    frame, bad = read_jsonl(text) if kind == "jsonl" else read_csv(text)
    return DeliveredFile(frame, bad, hashlib.sha256(raw).hexdigest(), len(frame) + len(bad))


def _bad(lines: list[int], records: list[str], reasons: list[str]) -> pd.DataFrame:
    return pd.DataFrame({LINE: lines, "record": records, "reason": reasons}, dtype=object)


def read_csv(text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CSV with a header: a quick C parse; line by line only when some row is malformed."""
    if not text.strip():
        return pd.DataFrame({LINE: []}), _bad([], [], [])
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError:
        return _read_csv_slowly(text)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame[LINE] = range(2, len(frame) + 2)  # line 1 is the header
    return frame, _bad([], [], [])


def _read_csv_slowly(text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE] = lines
    return frame, _bad(*bad)


def read_jsonl(text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    frame = pd.DataFrame(records, dtype=object)  # object keeps big integers exact
    frame[LINE] = lines
    return frame, _bad(*bad)
