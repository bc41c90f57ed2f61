"""Helpers: tiny inline mentions, and the comparison levels Splink gives pairs of them.

All pairs of a test module are scored in ONE Splink run (blocking rule ``1 = 1``) to keep the
tests fast; each pair's mentions get their own record ids.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from matching.features import build_features
from matching.inference import comparison_levels, score_new
from matching.model import load_model
from pipelines.standardise.ids import standardise_ids
from pipelines.standardise.names import standardise_name

_DEFAULTS: dict[str, Any] = {
    "source": "hospital",
    "org_code": "H01",
    "dataset": "hospital.patient",
    "role": "patient",
    "id_no": None,
    "id_no_valid": None,
    "name": None,
    "sex_code": None,
    "birth_date": None,
    "phone": None,
    "district_code": None,
    "address": None,
    "mother_id_no": None,
    "event_date": date(2024, 3, 1),
    "load_date": date(2024, 3, 1),
    "surname": None,
    "given_name": None,
    "id_birth_date": None,
    "id_sex_code": None,
}


def mention(record_id: str = "1", **fields: Any) -> dict[str, Any]:
    """One person mention as standardisation writes it: ID numbers given as delivered (spaces,
    15 digits …) are repaired and checked by the real rule, as in the lake."""
    row = {**_DEFAULTS, **fields, "record_id": record_id}
    if row["id_no"] is not None and "id_no_valid" not in fields:
        ids = standardise_ids(pd.Series([row["id_no"]], dtype=object)).iloc[0]
        row.update(
            id_no=ids["id_no"], id_no_valid=bool(ids["id_no_valid"]),
            id_birth_date=ids["id_birth_date"] if pd.notna(ids["id_birth_date"]) else None,
            id_sex_code=ids["id_sex_code"],
        )  # fmt: skip
    if row["mother_id_no"] is not None:
        mother = standardise_ids(pd.Series([row["mother_id_no"]], dtype=object)).iloc[0]
        row["mother_id_no"] = mother["id_no"]
    row["mention_id"] = ":".join(
        str(row[k]) for k in ("source", "org_code", "dataset", "record_id", "role")
    )
    if row["name"] is not None and "name_pinyin" not in fields:
        parts = standardise_name(row["name"])  # as standardisation writes it (Latin upper-cased)
        row.update(name=parts.name, name_pinyin=parts.name_pinyin, surname=parts.surname,
                   given_name=parts.given_name, birth_order=parts.birth_order)  # fmt: skip
    return row


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def levels_of(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[dict[str, str]]:
    """Comparison level label per field for each pair, scored with the shipped model."""
    rows, keys = [], []
    for i, (a, b) in enumerate(pairs):
        a = mention(f"p{i:03d}a", **_fields(a))
        b = mention(f"p{i:03d}b", **_fields(b))
        rows += [a, b]
        keys.append(tuple(sorted((a["mention_id"], b["mention_id"]))))
    settings = load_model().settings
    con = duckdb.connect()
    con.register("m", frame(*rows))
    build_features(con, "m")
    score_new(con, settings, new="mention_features", index=None, blocking_rules=["1 = 1"])
    scored = con.sql("SELECT * FROM scored_pairs").df().set_index(["unique_id_l", "unique_id_r"])
    names = comparison_levels(settings)
    return [{c: names[c][int(scored.loc[key, f"gamma_{c}"])] for c in names} for key in keys]


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("record_id", "mention_id", "name_pinyin")}
