"""One resident's lifetime archive as a document, read from the restricted warehouse.

The document is what ``archive show --format json`` prints and what the text and FHIR forms are
made from::

    resident_id, as_of
    summary      首页: basic information, health flags, blood type, the list of services
    documents    WS/T 483 documents in order: HSDA00.01 (the golden record), then each document
                 the archive holds with its records; a hospital encounter carries its
                 diagnoses, prescriptions, results and reports as ``items``

Everything comes from ``mpi.resident``, ``archive.summary``, ``archive.document`` and
``archive.timeline`` (with institution names from ``reference.institution``). Bulk reads go
through residents in id order, a slice at a time, so memory stays bounded for a whole city.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

import duckdb

SLICE = 2_000  # residents read per query when exporting

_GOLDEN = """
    SELECT r.resident_id, r.id_type, r.id_no, r.id_no_valid, r.name, r.sex_code, r.birth_date,
        r.phone, r.address, r.district_code, d.district_name, r.district_from,
        r.first_load_date AS archive_since
    FROM mpi.resident AS r
    LEFT JOIN (
        SELECT district_code, first(district_name ORDER BY year DESC) AS district_name
        FROM reference.population GROUP BY ALL
    ) AS d USING (district_code)
    WHERE r.resident_id BETWEEN ? AND ?
    ORDER BY r.resident_id
"""
_SUMMARY = """
    SELECT * REPLACE (
        iso_time(first_service_time) AS first_service_time,
        iso_time(last_service_time) AS last_service_time
    )
    FROM archive.summary WHERE resident_id BETWEEN ? AND ? ORDER BY resident_id
"""
_DOCUMENTS = """
    SELECT resident_id, document_code, document_name, record_count, item_count
    FROM archive.document WHERE resident_id BETWEEN ? AND ?
    ORDER BY resident_id, sort_order
"""
_TIMELINE = """
    SELECT t.resident_id, t.record_key, t.parent_key, iso_time(t.event_time) AS event_time,
        t.event_type,
        t.document_code, t.source, t.org_code, i.org_name, t.code, t.description, t.value, t.unit
    FROM archive.timeline AS t
    LEFT JOIN reference.institution AS i USING (org_code)
    WHERE t.resident_id BETWEEN ? AND ?
    ORDER BY t.resident_id, t.event_time, t.event_type, t.record_key
"""
# TIMESTAMPTZ as ISO 8601 text with the city offset, e.g. 2026-01-14T08:00:00+08:00; done in SQL
# because turning TIMESTAMPTZ into Python datetimes needs pytz, which is not installed.
_ISO_TIME = r"""
    CREATE OR REPLACE TEMP MACRO iso_time(ts) AS strftime(ts, '%Y-%m-%dT%H:%M:%S') || CASE
        WHEN length(strftime(ts, '%z')) = 3 THEN strftime(ts, '%z') || ':00'
        ELSE substr(strftime(ts, '%z'), 1, 3) || ':' || substr(strftime(ts, '%z'), 4, 2)
    END
"""
SEX = {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}


def load_archive(con: duckdb.DuckDBPyConnection, resident_id: str) -> dict[str, Any] | None:
    """The archive of one resident, or None if there is no such resident."""
    found = list(_archives(con, resident_id, resident_id))
    return found[0] if found else None


def iter_archives(con: duckdb.DuckDBPyConnection, size: int = SLICE) -> Iterator[dict[str, Any]]:
    """Every archive, in resident_id order."""
    ids = [r[0] for r in con.execute("SELECT resident_id FROM mpi.resident ORDER BY 1").fetchall()]
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield from _archives(con, chunk[0], chunk[-1])


def as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The night the warehouse shows the state after (``ops.publish``)."""
    row = con.execute("SELECT max(as_of_date) FROM ops.publish").fetchone()
    return row[0] if row else None


def _archives(con: duckdb.DuckDBPyConnection, first: str, last: str) -> Iterator[dict[str, Any]]:
    bounds = [first, last]
    con.execute(_ISO_TIME)
    golden = _records(con, _GOLDEN, bounds)
    summaries = {r["resident_id"]: r for r in _records(con, _SUMMARY, bounds)}
    documents = _grouped(_records(con, _DOCUMENTS, bounds))
    events = _grouped(_records(con, _TIMELINE, bounds))
    for person in golden:
        rid = person["resident_id"]
        yield build_archive(person, summaries.get(rid, {}), documents[rid], events[rid])


def build_archive(
    golden: dict[str, Any],
    summary: dict[str, Any],
    documents: Sequence[dict[str, Any]],
    events: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """Assemble the archive document from its rows (pure: no database)."""
    golden = {k: _plain(v) for k, v in golden.items()}
    events = [{k: _plain(v) for k, v in e.items() if k != "resident_id"} for e in events]
    by_document = _records_by_document(events)
    return {
        "resident_id": golden["resident_id"],
        "as_of": _plain(summary.get("as_of_date")),
        "summary": _summary_page(golden, summary, events),
        "documents": [
            {
                "code": d["document_code"],
                "name": d["document_name"],
                "record_count": d["record_count"],
                "records": [golden] if d["document_code"] == "HSDA00.01"
                else by_document.get(d["document_code"], []),
            }
            for d in documents
        ],
    }  # fmt: skip


def _summary_page(
    golden: dict[str, Any], summary: dict[str, Any], events: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """首页: basic information, health flags, blood type, services."""
    return {
        "basic": {
            "name": golden.get("name"),
            "sex_code": golden.get("sex_code"),
            "sex": SEX.get(golden.get("sex_code") or "", "不详"),
            "birth_date": golden.get("birth_date"),
            "age_years": summary.get("age_years"),
            "id_no": golden.get("id_no"),
            "phone": golden.get("phone"),
            "district_code": golden.get("district_code"),
            "district_name": golden.get("district_name"),
        },
        "flags": {
            "mch": bool(summary.get("is_mch")),
            "elderly_65_plus": bool(summary.get("is_elderly")),
            "hypertension": bool(summary.get("has_hypertension")),
            "diabetes": bool(summary.get("has_diabetes")),
        },
        "blood_type": {
            "code": summary.get("blood_type_code", "5"),
            "name": summary.get("blood_type", "不详"),
        },
        "service_count": summary.get("service_count", 0),
        "first_service_time": _plain(summary.get("first_service_time")),
        "last_service_time": _plain(summary.get("last_service_time")),
        "services": [
            {
                k: e[k]
                for k in (
                    "event_time",
                    "document_code",
                    "event_type",
                    "org_code",
                    "org_name",
                    "description",
                )
            }
            for e in events
            if e["parent_key"] is None
        ],
    }


def _records_by_document(events: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Top-level events per document; an encounter's own rows go into its ``items``."""
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    tops = {e["record_key"] for e in events if e["parent_key"] is None}
    for e in events:
        if e["parent_key"] in tops:
            items[e["parent_key"]].append(e)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        if e["parent_key"] in tops:
            continue
        record = dict(e, items=items.get(e["record_key"], [])) if e["record_key"] in items else e
        grouped[e["document_code"] or "other"].append(record)
    return grouped


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list[str]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _grouped(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row["resident_id"]].append(row)
    return out


def _plain(value: Any) -> Any:
    """JSON-ready: dates and times as ISO 8601 text (times keep their +08:00)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
