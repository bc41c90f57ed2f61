"""Re-identification: the resident behind an analytics ``person_key``, for authorised staff.

Analytics is keyed by HMAC-SHA256 of the resident under the managed key. Only someone holding
the key and the restricted warehouse can go back; this command is that way back, and every use
is written to the access audit (with its reason) before the answer is shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from kernel.audit import Access, record_access
from kernel.layout import Layout
from pipelines.publish.errors import PublishError
from pipelines.publish.pseudonym import pseudonym_key, register

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def reidentify(data: Path, person_key: str, reason: str, accessed_by: str) -> str:
    """The resident_id whose person_key is ``person_key`` (audited), or a 'not found' line."""
    key = person_key.strip().lower()
    if not _HEX64.match(key):
        raise PublishError("a person_key is 64 hexadecimal characters (from analytics.duckdb)")
    if not reason.strip():
        raise PublishError("give the reason for re-identifying (it is kept in the access audit)")
    path = Layout(data).warehouse
    if not path.exists():
        raise PublishError(f"no published warehouse at {path}")
    with duckdb.connect(str(path), read_only=True) as con:
        register(con, pseudonym_key())
        found = con.execute(
            "SELECT resident_id FROM mpi.resident WHERE pseudonym(resident_id) = ?", [key]
        ).fetchone()
        as_of = con.execute("SELECT max(as_of_date) FROM ops.publish").fetchone()[0]
    resident = found[0] if found else None
    outcome = "found" if resident else "not_found"
    access = Access("reidentify", "person_key", resident, outcome, "text", reason=reason.strip())
    record_access(data, [access], accessed_by, as_of)
    return resident or f"no resident has person_key {key} in the warehouse of {as_of}"
