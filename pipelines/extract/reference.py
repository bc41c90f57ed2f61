"""Reference data (institutions, resident population) copied from the sources root into the lake.

Later stages never see the sources root, so the nightly run copies ``reference/*.csv`` to
the lake first (``Layout.reference``), typed by the ``reference.*`` contracts. Codes such
as ``district_code`` stay strings (leading zeros kept); a missing or renamed column stops the copy
with a message naming the file and the columns.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kernel.atomic import write_parquet
from kernel.layout import Layout
from pipelines.extract.errors import ReferenceDataError
from schemas.contracts import Contract, contract

log = logging.getLogger(__name__)

REFERENCE_DATASETS = ("reference.institutions", "reference.population")


def load_reference(sources: Path, data: Path) -> None:
    """Copy every reference CSV under ``sources`` to the lake as Parquet (atomic, idempotent)."""
    for dataset in REFERENCE_DATASETS:
        spec = contract(dataset)
        table = read_reference_csv(sources / spec.delivery["path"], spec)
        write_parquet(table, Layout(data).reference(spec.name))
        log.info("reference %s: %d rows", spec.name, table.num_rows)


def read_reference_csv(path: Path, spec: Contract) -> pa.Table:
    """One reference CSV typed by its contract; raises ReferenceDataError on drift or bad values."""
    if not path.exists():
        raise ReferenceDataError(f"reference file {path} is missing")
    header = _header(path)
    missing = [c for c in spec.column_names if c not in header]
    extra = [c for c in header if c not in spec.column_names]
    if missing or extra:
        raise ReferenceDataError(
            f"{path.name} does not match contract {spec.dataset}: "
            f"missing columns {missing}, unexpected columns {extra}"
        )
    schema = spec.arrow_schema()
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=spec.delivery.get("encoding", "utf-8")),
            convert_options=pacsv.ConvertOptions(
                column_types=schema, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
        table = table.select(spec.column_names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ReferenceDataError(f"{path.name}: {exc}") from exc
    _check_required(table, spec, path)
    return table


def _check_required(table: pa.Table, spec: Contract, path: Path) -> None:
    for name in spec.required:
        column = table.column(name)
        empty = column.null_count
        if pa.types.is_string(column.type):
            empty += pc.sum(pc.equal(pc.utf8_trim_whitespace(column), "")).as_py() or 0
        if empty:
            raise ReferenceDataError(
                f"{path.name}: required column {name} is empty in {empty} rows"
            )


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as handle:
        first = handle.readline()
    return [name.strip() for name in first.rstrip("\r\n").split(",")]
