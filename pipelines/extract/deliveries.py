"""What each institution delivered for night D, read per SOURCES.md and landed per contract.

Three kinds of delivery, all driven by the contracts' ``delivery`` blocks: hospital front-end
tables (incremental on ``updated_at``) and manifest-checked file drops (vaccination, MCH,
checkup). Which institutions should deliver what comes from ``reference/institutions.csv``
(``systems``); every expected delivery yields one Outcome, including ``missing`` ones, and a
file from an institution not in the reference is read too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipelines.extract.errors import DeliveryStopped
from pipelines.extract.files import check_manifest, read_delivered, read_manifest
from pipelines.extract.frontend import read_changed_rows, sqlite_url
from pipelines.extract.landing import Delivery, Outcome, land, missing, stopped
from pipelines.publish.errors import ReferenceDataError
from pipelines.publish.reference import read_reference_csv
from schemas.contracts import Contract, contract, source_contracts

log = logging.getLogger(__name__)


def institutions(sources: Path) -> pd.DataFrame:
    """reference/institutions.csv (org_code, …, systems); empty when absent or unreadable."""
    spec = contract("reference.institutions")
    try:
        return read_reference_csv(sources / spec.delivery["path"], spec).to_pandas()
    except ReferenceDataError as exc:
        log.warning("institutions not usable (%s): only discovered deliveries are read", exc)
        return pd.DataFrame({"org_code": [], "systems": []}, dtype=object)


def expected_orgs(orgs: pd.DataFrame, system: str) -> set[str]:
    """Institutions whose ``systems`` list includes ``system``."""
    systems = orgs["systems"].fillna("").str.split(";")
    return {o for o, s in zip(orgs["org_code"], systems, strict=True) if system in s}


def _contracts(kind: set[str]) -> list[Contract]:
    return [c for c in source_contracts().values() if c.delivery.get("kind") in kind]


def hospital_outcomes(sources: Path, day: date, orgs: set[str]) -> Iterator[Outcome]:
    tables = _contracts({"frontend_table"})
    found = {p.parent.name for p in (sources / "hospital").glob("*/frontend.sqlite")}
    for org in sorted(orgs | found):
        db = sources / "hospital" / org / "frontend.sqlite"
        deliveries = [
            Delivery(c, org, f"hospital/{org}/frontend.sqlite#{c.delivery['table']}", day)
            for c in tables
        ]
        if not db.exists():
            yield from (missing(d, "no front-end database") for d in deliveries)
            continue
        engine = sa.create_engine(sqlite_url(db))
        try:
            yield from (_table_outcome(engine, d) for d in deliveries)
        finally:
            engine.dispose()


def _table_outcome(engine: sa.Engine, d: Delivery) -> Outcome:
    try:
        frame, unreadable = read_changed_rows(engine, d.contract, d.day)
    except DeliveryStopped as stop:
        return stopped(d, stop.status, stop.message)
    except sa.exc.SQLAlchemyError as exc:  # unreadable database: this hospital only
        return stopped(d, "incomplete", f"cannot read front-end table: {type(exc).__name__}")
    stamp = d.contract.delivery.get("incremental_column", "updated_at")
    note = f"{unreadable} rows with unreadable {stamp} not placed on any date" if unreadable else ""
    return land(d, frame, note=note)


def file_outcomes(
    sources: Path, day: date, orgs_by_system: dict[str, set[str]]
) -> Iterator[Outcome]:
    for c in _contracts({"csv", "jsonl"}):
        template = c.delivery["path"]
        found = _discovered_orgs(sources, template, day)
        for org in sorted(orgs_by_system.get(c.source, set()) | found):
            rel = template.format(date=day.isoformat(), org_code=org)
            manifest = sources / c.delivery["manifest"].format(date=day.isoformat(), org_code=org)
            yield _read_and_land(
                Delivery(c, org, rel, day), sources / rel, c.delivery["kind"], manifest
            )


def _discovered_orgs(sources: Path, template: str, day: date) -> set[str]:
    """Institutions with a file on disk for this template (also those not in the reference)."""
    head, tail = template.format(date=day.isoformat(), org_code="\0").split("\0")
    shape = re.compile(re.escape(head) + "([^/]+)" + re.escape(tail) + "$")
    paths = sources.glob(template.format(date=day.isoformat(), org_code="*"))
    return {m[1] for p in paths if (m := shape.match(p.relative_to(sources).as_posix()))}


def _read_and_land(d: Delivery, path: Path, kind: str, manifest: Path) -> Outcome:
    if not path.exists():
        return _absent(d, path, manifest)
    encoding = d.contract.delivery.get("encoding", "utf-8")
    try:
        delivered = read_delivered(path, kind, encoding)
    except DeliveryStopped as stop:
        return stopped(d, stop.status, stop.message)
    try:
        entry = read_manifest(manifest).get(path.name)
        if entry is None:
            raise DeliveryStopped("incomplete", f"{path.name} is not listed in the manifest")
        check_manifest(entry, delivered.sha256, delivered.rows)
    except DeliveryStopped as stop:  # its rows go to quarantine, not lost
        return stopped(
            d, stop.status, stop.message, delivered.frame, delivered.bad_lines, delivered.sha256
        )
    return land(d, delivered.frame, delivered.bad_lines, delivered.sha256)


def _absent(d: Delivery, path: Path, manifest: Path) -> Outcome:
    """No file: normal on a quiet day, an incomplete delivery when the manifest lists it."""
    try:
        listed = path.name in read_manifest(manifest)
    except DeliveryStopped:
        listed = False
    if listed:
        return stopped(d, "incomplete", f"{path.name} is listed in the manifest but absent")
    return missing(d)
