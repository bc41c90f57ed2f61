"""std.person_mention: every place a delivered row names a person, identity fields standardised.

Generic over the source contracts: each ``person_mentions`` block says which delivered column
feeds which identity field (``id_no``, ``name``, ``sex`` or ``sex_constant``, ``birth_date`` or
``birth_date_from`` a timestamp, ``phone``, ``address``, ``mother_id_no``, ``mother_name``,
``event_date``). All blocks of the night are stacked first and standardised in one vectorised
pass, names once per distinct name. Hospital deletions of ``patient`` rows become tombstones.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.standardise.ids import standard_id_types, standardise_ids
from pipelines.standardise.inputs import ORG
from pipelines.standardise.names import standardise_names
from pipelines.standardise.tables import (
    ARRIVAL_COLUMNS,
    LINEAGE,
    arrival_column,
    conform_to,
    latest_per_key,
    mention_key,
)
from pipelines.standardise.values import (
    find_districts,
    local_dates,
    standardise_dates,
    standardise_phones,
    standardise_sex,
    standardise_text,
)
from schemas.contracts import Contract, contract

KEY = "mention_id"
_KEY_PARTS = ("source", ORG, "dataset", "record_id", "role")
PERSON_MENTION = "std.person_mention"


def build_person_mentions(
    raw: dict[str, pa.Table], deletions: pa.Table, districts: dict[str, str]
) -> pa.Table:
    """One night's person mentions from the raw tables (keyed by dataset), tombstones included."""
    stacked = [
        _block_frame(_columns(raw[dataset], block), contract(dataset), block)
        for dataset in sorted(raw)
        for block in contract(dataset).person_mentions
    ]
    frame = pd.concat([f for f in stacked if len(f)] or stacked[:1], ignore_index=True)
    out = standardise_mentions(frame, districts)
    spec = contract(PERSON_MENTION)
    columns = {c: pa.array(out[c], from_pandas=True) for c in spec.column_names if c in out}
    mentions = conform_to(columns, spec, len(out))
    return latest_per_key(pa.concat_tables([mentions, _tombstones(deletions)]), KEY)


def _columns(raw: pa.Table, block: dict) -> pd.DataFrame:
    """Only the columns a block reads, as pandas (identity text, dates, lineage)."""
    named = {v for k, v in block.items() if k not in ("role", "sex_constant")}
    keep = [c for c in raw.column_names if c in named or c in (ORG, *ARRIVAL_COLUMNS, *LINEAGE)]
    return raw.select(keep).to_pandas()


def _block_frame(raw: pd.DataFrame, source: Contract, block: dict) -> pd.DataFrame:
    """The delivered identity columns one block names, under person_mention names (still raw)."""

    def col(key: str) -> pd.Series:
        return raw[block[key]] if key in block else pd.Series(None, index=raw.index, dtype=object)

    frame = pd.DataFrame(
        {
            "source": source.source,
            ORG: raw[ORG],
            "dataset": source.dataset,
            "record_id": raw[block["record_id"]],
            "role": block["role"],
            "id_type": col("id_type"),
            "id_no": col("id_no"),
            "name": col("name"),
            "sex_code": block.get("sex_constant") or col("sex"),
            "birth_date": col("birth_date"),
            "phone": col("phone"),
            "address": col("address"),
            "mother_id_no": col("mother_id_no"),
            "mother_name": col("mother_name"),
            "event_date": local_dates(col("event_date")),
            "arrived_at": raw[arrival_column(source)],
            **{name: raw[name] for name in LINEAGE},
        },
        index=raw.index,
    )
    frame["birth_date"] = (
        local_dates(raw[block["birth_date_from"]])
        if "birth_date_from" in block
        else standardise_dates(frame["birth_date"])
    )
    return frame


def standardise_mentions(frame: pd.DataFrame, districts: dict[str, str]) -> pd.DataFrame:
    """Raw identity columns → standardised person_mention columns (vectorised)."""
    out = frame.copy()
    ids = standardise_ids(frame["id_no"], frame["id_type"])
    mothers = standardise_ids(frame["mother_id_no"])
    names = standardise_names(pd.concat([frame["name"], frame["mother_name"]], ignore_index=True))
    person, mother = names.iloc[: len(frame)], names.iloc[len(frame) :]
    out[ids.columns] = ids
    out[person.columns] = person.set_axis(frame.index)
    out["mother_name"] = mother["name"].set_axis(frame.index)
    out["mother_id_no"] = mothers["id_no"]
    out["id_type"] = standard_id_types(frame["id_type"])
    _flag_mother_id(out)
    out["sex_code"] = standardise_sex(frame["sex_code"])
    out["phone"] = standardise_phones(frame["phone"])
    out["address"] = standardise_text(frame["address"])
    out["district_code"] = find_districts(out["address"], districts)
    out["birth_date_conflict"] = _conflict(out["birth_date"], out["id_birth_date"])
    out["sex_conflict"] = _conflict(
        out["sex_code"].where(out["sex_code"].isin(["1", "2"])), out["id_sex_code"]
    )
    parts = [pa.array(out[c], pa.string(), from_pandas=True) for c in _KEY_PARTS]
    out[KEY] = mention_key(*parts).to_pandas()
    out["is_deleted"] = False
    return out


def _flag_mother_id(out: pd.DataFrame) -> None:
    """The mother's number entered for the child: not the child's, so flagged and nulled."""
    same = out["id_no"].notna() & (out["id_no"] == out["mother_id_no"])
    out.loc[same, "id_damage"] = "mother_id"
    out.loc[same, ["id_no", "id_birth_date", "id_sex_code"]] = None
    out.loc[same, "id_no_valid"] = False


def _conflict(delivered: pd.Series, from_id: pd.Series) -> pd.Series:
    """True/False where both are known, else null: a flag, the delivered value is kept."""
    known = delivered.notna() & from_id.notna()
    return (delivered != from_id).astype(object).where(known, None)


def _tombstones(deletions: pa.Table) -> pa.Table:
    """Deleted hospital patients: rows with the deleted mention's id and is_deleted = true."""
    gone = deletions.filter(pc.equal(deletions["table_name"], "patient"))
    n = gone.num_rows
    cols = {
        KEY: mention_key("hospital", gone[ORG], "hospital.patient", gone["row_id"], "patient"),
        "source": pa.array(["hospital"] * n, pa.string()),
        ORG: gone[ORG],
        "dataset": pa.array(["hospital.patient"] * n, pa.string()),
        "record_id": gone["row_id"],
        "role": pa.array(["patient"] * n, pa.string()),
        "id_no_valid": pa.array([False] * n, pa.bool_()),
        "id_damage": pa.array(["empty"] * n, pa.string()),
        "name_is_placeholder": pa.array([False] * n, pa.bool_()),
        "arrived_at": gone["deleted_at"],
        "is_deleted": pa.array([True] * n, pa.bool_()),
        **{name: gone[name] for name in LINEAGE},
    }
    return conform_to(cols, contract(PERSON_MENTION), n)
