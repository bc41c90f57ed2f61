"""The planned mentions as their sources deliver them: raw tables, typed as extract lands them.

Each mention's identity is the simulator's: :func:`identity.as_of` on its night, the paperwork
rule of its source (``hospital``, ``vaccination``, ``mch``), the institution's damage
(:class:`Noise`). The delivered columns come from the source contract's ``person_mentions``
blocks, which name the column that carries each identity field, so a dataset's raw table has
exactly the columns standardisation reads; text is typed by the contract's readers
(``kernel.values.PARSERS``), as extract does. Clinical columns are not made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from kernel.values import PARSERS, timestamp_type
from pipelines.standardise.tables import arrival_column, mention_key
from schemas.contracts import Column, contract
from schemas.tables import lineage_schema
from simulator.bulk.plan import Plan
from simulator.checkup import SEX_LABELS
from simulator.clock import DAY, HOUR, iso_dates
from simulator.hospital import PATIENT_STYLES
from simulator.identity import as_of, name_placeholders
from simulator.mch import PREFIX, child_paperwork, newborn_names
from simulator.population import People
from simulator.vaccination import guardians, recipient_paperwork
from simulator.world import World, ids

CHUNK = 400_000  # mentions made at once: bounds the memory of the Python-object columns
SOURCE_FILE = "simulator.bulk"
ORG = "org_code"
EPOCH = date(1970, 1, 1)
UTC_OFFSET = 8 * HOUR  # simulator.clock keeps Asia/Shanghai wall-clock time (+08:00)


def _hospital(frame: pd.DataFrame, people: People, night: int, rng: np.random.Generator) -> None:
    name_placeholders(frame, people, (frame["name"] == "").to_numpy())


def _vaccination(frame: pd.DataFrame, people: People, night: int, rng: np.random.Generator) -> None:
    recipient_paperwork(frame, people, night, rng)


def _child(frame: pd.DataFrame, people: People, night: int, rng: np.random.Generator) -> None:
    child_paperwork(frame, people, rng)


# How each source writes a person before the clerk's typing damage, as its generator does.
PAPERWORK: dict[str, Callable[[pd.DataFrame, People, int, np.random.Generator], None]] = {
    "hospital.patient": _hospital,
    "vaccination.dose": _vaccination,
    "mch.child_checkup": _child,
}


def raw_tables(
    world: World, plan: Plan, arrived: np.ndarray, person_ids: np.ndarray, rng: np.random.Generator
) -> tuple[dict[str, pa.Table], pa.Table]:
    """Raw tables by dataset, and the truth (``mention_id``, ``person_id``) of their mentions."""
    raw: dict[str, list[pa.Table]] = {}
    truth: list[pa.Table] = []
    for dataset, rows in _chunks(plan):
        part = plan.take(rows)
        roles = _identities(world, dataset, part, rng)
        first = np.flatnonzero(~part.newborn)  # the first block's mentions: one per row
        head = _head(world, dataset, part.take(first), arrived[rows][first])
        raw.setdefault(dataset, []).append(_table(dataset, roles, head))
        for role, idf in roles.items():
            key = mention_key(
                contract(dataset).source,
                head[ORG],
                dataset,
                pa.array(idf["record_id"].to_numpy(object), pa.string()),
                role,
            )
            who = pa.array(person_ids[idf["person"].to_numpy()], pa.string())
            truth.append(pa.table({"mention_id": key, "person_id": who}))
    tables = {k: pa.concat_tables(v) for k, v in raw.items()}
    return tables, pa.concat_tables(truth)


def _chunks(plan: Plan) -> Iterator[tuple[str, np.ndarray]]:
    """Rows of one dataset and one night at a time, a delivery row's two mentions together."""
    key = pd.DataFrame({"dataset": plan.dataset, "night": plan.night})
    for (dataset, _), rows in key.groupby(["dataset", "night"], sort=True).indices.items():
        rows = np.sort(rows)
        step = CHUNK - CHUNK % 2  # even: a mother and her newborn stay in one chunk
        for lo in range(0, len(rows), step):
            yield dataset, rows[lo : lo + step]


def _identities(
    world: World, dataset: str, part: Plan, rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """Per role of the dataset's blocks, the delivered identity fields (block field names)."""
    people, night = world.people, int(part.night[0])
    first = np.flatnonzero(~part.newborn)  # whom each row is about (a delivery's mother)
    org = part.org[first]
    clean = as_of(people, world.ident, part.person[first], night, rng)
    if dataset in PAPERWORK:
        PAPERWORK[dataset](clean, people, night, rng)
    noisy, _ = world.noise.damage(clean, org, rng)
    if dataset == "vaccination.dose":  # the guardian (mother) of a child, as the clinic writes
        guardian_id, _ = world.noise.other_ids(clean["mother_id_no"].to_numpy(object), org, rng)
        written = guardians(clean)
        noisy["mother_name"] = np.where(written, clean["mother_name"].to_numpy(object), "")
        noisy["mother_id_no"] = np.where(written, guardian_id, "")
    elif dataset == "mch.child_checkup":
        noisy["mother_id_no"], _ = world.noise.other_ids(
            clean["mother_id_no"].to_numpy(object), org, rng
        )
        noisy["mother_name"], _ = world.noise.names(clean["mother_name"].to_numpy(object), org, rng)
    noisy = noisy.assign(
        record_id=_record_ids(world, dataset, part.take(first)),
        event_date=part.at[first],
        birth_date_from=part.at[first],
    )
    blocks = contract(dataset).person_mentions
    roles = {blocks[0]["role"]: noisy}
    if len(blocks) > 1:  # the delivery register: the newborn of each mother's row
        babies = part.person[part.newborn]
        sex = people.sex[babies]
        roles[blocks[1]["role"]] = pd.DataFrame(
            {
                "person": babies,
                "name": newborn_names(clean["name"].to_numpy(object), sex, rng),
                "sex": sex.astype(str).astype(object),
                "record_id": noisy["record_id"].to_numpy(),
            }
        )
    return roles


def _record_ids(world: World, dataset: str, part: Plan) -> np.ndarray:
    """Record identifiers as each source numbers them, from the world's running counters."""
    org, take = part.org, world.counters.take
    if dataset == "hospital.patient":
        style = np.array(PATIENT_STYLES, dtype=object)[world.inst.style[org]]
        return ids(style[:, 0], take("patient", org), style[:, 1].astype(int))
    if dataset == "checkup.visit":
        day = np.char.replace(iso_dates(part.at // DAY).astype(str), "-", "").astype(object)
        return ids("TJ" + day, take("checkup", org), 5)
    if dataset == "vaccination.dose":
        return ids("JZ", take("vaccination", org), 10)
    return ids(PREFIX[dataset.split(".", 1)[1]], take("mch", org), 9)


def _head(world: World, dataset: str, part: Plan, arrived: np.ndarray) -> dict[str, pa.Array]:
    """The columns every raw row has: institution, arrival time and lineage."""
    n, night = len(part), EPOCH + timedelta(days=int(part.night[0]))
    lineage = lineage_schema()
    return {
        ORG: pa.array(world.inst.codes[part.org], pa.string()),
        arrival_column(contract(dataset)): instants(arrived),
        "source_file": pa.array([SOURCE_FILE] * n, lineage.field("source_file").type),
        "load_id": pa.array([f"bulk-{night.isoformat()}"] * n, lineage.field("load_id").type),
        # the nightly run loads at two in the morning after the night
        "loaded_at": instants(np.full(n, (part.night[0] + 1) * DAY + 2 * HOUR)),
        "load_date": pa.array([night] * n, lineage.field("load_date").type),
    }


def _table(dataset: str, roles: dict[str, pd.DataFrame], head: dict[str, pa.Array]) -> pa.Table:
    """The delivered columns each block names, typed; a column two blocks share (the
    mother's name on the delivery row) is written once, from the first block."""
    spec = contract(dataset)
    columns = dict(head)
    for block in spec.person_mentions:
        idf = roles[block["role"]]
        for field, name in block.items():
            if field in ("role", "sex_constant") or name in columns:
                continue
            columns[name] = _typed(spec.column(name), idf[field].to_numpy())
    return pa.table(columns)


def _typed(column: Column, values: np.ndarray) -> pa.Array:
    """One delivered column as extract lands it: text read by the contract's reader (so
    ``''`` is null); event instants (int local seconds) straight as dates or timestamps —
    what reading their ISO 8601 text would give, without parsing three million stamps."""
    if values.dtype.kind == "i":
        return days(values // DAY) if column.type == "date" else instants(values)
    if column.code_set == "sex_label":
        values = pd.Series(values).map(SEX_LABELS).fillna("").to_numpy(object)
    return PARSERS[column.type](pa.array(values, pa.string()))


def instants(seconds: np.ndarray) -> pa.Array:
    """Local wall-clock seconds (``simulator.clock``) as timestamps in the city's zone."""
    utc_micros = (np.asarray(seconds, np.int64) - UTC_OFFSET) * 1_000_000
    return pa.array(utc_micros, pa.int64()).cast(timestamp_type())


def days(epoch_days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(epoch_days, np.int32), pa.int32()).cast(pa.date32())
