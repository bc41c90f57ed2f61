"""Bulk raw tables through the standardise stage's own code, and into a data folder."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kernel.layout import Layout
from pipelines.standardise.mentions import PERSON_MENTION, build_person_mentions
from schemas.contracts import contract
from schemas.tables import lineage_schema, write_table
from simulator.config import load

TRUTH_COLUMNS = ["source", "org_code", "record_id", "role", "person_id"]
PART_ROWS = 350_000  # mentions standardised at once: bounds the stage's working memory


def standardise(raw: dict[str, pa.Table], truth: pa.Table) -> pa.Table:
    """``std.person_mention`` rows of the raw tables, made by ``build_person_mentions`` as the
    nightly run makes them, with ``person_id`` (from ``truth``) as the last column.

    A city of millions is standardised in parts of about ``PART_ROWS`` mentions, split by the
    delivered name so that every distinct name is converted to pinyin in one part only; each
    part sorted by ``mention_id``, as the stage writes it.
    """
    rows = sum(t.num_rows for t in raw.values())
    parts = max(1, math.ceil(rows / PART_ROWS))
    label = {dataset: _name_part(table, dataset, parts) for dataset, table in raw.items()}
    pieces = [
        build_person_mentions(
            {d: t.filter(pa.array(label[d] == k)) for d, t in raw.items()},
            _no_deletions(),
            district_names(),
        )
        for k in range(parts)
    ]
    mentions = pa.concat_tables(pieces)
    where = pc.index_in(mentions["mention_id"], value_set=truth["mention_id"].combine_chunks())
    if mentions.num_rows != truth.num_rows or where.null_count:
        raise RuntimeError("bulk mentions and their truth disagree: a mention_id is not unique")
    return mentions.append_column("person_id", truth["person_id"].take(where))


def _name_part(table: pa.Table, dataset: str, parts: int) -> np.ndarray:
    """Which part each raw row goes to: a hash of the name its first block reads."""
    column = contract(dataset).person_mentions[0]["name"]
    names = table[column].to_numpy(zero_copy_only=False).astype(object)
    return pd.util.hash_array(names) % np.uint64(parts)


def district_names() -> dict[str, str]:
    """District name → code, as standardisation reads them from the reference population."""
    return {d["name"]: d["code"] for d in load("places")["districts"]}


def _no_deletions() -> pa.Table:
    """An empty ``hospital.deleted_rows`` as read from the raw lake: bulk nights delete nothing."""
    fields = [*contract("hospital.deleted_rows").arrow_schema(), *lineage_schema()]
    return pa.schema([*fields, pa.field("org_code", pa.string())]).empty_table()


def write_std(mentions: pd.DataFrame | pa.Table, data: Path) -> list[Path]:
    """Land mentions (``person_id`` is dropped) in ``lake/std/person_mention``, one partition
    per ``load_date``: what the standardise stage would have written for those nights."""
    table = mentions if isinstance(mentions, pa.Table) else _from_pandas(mentions)
    if "person_id" in table.column_names:
        table = table.drop_columns(["person_id"])
    paths = []
    for day in pc.unique(table["load_date"]).sort().to_pylist():
        night = table.filter(pc.equal(table["load_date"], pa.scalar(day, pa.date32())))
        night = night.sort_by("mention_id")  # as the standardise stage writes a night
        path = Layout(data).std("person_mention", day)
        paths.append(write_table(night, PERSON_MENTION, path))
    return paths


def _from_pandas(frame: pd.DataFrame) -> pa.Table:
    schema = contract(PERSON_MENTION).arrow_schema()
    keep = [c for c in frame.columns if c == "person_id" or c in schema.names]
    table = pa.Table.from_pandas(frame[keep], preserve_index=False)
    return table.cast(
        pa.schema([schema.field(c) if c in schema.names else table.schema.field(c) for c in keep])
    )


def write_truth(mentions: pd.DataFrame, sources: Path) -> Path:
    """``truth/record_person.csv`` as the simulator writes it for a simulated city."""
    path = Path(sources) / "truth" / "record_person.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = mentions[TRUTH_COLUMNS].sort_values(TRUTH_COLUMNS[:4], kind="stable")
    frame.to_csv(path, index=False, lineterminator="\n")
    return path
