"""What night D did not take in whole, read back from the lake: for the alert an operator gets.

Three things: deliveries extract did not load (stopped: drift, incomplete — a unit whose
extract did not finish among them — or a duplicate), deliveries whose rows were partly
quarantined, and deliveries a fatal quality check held back. Read from ``ops.load_log`` and
``quality.held_deliveries`` of the night, so that it tells what the night really kept, however
its steps ran. Every line names institutions, datasets, statuses and counts, and the load log's
own messages (which name files and columns, never values): no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kernel.layout import Layout

STOPPED = ("drift", "incomplete", "duplicate")
SHOWN = 20  # lines per kind in one alert; the load log has the rest


@dataclass(frozen=True)
class NightReport:
    day: date
    by_status: dict[str, int] = field(default_factory=dict)
    not_loaded: list[dict] = field(default_factory=list)  # org_code, dataset, status, message
    quarantined: list[dict] = field(default_factory=list)  # org_code, dataset, rows
    held: list[dict] = field(default_factory=list)  # org_code, dataset, reason

    @property
    def problems(self) -> bool:
        return bool(self.not_loaded or self.quarantined or self.held)

    def subject(self) -> str:
        counts = (
            (len(self.not_loaded), "deliveries not loaded"),
            (len(self.held), "held back"),
            (len(self.quarantined), "with rows quarantined"),
        )
        said = ", ".join(f"{n} {what}" for n, what in counts if n)
        return f"night {self.day}: {said or 'every delivery in'}"

    def lines(self) -> list[str]:
        out = [f"deliveries by status: {self.by_status}"]
        out += _section("not loaded", [f"{r['org_code']} {r['dataset']} {r['status']}: "
                                       f"{r['message']}" for r in self.not_loaded])  # fmt: skip
        out += _section(
            "held back by a fatal quality check",
            [f"{r['org_code']} {r['dataset']}: {r['reason']}" for r in self.held],
        )
        out += _section("rows quarantined", [f"{r['org_code']} {r['dataset']}: {r['rows']} rows"
                                             for r in self.quarantined])  # fmt: skip
        return [*out, "read the load log (ops.load_log) and the quality report for the rest"]

    def summary(self) -> dict:
        """A small JSON-able account (what the DAG's report task returns)."""
        return {"night": self.day.isoformat(), "by_status": self.by_status,
                "not_loaded": len(self.not_loaded), "quarantined": len(self.quarantined),
                "held": len(self.held)}  # fmt: skip


def night_report(data: Path, day: date) -> NightReport:
    """The report of night ``day`` (empty before its extract finished)."""
    layout = Layout(data)
    log = _rows(layout.night("ops.load_log", day))
    held = _rows(layout.night("quality.held_deliveries", day))
    by_status: dict[str, int] = {}
    for row in log:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
    order = sorted(log, key=lambda r: (r["org_code"], r["dataset"]))
    partly = [r for r in order if r["status"] not in STOPPED and r["rows_quarantined"]]
    return NightReport(
        day=day,
        by_status=dict(sorted(by_status.items())),
        not_loaded=[_pick(r, "status", "message") for r in order if r["status"] in STOPPED],
        quarantined=[{**_pick(r), "rows": r["rows_quarantined"]} for r in partly],
        held=[
            _pick(r, "reason") for r in sorted(held, key=lambda r: (r["org_code"], r["dataset"]))
        ],
    )


def _pick(row: dict, *more: str) -> dict:
    """Institution and ``source.dataset`` of a row, with the columns ``more``."""
    return {"org_code": row["org_code"], "dataset": f"{row['source']}.{row['dataset']}",
            **{k: row[k] or "" for k in more}}  # fmt: skip


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    rest = [f"  … and {len(lines) - SHOWN} more"] if len(lines) > SHOWN else []
    return [f"{title}:", *(f"  {line}" for line in lines[:SHOWN]), *rest]
