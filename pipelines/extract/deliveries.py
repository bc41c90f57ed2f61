"""What each institution delivered for night D, read per SOURCES.md (nothing typed yet).

Three kinds of delivery, all driven by the contracts' ``delivery`` blocks: hospital front-end
tables (through ``connectors``/``frontend``) and manifest-checked file drops (vaccination, MCH,
checkup). Which institutions should deliver what comes from ``reference/institutions.csv``
(``systems``); every expected delivery yields a Received or an Outcome (``missing`` included),
and a file from an institution not in the reference is read too. Files whose bytes an earlier
run already loaded are not parsed again (``ledger``).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipelines.extract import outcomes
from pipelines.extract.conform import LINE
from pipelines.extract.connectors import frontends
from pipelines.extract.errors import DeliveryStopped, ReferenceDataError
from pipelines.extract.files import (
    check_manifest,
    linked_outside,
    manifest_entry,
    read_delivered,
    read_manifest,
    sha256_of,
)
from pipelines.extract.frontend import read_frontend
from pipelines.extract.ledger import KEEPABLE, Ledger, kept_files
from pipelines.extract.marks import Increment, State, increment
from pipelines.extract.outcomes import Delivery, Outcome, Received, fault, missing, stopped
from pipelines.extract.reference import read_reference_csv
from schemas.contracts import Contract, contract, source_contracts

log = logging.getLogger(__name__)
Item = Received | Outcome


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


def contracts_of(kinds: set[str]) -> list[Contract]:
    return [c for c in source_contracts().values() if c.delivery.get("kind") in kinds]


def hospital_items(
    sources: Path, day: date, orgs: set[str], state: State, only: str | None = None
) -> Iterator[Item]:
    """Every front-end table of every hospital (of hospital ``only``), from where last night's
    marks left off."""
    tables = contracts_of({"frontend_table"})
    for frontend in frontends(sources, orgs):
        if only is not None and frontend.org_code != only:
            continue
        if linked_outside(sources / "hospital" / frontend.org_code / "frontend.sqlite", sources):
            yield from _refused(frontend.label, frontend.org_code, tables, day)
            continue

        def plan(spec: Contract, org: str = frontend.org_code) -> Increment:
            return increment(spec, org, day, state)

        items = _guarded_tables(read_frontend(frontend, tables, day, plan), frontend.label,
                                frontend.org_code, tables, day)  # fmt: skip
        yield from (_unlisted(item, orgs, "hospital") if orgs else item for item in items)


def _guarded_tables(
    items: Iterator[Item], label: str, org: str, tables: list[Contract], day: date
) -> Iterator[Item]:
    """A fault of extract's own while reading one front end costs that hospital's remaining
    tables tonight (``outcomes.fault``), not the night."""
    done = 0
    try:
        for item in items:
            done += 1
            yield item
    except Exception as exc:
        for c in tables[done:]:
            yield fault(Delivery(c, org, f"{label}#{c.delivery['table']}", day), exc)


def _refused(label: str, org: str, tables: list[Contract], day: date) -> Iterator[Outcome]:
    for c in tables:
        d = Delivery(c, org, f"{label}#{c.delivery['table']}", day)
        yield stopped(d, "incomplete", f"{d.source_file}: {LINKED_OUTSIDE}")


LINKED_OUTSIDE = "is a link to a file outside the sources root: not read"


def file_items(
    sources: Path,
    data: Path,
    day: date,
    orgs_by_system: dict[str, set[str]],
    ledger: Ledger,
    only: tuple[str, str] | None = None,
) -> Iterator[Item]:
    """Every file drop of the night (of one ``(system, org_code)`` only)."""
    known = any(orgs_by_system.values())  # without a reference list, every org is unlisted
    for c in contracts_of({"csv", "jsonl"}):
        if only is not None and c.source != only[0]:
            continue
        template = c.delivery["path"]
        found = discovered_orgs(sources, c, day)
        expected = orgs_by_system.get(c.source, set())
        for org in sorted(expected | found):
            if only is not None and org != only[1]:
                continue
            rel = template.format(date=day.isoformat(), org_code=org)
            manifest = sources / c.delivery["manifest"].format(date=day.isoformat(), org_code=org)
            d = Delivery(c, org, rel, day)
            try:
                item = _file_item(d, sources, manifest, data, ledger)
            except Exception as exc:  # a fault of extract's own costs this file, not the night
                item = fault(d, exc)
            yield _unlisted(item, expected, c.source) if known else item


def discovered_orgs(sources: Path, spec: Contract, day: date) -> set[str]:
    """Institutions with a file on disk for this template, or listed in a manifest (so that a
    file listed but absent is reported), also those not in the reference."""
    template, on = spec.delivery["path"], day.isoformat()
    head, tail = template.format(date=on, org_code="\0").split("\0")
    shape = re.compile(re.escape(head) + "([^/]+)" + re.escape(tail) + "$")
    paths = [p.relative_to(sources).as_posix()
             for p in sources.glob(template.format(date=on, org_code="*"))]  # fmt: skip
    for manifest in sources.glob(spec.delivery["manifest"].format(date=on, org_code="*")):
        folder = manifest.parent.relative_to(sources).as_posix()
        with contextlib.suppress(DeliveryStopped):  # reported with the folder's own files
            paths += [f"{folder}/{name}" for name in read_manifest(manifest)]
    return {m[1] for p in paths if (m := shape.match(p))}


def _unlisted(item: Item, expected: set[str], system: str) -> Item:
    """A delivery from an institution the reference does not list for ``system`` is read all
    the same, with a note saying so (the reference, or the file's name, needs fixing)."""
    if isinstance(item, Received) and item.delivery.org_code not in expected:
        note = f"institution {item.delivery.org_code!r} is not listed for {system} in "
        item.note = "; ".join(n for n in (item.note, note + "reference/institutions.csv") if n)
    return item


def _file_item(d: Delivery, sources: Path, manifest: Path, data: Path, ledger: Ledger) -> Item:
    path = sources / d.source_file
    if linked_outside(path, sources) or linked_outside(manifest, sources):
        return stopped(d, "incomplete", f"{d.source_file}: {LINKED_OUTSIDE}")
    if not path.exists():
        return _absent(d, path, manifest)
    raw = path.read_bytes()
    sha256 = sha256_of(raw)
    try:
        entry = manifest_entry(manifest, path.name)
    except DeliveryStopped as stop:
        return _parsed(d, raw, stop)
    earlier = _already_loaded(d, sha256, entry, data, ledger)
    if earlier is not None:
        return earlier
    return _parsed(d, raw, None, entry)


def _already_loaded(
    d: Delivery, sha256: str, entry: dict, data: Path, ledger: Ledger
) -> Outcome | None:
    """Kept from this date's earlier run, or a duplicate of an earlier night, or None."""
    if str(entry.get("sha256", "")).lower() != sha256:
        return None  # the manifest disagrees: read it, so that its rows reach quarantine
    before = ledger.earlier_run(d)
    if (
        before is not None
        and before["status"] in KEEPABLE
        and before["load_id"] == outcomes.load_id_of(d, sha256, 0)
        and str(entry.get("rows")) == str(before["rows_delivered"])
    ):
        files = kept_files(data, before)
        if files is not None:
            return outcomes.kept(d, before, files)
    first = ledger.first_load(d, sha256)
    if first is not None and str(entry.get("rows")) == str(first["rows_delivered"]):
        return outcomes.duplicate(d, sha256, first)
    return None


def _parsed(
    d: Delivery, raw: bytes, stop: DeliveryStopped | None, entry: dict | None = None
) -> Item:
    """Parse the bytes; a manifest problem (``stop`` or a mismatch) quarantines what was read."""
    encoding = d.contract.delivery.get("encoding", "utf-8")
    delivered = read_delivered(raw, d.contract.delivery["kind"], encoding)
    if delivered.wrong:  # every line still reaches quarantine, as it really reads
        message = f"{d.source_file} {delivered.wrong} as contracted: nothing of it is loaded"
        empty = pa.table({LINE: pa.array([], pa.int64())})
        lines = delivered.bad_lines
        return stopped(d, "drift", message, Received(d, empty, lines, sha256_of(raw)))
    received = Received(d, delivered.texts, delivered.bad_lines, delivered.sha256,
                        note=delivered.note)  # fmt: skip
    try:
        if stop is not None:
            raise stop
        check_manifest(entry or {}, delivered.sha256, delivered.rows)
    except DeliveryStopped as problem:  # its rows go to quarantine, not lost
        return stopped(d, problem.status, f"{d.source_file}: {problem.message}", received)
    return received


def _absent(d: Delivery, path: Path, manifest: Path) -> Outcome:
    """No file: normal on a quiet day, an incomplete delivery when the manifest lists it."""
    try:
        listed = path.name in read_manifest(manifest)
    except DeliveryStopped:
        listed = False
    if listed:
        return stopped(d, "incomplete", f"{d.source_file} is listed in the manifest but absent")
    return missing(d)
