"""The lake inputs of the warehouse, as SQL relations the model templates can select from.

Every relation comes from ``schemas.tables``: the columns a contract declares always exist with
their declared types (NULL where an older file lacks one), and a table nobody has written yet
reads as empty instead of failing. Values that reach SQL are rendered only by ``kernel.sql``:
dates from ``datetime.date``, paths as quoted string literals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kernel.audit import ACCESS_COLUMNS, audit_glob, audit_root
from kernel.layout import Layout
from kernel.sql import sql_date, sql_string
from pipelines.publish.errors import InputError
from schemas.contracts import ContractError
from schemas.tables import (
    files_sql,
    night_sql,
    nights_sql,
    std_current_sql,
    std_history_sql,
)

# Standardised event tables that feed archive.timeline (schemas/std/<table>.yaml).
EVENT_TABLES = (
    "encounter", "diagnosis", "prescription", "lab_result", "exam_report", "immunization",
    "maternal_registration", "prenatal_visit", "delivery", "postpartum_visit", "child_checkup",
    "checkup",
)  # fmt: skip

# What ``daily(kind)`` reads: every night's partition of one stage table through D.
DAILY = {
    "quality": "quality.result",
    "load_log": "ops.load_log",
    "link_audit": "mpi.link_audit",
    "resident_redirect": "mpi.resident_redirect",
}


@dataclass(frozen=True)
class LakeInputs:
    """The inputs of one publish: the state of the lake after night ``day``."""

    layout: Layout
    day: date

    def std(self, table: str) -> str:
        """Current version of every record of a standardised table through ``day``."""
        return self._checked(std_current_sql, table)

    def std_history(self, table: str) -> str:
        """Every delivered version of a standardised table loaded through ``day``."""
        return self._checked(std_history_sql, table)

    def daily(self, kind: str) -> str:
        """Every nightly file of one kind (``quality`` results, ``load_log`` …) through ``day``."""
        if kind not in DAILY:
            raise InputError(f"unknown daily input {kind!r}; known: {', '.join(DAILY)}")
        return nights_sql(self.layout, DAILY[kind], self.day)

    def reference(self, name: str) -> str:
        path = self.layout.reference(name)
        return files_sql(f"reference.{name}", [path] if path.exists() else [])

    def crosswalk(self) -> str:
        """The MPI crosswalk written by the linkage stage for ``day``; required."""
        path = self.layout.night("mpi.record_link", self.day)
        if not path.exists():
            raise InputError(f"no MPI crosswalk for {self.day}: {path} (run the link stage first)")
        return night_sql(self.layout, "mpi.record_link", self.day)

    def golden_record(self) -> str:
        """The MPI's golden records after night ``day`` (the linkage stage's survivorship)."""
        return night_sql(self.layout, "mpi.resident", self.day)

    def mother_child(self) -> str:
        """Mothers and children related by the linkage stage after night ``day``."""
        return night_sql(self.layout, "mpi.mother_child", self.day)

    def review_queue(self) -> str:
        """Pairs the linkage stage left for a person to decide on night ``day`` (may be absent)."""
        return night_sql(self.layout, "mpi.review_queue", self.day)

    def access_audit(self) -> str:
        """Every access-audit line written so far (wall-clock, not bounded by ``day``)."""
        empty = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in ACCESS_COLUMNS.items())
        if not any(audit_root(self.layout.root).glob("date=*/*.jsonl")):
            return f"SELECT {empty} WHERE false"
        columns = (
            "{"
            + ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in ACCESS_COLUMNS.items())
            + "}"
        )
        return (
            f"SELECT * FROM read_json({sql_string(audit_glob(self.layout.root))}, "
            f"format = 'newline_delimited', hive_partitioning = false, columns = {columns})"
        )

    def template_globals(self) -> dict[str, object]:
        """What a model template may use: ``{{ day }}``, ``{{ std('encounter') }}`` …"""
        return {
            "day": sql_date(self.day),
            "std": self.std,
            "std_history": self.std_history,
            "daily": self.daily,
            "reference": self.reference,
            "crosswalk": self.crosswalk,
            "golden_record": self.golden_record,
            "mother_child": self.mother_child,
            "review_queue": self.review_queue,
            "access_audit": self.access_audit,
            "daily_kinds": tuple(DAILY),
            "event_tables": EVENT_TABLES,
        }

    def _checked(self, read: Callable[[Layout, str, date], str], table: str) -> str:
        try:
            return read(self.layout, table, self.day)
        except ContractError as exc:
            raise InputError(str(exc)) from exc
