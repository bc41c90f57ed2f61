"""The access audit: who read identified data — an archive shown or exported, a review page
written, reviewers' decisions applied, a pseudonym re-identified — when, and how it was found.

``warehouse.duckdb`` is rebuilt every night, so the audit cannot live there. It is an
append-only store of its own under the data directory::

    audit/access/date=<city date>/<HHMMSSffffff>-<access_id>.jsonl

Each access writes one new file with one line per archive it reached: written and synced under
a temporary name, made read-only, then hard-linked to its final name, which fails rather than
replace an existing file; nothing ever rewrites or deletes one. Every publish reads all of them
into ``audit.access`` (``warehouse/models/audit/audit__access.sql``). A line holds record keys
(``resident_id``), never the name or the ID number that was searched for.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from kernel.city import city
from kernel.layout import Layout

READ_ONLY = 0o400  # owner-only, and never rewritten

# The columns of one audit line, as DuckDB reads them (warehouse/models/audit/audit__access.sql).
ACCESS_COLUMNS = {
    "access_id": "VARCHAR", "accessed_at": "TIMESTAMPTZ", "accessed_by": "VARCHAR",
    "action": "VARCHAR", "found_by": "VARCHAR", "requested_resident_id": "VARCHAR",
    "resident_id": "VARCHAR", "outcome": "VARCHAR", "format": "VARCHAR", "data_as_of": "DATE",
    "reason": "VARCHAR",
}  # fmt: skip


@dataclass(frozen=True)
class Access:
    """One archive reached (or looked for) by one access; ``resident_id`` None when not found."""

    action: str  # show | export | review_page | review_apply | reidentify
    found_by: str  # resident_id | redirect | id_no | id_no_mention | export | queue | person_key
    resident_id: str | None
    outcome: str  # found | not_found | ambiguous
    format: str
    requested_resident_id: str | None = None
    reason: str | None = None  # why, where the command asks (re-identification)


def audit_root(data: Path) -> Path:
    return Layout(data).access_audit_dir


def audit_glob(data: Path) -> str:
    """The glob of every audit file, for DuckDB's read_json."""
    return str(audit_root(data) / "date=*" / "*.jsonl")


def record_access(
    data: Path,
    accesses: Iterable[Access],
    accessed_by: str,
    data_as_of: date | None,
    now: datetime | None = None,
) -> Path:
    """Write one access (one line per archive reached) as a new read-only file; returns it."""
    zone = city().zone
    when = (now or datetime.now(zone)).astimezone(zone)
    access_id = uuid.uuid4().hex
    lines = [
        json.dumps(
            {
                "access_id": access_id,
                "accessed_at": when.isoformat(),
                "accessed_by": accessed_by,
                **asdict(access),
                "data_as_of": data_as_of.isoformat() if data_as_of else None,
            },
            ensure_ascii=False,
        )
        for access in accesses
    ]
    if not lines:
        raise ValueError("an access reaches at least one archive (or records the failed search)")
    folder = audit_root(data) / f"date={when.date().isoformat()}"
    path = folder / f"{when:%H%M%S%f}-{access_id}.jsonl"
    _create_once(path, "\n".join(lines) + "\n")
    return path


def _create_once(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all, and never over an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("x", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(READ_ONLY)
        os.link(tmp, path)  # FileExistsError instead of replacing an audit file
    finally:
        tmp.unlink(missing_ok=True)
