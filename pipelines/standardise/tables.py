"""Small Arrow helpers shared by the person-mention and event builders."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from schemas.contracts import Contract
from schemas.tables import LINEAGE_COLUMNS

ARRIVAL_COLUMNS = ("updated_at", "exported_at")  # when a row reached the platform, per source
LINEAGE = LINEAGE_COLUMNS  # source_file, load_id, loaded_at, load_date


def arrival_column(source: Contract) -> str:
    return next(c for c in ARRIVAL_COLUMNS if c in source.column_names)


def join_key(*parts: pa.Array | str) -> pa.Array:
    """'a:b:c' per row; null when any part is null (a key needs all its parts)."""
    return pc.binary_join_element_wise(*parts, ":")


def record_key(source: Contract, org_code: pa.Array, record_id: pa.Array) -> pa.Array:
    """``source:org_code:dataset:record_id`` — the key of a delivered row across nights."""
    return join_key(source.source, org_code, source.dataset, record_id)


Part = pa.Array | pa.ChunkedArray | str  # one value per row, or one for all rows


def mention_key(
    source: Part, org_code: Part, dataset: Part, record_id: Part, role: Part
) -> pa.Array:
    """``source:org_code:dataset:record_id:role`` — std.person_mention.mention_id."""
    return join_key(source, org_code, dataset, record_id, role)


def as_string(values: pa.Array) -> pa.Array:
    return pc.cast(values, pa.string())


def latest_per_key(table: pa.Table, key: str) -> pa.Table:
    """One row per key within a night: the latest arrival wins, a tombstone wins a tie.

    Sorted by key so that a rerun writes the same file.
    """
    if table.num_rows < 2:
        return table
    order = [
        (key, "ascending", "at_end"),
        ("arrived_at", "descending", "at_end"),
        ("is_deleted", "descending", "at_end"),
        ("source_file", "descending", "at_end"),
    ]
    ordered = table.sort_by(order)
    keys = ordered[key].combine_chunks()
    first = pc.not_equal(keys[1:], keys[:-1]).fill_null(True)
    return ordered.filter(pa.concat_arrays([pa.array([True]), first]))


def conform_to(table_columns: dict[str, pa.Array], contract: Contract, rows: int) -> pa.Table:
    """Columns cast to the contract's schema; columns not given are all-null."""
    arrays = []
    for fld in contract.arrow_schema():
        values = table_columns.get(fld.name)
        arrays.append(pa.nulls(rows, fld.type) if values is None else pc.cast(values, fld.type))
    return pa.Table.from_arrays(arrays, schema=contract.arrow_schema())
