"""``healtharchive archive show`` and ``archive export``: identified archives, always audited.

``show_archive`` finds one resident (by resident_id, following retired ids, or by ID number in
any damaged form that standardises to it; see ``archive_lookup``) in the restricted
``warehouse.duckdb`` and returns the archive as text, JSON or a FHIR R4 Bundle.
``export_archives`` writes every archive as JSON Lines (one archive document per line) or FHIR
NDJSON (one resource per line). Every lookup, found or not, and every export is written to the
access audit (``audit.py``) before anything is returned: no audit, no archive.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

import duckdb
import typer

from kernel.atomic import atomic_path
from kernel.audit import Access, record_access
from kernel.city import city
from kernel.layout import Layout
from kernel.sql import sql_string
from pipelines.publish.archive_document import as_of, iter_archives, load_archive
from pipelines.publish.archive_lookup import Lookup, find_resident
from pipelines.publish.errors import PublishError

log = logging.getLogger(__name__)
EXPORT_FORMATS = ("jsonl", "fhir-ndjson")


class ArchiveFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    FHIR = "fhir"


class ArchiveLookupError(PublishError, typer.BadParameter):
    """No archive (or more than one) matches.

    Also a ``typer.BadParameter`` so that the CLI prints the message, not a traceback, and exits
    with status 2 (typer vendors click: click's own exception classes are not caught there).
    """

    def __init__(self, message: str) -> None:
        PublishError.__init__(self, message)
        typer.BadParameter.__init__(self, message, param_hint="--resident / --id-no")


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    format: str
    archives: int
    lines: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"exported {self.archives:,} archives as {self.format} ({self.lines:,} lines) "
            f"to {self.path} in {self.seconds:.1f} s"
        )


def show_archive(
    data: Path,
    resident_id: str | None,
    id_no: str | None,
    fmt: ArchiveFormat,
    accessed_by: str,
) -> str:
    """One resident's archive as text, JSON or a FHIR R4 Bundle; the lookup is audited."""
    fmt = ArchiveFormat(fmt)
    with _warehouse(data) as con:
        lookup = find_resident(con, resident_id, id_no)
        archive = load_archive(con, lookup.resident_id) if lookup.resident_id else None
        day = as_of(con)
    _audit_lookup(data, lookup, fmt.value, accessed_by, day)
    if archive is None:
        raise ArchiveLookupError(_not_found_message(lookup, resident_id))
    if fmt is ArchiveFormat.JSON:
        return json.dumps(archive, ensure_ascii=False, indent=2)
    if fmt is ArchiveFormat.FHIR:
        from pipelines.publish.fhir import archive_bundle

        return archive_bundle(archive)
    from pipelines.publish.archive_text import render_text

    return render_text(archive)


def export_archives(data: Path, out: Path, fmt: str, exported_by: str) -> ExportSummary:
    """Every archive to ``out`` (written atomically) as ``jsonl`` or ``fhir-ndjson``; audited."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"export format {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    started = time.perf_counter()
    out = Path(out)
    exported: list[str] = []
    lines = 0
    with (
        _warehouse(data) as con,
        atomic_path(out) as tmp,
        tmp.open("w", encoding="utf-8") as handle,
    ):
        day = as_of(con)
        for archive in iter_archives(con):
            for line in _export_lines(archive, fmt):
                handle.write(line + "\n")
                lines += 1
            exported.append(archive["resident_id"])
        if exported:  # audited before the file is renamed into place: no audit, no export
            accesses = (Access("export", "export", rid, "found", fmt) for rid in exported)
            record_access(data, accesses, exported_by, day)
    summary = ExportSummary(out, fmt, len(exported), lines, time.perf_counter() - started)
    log.info("%s", summary)
    return summary


def _export_lines(archive: dict, fmt: str) -> Iterator[str]:
    if fmt == "jsonl":
        yield json.dumps(archive, ensure_ascii=False, separators=(",", ":"))
    else:
        from pipelines.publish.fhir import ndjson_lines

        yield from ndjson_lines(archive)


def _audit_lookup(data: Path, lookup: Lookup, fmt: str, who: str, day: date | None) -> None:
    access = Access(
        action="show",
        found_by=lookup.found_by,
        resident_id=lookup.resident_id,
        outcome=lookup.outcome,
        format=fmt,
        requested_resident_id=lookup.requested_resident_id,
    )
    record_access(data, [access], who, day)


def _not_found_message(lookup: Lookup, resident_id: str | None) -> str:
    if lookup.outcome == "ambiguous":
        return (
            f"the ID number matches {len(lookup.candidates)} archives: "
            f"{', '.join(lookup.candidates)}; show one with --resident"
        )
    what = f"resident_id {resident_id}" if resident_id is not None else "this ID number"
    return f"no archive found for {what}"


class _warehouse:
    """The restricted warehouse, read-only, in city time."""

    def __init__(self, data: Path) -> None:
        self.path = Layout(data).warehouse

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        if not self.path.exists():
            raise ArchiveLookupError(f"no published warehouse at {self.path} (run the pipeline)")
        self.con = duckdb.connect(str(self.path), read_only=True)
        self.con.execute(f"SET TimeZone = {sql_string(city().timezone)}")
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.close()
