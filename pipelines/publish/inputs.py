"""The lake inputs of the warehouse, as SQL relations the model templates can select from.

Every relation is ``<typed empty row set> UNION ALL BY NAME <the Parquet files>``: the columns a
contract declares always exist with their declared types (NULL where an older file lacks one),
and a table nobody has written yet reads as empty instead of failing. Values that reach SQL are
rendered here only: dates from ``datetime.date``, paths as quoted string literals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines import lake
from pipelines.publish.audit import ACCESS_COLUMNS, audit_glob, audit_root
from pipelines.publish.errors import InputError
from pipelines.publish.reference import reference_path
from schemas.contracts import ContractError, contract

# Daily files that have no contract of their own: the columns the warehouse relies on.
QUALITY_RESULT_COLUMNS = {
    "run_date": "DATE", "source": "VARCHAR", "org_code": "VARCHAR", "dataset": "VARCHAR",
    "check_code": "VARCHAR", "dimension": "VARCHAR", "checked": "BIGINT", "failed": "BIGINT",
    "severity": "VARCHAR",
}  # fmt: skip
LOAD_LOG_COLUMNS = {
    "load_id": "VARCHAR", "load_date": "DATE", "source": "VARCHAR", "dataset": "VARCHAR",
    "org_code": "VARCHAR", "source_file": "VARCHAR", "rows_delivered": "BIGINT",
    "rows_accepted": "BIGINT", "rows_quarantined": "BIGINT", "status": "VARCHAR",
    "message": "VARCHAR", "loaded_at": "TIMESTAMPTZ",
}  # fmt: skip
RECORD_LINK_COLUMNS = {
    "mention_id": "VARCHAR", "source": "VARCHAR", "org_code": "VARCHAR", "dataset": "VARCHAR",
    "record_id": "VARCHAR", "role": "VARCHAR", "resident_id": "VARCHAR",
    "link_method": "VARCHAR", "match_probability": "DOUBLE",
}  # fmt: skip
REVIEW_QUEUE_COLUMNS = {
    "mention_id_l": "VARCHAR", "mention_id_r": "VARCHAR", "resident_id_l": "VARCHAR",
    "resident_id_r": "VARCHAR", "match_weight": "DOUBLE", "match_probability": "DOUBLE",
    "reason": "VARCHAR",
}  # fmt: skip
# The linkage stage's nightly audit of merges/splits/moves and retired resident ids
# (matching/index.py).
LINK_AUDIT_COLUMNS = {
    "run_date": "DATE", "seq": "BIGINT", "action": "VARCHAR", "mention_id": "VARCHAR",
    "resident_before": "VARCHAR", "resident_after": "VARCHAR", "reason": "VARCHAR",
    "match_weight": "DOUBLE", "match_probability": "DOUBLE", "decision_id": "VARCHAR",
    "model_version": "INTEGER",
}  # fmt: skip
RESIDENT_REDIRECT_COLUMNS = {
    "retired_resident_id": "VARCHAR", "survivor_resident_id": "VARCHAR", "reason": "VARCHAR",
    "retired_on": "DATE",
}  # fmt: skip

# Standardised event tables that feed archive.timeline (schemas/std/<table>.yaml).
EVENT_TABLES = (
    "encounter", "diagnosis", "prescription", "lab_result", "exam_report", "immunization",
    "maternal_registration", "prenatal_visit", "delivery", "postpartum_visit", "child_checkup",
    "checkup",
)  # fmt: skip


def sql_string(value: str) -> str:
    """A SQL string literal: the only way text reaches a model."""
    return "'" + value.replace("'", "''") + "'"


def sql_date(day: date) -> str:
    if not isinstance(day, date):
        raise InputError(f"expected a date, got {type(day).__name__}")
    return f"DATE '{day.isoformat()}'"


def empty_relation(columns: Mapping[str, str]) -> str:
    """A typed relation with no rows: ``{"a": "BIGINT"}`` → ``SELECT CAST(NULL AS BIGINT) …``."""
    select = ", ".join(f'CAST(NULL AS {kind}) AS "{name}"' for name, kind in columns.items())
    return f"SELECT {select} WHERE false"


def _typed(columns: Mapping[str, str], files_sql: str | None) -> str:
    empty = empty_relation(columns)
    return f"({empty})" if files_sql is None else f"({empty}) UNION ALL BY NAME ({files_sql})"


def _parquet(files: Sequence[Path]) -> str:
    listed = ", ".join(sql_string(str(f)) for f in files)
    # hive_partitioning off: the date= folder is already the load_date/run_date column
    return (
        f"SELECT * FROM read_parquet([{listed}], union_by_name = true, hive_partitioning = false)"
    )


@dataclass(frozen=True)
class LakeInputs:
    """The inputs of one publish: the state of the lake after night ``day``."""

    data: Path
    day: date

    def __post_init__(self) -> None:
        # lake.current_sql embeds the data path unquoted; refuse what would break out of it
        if "'" in str(self.data):
            raise InputError(f"data directory path may not contain a quote: {self.data}")

    def std(self, table: str, key: str = "record_key") -> str:
        """Current version of every record of a standardised table through ``day``."""
        files = sorted((self.data / "lake" / "std" / table).glob("date=*/part.parquet"))
        current = lake.current_sql(self.data, table, self.day, key=key) if files else None
        return _typed(_std_columns(table), current)

    def std_history(self, table: str) -> str:
        """Every delivered version of a standardised table loaded through ``day``."""
        files = sorted((self.data / "lake" / "std" / table).glob("date=*/part.parquet"))
        rows = f"{_parquet(files)} WHERE load_date <= {sql_date(self.day)}" if files else None
        return _typed(_std_columns(table), rows)

    def daily(self, kind: str) -> str:
        """Every nightly file of one kind (``quality`` results, ``load_log``) through ``day``."""
        if kind not in _DAILY:
            raise InputError(f"unknown daily input {kind!r}; known: {', '.join(_DAILY)}")
        path_of, columns = _DAILY[kind]
        files = [
            f
            for f in sorted(self._partitions(path_of))
            if f.exists() and lake.partition_date(f) <= self.day
        ]
        return _typed(columns, _parquet(files) if files else None)

    def reference(self, name: str) -> str:
        path = reference_path(self.data, name)
        columns = _contract_columns(f"reference.{name}")
        return _typed(columns, _parquet([path]) if path.exists() else None)

    def crosswalk(self) -> str:
        """The MPI crosswalk written by the linkage stage for ``day``; required."""
        path = lake.mpi_path(self.data, self.day)
        if not path.exists():
            raise InputError(f"no MPI crosswalk for {self.day}: {path} (run the link stage first)")
        return _typed(RECORD_LINK_COLUMNS, _parquet([path]))

    def review_queue(self) -> str:
        """Pairs the linkage stage left for a person to decide on night ``day`` (may be absent)."""
        path = lake.mpi_path(self.data, self.day).with_name("review_queue.parquet")
        return _typed(REVIEW_QUEUE_COLUMNS, _parquet([path]) if path.exists() else None)

    def access_audit(self) -> str:
        """Every access-audit line written so far (wall-clock, not bounded by ``day``)."""
        if not any(audit_root(self.data).glob("date=*/*.jsonl")):
            return _typed(ACCESS_COLUMNS, None)
        columns = (
            "{"
            + ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in ACCESS_COLUMNS.items())
            + "}"
        )
        rows = (
            f"SELECT * FROM read_json({sql_string(audit_glob(self.data))}, "
            f"format = 'newline_delimited', hive_partitioning = false, columns = {columns})"
        )
        return _typed(ACCESS_COLUMNS, rows)

    def template_globals(self) -> dict[str, object]:
        """What a model template may use: ``{{ day }}``, ``{{ std('encounter') }}`` …"""
        return {
            "day": sql_date(self.day),
            "std": self.std,
            "std_history": self.std_history,
            "daily": self.daily,
            "reference": self.reference,
            "crosswalk": self.crosswalk,
            "review_queue": self.review_queue,
            "access_audit": self.access_audit,
            "daily_kinds": tuple(_DAILY),
            "event_tables": EVENT_TABLES,
        }

    def _partitions(self, path_of: Callable[[Path, date], Path]) -> list[Path]:
        sample = path_of(self.data, self.day)  # …/date=D/<file>
        root, filename = sample.parent.parent, sample.name
        return [p / filename for p in root.glob("date=*")] if root.exists() else []


_DAILY: dict[str, tuple[Callable[[Path, date], Path], Mapping[str, str]]] = {
    "quality": (lake.quality_path, QUALITY_RESULT_COLUMNS),
    # the quality checks run after linkage (quality/post_link.py), beside result.parquet
    "quality_post_link": (
        lambda data, day: lake.quality_path(data, day).with_name("post_link.parquet"),
        QUALITY_RESULT_COLUMNS,
    ),
    "load_log": (lake.load_log_path, LOAD_LOG_COLUMNS),
    "link_audit": (
        lambda data, day: lake.mpi_path(data, day).with_name("link_audit.parquet"),
        LINK_AUDIT_COLUMNS,
    ),
    "resident_redirect": (
        lambda data, day: lake.mpi_path(data, day).with_name("resident_redirect.parquet"),
        RESIDENT_REDIRECT_COLUMNS,
    ),
}


def _std_columns(table: str) -> dict[str, str]:
    return _contract_columns(f"std.{table}")


def _contract_columns(dataset: str) -> dict[str, str]:
    try:
        spec = contract(dataset)
    except ContractError as exc:
        raise InputError(str(exc)) from exc
    return {c.name: c.duckdb_type for c in spec.columns}
