"""Event tables (std.encounter … std.checkup), one per std contract with ``kind: standardised``.

Each is built from its delivered dataset named in the contract's ``delivery.from``: the common
columns (record_key, person_mention_id, event_time, arrived_at, lineage) are derived the same
way for all, the clinical columns are copied by name and cast to the std type, and the few that
need work (ICD-10 root, newborn mention, sex code, CV08.50.001 vaccine) have a derivation
below. Hospital deletions
become tombstones (``is_deleted``) carrying the deleted row's key.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.standardise.inputs import ORG
from pipelines.standardise.tables import (
    LINEAGE,
    arrival_column,
    as_string,
    conform_to,
    latest_per_key,
    mention_key,
    record_key,
)
from pipelines.standardise.vaccines import cv_vaccines
from pipelines.standardise.values import standardise_sex
from schemas.contracts import Contract, contract

KEY = "record_key"


def _icd10_code(raw: pa.Table) -> pa.Array:
    code = pc.utf8_normalize(raw["icd10_code"], "NFKC")
    return pc.utf8_upper(pc.replace_substring_regex(code, r"\s+", ""))


def _icd10_root(raw: pa.Table) -> pa.Array:
    found = pc.extract_regex(_icd10_code(raw), r"^(?P<root>[A-Z]\d{2})")
    return pc.if_else(found.is_valid(), pc.struct_field(found, [0]), None)


def _encounter_key(raw: pa.Table) -> pa.Array:
    return record_key(contract("hospital.encounter"), raw[ORG], raw["encounter_id"])


def _newborn_mention_id(raw: pa.Table) -> pa.Array:
    return mention_key("mch", raw[ORG], "mch.delivery", raw["record_id"], "newborn")


def _vaccine_cv_code(raw: pa.Table) -> pa.Array:
    return cv_vaccines(raw["vaccine_code"], raw["vaccine_name"])[0]


def _vaccine_cv_name(raw: pa.Table) -> pa.Array:
    return cv_vaccines(raw["vaccine_code"], raw["vaccine_name"])[1]


def _baby_sex(raw: pa.Table) -> pa.Array:
    return pa.array(standardise_sex(raw["baby_sex"].to_pandas()), pa.string(), from_pandas=True)


# std columns that are not a plain copy of the delivered column of the same name
DERIVED: dict[str, Callable[[pa.Table], pa.Array]] = {
    "icd10_code": _icd10_code,
    "icd10_root": _icd10_root,
    "encounter_key": _encounter_key,
    "newborn_mention_id": _newborn_mention_id,
    "baby_sex": _baby_sex,
    "vaccine_cv_code": _vaccine_cv_code,
    "vaccine_cv_name": _vaccine_cv_name,
}


def build_events(std: Contract, raw: pa.Table, deletions: pa.Table) -> pa.Table:
    """One night's rows of one event table: delivered rows plus tombstones, latest per key."""
    source = contract(std.delivery["from"])
    rows = _delivered(std, source, raw)
    dead = _tombstones(std, source, deletions)
    return latest_per_key(pa.concat_tables([rows, dead]), KEY)


def _delivered(std: Contract, source: Contract, raw: pa.Table) -> pa.Table:
    record_id = as_string(raw[source.primary_key[0]])
    cols = {
        KEY: record_key(source, raw[ORG], record_id),
        "source": pa.array([source.source] * raw.num_rows, pa.string()),
        ORG: raw[ORG],
        "dataset": pa.array([source.dataset] * raw.num_rows, pa.string()),
        "record_id": record_id,
        "person_mention_id": _person(std, source, raw),
        "event_time": _as_time(raw[std.delivery["event_time"]]),
        "arrived_at": raw[arrival_column(source)],
        "is_deleted": pa.array([False] * raw.num_rows, pa.bool_()),
        **{name: raw[name] for name in LINEAGE},
    }
    for col in std.columns:
        if col.name in DERIVED:
            cols[col.name] = DERIVED[col.name](raw)
        elif col.name not in cols and col.name in raw.column_names:
            cols[col.name] = raw[col.name]
    return conform_to(cols, std, raw.num_rows)


def _person(std: Contract, source: Contract, raw: pa.Table) -> pa.Array | None:
    """mention_id of the person named by the same row, per the contract's ``person`` entry."""
    person = std.delivery.get("person")
    if not person:
        return None
    role = person["role"]
    block = next((b for b in source.person_mentions if b["role"] == role), {})
    column = person.get("record_id") or block["record_id"]
    dataset = person.get("dataset", source.dataset)
    return mention_key(dataset.split(".")[0], raw[ORG], dataset, as_string(raw[column]), role)


def _as_time(values: pa.ChunkedArray) -> pa.Array:
    """Event timestamps as they are; event dates as 00:00 Asia/Shanghai."""
    if pa.types.is_timestamp(values.type):
        return values
    return pc.assume_timezone(pc.cast(values, pa.timestamp("us")), "Asia/Shanghai")


def _tombstones(std: Contract, source: Contract, deletions: pa.Table) -> pa.Table:
    """Rows deleted from this dataset's front-end table, as ``is_deleted`` rows keyed like it."""
    table = source.delivery.get("table")
    gone = (
        deletions.filter(pc.equal(deletions["table_name"], table))
        if table
        else deletions.slice(0, 0)
    )
    n = gone.num_rows
    cols = {
        KEY: record_key(source, gone[ORG], gone["row_id"]),
        "source": pa.array([source.source] * n, pa.string()),
        ORG: gone[ORG],
        "dataset": pa.array([source.dataset] * n, pa.string()),
        "record_id": gone["row_id"],
        source.primary_key[0]: gone["row_id"],
        "arrived_at": gone["deleted_at"],
        "is_deleted": pa.array([True] * n, pa.bool_()),
        **{name: gone[name] for name in LINEAGE},
    }
    return conform_to(cols, std, n)
